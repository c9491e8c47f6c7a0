"""Scoring how well a question fits each vetted answer.

Each answer is known by its phrasings (the vetted question and its examples).
Words are weighted by how few answers use them, so "baclofen" counts for
little in a baclofen pack while "dialysis" counts for a lot. A phrasing fits a
question only when the question's weighted words are mostly explained by it:
a word the pack has never seen ("botox", "child") weighs as much as the
rarest word, so a question about something else drops below the bar even when
it shares several words with an answer. An inverted index keeps this to the
few answers that share a word with the question.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from typing import Sequence

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from .pack import Answer
from .text import STOPWORDS, allowed_typos, clean, stem, words

CANDIDATES = 40          # answers scored in full per question
TOKEN_WEIGHT = 0.75      # share of the score from weighted word overlap
QUERY_BIAS = 2.0         # how much more a question's own words must be covered than a phrasing's
NEGATIVE_MARGIN = 0.02   # a not_for phrasing this close to the best phrasing vetoes the answer


@dataclass(frozen=True)
class Phrasing:
    answer: int
    stems: frozenset[str]
    joined: str


@dataclass(frozen=True)
class Scored:
    answer: Answer
    score: float


class Matcher:
    def __init__(self, answers: Sequence[Answer], synonyms: dict[str, tuple[str, ...]]):
        self.answers = tuple(answers)
        self._synonyms: dict[tuple[str, ...], tuple[str, ...]] = {}
        for canonical, variants in synonyms.items():
            target = tuple(words(canonical))
            for variant in variants:
                key = tuple(words(variant))
                if key and key != target:
                    self._synonyms[key] = target
        self._longest_synonym = max((len(k) for k in self._synonyms), default=1)

        raw_vocab: set[str] = set()
        for key, target in self._synonyms.items():
            raw_vocab.update(key)
            raw_vocab.update(target)
        for answer in self.answers:
            for text in (answer.question, *answer.examples):
                raw_vocab.update(words(text))
        self._vocab = frozenset(raw_vocab)
        self._vocab_by_letter: dict[str, list[str]] = defaultdict(list)
        for word in sorted(raw_vocab):
            if word.isalpha():
                self._vocab_by_letter[word[0]].append(word)
        self._sorted_vocab = sorted(raw_vocab)

        self._phrasings: list[Phrasing] = []
        self._negatives: dict[int, list[Phrasing]] = defaultdict(list)
        self._by_answer: dict[int, list[Phrasing]] = defaultdict(list)
        answer_stems: list[set[str]] = []
        for index, answer in enumerate(self.answers):
            union: set[str] = set()
            for text in (answer.question, *answer.examples):
                phrasing = self._phrasing(index, text)
                if phrasing.stems:
                    self._phrasings.append(phrasing)
                    self._by_answer[index].append(phrasing)
                    union |= phrasing.stems
            answer_stems.append(union)
            for text in answer.not_for:
                phrasing = self._phrasing(index, text)
                if phrasing.stems:
                    self._negatives[index].append(phrasing)

        count = max(len(self.answers), 1)
        frequency: dict[str, int] = defaultdict(int)
        for union in answer_stems:
            for s in union:
                frequency[s] += 1
        self._idf = {s: math.log((count + 1) / (n + 0.5)) + 1.0 for s, n in frequency.items()}
        self._unknown_weight = math.log((count + 1) / 0.5) + 1.0
        self._postings: dict[str, list[int]] = defaultdict(list)
        for index, union in enumerate(answer_stems):
            for s in union:
                self._postings[s].append(index)
        self._typo_cache: dict[str, str] = {}

    # -- turning text into weighted stems ------------------------------------

    def _phrasing(self, index: int, text: str) -> Phrasing:
        stems = self._stems(words(clean(text)))
        return Phrasing(index, frozenset(stems), " ".join(sorted(set(stems))))

    def _stems(self, tokens: list[str]) -> list[str]:
        tokens = self._apply_synonyms(tokens)
        return [stem(t) for t in tokens if t not in STOPWORDS]

    def _apply_synonyms(self, tokens: list[str]) -> list[str]:
        if not self._synonyms:
            return tokens
        out: list[str] = []
        i = 0
        while i < len(tokens):
            for size in range(min(self._longest_synonym, len(tokens) - i), 0, -1):
                target = self._synonyms.get(tuple(tokens[i : i + size]))
                if target is not None:
                    out.extend(target)
                    i += size
                    break
            else:
                out.append(tokens[i])
                i += 1
        return out

    def _correct(self, token: str) -> str:
        """A pack word that an unknown typed word is a small typo of, or the word itself."""
        if token in self._vocab:
            return token
        cached = self._typo_cache.get(token)
        if cached is not None:
            return cached
        best = token
        limit = allowed_typos(token)
        if limit:
            pool = [w for w in self._vocab_by_letter.get(token[0], ()) if abs(len(w) - len(token)) <= limit]
            found = process.extractOne(token, pool, scorer=Levenshtein.distance, score_cutoff=limit)
            if found is not None:
                best = found[0]
        if len(self._typo_cache) < 50_000:
            self._typo_cache[token] = best
        return best

    def query_stems(self, question: str, complete_last: bool = False) -> list[str]:
        tokens = [self._correct(t) for t in words(clean(question))]
        if complete_last and tokens and tokens[-1] not in self._vocab:
            tokens[-1] = self._complete(tokens[-1])
        seen: dict[str, None] = {}
        for s in self._stems(tokens):
            seen.setdefault(s, None)
        return list(seen)

    def _complete(self, prefix: str) -> str:
        """The first pack word that starts with a half-typed word."""
        at = bisect_left(self._sorted_vocab, prefix)
        if at < len(self._sorted_vocab) and self._sorted_vocab[at].startswith(prefix):
            return self._sorted_vocab[at]
        return prefix

    def weight(self, s: str) -> float:
        return self._idf.get(s, self._unknown_weight)

    # -- scoring --------------------------------------------------------------

    def _fit(self, query: list[str], weights: dict[str, float], total: float, joined: str, phrasing: Phrasing) -> float:
        shared = sum(weights[s] for s in query if s in phrasing.stems)
        if shared == 0:
            return 0.0
        covered_q = shared / total
        covered_p = shared / sum(self.weight(s) for s in phrasing.stems)
        b2 = QUERY_BIAS * QUERY_BIAS
        overlap = (1 + b2) * covered_q * covered_p / (b2 * covered_p + covered_q)
        shape = fuzz.ratio(joined, phrasing.joined) / 100.0
        return TOKEN_WEIGHT * overlap + (1 - TOKEN_WEIGHT) * shape

    def rank(self, question: str, complete_last: bool = False) -> list[Scored]:
        """Answers that share a word with the question, best first, scores in 0..1."""
        query = self.query_stems(question, complete_last)
        if not query:
            return []
        weights = {s: self.weight(s) for s in query}
        total = sum(weights.values())
        joined = " ".join(sorted(query))
        reach: dict[int, float] = defaultdict(float)
        for s in query:
            for index in self._postings.get(s, ()):
                reach[index] += weights[s]
        if not reach:
            return []
        shortlist = sorted(reach, key=lambda i: (-reach[i], i))[:CANDIDATES]
        results = []
        for index in shortlist:
            best = max(self._fit(query, weights, total, joined, p) for p in self._by_answer[index])
            negatives = self._negatives.get(index)
            if negatives:
                worst = max(self._fit(query, weights, total, joined, p) for p in negatives)
                if worst >= best - NEGATIVE_MARGIN:
                    continue
            results.append(Scored(self.answers[index], round(best, 4)))
        results.sort(key=lambda r: (-r.score, r.answer.id))
        return results
