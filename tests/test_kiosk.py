"""Kiosk mode: locked keys, the staff PIN, idle wipes, pack gating and recovery."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import gc
import logging
import os
import pty
import re
import select
import sys
import time
import weakref
from pathlib import Path

import pytest
import yaml
from textual.command import CommandPalette
from textual.widgets import Input, Static

from faqbot.cli import main
from faqbot.kiosk import config as kconfig
from faqbot.kiosk.app import KioskApp
from faqbot.kiosk.config import ConfigError, KioskConfig, load_config
from faqbot.kiosk.gate import open_checked
from faqbot.kiosk.pin import PinGuard, hash_pin, verify_pin
from faqbot.kiosk.screens import (
    SAMPLE_LABEL,
    AttractScreen,
    CountdownScreen,
    KioskChatScreen,
    PinScreen,
    SampleBanner,
)
from faqbot.pack import load_pack
from faqbot.router import Router
from faqbot.ui.widgets import AnswerMessage, UserMessage

from packs import ANSWERS, SETTINGS, approved_review, write_pack

PIN = "2468"
PIN_HASH = hash_pin(PIN, salt=b"fixed-test-salt!")
SIZE = (100, 32)
QUESTION = "how much baclofen do people take"
ESCAPE_KEYS = ("ctrl+q", "ctrl+c", "ctrl+z", "ctrl+backslash", "ctrl+p", "ctrl+x", "ctrl+v")


class Clock:
    """Time that moves only when a test says so."""

    def __init__(self, start: float = 1_000.0):
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def pilot_test(test):
    """Run an async test in its own event loop, bounded in time."""

    @functools.wraps(test)
    def run(*args, **kwargs):
        asyncio.run(asyncio.wait_for(test(*args, **kwargs), timeout=60))

    return run


def kiosk(pack_dir: Path, clock: Clock | None = None, allow_drafts: bool = False, **settings) -> KioskApp:
    pack = load_pack(pack_dir)
    return KioskApp(
        Router(pack, allow_drafts=allow_drafts),
        KioskConfig(**settings),
        pack_dir=pack_dir,
        allow_drafts=allow_drafts,
        clock=clock or Clock(),
    )


def screen_text(app) -> str:
    """Everything drawn on the current screen, as plain text."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def all_text(app) -> str:
    """Text held by every widget on every screen: rendered text, input values, titles."""
    parts = []
    for screen in app.screen_stack:
        for widget in [screen, *screen.walk_children(with_self=False)]:
            if isinstance(widget, Input):
                parts.append(widget.value)
            if isinstance(widget, Static):
                parts.append(str(widget.render()))
            parts.append(str(widget.border_title or ""))
            parts.extend(str(v) for v in vars(widget).values() if isinstance(v, str))
    return "\n".join(parts)


async def start_chat(pilot) -> None:
    """Wake the kiosk from the attract screen."""
    assert isinstance(pilot.app.screen, AttractScreen)
    await pilot.press("space")
    await pilot.pause()
    assert not isinstance(pilot.app.screen, AttractScreen)


async def ask(pilot, question: str) -> None:
    await pilot.press(*question, "enter")
    for _ in range(50):
        await pilot.pause(0.05)
        if pilot.app.chat.last_answer() is not None or len(pilot.app.chat.messages()) >= 3:
            break
    await pilot.pause()


def running(app) -> bool:
    return app.is_running and not app._exit and app.return_code in (None, 0)


@pytest.fixture(autouse=True)
def _quiet_kiosk_log():
    """Each test starts with the kiosk logger as logging found it."""
    logger = logging.getLogger("faqbot.kiosk")
    yield
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()


# -- locked keys ---------------------------------------------------------------------


@pilot_test
async def test_every_quit_key_is_ignored_in_the_chat(pack_dir):
    app = kiosk(pack_dir)
    async with app.run_test(size=SIZE) as pilot:
        await start_chat(pilot)
        await pilot.press(*"baclofen")
        await pilot.pause()
        before_stack = list(app.screen_stack)
        before = screen_text(app)
        for key in ESCAPE_KEYS:
            await pilot.press(key)
            await pilot.pause()
            assert running(app), key
            assert app.screen_stack == before_stack, key
            assert app.chat.question_box.value == "baclofen", key
            assert screen_text(app) == before, key
        assert not CommandPalette.is_open(app)


@pytest.mark.parametrize("opener, screen_name", [("f1", "HelpScreen"), ("f2", "BrowseScreen"), ("f12", "PinScreen")])
@pilot_test
async def test_quit_keys_are_ignored_over_the_chat_too(pack_dir, opener, screen_name):
    app = kiosk(pack_dir, pin_hash=PIN_HASH)
    async with app.run_test(size=SIZE) as pilot:
        await start_chat(pilot)
        await pilot.press(opener)
        await pilot.pause()
        assert type(app.screen).__name__ == screen_name
        before = screen_text(app)
        for key in ESCAPE_KEYS:
            await pilot.press(key)
            await pilot.pause()
            assert running(app), key
            assert type(app.screen).__name__ == screen_name, key
            assert screen_text(app) == before, key


@pilot_test
async def test_quit_keys_do_not_wake_or_leave_the_attract_screen(pack_dir):
    app = kiosk(pack_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        before = screen_text(app)
        for key in ESCAPE_KEYS:
            await pilot.press(key)
            await pilot.pause()
            assert running(app), key
            assert isinstance(app.screen, AttractScreen), key
            assert screen_text(app) == before, key


@pilot_test
async def test_no_route_out_through_actions_commands_or_exit(pack_dir):
    app = kiosk(pack_dir)
    async with app.run_test(size=SIZE) as pilot:
        await start_chat(pilot)
        await app.run_action("quit")
        await app.run_action("command_palette")
        await app.run_action("suspend_process")
        app.exit()
        await pilot.pause()
        assert running(app)
        assert not CommandPalette.is_open(app)
        assert list(app.get_system_commands(app.screen)) == []
        assert not app.ENABLE_COMMAND_PALETTE
        # The help a patient can open lists no way out.
        assert not any("quit" in what.lower() for _, what in app.HELP_KEYS)
        footer_keys = {b.binding.key for b in app.active_bindings.values() if b.binding.show}
        assert "ctrl+q" not in footer_keys and "f12" not in footer_keys


@pilot_test
async def test_copy_never_reaches_a_clipboard(pack_dir):
    app = kiosk(pack_dir)
    async with app.run_test(size=SIZE) as pilot:
        await start_chat(pilot)
        app.copy_to_clipboard("secret words")
        assert app.clipboard == ""


# -- staff exit ----------------------------------------------------------------------------


@pilot_test
async def test_staff_exit_needs_the_right_pin(pack_dir):
    app = kiosk(pack_dir, pin_hash=PIN_HASH)
    async with app.run_test(size=SIZE) as pilot:
        await start_chat(pilot)
        await pilot.press("f12")
        await pilot.pause()
        assert isinstance(app.screen, PinScreen)
        await pilot.press(*"1357", "enter")
        await pilot.pause()
        assert running(app)
        assert "Wrong PIN" in str(app.screen.query_one("#pin-message", Static).render())
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, PinScreen) and running(app)
        await pilot.press("f12")
        await pilot.pause()
        await pilot.press(*PIN, "enter")
        await pilot.pause()
        assert app.left_by_staff
        assert app._exit


@pilot_test
async def test_three_wrong_pins_lock_the_exit_for_a_minute(pack_dir):
    clock = Clock()
    app = kiosk(pack_dir, clock, pin_hash=PIN_HASH)
    async with app.run_test(size=SIZE) as pilot:
        await start_chat(pilot)
        await pilot.press("f12")
        await pilot.pause()
        for wrong in ("0000", "1111", "2222"):
            await pilot.press(*wrong, "enter")
            await pilot.pause()
        assert not isinstance(app.screen, PinScreen)  # the dialog closed on the lock
        await pilot.press("f12")
        await pilot.pause()
        assert not isinstance(app.screen, PinScreen)  # locked: no dialog at all
        assert app.try_pin(PIN) == "locked"  # and even the right PIN is refused
        assert running(app)
        clock.advance(59)
        assert app.try_pin(PIN) == "locked"
        clock.advance(2)
        await pilot.press("f12")
        await pilot.pause()
        assert isinstance(app.screen, PinScreen)
        await pilot.press(*PIN, "enter")
        await pilot.pause()
        assert app.left_by_staff


@pilot_test
async def test_without_a_pin_the_exit_key_does_nothing(pack_dir, caplog):
    app = kiosk(pack_dir)
    async with app.run_test(size=SIZE) as pilot:
        await start_chat(pilot)
        with caplog.at_level(logging.WARNING, logger="faqbot.kiosk"):
            await pilot.press("f12")
            await pilot.pause()
        assert not isinstance(app.screen, PinScreen) and running(app)
        assert "no PIN is configured" in caplog.text


def test_pin_guard_counts_and_unlocks():
    clock = Clock()
    guard = PinGuard(PIN_HASH, clock=clock)
    assert [guard.attempt("0000"), guard.attempt("0000"), guard.attempt("0000")] == ["wrong", "wrong", "locked"]
    assert guard.attempt(PIN) == "locked"
    clock.advance(60.5)
    assert guard.attempt("0000") == "wrong"  # the count starts again after the lock
    assert guard.attempt(PIN) == "ok"
    assert PinGuard(None).attempt(PIN) == "disabled"


def test_pin_hash_holds_no_pin():
    line = hash_pin("975310")
    scheme, salt, digest = line.split("$")
    assert scheme == "scrypt" and "975310" not in line
    assert verify_pin("975310", line) and not verify_pin("975311", line)
    assert hash_pin("975310") != line  # a fresh salt every time
    with pytest.raises(ValueError):
        hash_pin("12")


def test_hash_pin_command_prints_a_usable_line(monkeypatch, capsys):
    answers = iter(["4321", "4321"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert main(["kiosk", "--hash-pin"]) == 0
    line = capsys.readouterr().out.strip()
    assert verify_pin("4321", line)
    answers = iter(["4321", "4322"])
    assert main(["kiosk", "--hash-pin"]) != 0
    assert capsys.readouterr().out == ""


# -- idle and start over -------------------------------------------------------------------


@pilot_test
async def test_idle_reset_wipes_the_conversation(pack_dir):
    clock = Clock()
    app = kiosk(pack_dir, clock, idle_seconds=30, countdown_seconds=10)
    async with app.run_test(size=SIZE) as pilot:
        await start_chat(pilot)
        await ask(pilot, QUESTION)
        await pilot.press(*"zebra crossing")
        await pilot.pause()
        first_chat = app.chat
        assert QUESTION in all_text(app) and "zebra crossing" in all_text(app)
        assert first_chat.last_answer() is not None

        clock.advance(21)
        app.kiosk_tick()
        await pilot.pause()
        assert isinstance(app.screen, CountdownScreen)
        assert "Starting over in 9" in screen_text(app)

        clock.advance(10)
        app.kiosk_tick()
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, AttractScreen)
        assert first_chat not in app.screen_stack
        text = all_text(app)
        assert QUESTION not in text and "zebra" not in text
        assert "Prescribers usually start low" not in text
        assert [type(w).__name__ for w in app.chat.messages()] == ["WelcomeMessage"]
        assert app.chat.question_box.value == ""
        assert app.clipboard == ""
        assert not app.query(UserMessage) and not app.chat.query(AnswerMessage)
        # The old screen, with everything it showed, is gone from memory, not just hidden.
        old = weakref.ref(first_chat)
        old_messages = [weakref.ref(w) for w in first_chat.query(UserMessage)]
        del first_chat
        for _ in range(40):
            await pilot.pause(0.05)
            gc.collect()
            if old() is None:
                break
        assert old() is None and all(ref() is None for ref in old_messages)


@pilot_test
async def test_a_key_during_the_countdown_keeps_the_conversation(pack_dir):
    clock = Clock()
    app = kiosk(pack_dir, clock, idle_seconds=30, countdown_seconds=10)
    async with app.run_test(size=SIZE) as pilot:
        await start_chat(pilot)
        await ask(pilot, QUESTION)
        clock.advance(25)
        app.kiosk_tick()
        await pilot.pause()
        assert isinstance(app.screen, CountdownScreen)
        await pilot.press("a")
        await pilot.pause()
        app.kiosk_tick()
        await pilot.pause()
        assert not isinstance(app.screen, (CountdownScreen, AttractScreen))
        assert app.chat.last_answer() is not None
        assert app.chat.question_box.value == ""  # the key only woke it, it typed nothing


@pilot_test
async def test_start_over_key_wipes_at_once_and_restores_the_look(pack_dir):
    app = kiosk(pack_dir, theme="default", text_size="large")
    async with app.run_test(size=SIZE) as pilot:
        await start_chat(pilot)
        await ask(pilot, QUESTION)
        await pilot.press("f4")  # the patient switched to high contrast
        await pilot.pause()
        assert app.high_contrast
        await pilot.press("f5")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, AttractScreen)
        assert QUESTION not in all_text(app)
        assert not app.high_contrast and app.large_text


@pilot_test
async def test_start_over_again_and_again_keeps_the_kiosk_up(pack_dir):
    app = kiosk(pack_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("f5", "f5", "f5")  # on the attract screen, and in quick succession
        await pilot.pause()
        await start_chat(pilot)
        await pilot.press("f5")
        await pilot.pause()
        await pilot.press("f5")
        await pilot.pause()
        assert running(app) and isinstance(app.screen, AttractScreen)
        await start_chat(pilot)
        await ask(pilot, QUESTION)
        assert app.chat.last_answer() is not None


@pilot_test
async def test_any_key_on_the_attract_screen_starts_typing(pack_dir):
    app = kiosk(pack_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Ask a question about Test pack" in screen_text(app)
        await pilot.press("h")
        await pilot.pause()
        assert app.chat.question_box.value == "h"
        assert app.chat.question_box.has_focus


# -- content gate --------------------------------------------------------------------------


def _unapproved_pack(tmp_path: Path) -> Path:
    """One draft, one edited after approval, one past its review date, one good."""
    good, draft, changed, overdue = (dict(a) for a in ANSWERS)
    draft["review"] = {"status": "draft"}
    changed["review"] = approved_review(changed["question"], changed["answer"])
    changed["answer"] = changed["answer"] + " Edited later."
    long_ago = dt.date.today() - dt.timedelta(days=800)
    overdue["review"] = approved_review(overdue["question"], overdue["answer"], today=long_ago)
    return write_pack(tmp_path / "unapproved", [good, draft, changed, overdue])


def test_kiosk_refuses_a_pack_with_unapproved_answers(tmp_path, capsys):
    folder = _unapproved_pack(tmp_path)
    code = main(["kiosk", "--pack", str(folder)])
    err = capsys.readouterr().err
    assert code == 1
    lines = [line for line in err.splitlines() if not line.startswith("faqbot: error")]
    assert len(lines) == 3
    assert any("'baclofen-alcohol' is a draft" in line for line in lines)
    assert any("'baclofen-dose' was edited after it was approved" in line for line in lines)
    assert any("'fmd-what-is' is past its review date" in line for line in lines)
    assert "refusing to show it to patients" in err


def test_serve_refuses_the_same_pack(tmp_path, capsys):
    folder = _unapproved_pack(tmp_path)
    assert main(["serve", "--pack", str(folder), "--port", "9"]) == 1
    assert "is a draft" in capsys.readouterr().err


def test_allow_drafts_passes_the_gate(tmp_path):
    folder = _unapproved_pack(tmp_path)
    assert open_checked(folder, allow_drafts=False)[0] is None
    assert open_checked(folder, allow_drafts=True)[0] is not None


@pilot_test
async def test_allow_drafts_shows_a_permanent_banner(tmp_path):
    folder = _unapproved_pack(tmp_path)
    app = kiosk(folder, allow_drafts=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        label = f"{SAMPLE_LABEL}. {SETTINGS['texts']['unreviewed']}"
        for _ in range(2):
            assert isinstance(app.screen, AttractScreen)
            assert label in str(app.screen.query_one(SampleBanner).render())
            await start_chat(pilot)
            assert label in str(app.chat.query_one(SampleBanner).render())
            await pilot.press("f5")  # still there for the next person
            await pilot.pause()


@pilot_test
async def test_an_approved_pack_shows_no_banner(pack_dir):
    app = kiosk(pack_dir)
    async with app.run_test(size=SIZE) as pilot:
        await start_chat(pilot)
        assert not app.query(SampleBanner) and not app.chat.query(SampleBanner)


def test_cli_logs_the_missing_pin_at_start(pack_dir, tmp_path, monkeypatch):
    log_file = tmp_path / "kiosk.log"
    monkeypatch.setattr(KioskApp, "run", lambda self, **kw: setattr(self, "left_by_staff", True))
    monkeypatch.delenv("FAQBOT_KIOSK_PIN_HASH", raising=False)
    assert main(["kiosk", "--pack", str(pack_dir), "--log-file", str(log_file)]) == 0
    text = log_file.read_text()
    assert "no staff PIN is configured" in text and "cannot be left from the keyboard" in text
    monkeypatch.setenv("FAQBOT_KIOSK_PIN_HASH", PIN_HASH)
    log_file.unlink()
    assert main(["kiosk", "--pack", str(pack_dir), "--log-file", str(log_file)]) == 0
    assert "no staff PIN" not in log_file.read_text()
    assert PIN not in log_file.read_text()


# -- errors ----------------------------------------------------------------------------------


@pilot_test
async def test_an_error_inside_a_screen_returns_to_the_attract_screen(pack_dir, monkeypatch, caplog):
    secret = "my private worry about baclofen"
    app = kiosk(pack_dir)
    broken = {"on": True}
    real_ask = KioskChatScreen.ask

    def ask_or_fail(self, question):
        if broken["on"]:
            raise RuntimeError(f"failed on {question}")
        return real_ask(self, question)

    monkeypatch.setattr(KioskChatScreen, "ask", ask_or_fail)
    async with app.run_test(size=SIZE) as pilot:
        await start_chat(pilot)
        with caplog.at_level(logging.INFO, logger="faqbot.kiosk"):
            await pilot.press(*secret, "enter")
            for _ in range(20):
                await pilot.pause(0.05)
                if isinstance(app.screen, AttractScreen):
                    break
        assert isinstance(app.screen, AttractScreen)
        assert running(app)
        assert "RuntimeError" in caplog.text
        assert secret not in caplog.text and "worry" not in caplog.text
        assert secret not in all_text(app)
        # The fresh chat works.
        broken["on"] = False
        await start_chat(pilot)
        await ask(pilot, QUESTION)
        assert app.chat.last_answer() is not None


def test_a_fatal_error_in_a_terminal_starts_a_fresh_kiosk(pack_dir, monkeypatch):
    from faqbot.cli import kiosk_cmds

    runs = []

    def run(self, **kwargs):
        runs.append(self)
        if len(runs) == 1:
            self._return_code = 1  # the app's own loop died
        else:
            self.left_by_staff = True

    monkeypatch.setattr(KioskApp, "run", run)
    router = Router(load_pack(pack_dir))
    assert kiosk_cmds._run_until_staff_exit(router, KioskConfig(), pack_dir, False, None, web=False) == 0
    assert len(runs) == 2 and runs[0] is not runs[1]
    runs.clear()
    assert kiosk_cmds._run_until_staff_exit(router, KioskConfig(), pack_dir, False, None, web=True) == 1
    assert len(runs) == 1  # in a browser the session ends; the page starts a new one


# -- pack updates ------------------------------------------------------------------------------


def _touch_later(folder: Path) -> None:
    """Make sure every file's time moves, whatever the file system's resolution."""
    stamp = time.time() + 5
    for path in folder.rglob("*.yaml"):
        os.utime(path, (stamp, stamp))


@pilot_test
async def test_a_bad_pack_on_disk_does_not_replace_a_good_one(pack_dir, caplog):
    app = kiosk(pack_dir)
    async with app.run_test(size=SIZE) as pilot:
        await start_chat(pilot)
        in_use = app.router.pack

        draft = {"id": "baclofen-new", "question": "Is baclofen new?", "answer": "Unchecked words.",
                 "examples": ["new baclofen"], "sources": [{"title": "x", "url": "https://example.org/x"}],
                 "review": {"status": "draft"}}
        (pack_dir / "baclofen-new.yaml").write_text(yaml.safe_dump(draft), encoding="utf-8")
        _touch_later(pack_dir)
        with caplog.at_level(logging.WARNING, logger="faqbot.kiosk"):
            update = await app.check_pack_now()
        assert update is not None and update.pack is None
        assert app.router.pack is in_use and app.chat.router.pack is in_use
        assert "was not taken" in caplog.text and "'baclofen-new' is a draft" in caplog.text

        (pack_dir / "baclofen-new.yaml").write_text("id: [unclosed\n", encoding="utf-8")
        _touch_later(pack_dir)
        update = await app.check_pack_now()
        assert update is not None and update.pack is None
        assert app.router.pack is in_use

        assert await app.check_pack_now() is None  # unchanged since: not read again


@pilot_test
async def test_a_good_pack_change_is_taken(pack_dir):
    app = kiosk(pack_dir)
    async with app.run_test(size=SIZE) as pilot:
        await start_chat(pilot)
        new = {"id": "physio-stretch", "question": "How often should I do my stretches?",
               "answer": "Stretch twice a day, as your physiotherapist showed you.",
               "examples": ["how often do i stretch", "stretching how many times a day"],
               "sources": [{"title": "Physio leaflet", "url": "https://example.org/physio"}]}
        new["review"] = approved_review(new["question"], new["answer"])
        (pack_dir / "physio-stretch.yaml").write_text(yaml.safe_dump(new), encoding="utf-8")
        _touch_later(pack_dir)
        update = await app.check_pack_now()
        assert update is not None and update.pack is not None
        assert "physio-stretch" in app.router.pack.by_id()
        assert app.chat.router is app.router
        await ask(pilot, "how often do i stretch")
        assert "Stretch twice a day" in all_text(app)


# -- settings ----------------------------------------------------------------------------------


def test_settings_from_file_then_environment_then_flags(tmp_path):
    path = tmp_path / "kiosk.toml"
    path.write_text(
        '[kiosk]\nidle_seconds = 120\nexit_key = "f10"\ntheme = "high-contrast"\n'
        f'pin_hash = "{PIN_HASH}"\npack = "pack"\nlog_file = "logs/kiosk.log"\n',
        encoding="utf-8",
    )
    config = load_config(path, environ={})
    assert config.idle_seconds == 120 and config.exit_key == "f10" and config.high_contrast
    assert config.pin_hash == PIN_HASH and config.large_text
    assert config.pack == tmp_path / "pack" and config.log_file == tmp_path / "logs" / "kiosk.log"
    config = load_config(path, environ={"FAQBOT_KIOSK_IDLE": "45", "FAQBOT_KIOSK_TEXT_SIZE": "normal"})
    assert config.idle_seconds == 45 and not config.large_text
    config = load_config(path, environ={"FAQBOT_KIOSK_IDLE": "45"}, idle_seconds=60)
    assert config.idle_seconds == 60


@pytest.mark.parametrize("text, why", [
    ("[kiosk]\nidle_secs = 10\n", "unknown setting"),
    ("[kiosk]\nidle_seconds = 1\n", "from 5"),
    ("[kiosk]\nexit_key = \"q\"\n", "function key"),
    ("[kiosk]\nexit_key = \"ctrl+q\"\n", "locked"),
    ("[kiosk]\nexit_key = \"f5\"\n", "both f5"),
    ("[kiosk]\npin_hash = \"1234\"\n", "scrypt$"),
    ("[kiosk]\ntheme = \"neon\"\n", "one of"),
    ("idle_seconds = 10\n", "[kiosk]"),
    ("[kiosk\n", "kiosk.toml"),
])
def test_bad_settings_are_refused_with_a_reason(tmp_path, text, why):
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(why)):
        load_config(path, environ={})


def test_bad_environment_setting_names_the_variable():
    with pytest.raises(ConfigError, match=r"\$FAQBOT_KIOSK_IDLE"):
        load_config(environ={"FAQBOT_KIOSK_IDLE": "soon"})


def test_example_config_is_valid():
    example = Path(__file__).resolve().parent.parent / "examples" / "kiosk.toml"
    config = load_config(example, environ={})
    assert config.idle_seconds == 90 and config.exit_key == "f12"
    assert set(kconfig.ENV) == set(kconfig.NAMES)  # every setting has its variable


# -- a real terminal ---------------------------------------------------------------------------


def test_kiosk_runs_on_a_linux_console_in_16_colours(pack_dir, tmp_path):
    """The real command in a pseudo-terminal with TERM=linux: it draws, in basic colours only."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEXTUAL", "FAQBOT", "COLORTERM"))}
    env.update(TERM="linux", COLUMNS="100", LINES="30")
    log_file = tmp_path / "kiosk.log"
    pid, fd = pty.fork()
    if pid == 0:  # child
        os.execve(sys.executable, [sys.executable, "-m", "faqbot", "kiosk", "--pack", str(pack_dir),
                                   "--log-file", str(log_file)], env)
    output = b""
    try:
        deadline = time.monotonic() + 30
        sent = False
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                try:
                    output += os.read(fd, 65536)
                except OSError:
                    break
            plain = re.sub(rb"\x1b\[[0-9;?]*[a-zA-Z]", b"", output)
            if not sent and b"Press any key to start" in plain:
                for key in (b"\x11", b"\x03", b"\x1a", b"\x1c"):  # ctrl+q, ctrl+c, ctrl+z, ctrl+backslash
                    os.write(fd, key)
                    time.sleep(0.2)
                sent = True
                deadline = min(deadline, time.monotonic() + 2)
        plain = re.sub(rb"\x1b\[[0-9;?]*[a-zA-Z]", b"", output)
        assert b"Ask a question about" in plain
        assert b"38;2;" not in output and b"48;2;" not in output, "true colour sent to a 16-colour console"
        assert b"38;5;" not in output and b"48;5;" not in output, "256 colours sent to a 16-colour console"
        finished, _ = os.waitpid(pid, os.WNOHANG)
        assert finished == 0, "the kiosk stopped on a quit key"
    finally:
        try:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        os.close(fd)
