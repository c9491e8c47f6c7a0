"""How fast the chat feels: time to first screen, and suggestion time per keystroke.

Run `python benchmarks/ui_bench.py`. It prints figures and asserts nothing,
because shared machines are too noisy for timed tests. Targets: first screen
within 1 s; suggestions within 16 ms (one frame) per keystroke at 1,000 answers.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from faqbot.bench import generate_pack
from faqbot.pack import default_pack_dir, load_pack
from faqbot.router import Router

BUNDLED_QUESTIONS = (
    "can i drink beer on baclofen",
    "what is functional neurological disorder",
    "how long does baclofen take to work",
    "i missed a dose what should i do",
    "am i faking my symptoms",
    "can i drive while taking lioresal",
    "will i get better",
    "what are the side effects of baclofen",
)

COLD_START = """
import time
start = time.perf_counter()
import asyncio
from faqbot.pack import load_pack
from faqbot.router import Router
from faqbot.ui.app import FaqApp

class Timed(FaqApp):
    def on_ready(self):
        self.exit(time.perf_counter() - start)

router = Router(load_pack({pack!r}), allow_drafts=True)
app = Timed(router)
async def main():
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
    return app.return_value
print(asyncio.run(main()))
"""


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def first_screen(router: Router, runs: int) -> list[float]:
    """Seconds from building the app to its first screen being ready, in this process."""
    from faqbot.ui.app import FaqApp

    class Timed(FaqApp):
        def on_ready(self) -> None:
            self.ready_at = time.perf_counter()

    async def once() -> float:
        start = time.perf_counter()
        app = Timed(router)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
        return app.ready_at - start

    return [asyncio.run(once()) for _ in range(runs)]


def cold_start(pack: Path, runs: int) -> list[float]:
    """Seconds from a fresh interpreter to the first screen, imports and pack load included."""
    times = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", COLD_START.format(pack=str(pack))],
            capture_output=True, text=True, timeout=120, check=True,
        )
        times.append(float(out.stdout.strip().splitlines()[-1]))
    return times


def keystrokes(router: Router, questions, repeat: int) -> list[float]:
    """Milliseconds per router.suggest call, for every prefix typed char by char."""
    prefixes = [q[:n] for q in questions for n in range(1, len(q) + 1)]
    router.suggest("warm up the caches")
    times = []
    for _ in range(repeat):
        for prefix in prefixes:
            start = time.perf_counter()
            router.suggest(prefix)
            times.append((time.perf_counter() - start) * 1000)
    return times


def report(name: str, values: list[float], unit: str) -> None:
    print(
        f"  {name:<34} median {statistics.median(values):8.2f} {unit}"
        f"   p99 {percentile(values, 0.99):8.2f} {unit}   max {max(values):8.2f} {unit}   (n={len(values)})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="app starts to time (default 5)")
    parser.add_argument("--repeat", type=int, default=3, help="passes over the typed questions (default 3)")
    parser.add_argument("--answers", type=int, default=1000, help="size of the generated pack (default 1000)")
    args = parser.parse_args(argv)

    bundled_dir = default_pack_dir()
    bundled = Router(load_pack(bundled_dir), allow_drafts=True)
    with tempfile.TemporaryDirectory() as tmp:
        generated_dir = Path(tmp) / "generated"
        samples = generate_pack(generated_dir, args.answers)
        generated = Router(load_pack(generated_dir), allow_drafts=True)
        typed = [q for q in samples if len(q.split()) >= 3][:12]

        print(f"First screen (target: under 1 s), bundled pack of {len(bundled.answers)} answers")
        report("app built -> ready (in process)", [t * 1000 for t in first_screen(bundled, args.runs)], "ms")
        report("fresh python -> ready (cold)", [t * 1000 for t in cold_start(bundled_dir, args.runs)], "ms")
        print(f"First screen, generated pack of {len(generated.answers)} answers")
        report("app built -> ready (in process)", [t * 1000 for t in first_screen(generated, args.runs)], "ms")
        report("fresh python -> ready (cold)", [t * 1000 for t in cold_start(generated_dir, args.runs)], "ms")

        print("Suggestions per keystroke (target: under 16 ms)")
        report(f"bundled pack ({len(bundled.answers)} answers)", keystrokes(bundled, BUNDLED_QUESTIONS, args.repeat), "ms")
        report(f"generated pack ({len(generated.answers)} answers)", keystrokes(generated, typed, args.repeat), "ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
