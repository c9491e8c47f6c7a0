"""Scoring the router on a labelled set of patient questions.

Each item lists the acceptable outcomes (answer ids, `fallback`, `urgent`,
`clarify`); the outcome classes say what went wrong, from worst to mildest.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from .coverage import describe
from .router import Router
from .yamlfile import YamlProblem, read_yaml

OUTCOMES = ("right", "wrong answer", "missed urgent", "fallback", "clarify", "needless urgent")
SYSTEM = {"fallback", "urgent", "clarify"}


class EvalSetError(Exception):
    pass


@dataclass(frozen=True)
class Item:
    question: str
    expect: tuple[str, ...]
    tag: str
    line: int


@dataclass(frozen=True)
class Result:
    item: Item
    outcome: str
    got: str

    @property
    def expects_answer(self) -> bool:
        return any(e not in SYSTEM for e in self.item.expect)


def read_items(path: Path) -> list[Item]:
    try:
        data = read_yaml(path)
    except YamlProblem as exc:
        raise EvalSetError(f"{exc.path}:{exc.line}: {exc.message}") from None
    raw = data.get("items") if isinstance(data, dict) else data
    if not isinstance(raw, list):
        raise EvalSetError(f"{path}:1: expected a list of items, each {{q, expect, tag}}")
    items = []
    for index, entry in enumerate(raw):
        line = raw.item_lines[index] if hasattr(raw, "item_lines") else 0
        if not isinstance(entry, dict) or not isinstance(entry.get("q"), str):
            raise EvalSetError(f"{path}:{line}: each item needs a question 'q'")
        expect = entry.get("expect")
        if isinstance(expect, str):
            expect = [expect]
        if not isinstance(expect, list) or not expect or not all(isinstance(e, str) for e in expect):
            raise EvalSetError(f"{path}:{line}: 'expect' must list acceptable outcomes")
        items.append(Item(entry["q"], tuple(expect), str(entry.get("tag") or "untagged"), line))
    return items


def classify(item: Item, kind: str, answer_id: str | None) -> str:
    if kind == "answer":
        if answer_id in item.expect:
            return "right"
        return "missed urgent" if "urgent" in item.expect else "wrong answer"
    if kind in item.expect:
        return "right"
    if "urgent" in item.expect:
        return "missed urgent"
    return "needless urgent" if kind == "urgent" else kind


def evaluate(router: Router, items: list[Item]) -> list[Result]:
    results = []
    for item in items:
        reply = router.route(item.question)
        answer_id = reply.answer.id if reply.answer else None
        results.append(Result(item, classify(item, reply.kind, answer_id), describe(reply)))
    return results


def unknown_ids(router: Router, items: list[Item]) -> list[str]:
    known = {a.id for a in router.pack.answers} | SYSTEM
    return sorted({e for item in items for e in item.expect if e not in known})


def report(results: list[Result]) -> str:
    tags: dict[str, Counter] = defaultdict(Counter)
    for r in results:
        tags[r.item.tag][r.outcome] += 1
        tags["all"][r.outcome] += 1
    width = max(len(t) for t in tags)
    head = f"{'tag':<{width}}  {'total':>5}  " + "  ".join(f"{o:>{len(o)}}" for o in OUTCOMES)
    lines = [head]
    for tag in sorted(tags, key=lambda t: (t == "all", t)):
        counts = tags[tag]
        total = sum(counts.values())
        lines.append(f"{tag:<{width}}  {total:>5}  " + "  ".join(f"{counts[o]:>{len(o)}}" for o in OUTCOMES))
    problems = [r for r in results if r.outcome in ("wrong answer", "missed urgent")]
    if problems:
        lines.append("")
        for r in problems:
            lines.append(f"{r.outcome}: {r.item.question!r} expected {'|'.join(r.item.expect)}, got {r.got}")
    others = [r for r in results if r.outcome not in ("right", "wrong answer", "missed urgent")]
    if others:
        lines.append("")
        for r in others:
            lines.append(f"{r.outcome}: {r.item.question!r} expected {'|'.join(r.item.expect)}, got {r.got}")
    wanted = [r for r in results if r.expects_answer]
    answered = sum(r.outcome == "right" for r in wanted)
    lines.append("")
    lines.append(
        f"{tags['all']['right']} of {len(results)} right; {tags['all']['wrong answer']} wrong answers; "
        f"{tags['all']['missed urgent']} missed urgent; "
        f"answered {answered} of {len(wanted)} that expect an answer ({_percent(answered, len(wanted))})"
    )
    return "\n".join(lines)


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "n/a"


def failed(results: list[Result]) -> bool:
    return any(r.outcome in ("wrong answer", "missed urgent") for r in results)
