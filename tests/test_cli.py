"""The command line: each command, its output and its error paths."""

import json
import subprocess
import sys
import xml.etree.ElementTree as ET

import jsonschema
import pytest
import yaml

from faqbot.cli import main
from packs import ANSWERS, SETTINGS, write_pack


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_ask_prints_the_vetted_answer(capsys, pack_dir):
    code, out, err = run(capsys, "ask", "--pack", str(pack_dir), "baclofen", "side", "effects")
    assert code == 0 and err == ""
    assert "You asked about: What are the common side effects of baclofen?" in out
    assert ANSWERS[0]["answer"] in out


def test_ask_json_shape(capsys, pack_dir):
    code, out, _ = run(capsys, "ask", "--json", "--pack", str(pack_dir), "baclofen dosage")
    reply = json.loads(out)
    assert set(reply) >= {"kind", "id", "choices", "score", "text"}
    assert reply["kind"] == "answer" and reply["id"] == "baclofen-dose"
    assert isinstance(reply["score"], float) and reply["choices"] == []


def test_ask_json_reads_stdin_line_by_line(capsys, monkeypatch, pack_dir):
    import io
    lines = "baclofen dosage\ncant breathe\nwhat is the capital of France\n\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(lines.encode() + b"\xff\xfe\n")))
    code, out, _ = run(capsys, "ask", "--json", "--pack", str(pack_dir), "-")
    kinds = [json.loads(line)["kind"] for line in out.splitlines()]
    assert code == 0 and kinds == ["answer", "urgent", "fallback", "fallback", "fallback"]


def test_drafts_need_the_flag(capsys, tmp_path):
    folder = write_pack(tmp_path / "p", approve=False)
    _, out, _ = run(capsys, "ask", "--json", "--pack", str(folder), "baclofen dosage")
    assert json.loads(out)["kind"] == "fallback"
    _, out, _ = run(capsys, "ask", "--pack", str(folder), "--allow-drafts", "baclofen dosage")
    assert SETTINGS["texts"]["unreviewed"] in out


def test_missing_pack_is_one_line_not_a_traceback(capsys, tmp_path):
    code, out, err = run(capsys, "ask", "--pack", str(tmp_path / "none"), "hello")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "pack folder not found" in err


def test_broken_yaml_names_file_and_line(capsys, pack_dir):
    (pack_dir / "bad.yaml").write_text("id: bad\nquestion: 'unclosed\n", encoding="utf-8")
    code, _, err = run(capsys, "ask", "--pack", str(pack_dir), "hello")
    assert code == 2 and "bad.yaml:" in err and "YAML syntax error" in err and "Traceback" not in err


def test_unknown_option_and_command(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["ask", "--frobnicate", "x"])
    assert exited.value.code == 2
    assert "unrecognized arguments: --frobnicate" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["frobnicate"])
    assert "invalid choice" in capsys.readouterr().err


def test_check_clean_pack_and_errors(capsys, pack_dir, tmp_path):
    code, out, _ = run(capsys, "check", str(pack_dir))
    assert code == 0 and "0 errors" in out
    drafts = write_pack(tmp_path / "d", approve=False)
    code, out, _ = run(capsys, "check", "--pack", str(drafts))
    assert code == 0 and "is a draft" in out
    item = dict(ANSWERS[1], sources=[], examples=list(ANSWERS[0]["examples"]))
    bad = write_pack(tmp_path / "b", answers=[ANSWERS[0], item])
    code, out, _ = run(capsys, "check", str(bad))
    assert code == 1
    assert "'baclofen-alcohol' has no sources" in out
    assert "too alike to tell apart" in out
    assert all(line.split(":")[1].isdigit() for line in out.splitlines()[:-1])


def test_check_reports_text_changed_since_approval(capsys, pack_dir):
    path = pack_dir / "baclofen-dose.yaml"
    data = yaml.safe_load(path.read_text())
    data["answer"] += " A new sentence."
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    code, out, _ = run(capsys, "check", str(pack_dir))
    assert code == 1 and "'baclofen-dose' was edited after approval" in out


def test_check_lists_every_load_problem(capsys, pack_dir):
    (pack_dir / "a.yaml").write_text("id: a\n", encoding="utf-8")
    (pack_dir / "b.yaml").write_text("[", encoding="utf-8")
    code, out, _ = run(capsys, "check", str(pack_dir))
    assert code == 1 and "a.yaml:1:" in out and "b.yaml:" in out


def test_coverage_passes_and_fails(capsys, pack_dir, tmp_path):
    report = tmp_path / "coverage.xml"
    code, out, _ = run(capsys, "coverage", str(pack_dir), "--junit", str(report))
    assert code == 0 and "4 of 4 answers covered" in out
    assert ET.parse(report).getroot().get("failures") == "0"
    item = dict(ANSWERS[2], not_for=["usual baclofen dose"], examples=["usual baclofen dose"])
    bad = write_pack(tmp_path / "b", answers=[item, ANSWERS[3]])
    code, out, _ = run(capsys, "coverage", "--pack", str(bad), "--junit", str(report))
    assert code == 1 and "FAIL" in out
    assert ET.parse(report).getroot().get("failures") == "1"


def test_eval_counts_and_exit_codes(capsys, pack_dir, tmp_path):
    questions = tmp_path / "q.yaml"
    questions.write_text(yaml.safe_dump({"items": [
        {"q": "baclofen dosage", "expect": ["baclofen-dose"], "tag": "short"},
        {"q": "cant breathe", "expect": ["urgent"], "tag": "urgent"},
        {"q": "what is fnd", "expect": ["baclofen-dose"], "tag": "para"},
        {"q": "capital of France", "expect": ["fallback"], "tag": "offtopic"},
    ]}), encoding="utf-8")
    code, out, _ = run(capsys, "eval", "--pack", str(pack_dir), str(questions))
    assert code == 1
    assert "wrong answer: 'what is fnd' expected baclofen-dose, got answer fmd-what-is" in out
    assert "3 of 4 right; 1 wrong answers; 0 missed urgent" in out
    code, _, _ = run(capsys, "eval", "--pack", str(pack_dir), str(questions), "--report-only")
    assert code == 0


def test_eval_rejects_unknown_ids_and_bad_files(capsys, pack_dir, tmp_path):
    questions = tmp_path / "q.yaml"
    questions.write_text("items:\n- {q: hi, expect: [no-such-id]}\n", encoding="utf-8")
    code, _, err = run(capsys, "eval", "--pack", str(pack_dir), str(questions))
    assert code == 2 and "no-such-id" in err
    questions.write_text("items: [", encoding="utf-8")
    code, _, err = run(capsys, "eval", "--pack", str(pack_dir), str(questions))
    assert code == 2 and "YAML syntax error" in err
    code, _, err = run(capsys, "eval", "--pack", str(pack_dir), str(tmp_path / "missing.yaml"))
    assert code == 2 and "cannot read" in err


@pytest.mark.parametrize("fmt", ["json", "csv", "md"])
def test_export(capsys, pack_dir, fmt, tmp_path):
    code, out, _ = run(capsys, "export", "--pack", str(pack_dir), "--format", fmt)
    assert code == 0
    for item in ANSWERS:
        assert item["question"] in out
    if fmt == "json":
        data = json.loads(out)
        assert set(data) == {"pack", "answers"}
        assert {"id", "question", "examples", "text", "status", "sources"} <= set(data["answers"][0])
    target = tmp_path / f"out.{fmt}"
    run(capsys, "export", "--pack", str(pack_dir), "--format", fmt, "-o", str(target))
    assert target.read_text(encoding="utf-8") == out


def test_schema_validates_good_files_and_rejects_bad(capsys, pack_dir):
    _, out, _ = run(capsys, "schema")
    answer_schema = json.loads(out)
    _, out, _ = run(capsys, "schema", "pack")
    pack_schema = json.loads(out)
    jsonschema.validate(yaml.safe_load((pack_dir / "pack.yaml").read_text()), pack_schema)
    for path in pack_dir.glob("baclofen-*.yaml"):
        data = json.loads(json.dumps(yaml.safe_load(path.read_text()), default=str))
        jsonschema.validate(data, answer_schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"id": "Bad Id", "question": "q", "answer": "a", "review": {"status": "draft"}}, answer_schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"id": "x", "question": "q", "answer": "a", "review": {"status": "approved"}}, answer_schema)


def test_ask_does_not_import_the_ui(pack_dir):
    code = (
        "import sys; from faqbot.cli import main; "
        f"main(['ask', '--pack', {str(pack_dir)!r}, 'baclofen dosage']); "
        "print('textual' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().endswith("False")


def test_check_shows_the_diff_since_approval_when_the_pack_is_in_git(capsys, pack_dir):
    def git(*args):
        subprocess.run(["git", *args], cwd=pack_dir, check=True, capture_output=True)

    git("init", "-q")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "approved pack")
    path = pack_dir / "baclofen-dose.yaml"
    data = yaml.safe_load(path.read_text())
    data["answer"] = data["answer"].replace("start low", "start high")
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    code, out, _ = run(capsys, "check", str(pack_dir))
    assert code == 1
    assert "'baclofen-dose' was edited after approval" in out
    assert "-Prescribers usually start low" in out and "+Prescribers usually start high" in out


def test_an_unexpected_error_is_one_line(capsys, monkeypatch, pack_dir):
    from faqbot.router import Router

    def broken(self, question):
        raise RuntimeError("boom")

    monkeypatch.setattr(Router, "route", broken)
    monkeypatch.delenv("FAQBOT_DEBUG", raising=False)
    code, out, err = run(capsys, "ask", "--pack", str(pack_dir), "hello")
    assert code == 70 and out == ""
    assert err == "faqbot: error: unexpected RuntimeError; run again with FAQBOT_DEBUG=1 for details\n"
