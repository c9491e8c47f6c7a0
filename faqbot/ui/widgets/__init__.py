"""Widgets for the chat: message bubbles, pick lists and the question box."""

from .choices import ChoiceList, PickList, SuggestionList
from .messages import (
    AnswerMessage,
    Bubble,
    ClarifyMessage,
    FallbackMessage,
    PendingMessage,
    UrgentMessage,
    UserMessage,
    WelcomeMessage,
    reply_widget,
)
from .question import QuestionInput

__all__ = [
    "AnswerMessage",
    "Bubble",
    "ChoiceList",
    "ClarifyMessage",
    "FallbackMessage",
    "PendingMessage",
    "PickList",
    "QuestionInput",
    "SuggestionList",
    "UrgentMessage",
    "UserMessage",
    "WelcomeMessage",
    "reply_widget",
]
