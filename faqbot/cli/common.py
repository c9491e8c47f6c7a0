"""What every command shares: the --pack option, loading, and one-line errors."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..pack import Pack, PackError, default_pack_dir, load_pack


class CommandError(Exception):
    """A problem to report as one line and exit code."""

    def __init__(self, message: str, code: int = 2):
        super().__init__(message)
        self.code = code


def common_options() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--pack",
        metavar="DIR",
        type=Path,
        default=argparse.SUPPRESS,  # so a value given before the command survives it
        help="answer pack folder (default: $FAQBOT_PACK, else the bundled pack)",
    )
    return common


def drafts_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--allow-drafts",
        action="store_true",
        help="also serve draft answers, each marked as not yet reviewed",
    )


def log_options(parser: argparse.ArgumentParser) -> None:
    """The switch that turns on the question log and audit trail (off by default)."""
    parser.add_argument(
        "--log-questions",
        action="store_true",
        help="record unanswered questions (redacted) and an audit trail of replies",
    )
    parser.add_argument("--log-db", metavar="FILE", type=Path, help="log database (default: $FAQBOT_LOG_DB or ./faqbot-log.sqlite3)")
    parser.add_argument("--log-retention-days", metavar="N", type=int, default=90, help="delete log rows older than N days (default 90)")


def open_recorder(args: argparse.Namespace):
    """A recorder when the deployment asked for one, else None: nothing is kept."""
    if not getattr(args, "log_questions", False):
        return None
    from ..qlog import open_recorder as open_log

    if args.log_retention_days < 1:
        raise CommandError("--log-retention-days must be at least 1")
    return open_log(args.log_db, retention_days=args.log_retention_days)


def pack_dir(args: argparse.Namespace, positional: Path | None = None) -> Path:
    chosen = positional or getattr(args, "pack", None) or os.environ.get("FAQBOT_PACK")
    return Path(chosen) if chosen else default_pack_dir()


def open_pack(args: argparse.Namespace, positional: Path | None = None) -> Pack:
    """Load the pack or raise CommandError with its first problem and a count."""
    folder = pack_dir(args, positional)
    try:
        return load_pack(folder)
    except PackError as exc:
        first = exc.problems[0]
        more = len(exc.problems) - 1
        tail = f" (and {more} more; run 'faqbot check' to list them)" if more else ""
        raise CommandError(f"cannot load pack: {first.where}: {first.message}{tail}") from None


def open_router(args: argparse.Namespace):
    from ..router import Router

    return Router(
        open_pack(args),
        allow_drafts=getattr(args, "allow_drafts", False),
        recorder=open_recorder(args),
    )


def say_error(message: str) -> None:
    print(f"faqbot: error: {message}", file=sys.stderr)
