"""Loading packs: whole or not at all, every problem with file:line."""

import datetime as dt

import pytest
import yaml

from faqbot.pack import PackError, fingerprint, load_pack
from packs import ANSWERS, SETTINGS, approved_review, write_pack


def problems_of(folder):
    with pytest.raises(PackError) as caught:
        load_pack(folder)
    return caught.value.problems


def test_loads_every_answer_in_file_order(pack):
    assert [a.id for a in pack.answers] == sorted(a["id"] for a in ANSWERS)
    assert pack.texts.fallback == SETTINGS["texts"]["fallback"]
    assert pack.urgent["seizure"] == ("seizure", "fitting", "having a fit")


def test_yaml_syntax_error_names_file_and_line(pack_dir):
    (pack_dir / "broken.yaml").write_text("id: broken\nquestion: [unclosed\nanswer: x\n", encoding="utf-8")
    problems = problems_of(pack_dir)
    assert len(problems) == 1
    assert problems[0].path.name == "broken.yaml"
    assert problems[0].line in (2, 3, 4)
    assert "YAML syntax error" in problems[0].message


def test_one_bad_file_means_no_pack_at_all(pack_dir):
    """A half-loaded pack could serve a subset silently; it must not load."""
    (pack_dir / "zz.yaml").write_text("id: Not Kebab\nquestion: q\nanswer: a\nreview: {status: draft}\n", encoding="utf-8")
    problems = problems_of(pack_dir)
    assert [p.path.name for p in problems] == ["zz.yaml"]
    assert problems[0].line == 1 and "kebab-case" in problems[0].message


def test_duplicate_id_reports_both_places(pack_dir):
    twin = dict(ANSWERS[0], review={"status": "draft"})
    (pack_dir / "twin.yaml").write_text(yaml.safe_dump(twin), encoding="utf-8")
    problems = problems_of(pack_dir)
    assert any("duplicate id 'baclofen-side-effects'" in p.message and "first at" in p.message for p in problems)


@pytest.mark.parametrize("missing", ["question", "answer", "review", "id"])
def test_missing_field_is_reported_with_line(tmp_path, missing):
    item = dict(ANSWERS[0])
    item["review"] = {"status": "draft"}
    del item[missing]
    folder = write_pack(tmp_path / "p", answers=[ANSWERS[1]])
    (folder / "target.yaml").write_text(yaml.safe_dump(item), encoding="utf-8")
    problems = problems_of(folder)
    assert any(f"'{missing}' is missing" in p.message for p in problems)
    assert all(p.line >= 1 for p in problems)


def test_unknown_key_is_a_typo_not_silence(tmp_path):
    item = dict(ANSWERS[0], exmaples=["x"])
    problems = problems_of(write_pack(tmp_path / "p", answers=[item]))
    assert "unknown key 'exmaples'" in problems[0].message


def test_unknown_related_id(tmp_path):
    item = dict(ANSWERS[0], related=["no-such-answer"])
    problems = problems_of(write_pack(tmp_path / "p", answers=[item]))
    assert "unknown related id 'no-such-answer'" in problems[0].message


def test_duplicate_key_in_one_mapping(pack_dir):
    (pack_dir / "dup.yaml").write_text("id: dup\nid: dup2\nquestion: q\nanswer: a\nreview: {status: draft}\n", encoding="utf-8")
    problems = problems_of(pack_dir)
    assert problems[0].line == 2 and "appears twice" in problems[0].message


@pytest.mark.parametrize("content", [b"\x00\x01\x02binary", b"id: \xff\xfe\n", b"", b"- - - [\n" * 3])
def test_binary_empty_and_garbage_files(pack_dir, content):
    (pack_dir / "odd.yaml").write_bytes(content)
    assert [p.path.name for p in problems_of(pack_dir)] == ["odd.yaml"]


def test_huge_file_is_refused(pack_dir):
    (pack_dir / "huge.yaml").write_text("# " + "x" * 2_000_000, encoding="utf-8")
    assert "larger than" in problems_of(pack_dir)[0].message


def test_approved_needs_a_full_record(tmp_path):
    item = dict(ANSWERS[0], review={"status": "approved", "reviewer": "Dr A, GP"})
    messages = " ".join(p.message for p in problems_of(write_pack(tmp_path / "p", answers=[item])))
    for key in ("reviewed", "next_review", "fingerprint"):
        assert f"needs review '{key}'" in messages


def test_missing_folder_and_missing_settings(tmp_path):
    assert "not found" in problems_of(tmp_path / "nowhere")[0].message
    (tmp_path / "empty").mkdir()
    assert "pack.yaml" in problems_of(tmp_path / "empty")[0].message


def test_settings_need_every_system_text(tmp_path):
    settings = dict(SETTINGS, texts={k: v for k, v in SETTINGS["texts"].items() if k != "urgent"})
    problems = problems_of(write_pack(tmp_path / "p", settings=settings))
    assert any("'urgent' is missing" in p.message and p.path.name == "pack.yaml" for p in problems)


def test_fingerprint_ignores_line_endings_and_trailing_blanks_only():
    base = fingerprint("Q?", "Line one.\nLine two.")
    assert fingerprint("Q?", "Line one.  \r\nLine two.\n") == base
    assert fingerprint("Q?", "Line one.\nLine two!") != base
    assert fingerprint("Q!", "Line one.\nLine two.") != base


def test_states(tmp_path):
    today = dt.date(2026, 6, 1)
    item = dict(ANSWERS[0], related=[])
    item["review"] = approved_review(item["question"], item["answer"], today=today)
    answer = load_pack(write_pack(tmp_path / "p", answers=[item])).answers[0]
    assert answer.state(today) == "ok"
    assert answer.state(answer.review.next_review + dt.timedelta(days=1)) == "overdue"
    edited = dict(item, answer=item["answer"] + " Extra words.")
    changed = load_pack(write_pack(tmp_path / "q", answers=[edited])).answers[0]
    assert changed.state(today) == "changed"
