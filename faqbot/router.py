"""Routing a question to exactly one reply made of vetted pack text.

Order matters and is the safety model in code: urgent triggers first, then a
servable answer only when it is clearly the best fit, then "did you mean"
when a few are close, and the vetted fallback for everything else.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .matcher import Matcher, Scored
from .pack import Answer, Pack
from .text import clean
from .urgent import UrgentDetector

ANSWER_AT = 0.62     # a clear fit: serve the answer
CLARIFY_AT = 0.46    # a plausible fit: offer choices instead
MARGIN = 0.08        # the best must lead the next answer by this much to be served
MIN_COVERAGE = 0.75  # and explain at least this share of the question's weighted words,
ANCHORED_COVERAGE = 0.5  # or this share when the question names what the answer is about
MAX_CHOICES = 3



@dataclass(frozen=True)
class Reply:
    """What to show. `text` is always pack text, word for word."""

    kind: str   # answer, clarify, fallback or urgent
    text: str
    answer: Answer | None = None
    choices: tuple[Answer, ...] = ()
    score: float | None = None
    unreviewed: str | None = None
    urgent_category: str | None = None
    candidates: tuple[Scored, ...] = field(default=(), compare=False, repr=False)

    def as_json(self) -> dict:
        return {
            "kind": self.kind,
            "id": self.answer.id if self.answer else None,
            "choices": [a.id for a in self.choices],
            "score": self.score,
            "text": self.text,
            "unreviewed": self.unreviewed is not None,
        }


class Router:
    """Holds a loaded pack's index; build once, route many questions."""

    def __init__(
        self,
        pack: Pack,
        allow_drafts: bool = False,
        today: dt.date | None = None,
        recorder=None,
        every_answer: bool = False,
    ):
        """`every_answer` matches against all unretired answers whatever their review
        state; only pack-testing commands use it, never a patient-facing one."""
        self.pack = pack
        self.recorder = recorder
        self.allow_drafts = allow_drafts
        self.today = today or dt.date.today()
        if every_answer:
            self.answers = tuple(a for a in pack.answers if a.review.status != "retired")
        else:
            self.answers = pack.servable(self.today, allow_drafts)
        self._servable_ids = {a.id for a in self.answers}
        self.matcher = Matcher(self.answers, pack.synonyms, pack.out_of_scope)
        self.urgent = UrgentDetector(pack.urgent, self.matcher.vocabulary)

    def route(self, question: str) -> Reply:
        return self._served(question, self._route(question))

    def _served(self, question: str | None, reply: Reply) -> Reply:
        """Tell the recorder (if the deployment has one) what was shown; never fail."""
        if self.recorder is not None:
            try:
                self.recorder.record(question, reply, self.pack)
            except Exception:  # noqa: BLE001 - a log must never cost the patient the reply
                pass
        return reply

    def _route(self, question: str) -> Reply:
        texts = self.pack.texts
        try:
            cleaned = clean(question)
        except Exception:  # noqa: BLE001 - no input may crash routing
            return Reply("fallback", texts.fallback)
        category = self.urgent.match(cleaned)
        if category is not None:
            return Reply("urgent", texts.urgent, urgent_category=category)
        found, outside = self.matcher.match(cleaned)
        ranked = tuple(found)
        if not ranked:
            return Reply("fallback", texts.fallback, candidates=ranked)
        best = ranked[0]
        if outside > 0:
            # Closer to something the pack says it does not answer than to any answer.
            return Reply("fallback", texts.fallback, score=best.score, candidates=ranked)
        runner_up = ranked[1].score if len(ranked) > 1 else 0.0
        enough = ANCHORED_COVERAGE if best.anchored else MIN_COVERAGE
        if best.score >= ANSWER_AT and best.score - runner_up >= MARGIN and best.coverage >= enough:
            return self.answer_reply(best.answer, best.score, ranked)
        if best.score >= CLARIFY_AT:
            close = [r.answer for r in ranked if r.score >= CLARIFY_AT and best.score - r.score < MARGIN]
            return Reply(
                "clarify",
                texts.clarify,
                choices=tuple(close[:MAX_CHOICES]),
                score=best.score,
                candidates=ranked,
            )
        return Reply("fallback", texts.fallback, score=best.score, candidates=ranked)

    def answer_reply(self, answer: Answer, score: float | None = None, candidates=()) -> Reply:
        """The reply for a chosen answer, marked when it has not been reviewed."""
        if answer.id not in self._servable_ids:
            return Reply("fallback", self.pack.texts.fallback)
        notice = self.pack.texts.unreviewed if answer.review.status == "draft" else None
        return Reply("answer", answer.text, answer=answer, score=score, unreviewed=notice, candidates=tuple(candidates))

    def open(self, answer_id: str) -> Reply:
        """The reply for an answer picked from a list (a choice, a suggestion, a topic)."""
        answer = self.pack.by_id().get(answer_id)
        if answer is None:
            return self._served(None, Reply("fallback", self.pack.texts.fallback))
        return self._served(None, self.answer_reply(answer))

    def related(self, answer: Answer) -> list[Answer]:
        by_id = {a.id: a for a in self.answers}
        return [by_id[r] for r in answer.related if r in by_id]

    def suggest(self, partial: str, limit: int = 5) -> list[Answer]:
        """Vetted questions that fit what has been typed so far, for picking."""
        if len(clean(partial)) < 2:
            return []
        return [r.answer for r in self.matcher.rank(partial, complete_last=True)[:limit]]
