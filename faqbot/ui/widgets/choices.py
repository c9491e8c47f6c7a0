"""Lists of vetted questions to pick from: choices in a reply, and suggestions.

Options show the question as plain text (never markup) and carry the answer id,
so picking one asks the router for that exact answer.
"""

from __future__ import annotations

from typing import Iterable

from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ...pack import Answer


class PickList(OptionList):
    """An option list that hands the keyboard back to the question box.

    Up on the first option, Escape, or typing a letter returns to the box, so
    nobody gets stuck in a list they did not mean to enter.
    """

    BINDINGS = [
        Binding("escape", "leave", "Back to typing", show=False),
        Binding("up", "cursor_up", "Up", show=False),
    ]

    class Leave(Message):
        """Return focus to the question box, carrying any character typed."""

        def __init__(self, pick_list: "PickList", character: str | None = None) -> None:
            super().__init__()
            self.pick_list = pick_list
            self.character = character

    def __init__(self, answers: Iterable[Answer] = (), **kwargs) -> None:
        super().__init__(*self._as_options(answers), markup=False, **kwargs)
        self.highlighted = None

    @staticmethod
    def _as_options(answers: Iterable[Answer]) -> list[Option]:
        return [Option(Content.assemble(("▸ ", "bold"), answer.question), id=answer.id) for answer in answers]

    def show_answers(self, answers: Iterable[Answer]) -> None:
        self.set_options(self._as_options(answers))
        self.highlighted = 0 if self.has_focus and self.option_count else None

    def on_focus(self) -> None:
        if self.highlighted is None and self.option_count:
            self.highlighted = 0

    def on_blur(self) -> None:
        # A highlight on a list you are not in looks like a choice already made.
        self.highlighted = None

    def action_cursor_up(self) -> None:
        if self.highlighted in (None, 0):
            self.post_message(self.Leave(self))
        else:
            super().action_cursor_up()

    def action_leave(self) -> None:
        self.post_message(self.Leave(self))

    def on_key(self, event: events.Key) -> None:
        if event.is_printable and event.character not in (None, "?"):
            event.stop()
            event.prevent_default()
            self.post_message(self.Leave(self, event.character))


class ChoiceList(PickList):
    """Vetted questions offered in a reply: "did you mean" or related questions."""


class SuggestionList(PickList):
    """The few vetted questions that fit what is being typed, above the box."""
