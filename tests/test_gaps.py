"""Grouping logged questions, and the `faqbot gaps` command."""

import datetime as dt
import random
import sqlite3
import time

import pytest

from faqbot.cli import main
from faqbot.gaps import group_questions, key_words
from faqbot.qlog import Recorder
from faqbot.router import Router

ASKED = [
    ("can i take baclofen while pregnant", "baclofen-side-effects"),
    ("is baclofen safe during pregnancy", "baclofen-side-effects"),
    ("baclofen and pregnancy", "baclofen-dose"),
    ("pregnant on baclofen ok?", "baclofen-side-effects"),
    ("im pregnant can i still take baclofin", None),
    ("does baclofen interact with ibuprofen", "baclofen-alcohol"),
    ("can i take ibuprofen with baclofen", "baclofen-alcohol"),
    ("baclofen and ibuprofen together", None),
    ("where do i park at the clinic", None),
    ("is there parking at the clinic", None),
    ("can my dog take baclofen", "baclofen-dose"),
    ("baclofen withdrawal", None),
    ("baclofen weight gain", "baclofen-side-effects"),
]


def as_rows(asked):
    return [
        {"question": q, "at": f"2026-01-{i + 1:02d}T09:00:00Z", "outcome": "fallback", "best_id": best}
        for i, (q, best) in enumerate(asked)
    ]


def members(groups):
    return [sorted(g.phrasings) for g in groups]


def test_paraphrases_group_together_and_different_questions_stay_apart():
    groups = group_questions(as_rows(ASKED))
    by_example = {g.example: g for g in groups}
    pregnancy = groups[0]
    assert pregnancy.count == 5
    assert pregnancy.example == "can i take baclofen while pregnant"
    assert pregnancy.nearest == "baclofen-side-effects" and pregnancy.nearest_count == 3
    assert groups[1].count == 3 and "ibuprofen" in groups[1].example
    assert groups[1].nearest == "baclofen-alcohol"
    assert by_example["where do i park at the clinic"].count == 2
    assert by_example["where do i park at the clinic"].nearest is None
    for lone in ("can my dog take baclofen", "baclofen withdrawal", "baclofen weight gain"):
        assert by_example[lone].count == 1
    assert sum(g.count for g in groups) == len(ASKED)
    assert [g.count for g in groups] == sorted((g.count for g in groups), reverse=True)


def test_grouping_does_not_depend_on_row_order():
    rows = as_rows(ASKED)
    expected = members(group_questions(rows))
    shuffled = rows[:]
    for seed in range(5):
        random.Random(seed).shuffle(shuffled)
        assert members(group_questions(shuffled)) == expected


def test_most_common_phrasing_represents_the_group():
    rows = as_rows([("baclofen in pregnancy", None)] + [("pregnant and on baclofen", "baclofen-dose")] * 3)
    (group,) = group_questions(rows)
    assert group.example == "pregnant and on baclofen"
    assert group.count == 4 and group.nearest_count == 3
    assert group.first_seen == "2026-01-01T09:00:00Z" and group.last_seen == "2026-01-04T09:00:00Z"


def test_redaction_tokens_do_not_join_questions():
    rows = as_rows([("call me on [phone] about parking", None), ("[phone] baclofen withdrawal", None)])
    assert len(group_questions(rows)) == 2
    assert key_words("call me on [phone]") == ("call",)


def test_empty_and_wordless_questions():
    assert group_questions([]) == []
    groups = group_questions(as_rows([("???", None), ("!!", None), ("baclofen", None)]))
    assert sorted(g.count for g in groups) == [1, 2]


def test_grouping_a_busy_log_is_quick():
    rng = random.Random(7)
    topics = ["pregnancy", "ibuprofen", "parking", "withdrawal", "alcohol", "driving", "sleep", "weight", "hair",
              "dog", "holiday", "flight", "surgery", "dentist", "vaccine", "grapefruit", "cannabis", "sport"]
    extras = ["is it ok", "can i", "what about", "worried about", "question on", "help with", "please", "urgent-ish"]
    rows = [
        {"question": f"{rng.choice(extras)} baclofen and {rng.choice(topics)} {rng.randint(1, 400)}x",
         "at": f"2026-01-01T00:00:{i % 60:02d}Z", "outcome": "fallback", "best_id": None}
        for i in range(5000)
    ]
    started = time.perf_counter()
    groups = group_questions(rows)
    assert time.perf_counter() - started < 20
    assert sum(g.count for g in groups) == 5000


# --- command line ---------------------------------------------------------------------------------


@pytest.fixture
def log_db(pack, tmp_path):
    path = tmp_path / "log.sqlite3"
    when = [dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)]
    with Recorder(path, retention_days=3650, clock=lambda: when[0]) as recorder:
        router = Router(pack, recorder=recorder)
        for day, (question, _) in enumerate(ASKED):
            when[0] = dt.datetime(2026, 1, 1 + day, 9, tzinfo=dt.timezone.utc)
            router.route(question)
    return path


def test_cli_gaps_table(log_db, capsys):
    assert main(["gaps", "--db", str(log_db)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["COUNT", "LAST", "SEEN", "NEAREST", "ANSWER", "EXAMPLE"]
    assert lines[1].split()[0] == "5" and "pregnant" in lines[1]


def test_cli_gaps_csv_md_and_since(log_db, capsys):
    assert main(["gaps", "--db", str(log_db), "--format", "csv"]) == 0
    csv_lines = capsys.readouterr().out.splitlines()
    assert csv_lines[0] == "count,example,nearest,nearest_count,first_seen,last_seen,fallback,clarify"
    assert csv_lines[1].startswith("5,can i take baclofen while pregnant,")

    assert main(["gaps", "--db", str(log_db), "--format", "md", "--limit", "2"]) == 0
    md = capsys.readouterr().out.splitlines()
    assert md[0] == "| Count | Last seen | Nearest answer | Example |"
    assert len(md) == 4

    assert main(["gaps", "--db", str(log_db), "--since", "2026-01-09"]) == 0
    out = capsys.readouterr().out
    assert "pregnant" not in out and "park" in out

    assert main(["gaps", "--db", str(log_db), "--since", "2030-01-01"]) == 0
    assert "no logged questions since 2030-01-01" in capsys.readouterr().out


def test_cli_gaps_purge_before(log_db, capsys):
    assert main(["gaps", "--db", str(log_db), "--purge-before", "2026-01-04"]) == 0
    assert capsys.readouterr().out.strip() == "deleted 3 logged questions from before 2026-01-04"
    conn = sqlite3.connect(log_db)
    assert conn.execute("SELECT min(at) FROM questions").fetchone()[0].startswith("2026-01-04")
    assert conn.execute("SELECT count(*) FROM served").fetchone()[0] == len(ASKED)
    conn.close()
    assert main(["gaps", "--db", str(log_db), "--purge-before", "2026-01-04"]) == 0
    assert capsys.readouterr().out.strip() == "deleted 0 logged questions from before 2026-01-04"


def test_cli_gaps_errors(tmp_path, capsys, monkeypatch):
    missing = tmp_path / "none.sqlite3"
    assert main(["gaps", "--db", str(missing)]) == 2
    err = capsys.readouterr().err
    assert "no question log" in err and err.count("\n") == 1
    assert main(["gaps", "--db", str(missing), "--purge-before", "2026-01-01"]) == 2
    capsys.readouterr()
    assert not missing.exists()

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FAQBOT_LOG_DB", raising=False)
    assert main(["gaps"]) == 2
    assert "faqbot-log.sqlite3" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []

    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    assert main(["gaps", "--db", str(other)]) == 2
    assert "not a faqbot question log" in capsys.readouterr().err

    for argv in (["gaps", "--db", str(other), "--since", "yesterday"],
                 ["gaps", "--db", str(other), "--purge-before", "2026-13-01"],
                 ["gaps", "--format", "xml"]):
        with pytest.raises(SystemExit) as exc:
            main(argv)
        assert exc.value.code == 2
        assert "faqbot: error:" in capsys.readouterr().err
