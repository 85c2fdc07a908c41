"""The `workbench` command line: the desktop program, import, export and stats."""

import argparse
import getpass
import json
import os
import sys
from pathlib import Path

from workbench import __version__, paths
from workbench.errors import WorkbenchError

COMMANDS = ("import", "export", "merge", "stats", "match", "sync")
EXPORT_FORMATS = ("markdown", "html", "pdf", "claimreview", "annotations")


def default_reviewer() -> str:
    """The reviewer name for command-line work: $WORKBENCH_REVIEWER, else the login name."""
    return os.environ.get("WORKBENCH_REVIEWER") or getpass.getuser() or "reviewer"


def build_parser() -> argparse.ArgumentParser:
    """The parser for the subcommands (the desktop program is parsed separately)."""
    parser = argparse.ArgumentParser(prog="workbench", description="Fact-check workbench.")
    parser.add_argument("--version", action="version", version=f"workbench {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("import", help="import articles (.txt .md .html, URLs), W3C annotation files and "
                                      "schema.org ClaimReview files (fact-checks to match against)")
    p.add_argument("db", type=Path)
    p.add_argument("sources", nargs="+", metavar="SOURCE")
    p.add_argument("--reviewer", default=None, help="name stamped on what is imported")
    p.add_argument("--new-version-of", metavar="ARTICLE_ID",
                   help="SOURCE is a corrected version of this article (an id or its first characters): "
                        "store it linked to the old one and carry every claim over")

    p = sub.add_parser("export", help="export claims and verdicts")
    p.add_argument("db", type=Path)
    p.add_argument("--format", "-f", required=True, choices=EXPORT_FORMATS)
    p.add_argument("--article", metavar="ID", help="only this article (an id or its first characters)")
    p.add_argument("-o", "--output", type=Path, help="file to write (default: standard output; pdf needs a file)")
    p.add_argument("--include-pending", action="store_true", help="put pending claims in the report too")
    p.add_argument("--date", type=_report_date, metavar="DATE",
                   help="date printed in the report, ISO (YYYY-MM-DD or a date and time); "
                        "default: $SOURCE_DATE_EPOCH, else now")
    p.add_argument("--reviewer", default=None, help="name the report is made by (default: $WORKBENCH_REVIEWER or login)")

    p = sub.add_parser("merge", help="bring other reviewers' databases into DB")
    p.add_argument("db", type=Path)
    p.add_argument("others", nargs="+", type=Path, metavar="OTHER")
    p.add_argument("--reviewer", default=None, help="name recorded as the one who merged")

    p = sub.add_parser("stats", help="counts by article, verdict and reviewer, and agreement")
    p.add_argument("db", type=Path)
    _add_match_parser(sub)
    add_sync_parser(sub)
    return parser


def _add_match_parser(sub) -> None:
    p = sub.add_parser("match", help="what the database already knows about a claim: judged claims and "
                                     "imported fact-checks, ranked")
    p.add_argument("db", type=Path)
    p.add_argument("text", nargs="?", help="the claim to look for")
    p.add_argument("--queries", type=Path, metavar="FILE",
                   help="a file of id<TAB>text lines, one query each (instead of TEXT)")
    p.add_argument("--limit", type=_positive, default=10, metavar="N", help="matches per query (default 10)")
    p.add_argument("--json", action="store_true", help="one JSON object per query, one per line")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, not {text!r}")
    return value


def add_sync_parser(sub) -> None:
    """`workbench sync DB URL`."""
    p = sub.add_parser("sync", help="push DB's changes to the desk's PostgreSQL server and pull everyone else's")
    p.add_argument("db", type=Path)
    p.add_argument("url", metavar="URL", help="postgresql://USER@HOST[:PORT]/DATABASE (the password: "
                                              "PGPASSWORD, ~/.pgpass, or asked for)")
    p.add_argument("--reviewer", default=None, help="name recorded as the one who merged what came in")


def gui_parser() -> argparse.ArgumentParser:
    """The parser for `workbench [DB]`."""
    parser = argparse.ArgumentParser(
        prog="workbench",
        description="Fact-check workbench: the desktop program, or one of the commands "
                    + ", ".join(COMMANDS) + " (see `workbench COMMAND --help`).",
    )
    parser.add_argument("--version", action="version", version=f"workbench {__version__}")
    parser.add_argument("db", nargs="?", type=Path, help=f"database file (default: {paths.default_database()})")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    argv = sys.argv[1:] if argv is None else argv
    try:
        if argv and argv[0] in COMMANDS:
            args = build_parser().parse_args(argv)
            return COMMAND_RUNNERS[args.command](args)
        args = gui_parser().parse_args(argv)
        from ui.app import run  # the desktop program is imported only when it is wanted

        return run(args.db or paths.default_database())
    except WorkbenchError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _open(path: Path, *, create: bool, reviewer: str | None = None):
    from workbench.seeds import open_database

    return open_database(path, reviewer=reviewer or default_reviewer(), create=create)


def _open_read_only(path: Path):
    """A database for a command that only reads it: nothing is written to it or beside it."""
    from workbench.store import Store

    return Store.open(path, readonly=True)


def run_import(args) -> int:
    """`workbench import DB SOURCE...`: one line per article added, errors on stderr."""
    from workbench.importers import import_sources

    reviewer = args.reviewer or default_reviewer()
    if args.new_version_of:
        return run_import_new_version(args, reviewer)
    with _open(args.db, create=True, reviewer=reviewer) as store:
        outcomes = import_sources(store, args.sources, reviewer_id=store.reviewer(reviewer))
    failed = False
    for outcome in outcomes:
        if outcome.error:
            failed = True
            print(f"error: {outcome.error}", file=sys.stderr)
            continue
        for added in outcome.added:
            if added.new:
                print(f"{added.article['id']}\t{_one_line(added.article['title'])}")
            else:
                print(f"{outcome.source}: {added.note} ({added.article['id']})", file=sys.stderr)
        repeated = {added.note for added in outcome.added if not added.new}
        for note in outcome.notes:
            if note not in repeated:
                print(f"{outcome.source}: {note}", file=sys.stderr)
        if outcome.fact_checks is not None:
            for line in outcome.fact_checks.lines():
                print(f"{outcome.source}: {_one_line(line)}", file=sys.stderr)
    return 1 if failed else 0


def _one_line(text: str | None) -> str:
    """Text for one field of a tab-separated line: tabs, line breaks and runs of spaces become one space."""
    return " ".join((text or "").split())


def run_import_new_version(args, reviewer: str) -> int:
    """`workbench import DB SOURCE --new-version-of ID`: the new version's line, then what was carried."""
    from workbench.articles import find_article
    from workbench.versions import import_new_version

    if len(args.sources) != 1:
        raise WorkbenchError("--new-version-of takes one SOURCE: the corrected article")
    with _open(args.db, create=False, reviewer=reviewer) as store:
        previous = find_article(store, args.new_version_of)
        outcome, carried = import_new_version(store, args.sources[0], previous["id"],
                                              reviewer_id=store.reviewer(reviewer))
    added = outcome.added[0]
    if added.new:
        print(f"{added.article['id']}\t{_one_line(added.article['title'])}")
    for note in outcome.notes:
        print(f"{outcome.source}: {note}", file=sys.stderr)
    for line in carried.lines():
        print(f"{outcome.source}: {line}" if not line.startswith(" ") else line, file=sys.stderr)
    return 0


def _report_date(text: str):
    from workbench.report import report_date

    try:
        return report_date(text)
    except WorkbenchError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def run_export(args) -> int:
    """`workbench export DB --format F`: write to -o FILE or standard output (pdf: -o only)."""
    from workbench import annotations, claimreview, report
    from workbench.articles import find_article

    if args.format == "pdf" and args.output is None:
        raise WorkbenchError("--format pdf writes a binary file: give one with -o FILE")
    with _open_read_only(args.db) as store:
        article_id = find_article(store, args.article)["id"] if args.article else None
        if args.format == "annotations":
            text = annotations.dumps(annotations.export_collection(store, article_id))
        else:
            options = report.ReportOptions(article_id=article_id, include_pending=args.include_pending,
                                           generated=args.date or report.report_date(),
                                           reviewer=args.reviewer or default_reviewer())
            build = {"claimreview": claimreview.build_claimreview, "markdown": report.build_markdown}
            text = build.get(args.format, report.build_html)(store, options)
    if args.format == "pdf":
        from ui.pdf import write_pdf  # Qt is loaded only for a PDF

        write_pdf(text, args.output)
        return 0
    _write_output(text, args.output)
    return 0


def _write_output(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        raise WorkbenchError(f"{output}: cannot write ({error.strerror})") from None


def run_stats(args) -> int:
    """`workbench stats DB`: counts and agreement as a plain table."""
    from workbench import stats

    with _open_read_only(args.db) as store:
        sys.stdout.write(stats.render(stats.collect(store)))
    return 0


def run_merge(args) -> int:
    """`workbench merge DB OTHER...`: each OTHER in its own transaction; a summary line each."""
    from workbench.merge import merge_database

    from workbench.ids import reviewer_id as id_of

    reviewer_id = id_of(args.reviewer or default_reviewer())  # recorded with each merge, not added as a row
    failed = False
    with _open(args.db, create=False) as store:
        for other in args.others:
            try:
                summary = merge_database(store, other, reviewer_id=reviewer_id)
            except WorkbenchError as error:
                failed = True
                message = str(error)
                prefix = f"{other}: "
                print(f"error: {message if message.startswith(prefix) else prefix + message}", file=sys.stderr)
                continue
            print(f"{other}: {summary}")
    return 1 if failed else 0


def run_sync(args) -> int:
    """`workbench sync DB URL`: one summary line; the password is asked for only on a terminal."""
    from workbench.sync import sync_database  # psycopg is loaded only for a sync

    def prompt(server: str) -> str | None:
        return getpass.getpass(f"Password for {server}: ") if sys.stdin.isatty() else None

    reviewer = args.reviewer or default_reviewer()
    with _open(args.db, create=False, reviewer=reviewer) as store:
        summary = sync_database(store, args.url, reviewer_id=store.reviewer(reviewer), prompt=prompt)
    print(summary)
    return 0


def run_match(args) -> int:
    """`workbench match DB TEXT | --queries FILE`: ranked matches, as a table or JSON lines."""
    from workbench.matching import Matcher

    if (args.text is None) == (args.queries is None):
        print("usage: workbench match DB TEXT | --queries FILE [--limit N] [--json]\n"
              "workbench match: error: give either TEXT or --queries FILE", file=sys.stderr)
        return 2
    queries = [(args.text, args.text)] if args.text is not None else _read_queries(args.queries)
    with _open(args.db, create=False) as store:
        matcher = Matcher(store)
        for query_id, text in queries:
            matches = matcher.match(text, limit=args.limit)
            if args.json:
                print(json.dumps({"query": query_id, "matches": [_match_json(m) for m in matches]},
                                 ensure_ascii=False))
            else:
                _print_matches(query_id if args.queries else None, matches)
    return 0


def _read_queries(path: Path) -> list[tuple[str, str]]:
    from workbench.sourcefiles import read_source

    try:
        text = read_source(path, limit=100 * 1024 * 1024, what="a query file").decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise WorkbenchError(f"{path}: is not UTF-8 text (bad byte at position {error.start})") from None
    queries = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        query_id, tab, query = line.partition("\t")
        if not tab:
            print(f"{path}: line {number} skipped: no tab (expected id<TAB>text)", file=sys.stderr)
            continue
        queries.append((query_id.strip(), query))
    return queries


def _match_json(match) -> dict:
    data = match.as_json()
    data["claim_id"] = match.id if match.kind == "claim" else None
    return data


def _print_matches(query_id: str | None, matches) -> None:
    if query_id is not None:
        print(f"# {query_id}")
    if not matches:
        print("no match")
    for m in matches:
        where = m.url or (f"claim {m.id}" if m.kind == "claim" else m.id)
        fields = [f"{m.score:.3f}", m.verdict or "unrated", m.source or "", m.date or "", m.text, where]
        print("\t".join(_one_line(f) for f in fields))


COMMAND_RUNNERS = {"import": run_import, "export": run_export, "merge": run_merge, "stats": run_stats,
                   "match": run_match, "sync": run_sync}
