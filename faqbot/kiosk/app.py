"""KioskApp: the chat, locked full screen, wiped between people, kept running.

The chat itself is inherited unchanged. This layer adds what an unattended
shared screen needs: no way out without the staff PIN, an attract screen,
an idle countdown that wipes the conversation, recovery from errors, and
taking a new pack from disk only when it passes the checks.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import math
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

from textual import events
from textual.binding import Binding
from textual.screen import Screen

from ..router import Router
from ..ui.app import FaqApp
from .config import KioskConfig
from .pin import PinGuard
from .screens import AttractScreen, CountdownScreen, KioskChatScreen, PinScreen
from .watch import PackWatcher, Update

log = logging.getLogger("faqbot.kiosk")

# Keys that leave, suspend, copy or open Textual's own commands. In a kiosk they do nothing.
LOCKED = ("ctrl+q", "ctrl+c", "ctrl+z", "ctrl+backslash", "ctrl+p", "ctrl+x", "ctrl+v", "super+c")
TICK_SECONDS = 0.5
MAX_CRASHES = 5          # more than this many errors ...
CRASH_WINDOW = 60.0      # ... within this many seconds, and the process gives up (a supervisor restarts it)
ACTIVITY = (events.Key, events.MouseDown, events.MouseScrollDown, events.MouseScrollUp, events.Paste)


def where(error: BaseException) -> str:
    """Where an error happened, by file and line only: its message may quote the patient."""
    frames = traceback.extract_tb(error.__traceback__)[-4:]
    return " <- ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} in {f.name}" for f in reversed(frames)) or "?"


class KioskApp(FaqApp):
    """FaqApp for a shared screen. Use `start_over()` to wipe; `leave()` is the only way out."""

    # A stylesheet path is read relative to the file that defines the class, so name the chat's own.
    ENABLE_COMMAND_PALETTE = False
    COMMANDS = set()

    HELP_KEYS = tuple((k, w) for k, w in FaqApp.HELP_KEYS if "quit" not in w.lower() and k != "F5")

    def __init__(
        self,
        router: Router,
        config: KioskConfig | None = None,
        *,
        pack_dir=None,
        allow_drafts: bool = False,
        clock: Callable[[], float] = time.monotonic,
        today: Callable[[], dt.date] = dt.date.today,
        watch: bool = True,
    ) -> None:
        self.config = config or KioskConfig()
        self.clock = clock
        self.allow_drafts = allow_drafts
        self.sample_notice = router.pack.texts.unreviewed if allow_drafts else None
        super().__init__(router, high_contrast=self.config.high_contrast, large_text=self.config.large_text)
        self.guard = PinGuard(self.config.pin_hash, clock=clock, lock_seconds=self.config.lockout_seconds)
        self.watcher = PackWatcher(pack_dir, allow_drafts, today) if (watch and pack_dir is not None) else None
        self.last_input = clock()
        self.left_by_staff = False
        self._leaving = False
        self._crashes: list[float] = []
        self._checking_pack = False
        self._running = False
        self._lock_keys()
        # The help lists the keys a patient may use: never a way out.
        self.HELP_KEYS = (*type(self).HELP_KEYS, (self.config.start_over_key.upper(), "Clear the conversation and start over"))

    # -- keys ------------------------------------------------------------------------

    def _lock_keys(self) -> None:
        """Priority bindings run before any widget sees the key, on every screen."""
        keys = self._bindings.key_to_bindings
        for key in LOCKED:
            keys[key] = [Binding(key, "kiosk_ignore", show=False, priority=True)]
        keys[self.config.start_over_key] = [
            Binding(self.config.start_over_key, "start_over_key", "Start over", priority=True,
                    key_display=self.config.start_over_key.upper())
        ]
        keys[self.config.exit_key] = [Binding(self.config.exit_key, "staff_exit", show=False, priority=True)]

    def action_kiosk_ignore(self) -> None:
        """A locked key: nothing happens, not even a hint about how to quit."""

    async def action_quit(self) -> None:
        log.info("a quit request was ignored: the kiosk is locked")

    def action_help_quit(self) -> None:
        pass

    def action_suspend_process(self) -> None:
        pass

    def action_command_palette(self) -> None:
        pass

    def get_system_commands(self, screen: Screen):
        return iter(())

    def copy_to_clipboard(self, text: str) -> None:
        """Nothing a patient typed may reach a clipboard where the next person could paste it."""
        self._clipboard = ""

    def open_url(self, url: str, *, new_tab: bool = True) -> None:
        """A link would lead out of the kiosk into a browser or another program."""
        log.info("a link was not opened: the kiosk is locked")

    def exit(self, result=None, return_code: int = 0, message=None) -> None:
        """Only `leave()` ends a kiosk; any other route out is refused."""
        if not self._leaving:
            log.info("an exit request was ignored: the kiosk is locked")
            return
        super().exit(result, return_code, message)

    # -- screens -----------------------------------------------------------------------

    def get_default_screen(self) -> Screen:
        """A blank base that never changes; each person gets a fresh chat screen pushed on it."""
        return Screen(id="kiosk-base")

    def on_mount(self) -> None:
        self._running = True
        self.set_interval(TICK_SECONDS, self.kiosk_tick, name="kiosk idle")
        if self.watcher is not None:
            self.set_interval(self.config.pack_check_seconds, self.check_pack_now, name="kiosk pack")
        self.push_screen(KioskChatScreen(self.router))
        self._show_attract()

    def _show_attract(self) -> None:
        self.push_screen(AttractScreen(self.router.pack.name), self._attract_dismissed)

    def _attract_dismissed(self, character: str | None) -> None:
        self.last_input = self.clock()
        try:
            box = self.chat.question_box
            box.focus()
            if character:
                box.insert_text_at_cursor(character)
        except Exception:  # noqa: BLE001 - a missing box is no reason to stop; recovery handles it
            pass

    @property
    def attract_showing(self) -> bool:
        return isinstance(self.screen, AttractScreen)

    # -- idle ----------------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, ACTIVITY):
            self.last_input = self.clock()
        await super().on_event(event)

    def kiosk_tick(self) -> None:
        """Called twice a second: count down when idle, wipe when the time is up."""
        if self.attract_showing or self._leaving:
            return
        left = self.config.idle_seconds - (self.clock() - self.last_input)
        countdown = self.screen if isinstance(self.screen, CountdownScreen) else None
        if left <= 0:
            self.start_over("idle")
        elif left <= self.config.countdown_seconds:
            seconds = max(1, math.ceil(left))
            if countdown is None:
                self.push_screen(CountdownScreen(seconds))
            else:
                countdown.show_seconds(seconds)
        elif countdown is not None:
            countdown.dismiss(None)  # input arrived some other way than a key on the countdown

    def action_start_over_key(self) -> None:
        self.start_over("start over key")

    def action_start_again(self) -> None:
        self.start_over("start over key")

    def start_over(self, reason: str) -> None:
        """Wipe everything the last person typed or saw, then show the attract screen."""
        log.info("conversation wiped (%s)", reason)
        self._wipe()
        self._show_attract()

    def _wipe(self) -> None:
        """Clear the chat, drop every screen down to the blank base, and push a fresh chat."""
        self.workers.cancel_all()
        try:
            self.reset_conversation()
        except Exception:  # noqa: BLE001 - the screen is being thrown away anyway
            pass
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.push_screen(KioskChatScreen(self.router))
        self._fresh_threads()
        self.set_timer(1.0, self._fresh_threads)  # again, after the cleared box's last suggestion ran
        self._clipboard = ""
        self.clear_notifications()
        self.high_contrast = self.config.high_contrast
        self.large_text = self.config.large_text
        self.apply_look()
        self.last_input = self.clock()

    def _fresh_threads(self) -> None:
        """Give the next person new worker threads.

        A finished thread worker stays in its pool thread's context (with its
        arguments: the screen, the question) until that thread runs another.
        Retiring the old threads lets all of it be freed now.
        """
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        old = getattr(loop, "_default_executor", None)
        loop.set_default_executor(ThreadPoolExecutor(thread_name_prefix="faqbot-kiosk"))
        if old is not None:
            old.shutdown(wait=False)

    # -- staff exit ------------------------------------------------------------------------

    def action_staff_exit(self) -> None:
        if isinstance(self.screen, PinScreen):
            return
        if not self.guard.configured:
            log.warning("exit key pressed, but no PIN is configured: this kiosk cannot be left from the keyboard")
            return
        locked = self.guard.seconds_locked()
        if locked > 0:
            log.info("exit key pressed while the exit is locked (%d s left)", math.ceil(locked))
            return
        self.push_screen(PinScreen())

    def try_pin(self, pin: str, screen: PinScreen | None = None) -> str:
        """Check a PIN from the dialog; leaves on the right one."""
        result = self.guard.attempt(pin)
        if result == "ok":
            log.info("staff exit with the right PIN")
            self.leave()
        elif result == "wrong":
            left = self.guard.max_wrong - self.guard.wrong
            log.warning("wrong exit PIN (%d of %d)", self.guard.wrong, self.guard.max_wrong)
            if screen is not None:
                screen.say(f"Wrong PIN. {left} {'try' if left == 1 else 'tries'} left.")
        elif result == "locked":
            log.warning("exit locked for %d s after %d wrong PINs", self.guard.lock_seconds, self.guard.max_wrong)
            if screen is not None:
                screen.dismiss(None)
            self.notify("Too many wrong PINs. Staff exit is locked for a while.", severity="warning")
        return result

    def leave(self) -> None:
        self.left_by_staff = True
        self._leaving = True
        self.exit()

    # -- errors --------------------------------------------------------------------------------

    def _handle_exception(self, error: Exception) -> None:
        """Log where it broke (never what was typed) and go back to the attract screen."""
        if self._leaving or not self._running:
            return super()._handle_exception(error)  # failing to start is not something to paper over
        now = self.clock()
        self._crashes = [t for t in self._crashes if now - t < CRASH_WINDOW] + [now]
        log.error("error in the kiosk, %s at %s", type(error).__name__, where(error))
        if len(self._crashes) > MAX_CRASHES:
            log.critical("%d errors within %d s: stopping so the service can restart the kiosk", len(self._crashes), CRASH_WINDOW)
            self._leaving = True
            self._return_code = 1
            self._close_messages_no_wait()
            return
        # If the app's own loop is the one that died, nothing below runs and the process
        # ends with code 1, so that the caller starts a fresh kiosk.
        self._return_code = 1
        self.call_later(self._recover)

    def _recover(self) -> None:
        try:
            self.start_over("recovering from an error")
            self._return_code = None
        except Exception as error:  # noqa: BLE001
            log.critical("could not recover (%s at %s)", type(error).__name__, where(error))
            self._leaving = True
            self._return_code = 1
            self._close_messages_no_wait()

    # -- pack updates ------------------------------------------------------------------------

    async def check_pack_now(self) -> Update | None:
        """Look at the pack on disk; swap it in only if it passes the checks."""
        if self.watcher is None or self._checking_pack:
            return None
        self._checking_pack = True
        try:
            update = await asyncio.to_thread(self.watcher.poll)
        except Exception as error:  # noqa: BLE001 - keep the pack in use
            log.error("could not check the pack on disk (%s); keeping the one in use", type(error).__name__)
            return None
        finally:
            self._checking_pack = False
        if update is None:
            return None
        if update.pack is None:
            first = update.problems[0] if update.problems else "unknown problem"
            more = f" (and {len(update.problems) - 1} more)" if len(update.problems) > 1 else ""
            log.warning("the pack on disk changed but was not taken; keeping %s %s: %s%s",
                        self.router.pack.name, self.router.pack.version, first, more)
            for line in update.problems[1:20]:
                log.warning("  %s", line)
            return update
        self.use_pack(update.pack)
        return update

    def use_pack(self, pack) -> None:
        """New questions get the new pack at once; the screen shows its name from the next person on."""
        router = Router(pack, allow_drafts=self.allow_drafts)
        self.router = router
        if self.allow_drafts:
            self.sample_notice = pack.texts.unreviewed
        try:
            self.chat.router = router
        except LookupError:
            pass
        self.title = pack.name
        log.info("pack reloaded: %s %s, %d answers served", pack.name, pack.version, len(router.answers))
