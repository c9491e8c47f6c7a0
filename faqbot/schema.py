"""JSON Schemas for pack files, so an editor can validate while typing.

They describe the same rules the loader enforces; tests check the bundled
pack against them and that they reject what the loader rejects.
"""

from __future__ import annotations

from .pack import ANSWER_KEYS, ID_PATTERN, POLICY_KEYS, REVIEW_KEYS, STATUSES, TEXT_KEYS

_TEXT = {"type": "string", "minLength": 1, "pattern": r"\S"}
_TEXTS = {"type": "array", "items": _TEXT}
_DATE = {"type": ["string", "null"], "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}

REVIEW = {
    "type": "object",
    "additionalProperties": False,
    "required": ["status"],
    "properties": {
        "status": {"enum": list(STATUSES)},
        "reviewer": {"type": ["string", "null"], "description": "Name and role of the approving clinician"},
        "reviewed": _DATE,
        "next_review": _DATE,
        "fingerprint": {"type": ["string", "null"], "pattern": r"^sha256:[0-9a-f]{64}$"},
    },
    "if": {"properties": {"status": {"const": "approved"}}},
    "then": {
        "properties": {
            "reviewer": _TEXT,
            "reviewed": {"type": "string"},
            "next_review": {"type": "string"},
            "fingerprint": {"type": "string"},
        },
        "required": ["reviewer", "reviewed", "next_review", "fingerprint"],
    },
}

ANSWER = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "question", "answer", "review"],
    "properties": {
        "id": {"type": "string", "pattern": ID_PATTERN.pattern, "description": "Stable kebab-case id"},
        "question": {**_TEXT, "description": "The vetted question, as patients see it"},
        "examples": {**_TEXTS, "description": "Other ways patients ask this question"},
        "answer": {**_TEXT, "description": "Markdown answer, served word for word"},
        "sources": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["title", "url"],
                "properties": {"title": _TEXT, "url": {"type": "string", "pattern": r"^https?://\S+$"}},
            },
        },
        "review": REVIEW,
        "related": {"type": "array", "items": {"type": "string", "pattern": ID_PATTERN.pattern}},
        "not_for": {**_TEXTS, "description": "Phrasings that must never reach this answer"},
    },
}

ANSWER_FILE = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "faqbot answer file",
    "description": "One answer, or a list of answers",
    "oneOf": [{"$ref": "#/$defs/answer"}, {"type": "array", "items": {"$ref": "#/$defs/answer"}}],
    "$defs": {"answer": ANSWER},
}

PACK_SETTINGS = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "faqbot pack.yaml",
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "version", "texts", "urgent"],
    "properties": {
        "name": _TEXT,
        "version": {"type": ["string", "number"]},
        "locale": {"type": "string"},
        "texts": {
            "type": "object",
            "additionalProperties": False,
            "required": list(TEXT_KEYS),
            "properties": {key: _TEXT for key in TEXT_KEYS},
        },
        "review_policy": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "interval_months": {"type": "integer", "minimum": 1, "maximum": 60},
                "warn_days": {"type": "integer", "minimum": 0, "maximum": 365},
            },
        },
        "synonyms": {"type": "object", "additionalProperties": _TEXTS},
        "out_of_scope": {**_TEXTS, "description": "Questions the pack never answers; they lead to the fallback"},
        "urgent": {"type": "object", "minProperties": 1, "additionalProperties": {**_TEXTS, "minItems": 1}},
    },
}

SCHEMAS = {"answer": ANSWER_FILE, "pack": PACK_SETTINGS}

