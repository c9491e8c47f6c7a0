"""Benchmark: pack load time and routing latency, against the naive approach.

Run `python -m faqbot.bench`. It prints figures; it asserts nothing, because
shared machines are too noisy for timed tests. Generated packs are made of
synthetic words, so the figures measure the engine, not any one pack.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process

from .pack import default_pack_dir, load_pack
from .router import Router

TEMPLATES = (
    "what is {a} {b}",
    "how does {a} affect {b}",
    "can i take {a} with {b}",
    "is {a} safe for {b}",
    "{a} {b} {c}",
    "why do i get {b} from {a}",
    "how long does {a} {c} last",
    "what should i know about {b} and {c}",
    "does {a} help {c}",
    "when to ask about {a} {b}",
    "{a} and {c} questions",
)
SETTINGS = {
    "name": "Generated pack",
    "version": "bench",
    "locale": "en",
    "texts": {
        "welcome": "Generated pack.",
        "fallback": "I can't answer that one.",
        "urgent": "Call 911 now.",
        "clarify": "Did you mean:",
        "unreviewed": "Not yet reviewed.",
    },
    "synonyms": {"medicine": ["tablet", "pill", "drug"]},
    "urgent": {"breathing": ["cant breathe", "not breathing"], "seizure": ["seizure", "fitting"]},
}


def _words(rng: random.Random, count: int) -> list[str]:
    syllables = ["ba", "clo", "fen", "tri", "mo", "zan", "pel", "dor", "vix", "ra", "lu", "sen", "ko", "tam", "gri", "nol"]
    seen: set[str] = set()
    while len(seen) < count:
        seen.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    return sorted(seen)


def generate_pack(root: Path, answers: int, seed: int = 7) -> list[str]:
    """Write a pack of `answers` draft answers with ten phrasings each; return sample questions."""
    rng = random.Random(seed)
    vocab = _words(rng, max(600, answers // 2))
    root.mkdir(parents=True, exist_ok=True)
    (root / "pack.yaml").write_text(yaml.safe_dump(SETTINGS), encoding="utf-8")
    questions = []
    chunk = []
    for index in range(answers):
        a, b, c = rng.sample(vocab, 3)
        phrasings = [t.format(a=a, b=b, c=c) for t in rng.sample(TEMPLATES, 10)]
        chunk.append({
            "id": f"answer-{index}",
            "question": phrasings[0],
            "examples": phrasings[1:],
            "answer": f"Generated answer {index} about {a}, {b} and {c}.",
            "sources": [{"title": "Generated", "url": "https://example.org/"}],
            "review": {"status": "draft"},
        })
        if len(chunk) == 100:
            (root / f"answers-{index // 100:04d}.yaml").write_text(yaml.safe_dump(chunk, sort_keys=False), encoding="utf-8")
            chunk = []
        if index % max(1, answers // 200) == 0:
            words = rng.choice(phrasings).split()
            if len(words) > 3:
                words.pop(rng.randrange(len(words)))
            questions.append(" ".join(words))
    if chunk:
        (root / "answers-last.yaml").write_text(yaml.safe_dump(chunk, sort_keys=False), encoding="utf-8")
    questions += [f"what about {w} tablets" for w in rng.sample(vocab, 50)]
    return questions


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def _latencies(call, questions: list[str], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        for q in questions:
            start = time.perf_counter()
            call(q)
            times.append((time.perf_counter() - start) * 1000)
    return times


def bench_size(answers: int, naive_questions: int) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="faqbot-bench-"))
    try:
        questions = generate_pack(folder / "pack", answers)
        loads = []
        for _ in range(3):
            start = time.perf_counter()
            pack = load_pack(folder / "pack")
            router = Router(pack, allow_drafts=True)
            loads.append(time.perf_counter() - start)
        router.route("warm up")
        ours = _latencies(router.route, questions, repeat=3)
        phrasings = [p for a in pack.answers for p in (a.question, *a.examples)]
        sample = questions[:naive_questions]
        naive = _latencies(lambda q: process.extractOne(q, phrasings, scorer=fuzz.WRatio), sample, repeat=1)
        return {
            "answers": answers,
            "phrasings": len(phrasings),
            "load_s": statistics.median(loads),
            "p50": statistics.median(ours),
            "p99": _percentile(ours, 0.99),
            "naive_p50": statistics.median(naive),
            "naive_p99": _percentile(naive, 0.99),
        }
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def cold_start(runs: int = 5) -> float | None:
    pack = default_pack_dir()
    if not (pack / "pack.yaml").exists():
        return None
    exe = [sys.executable, "-m", "faqbot", "ask", "--pack", str(pack), "--allow-drafts", "how does baclofen work"]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(exe, check=True, capture_output=True, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m faqbot.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated answer counts")
    parser.add_argument("--naive", type=int, default=60, help="questions timed for the naive approach")
    args = parser.parse_args(argv)
    print(f"{'answers':>7} {'phrasings':>9} {'load s':>7} {'p50 ms':>7} {'p99 ms':>7} {'naive p50':>9} {'naive p99':>9} {'speed-up':>8}")
    for size in (int(s) for s in args.sizes.split(",")):
        r = bench_size(size, args.naive)
        print(
            f"{r['answers']:>7} {r['phrasings']:>9} {r['load_s']:>7.2f} {r['p50']:>7.2f} {r['p99']:>7.2f} "
            f"{r['naive_p50']:>9.2f} {r['naive_p99']:>9.2f} {r['naive_p50'] / r['p50']:>7.1f}x",
            flush=True,
        )
    cold = cold_start()
    if cold is not None:
        print(f"cold start, `faqbot ask` on the bundled pack: median {cold:.3f} s of 5 runs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
