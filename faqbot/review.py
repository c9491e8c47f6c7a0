"""Clinician sign-off: who approved which wording, until when.

An approval is written into the answer's own YAML file so it travels with the
text it covers. Answer files are edited by people, so an approval must touch
only the lines of that answer's `review:` block: comments, key order, quoting
and blank lines elsewhere stay byte for byte. Every write is checked by
loading the pack again; if the result is not exactly what was asked for, the
original bytes go back and nothing changes.
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import json
import os
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from .pack import Answer, Pack, PackError, fingerprint, load_pack

REVIEW_ORDER = ("status", "reviewer", "reviewed", "next_review", "fingerprint")
REVIEWER_PATTERN = re.compile(r"^[^,\n]*[^\W\d_][^,\n]*,\s*[^,\n]*[^\W\d_][^\n]*$")
MAX_REVIEWER_CHARS = 120
GIT_TIMEOUT = 5.0        # seconds per git call; history is a nicety, never a wait
GIT_MAX_COMMITS = 200


class ReviewError(Exception):
    """A sign-off that cannot be done; the message is one line for the command."""


@dataclass(frozen=True)
class ReviewRow:
    """One answer's review position, as `faqbot review list` shows it."""

    id: str
    status: str
    state: str
    reviewer: str | None
    reviewed: dt.date | None
    next_review: dt.date | None
    days_left: int | None
    changed: bool
    where: str

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "status": self.status,
            "state": self.state,
            "served": self.state == "ok",
            "reviewer": self.reviewer,
            "reviewed": self.reviewed.isoformat() if self.reviewed else None,
            "next_review": self.next_review.isoformat() if self.next_review else None,
            "days_left": self.days_left,
            "changed": self.changed,
            "file": self.where,
        }


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day of the month `months` later; the 31st becomes the month's last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def text_changed(answer: Answer) -> bool:
    """Whether the question or answer wording differs from what was approved."""
    return answer.review.fingerprint is not None and answer.review.fingerprint != answer.fingerprint


def review_rows(
    pack: Pack,
    today: dt.date | None = None,
    drafts: bool = False,
    overdue: bool = False,
    due_within: int | None = None,
) -> list[ReviewRow]:
    """Every answer's review position; any filter given keeps rows matching at least one."""
    today = today or dt.date.today()
    rows = []
    for answer in pack.answers:
        review = answer.review
        state = answer.state(today)
        days_left = (review.next_review - today).days if review.next_review else None
        wanted = not (drafts or overdue or due_within is not None)
        if drafts and state == "draft":
            wanted = True
        if overdue and state == "overdue":
            wanted = True
        if (
            due_within is not None
            and review.status == "approved"
            and state in ("ok", "overdue")
            and (days_left is None or days_left <= due_within)
        ):
            wanted = True
        if not wanted:
            continue
        rows.append(ReviewRow(
            id=answer.id,
            status=review.status,
            state=state,
            reviewer=review.reviewer,
            reviewed=review.reviewed,
            next_review=review.next_review,
            days_left=days_left,
            changed=text_changed(answer),
            where=f"{_shown_path(answer.path, pack.root)}:{answer.line}",
        ))
    return rows


def _shown_path(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def check_reviewer(by: str | None) -> str:
    """The approver as "Name, Role", tidied; anything else is refused."""
    if by is None:
        raise ReviewError('say who approves: --by "Name, Role"')
    if any(ord(ch) < 32 or ch in "\u2028\u2029\x85" for ch in by):
        raise ReviewError("--by must be one line of plain text")
    tidy = re.sub(r"\s*,\s*", ", ", " ".join(by.split()))
    if len(tidy) > MAX_REVIEWER_CHARS or not REVIEWER_PATTERN.match(tidy):
        raise ReviewError(f'--by must look like "Name, Role" (for example "Dr A Patel, Neurologist"), not {by!r}')
    return tidy


def approve(pack_dir: Path | str, ids: list[str], by: str, today: dt.date | None = None) -> list[Answer]:
    """Record a clinician's approval of the exact current wording of each answer."""
    today = today or dt.date.today()
    reviewer = check_reviewer(by)
    pack = _load(pack_dir)
    answers = _find(pack, ids)
    for answer in answers:
        if answer.review.status == "retired":
            raise ReviewError(f"'{answer.id}' is retired; revoke it first to bring it back as a draft")
    records = {
        answer.id: {
            "status": "approved",
            "reviewer": reviewer,
            "reviewed": today,
            "next_review": add_months(today, pack.policy.interval_months),
            "fingerprint": fingerprint(answer.question, answer.text),
        }
        for answer in answers
    }
    return _apply(pack, answers, records, expect="ok", today=today)


def revoke(pack_dir: Path | str, ids: list[str], today: dt.date | None = None) -> list[Answer]:
    """Take answers back to draft: they stop being served until approved again."""
    today = today or dt.date.today()
    pack = _load(pack_dir)
    answers = _find(pack, ids)
    blank = dict.fromkeys(REVIEW_ORDER)
    records = {answer.id: {**blank, "status": "draft"} for answer in answers}
    return _apply(pack, answers, records, expect="draft", today=today)


def _load(pack_dir: Path | str) -> Pack:
    try:
        return load_pack(pack_dir)
    except PackError as exc:
        first = exc.problems[0]
        raise ReviewError(f"cannot load pack: {first.path}:{first.line}: {first.message}") from None


def _find(pack: Pack, ids: list[str]) -> list[Answer]:
    """The answers named, in order, without repeats; every id must exist."""
    if not ids:
        raise ReviewError("name at least one answer id")
    by_id = pack.by_id()
    unknown = [i for i in ids if i not in by_id]
    if unknown:
        raise ReviewError(f"no answer with id {', '.join(repr(i) for i in unknown)} in {pack.root}")
    return [by_id[i] for i in dict.fromkeys(ids)]


def _apply(pack: Pack, answers: list[Answer], records: dict[str, dict], expect: str, today: dt.date) -> list[Answer]:
    """Edit every file involved, then prove the pack says exactly that, or put it all back."""
    by_file: dict[Path, list[Answer]] = {}
    for answer in answers:
        by_file.setdefault(answer.path, []).append(answer)
    originals: dict[Path, bytes] = {}
    edited: dict[Path, bytes] = {}
    for path, in_file in by_file.items():
        try:
            raw = path.read_bytes()
            bom = b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b""
            text = raw[len(bom):].decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ReviewError(f"cannot read {path}: {exc}") from None
        originals[path] = raw
        for answer in sorted(in_file, key=lambda a: a.line, reverse=True):  # bottom up: lines above stay put
            text = edit_review(text, answer.id, records[answer.id], line=answer.line)
        edited[path] = bom + text.encode("utf-8")
    written: list[Path] = []
    try:
        for path, data in edited.items():
            _write_atomic(path, data)
            written.append(path)
        after = load_pack(pack.root)
        _verify(pack, after, records, expect, today)
    except (OSError, PackError, ReviewError) as exc:
        for path in written:
            try:
                _write_atomic(path, originals[path])
            except OSError:
                pass
        if isinstance(exc, PackError):
            first = exc.problems[0]
            reason = f"the edited pack would not load ({first.path}:{first.line}: {first.message})"
        else:
            reason = str(exc)
        raise ReviewError(f"nothing changed: {reason}") from None
    by_id = after.by_id()
    return [by_id[a.id] for a in answers]


def _verify(before: Pack, after: Pack, records: dict[str, dict], expect: str, today: dt.date) -> None:
    """Only the review records asked for changed, and each answer is now in the state expected."""
    old, new = before.by_id(), after.by_id()
    if set(old) != set(new):
        raise ReviewError("the set of answers changed while editing")
    for answer_id, answer in old.items():
        now = new[answer_id]
        for name in ("question", "text", "examples", "sources", "related", "not_for"):
            if getattr(answer, name) != getattr(now, name):
                raise ReviewError(f"'{answer_id}' {name} changed while editing")
        if answer_id not in records:
            if answer.review != now.review:
                raise ReviewError(f"'{answer_id}' review changed while editing")
            continue
        wanted = records[answer_id]
        got = now.review
        for key in REVIEW_ORDER:
            if getattr(got, key) != wanted[key]:
                raise ReviewError(f"'{answer_id}' review {key} did not read back as written")
        if now.state(today) != expect:
            raise ReviewError(f"'{answer_id}' is {now.state(today)} after the edit, not {expect}")


def _write_atomic(path: Path, data: bytes) -> None:
    """Replace a file in one step, so a crash leaves the old file or the new one."""
    mode = path.stat().st_mode & 0o7777 if path.exists() else None
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


# --- The surgical edit -------------------------------------------------------


def _scalar(key: str, value) -> str:
    """A review value as YAML that reads back to exactly that value."""
    if value is None:
        return "null"
    if isinstance(value, dt.date):
        return value.isoformat()
    if key == "reviewer":
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _content_end(node: yaml.Node) -> int:
    """Where a node's own text ends, before any comments or blank lines after it."""
    if isinstance(node, yaml.ScalarNode) or getattr(node, "flow_style", False) or not node.value:
        return node.end_mark.index
    last = node.value[-1]
    return _content_end(last[1] if isinstance(node, yaml.MappingNode) else last)


def _line_end(text: str, index: int) -> int:
    """The start of the line after `index` (or the end of the text)."""
    if index > 0 and text[index - 1] == "\n":
        return index
    found = text.find("\n", index)
    return len(text) if found < 0 else found + 1


def _simple_block(node: yaml.Node) -> bool:
    """A block mapping of one-line plain or quoted values: editable value by value."""
    if not isinstance(node, yaml.MappingNode) or node.flow_style or not node.value:
        return False
    for key, value in node.value:
        if not isinstance(key, yaml.ScalarNode) or key.value not in REVIEW_ORDER:
            return False
        if not isinstance(value, yaml.ScalarNode) or value.style in ("|", ">"):
            return False
        if value.start_mark.line != value.end_mark.line or value.start_mark.line != key.start_mark.line:
            return False
    return True


def _find_answer_node(root: yaml.Node, answer_id: str, line: int | None) -> yaml.MappingNode:
    items = root.value if isinstance(root, yaml.SequenceNode) else [root]
    found = []
    for item in items:
        if not isinstance(item, yaml.MappingNode):
            continue
        for key, value in item.value:
            if isinstance(key, yaml.ScalarNode) and key.value == "id" and isinstance(value, yaml.ScalarNode) \
                    and value.value.strip() == answer_id:
                found.append(item)
    if len(found) != 1:
        raise ReviewError(f"cannot find exactly one answer '{answer_id}' in its file")
    if line is not None and found[0].start_mark.line + 1 != line:
        raise ReviewError(f"'{answer_id}' has moved in its file since the pack was loaded; try again")
    return found[0]


def edit_review(text: str, answer_id: str, record: dict, line: int | None = None) -> str:
    """Return `text` with only the review record of `answer_id` rewritten to `record`.

    `line` is where the pack loader found the answer; a mismatch means the file
    changed underneath us, and editing it would be guesswork.
    """
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise ReviewError(f"cannot read the file of '{answer_id}': {exc}") from None
    if root is None:
        raise ReviewError(f"the file of '{answer_id}' is empty")
    node = _find_answer_node(root, answer_id, line)
    if node.flow_style:
        raise ReviewError(f"'{answer_id}' is written in flow style {{...}}; write it as a block mapping to approve it")
    newline = "\r\n" if "\r\n" in text else "\n"
    review_key = review_value = None
    for key, value in node.value:
        if isinstance(key, yaml.ScalarNode) and key.value == "review":
            review_key, review_value = key, value

    if review_value is not None and _simple_block(review_value):
        present = {k.value: v for k, v in review_value.value}
        edits = []
        for key, value in present.items():
            start, end = value.start_mark.index, value.end_mark.index
            gap = "" if text[start - 1] in " \t" else " "  # an empty value sits right after the colon
            edits.append((start, end, gap + _scalar(key, record[key])))
        missing = [k for k in REVIEW_ORDER if k not in present]
        if missing:
            indent = " " * review_value.value[0][0].start_mark.column
            at = _line_end(text, _content_end(review_value))
            lead = "" if at == 0 or text[at - 1] == "\n" else newline
            lines = "".join(f"{indent}{k}: {_scalar(k, record[k])}{newline}" for k in missing)
            edits.append((at, at, lead + lines))
        for start, end, new in sorted(edits, reverse=True):
            text = text[:start] + new + text[end:]
        return text

    if review_key is not None:
        # Anything unusual (null, flow style, nested oddities): rewrite the whole entry.
        column = review_key.start_mark.column
        start = review_key.start_mark.index
        end = _line_end(text, _content_end(review_value))
        prefix = ""
    else:
        column = node.value[0][0].start_mark.column
        start = end = _line_end(text, _content_end(node))
        prefix = " " * column
        if start > 0 and text[start - 1] != "\n":
            prefix = newline + prefix
    child = " " * (column + 2)
    block = prefix + "review:" + newline + "".join(
        f"{child}{k}: {_scalar(k, record[k])}{newline}" for k in REVIEW_ORDER
    )
    return text[:start] + block + text[end:]


# --- What changed since approval --------------------------------------------


def _git(args: list[str], cwd: Path) -> str | None:
    try:
        done = subprocess.run(
            ["git", *args],
            cwd=cwd,
            capture_output=True,
            timeout=GIT_TIMEOUT,
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0"},
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.SubprocessError, ValueError):
        return None
    if done.returncode != 0:
        return None
    return done.stdout.decode("utf-8", "replace")


def _approved_version(text: str, answer_id: str, wanted: str) -> tuple[str, str] | None:
    """The question and answer of `answer_id` in an old file, if they match the approved fingerprint."""
    try:
        data = yaml.safe_load(text.lstrip("\ufeff"))
    except yaml.YAMLError:
        return None
    for item in data if isinstance(data, list) else [data]:
        if not isinstance(item, dict) or item.get("id") != answer_id:
            continue
        question, body = item.get("question"), item.get("answer")
        if isinstance(question, str) and isinstance(body, str) and fingerprint(question, body) == wanted:
            return question.strip(), body.strip()
    return None


def approval_diff(answer: Answer) -> str | None:
    """A unified diff from the approved wording to the current one, found in git history.

    Returns None when the wording is unchanged, the pack is not in git, or no
    committed version matches the approved fingerprint. Never raises.
    """
    try:
        wanted = answer.review.fingerprint
        if not wanted or wanted == answer.fingerprint:
            return None
        folder = answer.path.parent
        if _git(["rev-parse", "--is-inside-work-tree"], folder) is None:
            return None
        log = _git(["log", f"-n{GIT_MAX_COMMITS}", "--format=%H", "--", answer.path.name], folder)
        if not log:
            return None
        for commit in log.split():
            old = _git(["show", f"{commit}:./{answer.path.name}"], folder)
            if old is None:
                continue
            found = _approved_version(old, answer.id, wanted)
            if found is None:
                continue
            before = f"{found[0]}\n\n{found[1]}\n".splitlines(keepends=True)
            after = f"{answer.question}\n\n{answer.text}\n".splitlines(keepends=True)
            diff = difflib.unified_diff(
                before, after, fromfile=f"{answer.id} (approved, {commit[:10]})", tofile=f"{answer.id} (now)"
            )
            return "".join(diff) or None
        return None
    except Exception:  # noqa: BLE001 - history is an aid for the reviewer; never fail the check
        return None
