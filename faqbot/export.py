"""The pack in forms other tools and reviewing clinicians can read."""

from __future__ import annotations

import csv
import io
import json

from .pack import Answer, Pack


def _review_state(answer: Answer) -> str:
    """The review record in words, without today's date, so exports are stable."""
    review = answer.review
    if review.status == "approved":
        if review.fingerprint != answer.fingerprint:
            return f"approved by {review.reviewer} on {review.reviewed}, but the text has changed since"
        return f"approved by {review.reviewer} on {review.reviewed}; next review by {review.next_review}"
    if review.status == "retired":
        return "retired"
    return "draft (not yet reviewed by a clinician)"


def as_json(pack: Pack) -> str:
    data = {
        "pack": {
            "name": pack.name,
            "version": pack.version,
            "locale": pack.locale,
            "texts": {k: getattr(pack.texts, k) for k in ("welcome", "fallback", "urgent", "clarify", "unreviewed")},
        },
        "answers": [
            {
                "id": a.id,
                "question": a.question,
                "examples": list(a.examples),
                "text": a.text,
                "status": a.review.status,
                "sources": [{"title": s.title, "url": s.url} for s in a.sources],
                "related": list(a.related),
                "review": _review_state(a),
            }
            for a in pack.answers
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def as_csv(pack: Pack) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["id", "question", "examples", "text", "status", "reviewer", "reviewed", "next_review", "sources"])
    for a in pack.answers:
        writer.writerow([
            a.id, a.question, "\n".join(a.examples), a.text, a.review.status,
            a.review.reviewer or "", a.review.reviewed or "", a.review.next_review or "",
            "\n".join(f"{s.title} <{s.url}>" for s in a.sources),
        ])
    return buffer.getvalue()


def as_markdown(pack: Pack) -> str:
    """One section per answer, in pack order, for review end to end."""
    out = [
        f"# {pack.name}: answers for clinical review",
        "",
        f"Pack version {pack.version} ({pack.locale}), {len(pack.answers)} answers. Each section shows the",
        "question as patients see it, the other phrasings that lead to it, the answer text exactly as",
        "served, its sources and its review state. The system texts come last.",
        "",
        "## Contents",
        "",
    ]
    for a in pack.answers:
        out.append(f"- [{a.question}](#{a.id}) (`{a.id}`)")
    for a in pack.answers:
        out += [
            "",
            "---",
            "",
            f'<a id="{a.id}"></a>',
            f"## {a.question}",
            "",
            f"- **Id:** `{a.id}`",
            f"- **Review:** {_review_state(a)}",
        ]
        if a.related:
            out.append("- **Follow-ups:** " + ", ".join(f"`{r}`" for r in a.related))
        out += ["", "### Answer", "", a.text, "", "### Sources", ""]
        out += [f"- {s.title}: <{s.url}>" for s in a.sources] or ["- none"]
        out += ["", "### Other ways patients ask this", ""]
        out += [f"- {e}" for e in a.examples] or ["- none"]
        if a.not_for:
            out += ["", "### Must not lead here", ""]
            out += [f"- {e}" for e in a.not_for]
    out += ["", "---", "", "## System texts", ""]
    for key in ("welcome", "fallback", "urgent", "clarify", "unreviewed"):
        out += [f"### {key.capitalize()}", "", getattr(pack.texts, key), ""]
    return "\n".join(out).rstrip() + "\n"


FORMATS = {"json": as_json, "csv": as_csv, "md": as_markdown}
