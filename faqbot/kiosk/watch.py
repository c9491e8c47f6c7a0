"""Noticing that the pack on disk changed, and taking it only if it passes the gate.

Polling file times costs nothing at kiosk scale and needs no extra package;
a half-copied or unapproved pack is refused and the one in use is kept.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..pack import SETTINGS_FILE, Pack, answer_files
from .gate import open_checked

log = logging.getLogger("faqbot.kiosk")


def signature(folder: Path) -> tuple:
    """What changes whenever a pack file is added, removed, or rewritten."""
    folder = Path(folder)
    entries = []
    for path in [folder / SETTINGS_FILE, *answer_files(folder)]:
        try:
            stat = path.stat()
        except OSError:
            entries.append((str(path), None, None))
            continue
        entries.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(sorted(entries, key=lambda e: e[0]))


@dataclass(frozen=True)
class Update:
    """The outcome of one look at a changed pack: a new pack, or why not."""

    pack: Pack | None
    problems: tuple[str, ...] = ()


class PackWatcher:
    """Remembers the pack files as last taken, and checks them again when they change."""

    def __init__(self, folder: Path, allow_drafts: bool = False, today: Callable[[], dt.date] = dt.date.today):
        self.folder = Path(folder)
        self.allow_drafts = allow_drafts
        self.today = today
        self.seen = self._signature()

    def _signature(self) -> tuple:
        try:
            return signature(self.folder)
        except OSError:
            return ("unreadable",)

    def poll(self) -> Update | None:
        """None when nothing changed; else an Update. Slow (loads the pack): run it off the UI thread."""
        before = self._signature()
        if before == self.seen:
            return None
        pack, problems = open_checked(self.folder, self.allow_drafts, self.today())
        after = self._signature()
        if after != before:
            # Still being copied: look again at the next poll rather than judge a half-written pack.
            return Update(None, ("pack files changed while being read; will look again",))
        self.seen = after
        return Update(pack, tuple(problems))
