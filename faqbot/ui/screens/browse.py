"""Every vetted question, grouped by topic, for people who would rather pick than type."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from ...pack import Answer
from ...router import Router

HEADING_PREFIX = "heading:"


def topic_of(answer: Answer, root: Path) -> str:
    """The answer's folder inside the pack, or else the first word of its id."""
    try:
        folder = answer.path.parent.relative_to(root)
    except ValueError:
        folder = Path(".")
    if folder.parts:
        return folder.parts[0]
    return answer.id.split("-", 1)[0]


def topic_title(topic: str) -> str:
    words = topic.replace("_", " ").replace("-", " ").strip()
    if len(words) <= 3:
        return words.upper()  # short names are usually abbreviations (FMD, FAQ)
    return words[:1].upper() + words[1:]


def topics(router: Router) -> list[tuple[str, list[Answer]]]:
    """Topics in the order they first appear in the pack, answers in pack order."""
    groups: dict[str, list[Answer]] = {}
    for answer in router.answers:
        groups.setdefault(topic_of(answer, router.pack.root), []).append(answer)
    return [(topic_title(name), answers) for name, answers in groups.items()]


class TopicList(OptionList):
    """Topic headings (not selectable) with their questions beneath."""


class BrowseScreen(Screen[str | None]):
    """Returns the id of the question picked, or None when closed."""

    AUTO_FOCUS = "#topics"

    BINDINGS = [
        Binding("escape,f2", "close", "Back to chat", key_display="Esc"),
    ]

    def __init__(self, router: Router) -> None:
        super().__init__()
        self.router = router

    def compose(self) -> ComposeResult:
        yield Static(Content("All questions, by topic"), markup=False, id="browse-title")
        options: list[Option | None] = []
        for number, (title, answers) in enumerate(topics(self.router)):
            if options:
                options.append(None)  # a rule between topics
            options.append(Option(Content.styled(title, "bold underline"), id=f"{HEADING_PREFIX}{number}", disabled=True))
            options.extend(Option(Content(a.question), id=a.id) for a in answers)
        with Vertical(id="browse-body"):
            if not options:
                yield Static(Content("There are no questions to show yet."), markup=False, id="browse-empty")
            yield TopicList(*options, markup=False, id="topics")
            yield Static(
                Content("↑ ↓ to move, Enter to open a question, Esc to go back to the chat."),
                markup=False,
                id="browse-hint",
            )
        yield Footer()

    def on_mount(self) -> None:
        topic_list = self.query_one(TopicList)
        first = next((i for i, o in enumerate(topic_list.options) if not o.disabled), None)
        topic_list.highlighted = first

    @on(OptionList.OptionSelected, "#topics")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id and not event.option.id.startswith(HEADING_PREFIX):
            self.dismiss(event.option.id)

    def action_close(self) -> None:
        self.dismiss(None)
