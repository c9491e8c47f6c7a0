"""The question log and audit trail, kept only when a deployment turns them on.

Two tables in one SQLite file:

* `questions`: questions the pack could not answer (fallback) or could only
  guess at (clarify), with anything that looks like it identifies a person
  replaced by a token first. They show which answers the pack still lacks.
* `served`: one row per reply shown, never with the question: the kind, the
  answer id and a fingerprint of the exact text, so a safety officer can tell
  what a patient could have seen on any day.

The log must never cost a patient a reply: every failure becomes a warning
without the patient's words, and writes are one short transaction with a short
busy timeout.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import re
import sqlite3
import threading
import time
from pathlib import Path
from typing import Callable

from .pack import normalize_text
from .text import STOPWORDS, clean

log = logging.getLogger(__name__)

ENV_VAR = "FAQBOT_LOG_DB"
DEFAULT_DB_NAME = "faqbot-log.sqlite3"
DEFAULT_DB_PATH = Path(os.environ.get(ENV_VAR) or DEFAULT_DB_NAME)
DEFAULT_RETENTION_DAYS = 90
BUSY_TIMEOUT_MS = 250          # how long a reply may wait on a locked log, at most
PURGE_EVERY_SECONDS = 24 * 3600
REOPEN_AFTER_SECONDS = 60.0    # after a failed open, try again no sooner than this
WARN_EVERY_SECONDS = 60.0      # repeat failures are summarised, not logged one by one
MAX_LOGGED_CHARS = 300
LOGGED_KINDS = ("fallback", "clarify")
SCHEMA_VERSION = "1"

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS questions (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    outcome TEXT NOT NULL,
    question TEXT NOT NULL,
    best_id TEXT,
    best_score REAL,
    pack_version TEXT
);
CREATE INDEX IF NOT EXISTS questions_at ON questions (at);
CREATE TABLE IF NOT EXISTS served (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    answer_id TEXT,
    fingerprint TEXT NOT NULL,
    unreviewed INTEGER NOT NULL DEFAULT 0,
    choices TEXT,
    pack_version TEXT
);
CREATE INDEX IF NOT EXISTS served_at ON served (at);
"""


def default_db_path() -> Path:
    """The log file a deployment gets unless it names one: $FAQBOT_LOG_DB, else in the current folder."""
    return Path(os.environ.get(ENV_VAR) or DEFAULT_DB_NAME)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def stamp(moment: dt.datetime) -> str:
    """UTC, to the second, in a form that sorts and compares as text."""
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def text_fingerprint(text: str) -> str:
    """The fingerprint of a system text, in the same form as an answer's."""
    return "sha256:" + hashlib.sha256(normalize_text(text).encode("utf-8")).hexdigest()


# --- Redaction ---------------------------------------------------------------

_UNITS = r"(?:mg|mcg|µg|ug|g|kg|ml|l|iu|units?|mmol|%|tabs?|tablets?|pills?|capsules?|caps?|drops?|puffs?|doses?|times|x)(?!\w)"
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?"
_ORDINAL_WORDS = (
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth "
    "fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth thirtieth"
).split()
_ORDINAL = (
    r"(?:(?:twenty|thirty)[\s-](?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)|"
    + "|".join(_ORDINAL_WORDS) + ")"
)
_YEAR = r"(?:(?:19|20)\d{2}|'\d{2})"
_STREET = (
    r"(?:street|st|road|rd|avenue|ave|lane|ln|boulevard|blvd|drive|court|ct|crescent|terrace|"
    r"highway|hwy|parkway|pkwy|square|gardens|grove)"
)
_NOT_IN_STREET_NAME = STOPWORDS | frozenset(
    """
    before after then when while every each per hours hour hrs hr minutes minute mins min days day
    weeks week months month years year times time miles mile km tablets tablet pills pill mg ml dose
    doses long short far away
    """.split()
)


def _street(match: re.Match) -> str:
    between = match.group(1).lower().split()
    if any(word.strip(".'-") in _NOT_IN_STREET_NAME for word in between):
        return match.group(0)
    return "[address]"


def _digit_total(low: int, high: int, token: str) -> Callable[[re.Match], str]:
    """Replace a match with `token` only when its digit count is in range."""

    def replace(match: re.Match) -> str:
        digits = sum(ch.isdigit() for ch in match.group(0))
        return token if low <= digits <= high else match.group(0)

    return replace


_UNIT_NEXT = re.compile(r"\s*" + _UNITS, re.IGNORECASE)


def _long_number(match: re.Match) -> str:
    word = match.group(0)
    if sum(ch.isdigit() for ch in word) < 5:
        return word
    if re.fullmatch(r"\d+" + _UNITS, word, re.IGNORECASE) or _UNIT_NEXT.match(match.string, match.end()):
        return word  # a dose such as 50000iu or 10000 units
    return "[number]"


_I = re.IGNORECASE
REDACTIONS: tuple[tuple[re.Pattern, object], ...] = (
    (re.compile(r"[^\s@<>()\[\],;:\"']+@[^\s@<>()\[\],;:\"']*[^\W_]"), "[email]"),
    (re.compile(r"\b(?:https?://|www\.)\S+", _I), "[link]"),
    (re.compile(r"\b(my name is|i am called|i'm called|name's)\s+[^\W\d_][\w'-]*(?:\s+(?-i:[A-Z])[\w'-]*)?", _I), r"\1 [name]"),
    (re.compile(r"\b((?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Doctor|Nurse)\.?)\s+[A-Z][a-z][\w'-]*(?:\s+[A-Z][a-z][\w'-]*)?"), r"\1 [name]"),
    # Identifiers with a fixed shape: social security, card, ZIP+4.
    (re.compile(r"\b\d{3}-\d{2}-\d{4}\b"), "[number]"),
    (re.compile(r"\b\d{4}(?:[\s-]?\d{4}){2}[\s-]?\d{1,4}\b"), "[number]"),
    (re.compile(r"\b\d{5}-\d{4}\b"), "[number]"),
    # Dates, numeric and in words.
    (re.compile(r"\b\d{1,4}([/.\-])\d{1,2}\1\d{2,4}\b"), "[date]"),
    (re.compile(rf"\b(?:{_DAY}|{_ORDINAL})\s+(?:of\s+)?{_MONTH}\b\.?(?:,?\s+{_YEAR}\b)?", _I), "[date]"),
    (re.compile(rf"\b{_MONTH}\b\.?\s+(?:the\s+)?(?:{_DAY}|{_ORDINAL})\b(?:,?\s+{_YEAR}\b)?", _I), "[date]"),
    (re.compile(rf"\b{_MONTH}\b\.?,?\s+(?:of\s+)?(?:19|20)\d{{2}}\b", _I), "[date]"),
    # Phone numbers: international, North American, UK and other grouped forms.
    (re.compile(r"(?<![\w+])\+\d[\d\s().\-]{5,}\d(?!\d)"), _digit_total(7, 15, "[phone]")),
    (re.compile(r"(?<![\w+])(?:1[\s.\-]?)?(?:\(\d{3}\)|\d{3})[\s.\-]?\d{3}[\s.\-]?\d{4}\b"), "[phone]"),
    (re.compile(r"\b0\d{2,4}[\s.\-]?\d{3,4}[\s.\-]?\d{3,4}\b"), "[phone]"),
    (re.compile(rf"\b\d{{2,5}}(?:[\s.\-]\d{{2,5}}){{2,5}}\b(?!\s*{_UNITS})", _I), _digit_total(7, 15, "[phone]")),
    (re.compile(rf"\b\d{{3}}[.\-]\d{{4}}\b(?!\s*{_UNITS})", _I), "[phone]"),
    # Places: UK postcodes (inward letters never C, I, K, M, O or V, so "B12 1mg" stays) and street addresses.
    (re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[ABD-HJLNP-UW-Z]{2}\b", _I), "[postcode]"),
    (re.compile(rf"\b\d{{1,5}}[a-z]?\s+((?:[a-z][\w'.-]*\s+){{1,3}}){_STREET}\b\.?", _I), _street),
    # Anything else with five or more digits: record numbers, ZIP codes, account numbers.
    (re.compile(r"\b[^\W_]*\d[^\W_]*\b"), _long_number),
)


def redact(text: str) -> str:
    """Replace what could identify a person with tokens such as [email] and [date].

    This finds identifiers with a recognisable shape. It cannot find names or
    descriptions reliably, which is why the log is off unless turned on.
    """
    text = clean(text)
    for pattern, replacement in REDACTIONS:
        text = pattern.sub(replacement, text)
    return text[:MAX_LOGGED_CHARS]


# --- Writing -----------------------------------------------------------------


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(
        str(path),
        timeout=BUSY_TIMEOUT_MS / 1000,
        isolation_level=None,
        check_same_thread=False,
    )
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        try:
            conn.execute("PRAGMA journal_mode = WAL")
        except sqlite3.Error:
            pass  # some file systems cannot share memory; the default journal still works
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA secure_delete = ON")  # deleted questions are overwritten, not left in free pages
        conn.executescript(SCHEMA)
        conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', ?)", (SCHEMA_VERSION,))
    except BaseException:
        conn.close()
        raise
    return conn


class Recorder:
    """Writes what the router served to the log; the `recorder=` of a Router."""

    def __init__(
        self,
        path: Path | str,
        retention_days: int = DEFAULT_RETENTION_DAYS,
        clock: Callable[[], dt.datetime] = utc_now,
    ):
        if not isinstance(retention_days, int) or isinstance(retention_days, bool) or not 1 <= retention_days <= 3650:
            raise ValueError("retention_days must be a whole number from 1 to 3650")
        self.path = Path(path)
        self.retention_days = retention_days
        self.clock = clock
        self.last_error: str | None = None
        self.failures = 0
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        self._next_open = 0.0
        self._last_purge = 0.0
        self._last_warning = -WARN_EVERY_SECONDS
        self._quiet_failures = 0
        with self._lock:
            self._ensure_open()

    @property
    def healthy(self) -> bool:
        """Whether the last attempt to open or write the log worked."""
        return self._conn is not None and self.last_error is None

    def record(self, question: str | None, reply, pack) -> None:
        """Log one served reply; never raises, never keeps the patient waiting long."""
        if not self._lock.acquire(timeout=BUSY_TIMEOUT_MS / 1000):
            self._failed("another write is still in progress")
            return
        try:
            conn = self._ensure_open()
            if conn is None:
                return
            now = stamp(self.clock())
            rows = self._rows(question, reply, pack, now)
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.execute(
                    "INSERT INTO served (at, kind, answer_id, fingerprint, unreviewed, choices, pack_version) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    rows[0],
                )
                if rows[1] is not None:
                    conn.execute(
                        "INSERT INTO questions (at, outcome, question, best_id, best_score, pack_version) "
                        "VALUES (?, ?, ?, ?, ?, ?)",
                        rows[1],
                    )
                conn.execute("COMMIT")
            except BaseException:
                try:
                    conn.execute("ROLLBACK")
                except Exception:  # noqa: BLE001 - the first failure is the one worth reporting
                    pass
                raise
            self.last_error = None
            if time.monotonic() - self._last_purge >= PURGE_EVERY_SECONDS:
                self._purge(conn)
        except Exception as exc:  # noqa: BLE001 - the reply matters more than the log
            self._failed(_describe(exc))
        finally:
            self._lock.release()

    @staticmethod
    def _rows(question: str | None, reply, pack, now: str):
        answer = getattr(reply, "answer", None)
        kind = reply.kind
        version = getattr(pack, "version", None)
        if kind == "answer" and answer is not None:
            answer_id, fp = answer.id, answer.fingerprint
        else:
            answer_id, fp = None, text_fingerprint(reply.text)
        choices = ",".join(a.id for a in getattr(reply, "choices", ())) or None
        served = (now, kind, answer_id, fp, int(getattr(reply, "unreviewed", None) is not None), choices, version)
        asked = None
        if question is not None and kind in LOGGED_KINDS:
            candidates = getattr(reply, "candidates", ()) or ()
            best_id = candidates[0].answer.id if candidates else None
            best_score = round(float(candidates[0].score), 4) if candidates else None
            text = redact(question)
            if text:
                asked = (now, kind, text, best_id, best_score, version)
        return served, asked

    def purge(self) -> int:
        """Delete rows older than the retention period now; returns how many went."""
        with self._lock:
            conn = self._ensure_open()
            if conn is None:
                return 0
            try:
                return self._purge(conn)
            except Exception as exc:  # noqa: BLE001
                self._failed(_describe(exc))
                return 0

    def _purge(self, conn: sqlite3.Connection) -> int:
        cutoff = stamp(self.clock() - dt.timedelta(days=self.retention_days))
        removed = delete_before(conn, cutoff, tables=("questions", "served"))
        self._last_purge = time.monotonic()
        return removed

    def _ensure_open(self) -> sqlite3.Connection | None:
        if self._conn is not None:
            return self._conn
        if time.monotonic() < self._next_open:
            return None
        try:
            self._conn = _connect(self.path)
            self._purge(self._conn)
            self.last_error = None
        except Exception as exc:  # noqa: BLE001
            if self._conn is not None:
                self._conn.close()
            self._conn = None
            self._next_open = time.monotonic() + REOPEN_AFTER_SECONDS
            self._failed(_describe(exc))
        return self._conn

    def _failed(self, reason: str) -> None:
        """Warn without the patient's words, at most once a minute."""
        self.failures += 1
        self.last_error = reason
        now = time.monotonic()
        if now - self._last_warning < WARN_EVERY_SECONDS:
            self._quiet_failures += 1
            return
        extra = f" ({self._quiet_failures} more since the last warning)" if self._quiet_failures else ""
        log.warning("question log %s not written: %s; replies are unaffected%s", self.path, reason, extra)
        self._last_warning = now
        self._quiet_failures = 0

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                try:
                    self._conn.close()
                finally:
                    self._conn = None

    def __enter__(self) -> "Recorder":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _describe(exc: BaseException) -> str:
    """A failure in words that can never hold the patient's question."""
    if isinstance(exc, (sqlite3.Error, OSError)):
        return f"{type(exc).__name__}: {exc}"
    return type(exc).__name__


def open_recorder(path: Path | str | None = None, retention_days: int = DEFAULT_RETENTION_DAYS) -> Recorder:
    """The recorder for a deployment that turned logging on; never raises for an unwritable file."""
    return Recorder(default_db_path() if path is None else path, retention_days=retention_days)


# --- Reading -------------------------------------------------------------------


class LogError(Exception):
    """The log cannot be read; the message is one line for the command."""


def open_existing(path: Path | str, write: bool = False) -> sqlite3.Connection:
    """Open a log that must already exist; reading never creates a file."""
    path = Path(path)
    if not path.is_file():
        raise LogError(f"no question log at {path} (logging is off unless a deployment turns it on)")
    mode = "rw" if write else "ro"
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode={mode}", uri=True, timeout=2.0)
        conn.row_factory = sqlite3.Row
        if write:
            conn.execute("PRAGMA secure_delete = ON")
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.Error as exc:
        raise LogError(f"cannot read question log {path}: {exc}") from None
    if not {"questions", "served"} <= tables:
        conn.close()
        raise LogError(f"{path} is not a faqbot question log")
    return conn


def _range(since: dt.date | None, until: dt.date | None) -> tuple[str, list[str]]:
    where, args = [], []
    if since is not None:
        where.append("at >= ?")
        args.append(since.isoformat())
    if until is not None:
        where.append("at < ?")
        args.append((until + dt.timedelta(days=1)).isoformat())
    return (" WHERE " + " AND ".join(where)) if where else "", args


def read_questions(conn: sqlite3.Connection, since: dt.date | None = None, until: dt.date | None = None) -> list[dict]:
    where, args = _range(since, until)
    rows = conn.execute(
        f"SELECT at, outcome, question, best_id, best_score, pack_version FROM questions{where} ORDER BY at, id", args
    )
    return [dict(row) for row in rows]


def read_served(conn: sqlite3.Connection, since: dt.date | None = None, until: dt.date | None = None) -> list[dict]:
    """The audit trail, oldest first; `until` includes that whole day."""
    where, args = _range(since, until)
    rows = conn.execute(
        f"SELECT at, kind, answer_id, fingerprint, unreviewed, choices, pack_version FROM served{where} ORDER BY at, id",
        args,
    )
    return [dict(row) for row in rows]


def delete_before(conn: sqlite3.Connection, cutoff: str, tables=("questions",)) -> int:
    """Delete rows stamped before `cutoff` (a stamp or a YYYY-MM-DD date)."""
    removed = 0
    with conn:
        for table in tables:
            if table not in ("questions", "served"):
                raise ValueError(table)
            removed += conn.execute(f"DELETE FROM {table} WHERE at < ?", (cutoff,)).rowcount
    if removed:
        try:  # old copies of deleted pages can linger in the write-ahead file until it is emptied
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error:
            pass
    return removed


def purge_before(path: Path | str, day: dt.date) -> int:
    """Delete logged questions from before `day`; returns how many."""
    conn = open_existing(path, write=True)
    try:
        return delete_before(conn, day.isoformat())
    except sqlite3.Error as exc:
        raise LogError(f"cannot purge question log {path}: {exc}") from None
    finally:
        conn.close()
