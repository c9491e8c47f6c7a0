"""Small answer packs written into a temporary folder, for tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from faqbot.pack import fingerprint

SETTINGS = {
    "name": "Test pack",
    "version": "1.0",
    "locale": "en-US",
    "texts": {
        "welcome": "Welcome. These answers were checked by clinicians. In an emergency, call 911.",
        "fallback": "I can't answer that one. Please ask your doctor, nurse or pharmacist.",
        "urgent": "This may be an emergency. Call 911 now.",
        "clarify": "Did you mean one of these?",
        "unreviewed": "Not yet reviewed by a clinician.",
    },
    "review_policy": {"interval_months": 12, "warn_days": 30},
    "synonyms": {
        "baclofen": ["lioresal", "ozobax", "baclofin"],
        "fmd": ["fnd", "functional neurological disorder", "functional movement disorder"],
        "alcohol": ["beer", "wine"],
    },
    "urgent": {
        "breathing": ["cant breathe", "trouble breathing", "not breathing"],
        "seizure": ["seizure", "fitting", "having a fit"],
        "suicide": ["want to die", "kill myself"],
    },
}

ANSWERS = [
    {
        "id": "baclofen-side-effects",
        "question": "What are the common side effects of baclofen?",
        "examples": ["does baclofen make you sleepy", "baclofen side effects", "is dizziness a side effect of baclofen"],
        "answer": "Baclofen can make people **sleepy**, dizzy or weak.\n\nAsk your pharmacist.",
        "not_for": ["side effects of botox"],
        "related": ["baclofen-alcohol"],
    },
    {
        "id": "baclofen-alcohol",
        "question": "Can I drink alcohol while taking baclofen?",
        "examples": ["is it ok to drink beer on baclofen", "baclofen and wine", "alcohol with baclofen"],
        "answer": "Alcohol adds to the drowsiness baclofen causes.",
        "related": ["baclofen-side-effects"],
    },
    {
        "id": "baclofen-dose",
        "question": "What dose of baclofen is usual?",
        "examples": ["how much baclofen do people take", "baclofen dosage", "usual baclofen dose"],
        "answer": "Prescribers usually start low and raise the dose slowly.",
        "not_for": ["what dose of baclofen does a child take"],
    },
    {
        "id": "fmd-what-is",
        "question": "What is functional movement disorder?",
        "examples": ["what is fnd", "explain functional movement disorder", "what does fmd mean"],
        "answer": "A problem with how the brain controls movement.",
    },
]


for _item in ANSWERS:
    _item["sources"] = [{"title": "Test source", "url": "https://example.org/" + _item["id"]}]


def approved_review(question: str, text: str, today: dt.date | None = None, months: int = 12) -> dict:
    today = today or dt.date.today()
    return {
        "status": "approved",
        "reviewer": "Dr Test Person, Neurologist",
        "reviewed": today.isoformat(),
        "next_review": (today + dt.timedelta(days=30 * months)).isoformat(),
        "fingerprint": fingerprint(question, text),
    }


def write_pack(root: Path, answers: list[dict] | None = None, settings: dict | None = None, approve: bool = True) -> Path:
    """Write a pack folder; answers are approved unless they carry a review of their own."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "pack.yaml").write_text(yaml.safe_dump(settings or SETTINGS, sort_keys=False), encoding="utf-8")
    for item in answers if answers is not None else ANSWERS:
        item = dict(item)
        if "review" not in item:
            item["review"] = approved_review(item["question"], item["answer"]) if approve else {"status": "draft"}
        (root / f"{item['id']}.yaml").write_text(yaml.safe_dump(item, sort_keys=False), encoding="utf-8")
    return root
