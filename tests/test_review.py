"""Clinician sign-off: approving, revoking, and what happens to edited or overdue answers."""

import copy
import datetime as dt
import json
import shutil
import subprocess

import pytest

import faqbot.review as review_module
from faqbot.cli import main
from faqbot.pack import fingerprint, load_pack
from faqbot.review import (
    ReviewError,
    add_months,
    approval_diff,
    approve,
    check_reviewer,
    edit_review,
    review_rows,
    revoke,
)
from faqbot.router import Router

from packs import ANSWERS, SETTINGS, approved_review, write_pack

TODAY = dt.date(2026, 3, 10)
BY = "Dr A Patel, Neurologist"

# An answer file as people really write them: comments, odd spacing, flow lists,
# block scalars, two indentation styles, and no newline at the end.
MESSY = """\
# Baclofen answers, reviewed by the neurology team.
# Keep ids stable.

- id: baclofen-dose   # do not rename
  question:   What dose of baclofen is usual?
  examples: [how much baclofen do people take, 'baclofen dosage']
  answer: |
    Prescribers usually start low
    and raise the dose slowly.

  review:   # filled in by faqbot review approve
    status: draft        # draft | approved | retired
    reviewer: null
    reviewed: ~
    next_review:
    fingerprint: null    # never by hand

# Next answer: alcohol.
-   id: baclofen-alcohol
    question: "Can I drink alcohol while taking baclofen?"
    answer: >-
      Alcohol adds to the drowsiness
      baclofen causes.
    sources:
      - {title: "Leaflet", url: "https://example.org/b"}
    review:
      status: draft
      reviewer: null
      reviewed: null
      next_review: null
      fingerprint: null
# end of file, no newline after this comment"""


def messy_pack(tmp_path, text=MESSY, settings=None):
    root = write_pack(tmp_path / "pack", answers=[], settings=settings)
    path = root / "baclofen.yaml"
    path.write_bytes(text.encode("utf-8"))
    return root, path


def block_lines(text: str, first_key_line: int, count: int) -> tuple[list[str], list[str], list[str]]:
    lines = text.splitlines(keepends=True)
    return lines[:first_key_line], lines[first_key_line:first_key_line + count], lines[first_key_line + count:]


# --- dates ----------------------------------------------------------------------------


@pytest.mark.parametrize("start, months, expected", [
    (dt.date(2026, 3, 10), 12, dt.date(2027, 3, 10)),
    (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),
    (dt.date(2023, 1, 31), 1, dt.date(2023, 2, 28)),
    (dt.date(2024, 2, 29), 12, dt.date(2025, 2, 28)),
    (dt.date(2025, 8, 31), 6, dt.date(2026, 2, 28)),
    (dt.date(2025, 12, 15), 1, dt.date(2026, 1, 15)),
    (dt.date(2025, 11, 30), 3, dt.date(2026, 2, 28)),
    (dt.date(2020, 5, 31), 60, dt.date(2025, 5, 31)),
])
def test_add_months_handles_month_ends(start, months, expected):
    assert add_months(start, months) == expected


# --- approve ------------------------------------------------------------------------------


def test_approve_writes_the_record_and_keeps_every_other_line_byte_for_byte(tmp_path):
    root, path = messy_pack(tmp_path)
    approve(root, ["baclofen-dose"], BY, today=TODAY)
    new = path.read_text(encoding="utf-8")
    old_before, old_block, old_after = block_lines(MESSY, 11, 5)
    new_before, new_block, new_after = block_lines(new, 11, 5)
    assert new_before == old_before
    assert new_after == old_after
    answer = load_pack(root).by_id()["baclofen-dose"]
    assert new_block == [
        "    status: approved        # draft | approved | retired\n",
        '    reviewer: "Dr A Patel, Neurologist"\n',
        "    reviewed: 2026-03-10\n",
        "    next_review: 2027-03-10\n",
        f"    fingerprint: {answer.fingerprint}    # never by hand\n",
    ]
    assert answer.review.fingerprint == fingerprint("What dose of baclofen is usual?",
                                                    "Prescribers usually start low\nand raise the dose slowly.")
    assert answer.state(TODAY) == "ok"
    assert load_pack(root).by_id()["baclofen-alcohol"].state(TODAY) == "draft"


def test_approve_the_second_answer_in_a_list_leaves_the_first_alone(tmp_path):
    root, path = messy_pack(tmp_path)
    approve(root, ["baclofen-alcohol"], BY, today=TODAY)
    new = path.read_text(encoding="utf-8")
    old_before, _, old_after = block_lines(MESSY, 26, 5)
    new_before, new_block, new_after = block_lines(new, 26, 5)
    assert new_before == old_before
    assert new_after == old_after
    assert not new.endswith("\n")
    assert new_block[0] == "      status: approved\n"
    pack = load_pack(root)
    assert pack.by_id()["baclofen-alcohol"].state(TODAY) == "ok"
    assert pack.by_id()["baclofen-dose"].state(TODAY) == "draft"


def test_approve_several_in_one_file_then_revoke(tmp_path):
    root, path = messy_pack(tmp_path)
    done = approve(root, ["baclofen-alcohol", "baclofen-dose", "baclofen-dose"], BY, today=TODAY)
    assert [a.id for a in done] == ["baclofen-alcohol", "baclofen-dose"]
    assert all(a.state(TODAY) == "ok" for a in load_pack(root).answers)
    revoke(root, ["baclofen-dose"], today=TODAY)
    new = path.read_text(encoding="utf-8")
    assert new.splitlines()[11:16] == [
        "    status: draft        # draft | approved | retired",
        "    reviewer: null",
        "    reviewed: null",
        "    next_review: null",
        "    fingerprint: null    # never by hand",
    ]
    pack = load_pack(root)
    assert pack.by_id()["baclofen-dose"].review.status == "draft"
    assert pack.by_id()["baclofen-dose"].review.fingerprint is None
    assert pack.by_id()["baclofen-alcohol"].state(TODAY) == "ok"


def test_approve_uses_the_pack_interval_and_month_end(tmp_path):
    settings = copy.deepcopy(SETTINGS)
    settings["review_policy"]["interval_months"] = 1
    root, _ = messy_pack(tmp_path, settings=settings)
    (answer,) = approve(root, ["baclofen-dose"], BY, today=dt.date(2024, 1, 31))
    assert answer.review.reviewed == dt.date(2024, 1, 31)
    assert answer.review.next_review == dt.date(2024, 2, 29)


@pytest.mark.parametrize("text", [
    "id: fmd-what-is\nquestion: What is FMD?\nanswer: A brain problem.\nreview: null\n",
    "id: fmd-what-is\nquestion: What is FMD?\nanswer: A brain problem.\nreview: {status: draft}  # short\n",
    "id: fmd-what-is\r\nquestion: What is FMD?\r\nanswer: A brain problem.\r\nreview:\r\n  status: draft # x\r\n",
    "\ufeffid: fmd-what-is\nquestion: What is FMD?\nanswer: |\n  A brain problem.\n\nreview:\n  status: draft\n",
    "- review:\n    status: draft\n  id: fmd-what-is\n  question: What is FMD?\n  answer: A brain problem.\n",
    "id: fmd-what-is\nreview:\n  status: \"draft\"\n  reviewer: 'x, y'\nquestion: What is FMD?\nanswer: A brain problem.\n",
])
def test_approve_handles_unusual_review_blocks(tmp_path, text):
    root, path = messy_pack(tmp_path, text)
    approve(root, ["fmd-what-is"], BY, today=TODAY)
    answer = load_pack(root).by_id()["fmd-what-is"]
    assert answer.state(TODAY) == "ok"
    assert answer.review.reviewer == BY
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") == text.startswith("\ufeff")
    if "\r\n" in text:
        assert raw.count(b"\n") == raw.count(b"\r\n")
    assert raw.decode("utf-8-sig").splitlines()[:1] == text.lstrip("\ufeff").splitlines()[:1]


def test_approving_two_answers_when_the_first_block_grows(tmp_path):
    text = (
        "- id: fmd-what-is\n  question: What is FMD?\n  answer: A brain problem.\n  review: {status: draft}\n"
        "# keep me\n"
        "- id: fmd-treatment\n  question: How is FMD treated?\n  answer: With therapy.\n  review:\n    status: draft\n"
    )
    root, path = messy_pack(tmp_path, text)
    approve(root, ["fmd-what-is", "fmd-treatment"], BY, today=TODAY)
    assert all(a.state(TODAY) == "ok" for a in load_pack(root).answers)
    assert "# keep me\n- id: fmd-treatment\n" in path.read_text()


def test_edit_review_refuses_an_answer_that_moved():
    text = "# one\nid: a\nquestion: Q\nanswer: A\nreview:\n  status: draft\n"
    record = {"status": "draft", "reviewer": None, "reviewed": None, "next_review": None, "fingerprint": None}
    assert "reviewer: null" in edit_review(text, "a", record, line=2)
    with pytest.raises(ReviewError, match="moved"):
        edit_review(text, "a", record, line=1)
    with pytest.raises(ReviewError, match="exactly one"):
        edit_review(text, "b", record)


def test_edit_review_appends_a_block_when_there_is_none():
    text = "# top\nid: a\nquestion: Q\nanswer: |\n  one\n\n  two\n\n# trailing\n"
    record = {"status": "draft", "reviewer": None, "reviewed": None, "next_review": None, "fingerprint": None}
    out = edit_review(text, "a", record)
    assert out.startswith(text[: text.index("# trailing")])
    assert out.endswith("# trailing\n")
    assert "review:\n  status: draft\n  reviewer: null\n" in out


def test_approve_unknown_id_fails_and_writes_nothing(tmp_path, capsys):
    root = write_pack(tmp_path / "pack", approve=False)
    before = {p: p.read_bytes() for p in root.iterdir()}
    with pytest.raises(ReviewError, match="no answer with id 'nope'"):
        approve(root, ["baclofen-dose", "nope"], BY, today=TODAY)
    assert {p: p.read_bytes() for p in root.iterdir()} == before
    code = main(["--pack", str(root), "review", "approve", "baclofen-dose", "nope", "--by", BY])
    err = capsys.readouterr().err
    assert code != 0
    assert err.count("\n") == 1 and "nope" in err
    assert {p: p.read_bytes() for p in root.iterdir()} == before


@pytest.mark.parametrize("by", ["nobody", "", "   ", "Dr X,", ", Nurse", "Dr X\nNurse", "123, 456", "Dr X, Nurse\x1b[31m", "x" * 130 + ", Nurse"])
def test_bad_reviewer_is_refused(by):
    with pytest.raises(ReviewError):
        check_reviewer(by)


@pytest.mark.parametrize("by, tidy", [
    ("Dr A Patel, Neurologist", "Dr A Patel, Neurologist"),
    ("  Sam   Lee ,  Nurse Practitioner ", "Sam Lee, Nurse Practitioner"),
    ("Ms O'Brien-Smith, Pharmacist, MPharm", "Ms O'Brien-Smith, Pharmacist, MPharm"),
    ("Dr Zoë Ångström, GP", "Dr Zoë Ångström, GP"),
])
def test_good_reviewer_is_tidied(by, tidy):
    assert check_reviewer(by) == tidy


def test_retired_answer_must_be_revoked_before_approval(tmp_path):
    item = dict(ANSWERS[0], review={"status": "retired"})
    root = write_pack(tmp_path / "pack", answers=[item, *ANSWERS[1:]])
    with pytest.raises(ReviewError, match="retired"):
        approve(root, [item["id"]], BY, today=TODAY)
    revoke(root, [item["id"]], today=TODAY)
    approve(root, [item["id"]], BY, today=TODAY)
    assert load_pack(root).by_id()[item["id"]].state(TODAY) == "ok"


def test_failed_verification_restores_every_file(tmp_path, monkeypatch):
    root = write_pack(tmp_path / "pack", approve=False)
    before = {p: p.read_bytes() for p in root.iterdir()}
    real = review_module.edit_review

    def sloppy(text, answer_id, record, line):
        if answer_id == "fmd-what-is":
            record = dict(record, fingerprint="sha256:" + "0" * 64)
        return real(text, answer_id, record, line)

    monkeypatch.setattr(review_module, "edit_review", sloppy)
    with pytest.raises(ReviewError, match="nothing changed"):
        approve(root, ["baclofen-dose", "fmd-what-is"], BY, today=TODAY)
    assert {p: p.read_bytes() for p in root.iterdir()} == before
    assert not [p for p in root.iterdir() if p.name.endswith(".tmp")]


def test_edit_that_breaks_the_pack_is_rolled_back(tmp_path, monkeypatch):
    root = write_pack(tmp_path / "pack", approve=False)
    before = {p: p.read_bytes() for p in root.iterdir()}
    monkeypatch.setattr(review_module, "edit_review", lambda text, answer_id, record, line: text + "\n  : : bad\n")
    with pytest.raises(ReviewError, match="would not load"):
        approve(root, ["baclofen-dose"], BY, today=TODAY)
    assert {p: p.read_bytes() for p in root.iterdir()} == before


def test_approve_keeps_the_file_mode(tmp_path):
    root, path = messy_pack(tmp_path)
    path.chmod(0o640)
    approve(root, ["baclofen-dose"], BY, today=TODAY)
    assert path.stat().st_mode & 0o777 == 0o640


# --- edited after approval, overdue, due soon ------------------------------------------------


def test_edited_after_approval_is_reported_and_not_served(tmp_path):
    root = write_pack(tmp_path / "pack", approve=False)
    approve(root, ["baclofen-dose"], BY, today=TODAY)
    assert Router(load_pack(root), today=TODAY).route("What dose of baclofen is usual?").kind == "answer"
    path = root / "baclofen-dose.yaml"
    path.write_text(path.read_text().replace("start low", "start high"))
    pack = load_pack(root)
    answer = pack.by_id()["baclofen-dose"]
    assert answer.state(TODAY) == "changed"
    router = Router(pack, today=TODAY)
    reply = router.route("What dose of baclofen is usual?")
    assert reply.answer is None or reply.answer.id != "baclofen-dose"
    assert "start high" not in reply.text
    assert router.open("baclofen-dose").kind == "fallback"
    assert Router(pack, today=TODAY, allow_drafts=True).open("baclofen-dose").kind == "fallback"
    (row,) = [r for r in review_rows(pack, today=TODAY) if r.id == "baclofen-dose"]
    assert row.changed and row.state == "changed"


def test_overdue_is_not_served_and_due_soon_is_listed(tmp_path):
    def reviewed(item, next_review):
        review = approved_review(item["question"], item["answer"], today=TODAY - dt.timedelta(days=300))
        review["next_review"] = next_review.isoformat()
        return dict(item, review=review)

    answers = [
        reviewed(ANSWERS[0], TODAY - dt.timedelta(days=1)),    # overdue
        reviewed(ANSWERS[1], TODAY),                            # last day: still served
        reviewed(ANSWERS[2], TODAY + dt.timedelta(days=10)),   # due soon
        reviewed(ANSWERS[3], TODAY + dt.timedelta(days=100)),  # fine
    ]
    pack = load_pack(write_pack(tmp_path / "pack", answers=answers))
    overdue = pack.by_id()[ANSWERS[0]["id"]]
    assert overdue.state(TODAY) == "overdue"
    router = Router(pack, today=TODAY)
    reply = router.route(overdue.question)
    assert reply.answer is None or reply.answer.id != overdue.id
    assert overdue.text not in reply.text
    assert router.open(overdue.id).kind == "fallback"
    assert router.route(ANSWERS[1]["question"]).kind == "answer"

    def ids(**filters):
        return sorted(r.id for r in review_rows(pack, today=TODAY, **filters))

    assert ids(overdue=True) == [ANSWERS[0]["id"]]
    assert ids(due_within=30) == sorted([ANSWERS[0]["id"], ANSWERS[1]["id"], ANSWERS[2]["id"]])
    assert ids(due_within=0) == sorted([ANSWERS[0]["id"], ANSWERS[1]["id"]])
    assert ids(drafts=True) == []
    assert len(ids()) == 4
    days = {r.id: r.days_left for r in review_rows(pack, today=TODAY)}
    assert days[ANSWERS[2]["id"]] == 10 and days[ANSWERS[0]["id"]] == -1


def test_revoked_answer_is_no_longer_served(tmp_path):
    root = write_pack(tmp_path / "pack")
    revoke(root, ["baclofen-dose"])
    pack = load_pack(root)
    reply = Router(pack).route("What dose of baclofen is usual?")
    assert reply.answer is None or reply.answer.id != "baclofen-dose"
    drafted = Router(pack, allow_drafts=True).route("What dose of baclofen is usual?")
    assert drafted.unreviewed is not None


# --- history -----------------------------------------------------------------------------------

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")


def git(root, *args):
    subprocess.run(["git", "-c", "user.name=T", "-c", "user.email=t@example.org", *args], cwd=root,
                   check=True, capture_output=True)


@needs_git
def test_approval_diff_shows_what_changed_since_approval(tmp_path):
    root = write_pack(tmp_path / "pack", approve=False)
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "drafts")
    approve(root, ["baclofen-dose"], BY, today=TODAY)
    git(root, "commit", "-q", "-am", "approve")
    path = root / "baclofen-dose.yaml"
    path.write_text(path.read_text().replace("start low", "start high"))
    git(root, "commit", "-q", "-am", "edit")
    answer = load_pack(root).by_id()["baclofen-dose"]
    diff = approval_diff(answer)
    assert diff is not None
    assert "-Prescribers usually start low and raise the dose slowly." in diff
    assert "+Prescribers usually start high and raise the dose slowly." in diff
    # unchanged wording: nothing to show
    assert approval_diff(load_pack(root).by_id()["baclofen-side-effects"]) is None


@needs_git
def test_approval_diff_without_history_is_none(tmp_path, monkeypatch):
    root = write_pack(tmp_path / "pack")
    path = root / "baclofen-dose.yaml"
    path.write_text(path.read_text().replace("start low", "start high"))
    answer = load_pack(root).by_id()["baclofen-dose"]
    assert approval_diff(answer) is None          # not a git repository
    git(root, "init", "-q")
    assert approval_diff(answer) is None          # no commits
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "already edited")
    assert approval_diff(answer) is None          # no commit holds the approved wording
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert approval_diff(answer) is None          # git cannot run


# --- command line ---------------------------------------------------------------------------------


def test_cli_review_list_formats_and_filters(tmp_path, capsys):
    root = write_pack(tmp_path / "pack", approve=False)
    assert main(["review", "approve", "baclofen-dose", "--by", BY, "--pack", str(root)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("approved baclofen-dose by Dr A Patel, Neurologist")

    assert main(["--pack", str(root), "review", "list"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["ID", "STATE", "REVIEWER", "REVIEWED", "NEXT", "REVIEW", "CHANGED"]
    assert len(table) == 5
    assert any(line.startswith("baclofen-dose") and " ok " in line for line in table)

    assert main(["review", "list", "--pack", str(root), "--drafts", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert sorted(d["id"] for d in data) == ["baclofen-alcohol", "baclofen-side-effects", "fmd-what-is"]
    assert all(d["state"] == "draft" and d["served"] is False for d in data)

    assert main(["review", "--pack", str(root), "list", "--due-within", "400", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("id,status,state,served,reviewer")
    assert len(lines) == 2 and lines[1].startswith("baclofen-dose,approved,ok,True,")

    assert main(["review", "list", "--pack", str(root), "--overdue"]) == 0
    assert "(no answers match)" in capsys.readouterr().out


def test_cli_revoke_and_errors(tmp_path, capsys):
    root = write_pack(tmp_path / "pack")
    assert main(["review", "revoke", "fmd-what-is", "--pack", str(root)]) == 0
    assert "revoked fmd-what-is" in capsys.readouterr().out
    assert load_pack(root).by_id()["fmd-what-is"].review.status == "draft"

    assert main(["review", "revoke", "missing-id", "--pack", str(root)]) == 2
    assert "missing-id" in capsys.readouterr().err

    assert main(["review", "approve", "fmd-what-is", "--by", "just a name", "--pack", str(root)]) == 2
    assert "Name, Role" in capsys.readouterr().err

    for argv in (["review", "approve", "fmd-what-is", "--pack", str(root)],      # --by missing
                 ["review", "list", "--due-within", "soon", "--pack", str(root)],
                 ["review"]):
        with pytest.raises(SystemExit) as exc:
            main(argv)
        assert exc.value.code == 2
        assert capsys.readouterr().err.startswith("faqbot: error:")

    assert main(["review", "list", "--pack", str(tmp_path / "nowhere")]) == 2
    assert "cannot load pack" in capsys.readouterr().err
