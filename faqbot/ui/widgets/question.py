"""The box where a question is typed."""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input

from ...text import MAX_QUESTION_CHARS


class QuestionInput(Input):
    """A one-line box; Down moves into the suggestions or the latest choices.

    Pasted text keeps all its lines (joined by spaces) and is cut to fit,
    rather than being refused whole for being too long.
    """

    BINDINGS = [
        Binding("down", "go_down", "Choices", show=False),
        Binding("escape", "dismiss", "Hide suggestions", show=False),
        # The box itself never scrolls, so these fall through to the conversation;
        # listed here only so the footer can name them.
        Binding("pagedown", "page_down", "Scroll", key_display="PgUp/PgDn"),
    ]

    class GoDown(Message):
        """The person wants to move from typing into a list of questions."""

    class Dismiss(Message):
        """The person wants the suggestions out of the way."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("placeholder", "Type your question here, then press Enter")
        # The router reads no more than this, so a longer box would only hide text it ignores.
        kwargs.setdefault("max_length", MAX_QUESTION_CHARS)
        super().__init__(**kwargs)

    def replace(self, text: str, start: int, end: int) -> None:
        if self.max_length:
            start, end = sorted((max(0, start), min(len(self.value), end)))
            room = self.max_length - (len(self.value) - (end - start))
            text = text[: max(room, 0)]
        super().replace(text, start, end)

    def _on_paste(self, event: events.Paste) -> None:
        event.stop()
        event.prevent_default()  # the base box would keep only the first line
        text = " ".join(event.text.split())
        if text:
            selection = self.selection
            if selection.is_empty:
                self.insert_text_at_cursor(text)
            else:
                self.replace(text, *selection)

    def action_go_down(self) -> None:
        self.post_message(self.GoDown())

    def action_dismiss(self) -> None:
        self.post_message(self.Dismiss())
