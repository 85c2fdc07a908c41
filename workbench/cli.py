"""The `workbench` command line: the desktop program, import, export and stats."""

import argparse
import getpass
import os
import sys
from pathlib import Path

from workbench import __version__, paths
from workbench.errors import WorkbenchError

COMMANDS = ("import", "export", "merge", "stats", "sync")
EXPORT_FORMATS = ("markdown", "html", "pdf", "claimreview", "annotations")


def default_reviewer() -> str:
    """The reviewer name for command-line work: $WORKBENCH_REVIEWER, else the login name."""
    return os.environ.get("WORKBENCH_REVIEWER") or getpass.getuser() or "reviewer"


def build_parser() -> argparse.ArgumentParser:
    """The parser for the subcommands (the desktop program is parsed separately)."""
    parser = argparse.ArgumentParser(prog="workbench", description="Fact-check workbench.")
    parser.add_argument("--version", action="version", version=f"workbench {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("import", help="import articles (.txt .md .html, URLs) and W3C annotation files")
    p.add_argument("db", type=Path)
    p.add_argument("sources", nargs="+", metavar="SOURCE")
    p.add_argument("--reviewer", default=None, help="name stamped on what is imported")

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
    add_sync_parser(sub)
    return parser


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
                print(f"{added.article['id']}\t{added.article['title']}")
            else:
                print(f"{outcome.source}: {added.note} ({added.article['id']})", file=sys.stderr)
        repeated = {added.note for added in outcome.added if not added.new}
        for note in outcome.notes:
            if note not in repeated:
                print(f"{outcome.source}: {note}", file=sys.stderr)
        if outcome.claims:
            print(f"{outcome.source}: {outcome.claims} claims imported", file=sys.stderr)
    return 1 if failed else 0


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


COMMAND_RUNNERS = {"import": run_import, "export": run_export, "merge": run_merge, "stats": run_stats,
                   "sync": run_sync}
