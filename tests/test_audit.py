"""The audit trail: which exact text was served when, never what was asked."""

import csv
import datetime as dt
import io
import json

import pytest

from faqbot.cli import main
from faqbot.pack import load_pack
from faqbot.qlog import Recorder, text_fingerprint
from faqbot.router import Router

from packs import write_pack

DAY = dt.datetime(2026, 2, 1, 8, 30, tzinfo=dt.timezone.utc)


@pytest.fixture
def trail(pack, tmp_path):
    """Replies served over three days, one kind of each."""
    path = tmp_path / "log.sqlite3"
    when = [DAY]
    with Recorder(path, retention_days=3650, clock=lambda: when[0]) as recorder:
        router = Router(pack, recorder=recorder)
        router.route("What dose of baclofen is usual?")
        when[0] = DAY + dt.timedelta(days=1)
        router.route("where do I park")
        router.route("I am having a seizure")
        when[0] = DAY + dt.timedelta(days=2)
        router.route("baclofen")
        router.open("fmd-what-is")
    return path


def read_csv(text):
    return list(csv.DictReader(io.StringIO(text)))


def test_audit_lists_every_reply_with_the_fingerprint_of_its_text(trail, pack, capsys):
    assert main(["audit", "--db", str(trail)]) == 0
    rows = read_csv(capsys.readouterr().out)
    answers = pack.by_id()
    assert [(r["at"], r["kind"], r["answer_id"]) for r in rows] == [
        ("2026-02-01T08:30:00Z", "answer", "baclofen-dose"),
        ("2026-02-02T08:30:00Z", "fallback", ""),
        ("2026-02-02T08:30:00Z", "urgent", ""),
        ("2026-02-03T08:30:00Z", "clarify", ""),
        ("2026-02-03T08:30:00Z", "answer", "fmd-what-is"),
    ]
    assert [r["fingerprint"] for r in rows] == [
        answers["baclofen-dose"].fingerprint,
        text_fingerprint(pack.texts.fallback),
        text_fingerprint(pack.texts.urgent),
        text_fingerprint(pack.texts.clarify),
        answers["fmd-what-is"].fingerprint,
    ]
    assert rows[3]["choices"] == "baclofen-dose,baclofen-alcohol"
    assert all(r["pack_version"] == "1.0" and r["unreviewed"] == "False" for r in rows)
    assert set(rows[0]) == {"at", "kind", "answer_id", "fingerprint", "unreviewed", "choices", "pack_version"}


def test_audit_never_holds_the_question(trail):
    raw = b"".join(p.read_bytes() for p in trail.parent.iterdir() if p.name.startswith(trail.name))
    for asked in (b"What dose of baclofen is usual", b"seizure"):
        assert asked not in raw


def test_audit_date_range_is_inclusive(trail, capsys):
    assert main(["audit", "--db", str(trail), "--since", "2026-02-02", "--until", "2026-02-02", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [r["kind"] for r in data] == ["fallback", "urgent"]
    assert data[0]["unreviewed"] is False and data[0]["answer_id"] is None

    assert main(["audit", "--db", str(trail), "--since", "2026-02-03", "--format", "json"]) == 0
    assert [r["kind"] for r in json.loads(capsys.readouterr().out)] == ["clarify", "answer"]

    assert main(["audit", "--db", str(trail), "--until", "2026-02-01"]) == 0
    assert len(read_csv(capsys.readouterr().out)) == 1

    assert main(["audit", "--db", str(trail), "--since", "2027-01-01", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_audit_marks_drafts_shown_as_unreviewed(tmp_path, capsys):
    pack = load_pack(write_pack(tmp_path / "pack", approve=False))
    path = tmp_path / "log.sqlite3"
    with Recorder(path) as recorder:
        reply = Router(pack, allow_drafts=True, recorder=recorder).route("What dose of baclofen is usual?")
    assert reply.unreviewed is not None
    assert main(["audit", "--db", str(path), "--format", "json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["unreviewed"] is True and row["answer_id"] == "baclofen-dose"


def test_audit_fingerprint_ties_the_trail_to_the_text_a_pack_version_held(trail, pack):
    """A safety officer can check a fingerprint against any later copy of the pack."""
    assert text_fingerprint(pack.texts.fallback) == text_fingerprint(pack.texts.fallback + "\n\n")
    assert text_fingerprint(pack.texts.fallback) != text_fingerprint(pack.texts.fallback + " Changed.")


def test_audit_errors(tmp_path, trail, capsys):
    assert main(["audit", "--db", str(tmp_path / "missing.sqlite3")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("faqbot: error: no question log") and err.count("\n") == 1
    assert not (tmp_path / "missing.sqlite3").exists()

    assert main(["audit", "--db", str(trail), "--since", "2026-02-03", "--until", "2026-02-01"]) == 2
    assert "before --since" in capsys.readouterr().err

    for argv in (["audit", "--db", str(trail), "--since", "02/01/2026"],
                 ["audit", "--db", str(trail), "--until", "soon"],
                 ["audit", "--db", str(trail), "--format", "table"]):
        with pytest.raises(SystemExit) as exc:
            main(argv)
        assert exc.value.code == 2
        assert capsys.readouterr().err.startswith("faqbot: error:")
