"""Spotting emergencies before any answer is considered.

A trigger matches when its words occur in order with at most `MAX_GAP` other
words between them, each word allowed a small typo that keeps its first
letter ("sezure", "cant breath", "chest pian"). Missing an emergency is the worst outcome,
so this errs towards firing.
"""

from __future__ import annotations

from collections import defaultdict

from .text import is_typo_of, stem, words

MAX_GAP = 3


class UrgentDetector:
    """`known_words` are words the pack itself uses: a typed word that is one of
    them is taken as meant ("conversion" is not a typo of "convulsion")."""

    def __init__(self, triggers: dict[str, tuple[str, ...]], known_words: frozenset[str] = frozenset()):
        self._known = known_words
        self._triggers: list[tuple[str, tuple[str, ...]]] = []
        for category, phrases in triggers.items():
            for phrase in phrases:
                tokens = tuple(words(phrase))
                if tokens:
                    self._triggers.append((category, tokens))
        self._vocab_by_letter: dict[str, set[str]] = defaultdict(set)
        for _, tokens in self._triggers:
            for token in tokens:
                self._vocab_by_letter[token[0]].add(token)

    def _same_word(self, typed: str) -> set[str]:
        """The trigger words that a typed word may stand for."""
        candidates = self._vocab_by_letter.get(typed[0], ())
        found = set()
        typed_stem = stem(typed)
        for word in candidates:
            inflected = len(typed) >= 5 and abs(len(word) - len(typed)) <= 2 and stem(word) == typed_stem
            if word == typed or inflected:
                found.add(word)
                continue
            if typed not in self._known and is_typo_of(typed, word):
                found.add(word)
        return found

    def match(self, question: str) -> str | None:
        """The category of the first trigger found in the question, or None."""
        tokens = words(question)
        if not tokens:
            return None
        cache: dict[str, set[str]] = {}
        stands_for = []
        for token in tokens:
            if token not in cache:
                cache[token] = self._same_word(token)
            stands_for.append(cache[token])
        for category, trigger in self._triggers:
            if _in_order(trigger, stands_for):
                return category
        return None


def _in_order(trigger: tuple[str, ...], stands_for: list[set[str]]) -> bool:
    first, rest = trigger[0], trigger[1:]
    for start, options in enumerate(stands_for):
        if first not in options:
            continue
        position = start
        for word in rest:
            for step in range(1, MAX_GAP + 2):
                nxt = position + step
                if nxt < len(stands_for) and word in stands_for[nxt]:
                    position = nxt
                    break
            else:
                break
        else:
            return True
    return False
