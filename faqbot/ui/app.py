"""The chat application: screens, keys and look around a Router.

Kept small so other front ends can subclass it: keys live in `BINDINGS` and
`HELP_KEYS`, the look in faqbot.tcss, and `reset_conversation()` wipes
everything a person typed or was shown.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.screen import Screen

from ..router import Router
from .screens import BrowseScreen, ChatScreen, HelpScreen
from .themes import CALM, HIGH_CONTRAST, THEMES


class FaqApp(App[None], inherit_bindings=False):
    """A calm chat that answers only with the pack's vetted text."""

    # Absolute, so a subclass defined in another folder still finds the look.
    CSS_PATH = Path(__file__).with_name("faqbot.tcss")
    ENABLE_COMMAND_PALETTE = False

    BINDINGS = [
        Binding("f1", "help", "Help", key_display="F1"),
        Binding("question_mark", "help_key", "Help", show=False),
        Binding("f2", "topics", "Topics", key_display="F2"),
        Binding("f3", "toggle_large_text", "Larger text", key_display="F3"),
        Binding("f4", "toggle_high_contrast", "Contrast", key_display="F4"),
        Binding("f5", "start_again", "Start again", show=False, key_display="F5"),
        Binding("ctrl+q", "quit", "Quit", key_display="Ctrl+Q", priority=True),
        Binding("ctrl+c", "help_quit", show=False, system=True),
    ]

    HELP_KEYS: tuple[tuple[str, str], ...] = (
        ("Enter", "Ask your question, or open the highlighted one"),
        ("↓  ↑", "Move into and through the lists of questions"),
        ("Esc", "Leave a list, or hide the suggestions"),
        ("Tab", "Move between the box and the lists"),
        ("PgUp  PgDn", "Scroll the conversation"),
        ("F1  or  ?", "Open or close this help (? works outside the box)"),
        ("F2", "See every question, by topic"),
        ("F3", "Larger, bolder text on or off"),
        ("F4", "High-contrast colours on or off"),
        ("F5", "Clear the conversation and start again"),
        ("Ctrl+Q", "Quit"),
    )

    def __init__(self, router: Router, high_contrast: bool = False, large_text: bool = False) -> None:
        super().__init__()
        self.router = router
        self.title = router.pack.name
        for theme in THEMES:
            self.register_theme(theme)
        self.high_contrast = high_contrast
        self.large_text = large_text
        self.apply_look()

    def get_default_screen(self) -> Screen:
        return ChatScreen(self.router)

    @property
    def chat(self) -> ChatScreen:
        """The conversation screen, wherever it sits in the screen stack."""
        for screen in self.screen_stack:
            if isinstance(screen, ChatScreen):
                return screen
        raise LookupError("no chat screen")

    # -- look --------------------------------------------------------------------

    def apply_look(self) -> None:
        """Set colours and text size from `high_contrast` and `large_text`."""
        self.theme = HIGH_CONTRAST.name if self.high_contrast else CALM.name
        self.set_class(self.high_contrast, "-high-contrast")
        self.set_class(self.large_text, "-large-text")
        if self.is_running:
            try:
                self.chat.conversation.keep_end()
            except (LookupError, NoMatches):
                pass  # no chat on screen yet: nothing to keep in view

    def action_toggle_high_contrast(self) -> None:
        self.high_contrast = not self.high_contrast
        self.apply_look()
        self.notify("High contrast on" if self.high_contrast else "High contrast off", timeout=3)

    def action_toggle_large_text(self) -> None:
        self.large_text = not self.large_text
        self.apply_look()
        self.notify("Larger text on" if self.large_text else "Larger text off", timeout=3)

    # -- help and topics ------------------------------------------------------------

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)
        else:
            self.push_screen(HelpScreen())

    def action_help_key(self) -> None:
        self.action_help()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # "?" belongs to the question box while someone is typing there.
        if action == "help_key":
            return self.focused is None or self.focused.id != "question"
        return True

    def action_topics(self) -> None:
        if isinstance(self.screen, BrowseScreen):
            self.screen.dismiss(None)
            return
        self._back_to_chat()
        self.push_screen(BrowseScreen(self.router), self._topic_picked)

    def _topic_picked(self, answer_id: str | None) -> None:
        if answer_id:
            self.chat.open_answer(answer_id)

    def _back_to_chat(self) -> None:
        while not isinstance(self.screen, ChatScreen) and len(self.screen_stack) > 1:
            self.pop_screen()

    # -- wiping -----------------------------------------------------------------------

    def reset_conversation(self) -> None:
        """Forget everything shown or typed and start again from the welcome."""
        self._back_to_chat()
        self.chat.reset()

    def action_start_again(self) -> None:
        self.reset_conversation()
