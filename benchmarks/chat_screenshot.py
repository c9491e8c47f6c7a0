"""Write docs/chat.svg: the chat answering one question on the bundled pack.

Run `python benchmarks/chat_screenshot.py` from the repository root after the
look or the bundled pack changes. The picture is taken headless at 100x30.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from faqbot.pack import default_pack_dir, load_pack
from faqbot.router import Router
from faqbot.ui.app import FaqApp

QUESTION = "is it ok to drink a glass of wine on baclofen?"
OUT = Path(__file__).resolve().parent.parent / "docs" / "chat.svg"


async def take(out: Path, question: str) -> None:
    app = FaqApp(Router(load_pack(default_pack_dir()), allow_drafts=True))
    async with app.run_test(size=(100, 30)) as pilot:
        box = app.query_one("#question")
        box.cursor_blink = False
        await pilot.press(*question)
        await pilot.press("enter")
        for _ in range(3):
            await app.workers.wait_for_complete()
            await pilot.pause()
        app.save_screenshot(out.name, path=str(out.parent))


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    asyncio.run(take(out, QUESTION))
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
