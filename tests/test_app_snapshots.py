"""Pictures of the chat at 80x24, compared with the accepted ones in __snapshots__.

The pack's review dates and the router's "today" are fixed, so nothing on
screen depends on when the tests run. After a deliberate change to the look,
regenerate with `pytest tests/test_app_snapshots.py --snapshot-update` and
look at every changed picture before accepting it.
"""

from __future__ import annotations

import datetime as dt

import pytest

from faqbot.pack import load_pack
from faqbot.router import Router
from faqbot.ui.app import FaqApp

from packs import ANSWERS, approved_review, write_pack

SIZE = (80, 24)
TODAY = dt.date(2026, 3, 2)
REVIEWED = dt.date(2026, 1, 15)


@pytest.fixture
def fixed_router(tmp_path):
    answers = [dict(a, review=approved_review(a["question"], a["answer"], today=REVIEWED)) for a in ANSWERS]
    return Router(load_pack(write_pack(tmp_path / "pack", answers=answers)), today=TODAY)


@pytest.fixture
def draft_router(tmp_path):
    return Router(load_pack(write_pack(tmp_path / "drafts", approve=False)), allow_drafts=True, today=TODAY)


def asking(question: str | None = None, keys: tuple[str, ...] = ()):
    """Steps run before the picture: no blinking cursor, then a question or keys."""

    async def run_before(pilot) -> None:
        app = pilot.app
        app.query_one("#question").cursor_blink = False
        if question is not None:
            app.query_one("#question").value = question
            await pilot.press("enter")
        if keys:
            await pilot.press(*keys)
        for _ in range(3):
            await app.workers.wait_for_complete()
            await pilot.pause()

    return run_before


def test_welcome(snap_compare, fixed_router):
    assert snap_compare(FaqApp(fixed_router), terminal_size=SIZE, run_before=asking())


def test_answer(snap_compare, fixed_router):
    app = FaqApp(fixed_router)
    assert snap_compare(app, terminal_size=SIZE, run_before=asking("does baclofen make you sleepy"))


def test_draft_answer(snap_compare, draft_router):
    app = FaqApp(draft_router)
    assert snap_compare(app, terminal_size=SIZE, run_before=asking("is it ok to drink beer on baclofen"))


def test_clarify(snap_compare, fixed_router):
    assert snap_compare(FaqApp(fixed_router), terminal_size=SIZE, run_before=asking("baclofen"))


def test_urgent(snap_compare, fixed_router):
    app = FaqApp(fixed_router)
    assert snap_compare(app, terminal_size=SIZE, run_before=asking("I think my husband is having a seizure"))


def test_high_contrast(snap_compare, fixed_router):
    app = FaqApp(fixed_router, high_contrast=True)
    assert snap_compare(app, terminal_size=SIZE, run_before=asking("does baclofen make you sleepy"))


def test_suggestions_while_typing(snap_compare, fixed_router):
    app = FaqApp(fixed_router)
    assert snap_compare(app, terminal_size=SIZE, run_before=asking(keys=tuple("alcoh") + ("down",)))


def test_topics(snap_compare, fixed_router):
    assert snap_compare(FaqApp(fixed_router), terminal_size=SIZE, run_before=asking(keys=("f2",)))


def test_help(snap_compare, fixed_router):
    assert snap_compare(FaqApp(fixed_router), terminal_size=SIZE, run_before=asking(keys=("f1",)))
