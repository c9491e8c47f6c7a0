"""Whether a pack may be shown in a kiosk: the one gate for starting and for reloading.

A kiosk stands unattended, so it is stricter than the chat: every answer must
be approved and current (unless the operator asked for a demonstration with
drafts), and the pack must pass the same checks as `faqbot check`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from ..pack import Pack, PackError, Review, load_pack

REVIEW_PROBLEMS = {
    "draft": "is a draft, not reviewed by a clinician",
    "changed": "was edited after it was approved",
    "overdue": "is past its review date",
}


def _check_errors(pack: Pack, today: dt.date) -> list[str]:
    """Errors from the pack checks, if that module is present; warnings never block."""
    try:
        from ..checks import check_pack
    except ImportError:
        return []
    return [str(p) for p in check_pack(pack, today) if p.severity == "error"]


def _review_neutral(pack: Pack, today: dt.date) -> Pack:
    """The pack with every review marked current, so the checks report only other problems.

    Review state is judged here, answer by answer, so that --allow-drafts can
    waive exactly that and nothing else.
    """
    answers = []
    for answer in pack.answers:
        if answer.state(today) in REVIEW_PROBLEMS:
            review = Review("approved", answer.review.reviewer or "-", today, dt.date.max, answer.fingerprint)
            answer = replace(answer, review=review)
        answers.append(answer)
    return replace(pack, answers=tuple(answers))


def pack_problems(pack: Pack, allow_drafts: bool = False, today: dt.date | None = None) -> list[str]:
    """One line per reason the kiosk must not show this pack; empty when it may."""
    today = today or dt.date.today()
    lines = []
    if not allow_drafts:
        for answer in pack.answers:
            why = REVIEW_PROBLEMS.get(answer.state(today))
            if why:
                lines.append(f"{answer.path}:{answer.line}: '{answer.id}' {why}")
    lines.extend(_check_errors(_review_neutral(pack, today), today))
    return lines


def open_checked(folder: Path, allow_drafts: bool = False, today: dt.date | None = None) -> tuple[Pack | None, list[str]]:
    """Load and check a pack folder: (pack, []) when fit to show, else (None, reasons)."""
    try:
        pack = load_pack(folder)
    except PackError as exc:
        return None, [str(p) for p in exc.problems]
    problems = pack_problems(pack, allow_drafts, today)
    return (None, problems) if problems else (pack, [])
