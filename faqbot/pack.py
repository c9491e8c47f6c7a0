"""The answer pack: vetted texts loaded from a folder of YAML files.

A pack loads whole or not at all. Every structural problem is collected with
its `file:line`, and any problem means no `Pack` is returned, so a front end
can never serve from a half-read folder.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .yamlfile import Located, LocatedList, YamlProblem, read_yaml

SETTINGS_FILE = "pack.yaml"
STATUSES = ("draft", "approved", "retired")
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_ANSWER_FILES = 5_000

PACK_KEYS = {"name", "version", "locale", "texts", "synonyms", "urgent", "review_policy", "out_of_scope"}
TEXT_KEYS = ("welcome", "fallback", "urgent", "clarify", "unreviewed")
POLICY_KEYS = {"interval_months", "warn_days"}
ANSWER_KEYS = {"id", "question", "examples", "answer", "sources", "review", "related", "not_for"}
REQUIRED_ANSWER_KEYS = ("id", "question", "answer", "review")
REVIEW_KEYS = {"status", "reviewer", "reviewed", "next_review", "fingerprint"}
SOURCE_KEYS = {"title", "url"}


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a look) in a pack, pointing at file and line."""

    path: Path
    line: int
    message: str
    severity: str = "error"
    detail: str = ""   # more lines to show under the message, such as a diff

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line else str(self.path)

    def __str__(self) -> str:
        return f"{self.where}: {self.severity}: {self.message}"


class PackError(Exception):
    """The pack cannot be loaded; `problems` says every reason found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        first = problems[0] if problems else "unknown problem"
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"{first}{more}")


@dataclass(frozen=True)
class Source:
    title: str
    url: str


@dataclass(frozen=True)
class Review:
    status: str = "draft"
    reviewer: str | None = None
    reviewed: dt.date | None = None
    next_review: dt.date | None = None
    fingerprint: str | None = None


@dataclass(frozen=True)
class Answer:
    id: str
    question: str
    text: str
    examples: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()
    review: Review = Review()
    related: tuple[str, ...] = ()
    not_for: tuple[str, ...] = ()
    path: Path = Path(".")
    line: int = 0

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.question, self.text)

    def state(self, today: dt.date) -> str:
        """Why this answer may or may not be served: ok, draft, retired, changed or overdue."""
        review = self.review
        if review.status == "retired":
            return "retired"
        if review.status == "draft":
            return "draft"
        if review.fingerprint != self.fingerprint:
            return "changed"
        if review.next_review is None or review.next_review < today:
            return "overdue"
        return "ok"


@dataclass(frozen=True)
class Texts:
    welcome: str
    fallback: str
    urgent: str
    clarify: str
    unreviewed: str


@dataclass(frozen=True)
class ReviewPolicy:
    interval_months: int = 12
    warn_days: int = 30


@dataclass(frozen=True)
class Pack:
    name: str
    version: str
    locale: str
    texts: Texts
    answers: tuple[Answer, ...]
    synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    urgent: dict[str, tuple[str, ...]] = field(default_factory=dict)
    policy: ReviewPolicy = ReviewPolicy()
    out_of_scope: tuple[str, ...] = ()
    root: Path = Path(".")

    def by_id(self) -> dict[str, Answer]:
        return {answer.id: answer for answer in self.answers}

    def servable(self, today: dt.date, allow_drafts: bool = False) -> tuple[Answer, ...]:
        """The answers that may be shown today: approved and current, plus drafts if allowed."""
        allowed = {"ok", "draft"} if allow_drafts else {"ok"}
        return tuple(a for a in self.answers if a.state(today) in allowed)


def normalize_text(text: str) -> str:
    """The form of a text that a fingerprint covers: NFC, LF line ends, no trailing blanks."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.strip().split("\n"))


def fingerprint(question: str, text: str) -> str:
    """Bind an approval to the exact question and answer wording."""
    body = normalize_text(question) + "\n\n" + normalize_text(text)
    return "sha256:" + hashlib.sha256(body.encode("utf-8")).hexdigest()


class _Collector:
    """Gathers problems while reading so one run reports all of them."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, path: Path, line: int, message: str) -> None:
        self.problems.append(Problem(path, line, message))

    def text(self, path: Path, node: Located, key: str, required: bool = True) -> str | None:
        value = node.get(key)
        if value is None:
            if required:
                self.add(path, node.line, f"'{key}' is missing")
            return None
        if not isinstance(value, str) or not value.strip():
            self.add(path, node.line_of(key), f"'{key}' must be non-empty text")
            return None
        return value

    def texts(self, path: Path, node: Located, key: str) -> tuple[str, ...]:
        value = node.get(key)
        if value is None:
            return ()
        if not isinstance(value, list):
            self.add(path, node.line_of(key), f"'{key}' must be a list of texts")
            return ()
        good = []
        for index, item in enumerate(value):
            if isinstance(item, str) and item.strip():
                good.append(item)
            else:
                line = value.item_lines[index] if isinstance(value, LocatedList) else node.line_of(key)
                self.add(path, line, f"'{key}' item {index + 1} must be non-empty text")
        return tuple(good)

    def unknown_keys(self, path: Path, node: Located, allowed: set[str], where: str) -> None:
        for key in node:
            if key not in allowed:
                hint = ", ".join(sorted(allowed))
                self.add(path, node.line_of(key), f"unknown key '{key}' in {where} (expected one of: {hint})")


def _read_settings(root: Path, out: _Collector) -> dict | None:
    path = root / SETTINGS_FILE
    if not path.is_file():
        out.add(path, 0, f"no {SETTINGS_FILE}: every pack needs one for its name, texts and urgent triggers")
        return None
    try:
        data = read_yaml(path)
    except YamlProblem as exc:
        out.add(exc.path, exc.line, exc.message)
        return None
    if not isinstance(data, Located):
        out.add(path, 1, "pack settings must be a mapping")
        return None
    out.unknown_keys(path, data, PACK_KEYS, "pack settings")
    name = out.text(path, data, "name")
    version = data.get("version")
    if isinstance(version, (int, float)):
        version = str(version)
    if not isinstance(version, str) or not version.strip():
        out.add(path, data.line_of("version"), "'version' must be non-empty text")
    locale = data.get("locale", "en")
    if not isinstance(locale, str):
        out.add(path, data.line_of("locale"), "'locale' must be text such as en-US")
    texts = data.get("texts")
    found_texts = {}
    if not isinstance(texts, Located):
        out.add(path, data.line_of("texts"), f"'texts' must be a mapping with {', '.join(TEXT_KEYS)}")
    else:
        out.unknown_keys(path, texts, set(TEXT_KEYS), "texts")
        for key in TEXT_KEYS:
            found_texts[key] = out.text(path, texts, key)
    synonyms = _read_phrase_map(path, data, "synonyms", out)
    out_of_scope = out.texts(path, data, "out_of_scope")
    urgent = _read_phrase_map(path, data, "urgent", out)
    if "urgent" in data and not urgent:
        out.add(path, data.line_of("urgent"), "'urgent' has no triggers")
    elif "urgent" not in data:
        out.add(path, data.line, "'urgent' is missing: a pack must say which questions are emergencies")
    policy = ReviewPolicy()
    raw_policy = data.get("review_policy")
    if raw_policy is not None:
        if not isinstance(raw_policy, Located):
            out.add(path, data.line_of("review_policy"), "'review_policy' must be a mapping")
        else:
            out.unknown_keys(path, raw_policy, POLICY_KEYS, "review_policy")
            months = raw_policy.get("interval_months", policy.interval_months)
            warn = raw_policy.get("warn_days", policy.warn_days)
            if not isinstance(months, int) or isinstance(months, bool) or not 1 <= months <= 60:
                out.add(path, raw_policy.line_of("interval_months"), "'interval_months' must be a whole number from 1 to 60")
            elif not isinstance(warn, int) or isinstance(warn, bool) or not 0 <= warn <= 365:
                out.add(path, raw_policy.line_of("warn_days"), "'warn_days' must be a whole number from 0 to 365")
            else:
                policy = ReviewPolicy(months, warn)
    return {
        "name": name,
        "version": version,
        "locale": locale,
        "texts": found_texts,
        "synonyms": synonyms,
        "urgent": urgent,
        "policy": policy,
        "out_of_scope": out_of_scope,
    }


def _read_phrase_map(path: Path, data: Located, key: str, out: _Collector) -> dict[str, tuple[str, ...]]:
    value = data.get(key)
    if value is None:
        return {}
    if not isinstance(value, Located):
        out.add(path, data.line_of(key), f"'{key}' must map a name to a list of phrases")
        return {}
    result = {}
    for name in value:
        phrases = out.texts(path, value, name)
        if not phrases and not isinstance(value[name], list):
            continue
        result[name] = phrases
    return result


def _read_date(path: Path, node: Located, key: str, out: _Collector) -> dt.date | None:
    value = node.get(key)
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    out.add(path, node.line_of(key), f"'{key}' must be a date written YYYY-MM-DD")
    return None


def _read_review(path: Path, node: Located, out: _Collector) -> Review:
    raw = node.get("review")
    if not isinstance(raw, Located):
        if raw is not None:
            out.add(path, node.line_of("review"), "'review' must be a mapping with a status")
        return Review()
    out.unknown_keys(path, raw, REVIEW_KEYS, "review")
    status = raw.get("status")
    if status not in STATUSES:
        out.add(path, raw.line_of("status"), f"review status must be one of {', '.join(STATUSES)}")
        status = "draft"
    reviewer = raw.get("reviewer")
    if reviewer is not None and (not isinstance(reviewer, str) or not reviewer.strip()):
        out.add(path, raw.line_of("reviewer"), "'reviewer' must be a name and role, such as 'Dr A Patel, Neurologist'")
        reviewer = None
    reviewed = _read_date(path, raw, "reviewed", out)
    next_review = _read_date(path, raw, "next_review", out)
    fp = raw.get("fingerprint")
    if fp is not None and not (isinstance(fp, str) and re.fullmatch(r"sha256:[0-9a-f]{64}", fp)):
        out.add(path, raw.line_of("fingerprint"), "'fingerprint' must be 'sha256:' and 64 hex digits")
        fp = None
    if status == "approved":
        for key, value in (("reviewer", reviewer), ("reviewed", reviewed), ("next_review", next_review), ("fingerprint", fp)):
            if value is None:
                out.add(path, raw.line, f"an approved answer needs review '{key}'")
    return Review(status, reviewer, reviewed, next_review, fp)


def _read_sources(path: Path, node: Located, out: _Collector) -> tuple[Source, ...]:
    raw = node.get("sources")
    if raw is None:
        return ()
    if not isinstance(raw, list):
        out.add(path, node.line_of("sources"), "'sources' must be a list of {title, url}")
        return ()
    sources = []
    for item in raw:
        if not isinstance(item, Located):
            out.add(path, node.line_of("sources"), "each source needs a 'title' and a 'url'")
            continue
        out.unknown_keys(path, item, SOURCE_KEYS, "source")
        title = out.text(path, item, "title")
        url = out.text(path, item, "url")
        if url and not re.match(r"^https?://\S+$", url.strip()):
            out.add(path, item.line_of("url"), f"source url must start with http:// or https://: {url!r}")
        if title and url:
            sources.append(Source(title.strip(), url.strip()))
    return tuple(sources)


def _read_answer(path: Path, node, out: _Collector) -> Answer | None:
    if not isinstance(node, Located):
        out.add(path, getattr(node, "line", 1), "an answer must be a mapping with id, question, answer and review")
        return None
    before = len(out.problems)
    out.unknown_keys(path, node, ANSWER_KEYS, "answer")
    answer_id = out.text(path, node, "id")
    if answer_id is not None and not ID_PATTERN.match(answer_id):
        out.add(path, node.line_of("id"), f"id '{answer_id}' must be kebab-case (lowercase words joined by '-')")
    question = out.text(path, node, "question")
    text = out.text(path, node, "answer")
    if "review" not in node:
        out.add(path, node.line, "'review' is missing: every answer needs a review status")
    review = _read_review(path, node, out)
    answer = Answer(
        id=answer_id or "",
        question=(question or "").strip(),
        text=(text or "").strip(),
        examples=tuple(e.strip() for e in out.texts(path, node, "examples")),
        sources=_read_sources(path, node, out),
        review=review,
        related=out.texts(path, node, "related"),
        not_for=tuple(e.strip() for e in out.texts(path, node, "not_for")),
        path=path,
        line=node.line,
    )
    return answer if len(out.problems) == before else None


def answer_files(root: Path) -> list[Path]:
    """Every answer file in a pack, in a stable order (sorted relative paths)."""
    files = [
        p for p in root.rglob("*")
        if p.suffix in (".yaml", ".yml") and p.is_file() and p.name != SETTINGS_FILE
        and not any(part.startswith(".") for part in p.relative_to(root).parts)
    ]
    return sorted(files, key=lambda p: p.relative_to(root).as_posix())


def load_pack(root: Path | str) -> Pack:
    """Load a pack folder, or raise PackError listing every problem found."""
    root = Path(root)
    out = _Collector()
    if not root.is_dir():
        raise PackError([Problem(root, 0, "pack folder not found")])
    settings = _read_settings(root, out)
    answers: list[Answer] = []
    files = answer_files(root)
    if len(files) > MAX_ANSWER_FILES:
        out.add(root, 0, f"more than {MAX_ANSWER_FILES} answer files")
        files = files[:MAX_ANSWER_FILES]
    for path in files:
        try:
            data = read_yaml(path)
        except YamlProblem as exc:
            out.add(exc.path, exc.line, exc.message)
            continue
        if data is None:
            out.add(path, 1, "file is empty")
            continue
        nodes = data if isinstance(data, list) else [data]
        for node in nodes:
            answer = _read_answer(path, node, out)
            if answer is not None:
                answers.append(answer)
    seen: dict[str, Answer] = {}
    for answer in answers:
        if answer.id in seen:
            first = seen[answer.id]
            out.add(answer.path, answer.line, f"duplicate id '{answer.id}' (first at {first.path}:{first.line})")
        else:
            seen[answer.id] = answer
    for answer in answers:
        for rel in answer.related:
            if rel not in seen:
                out.add(answer.path, answer.line, f"'{answer.id}' has unknown related id '{rel}'")
            elif rel == answer.id:
                out.add(answer.path, answer.line, f"'{answer.id}' lists itself as related")
    if not answers and not out.problems:
        out.add(root, 0, "pack has no answers")
    if out.problems or settings is None:
        raise PackError(out.problems)
    return Pack(
        name=settings["name"].strip(),
        version=settings["version"].strip(),
        locale=settings["locale"],
        texts=Texts(**{k: v.strip() for k, v in settings["texts"].items()}),
        answers=tuple(answers),
        synonyms=settings["synonyms"],
        urgent=settings["urgent"],
        policy=settings["policy"],
        out_of_scope=settings["out_of_scope"],
        root=root,
    )


def default_pack_dir() -> Path:
    """The bundled pack, beside the package in a checkout or editable install."""
    return Path(__file__).resolve().parent.parent / "answers"
