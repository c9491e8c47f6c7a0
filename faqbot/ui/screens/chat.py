"""The conversation: type or pick a question, read the vetted reply.

The screen only moves text around. The router decides every reply; this file
never compares a question with anything.
"""

from __future__ import annotations

from typing import Callable

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, OptionList, Static
from textual.worker import get_current_worker

from ...router import Reply, Router
from ..widgets import (
    AnswerMessage,
    ChoiceList,
    PendingMessage,
    PickList,
    QuestionInput,
    SuggestionList,
    UserMessage,
    WelcomeMessage,
    reply_widget,
)

SUGGESTIONS = 5


class Conversation(VerticalScroll, can_focus=False):
    """The messages so far, newest at the bottom.

    When the view is at the bottom it stays there as the view shrinks (the
    suggestions opening), so the newest reply is never hidden by typing.
    """

    def on_mount(self) -> None:
        self._at_end = True
        self.watch(self, "scroll_y", self._scrolled, init=False)

    def _scrolled(self, scroll_y: float) -> None:
        self._at_end = scroll_y >= self.max_scroll_y - 1

    def on_resize(self) -> None:
        self.keep_end()

    def keep_end(self) -> None:
        """Stay at the newest message after anything that changes sizes."""
        if self._at_end:
            self.call_after_refresh(self.scroll_end, animate=False, immediate=True)


class ChatScreen(Screen):
    """Welcome, the messages, suggestions while typing, and the question box."""

    AUTO_FOCUS = "#question"

    BINDINGS = [
        Binding("pageup", "scroll_conversation(-1)", "Scroll up", show=False),
        Binding("pagedown", "scroll_conversation(1)", "Scroll down", show=False),
        Binding("ctrl+home", "scroll_conversation_to(0)", "Top", show=False),
        Binding("ctrl+end", "scroll_conversation_to(1)", "Bottom", show=False),
    ]

    def __init__(self, router: Router) -> None:
        super().__init__()
        self.router = router

    # -- layout ---------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(Content(self.router.pack.name), markup=False, id="title")
        yield Conversation(id="conversation")
        suggestions = SuggestionList(id="suggestions")
        suggestions.border_title = "Questions like yours (press ↓ to choose)"
        yield suggestions
        yield QuestionInput(id="question")
        yield Footer()

    def on_mount(self) -> None:
        self.start()

    @property
    def conversation(self) -> Conversation:
        return self.query_one("#conversation", Conversation)

    @property
    def question_box(self) -> QuestionInput:
        return self.query_one("#question", QuestionInput)

    @property
    def suggestions(self) -> SuggestionList:
        return self.query_one("#suggestions", SuggestionList)

    # -- starting and wiping ---------------------------------------------------

    def start(self) -> None:
        self.conversation.mount(WelcomeMessage(self.router.pack.texts.welcome))

    def reset(self) -> None:
        """Remove every message, the typed text and the suggestions, then welcome again."""
        self.workers.cancel_group(self, "suggest")
        self.question_box.value = ""
        self._show_suggestions([])
        self.conversation.remove_children()
        self.start()
        self.question_box.focus()

    # -- asking ------------------------------------------------------------------

    @on(QuestionInput.Submitted, "#question")
    def _submitted(self, event: QuestionInput.Submitted) -> None:
        self.ask(event.value)

    def ask(self, question: str) -> None:
        """Show the question and route it off the UI thread."""
        question = question.strip()
        if not question:
            return
        self.question_box.value = ""
        self._show_suggestions([])
        self._converse(question, lambda: self.router.route(question))

    def open_answer(self, answer_id: str) -> None:
        """Show a picked question (choice, suggestion or topic) and its answer."""
        answer = self.router.pack.by_id().get(answer_id)
        shown = answer.question if answer is not None else answer_id
        self.question_box.value = ""
        self._show_suggestions([])
        self.question_box.focus()
        self._converse(shown, lambda: self.router.open(answer_id))

    def _converse(self, shown: str, get_reply: Callable[[], Reply]) -> None:
        asked = UserMessage(shown)
        pending = PendingMessage()
        self.conversation.mount_all([asked, pending])
        self.conversation.scroll_end(animate=False)
        self._fetch_reply(get_reply, asked, pending)

    @work(thread=True, group="route", exit_on_error=False)
    def _fetch_reply(self, get_reply: Callable[[], Reply], asked: UserMessage, pending: PendingMessage) -> None:
        try:
            reply = get_reply()
        except Exception:  # noqa: BLE001 - the person still gets a vetted reply
            reply = Reply("fallback", self.router.pack.texts.fallback)
        self.app.call_from_thread(self._show_reply, reply, asked, pending)

    async def _show_reply(self, reply: Reply, asked: UserMessage, pending: PendingMessage) -> None:
        if not pending.is_attached:
            return  # the conversation was wiped while this reply was on its way
        related = self.router.related(reply.answer) if reply.kind == "answer" and reply.answer else []
        bubble = reply_widget(reply, related)
        await self.conversation.mount(bubble, after=pending)
        await pending.remove()
        self.call_after_refresh(self._follow, asked, bubble)

    def _follow(self, asked: Widget, bubble: Widget) -> None:
        """Keep the newest exchange in view, from the question down when it is long."""
        conversation = self.conversation
        if not bubble.is_attached:
            return
        top = asked.virtual_region.y
        bottom = bubble.virtual_region.bottom
        if bottom - top <= conversation.scrollable_content_region.height:
            conversation.scroll_end(animate=False)
        else:
            conversation.scroll_to(y=top, animate=False)

    # -- suggestions while typing -----------------------------------------------

    @on(QuestionInput.Changed, "#question")
    def _typed(self, event: QuestionInput.Changed) -> None:
        self._suggest(event.value)

    @work(thread=True, group="suggest", exclusive=True, exit_on_error=False)
    def _suggest(self, partial: str) -> None:
        try:
            found = self.router.suggest(partial, limit=SUGGESTIONS)
        except Exception:  # noqa: BLE001 - suggestions are a convenience; never fail on them
            found = []
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_suggestions, found, partial)

    def _show_suggestions(self, answers, partial: str | None = None) -> None:
        if partial is not None and partial != self.question_box.value:
            return  # typing has moved on; a newer update is coming
        suggestions = self.suggestions
        suggestions.show_answers(answers)
        suggestions.display = bool(answers)
        if not answers and suggestions.has_focus:
            self.question_box.focus()

    # -- moving between the box and the lists ------------------------------------

    @on(QuestionInput.GoDown)
    def _go_down(self) -> None:
        if self.suggestions.display and self.suggestions.option_count:
            self.suggestions.focus()
            return
        latest = self.latest_choices()
        if latest is not None:
            latest.focus()
            latest.scroll_visible(animate=False)
        else:
            self.conversation.scroll_down(animate=False)

    @on(QuestionInput.Dismiss)
    def _dismiss(self) -> None:
        self._show_suggestions([])

    @on(PickList.Leave)
    def _leave_list(self, event: PickList.Leave) -> None:
        box = self.question_box
        box.focus()
        if event.character:
            box.insert_text_at_cursor(event.character)

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        if isinstance(event.option_list, (ChoiceList, SuggestionList)) and event.option.id:
            event.stop()
            self.open_answer(event.option.id)

    def latest_choices(self) -> ChoiceList | None:
        lists = list(self.conversation.query(ChoiceList))
        return lists[-1] if lists else None

    # -- scrolling ---------------------------------------------------------------

    def action_scroll_conversation(self, direction: int) -> None:
        if direction < 0:
            self.conversation.scroll_page_up(animate=False)
        else:
            self.conversation.scroll_page_down(animate=False)

    def action_scroll_conversation_to(self, end: int) -> None:
        if end:
            self.conversation.scroll_end(animate=False)
        else:
            self.conversation.scroll_home(animate=False)

    # -- what tests and subclasses may read ------------------------------------------

    def messages(self) -> list[Widget]:
        return list(self.conversation.children)

    def last_reply(self) -> Widget | None:
        replies = [w for w in self.conversation.children if not isinstance(w, (UserMessage, PendingMessage))]
        return replies[-1] if replies else None

    def last_answer(self) -> AnswerMessage | None:
        answers = list(self.conversation.query(AnswerMessage))
        return answers[-1] if answers else None
