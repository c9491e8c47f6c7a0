"""`faqbot chat`: the terminal chat (also what plain `faqbot` opens)."""

from __future__ import annotations

import argparse

from .common import CommandError, drafts_option, log_options, open_router


def register(sub, common: argparse.ArgumentParser) -> None:
    chat = sub.add_parser(
        "chat",
        parents=[common],
        help="open the chat in this terminal (the default)",
        description="Open the chat: type a question, read the vetted answer.",
    )
    drafts_option(chat)
    log_options(chat)
    chat.add_argument("--high-contrast", action="store_true", help="start with high-contrast colours (F4 toggles)")
    chat.add_argument("--large-text", action="store_true", help="start with larger, bolder text (F3 toggles)")
    chat.set_defaults(func=run_chat)


def run_chat(args: argparse.Namespace) -> int:
    router = open_router(args)
    if not router.answers:
        hint = "" if args.allow_drafts else ", or add --allow-drafts to try the drafts"
        raise CommandError(
            "no answer in this pack can be shown today (drafts, retired or past review); "
            f"run 'faqbot check' to see why{hint}"
        )
    from ..ui.app import FaqApp  # the terminal UI loads only when it is used

    FaqApp(router, high_contrast=args.high_contrast, large_text=args.large_text).run()
    return 0
