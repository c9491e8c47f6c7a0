"""Screens: the chat, the help over it, and the topic list."""

from .browse import BrowseScreen
from .chat import ChatScreen
from .help import HelpScreen

__all__ = ["BrowseScreen", "ChatScreen", "HelpScreen"]
