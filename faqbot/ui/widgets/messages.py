"""Message bubbles, one class per kind of reply so each looks different.

What the person typed goes in as plain text; pack texts go in as Markdown,
which shows their words exactly. Neither is ever read as Textual markup. The
labels around it ("You", "URGENT", "Sources") are the only words the app adds.
"""

from __future__ import annotations

import datetime as dt
from typing import Sequence

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Markdown, Static

from ...pack import Answer
from ...router import Reply
from .choices import ChoiceList

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)

PICK_HINT = "Press ↓ then Enter to open one, or click it."


def long_date(day: dt.date) -> str:
    """A date everyone reads the same way, whatever the machine's locale."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def plain(text: str, classes: str = "") -> Static:
    """Text shown exactly as written: brackets and all."""
    return Static(Content(text), markup=False, classes=classes)


def vetted(text: str, classes: str = "") -> Markdown:
    """A pack text: its words exactly, its Markdown (bold, lists) rendered."""
    return Markdown(text, classes=f"vetted {classes}".strip())


class Bubble(Vertical):
    """One message from the bot; the label sits in the border."""

    LABEL = ""

    def __init__(self, *children, classes: str = "") -> None:
        super().__init__(*children, classes=f"bubble {classes}".strip())
        if self.LABEL:
            self.border_title = self.LABEL


class UserMessage(Horizontal):
    """What the person asked, on the right."""

    def __init__(self, text: str) -> None:
        self.text = text
        bubble = plain(text, classes="user-bubble")
        bubble.border_title = "You"
        super().__init__(bubble)


class PendingMessage(Static):
    """Shown for the moment between asking and the reply arriving."""

    def __init__(self) -> None:
        super().__init__(Content("Looking for an answer…"), markup=False)


class WelcomeMessage(Bubble):
    LABEL = "Welcome"

    def __init__(self, text: str) -> None:
        super().__init__(vetted(text, classes="body"), classes="welcome")


class AnswerMessage(Bubble):
    """A vetted answer: what it answers, the text, its sources and its review."""

    LABEL = "Answer"

    def __init__(self, reply: Reply, related: Sequence[Answer] = ()) -> None:
        self.reply = reply
        self.related = tuple(related)
        super().__init__(classes="answer -draft" if reply.unreviewed else "answer")

    def compose(self) -> ComposeResult:
        answer = self.reply.answer
        assert answer is not None
        yield Static(
            Content.assemble(("You asked about: ", "bold"), answer.question),
            markup=False,
            classes="asked",
        )
        if self.reply.unreviewed:
            with Horizontal(classes="unreviewed"):
                yield Static(Content.styled("⚠", "bold"), markup=False, classes="mark")
                yield vetted(self.reply.unreviewed)
        yield vetted(self.reply.text, classes="body")
        if answer.sources:
            with Vertical(classes="sources"):
                yield Static(Content.styled("Sources", "bold"), markup=False)
                for source in answer.sources:
                    with Horizontal(classes="source"):
                        yield Static("•", markup=False, classes="mark")
                        yield Static(
                            Content.assemble(source.title, "\n", (source.url, "underline")),
                            markup=False,
                            classes="source-text",
                        )
        review = answer.review
        if not self.reply.unreviewed and review.reviewed is not None:
            line = f"Last reviewed {long_date(review.reviewed)}"
            if review.reviewer:
                line += f" by {review.reviewer}"
            yield plain(line, classes="reviewed")
        if self.related:
            yield Static(Content.styled("Related questions", "bold"), markup=False, classes="choices-heading")
            yield ChoiceList(self.related, classes="choices")


class ClarifyMessage(Bubble):
    """Several vetted questions fit: ask which one was meant."""

    LABEL = "Pick a question"

    def __init__(self, reply: Reply) -> None:
        self.reply = reply
        super().__init__(classes="clarify")

    def compose(self) -> ComposeResult:
        yield vetted(self.reply.text, classes="body")
        yield ChoiceList(self.reply.choices, classes="choices")
        yield plain(PICK_HINT, classes="hint")


class FallbackMessage(Bubble):
    """No vetted answer fits well enough to be shown."""

    LABEL = "No answer found"

    def __init__(self, reply: Reply) -> None:
        self.reply = reply
        super().__init__(vetted(reply.text, classes="body"), classes="fallback")


class UrgentMessage(Bubble):
    """An emergency reply: heavy border, warning colour and a written label."""

    LABEL = "⚠ URGENT ⚠"

    def __init__(self, reply: Reply) -> None:
        self.reply = reply
        super().__init__(
            Static(Content.styled(" URGENT ", "bold reverse"), markup=False, classes="urgent-label"),
            vetted(reply.text, classes="body"),
            classes="urgent",
        )


def reply_widget(reply: Reply, related: Sequence[Answer] = ()) -> Bubble:
    """The bubble for a reply, chosen only by the kind the router gave it."""
    if reply.kind == "answer" and reply.answer is not None:
        return AnswerMessage(reply, related)
    if reply.kind == "clarify" and reply.choices:
        return ClarifyMessage(reply)
    if reply.kind == "urgent":
        return UrgentMessage(reply)
    return FallbackMessage(reply)
