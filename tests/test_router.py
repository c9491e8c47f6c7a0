"""Routing: urgent first, precision over recall, verbatim pack text only."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from faqbot.pack import load_pack
from faqbot.router import Router
from faqbot.text import MAX_QUESTION_CHARS, clean
from packs import ANSWERS, approved_review, write_pack


def pack_texts(pack):
    t = pack.texts
    return {t.fallback, t.urgent, t.clarify} | {a.text for a in pack.answers}


def assert_verbatim(reply, pack):
    """A reply is only ever text the pack holds, word for word."""
    questions = {a.question for a in pack.answers}
    assert reply.text in pack_texts(pack)
    if reply.kind == "answer":
        assert reply.text == reply.answer.text
    if reply.kind == "clarify":
        assert reply.text == pack.texts.clarify
        assert 1 <= len(reply.choices) <= 3
        assert all(c.question in questions for c in reply.choices)
    if reply.kind in ("fallback", "urgent"):
        assert reply.text == getattr(pack.texts, reply.kind)
    assert reply.unreviewed in (None, pack.texts.unreviewed)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300) | st.binary(max_size=200).map(lambda b: b.decode("latin-1")))
def test_every_reply_is_verbatim_pack_text(router, pack, question):
    assert_verbatim(router.route(question), pack)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(
    "baclofen side effects dose alcohol beer fnd what is how much child botox lioresal cant breathe seizure the of"
    .split()), max_size=12).map(" ".join))
def test_verbatim_on_pack_vocabulary(router, pack, question):
    """Random mixes of the pack's own words reach the scoring paths hardest."""
    assert_verbatim(router.route(question), pack)


def test_drafts_served_only_when_allowed_and_marked(tmp_path):
    pack = load_pack(write_pack(tmp_path / "p", approve=False))
    assert Router(pack).route("baclofen side effects").kind == "fallback"
    reply = Router(pack, allow_drafts=True).route("baclofen side effects")
    assert reply.kind == "answer" and reply.unreviewed == pack.texts.unreviewed
    approved = load_pack(write_pack(tmp_path / "q"))
    assert Router(approved).route("baclofen side effects").unreviewed is None


def test_edited_after_approval_is_not_served(tmp_path):
    items = [dict(a) for a in ANSWERS]
    items[0]["review"] = approved_review(items[0]["question"], items[0]["answer"])
    items[0]["answer"] += " An unapproved sentence."
    router = Router(load_pack(write_pack(tmp_path / "p", answers=items)), allow_drafts=True)
    reply = router.route("baclofen side effects")
    assert reply.kind != "answer" or reply.answer.id != "baclofen-side-effects"
    assert router.open("baclofen-side-effects").kind == "fallback"


def test_overdue_is_not_served(tmp_path):
    pack = load_pack(write_pack(tmp_path / "p"))
    later = pack.answers[0].review.next_review + dt.timedelta(days=1)
    assert Router(pack, today=later).route("baclofen side effects").kind == "fallback"
    assert Router(pack, today=later - dt.timedelta(days=1)).route("baclofen side effects").kind == "answer"


@pytest.mark.parametrize("question", [
    "I cant breath", "trouble breathing after my tablets", "she's having a sezure", "my son is fitting",
    "I want to die", "i want to kill myself", "CAN'T BREATHE", "he is not breathing properly",
])
def test_urgent_is_tolerant_of_typos_and_case(router, question):
    assert router.route(question).kind == "urgent"


def test_urgent_wins_over_a_perfect_answer_match(router):
    assert router.route("baclofen side effects seizure").kind == "urgent"
    assert router.route("What are the common side effects of baclofen? I can't breathe").kind == "urgent"


@pytest.mark.parametrize("question", ["sitting down", "I feel fine", "breathing exercises", "fit and well"])
def test_urgent_does_not_fire_on_ordinary_words(router, question):
    assert router.route(question).kind != "urgent"


def test_token_set_subset_trap(router):
    """token_set_ratio scores 100 when one side's words are a subset of the other's."""
    from rapidfuzz import fuzz
    assert fuzz.token_set_ratio("baclofen", "what are the common side effects of baclofen") == 100
    reply = router.route("baclofen")
    assert not (reply.kind == "answer" and reply.answer.id == "baclofen-side-effects")


def test_one_shared_word_is_not_enough(router):
    for question in ("baclofen and my cat", "side of the road", "effects pedal for guitar", "wine tasting tour"):
        assert router.route(question).kind == "fallback", question


def test_other_medicine_does_not_reach_the_answer(router):
    for question in ("side effects of botox", "what are the side effects of pregabalin", "gabapentin side effects"):
        reply = router.route(question)
        assert reply.kind in ("fallback", "clarify"), (question, reply)
    assert router.route("side effects of botox").kind == "fallback"  # named in not_for


def test_not_for_phrase_vetoes_its_answer(router):
    reply = router.route("what dose of baclofen does a child take")
    assert not (reply.kind == "answer" and reply.answer.id == "baclofen-dose")


def test_close_runner_up_means_clarify(tmp_path):
    items = [
        {"id": "stop-alpha", "question": "how do I stop alpha tablets", "answer": "A.", "examples": ["stopping alpha tablets"]},
        {"id": "stop-beta", "question": "how do I stop beta tablets", "answer": "B.", "examples": ["stopping beta tablets"]},
    ]
    router = Router(load_pack(write_pack(tmp_path / "p", answers=items)))
    reply = router.route("how do I stop tablets")
    assert reply.kind == "clarify"
    assert {a.id for a in reply.choices} == {"stop-alpha", "stop-beta"}
    assert router.route("how do I stop alpha tablets").answer.id == "stop-alpha"


def test_synonyms_brands_and_typos(router):
    assert router.route("can I have a beer with lioresal").answer.id == "baclofen-alcohol"
    assert router.route("how much baclofin").answer.id == "baclofen-dose"
    assert router.route("what is FND").answer.id == "fmd-what-is"


def test_deterministic(pack):
    questions = ["baclofen", "side effects", "what is fnd", "dose", "beer"]
    first = [Router(pack).route(q) for q in questions]
    again = [Router(pack).route(q) for q in questions]
    assert [(r.kind, r.answer and r.answer.id, [c.id for c in r.choices], r.score) for r in first] == \
           [(r.kind, r.answer and r.answer.id, [c.id for c in r.choices], r.score) for r in again]


@pytest.mark.parametrize("question", [
    "", "   ", "\x00\x01\x02", "\x1b[31mbaclofen side effects\x1b[0m", "[bold]baclofen side effects[/bold]",
    "<script>alert(1)</script>", "\x1b]8;;http://x\x07link\x1b]8;;\x07", "💊" * 5000, "a" * 100_000,
    "\ud800", "baclofen " * 20_000,
])
def test_bad_input_never_crashes(router, pack, question):
    assert_verbatim(router.route(question), pack)


def test_cleaning_removes_escapes_and_markup_and_bounds_length():
    assert clean("\x1b[31mred\x1b[0m [bold]text[/bold] <b>x</b>") == "red text x"
    assert len(clean("word " * 10_000)) <= MAX_QUESTION_CHARS
    assert clean("tab\tnew\nline\x07bell") == "tab new line bell"


def test_escape_sequences_do_not_hide_an_answer(router):
    assert router.route("\x1b[1mbaclofen side effects\x1b[0m").answer.id == "baclofen-side-effects"


def test_related_and_open(router):
    reply = router.route("baclofen side effects")
    assert [a.id for a in router.related(reply.answer)] == ["baclofen-alcohol"]
    assert router.open("baclofen-alcohol").answer.id == "baclofen-alcohol"
    assert router.open("no-such-id").kind == "fallback"


def test_suggestions_follow_partial_typing(router):
    assert router.suggest("b") == []
    assert router.suggest("baclofen dos")[0].id == "baclofen-dose"
    assert router.suggest("alcoh")[0].id == "baclofen-alcohol"


class ExplodingRecorder:
    def record(self, question, reply, pack):
        raise OSError("disk full")


def test_a_failing_recorder_never_costs_the_reply(pack):
    reply = Router(pack, recorder=ExplodingRecorder()).route("baclofen side effects")
    assert reply.kind == "answer"


def test_a_long_question_naming_the_subject_is_answered(tmp_path):
    """Everyday chatter around a question is forgiven when it names what the answer is about."""
    kidneys = {"id": "kidney-care", "question": "Is baclofen safe with kidney disease?", "answer": "K.",
               "examples": ["baclofen and kidneys", "baclofen kidney problems",
                            "can I take baclofen with bad kidneys", "is baclofen ok with kidney failure"]}
    router = Router(load_pack(write_pack(tmp_path / "p", answers=ANSWERS + [kidneys])))
    reply = router.route("my kidneys have been a problem for years, is baclofen still fine")
    assert reply.kind == "answer" and reply.answer.id == "kidney-care"
    assert reply.candidates[0].anchored and reply.candidates[0].coverage < 0.75
    # The same question about another medicine is not answered.
    other = router.route("my kidneys have been a problem for years, is metformin still fine")
    assert other.kind == "fallback" and not other.candidates[0].anchored
