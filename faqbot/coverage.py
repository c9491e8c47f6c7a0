"""Does every vetted phrasing reach its own answer, and no `not_for` phrase?

A pack-testing tool: it matches against every unretired answer, whatever its
review state, because wording is tested before a clinician signs it off.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from .pack import Pack
from .router import Reply, Router


@dataclass
class Miss:
    phrase: str
    role: str          # "question", "example" or "not_for"
    got: str           # what it routed to, e.g. "clarify: a, b"


@dataclass
class AnswerCoverage:
    answer_id: str
    phrasings: int = 0
    reached: int = 0
    urgent: int = 0
    not_for: int = 0
    kept_out: int = 0
    misses: list[Miss] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.misses


def describe(reply: Reply) -> str:
    if reply.kind == "answer":
        return f"answer {reply.answer.id}"
    if reply.kind == "clarify":
        return "clarify: " + ", ".join(a.id for a in reply.choices)
    return reply.kind


def run_coverage(pack: Pack) -> list[AnswerCoverage]:
    router = Router(pack, every_answer=True)
    rows = []
    for answer in router.answers:
        row = AnswerCoverage(answer.id)
        for role, phrase in [("question", answer.question)] + [("example", e) for e in answer.examples]:
            row.phrasings += 1
            reply = router.route(phrase)
            if reply.kind == "answer" and reply.answer.id == answer.id:
                row.reached += 1
            elif reply.kind == "urgent":
                # Urgent triggers come first by design; the emergency reply pre-empts the answer.
                row.urgent += 1
            else:
                row.misses.append(Miss(phrase, role, describe(reply)))
        for phrase in answer.not_for:
            row.not_for += 1
            reply = router.route(phrase)
            if reply.kind == "answer" and reply.answer.id == answer.id:
                row.misses.append(Miss(phrase, "not_for", describe(reply)))
            else:
                row.kept_out += 1
        rows.append(row)
    return rows


def table(rows: list[AnswerCoverage]) -> str:
    width = max([len(r.answer_id) for r in rows] + [6])
    lines = [f"{'answer':<{width}}  reached  urgent  not_for kept out  result"]
    for r in rows:
        lines.append(
            f"{r.answer_id:<{width}}  {r.reached:>3}/{r.phrasings:<3}  {r.urgent:>6}  "
            f"{r.kept_out:>6}/{r.not_for:<6}  {'ok' if r.passed else 'FAIL'}"
        )
        for miss in r.misses:
            lines.append(f"    {miss.role}: {miss.phrase!r} -> {miss.got}")
    failed = sum(not r.passed for r in rows)
    total = sum(r.phrasings + r.not_for for r in rows)
    wrong = sum(len(r.misses) for r in rows)
    lines.append(f"{len(rows) - failed} of {len(rows)} answers covered; {total - wrong} of {total} phrases routed as expected")
    return "\n".join(lines)


def junit(rows: list[AnswerCoverage]) -> str:
    """A JUnit XML report: one test case per answer, failures listing the phrases."""
    failures = sum(not r.passed for r in rows)
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<testsuite name="faqbot coverage" tests="{len(rows)}" failures="{failures}" errors="0" skipped="0">',
    ]
    for r in rows:
        out.append(f'  <testcase classname="coverage" name={quoteattr(r.answer_id)}>')
        if not r.passed:
            body = "\n".join(f"{m.role}: {m.phrase} -> {m.got}" for m in r.misses)
            out.append(f'    <failure message={quoteattr(f"{len(r.misses)} phrase(s) misrouted")}>{escape(body)}</failure>')
        out.append("  </testcase>")
    out.append("</testsuite>")
    return "\n".join(out) + "\n"
