"""How many browser sessions can one machine serve? A measurement, not a test.

Starts `faqbot serve` on a free loopback port and opens sessions the way the
page does (a websocket speaking textual-serve's small JSON protocol). For each
number of open sessions it records the memory of the per-session processes
(RSS and PSS from /proc), their idle CPU, and the reply latency (Enter
pressed to the answer's words arriving) when every session asks at the same
moment (--spread 0, the worst case) or at random moments within a window
(--spread 10: people at a screen do not all press Enter together). Everything stays on 127.0.0.1; every wait is bounded.

    .venv/bin/python benchmarks/serve_load.py --levels 1,5,10,20,30,40
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from packs import SETTINGS, approved_review, write_pack  # noqa: E402

QUESTION = "How long should I walk each day?"
ANSWER_WORDS = b"Walk gently"
ANSI = re.compile(rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>]")
F5 = "\x1b[15~"


def make_pack(folder: Path) -> Path:
    answers = [
        {"id": "walking-daily", "question": QUESTION,
         "examples": ["how much walking should i do", "how far should i walk every day"],
         "answer": "Walk gently for twenty minutes every morning.",
         "sources": [{"title": "Leaflet", "url": "https://example.org/walking"}]},
        {"id": "sleep-hours", "question": "How many hours should I sleep?",
         "examples": ["how much sleep do i need"],
         "answer": "Most adults need seven to nine hours of sleep.",
         "sources": [{"title": "Leaflet", "url": "https://example.org/sleep"}]},
    ]
    for answer in answers:
        answer["review"] = approved_review(answer["question"], answer["answer"])
    return write_pack(folder, answers, dict(SETTINGS, name="Load test clinic"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], list(children.get(root, []))
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def session_pids(server_pid: int) -> list[int]:
    """The Python processes running a session (not the shells that started them)."""
    pids = []
    for pid in descendants(server_pid):
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if any(part.endswith(b"faqbot") for part in cmd) and b"-c" not in cmd[:2]:
            pids.append(pid)
    return pids


def memory_kib(pid: int) -> tuple[int, int]:
    """(RSS, PSS) in KiB; PSS shares pages fairly between processes."""
    rss = pss = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Rss:"):
                rss = int(line.split()[1])
            elif line.startswith("Pss:"):
                pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss


def cpu_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    except (OSError, IndexError, ValueError):
        return 0


class Session:
    """One browser tab's worth of protocol: keys in, screen bytes out."""

    def __init__(self, http: aiohttp.ClientSession, url: str):
        self.http, self.url = http, url
        self.buffer = b""
        self.changed = asyncio.Event()

    async def open(self, timeout: float) -> float:
        started = time.perf_counter()
        self.ws = await self.http.ws_connect(self.url + "?width=100&height=30", max_msg_size=0)
        await self.ws.send_json(["resize", {"width": 100, "height": 30}])
        self.reader = asyncio.create_task(self._read())
        await self.wait_for(b"Press any key", timeout)
        return time.perf_counter() - started

    async def _read(self) -> None:
        async for message in self.ws:
            if message.type == aiohttp.WSMsgType.BINARY:
                self.buffer = (self.buffer + message.data)[-200_000:]
                self.changed.set()

    def mark(self) -> None:
        self.buffer = b""

    async def wait_for(self, words: bytes, timeout: float) -> None:
        deadline = time.perf_counter() + timeout
        while words not in ANSI.sub(b"", self.buffer):
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError(words.decode())
            self.changed.clear()
            try:
                await asyncio.wait_for(self.changed.wait(), left)
            except asyncio.TimeoutError:
                pass

    async def send(self, text: str) -> None:
        await self.ws.send_json(["stdin", text])

    async def ready_to_ask(self, timeout: float) -> None:
        """Start over, wake the kiosk, wait for the question box."""
        await self.send(F5)  # on the attract screen already, this redraws nothing: so no wait for words
        await asyncio.sleep(0.3)
        self.mark()
        await self.send("\r")
        await self.wait_for(b"Type your question", timeout)
        await asyncio.sleep(0.3)

    async def ask(self, timeout: float, spread: float = 0.0) -> float:
        if spread:
            await asyncio.sleep(random.uniform(0, spread))
        await self.send(QUESTION)
        await asyncio.sleep(0.3)  # typed, then a moment later Enter: the reply time starts here
        self.mark()
        started = time.perf_counter()
        await self.send("\r")
        await self.wait_for(ANSWER_WORDS, timeout)
        return time.perf_counter() - started

    async def close(self) -> None:
        await self.ws.close()
        self.reader.cancel()


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def measure(levels: list[int], rounds: int, timeout: float, spread: float = 0.0) -> list[dict]:
    port = free_port()
    folder = make_pack(Path(tempfile.mkdtemp(prefix="faqbot-load-")) / "pack")
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAQBOT_KIOSK")}
    server = subprocess.Popen(
        [sys.executable, "-m", "faqbot", "serve", "--pack", str(folder), "--host", "127.0.0.1",
         "--port", str(port), "--max-sessions", str(max(levels) + 5)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, start_new_session=True,
    )
    results = []
    sessions: list[Session] = []
    try:
        for _ in range(300):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.1)
        url = f"ws://127.0.0.1:{port}/ws"
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=None)) as http:
            for level in levels:
                new = [Session(http, url) for _ in range(level - len(sessions))]
                startups = await asyncio.gather(*(s.open(timeout * 4) for s in new))
                sessions.extend(new)
                await asyncio.sleep(2)
                pids = session_pids(server.pid)
                memory = [memory_kib(pid) for pid in pids]
                before = sum(cpu_ticks(p) for p in pids)
                await asyncio.sleep(5)
                idle_cpu = (sum(cpu_ticks(p) for p in pids) - before) / os.sysconf("SC_CLK_TCK") / 5 * 100
                latencies: list[float] = []
                failures = 0
                for _ in range(rounds):
                    await asyncio.gather(*(s.ready_to_ask(timeout * 4) for s in sessions))
                    got = await asyncio.gather(*(s.ask(timeout, spread) for s in sessions), return_exceptions=True)
                    failures += sum(isinstance(g, BaseException) for g in got)
                    latencies += [g for g in got if isinstance(g, float)]
                row = {
                    "sessions": level,
                    "processes": len(pids),
                    "rss_mib": statistics.mean(m[0] for m in memory) / 1024 if memory else 0,
                    "pss_mib": statistics.mean(m[1] for m in memory) / 1024 if memory else 0,
                    "total_pss_mib": sum(m[1] for m in memory) / 1024,
                    "idle_cpu_pct": idle_cpu,
                    "startup_s": max(startups) if startups else 0.0,
                    "p50_s": statistics.median(latencies) if latencies else float("nan"),
                    "p95_s": pct(latencies, 0.95) if latencies else float("nan"),
                    "max_s": max(latencies) if latencies else float("nan"),
                    "failures": failures,
                }
                results.append(row)
                print_row(row)
                if failures or row["p95_s"] > 5:
                    print("stopping: replies are too slow to go further")
                    break
            for session in sessions:
                await session.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(5)
    return results


HEADER = (f"{'sessions':>8} {'procs':>5} {'RSS MiB':>8} {'PSS MiB':>8} {'all PSS':>8} {'idle CPU%':>9} "
          f"{'start s':>7} {'p50 s':>6} {'p95 s':>6} {'max s':>6} {'fail':>4}")


def print_row(row: dict) -> None:
    print(f"{row['sessions']:>8} {row['processes']:>5} {row['rss_mib']:>8.1f} {row['pss_mib']:>8.1f} "
          f"{row['total_pss_mib']:>8.0f} {row['idle_cpu_pct']:>9.1f} {row['startup_s']:>7.2f} "
          f"{row['p50_s']:>6.2f} {row['p95_s']:>6.2f} {row['max_s']:>6.2f} {row['failures']:>4}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--levels", default="1,5,10,20,30,40", help="numbers of open sessions to measure at")
    parser.add_argument("--rounds", type=int, default=3, help="questions asked per session at each level")
    parser.add_argument("--timeout", type=float, default=15.0, help="seconds to wait for one reply")
    parser.add_argument("--spread", type=float, default=0.0,
                        help="ask at random moments within this many seconds (0: all at once)")
    args = parser.parse_args()
    levels = sorted({int(x) for x in args.levels.split(",") if x.strip()})
    when = f"at random moments within {args.spread:g} s" if args.spread else "at the same moment"
    print(f"machine: {os.cpu_count()} cores; every session asks {when}")
    print(HEADER, flush=True)
    results = asyncio.run(measure(levels, args.rounds, args.timeout, args.spread))
    fast = [r["sessions"] for r in results if r["p95_s"] < 1.0 and not r["failures"]]
    print(f"largest measured level with 95% of replies under 1 s: {max(fast) if fast else 'none'} sessions")


if __name__ == "__main__":
    main()
