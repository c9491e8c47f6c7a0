"""Commands over one pack: ask, check, coverage, eval, export, schema."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .common import CommandError, drafts_option, log_options, open_pack, open_router, pack_dir


def register(sub, common) -> None:
    ask = sub.add_parser("ask", parents=[common], help="print the reply to one question",
                         description="Print the reply to a question. Use '-' to read one question per line from standard input.")
    ask.add_argument("question", nargs="+", metavar="QUESTION", help="the question, or '-' for standard input")
    ask.add_argument("--json", action="store_true", help="print one JSON object per question")
    drafts_option(ask)
    log_options(ask)
    ask.set_defaults(func=cmd_ask)

    check = sub.add_parser("check", parents=[common], help="validate a pack and list every problem")
    check.add_argument("folder", nargs="?", type=Path, metavar="PACK", help="pack folder (default: --pack or the bundled pack)")
    check.add_argument("--quiet", action="store_true", help="print errors only")
    check.set_defaults(func=cmd_check)

    cov = sub.add_parser("coverage", parents=[common], help="prove every phrasing reaches its answer")
    cov.add_argument("folder", nargs="?", type=Path, metavar="PACK", help="pack folder (default: --pack or the bundled pack)")
    cov.add_argument("--junit", type=Path, metavar="FILE", help="also write a JUnit XML report")
    cov.set_defaults(func=cmd_coverage)

    ev = sub.add_parser("eval", parents=[common], help="score a labelled question set")
    ev.add_argument("questions", type=Path, metavar="QUESTIONS.yaml")
    ev.add_argument("--report-only", action="store_true", help="exit 0 even with wrong answers or missed urgent")
    ev.add_argument("--json", action="store_true", help="print every result as JSON")
    drafts_option(ev)
    ev.set_defaults(func=cmd_eval)

    ex = sub.add_parser("export", parents=[common], help="write the pack as JSON, CSV or Markdown")
    ex.add_argument("--format", choices=("json", "csv", "md"), default="json")
    ex.add_argument("--output", "-o", type=Path, metavar="FILE", help="write to a file instead of standard output")
    ex.set_defaults(func=cmd_export)

    schema = sub.add_parser("schema", parents=[common], help="print the JSON Schema of pack files")
    schema.add_argument("which", nargs="?", choices=("answer", "pack"), default="answer",
                        help="answer files (default) or pack.yaml")
    schema.set_defaults(func=cmd_schema)


def _questions(args) -> list[str]:
    if args.question == ["-"]:
        sys.stdin.reconfigure(errors="replace")
        return [line.rstrip("\r\n") for line in sys.stdin]
    return [" ".join(args.question)]


def _plain(reply) -> str:
    if reply.kind == "answer":
        parts = [f"You asked about: {reply.answer.question}"]
        if reply.unreviewed:
            parts.append(f"[{reply.unreviewed}]")
        parts.append(reply.text)
        if reply.answer.sources:
            parts.append("Sources:\n" + "\n".join(f"- {s.title}: {s.url}" for s in reply.answer.sources))
        return "\n\n".join(parts)
    if reply.kind == "clarify":
        return reply.text + "\n" + "\n".join(f"  {n}. {a.question}" for n, a in enumerate(reply.choices, 1))
    return reply.text


def cmd_ask(args) -> int:
    router = open_router(args)
    questions = _questions(args)
    for index, question in enumerate(questions):
        reply = router.route(question)
        if args.json:
            print(json.dumps(reply.as_json(), ensure_ascii=False), flush=True)
        else:
            if index:
                print()
            print(_plain(reply), flush=True)
    return 0


def cmd_check(args) -> int:
    from ..checks import check_folder, summary

    folder = pack_dir(args, args.folder)
    problems = check_folder(folder)
    shown = [p for p in problems if p.severity == "error"] if args.quiet else problems
    for problem in shown:
        print(problem)
        if problem.detail:
            print("\n".join("    " + line for line in problem.detail.splitlines()))
    print(f"{folder}: {summary(problems)}")
    return 1 if any(p.severity == "error" for p in problems) else 0


def cmd_coverage(args) -> int:
    from ..coverage import junit, run_coverage, table

    rows = run_coverage(open_pack(args, args.folder))
    print(table(rows))
    if args.junit:
        try:
            args.junit.write_text(junit(rows), encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"cannot write {args.junit}: {exc.strerror or exc}") from None
    return 0 if all(r.passed for r in rows) else 1


def cmd_eval(args) -> int:
    from ..evaluate import EvalSetError, evaluate, failed, read_items, report, unknown_ids

    try:
        items = read_items(args.questions)
    except EvalSetError as exc:
        raise CommandError(str(exc)) from None
    router = open_router(args)
    unknown = unknown_ids(router, items)
    if unknown:
        raise CommandError(f"{args.questions} expects ids the pack does not have: {', '.join(unknown)}")
    results = evaluate(router, items)
    if args.json:
        for r in results:
            print(json.dumps({"q": r.item.question, "tag": r.item.tag, "expect": list(r.item.expect),
                              "outcome": r.outcome, "got": r.got}, ensure_ascii=False))
    else:
        print(report(results))
    return 1 if failed(results) and not args.report_only else 0


def cmd_export(args) -> int:
    from ..export import FORMATS

    text = FORMATS[args.format](open_pack(args))
    if args.output:
        try:
            args.output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"cannot write {args.output}: {exc.strerror or exc}") from None
    else:
        sys.stdout.write(text)
    return 0


def cmd_schema(args) -> int:
    from ..schema import SCHEMAS

    print(json.dumps(SCHEMAS[args.which], indent=2))
    return 0
