"""The keys, in plain words, over the chat."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

HOW_TO = (
    "Type your question in your own words and press Enter.\n"
    "While you type, questions like yours appear just above the box."
)
ZOOM = "To make the letters bigger, zoom the terminal window: usually Ctrl and + (Cmd and + on a Mac)."


def keys_table(rows: tuple[tuple[str, str], ...]) -> Content:
    width = max(len(keys) for keys, _ in rows) + 2
    lines = [Content.assemble((keys.ljust(width), "bold"), what) for keys, what in rows]
    return Content("\n").join(lines)


class HelpScreen(ModalScreen[None]):
    """Lists what every key does; Esc, F1 or q closes it."""

    BINDINGS = [
        Binding("escape,f1,q,question_mark", "close", "Close help", key_display="Esc"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box") as box:
            box.border_title = "Help"
            box.border_subtitle = "Esc closes this"
            with VerticalScroll(id="help-body"):
                yield Static(Content(HOW_TO), markup=False, classes="help-text")
                yield Static(keys_table(self.app.HELP_KEYS), markup=False, id="help-keys")
                yield Static(Content(ZOOM), markup=False, classes="help-text")

    def action_close(self) -> None:
        self.dismiss(None)
