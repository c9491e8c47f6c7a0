"""The bundled pack: the promised answers, well formed, reachable and safe."""

import os
import re
from pathlib import Path

import pytest

from faqbot.checks import check_pack
from faqbot.coverage import run_coverage
from faqbot.evaluate import evaluate, read_items
from faqbot.export import as_markdown
from faqbot.pack import default_pack_dir, load_pack
from faqbot.router import Router

IDS = {
    "fmd-what-is", "fmd-names", "fmd-symptoms", "fmd-causes", "fmd-is-it-real", "fmd-diagnosis",
    "fmd-treatment", "fmd-physiotherapy", "fmd-psychological-therapy", "fmd-medicines", "fmd-outlook",
    "baclofen-what-is", "baclofen-for-fmd", "baclofen-how-it-works", "baclofen-dose",
    "baclofen-how-to-take", "baclofen-missed-dose", "baclofen-time-to-work", "baclofen-side-effects",
    "baclofen-serious-side-effects", "baclofen-stopping", "baclofen-alcohol", "baclofen-driving",
    "baclofen-interactions", "baclofen-pregnancy", "baclofen-kidneys", "baclofen-overdose",
    "care-follow-up", "about-this-service",
}
DEV_SET = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev-questions.yaml"


@pytest.fixture(scope="module")
def bundled():
    return load_pack(default_pack_dir())


def test_holds_exactly_the_promised_answers(bundled):
    assert {a.id for a in bundled.answers} == IDS
    assert len(bundled.answers) == len(IDS)


def test_every_answer_is_sourced_exemplified_and_sized(bundled):
    for answer in bundled.answers:
        assert answer.sources, answer.id
        assert all(s.url.startswith("https://") for s in answer.sources), answer.id
        assert len(answer.examples) >= 10, answer.id
        assert len(answer.not_for) >= 3, answer.id
        assert 2 <= len(answer.related) <= 3, answer.id
        words = len(re.findall(r"[A-Za-z0-9']+", answer.text))
        assert 60 <= words <= 180, (answer.id, words)


def test_everything_is_a_draft_with_no_invented_reviewer(bundled):
    for answer in bundled.answers:
        assert answer.review.status == "draft" and answer.review.reviewer is None, answer.id


def test_check_finds_no_errors(bundled):
    errors = [str(p) for p in check_pack(bundled) if p.severity == "error"]
    assert errors == []


def test_coverage_passes(bundled):
    failures = [(r.answer_id, m.phrase, m.got) for r in run_coverage(bundled) for m in r.misses]
    assert failures == []


def test_us_emergency_numbers_in_the_urgent_text(bundled):
    for number in ("911", "1-800-222-1222", "988"):
        assert number in bundled.texts.urgent
    assert "911" in bundled.texts.welcome


@pytest.mark.parametrize("question", [
    "I can't breathe", "my husband is breathing really slowly", "she wont wake up", "he collapsed",
    "my son is having a seizure", "I think she's fitting", "I'm seeing things that aren't there",
    "I feel very confused since I stopped my tablets", "I took the whole packet", "I've overdosed",
    "my lips are swelling", "her throat is swelling up", "I have chest pain",
    "his face is drooping on one side", "my speech is slurred", "I want to die",
    "I've been thinking about killing myself", "I want to hurt myself",
])
def test_urgent_phrasings(bundled, question):
    assert Router(bundled, allow_drafts=True).route(question).kind == "urgent"


@pytest.mark.parametrize("question", [
    "what is baclofen", "does baclofen make you sleepy", "can I drive on baclofen",
    "is FND real", "what are the side effects", "how is FND diagnosed", "missed my baclofen dose",
])
def test_ordinary_questions_are_not_urgent(bundled, question):
    assert Router(bundled, allow_drafts=True).route(question).kind != "urgent"


def test_baclofen_is_never_offered_as_a_treatment_for_fmd(bundled):
    text = bundled.by_id()["baclofen-for-fmd"].text.lower()
    assert "spasticity" in text
    assert not re.search(r"\d+\s*mg", text)


def test_review_document_is_in_step_with_the_pack(bundled):
    committed = (default_pack_dir() / "REVIEW.md").read_text(encoding="utf-8")
    assert committed == as_markdown(bundled), "run: faqbot export --format md -o answers/REVIEW.md"


def test_development_questions(bundled):
    if not DEV_SET.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{DEV_SET} is missing")
        pytest.skip("development question set not present")
    results = evaluate(Router(bundled, allow_drafts=True), read_items(DEV_SET))
    assert [r.item.question for r in results if r.outcome == "wrong answer"] == []
    assert [r.item.question for r in results if r.outcome == "missed urgent"] == []
    wanted = [r for r in results if r.expects_answer]
    assert sum(r.outcome == "right" for r in wanted) >= 0.9 * len(wanted)
