"""Clinical governance commands: review (sign-off), gaps (what patients asked
that the pack could not answer) and audit (what text was shown, when)."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import sys
from pathlib import Path

from .common import CommandError, pack_dir


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"bad date {value!r}: write it as YYYY-MM-DD") from None


def _days(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = -1
    if not 0 <= number <= 3650:
        raise argparse.ArgumentTypeError(f"bad number of days {value!r}: use a whole number from 0 to 3650")
    return number


def _db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="FILE", type=Path, default=None,
                        help="question log (default: $FAQBOT_LOG_DB, else faqbot-log.sqlite3 here)")


def register(sub, common) -> None:
    review = sub.add_parser("review", parents=[common], help="list, approve and revoke clinician sign-off",
                            description="See and record which clinician approved which wording, and until when.")
    actions = review.add_subparsers(dest="review_action", metavar="ACTION", required=True)

    ls = actions.add_parser("list", parents=[common], help="every answer with its review status",
                            description="List answers with status, reviewer and dates. Filters combine: a row "
                                        "matching any of them is shown.")
    ls.add_argument("--drafts", action="store_true", help="only drafts")
    ls.add_argument("--overdue", action="store_true", help="only answers past their review date")
    ls.add_argument("--due-within", type=_days, metavar="DAYS", help="only approvals running out within DAYS (or already)")
    ls.add_argument("--format", choices=("table", "csv", "json"), default="table")
    ls.set_defaults(func=cmd_review_list)

    ap = actions.add_parser("approve", parents=[common], help="record a clinician's approval of the current wording",
                            description="Approve the exact current question and answer text of each ID.")
    ap.add_argument("ids", nargs="+", metavar="ID")
    ap.add_argument("--by", required=True, metavar='"NAME, ROLE"', help='the approving clinician, e.g. "Dr A Patel, Neurologist"')
    ap.set_defaults(func=cmd_review_approve)

    rv = actions.add_parser("revoke", parents=[common], help="take answers back to draft (no longer served)")
    rv.add_argument("ids", nargs="+", metavar="ID")
    rv.set_defaults(func=cmd_review_revoke)

    gaps = sub.add_parser("gaps", help="group logged questions the pack could not answer",
                          description="Group similar logged questions, largest first, with the nearest existing answer.")
    _db_option(gaps)
    gaps.add_argument("--since", type=_date, metavar="DATE", help="only questions from this date (YYYY-MM-DD)")
    gaps.add_argument("--format", choices=("table", "csv", "md"), default="table")
    gaps.add_argument("--limit", type=_days, metavar="N", help="show at most N groups")
    gaps.add_argument("--purge-before", type=_date, metavar="DATE", help="delete logged questions from before DATE, then stop")
    gaps.set_defaults(func=cmd_gaps)

    audit = sub.add_parser("audit", help="print the trail of replies served",
                           description="Print which text was served when: kind, answer id and fingerprint of the "
                                       "exact text, and pack version. Questions are never in the trail.")
    _db_option(audit)
    audit.add_argument("--since", type=_date, metavar="DATE", help="from this date (YYYY-MM-DD)")
    audit.add_argument("--until", type=_date, metavar="DATE", help="up to and including this date")
    audit.add_argument("--format", choices=("csv", "json"), default="csv")
    audit.set_defaults(func=cmd_audit)


# --- review ---------------------------------------------------------------------


def cmd_review_list(args) -> int:
    from ..review import review_rows
    from .common import open_pack

    rows = review_rows(open_pack(args), drafts=args.drafts, overdue=args.overdue, due_within=args.due_within)
    data = [row.as_dict() for row in rows]
    if args.format == "json":
        print(json.dumps(data, indent=2, ensure_ascii=False))
    elif args.format == "csv":
        _csv(data, _LIST_FIELDS)
    else:
        table = [
            [d["id"], d["state"], d["reviewer"] or "-", d["reviewed"] or "-", d["next_review"] or "-",
             "yes" if d["changed"] else "no"]
            for d in data
        ]
        _table(["ID", "STATE", "REVIEWER", "REVIEWED", "NEXT REVIEW", "CHANGED"], table)
        if not data:
            print("(no answers match)")
    return 0


_LIST_FIELDS = ["id", "status", "state", "served", "reviewer", "reviewed", "next_review", "days_left", "changed", "file"]


def cmd_review_approve(args) -> int:
    from ..review import ReviewError, approve

    try:
        done = approve(pack_dir(args), args.ids, args.by)
    except ReviewError as exc:
        raise CommandError(str(exc)) from None
    for answer in done:
        review = answer.review
        print(f"approved {answer.id} by {review.reviewer} on {review.reviewed}; review again by {review.next_review}")
    return 0


def cmd_review_revoke(args) -> int:
    from ..review import ReviewError, revoke

    try:
        done = revoke(pack_dir(args), args.ids)
    except ReviewError as exc:
        raise CommandError(str(exc)) from None
    for answer in done:
        print(f"revoked {answer.id}: now a draft, not served until approved again")
    return 0


# --- gaps and audit ---------------------------------------------------------------


def _open_log(args, write: bool = False):
    from ..qlog import LogError, default_db_path, open_existing

    path = args.db or default_db_path()
    try:
        return path, open_existing(path, write=write)
    except LogError as exc:
        raise CommandError(str(exc)) from None


def cmd_gaps(args) -> int:
    from ..gaps import group_questions
    from ..qlog import LogError, default_db_path, purge_before, read_questions
    from ..text import clean

    if args.purge_before is not None:
        try:
            removed = purge_before(args.db or default_db_path(), args.purge_before)
        except LogError as exc:
            raise CommandError(str(exc)) from None
        print(f"deleted {removed} logged question{'s' if removed != 1 else ''} from before {args.purge_before}")
        return 0
    _, conn = _open_log(args)
    try:
        rows = read_questions(conn, since=args.since)
    finally:
        conn.close()
    groups = group_questions(rows)
    if args.limit is not None:
        groups = groups[: args.limit]
    data = [g.as_dict() for g in groups]
    for item in data:
        item["example"] = clean(item["example"])
    if args.format == "csv":
        _csv(data, ["count", "example", "nearest", "nearest_count", "first_seen", "last_seen", "fallback", "clarify"])
        return 0
    header = ["COUNT", "LAST SEEN", "NEAREST ANSWER", "EXAMPLE"]
    table = [
        [str(d["count"]), d["last_seen"][:10], _nearest(d), d["example"]]
        for d in data
    ]
    if args.format == "md":
        print("| Count | Last seen | Nearest answer | Example |")
        print("|---:|---|---|---|")
        for row in table:
            print("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
        return 0
    if not data:
        since = f" since {args.since}" if args.since else ""
        print(f"no logged questions{since}")
        return 0
    _table(header, table)
    return 0


def _nearest(item: dict) -> str:
    if not item["nearest"]:
        return "-"
    return f"{item['nearest']} ({item['nearest_count']}/{item['count']})"


def cmd_audit(args) -> int:
    from ..qlog import read_served

    if args.since and args.until and args.until < args.since:
        raise CommandError(f"--until {args.until} is before --since {args.since}")
    _, conn = _open_log(args)
    try:
        rows = read_served(conn, since=args.since, until=args.until)
    finally:
        conn.close()
    for row in rows:
        row["unreviewed"] = bool(row["unreviewed"])
    if args.format == "json":
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        _csv(rows, ["at", "kind", "answer_id", "fingerprint", "unreviewed", "choices", "pack_version"])
    return 0


# --- output -------------------------------------------------------------------------


def _csv(rows: list[dict], fields: list[str]) -> None:
    writer = csv.DictWriter(sys.stdout, fieldnames=fields, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if v is None else v) for k, v in row.items()})


def _table(header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)).rstrip())
