"""The question log: redaction, what is kept, retention, and that it can never cost a reply."""

import datetime as dt
import logging
import os
import sqlite3
import threading
import time
from pathlib import Path

import pytest

import faqbot.qlog as qlog
from faqbot.pack import load_pack
from faqbot.qlog import Recorder, open_recorder, redact, text_fingerprint
from faqbot.router import Router

from packs import write_pack

NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.timezone.utc)

# (what a patient typed, what the log may keep)
REDACTIONS = [
    ("my email is jane.doe+clinic@example.co.uk can you reply", "my email is [email] can you reply"),
    ("write to J_SMITH@Mail.Example.ORG", "write to [email]"),
    ("call me on 555-123-4567", "call me on [phone]"),
    ("(555) 123-4567 is my number", "[phone] is my number"),
    ("my cell is 555.123.4567 thanks", "my cell is [phone] thanks"),
    ("ring +1 555 123 4567 today", "ring [phone] today"),
    ("+44 20 7946 0958 please", "[phone] please"),
    ("+44 (0)20 7946 0958", "[phone]"),
    ("text +447700900123", "text [phone]"),
    ("my mobile 07700 900123", "my mobile [phone]"),
    ("landline 020 7946 0958", "landline [phone]"),
    ("12 34 56 78 is my phone", "[phone] is my phone"),
    ("my MRN is 12345678", "my MRN is [number]"),
    ("MRN A1234567 baclofen", "MRN [number] baclofen"),
    ("ssn 123-45-6789", "ssn [number]"),
    ("card 4111 1111 1111 1111", "card [number]"),
    ("zip 90210-1234 or 90210", "zip [number] or [number]"),
    ("born 12/03/1980 is that ok", "born [date] is that ok"),
    ("dob 1980-03-12", "dob [date]"),
    ("dob 3.12.80", "dob [date]"),
    ("born on 3 March 1980", "born on [date]"),
    ("appointment March 3rd", "appointment [date]"),
    ("on the 3rd of march I started", "on the [date] I started"),
    ("since Sept. 14, 2021", "since [date]"),
    ("since january 2020", "since [date]"),
    ("on the twenty-first of june", "on the [date]"),
    ("I live at 42 Baker Street", "I live at [address]"),
    ("my postcode is SW1A 1AA", "my postcode is [postcode]"),
    ("My name is John Smith and I take baclofen", "My name is [name] and I take baclofen"),
    ("Dr Patel said 10mg", "Dr [name] said 10mg"),
    ("see https://example.org/me?id=7", "see [link]"),
    # Numbers that are doses or ordinary words must stay.
    ("I take 5 mg", "I take 5 mg"),
    ("20mg three times a day", "20mg three times a day"),
    ("is B12 ok with baclofen", "is B12 ok with baclofen"),
    ("B12 1mg daily", "B12 1mg daily"),
    ("can I take 10 mg 3 times a day", "can I take 10 mg 3 times a day"),
    ("dose range 2.5-10 mg", "dose range 2.5-10 mg"),
    ("500-1000 mg at night", "500-1000 mg at night"),
    ("50000 iu vitamin d weekly", "50000 iu vitamin d weekly"),
    ("1 in 10,000 people", "1 in 10,000 people"),
    ("take 1-2 tablets", "take 1-2 tablets"),
    ("may I take baclofen in may", "may I take baclofen in may"),
    ("my dr said it was ok", "my dr said it was ok"),
    ("3 hour drive after baclofen", "3 hour drive after baclofen"),
    ("I drive 2 hours on the road", "I drive 2 hours on the road"),
    ("10 20 30 mg steps", "10 20 30 mg steps"),
    ("I am 45 years old", "I am 45 years old"),
    ("version 2024.1 of the leaflet", "version 2024.1 of the leaflet"),
    ("does covid19 matter", "does covid19 matter"),
]


@pytest.mark.parametrize("typed, kept", REDACTIONS)
def test_redaction(typed, kept):
    assert redact(typed) == kept


def test_redaction_cleans_and_bounds_text():
    assert redact("hi\x1b[31m there\n\n  you") == "hi there you"
    assert len(redact("baclofen " * 200)) <= qlog.MAX_LOGGED_CHARS


def rows(path, table):
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(f"SELECT * FROM {table} ORDER BY id")]
    finally:
        conn.close()


@pytest.fixture
def logged(pack, tmp_path):
    path = tmp_path / "log.sqlite3"
    recorder = Recorder(path, clock=lambda: NOW)
    yield Router(pack, recorder=recorder), recorder, path
    recorder.close()


def test_only_fallback_and_clarify_questions_are_kept_and_redacted(logged):
    router, recorder, path = logged
    assert router.route("my email is a@b.com, can I take baclofen when pregnant").kind == "fallback"
    assert router.route("baclofen").kind == "clarify"
    assert router.route("I am having a seizure, call 555-123-4567").kind == "urgent"
    assert router.route("What dose of baclofen is usual?").kind == "answer"
    assert router.open("fmd-what-is").kind == "answer"
    questions = rows(path, "questions")
    assert [(q["outcome"], q["question"]) for q in questions] == [
        ("fallback", "my email is [email], can I take baclofen when pregnant"),
        ("clarify", "baclofen"),
    ]
    assert questions[0]["best_id"] == "baclofen-alcohol"
    assert 0 < questions[0]["best_score"] < 1
    assert questions[1]["best_id"] == "baclofen-dose"
    assert all(q["at"] == "2026-03-10T12:00:00Z" and q["pack_version"] == "1.0" for q in questions)
    assert [s["kind"] for s in rows(path, "served")] == ["fallback", "clarify", "urgent", "answer", "answer"]
    assert recorder.healthy


def test_no_candidates_means_no_best_id(logged):
    router, _, path = logged
    assert router.route("where do I park").kind == "fallback"
    (row,) = rows(path, "questions")
    assert row["best_id"] is None and row["best_score"] is None


def test_nothing_identifying_reaches_the_file(logged):
    router, recorder, path = logged
    secrets = ["jane@example.org", "555-123-4567", "12/03/1980", "A1234567"]
    router.route("I am jane@example.org born 12/03/1980 MRN A1234567 is baclofen ok in pregnancy 555-123-4567")
    router.route("seizure right now jane@example.org")
    router.route("can I drink beer on baclofen jane@example.org")
    recorder.close()
    raw = b"".join(p.read_bytes() for p in path.parent.iterdir() if p.name.startswith(path.name))
    for secret in secrets:
        assert secret.encode() not in raw


# --- retention ---------------------------------------------------------------------------------


def test_retention_deletes_old_rows_on_open_and_daily(pack, tmp_path, monkeypatch):
    path = tmp_path / "log.sqlite3"
    for days_ago in (200, 91, 89, 1):
        moment = NOW - dt.timedelta(days=days_ago)
        with Recorder(path, retention_days=365, clock=lambda m=moment: m) as old:
            Router(pack, recorder=old).route("where do I park")
    assert len(rows(path, "questions")) == 4

    with Recorder(path, clock=lambda: NOW) as recorder:        # default 90 days
        assert len(rows(path, "questions")) == 2
        assert len(rows(path, "served")) == 2
        clock = [NOW]
        recorder.clock = lambda: clock[0]
        clock[0] = NOW + dt.timedelta(days=30)
        later = time.monotonic() + 2 * qlog.PURGE_EVERY_SECONDS
        monkeypatch.setattr(qlog.time, "monotonic", lambda: later)
        Router(pack, recorder=recorder).route("where do I park")   # a day on: purges while running
    kept = rows(path, "questions")
    assert [q["at"][:10] for q in kept] == ["2026-03-09", "2026-04-09"]


def test_retention_is_configurable_and_checked(pack, tmp_path):
    path = tmp_path / "log.sqlite3"
    with Recorder(path, retention_days=365, clock=lambda: NOW - dt.timedelta(days=10)) as old:
        Router(pack, recorder=old).route("where do I park")
    with open_recorder(path, retention_days=7):
        pass
    assert rows(path, "questions") == []
    for bad in (0, -1, 5000, 1.5, True):
        with pytest.raises(ValueError):
            Recorder(path, retention_days=bad)


def test_default_path_follows_the_environment(pack, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(qlog.ENV_VAR, raising=False)
    assert qlog.default_db_path() == Path("faqbot-log.sqlite3")
    target = tmp_path / "elsewhere.sqlite3"
    monkeypatch.setenv(qlog.ENV_VAR, str(target))
    with open_recorder(None) as recorder:
        Router(pack, recorder=recorder).route("where do I park")
    assert target.is_file()
    assert not (tmp_path / "faqbot-log.sqlite3").exists()


# --- failures never reach the patient ---------------------------------------------------------------

QUESTION = "where do I park, my email is secret.patient@example.org"


def assert_reply_unharmed(router, caplog):
    with caplog.at_level(logging.WARNING, logger="faqbot.qlog"):
        fallback = router.route(QUESTION)
        answer = router.route("What dose of baclofen is usual?")
        urgent = router.route("I am having a seizure")
    assert fallback.kind == "fallback" and fallback.text == router.pack.texts.fallback
    assert answer.kind == "answer" and answer.answer.id == "baclofen-dose"
    assert urgent.kind == "urgent"
    warnings = [r for r in caplog.records if r.name == "faqbot.qlog"]
    assert warnings, "a failing log must say so"
    for record in warnings:
        message = record.getMessage()
        assert "secret.patient" not in message and "park" not in message and "seizure" not in message


def test_unopenable_path_still_replies(pack, tmp_path, caplog):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    recorder = open_recorder(blocker / "log.sqlite3")
    assert not recorder.healthy
    assert_reply_unharmed(Router(pack, recorder=recorder), caplog)


def test_read_only_database_still_replies(pack, tmp_path, caplog):
    recorder = open_recorder(tmp_path / "log.sqlite3")
    recorder._conn.execute("PRAGMA query_only = ON")
    assert_reply_unharmed(Router(pack, recorder=recorder), caplog)
    assert "readonly" in recorder.last_error
    recorder.close()


def test_full_disk_still_replies(pack, tmp_path, caplog):
    recorder = open_recorder(tmp_path / "log.sqlite3")
    pages = recorder._conn.execute("PRAGMA page_count").fetchone()[0]
    recorder._conn.execute(f"PRAGMA max_page_count = {pages}")
    router = Router(pack, recorder=recorder)
    with caplog.at_level(logging.WARNING, logger="faqbot.qlog"):
        for _ in range(50):
            assert router.route(QUESTION + " " + "x" * 200).kind == "fallback"
    assert recorder.failures > 0 and "full" in recorder.last_error
    assert_reply_unharmed(router, caplog)
    recorder.close()


def test_locked_database_still_replies_quickly(pack, tmp_path, caplog):
    path = tmp_path / "log.sqlite3"
    recorder = open_recorder(path)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        router = Router(pack, recorder=recorder)
        started = time.perf_counter()
        assert_reply_unharmed(router, caplog)
        elapsed = time.perf_counter() - started
        assert elapsed < 3 * (qlog.BUSY_TIMEOUT_MS / 1000) + 1.0
        assert "locked" in recorder.last_error
    finally:
        other.execute("ROLLBACK")
        other.close()
    router.route("where do I park")
    assert recorder.last_error is None
    recorder.close()


def test_raising_connection_still_replies_and_keeps_the_question_out_of_the_warning(pack, tmp_path, caplog):
    recorder = open_recorder(tmp_path / "log.sqlite3")

    class Exploding:
        def execute(self, sql, params=()):
            raise RuntimeError(f"boom while writing {params!r}")

        def close(self):
            pass

    recorder._conn = Exploding()
    assert_reply_unharmed(Router(pack, recorder=recorder), caplog)
    assert recorder.last_error == "RuntimeError"


def test_recorder_that_raises_is_contained_by_the_router(pack):
    class Broken:
        def record(self, question, reply, pack):
            raise MemoryError

    router = Router(pack, recorder=Broken())
    assert router.route("What dose of baclofen is usual?").kind == "answer"
    assert router.open("fmd-what-is").kind == "answer"


def test_failed_open_is_retried_later(pack, tmp_path, monkeypatch):
    folder = tmp_path / "later"
    recorder = open_recorder(folder / "log.sqlite3")
    assert not recorder.healthy
    router = Router(pack, recorder=recorder)
    router.route("where do I park")
    folder.mkdir()
    later = time.monotonic() + qlog.REOPEN_AFTER_SECONDS + 1
    monkeypatch.setattr(qlog.time, "monotonic", lambda: later)
    router.route("where do I park")
    assert recorder.healthy
    assert len(rows(folder / "log.sqlite3", "questions")) == 1
    recorder.close()


def test_warnings_are_rate_limited(pack, tmp_path, caplog):
    recorder = open_recorder(tmp_path / "log.sqlite3")
    recorder._conn.execute("PRAGMA query_only = ON")
    router = Router(pack, recorder=recorder)
    with caplog.at_level(logging.WARNING, logger="faqbot.qlog"):
        for _ in range(100):
            router.route("where do I park")
    assert recorder.failures == 100
    assert len([r for r in caplog.records if r.name == "faqbot.qlog"]) == 1
    recorder.close()


def test_many_threads_record_every_reply(pack, tmp_path):
    path = tmp_path / "log.sqlite3"
    with open_recorder(path) as recorder:
        router = Router(pack, recorder=recorder)

        def work():
            for _ in range(25):
                router.route("where do I park")

        threads = [threading.Thread(target=work) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert len(rows(path, "served")) == 200


def test_recording_is_fast(pack, tmp_path):
    with open_recorder(tmp_path / "log.sqlite3") as recorder:
        router = Router(pack, recorder=recorder)
        reply = router.route("where do I park")
        started = time.perf_counter()
        for _ in range(200):
            recorder.record("where do I park", reply, pack)
        per_record = (time.perf_counter() - started) / 200
    assert per_record < 0.02


# --- logging off ------------------------------------------------------------------------------------


def snapshot(folder: Path) -> dict:
    return {p: p.stat().st_mtime_ns for p in folder.rglob("*")}


def test_with_logging_off_nothing_is_written(tmp_path, monkeypatch):
    pack_dir = write_pack(tmp_path / "pack")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.delenv(qlog.ENV_VAR, raising=False)
    before = snapshot(tmp_path)
    router = Router(load_pack(pack_dir))
    for question in ["where do I park", "baclofen", "I am having a seizure", "What dose of baclofen is usual?",
                     "my email is a@b.com", "born 12/03/1980"] * 50:
        router.route(question)
    router.open("fmd-what-is")
    assert snapshot(tmp_path) == before
    assert list(work.iterdir()) == []
    assert not any(p.suffix.startswith(".sqlite") for p in Path(os.getcwd()).rglob("*"))


def test_audit_fingerprint_of_system_texts(pack, logged):
    router, _, path = logged
    router.route("where do I park")
    (row,) = rows(path, "served")
    assert row["fingerprint"] == text_fingerprint(pack.texts.fallback)
    assert row["fingerprint"].startswith("sha256:") and len(row["fingerprint"]) == 71


def test_purged_questions_leave_no_trace_in_the_files(pack, tmp_path):
    path = tmp_path / "log.sqlite3"

    def files():
        return b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith(path.name))

    with Recorder(path, retention_days=3650, clock=lambda: NOW - dt.timedelta(days=100)) as old:
        for i in range(3):
            Router(pack, recorder=old).route(f"where do I park my zeppelinmobile {i}")
    with Recorder(path, retention_days=3650, clock=lambda: NOW - dt.timedelta(days=1)) as recent:
        for _ in range(3):
            Router(pack, recorder=recent).route("where do I park the car")
    assert b"zeppelinmobile" in files()
    with Recorder(path, clock=lambda: NOW):       # opening applies the 90 days
        pass
    assert len(rows(path, "questions")) == 3
    assert b"zeppelinmobile" not in files()
    assert qlog.purge_before(path, NOW.date()) == 3
    assert b"park the car" not in files()
