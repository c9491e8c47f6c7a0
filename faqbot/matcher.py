"""Scoring how well a question fits each vetted answer.

Each answer is known by its phrasings (the vetted question and its examples).
Words are weighted by how few answers use them, so "baclofen" counts for
little in a baclofen pack while "dialysis" counts for a lot. A phrasing fits a
question only when the question's weighted words are mostly explained by it:
a word the pack has never seen ("metformin") outweighs its rarest word, so a
question about something else drops below the bar even when it shares several
words with an answer; everyday words ("evening") are the exception. An
inverted index keeps this to the few answers that share a word with the
question.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, replace
from typing import Sequence

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from .pack import Answer
from .text import EVERYDAY, STOPWORDS, allowed_typos, clean, is_typo_of, stem, words

CANDIDATES = 40          # answers scored in full per question
TOKEN_WEIGHT = 0.75      # share of the score from weighted word overlap
QUERY_BIAS = 2.0         # how much more a question's own words must be covered than a phrasing's
NEGATIVE_MARGIN = 0.02   # a not_for phrasing this close to the best phrasing vetoes the answer
# How far a question word is explained when the phrasing lacks it but another
# phrasing of the same answer has it, or only the answer's text.
IN_ANSWER, IN_TEXT = 0.6, 0.3
UNKNOWN_BOOST = 1.3      # a word the pack never uses outweighs its rarest word
MISMATCH_FLOOR = 3.0     # a known word the answer never uses counts at least this much against it
FOREIGN_FLOOR = 6.0      # ...and a word only its not_for phrasings use, at least this much
ANCHOR_SHARE = 0.5       # a word in at least this share of an answer's phrasings anchors it
LIGHT_WEIGHT = 0.8       # question words (what, how, why) carry intent but little meaning
DEFINITION = "=whatis"   # a marker no typed word can produce
LIGHT = frozenset(stem(w) for w in ("what", "how", "why", "when", "where", "which", "who", "whats", "hows"))
EVERYDAY_WEIGHT = 1.5    # an everyday word the pack never used
EVERYDAY_STEMS = frozenset(stem(w) for w in EVERYDAY)


@dataclass(frozen=True)
class Phrasing:
    answer: int
    stems: frozenset[str]
    joined: str
    total: float = 0.0   # summed weight of its words, once the pack's weights are known


@dataclass(frozen=True)
class Scored:
    answer: Answer
    score: float
    coverage: float = 0.0   # share of the question's weighted words the answer explains
    anchored: bool = False  # the question names everything the answer's phrasings nearly always name


class Matcher:
    def __init__(
        self,
        answers: Sequence[Answer],
        synonyms: dict[str, tuple[str, ...]],
        out_of_scope: Sequence[str] = (),
    ):
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
            for text in (answer.question, *answer.examples, answer.text):
                raw_vocab.update(words(text))
        self._vocab = frozenset(raw_vocab)
        self._vocab_by_letter: dict[str, list[str]] = defaultdict(list)
        for word in sorted(raw_vocab):
            if word.isalpha():
                self._vocab_by_letter[word[0]].append(word)
        self._sorted_vocab = sorted(raw_vocab)

        self._negatives: dict[int, list[Phrasing]] = defaultdict(list)
        self._outside: list[Phrasing] = []   # every not_for and out-of-scope phrasing
        self._anchors: list[frozenset[str]] = []   # per answer: words its phrasings nearly always use
        self._foreign: list[frozenset[str]] = []  # per answer: words only its not_for phrasings use
        self._by_answer: dict[int, list[Phrasing]] = defaultdict(list)
        self._union: list[frozenset[str]] = []   # per answer: every word of its phrasings
        self._body: list[frozenset[str]] = []
        for index, answer in enumerate(self.answers):
            self._body.append(frozenset(self._stems(words(clean(answer.text)))))
            union: set[str] = set()
            for text in (answer.question, *answer.examples):
                phrasing = self._phrasing(index, text)
                if phrasing.stems:
                    self._by_answer[index].append(phrasing)
                    union |= phrasing.stems
            self._union.append(frozenset(union))
            counts: dict[str, int] = defaultdict(int)
            for phrasing in self._by_answer[index]:
                for s in phrasing.stems:
                    counts[s] += 1
            needed = ANCHOR_SHARE * len(self._by_answer[index])
            self._anchors.append(frozenset(
                s for s, n in counts.items() if n >= needed and s not in LIGHT and s not in EVERYDAY_STEMS
            ))
            for text in answer.not_for:
                phrasing = self._phrasing(index, text)
                if phrasing.stems:
                    self._negatives[index].append(phrasing)
                    self._outside.append(phrasing)
            self._foreign.append(
                frozenset().union(*(n.stems for n in self._negatives.get(index, ()))) - union
            )
        for text in out_of_scope:
            phrasing = self._phrasing(-1, text)
            if phrasing.stems:
                self._outside.append(phrasing)
        self._outside_postings: dict[str, list[int]] = defaultdict(list)
        for position, phrasing in enumerate(self._outside):
            for s in phrasing.stems:
                self._outside_postings[s].append(position)

        count = max(len(self.answers), 1)
        frequency: dict[str, int] = defaultdict(int)
        for union, body in zip(self._union, self._body):
            for s in union | body:
                frequency[s] += 1
        self._idf = {s: math.log((count + 1) / (n + 0.5)) + 1.0 for s, n in frequency.items()}
        self._unknown_weight = UNKNOWN_BOOST * (math.log((count + 1) / 0.5) + 1.0)
        for s in LIGHT:
            if s in self._idf:
                self._idf[s] = min(self._idf[s], LIGHT_WEIGHT)
        for s in EVERYDAY_STEMS & self._idf.keys():
            self._idf[s] = min(self._idf[s], EVERYDAY_WEIGHT)
        self._postings: dict[str, list[int]] = defaultdict(list)
        for index, union in enumerate(self._union):
            for s in union:
                self._postings[s].append(index)
        self._typo_cache: dict[str, str] = {}
        self._weigh_phrasings()

    def _weigh_phrasings(self) -> None:
        def weighed(p: Phrasing) -> Phrasing:
            return replace(p, total=sum(self.weight(s) for s in p.stems))

        self._by_answer = {i: [weighed(p) for p in ps] for i, ps in self._by_answer.items()}
        self._negatives = {i: [weighed(p) for p in ps] for i, ps in self._negatives.items()}
        self._outside = [weighed(p) for p in self._outside]

    @property
    def vocabulary(self) -> frozenset[str]:
        """Every word the pack's phrasings, answers and synonyms use."""
        return self._vocab

    # -- turning text into weighted stems ------------------------------------

    def _phrasing(self, index: int, text: str) -> Phrasing:
        stems = self._stems(words(clean(text)))
        return Phrasing(index, frozenset(stems), " ".join(sorted(set(stems))))

    def _stems(self, tokens: list[str]) -> list[str]:
        tokens = self._apply_synonyms(tokens)
        stems = [stem(t) for t in tokens if t not in STOPWORDS]
        if tokens[:2] == ["what", "is"] or tokens[:1] == ["whats"]:
            stems.append(DEFINITION)  # "what is X" asks for a definition, unlike "what does X do"
        return stems

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
            found = process.extractOne(token, pool, scorer=OSA.distance, score_cutoff=limit)
            if found is not None and is_typo_of(token, found[0]):
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
        known = self._idf.get(s)
        if known is not None:
            return known
        return EVERYDAY_WEIGHT if s in EVERYDAY_STEMS else self._unknown_weight

    # -- scoring --------------------------------------------------------------

    def _fit(self, query: list[str], weights: dict[str, float], joined: str, phrasing: Phrasing,
             strict: bool = False) -> tuple[float, float]:
        """How well one phrasing fits: (score, share of the question it explains).

        `strict` gives no credit for the rest of the answer: for phrasings that
        stand alone, such as not_for and out-of-scope examples."""
        if strict:
            union = body = frozenset()
        else:
            union, body = self._union[phrasing.answer], self._body[phrasing.answer]
        foreign = self._foreign[phrasing.answer] if phrasing.answer >= 0 else frozenset()
        shared = explained = total = 0.0
        for s in query:
            w = weights[s]
            if s in phrasing.stems:
                shared += w
                explained += w
                total += w
            elif s in union:
                explained += IN_ANSWER * w
                total += w
            elif s in body:
                explained += IN_TEXT * w
                total += w
            elif s in foreign and not strict:
                total += max(w, FOREIGN_FLOOR)
            elif s in self._idf and s not in EVERYDAY_STEMS and s not in LIGHT:
                total += max(w, MISMATCH_FLOOR)
            else:
                total += w
        if shared == 0:
            return 0.0, 0.0
        covered_q = explained / total
        covered_p = shared / phrasing.total
        b2 = QUERY_BIAS * QUERY_BIAS
        overlap = (1 + b2) * covered_q * covered_p / (b2 * covered_p + covered_q)
        shape = fuzz.ratio(joined, phrasing.joined) / 100.0
        return TOKEN_WEIGHT * overlap + (1 - TOKEN_WEIGHT) * shape, covered_q

    def rank(self, question: str, complete_last: bool = False) -> list[Scored]:
        """Answers that share a word with the question, best first, scores in 0..1."""
        return self.match(question, complete_last)[0]

    def match(self, question: str, complete_last: bool = False) -> tuple[list[Scored], float]:
        """Ranked answers, and how well the question fits an out-of-scope phrasing
        that says more about it than the best answer's phrasing does (0 if none)."""
        query = self.query_stems(question, complete_last)
        if not query:
            return [], 0.0
        asked = frozenset(query)
        weights = {s: self.weight(s) for s in query}
        joined = " ".join(sorted(query))
        reach: dict[int, float] = defaultdict(float)
        for s in query:
            for index in self._postings.get(s, ()):
                reach[index] += weights[s]
        shortlist = sorted(reach, key=lambda i: (-reach[i], i))[:CANDIDATES]
        results: list[Scored] = []
        matched: dict[str, frozenset[str]] = {}
        for index in shortlist:
            (best, coverage), phrasing = max(
                ((self._fit(query, weights, joined, p), p) for p in self._by_answer[index]),
                key=lambda pair: pair[0],
            )
            evidence = phrasing.stems & asked
            if any(
                self._outweighs(self._fit(query, weights, joined, n, strict=True)[0], n, best, evidence, asked)
                for n in self._negatives.get(index, ())
            ):
                continue  # a not_for phrasing fits the question better than the answer does
            anchored = bool(self._anchors[index]) and self._anchors[index] <= asked
            results.append(Scored(self.answers[index], round(best, 4), round(coverage, 4), anchored))
            matched[self.answers[index].id] = evidence
        results.sort(key=lambda r: (-r.score, r.answer.id))
        evidence = matched[results[0].answer.id] if results else frozenset()
        outside = 0.0
        near = {i for s in query if s not in LIGHT for i in self._outside_postings.get(s, ())}
        top = results[0].score if results else 0.0
        for position in sorted(near)[: CANDIDATES * 4]:
            phrasing = self._outside[position]
            fit = self._fit(query, weights, joined, phrasing, strict=True)[0]
            if self._outweighs(fit, phrasing, top, evidence, asked):
                outside = max(outside, fit)
        return results, round(outside, 4)

    @staticmethod
    def _outweighs(fit: float, phrasing: Phrasing, best: float, evidence: frozenset[str], asked: frozenset[str]) -> bool:
        """Whether a not_for or out-of-scope phrasing beats an answer's best phrasing:
        as good a fit on a question word the answer did not match, or a better fit
        by a phrasing the question says in full (so it is not just shorter)."""
        matched = phrasing.stems & asked
        if fit >= best - NEGATIVE_MARGIN and not matched <= evidence:
            return True
        return fit > best and not (phrasing.stems - asked - LIGHT)
