"""The README documents every command, and CI runs the README's own test command."""

import re
from pathlib import Path

from faqbot.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def commands():
    parser = build_parser()
    return sorted(parser._subparsers._group_actions[0].choices)


def test_every_command_is_documented():
    missing = [name for name in commands() if f"faqbot {name}" not in README]
    assert missing == []


def test_every_option_of_every_command_is_documented():
    parser = build_parser()
    missing = []
    for name, sub in parser._subparsers._group_actions[0].choices.items():
        for action in sub._actions:
            for option in action.option_strings:
                if option.startswith("--") and option not in ("--help", "--pack") and option not in README:
                    missing.append(f"{name} {option}")
    assert missing == []


def test_ci_runs_the_readme_test_command():
    quick_start = re.findall(r"```sh\n(.*?)```", README, re.S)[0].strip().splitlines()
    assert len(quick_start) == 2, "the quick start is exactly two commands"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert quick_start[1] in ci


def test_quick_start_opens_the_chat_on_the_bundled_pack():
    first = re.findall(r"```sh\n(.*?)```", README, re.S)[0].strip().splitlines()[0]
    assert first.endswith("faqbot --allow-drafts")
