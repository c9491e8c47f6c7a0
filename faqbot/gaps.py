"""Grouping logged questions so the biggest gaps in a pack stand out.

A clinician reads groups, not rows: "41 people asked about pregnancy" is a
decision, 41 scattered lines are not. Questions are compared by the words that
carry their meaning. A word that appears in most logged questions (the drug
the whole pack is about) counts for little, so two questions group because
they ask the same thing, not because both mention baclofen. Typos and word
forms are allowed for. The grouping is greedy and deterministic: the most
common phrasing founds a group, and each later question joins the group whose
founding phrasing it fits best, if it fits well enough.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from .text import STOPWORDS, stem, words

THRESHOLD = 0.4          # share of meaning-weighted words two questions must have in common
TYPO_RATIO = 80          # rapidfuzz ratio at which two longer words count as the same word
LIGHT = 0.25             # weight of words that rarely change what is being asked
COMMON_SHARE = 0.2       # words in more than this share of questions are not used to find candidates

# Words that shape a question without changing its topic: "is it safe to..." and
# "can I take ... while ..." ask the same thing.
LIGHT_WORDS = frozenset(stem(w) for w in """
    take taking took use using safe safely ok okay fine alright normal allowed while during when whilst
    still need want go going start ever anything something people person someone
""".split())
_TOKEN = re.compile(r"\[[a-z]+\]")


@dataclass
class Group:
    """Similar logged questions, represented by the most common phrasing."""

    example: str
    count: int = 0
    nearest: str | None = None
    nearest_count: int = 0
    first_seen: str = ""
    last_seen: str = ""
    outcomes: Counter = field(default_factory=Counter)
    phrasings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "count": self.count,
            "example": self.example,
            "nearest": self.nearest,
            "nearest_count": self.nearest_count,
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
            "fallback": self.outcomes.get("fallback", 0),
            "clarify": self.outcomes.get("clarify", 0),
        }


def key_words(text: str) -> tuple[str, ...]:
    """The stems that carry a question's meaning, sorted, without redaction tokens."""
    found = {stem(w) for w in words(_TOKEN.sub(" ", text)) if w not in STOPWORDS}
    return tuple(sorted(found))


class _Weights:
    """How much each stem says about a question: rarer in the log means more."""

    def __init__(self, keys: list[tuple[str, ...]], counts: list[int]):
        self.total = sum(counts)
        df: Counter = Counter()
        for key, count in zip(keys, counts):
            for word in key:
                df[word] += count
        self.df = df

    def __call__(self, word: str) -> float:
        idf = max(0.1, math.log((self.total + 1) / (self.df.get(word, 0) + 0.5)))
        return idf * (LIGHT if word in LIGHT_WORDS else 1.0)

    def common(self, word: str) -> bool:
        return self.df.get(word, 0) > max(5, COMMON_SHARE * self.total)


def _same_word(a: str, b: str) -> bool:
    if a == b:
        return True
    if min(len(a), len(b)) < 5 or a[0] != b[0]:
        return False
    return fuzz.ratio(a, b) >= TYPO_RATIO


def similarity(a: tuple[str, ...], b: tuple[str, ...], weight) -> float:
    """Weighted share of each question's words found (allowing typos) in the other, 0 to 1."""
    if not a or not b:
        return 1.0 if a == b else 0.0
    total = sum(weight(w) for w in a) + sum(weight(w) for w in b)
    shared = sum(weight(w) for w in a if any(_same_word(w, v) for v in b))
    shared += sum(weight(w) for w in b if any(_same_word(w, v) for v in a))
    return shared / total if total else 0.0


def group_questions(rows: list[dict], threshold: float = THRESHOLD) -> list[Group]:
    """Group logged question rows (`question`, `at`, `outcome`, `best_id`), largest group first."""
    forms: dict[tuple[str, ...], list[dict]] = defaultdict(list)
    for row in rows:
        forms[key_words(row["question"])].append(row)
    ordered = sorted(forms, key=lambda k: (-len(forms[k]), min(r["at"] for r in forms[k]), k))
    weight = _Weights(ordered, [len(forms[k]) for k in ordered])

    founders: list[tuple[str, ...]] = []
    members: list[list[tuple[str, ...]]] = []
    rare_index: dict[str, set[int]] = defaultdict(set)
    any_index: dict[str, set[int]] = defaultdict(set)
    for key in ordered:
        prefixes = {w[:4] for w in key}
        rare = {w[:4] for w in key if not weight.common(w)}
        candidates = set().union(*(rare_index[p] for p in rare)) if rare else set()
        if not candidates:
            candidates = set().union(*(any_index[p] for p in prefixes)) if prefixes else set()
        best, best_score = None, threshold
        for index in sorted(candidates):
            score = similarity(key, founders[index], weight)
            if score >= best_score and (best is None or score > best_score):
                best, best_score = index, score
        if best is None or not key:
            best = len(founders)
            founders.append(key)
            members.append([])
            for p in rare:
                rare_index[p].add(best)
            for p in prefixes:
                any_index[p].add(best)
        members[best].append(key)

    groups = []
    for keys in members:
        group_rows = [row for key in keys for row in forms[key]]
        first = forms[keys[0]]
        example = Counter(r["question"] for r in first).most_common(1)[0][0]
        nearest = Counter(r["best_id"] for r in group_rows if r.get("best_id"))
        top = sorted(nearest.items(), key=lambda item: (-item[1], item[0]))
        groups.append(Group(
            example=example,
            count=len(group_rows),
            nearest=top[0][0] if top else None,
            nearest_count=top[0][1] if top else 0,
            first_seen=min(r["at"] for r in group_rows),
            last_seen=max(r["at"] for r in group_rows),
            outcomes=Counter(r["outcome"] for r in group_rows),
            phrasings=[Counter(r["question"] for r in forms[k]).most_common(1)[0][0] for k in keys[:5]],
        ))
    groups.sort(key=lambda g: (-g.count, g.first_seen, g.example))
    return groups
