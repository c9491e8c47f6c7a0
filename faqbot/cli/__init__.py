"""The `faqbot` command: a thin layer over the engine.

Each area registers its own commands; UI modules are imported only inside the
handlers that need them, so `faqbot ask` starts fast.
"""

from __future__ import annotations

import argparse
import os
import sys

from .. import __version__
from .common import CommandError, common_options, say_error

AREAS = ("pack_cmds", "app_cmds", "kiosk_cmds", "review_cmds")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one clear line, exit 2, no usage dump
        say_error(f"{message} (see 'faqbot --help')")
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    common = common_options()
    parser = _Parser(
        prog="faqbot",
        description="Answers patients' questions with clinician-vetted text only.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"faqbot {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    from importlib import import_module

    for area in AREAS:
        try:
            module = import_module(f"{__name__}.{area}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{area}":
                raise
            continue
        module.register(sub, common)
    return parser


def _command_given(argv: list[str]) -> bool:
    """Whether argv names a command; without one, `faqbot` opens the chat."""
    skip = False
    for token in argv:
        if skip:
            skip = False
            continue
        if token == "--pack":
            skip = True
            continue
        if token in ("-h", "--help", "--version"):
            return True
        if not token.startswith("-"):
            return True  # a command, or a mistake argparse will name
    return False


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices if parser._subparsers else {}
    if "chat" in commands and not _command_given(argv):
        argv = ["chat", *argv]
    args = parser.parse_args(argv)
    handler = getattr(args, "func", None)
    if handler is None:
        parser.print_help()
        return 0
    try:
        return int(handler(args) or 0)
    except CommandError as exc:
        say_error(str(exc))
        return exc.code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - a person gets one line, never a traceback
        if os.environ.get("FAQBOT_DEBUG"):
            raise
        say_error(f"unexpected {type(exc).__name__}; run again with FAQBOT_DEBUG=1 for details")
        return 70
