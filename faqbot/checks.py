"""Everything `faqbot check` says about a pack.

Loading already rejects anything structurally wrong; these checks go on to
what makes a loadable pack unsafe or unhelpful to serve: missing sources,
examples that two answers share, and the review state of every answer.
"""

from __future__ import annotations

import datetime as dt
from rapidfuzz import fuzz, process

from .pack import Pack, PackError, Problem, load_pack
from .review import approval_diff
from .text import clean, words

TOO_ALIKE = 92  # token_sort_ratio at which two answers' phrasings can't be told apart


def check_folder(folder, today: dt.date | None = None) -> list[Problem]:
    """All problems in a pack folder; load errors if it does not load, else the checks."""
    try:
        pack = load_pack(folder)
    except PackError as exc:
        return exc.problems
    return check_pack(pack, today)


def check_pack(pack: Pack, today: dt.date | None = None) -> list[Problem]:
    today = today or dt.date.today()
    problems: list[Problem] = []
    for answer in pack.answers:
        where = (answer.path, answer.line)
        if not answer.sources:
            problems.append(Problem(*where, f"'{answer.id}' has no sources"))
        if not answer.examples:
            problems.append(Problem(*where, f"'{answer.id}' has no examples: patients rarely ask in the vetted wording", "warning"))
        state = answer.state(today)
        if state == "draft":
            problems.append(Problem(*where, f"'{answer.id}' is a draft: not served until a clinician approves it", "warning"))
        elif state == "changed":
            problems.append(Problem(
                *where, f"'{answer.id}' was edited after approval: not served until approved again",
                detail=approval_diff(answer) or "",
            ))
        elif state == "overdue":
            problems.append(Problem(*where, f"'{answer.id}' review was due {answer.review.next_review}: not served until reviewed"))
        elif state == "ok" and answer.review.next_review is not None:
            left = (answer.review.next_review - today).days
            if left <= pack.policy.warn_days:
                problems.append(Problem(*where, f"'{answer.id}' is due for review in {left} days ({answer.review.next_review})", "warning"))
    problems.extend(_alike_across_answers(pack))
    problems.extend(_system_texts(pack))
    return problems


def _normal(text: str) -> str:
    """Words in sorted order, so word order alone never hides a twin."""
    return " ".join(sorted(words(clean(text))))


def _alike_across_answers(pack: Pack) -> list[Problem]:
    """Phrasings of different answers that are nearly the same words."""
    owners: list = []
    texts: list[str] = []
    for answer in pack.answers:
        if answer.review.status == "retired":
            continue
        for text in (answer.question, *answer.examples):
            owners.append(answer)
            texts.append(_normal(text))
    problems = []
    reported: set[tuple[str, str]] = set()
    for i, text in enumerate(texts):
        if not text:
            continue
        later = texts[i + 1 :]
        for _, _, j in process.extract(text, later, scorer=fuzz.ratio, score_cutoff=TOO_ALIKE, limit=None):
            j += i + 1
            key = (texts[i], texts[j])
            if owners[i].id == owners[j].id or key in reported:
                continue
            reported.add(key)
            problems.append(Problem(
                owners[i].path, owners[i].line,
                f"'{owners[i].id}' and '{owners[j].id}' have phrasings too alike to tell apart: "
                f"{texts[i]!r} ~ {texts[j]!r}",
            ))
    return problems


def _system_texts(pack: Pack) -> list[Problem]:
    """A pack's own safety texts must say where to go next."""
    settings = pack.root / "pack.yaml"
    problems = []
    if not any(ch.isdigit() for ch in pack.texts.urgent):
        problems.append(Problem(settings, 1, "the urgent text gives no number to call", "warning"))
    return problems


def summary(problems: list[Problem]) -> str:
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    return f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}"
