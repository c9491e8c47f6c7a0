"""`faqbot serve` end to end: a real server, a real headless Chromium, and OCR of what it shows.

The browser draws the terminal on a canvas, so the only honest way to know
that a patient sees the vetted answer is to read the pixels back. Chromium
is driven over the DevTools protocol with aiohttp (already installed with
textual-serve). Without Chromium and tesseract these tests skip on a
developer's machine, and fail in CI (where CI is set).
"""

from __future__ import annotations

import asyncio
import base64
import functools
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from packs import SETTINGS, approved_review, write_pack

aiohttp = pytest.importorskip("aiohttp")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
TESSERACT = shutil.which("tesseract")
IN_CI = bool(os.environ.get("CI"))
VIEWPORT = (1280, 800)

ANSWER = "Walk gently for twenty minutes every morning."
QUESTION = "How long should I walk each day?"
E2E_ANSWERS = [
    {
        "id": "walking-daily",
        "question": QUESTION,
        "examples": ["how much walking should i do", "how far should i walk every day", "daily walking time"],
        "answer": ANSWER,
        "sources": [{"title": "Physiotherapy leaflet", "url": "https://example.org/walking"}],
    },
    {
        "id": "sleep-hours",
        "question": "How many hours should I sleep?",
        "examples": ["how much sleep do i need", "hours of sleep each night"],
        "answer": "Most adults need seven to nine hours of sleep.",
        "sources": [{"title": "Sleep leaflet", "url": "https://example.org/sleep"}],
    },
]


def need_browser() -> None:
    """Skip only on a developer's machine; in CI a missing browser is a failure."""
    missing = [name for name, path in (("chromium", CHROMIUM), ("tesseract", TESSERACT)) if not path]
    if missing:
        message = f"{' and '.join(missing)} not installed (run .ci/install-browser)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


def e2e(test):
    """Run an async test in its own loop, with a hard time limit."""

    @functools.wraps(test)
    def run(*args, **kwargs):
        asyncio.run(asyncio.wait_for(test(*args, **kwargs), timeout=240))

    return run


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def normal(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


# -- the server ---------------------------------------------------------------------------


class Served:
    """`faqbot serve` in its own process group, so the server and every session die together."""

    def __init__(self, pack: Path, *extra: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        env = {k: v for k, v in os.environ.items() if not k.startswith("FAQBOT_KIOSK")}
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "faqbot", "serve", "--pack", str(pack), "--host", "127.0.0.1",
             "--port", str(self.port), *extra],
            stdout=self.log, stderr=subprocess.STDOUT, env=env, start_new_session=True,
        )

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"server exited early:\n{self.output()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        raise AssertionError(f"server did not listen within {timeout}s:\n{self.output()}")

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")

    def sessions(self) -> list[int]:
        """Process ids of kiosk sessions started by this server (any depth)."""
        children: dict[int, list[int]] = {}
        cmdlines: dict[int, str] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                cmdlines[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry.name))
        found, todo = [], list(children.get(self.proc.pid, []))
        while todo:
            pid = todo.pop()
            if "faqbot" in cmdlines.get(pid, "") and "sh -c" not in cmdlines.get(pid, ""):
                found.append(pid)
            todo.extend(children.get(pid, []))
        return found

    def stop(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(10)
        self.log.close()


# -- the browser ----------------------------------------------------------------------------


class Page:
    """One browser tab, spoken to over its DevTools websocket."""

    def __init__(self, ws):
        self.ws = ws
        self.next_id = 0

    async def send(self, method: str, timeout: float = 30, **params):
        self.next_id += 1
        my_id = self.next_id
        await self.ws.send_json({"id": my_id, "method": method, "params": params})
        while True:
            message = await asyncio.wait_for(self.ws.receive(), timeout)
            if message.type != aiohttp.WSMsgType.TEXT:
                raise AssertionError(f"DevTools connection closed during {method}")
            data = message.json()
            if data.get("id") == my_id:
                if "error" in data:
                    raise AssertionError(f"{method}: {data['error']}")
                return data.get("result", {})

    async def evaluate(self, expression: str):
        result = await self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")

    async def key(self, key: str, text: str = "", code: int = 0) -> None:
        down = {"type": "keyDown", "key": key}
        if text:
            down["text"] = down["unmodifiedText"] = text
        if code:
            down["windowsVirtualKeyCode"] = down["nativeVirtualKeyCode"] = code
            down["code"] = key
        await self.send("Input.dispatchKeyEvent", **down)
        await self.send("Input.dispatchKeyEvent", type="keyUp", key=key,
                        **({"windowsVirtualKeyCode": code, "code": key} if code else {}))

    async def type(self, text: str) -> None:
        for char in text:
            await self.key(char, text=char)

    async def enter(self) -> None:
        await self.key("Enter", text="\r", code=13)

    async def screenshot(self, path: Path) -> Path:
        result = await self.send("Page.captureScreenshot", format="png")
        path.write_bytes(base64.b64decode(result["data"]))
        return path

    async def wait_for(self, expression: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if await self.evaluate(expression):
                return
            await asyncio.sleep(0.2)
        raise AssertionError(f"timed out waiting for {expression}")

    async def read(self, folder: Path, name: str) -> str:
        """What the page shows, by OCR of a screenshot."""
        shot = await self.screenshot(folder / f"{name}.png")
        done = await asyncio.to_thread(
            subprocess.run, [TESSERACT, str(shot), "-", "--psm", "3"], capture_output=True, text=True, timeout=60,
        )
        return done.stdout

    async def wait_to_show(self, folder: Path, name: str, *wanted: str, timeout: float = 45) -> str:
        """OCR the page until every wanted phrase is on it; return the last reading."""
        deadline = time.monotonic() + timeout
        attempt = 0
        text = ""
        while time.monotonic() < deadline:
            attempt += 1
            text = await self.read(folder, f"{name}-{attempt}")
            if all(normal(w) in normal(text) for w in wanted):
                return text
            await asyncio.sleep(0.5)
        raise AssertionError(f"page never showed {wanted!r}; last OCR reading:\n{text}")


class Chromium:
    """Headless Chromium with a throwaway profile, reachable only on loopback."""

    def __init__(self, folder: Path):
        self.profile = folder / "chromium-profile"
        self.proc = None
        self.http = None
        self.pages = []

    async def __aenter__(self):
        self.proc = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--disable-extensions", "--disable-default-apps", "--mute-audio",
             f"--user-data-dir={self.profile}", "--remote-debugging-address=127.0.0.1",
             "--remote-debugging-port=0", f"--window-size={VIEWPORT[0]},{VIEWPORT[1]}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True,
        )
        port_file = self.profile / "DevToolsActivePort"
        deadline = time.monotonic() + 60
        while not port_file.exists() or not port_file.read_text().strip():
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise AssertionError("chromium did not open its DevTools port")
            await asyncio.sleep(0.1)
        self.port = int(port_file.read_text().split()[0])
        self.http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        return self

    async def open(self, url: str) -> Page:
        """A new tab with a fixed viewport, navigated to url."""
        async with self.http.put(f"http://127.0.0.1:{self.port}/json/new?about:blank") as response:
            target = await response.json(content_type=None)
        ws = await self.http.ws_connect(target["webSocketDebuggerUrl"], max_msg_size=0)
        page = Page(ws)
        page.target_id = target["id"]
        self.pages.append(page)
        await page.send("Page.enable")
        await page.send("Runtime.enable")
        await page.send("Emulation.setDeviceMetricsOverride", width=VIEWPORT[0], height=VIEWPORT[1],
                        deviceScaleFactor=1, mobile=False)
        await page.send("Page.navigate", url=url)
        return page

    async def close(self, page: Page) -> None:
        async with self.http.get(f"http://127.0.0.1:{self.port}/json/close/{page.target_id}") as response:
            await response.read()
        await page.ws.close()
        self.pages.remove(page)

    async def __aexit__(self, *exc):
        try:
            for page in self.pages:
                await page.ws.close()
            if self.http is not None:
                await self.http.close()
        finally:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait(10)
            shutil.rmtree(self.profile, ignore_errors=True)


async def wait_until(check, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"timed out: {what}")


# -- tests ----------------------------------------------------------------------------------------


@pytest.fixture
def e2e_pack(tmp_path):
    answers = []
    for answer in E2E_ANSWERS:
        answer = dict(answer)
        answer["review"] = approved_review(answer["question"], answer["answer"])
        answers.append(answer)
    settings = dict(SETTINGS, name="Physio clinic")
    return write_pack(tmp_path / "pack", answers, settings)


@e2e
async def test_page_loads_nothing_from_the_internet(e2e_pack):
    server = Served(e2e_pack)
    try:
        server.wait_ready()
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=20)) as http:
            async with http.get(server.url) as response:
                page = await response.text()
                assert response.status == 200
                policy = response.headers["Content-Security-Policy"]
            assert "default-src 'self'" in policy and "connect-src 'self'" in policy
            assert not re.search(r"(?:src|href)\s*=\s*[\"']?(?:https?:)?//", page), "page points off the server"
            assert "googleapis" not in page
            for url in re.findall(r"(?:src|href)=\"(static/[^\"]+)\"", page):
                async with http.get(server.url + url) as response:
                    assert response.status == 200, url
            # A page from another site may not open a session on this server.
            ws_url = server.url.replace("http", "ws") + "ws"
            with pytest.raises(aiohttp.WSServerHandshakeError):
                await http.ws_connect(ws_url, headers={"Origin": "http://elsewhere.example"})
    finally:
        server.stop()


@e2e
async def test_browser_shows_the_vetted_answer(e2e_pack, tmp_path):
    need_browser()
    server = Served(e2e_pack)
    try:
        server.wait_ready()
        async with Chromium(tmp_path) as browser:
            page = await browser.open(server.url)
            await page.wait_for("document.body.classList.contains('-first-byte')", timeout=60)
            await page.wait_to_show(tmp_path, "attract", "Ask a question about Physio clinic")
            await page.evaluate("document.querySelector('.xterm-helper-textarea').focus()")
            # Links in answers must not lead out of the kiosk.
            assert await page.evaluate("window.open('about:blank') === null")

            await page.enter()  # any key wakes the kiosk
            await page.wait_to_show(tmp_path, "chat", "Type your question")
            await page.type(QUESTION)
            await page.enter()
            seen = await page.wait_to_show(tmp_path, "answer", ANSWER)
            assert normal(ANSWER) in normal(seen)
            if os.environ.get("FAQBOT_WEB_SCREENSHOT"):
                await page.screenshot(Path(os.environ["FAQBOT_WEB_SCREENSHOT"]))
            assert len(server.sessions()) == 1

            # A second tab is a second person: its own process, none of the first one's conversation.
            other = await browser.open(server.url)
            await other.wait_for("document.body.classList.contains('-first-byte')", timeout=60)
            fresh = await other.wait_to_show(tmp_path, "second", "Ask a question about Physio clinic")
            assert normal("twenty minutes") not in normal(fresh)
            await wait_until(lambda: len(server.sessions()) == 2, 20, "a second session process")

            # Closing a tab ends its process.
            await browser.close(page)
            await wait_until(lambda: len(server.sessions()) == 1, 30, "the closed tab's process to end")
            await browser.close(other)
            await wait_until(lambda: len(server.sessions()) == 0, 30, "every session process to end")
    except AssertionError as failure:
        raise AssertionError(f"{failure}\n--- server output ---\n{server.output()[-3000:]}") from None
    finally:
        server.stop()
