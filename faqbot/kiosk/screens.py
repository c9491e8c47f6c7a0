"""The kiosk's own screens: the attract screen, the idle countdown and the staff PIN.

Each one swallows whatever key it is given, so a key meant to wake the kiosk
or keep a conversation going never leaks into the chat as a command.
"""

from __future__ import annotations

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from ..ui.screens import ChatScreen

SAMPLE_LABEL = "SAMPLE CONTENT - NOT REVIEWED BY A CLINICIAN"


def plain(text: str, **kwargs) -> Static:
    """Pack text is shown as written, never read as markup."""
    return Static(Content(text), markup=False, **kwargs)


class SampleBanner(Static):
    """Shown on every kiosk screen while drafts are allowed; it cannot be closed."""

    DEFAULT_CSS = """
    SampleBanner {
        dock: top;
        width: 100%;
        height: auto;
        padding: 0 1;
        background: $warning;
        color: $background;
        text-style: bold;
        text-align: center;
    }
    """

    def __init__(self, unreviewed: str) -> None:
        super().__init__(Content(f"{SAMPLE_LABEL}. {unreviewed}"), markup=False, classes="sample-banner")


class _Swallowing(ModalScreen):
    """A full-screen layer that takes every key and click for itself."""

    def banner(self) -> list[Static]:
        notice = getattr(self.app, "sample_notice", None)
        return [SampleBanner(notice)] if notice else []


class AttractScreen(_Swallowing):
    """What a passer-by sees: what to ask about, and that any key starts."""

    DEFAULT_CSS = """
    AttractScreen {
        align: center middle;
        background: $background;
    }
    #attract-box {
        width: 80%;
        max-width: 100;
        height: auto;
        padding: 2 4;
        border: double $primary;
        background: $surface;
    }
    #attract-title {
        width: 100%;
        text-align: center;
        text-style: bold;
        color: $foreground;
    }
    #attract-hint {
        width: 100%;
        margin-top: 2;
        text-align: center;
        color: $accent;
        text-style: bold;
    }
    """

    def __init__(self, pack_name: str) -> None:
        super().__init__()
        self.pack_name = pack_name

    def compose(self) -> ComposeResult:
        yield from self.banner()
        with Vertical(id="attract-box"):
            yield plain(f"Ask a question about {self.pack_name}", id="attract-title")
            yield plain("Press any key to start", id="attract-hint")

    def on_key(self, event: events.Key) -> None:
        event.stop()
        event.prevent_default()
        # A letter that woke the kiosk is the start of a question; keep it.
        letter = event.character if event.is_printable and event.character and not event.character.isspace() else None
        self.dismiss(letter)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        event.stop()
        self.dismiss(None)


class CountdownScreen(_Swallowing):
    """The last seconds before an idle kiosk wipes the conversation."""

    DEFAULT_CSS = """
    CountdownScreen {
        align: center middle;
        background: $background 70%;
    }
    #countdown-box {
        width: 60;
        max-width: 90%;
        height: auto;
        padding: 1 2;
        border: thick $warning;
        background: $surface;
    }
    #countdown-text, #countdown-hint {
        width: 100%;
        text-align: center;
        text-style: bold;
    }
    #countdown-hint { color: $accent; margin-top: 1; }
    """

    def __init__(self, seconds: int) -> None:
        super().__init__()
        self.seconds = seconds

    def compose(self) -> ComposeResult:
        yield from self.banner()
        with Vertical(id="countdown-box"):
            yield plain(self._text(), id="countdown-text")
            yield plain("Press any key to continue", id="countdown-hint")

    def _text(self) -> str:
        return f"Starting over in {self.seconds}…"

    def show_seconds(self, seconds: int) -> None:
        if seconds != self.seconds:
            self.seconds = seconds
            self.query_one("#countdown-text", Static).update(Content(self._text()))

    def on_key(self, event: events.Key) -> None:
        event.stop()
        event.prevent_default()
        self.dismiss(None)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        event.stop()
        self.dismiss(None)


class PinScreen(ModalScreen[None]):
    """Staff type the PIN here; the app decides, this screen only shows the outcome."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", show=False)]

    DEFAULT_CSS = """
    PinScreen {
        align: center middle;
        background: $background 70%;
    }
    #pin-box {
        width: 50;
        max-width: 90%;
        height: auto;
        padding: 1 2;
        border: thick $primary;
        background: $surface;
    }
    #pin-message { width: 100%; margin-top: 1; text-style: bold; color: $warning; }
    """

    def compose(self) -> ComposeResult:
        with Vertical(id="pin-box") as box:
            box.border_title = "Staff exit"
            box.border_subtitle = "Esc cancels"
            yield plain("Enter the staff PIN and press Enter.")
            yield Input(password=True, id="pin", max_length=64)
            yield plain("", id="pin-message")

    def on_mount(self) -> None:
        self.query_one("#pin", Input).focus()

    @on(Input.Submitted, "#pin")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        pin = event.value
        event.input.value = ""
        self.app.try_pin(pin, self)

    def say(self, message: str) -> None:
        self.query_one("#pin-message", Static).update(Content(message))

    def action_cancel(self) -> None:
        self.dismiss(None)


class KioskChatScreen(ChatScreen):
    """The chat, with the sample-content banner on top when drafts are allowed."""

    def compose(self) -> ComposeResult:
        notice = getattr(self.app, "sample_notice", None)
        if notice:
            yield SampleBanner(notice)
        yield from super().compose()
