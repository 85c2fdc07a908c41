"""The fact-check report: what it holds and in what order, read from the database a batch at a time.

Layout: a title; who made it and when; a summary table (claims by verdict per article, with a
total row); then for each article (imported first, first) its title, publisher, author, date and
URLs, and for each claim in reading order: "Claim N · Verdict" (N counts the claims shown in that
article), the quote as a block quote, who made the claim when a reviewer recorded someone other
than the article's author, who gave the verdict and when, the rationale, and the evidence (live
rows by position): title linked to its URL, publisher, stance, reliability, access date,
attachment names, the reviewer's note, and the excerpt as a block quote. Pending claims are left
out unless `include_pending`; the report says how many were. Everything comes from the database
and the options, so the same database and options give the same bytes.

"Made by": the reviewer(s) who gave the verdicts in the report, unless the options name someone
(`--reviewer` or WORKBENCH_REVIEWER on the command line); never a login name.

A verified or disputed claim with neither evidence nor rationale is published as it is (the editor
decides), but each one is reported as a warning: the command line prints it on standard error,
and the Export dialog's preview flags it beside the claim (`flag_unsupported`, never in a saved
file).

The report is written as Markdown (workbench.report_markdown) and as HTML (workbench.report_html)
from the same rows; both stream, holding one batch of claims at a time.
"""

import datetime
import io
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from workbench import clocks, order
from workbench.articles import appearances, get_article
from workbench.claims import claim_numbers
from workbench.errors import WorkbenchError
from workbench.verdicts import DISPUTED, JUDGED, LABELS, PENDING, RELIABILITY_LABELS, STANCE_LABELS, VERIFIED

TITLE = "Fact-check report"
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
BATCH = 500  # claims read (with their evidence and verdict givers) at a time
ARTICLE_COLUMNS = "id, title, url, publisher, author, published, created_at"
ATTACHMENTS = ("names", "folder", "embed")


class Cancelled(Exception):
    """The export was cancelled by the person waiting for it."""


def report_date(text: str | None = None, environ=None) -> datetime.datetime:
    """The report's date: an ISO date or date-time, else $SOURCE_DATE_EPOCH, else now (UTC)."""
    environ = os.environ if environ is None else environ
    if text:
        try:
            value = datetime.datetime.fromisoformat(text.strip())
        except ValueError:
            raise WorkbenchError(f"{text!r} is not an ISO date (YYYY-MM-DD) or date and time") from None
        return value if value.tzinfo else value.replace(tzinfo=datetime.timezone.utc)
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc)
        except (ValueError, OverflowError, OSError):
            raise WorkbenchError(f"SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds since 1970") from None
    return datetime.datetime.now(datetime.timezone.utc)


@dataclass(frozen=True)
class ReportOptions:
    """What a report covers and what it says about itself."""

    article_id: str | None = None  # None: every article with claims in the report
    include_pending: bool = False
    generated: datetime.datetime = field(default_factory=report_date)  # the date printed
    reviewer: str = ""  # who made the report; empty: the reviewers who gave its verdicts
    flag_unsupported: bool = False  # the preview flags claims published with nothing behind them
    attachments: str = "names"  # names only; "folder": linked to files beside it; "embed": images inline
    publication: object = None  # workbench.publication.Publication for ClaimReview; None: the database's

    @property
    def verdicts(self) -> tuple[str, ...]:
        """The verdicts of the claims the report shows."""
        return JUDGED + ((PENDING,) if self.include_pending else ())


def human_date(value: datetime.date) -> str:
    """A date as "1 May 2024", the same in every locale."""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def stored_date(stamp: str) -> str:
    """A stored ISO time as a human date, or the text itself if it is not one."""
    try:
        return human_date(datetime.date.fromisoformat(stamp[:10]))
    except ValueError:
        return stamp


# -- who gave a verdict: the one lookup ----------------------------------------------------------

def verdict_givers(store, claims: list[dict]) -> dict[str, tuple[str, str]]:
    """claim id -> (reviewer name, ISO time) of whoever gave each judged claim its current verdict.

    The verdict field's clock (clocks.verdict_givers): a rationale edit or a merge never moves it.
    """
    wanted = [c["id"] for c in claims if c["verdict"] != PENDING]
    if not wanted:
        return {}
    names = store.reviewer_names()
    return {claim_id: (names.get(clock.author, "") if clock.author else "", clock.at)
            for claim_id, clock in clocks.verdict_givers(store, wanted).items()}


# -- what the report covers ----------------------------------------------------------------------

@dataclass
class Scope:
    """The articles a report covers (rows without bodies) and its claim counts."""

    articles: list[dict]
    counts: dict[str, dict[str, int]]  # article id -> verdict -> claims shown
    verdicts: tuple[str, ...]
    left_out: int  # pending claims not shown

    @property
    def total(self) -> int:
        """Claims shown in the whole report."""
        return sum(sum(c.values()) for c in self.counts.values())


def scope(store, options: ReportOptions) -> Scope:
    """The articles and claim counts of a report, read with two queries."""
    if options.article_id is not None:
        get_article(store, options.article_id)  # refuses an unknown or deleted article
        articles = store.query(f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = ?", [options.article_id])
    else:
        articles = store.query(
            f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE deleted_at IS NULL AND EXISTS (SELECT 1 FROM claims c "
            "WHERE c.article_id = articles.id AND c.deleted_at IS NULL) ORDER BY created_at, title, id")
    counts: dict[str, dict[str, int]] = {}
    left_out = 0
    sql = "SELECT article_id, verdict, count(*) FROM claims WHERE deleted_at IS NULL"
    params: list = []
    if options.article_id is not None:
        sql += " AND article_id = ?"
        params.append(options.article_id)
    for article_id, verdict, n in store.conn.execute(sql + " GROUP BY article_id, verdict", params):
        if verdict in options.verdicts:
            counts.setdefault(article_id, dict.fromkeys(options.verdicts, 0))[verdict] = n
        else:
            left_out += n
    shown = [a for a in articles if a["id"] in counts or options.article_id is not None]
    for article in shown:
        counts.setdefault(article["id"], dict.fromkeys(options.verdicts, 0))
        article["urls"] = [u for u in appearances(store, article["id"]) if u != article["url"]]
    return Scope(shown, {a["id"]: counts[a["id"]] for a in shown}, options.verdicts, left_out)


def claims_in(store, article: dict, options: ReportOptions) -> Iterator[dict]:
    """The claims of one article the report shows, in reading order, with numbers, givers and evidence."""
    verdicts = options.verdicts
    numbers = claim_numbers(store, article["id"])
    cursor = store.conn.execute(
        f"SELECT * FROM claims WHERE article_id = ? AND deleted_at IS NULL "
        f"AND verdict IN ({','.join('?' * len(verdicts))}) ORDER BY {order.claims_sql()}",
        [article["id"], *verdicts])
    while True:
        batch = [dict(row) for row in cursor.fetchmany(BATCH)]
        if not batch:
            return
        givers = verdict_givers(store, batch)
        evidence = _evidence_of(store, [c["id"] for c in batch])
        for claim in batch:
            claim["number"] = numbers[claim["id"]]
            claim["judge"], when = givers.get(claim["id"], ("", ""))
            claim["judged_on"] = stored_date(when) if when else ""
            claim["evidence"] = evidence.get(claim["id"], [])
            yield claim


def _evidence_of(store, claim_ids: list[str]) -> dict[str, list[dict]]:
    """The live evidence of some claims, in order, each with its live attachments (no bytes)."""
    marks = ",".join("?" * len(claim_ids))
    grouped: dict[str, list[dict]] = {}
    items = {}
    for item in store.query(f"SELECT * FROM evidence WHERE deleted_at IS NULL AND claim_id IN ({marks}) "
                            f"ORDER BY claim_id, {order.evidence_sql()}", claim_ids):
        item["attachments"] = []
        items[item["id"]] = item
        grouped.setdefault(item["claim_id"], []).append(item)
    if items:
        marks = ",".join("?" * len(items))
        for row in store.query("SELECT id, evidence_id, blob_id, filename, media_type, size FROM attachments "
                               f"WHERE deleted_at IS NULL AND evidence_id IN ({marks}) "
                               f"ORDER BY evidence_id, {order.attachments_sql()}", list(items)):
            row["filename"] = row["filename"] or "attachment"
            items[row["evidence_id"]]["attachments"].append(row)
    return grouped


def made_by(store, report_scope: Scope, options: ReportOptions) -> str:
    """Who made the report: the options' name, else the reviewers who gave its verdicts (by name)."""
    if options.reviewer.strip():
        return " ".join(options.reviewer.split())
    names: set[str] = set()
    for article in report_scope.articles:
        for batch in claims_in_ids(store, article["id"], options):
            names.update(name for name, _when in verdict_givers(store, batch).values() if name.strip())
    return join_names(sorted(names, key=str.casefold))


def claims_in_ids(store, article_id: str, options: ReportOptions) -> Iterator[list[dict]]:
    """The ids and verdicts of an article's reported claims, a batch at a time."""
    verdicts = options.verdicts
    cursor = store.conn.execute(
        f"SELECT id, verdict FROM claims WHERE article_id = ? AND deleted_at IS NULL "
        f"AND verdict IN ({','.join('?' * len(verdicts))})", [article_id, *verdicts])
    while True:
        batch = [{"id": row[0], "verdict": row[1]} for row in cursor.fetchmany(BATCH)]
        if not batch:
            return
        yield batch


def join_names(names: list[str]) -> str:
    """Names as "A", "A and B", "A, B and C"."""
    names = [" ".join(n.split()) for n in names]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1] if names else ""


def evidence_title(item: dict) -> str:
    """What a report calls an evidence item: its title, else its URL, else "Untitled source"."""
    return (item["title"] or "").strip() or (item["url"] or "").strip() or "Untitled source"


def evidence_facts(item: dict) -> tuple[str, str, str]:
    """An evidence item's stance, reliability and access date in a report's words ("" where not given)."""
    return (STANCE_LABELS.get(item["stance"], item["stance"]) if item["stance"] else "",
            RELIABILITY_LABELS.get(item["reliability"], item["reliability"]) if item["reliability"] else "",
            item["accessed_on"] or "")


def unsupported(claim: dict) -> bool:
    """A verified or disputed claim with neither evidence nor rationale."""
    return (claim["verdict"] in (VERIFIED, DISPUTED) and not claim["evidence"]
            and not (claim["rationale"] or "").strip())


def claimant_shown(claim: dict, article: dict) -> str:
    """The claimant to print: only one a reviewer recorded that differs from the article's author."""
    claimant = " ".join((claim.get("claimant") or "").split())
    return claimant if claimant and claimant != " ".join((article["author"] or "").split()) else ""


def attachment_path(attachment: dict) -> str:
    """Where the "folder" export puts an attachment, relative to the report."""
    from workbench.evidence import safe_file_name

    return f"attachments/{attachment['id'][:8]}-{safe_file_name(attachment['filename'])}"


class Progress:
    """Counts claims written, reports them, stops when cancelled, and keeps the editor's warnings."""

    def __init__(self, total: int, progress: Callable[[int, int], None] | None = None,
                 cancelled: Callable[[], bool] | None = None):
        self.total, self.done = total, 0
        self._progress, self._cancelled = progress, cancelled
        self.warnings: list[str] = []

    def claim(self, article: dict, number: int, claim: dict) -> None:
        """One claim written: warn if it has nothing behind it, report progress every batch."""
        if unsupported(claim):
            title = " ".join((article["title"] or "Untitled").split())
            self.warnings.append(f"claim {number} of {title!r} ({article['id'][:8]}) is "
                                 f"{LABELS[claim['verdict']]} with no evidence and no rationale")
        self.done += 1
        if self.done % BATCH == 0:
            self.check()

    def check(self) -> None:
        """Report progress; raise Cancelled if the export was cancelled."""
        if self._cancelled is not None and self._cancelled():
            raise Cancelled()
        if self._progress is not None:
            self._progress(self.done, self.total)


# -- in memory, for callers that want the whole thing ----------------------------------------------

def collect(store, options: ReportOptions) -> dict:
    """The articles, claims and evidence a report shows, in report order, all in memory."""
    found = scope(store, options)
    sections = [{"article": a, "claims": list(claims_in(store, a, options)), "urls": a["urls"]}
                for a in found.articles]
    return {"sections": sections, "verdicts": found.verdicts, "left_out": found.left_out}


def build_markdown(store, options: ReportOptions) -> str:
    """The report as CommonMark (with a GFM-style table), ending in a newline."""
    from workbench.report_markdown import write_markdown

    out = io.StringIO()
    write_markdown(store, options, out)
    return out.getvalue()


def build_html(store, options: ReportOptions, stylesheet: str | None = None) -> str:
    """The same report as one self-contained HTML5 document (style sheet inlined)."""
    from workbench.report_html import write_html

    out = io.StringIO()
    write_html(store, options, out, stylesheet=stylesheet)
    return out.getvalue()
