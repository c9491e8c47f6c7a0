"""The terminal chat, driven through Textual's pilot against small test packs.

Assertions read what the widgets show, so a reply that routes right but
renders wrong still fails.
"""

from __future__ import annotations

import asyncio
import builtins
import functools
import io
import os
import subprocess
import sys
import threading

import pytest
from textual.widgets import Input, OptionList, Static

from faqbot.cli import main
from faqbot.pack import load_pack
from faqbot.router import Router
from faqbot.ui.app import FaqApp
from faqbot.ui.screens import BrowseScreen, HelpScreen
from faqbot.ui.themes import CALM, HIGH_CONTRAST
from faqbot.ui.widgets import (
    AnswerMessage,
    ChoiceList,
    ClarifyMessage,
    FallbackMessage,
    PendingMessage,
    SuggestionList,
    UrgentMessage,
    UserMessage,
    WelcomeMessage,
)

from packs import ANSWERS, SETTINGS, write_pack

SIZE = (80, 24)
TEXTS = SETTINGS["texts"]


# -- helpers ---------------------------------------------------------------------


def pilot_test(test):
    """Run an async test body on its own event loop (no async plugin needed)."""

    @functools.wraps(test)
    def run(*args, **kwargs):
        asyncio.run(asyncio.wait_for(test(*args, **kwargs), timeout=60))

    return run


def shown(widget) -> str:
    """The text a widget and its children put on screen, labels included."""
    parts = []
    for node in [widget, *widget.query("*")]:
        if node.border_title:
            parts.append(str(node.border_title))
        if isinstance(node, OptionList):
            parts.extend(getattr(o.prompt, "plain", str(o.prompt)) for o in node.options)
        elif isinstance(node, Static):
            visual = node.render()
            parts.append(getattr(visual, "plain", str(visual)))
    return "\n".join(parts)


def option_texts(option_list: OptionList) -> list[str]:
    return [getattr(o.prompt, "plain", str(o.prompt)).removeprefix("▸ ").strip() for o in option_list.options]


async def settle(pilot) -> None:
    """Wait for routing and suggestion workers, then for the screen to catch up."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def ask(pilot, question: str) -> None:
    box = pilot.app.query_one("#question", Input)
    box.focus()
    box.value = question
    await pilot.press("enter")
    await settle(pilot)


async def type_keys(pilot, text: str) -> None:
    await pilot.press(*text)
    await settle(pilot)


def messages(app):
    return app.chat.messages()


def last(app, kind):
    found = [m for m in messages(app) if isinstance(m, kind)]
    assert found, f"no {kind.__name__} in {[type(m).__name__ for m in messages(app)]}"
    return found[-1]


def by_id(answer_id: str) -> dict:
    return next(a for a in ANSWERS if a["id"] == answer_id)


@pytest.fixture
def app(router):
    return FaqApp(router)


# -- the conversation ------------------------------------------------------------------


@pilot_test
async def test_welcome_is_the_pack_text(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert [type(m) for m in messages(app)] == [WelcomeMessage]
        assert TEXTS["welcome"] in shown(messages(app)[0])
        assert app.focused is app.query_one("#question")


@pilot_test
async def test_question_gets_the_vetted_answer(app):
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, "does baclofen make you sleepy")
        await pilot.press("enter")
        await settle(pilot)
        asked = last(app, UserMessage)
        reply = last(app, AnswerMessage)
        assert shown(asked) == "You\ndoes baclofen make you sleepy"
        text = shown(reply)
        assert "You asked about: What are the common side effects of baclofen?" in text
        assert "Baclofen can make people sleepy, dizzy or weak." in text
        assert "Ask your pharmacist." in text
        assert "Test source\nhttps://example.org/baclofen-side-effects" in text
        assert "Last reviewed " in text and "Dr Test Person, Neurologist" in text
        assert TEXTS["unreviewed"] not in text
        # The question sits on the right, the reply on the left, and the box is empty again.
        assert asked.query_one(".user-bubble").region.x > reply.region.x
        assert app.query_one("#question", Input).value == ""
        assert not list(app.query(PendingMessage))


@pilot_test
async def test_newest_reply_is_in_view(app):
    async with app.run_test(size=SIZE) as pilot:
        for question in ("what is fnd", "baclofen and wine", "does baclofen make you sleepy"):
            await ask(pilot, question)
        conversation = app.query_one("#conversation")
        reply = last(app, AnswerMessage)
        assert conversation.scroll_y > 0
        assert reply.region.overlaps(conversation.region)


@pilot_test
async def test_draft_answer_shows_the_unreviewed_notice(tmp_path):
    router = Router(load_pack(write_pack(tmp_path / "pack", approve=False)), allow_drafts=True)
    async with FaqApp(router).run_test(size=SIZE) as pilot:
        await ask(pilot, "baclofen and wine")
        reply = last(app=pilot.app, kind=AnswerMessage)
        text = shown(reply)
        assert TEXTS["unreviewed"] in text
        assert "Last reviewed" not in text
        assert reply.has_class("-draft")


@pilot_test
async def test_clarify_offers_choices_that_open_with_the_keyboard(app):
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, "baclofen")
        clarify = last(app, ClarifyMessage)
        assert TEXTS["clarify"] in shown(clarify)
        choices = clarify.query_one(ChoiceList)
        offered = option_texts(choices)
        assert len(offered) >= 2
        assert set(offered) <= {a["question"] for a in ANSWERS}
        await pilot.press("down")  # from the empty box into the latest choices
        assert app.focused is choices
        await pilot.press("down", "enter")
        await settle(pilot)
        assert shown(last(app, UserMessage)).endswith(offered[1])
        assert f"You asked about: {offered[1]}" in shown(last(app, AnswerMessage))
        assert app.focused is app.query_one("#question")


@pilot_test
async def test_clarify_choice_opens_with_a_click(app):
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, "baclofen")
        choices = last(app, ClarifyMessage).query_one(ChoiceList)
        first = option_texts(choices)[0]
        await pilot.click(choices, offset=(4, 0))
        await settle(pilot)
        assert f"You asked about: {first}" in shown(last(app, AnswerMessage))


@pilot_test
async def test_related_question_is_one_step_away(app):
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, "does baclofen make you sleepy")
        reply = last(app, AnswerMessage)
        related = reply.query_one(ChoiceList)
        assert option_texts(related) == [by_id("baclofen-alcohol")["question"]]
        assert "Related questions" in shown(reply)
        await pilot.click(related, offset=(4, 0))
        await settle(pilot)
        followed = last(app, AnswerMessage)
        assert followed is not reply
        assert by_id("baclofen-alcohol")["answer"] in shown(followed)


@pilot_test
async def test_suggestions_follow_each_keystroke_and_can_be_picked(app, router):
    async with app.run_test(size=SIZE) as pilot:
        suggestions = app.query_one(SuggestionList)
        assert not suggestions.display
        typed = ""
        for key in "alcoh":
            typed += key
            await type_keys(pilot, key)
            expected = [a.question for a in router.suggest(typed)]
            assert option_texts(suggestions) == expected
            assert suggestions.display == bool(expected)
        alcohol = by_id("baclofen-alcohol")["question"]
        assert option_texts(suggestions)[0] == alcohol
        await pilot.press("down")
        assert app.focused is suggestions
        await pilot.press("enter")
        await settle(pilot)
        assert shown(last(app, UserMessage)).endswith(alcohol)
        assert by_id("baclofen-alcohol")["answer"] in shown(last(app, AnswerMessage))
        assert not suggestions.display
        assert app.query_one("#question", Input).value == ""


@pilot_test
async def test_leaving_the_suggestions_by_typing_keeps_the_letter(app):
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, "alcohol")
        await pilot.press("down")
        assert app.focused is app.query_one(SuggestionList)
        await type_keys(pilot, "s")
        box = app.query_one("#question", Input)
        assert app.focused is box
        assert box.value == "alcohols"
        await pilot.press("down", "up")  # up from the first suggestion returns to the box
        assert app.focused is box


@pilot_test
async def test_browse_lists_every_question_by_topic_and_opens_one(app, router):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, BrowseScreen)
        topics = app.screen.query_one("#topics", OptionList)
        headings = [o for o in topics.options if o.disabled]
        assert [h.prompt.plain for h in headings] == ["Baclofen", "FMD"]
        listed = [o.id for o in topics.options if not o.disabled]
        assert sorted(listed) == sorted(a.id for a in router.answers)
        while topics.highlighted_option.id != "fmd-what-is":
            await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, BrowseScreen)
        assert "A problem with how the brain controls movement." in shown(last(app, AnswerMessage))


@pilot_test
async def test_topics_follow_the_pack_folders(tmp_path):
    root = write_pack(tmp_path / "pack")
    for folder, ids in {"medicines": ["baclofen-dose", "baclofen-alcohol"], "about-fmd": ["fmd-what-is"]}.items():
        (root / folder).mkdir()
        for answer_id in ids:
            (root / f"{answer_id}.yaml").rename(root / folder / f"{answer_id}.yaml")
    router = Router(load_pack(root))
    async with FaqApp(router).run_test(size=SIZE) as pilot:
        await pilot.press("f2")
        await settle(pilot)
        topics = pilot.app.screen.query_one("#topics", OptionList)
        headings = [o.prompt.plain for o in topics.options if o.disabled]
        assert headings == ["About fmd", "Baclofen", "Medicines"]


@pilot_test
async def test_browse_closes_with_escape(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f2")
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, BrowseScreen)
        assert [type(m) for m in messages(app)] == [WelcomeMessage]


@pilot_test
async def test_urgent_question_gets_the_urgent_reply_impossible_to_miss(app):
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, "I think my husband is having a seizure")
        reply = last(app, UrgentMessage)
        text = shown(reply)
        assert TEXTS["urgent"] in text
        assert "URGENT" in text  # a word, not only a colour
        assert reply.styles.border_top[0] == "heavy"
        assert reply.styles.border_top[1] != last(app, UserMessage).query_one(".user-bubble").styles.border_top[1]


@pilot_test
async def test_fallback_is_the_vetted_text(app):
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, "how do I renew my passport")
        assert TEXTS["fallback"] in shown(last(app, FallbackMessage))


@pilot_test
async def test_markup_typed_by_the_person_is_shown_literally(app):
    typed = "[bold]hi[/bold] [@click=app.quit]x[/]"
    pasted = "[link=https://evil.example]click[/link] [red on red]hidden[/]"
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, typed)
        assert app.query_one("#question", Input).value == typed
        await pilot.press("enter")
        await settle(pilot)
        assert shown(last(app, UserMessage)) == "You\n" + typed
        assert app.is_running  # the click action in the text did nothing
        assert TEXTS["fallback"] in shown(last(app, FallbackMessage))
        await ask(pilot, pasted)
        assert shown(last(app, UserMessage)) == "You\n" + pasted


@pilot_test
async def test_markup_in_pack_text_is_shown_literally(tmp_path):
    settings = dict(SETTINGS, texts=dict(TEXTS, welcome="Hello [bold]there[/bold] [red]friend[/]"))
    answers = [
        {
            "id": "brackets-question",
            "question": "What does [b]this[/b] mean?",
            "examples": ["what do the square brackets mean"],
            "answer": "It means [red]nothing[/red] special.",
        },
        by_id("fmd-what-is"),
    ]
    router = Router(load_pack(write_pack(tmp_path / "pack", answers=answers, settings=settings)))
    async with FaqApp(router).run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Hello [bold]there[/bold] [red]friend[/]" in shown(messages(pilot.app)[0])
        await ask(pilot, "what do the square brackets mean")
        text = shown(last(pilot.app, AnswerMessage))
        assert "You asked about: What does [b]this[/b] mean?" in text
        assert "It means [red]nothing[/red] special." in text


@pilot_test
async def test_empty_input_is_ignored(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await ask(pilot, "   ")
        assert [type(m) for m in messages(app)] == [WelcomeMessage]
        await ask(pilot, "what is fnd")
        assert isinstance(last(app, AnswerMessage), AnswerMessage)


@pilot_test
async def test_ten_thousand_characters_neither_crash_nor_hang(app):
    huge = ("baclofen side effects " * 500)[:10_000]
    async with app.run_test(size=SIZE) as pilot:
        box = app.query_one("#question", Input)
        box.focus()
        box.insert_text_at_cursor(huge)  # the way a paste arrives
        await settle(pilot)
        assert 0 < len(box.value) <= box.max_length
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(messages(app)[-1], (AnswerMessage, ClarifyMessage, FallbackMessage))
        # The same through a direct value set, which skips the box's limit.
        box.value = "x" * 10_000
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(messages(app)[-1], FallbackMessage)
        assert app.is_running


@pilot_test
async def test_pasted_lines_are_kept_and_joined(app):
    from textual import events

    async with app.run_test(size=SIZE) as pilot:
        box = app.query_one("#question", Input)
        box.post_message(events.Paste("can I drink\nbeer on\nbaclofen"))
        await settle(pilot)
        assert box.value == "can I drink beer on baclofen"


# -- not blocking, not storing -------------------------------------------------------


def held_router(pack, release: threading.Event) -> Router:
    """A router whose replies wait until the test releases them (at most 5 s)."""

    class HeldRouter(Router):
        def route(self, question):
            release.wait(5)
            return super().route(question)

    return HeldRouter(pack)


@pilot_test
async def test_routing_does_not_block_the_screen(pack):
    release = threading.Event()
    app = FaqApp(held_router(pack, release))
    async with app.run_test(size=SIZE) as pilot:
        box = app.query_one("#question", Input)
        box.value = "what is fnd"
        await pilot.press("enter")
        await pilot.pause()
        assert list(app.query(PendingMessage))  # the question shows while the router works
        await pilot.press(*"still typing")
        await pilot.pause()
        assert box.value == "still typing"  # and the keyboard still answers
        release.set()
        await settle(pilot)
        assert not list(app.query(PendingMessage))
        assert isinstance(last(app, AnswerMessage), AnswerMessage)


@pilot_test
async def test_a_router_error_still_gives_the_fallback_text(pack):
    class BrokenRouter(Router):
        def route(self, question):
            raise RuntimeError("broken")

    app = FaqApp(BrokenRouter(pack))
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, "what is fnd")
        assert TEXTS["fallback"] in shown(last(app, FallbackMessage))
        assert "broken" not in shown(app.screen)
        assert app.is_running


@pilot_test
async def test_no_question_is_written_to_disk(app, tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(home)
    writes = []
    real_open, real_os_open = builtins.open, os.open

    def watch_open(file, mode="r", *args, **kwargs):
        if any(flag in mode for flag in "wax+"):
            writes.append(str(file))
        return real_open(file, mode, *args, **kwargs)

    def watch_os_open(path, flags, *args, **kwargs):
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND):
            writes.append(str(path))
        return real_os_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", watch_open)
    monkeypatch.setattr(io, "open", watch_open)
    monkeypatch.setattr(os, "open", watch_os_open)
    secret = "zanzibar quokka baclofen question"
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, secret)
        await pilot.press("enter")
        await settle(pilot)
        await ask(pilot, "what is fnd")
    assert writes == []
    for folder, _, files in os.walk(tmp_path):
        for name in files:
            assert b"zanzibar" not in (open(os.path.join(folder, name), "rb").read())


@pilot_test
async def test_reset_conversation_wipes_everything(app):
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, "does baclofen make you sleepy")
        await type_keys(pilot, "alcoh")
        assert app.query_one(SuggestionList).display
        app.reset_conversation()
        await settle(pilot)
        assert [type(m) for m in messages(app)] == [WelcomeMessage]
        assert app.query_one("#question", Input).value == ""
        assert not app.query_one(SuggestionList).display
        assert app.query_one(SuggestionList).option_count == 0


@pilot_test
async def test_reset_from_topics_returns_to_a_fresh_chat(app):
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, "what is fnd")
        await pilot.press("f2")
        await pilot.press("f5")
        await settle(pilot)
        assert not isinstance(app.screen, BrowseScreen)
        assert [type(m) for m in messages(app)] == [WelcomeMessage]


@pilot_test
async def test_reply_arriving_after_a_reset_is_dropped(pack):
    release = threading.Event()
    app = FaqApp(held_router(pack, release))
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, "what is fnd")
        await pilot.press("enter")
        await pilot.pause()
        app.reset_conversation()
        release.set()
        await settle(pilot)
        assert [type(m) for m in messages(app)] == [WelcomeMessage]


# -- help, looks and keys ----------------------------------------------------------------


@pilot_test
async def test_help_lists_the_keys_with_f1(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = shown(app.screen)
        for keys, what in FaqApp.HELP_KEYS:
            assert keys in text and what in text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


@pilot_test
async def test_question_mark_types_in_the_box_and_opens_help_elsewhere(app):
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, "what is fnd?")
        assert app.query_one("#question", Input).value == "what is fnd?"
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("down")  # into the suggestions
        assert isinstance(app.focused, SuggestionList)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("question_mark")
        assert not isinstance(app.screen, HelpScreen)


@pilot_test
async def test_contrast_and_text_size_toggle_from_keys(app):
    async with app.run_test(size=SIZE) as pilot:
        assert app.theme == CALM.name
        await pilot.press("f4")
        assert app.theme == HIGH_CONTRAST.name and app.has_class("-high-contrast")
        await pilot.press("f3")
        assert app.has_class("-large-text")
        bubble = messages(app)[0]
        assert bubble.query_one(".body").styles.text_style.bold
        await pilot.press("f3", "f4")
        assert app.theme == CALM.name
        assert not app.has_class("-large-text") and not app.has_class("-high-contrast")


@pilot_test
async def test_newest_reply_stays_in_view_when_sizes_change(app):
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, "baclofen and wine")
        conversation = app.query_one("#conversation")
        await pilot.press("f3")  # roomier text makes every bubble taller
        await settle(pilot)
        assert conversation.scroll_y == conversation.max_scroll_y
        await type_keys(pilot, "baclo")  # the suggestions open and the view shrinks
        assert app.query_one(SuggestionList).display
        assert conversation.scroll_y == conversation.max_scroll_y


@pilot_test
async def test_options_start_in_high_contrast_and_large_text(router):
    app = FaqApp(router, high_contrast=True, large_text=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.theme == HIGH_CONTRAST.name
        assert app.has_class("-large-text")


@pytest.mark.parametrize("theme", [CALM, HIGH_CONTRAST], ids=lambda t: t.name)
def test_theme_colours_survive_sixteen_colours(theme):
    """On a 16-colour terminal every dark shade must fall to black and every ink stay bright."""
    from rich.color import Color as RichColor, ColorSystem
    from textual.color import Color

    def standard(colour: str) -> int:
        return RichColor.parse(Color.parse(colour).hex).downgrade(ColorSystem.STANDARD).number

    for shade in (theme.background, theme.surface, theme.panel):
        assert standard(shade) == 0, shade
    urgent_tint = Color.parse(theme.background).blend(Color.parse(theme.error), 0.12).hex
    assert standard(urgent_tint) == 0
    inks = (theme.foreground, theme.primary, theme.secondary, theme.accent, theme.warning, theme.error)
    for ink in inks:
        assert standard(ink) not in (0, 8), ink  # never black or dark grey on black
    assert standard(theme.error) in (1, 9)  # red stays red


# -- command line -------------------------------------------------------------------------


def test_chat_command_builds_the_app_from_flags(pack_dir, monkeypatch):
    made = {}

    def fake_run(self):
        made.update(app=self)

    monkeypatch.setattr(FaqApp, "run", fake_run)
    assert main(["--pack", str(pack_dir), "--allow-drafts", "--high-contrast", "--large-text"]) == 0
    app = made["app"]
    assert app.router.allow_drafts and app.high_contrast and app.large_text
    assert app.router.recorder is None  # the chat keeps no log of questions
    made.clear()
    assert main(["chat", "--pack", str(pack_dir)]) == 0
    assert not made["app"].router.allow_drafts and not made["app"].high_contrast


def test_chat_refuses_a_pack_with_nothing_to_show(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(FaqApp, "run", lambda self: pytest.fail("the chat should not start"))
    drafts = write_pack(tmp_path / "drafts", approve=False)
    assert main(["--pack", str(drafts)]) == 2
    assert "--allow-drafts" in capsys.readouterr().err


def test_ask_never_loads_the_terminal_ui(pack_dir):
    code = (
        "import sys; from faqbot.cli import main; "
        f"main(['ask', '--pack', {str(pack_dir)!r}, 'what is fnd']); "
        "print('textual' in sys.modules, file=sys.stderr)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stderr.strip().splitlines()[-1] == "False"
