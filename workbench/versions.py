"""Corrected articles: a new version linked to the old one, with every live claim carried over.

An article's text never changes (its id is derived from it), so a correction is a new article.
`add_version(store, previous_id, article_id, reviewer_id=...)` links the two and carries each
live claim of the previous version: re-anchored in the new text (anchoring.version_targets and
place_in_version: the mapped position, the exact quote with its context, an approximate match
at or above anchoring.MIN_SCORE), with its verdict, rationale, creator, times, verdict history,
evidence and attachments. A claim that cannot be placed is kept as an orphan (orphans.py). The ids
of everything carried derive from the old ids and the new article's, so carrying again, or in
another database, makes the same rows; the second time adds nothing.

For the window: `versions_of(store, article_id)` lists the versions oldest first, `version_marks`
numbers every article that has versions (for the article list), `carried_from(store, claim_id)`
says where a carried claim came from, `counterpart` finds a claim's copy on another version, and
`wording(store, claim_id)` gives the old and new wording of a carried claim whose quote changed,
as aligned pieces.
"""

import difflib
import re
import uuid
from dataclasses import dataclass, field

from workbench.articles import get_article
from workbench.claim_copies import copy_details, derived_id, insert_claim
from workbench.claims import claims_for
from workbench.errors import ImportRefused, WorkbenchError
from workbench.orphans import add_orphan

VERSION_NAMESPACE = uuid.UUID("b2e4c6a8-1d3f-5e7a-9c0b-2d4f6a8c0e1b")


@dataclass
class CarryReport:
    """What carrying claims to a new version did."""

    previous_id: str
    article_id: str
    exact: int = 0  # placed by position or exact quote
    approximate: list[tuple[str, float]] = field(default_factory=list)  # claim id, score
    orphans: list[tuple[str, str, str]] = field(default_factory=list)  # old claim id, quote, reason
    present: int = 0  # carried before

    @property
    def carried(self) -> int:
        """Claims placed in the new version by this carry."""
        return self.exact + len(self.approximate)

    def lines(self) -> list[str]:
        """The summary: how many carried exactly, approximately (with scores), not placed (quotes)."""
        total = self.carried + len(self.orphans) + self.present
        line = (f"{total} claim{'s' if total != 1 else ''} of {self.previous_id}: {self.exact} carried exactly, "
                f"{len(self.approximate)} approximately")
        if self.approximate:
            line += " (scores " + ", ".join(f"{s:.2f}" for _, s in sorted(self.approximate, key=lambda a: -a[1])) + ")"
        line += f", {len(self.orphans)} could not be placed"
        if self.present:
            line += f", {self.present} carried before"
        lines = [line]
        lines += [f"  could not be placed: “{_short(quote)}” (claim {claim_id}): {reason}"
                  for claim_id, quote, reason in self.orphans]
        return lines


def version_link_id(previous_id: str, article_id: str) -> str:
    """The id of the link saying article_id is a version of previous_id (the same in every database)."""
    return str(uuid.uuid5(VERSION_NAMESPACE, f"{previous_id} {article_id}"))


def add_version(store, previous_id: str, article_id: str, *, reviewer_id: str) -> CarryReport:
    """Record article_id as a corrected version of previous_id and carry its live claims, in one transaction."""
    with store.transaction():
        previous, article = get_article(store, previous_id), get_article(store, article_id)
        if previous_id == article_id:
            raise WorkbenchError("the new version has the same text as the article; nothing to carry")
        if _is_after(store, previous_id, article_id):
            raise WorkbenchError(f"{previous_id} is itself a later version of {article_id}")
        link = version_link_id(previous_id, article_id)
        if store.get("article_versions", link) is None:
            store.insert("article_versions", {"id": link, "article_id": article_id,
                                              "previous_id": previous_id, "created_by": reviewer_id})
        if not article["url"] and previous["url"]:  # a correction is published where the original was
            store.update("articles", article_id, url=previous["url"])
        return _carry(store, previous, article, reviewer_id)


def _carry(store, previous: dict, article: dict, reviewer_id: str) -> CarryReport:
    # anchoring (and rapidfuzz) is imported here, not above: the window lists versions before it paints
    from workbench.anchoring import APPROXIMATE, Anchorer, place_in_version, version_targets

    report = CarryReport(previous["id"], article["id"])
    claims = claims_for(store, previous["id"])
    targets = version_targets(previous["body"], article["body"], [(c["start"], c["end"]) for c in claims])
    placements = place_in_version(Anchorer(article["body"]), targets)
    for claim, placement in zip(claims, placements):
        new_id = derived_id(claim["id"], article["id"])
        if store.get("claims", new_id) is not None or store.get("orphans", new_id) is not None:
            report.present += 1
            continue
        if not placement.placed:
            add_orphan(store, {"id": new_id, "created_at": claim["created_at"], "updated_at": claim["updated_at"],
                               "article_id": article["id"], "quote": claim["quote"], "prefix": claim["prefix"],
                               "suffix": claim["suffix"], "verdict": claim["verdict"],
                               "rationale": claim["rationale"], "reason": placement.reason,
                               "source": f"version {previous['id']}", "from_claim_id": claim["id"],
                               "created_by": claim["created_by"]})
            report.orphans.append((claim["id"], claim["quote"], placement.reason))
            continue
        insert_claim(store, article["body"], {
            "id": new_id, "article_id": article["id"], "start": placement.start, "end": placement.end,
            "verdict": claim["verdict"], "rationale": claim["rationale"], "created_by": claim["created_by"],
            "updated_by": claim["updated_by"], "created_at": claim["created_at"],
            "updated_at": claim["updated_at"]})
        copy_details(store, claim["id"], new_id, article["id"])
        store.insert("carried_claims", {"id": new_id, "claim_id": new_id, "from_claim_id": claim["id"],
                                        "method": placement.method, "score": placement.score,
                                        "created_by": reviewer_id})
        if placement.method == APPROXIMATE:
            report.approximate.append((new_id, placement.score))
        else:
            report.exact += 1
    store.changed("articles", article["id"])
    return report


def import_new_version(store, source: str, previous_id: str, *, reviewer_id: str, cancelled=None):
    """Import source (a file or URL) as a corrected version of previous_id and carry its claims.

    One transaction: a source that cannot be imported changes nothing. A web page is downloaded
    before the transaction begins, so the database is not held while the network is slow.
    cancelled() (optional) is asked during the download and before the end: true, and nothing
    is stored. Returns the importer's Outcome (the article added) and the CarryReport.
    """
    # importers reaches annotations, which reach orphans
    from workbench.importers import fetch_page, import_page, import_sources, is_url

    get_article(store, previous_id)
    page = fetch_page(source, cancelled=cancelled) if is_url(source) else None
    with store.transaction():
        get_article(store, previous_id)
        if page is not None:
            outcome = import_page(store, page, reviewer_id=reviewer_id)
        else:
            [outcome] = import_sources(store, [source], reviewer_id=reviewer_id, cancelled=cancelled)
        if outcome.error:
            raise WorkbenchError(outcome.error)
        if len(outcome.added) != 1:
            raise WorkbenchError(f"{source}: is not an article (a new version is a .txt, .md or .html file, or a URL)")
        report = add_version(store, previous_id, outcome.added[0].article["id"], reviewer_id=reviewer_id)
        if cancelled is not None and cancelled():
            raise ImportRefused(f"{source}: cancelled; nothing was imported")
    return outcome, report


# -- for the window -------------------------------------------------------------------------------

def versions_of(store, article_id: str) -> list[dict]:
    """Every version of the article (earlier and later ones, itself included), oldest first.

    Each: id, title, created_at, url, previous_id (the version it corrects, or None) and claims
    (how many live claims it has).
    """
    family = {article_id}
    frontier = [article_id]
    while frontier:
        current = frontier.pop()
        for row in store.query("SELECT article_id, previous_id FROM article_versions WHERE deleted_at IS NULL "
                               "AND (article_id = ? OR previous_id = ?)", [current, current]):
            for other in (row["article_id"], row["previous_id"]):
                if other not in family:
                    family.add(other)
                    frontier.append(other)
    marks = ", ".join("?" for _ in family)
    rows = store.query(
        f"SELECT a.id, a.title, a.created_at, a.url, (SELECT count(*) FROM claims c WHERE c.article_id = a.id "
        f"AND c.deleted_at IS NULL) AS claims FROM articles a WHERE a.id IN ({marks}) AND a.deleted_at IS NULL",
        list(family))
    previous = {r["article_id"]: r["previous_id"] for r in store.query(
        f"SELECT article_id, previous_id FROM article_versions WHERE deleted_at IS NULL AND article_id IN ({marks}) "
        "ORDER BY created_at, id", list(family))}
    for row in rows:
        row["previous_id"] = previous.get(row["id"])
    return _in_order(rows)


def version_marks(store) -> dict[str, dict]:
    """For every live article that has other live versions: {id: {"number", "of", "superseded"}}.

    number counts from 1 in versions_of's order; superseded is true when a live later version
    corrects it. Articles with no other version are left out (the article list marks nothing).
    """
    links = store.query("SELECT article_id, previous_id FROM article_versions WHERE deleted_at IS NULL")
    if not links:
        return {}
    family: dict[str, str] = {}  # article id -> a representative of its family (union-find)

    def root(article_id: str) -> str:
        while family.setdefault(article_id, article_id) != article_id:
            family[article_id] = family[family[article_id]]
            article_id = family[article_id]
        return article_id

    for link in links:
        family[root(link["article_id"])] = root(link["previous_id"])
    live = {r["id"]: r for r in store.query_in(
        "SELECT id, created_at FROM articles WHERE deleted_at IS NULL AND id IN ({marks})", family)}
    previous = {link["article_id"]: link["previous_id"] for link in links}
    corrected = {link["previous_id"] for link in links if link["article_id"] in live}
    members: dict[str, list[dict]] = {}
    for article_id, row in live.items():
        members.setdefault(root(article_id), []).append({**row, "previous_id": previous.get(article_id)})
    marks = {}
    for rows in members.values():
        if len(rows) > 1:
            for number, row in enumerate(_in_order(rows), 1):
                marks[row["id"]] = {"number": number, "of": len(rows), "superseded": row["id"] in corrected}
    return marks


def _in_order(rows: list[dict]) -> list[dict]:
    """Versions oldest first: each after the one it corrects (ties: creation time, id)."""
    depth: dict[str, int] = {}
    by_id = {r["id"]: r for r in rows}

    def level(row_id: str, seen: frozenset = frozenset()) -> int:
        if row_id not in depth:
            before = by_id.get(row_id, {}).get("previous_id")
            depth[row_id] = 0 if before not in by_id or before in seen else level(before, seen | {row_id}) + 1
        return depth[row_id]

    return sorted(rows, key=lambda r: (level(r["id"]), r["created_at"], r["id"]))


def _is_after(store, later_id: str, article_id: str) -> bool:
    """True if later_id is a version made from article_id, directly or through others."""
    seen, frontier = set(), [later_id]
    while frontier:
        current = frontier.pop()
        for row in store.query("SELECT previous_id FROM article_versions WHERE article_id = ? "
                               "AND deleted_at IS NULL", [current]):
            if row["previous_id"] == article_id:
                return True
            if row["previous_id"] not in seen:
                seen.add(row["previous_id"])
                frontier.append(row["previous_id"])
    return False


def carried_from(store, claim_id: str) -> dict | None:
    """Where a carried claim came from: from_claim_id, its article_id, quote, method, score; else None."""
    rows = store.query(
        "SELECT k.from_claim_id, k.method, k.score, c.article_id, c.quote FROM carried_claims k "
        "JOIN claims c ON c.id = k.from_claim_id WHERE k.claim_id = ? AND k.deleted_at IS NULL", [claim_id])
    return rows[0] if rows else None


def counterpart(store, claim_id: str, article_id: str) -> str | None:
    """The live claim on article_id that claim_id was carried to or from (through any versions), or None."""
    seen, frontier = {claim_id}, [claim_id]
    while frontier:
        current = frontier.pop()
        row = store.get("claims", current)
        if row is not None and row["article_id"] == article_id and row["deleted_at"] is None and current != claim_id:
            return current
        for link in store.query("SELECT claim_id, from_claim_id FROM carried_claims WHERE deleted_at IS NULL "
                                "AND (claim_id = ? OR from_claim_id = ?)", [current, current]):
            for other in (link["claim_id"], link["from_claim_id"]):
                if other not in seen:
                    seen.add(other)
                    frontier.append(other)
    return None


@dataclass(frozen=True)
class Wording:
    """The old and new wording of a carried claim, and the pieces that differ (for side by side)."""

    old: str
    new: str
    pieces: list[tuple[str, str, str]]  # (same | changed | removed | added, old text, new text)
    method: str
    score: float | None


def wording(store, claim_id: str) -> Wording | None:
    """For a carried claim whose quote changed, its old and new wording; None if it did not change."""
    source = carried_from(store, claim_id)
    if source is None:
        return None
    new = store.require("claims", claim_id, "claim")["quote"]
    if new == source["quote"]:
        return None
    return Wording(source["quote"], new, word_pieces(source["quote"], new), source["method"], source["score"])


_TOKEN = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)
_TAGS = {"equal": "same", "replace": "changed", "delete": "removed", "insert": "added"}


def word_pieces(old: str, new: str) -> list[tuple[str, str, str]]:
    """old and new as aligned pieces, word by word: (kind, old text, new text); joined, each gives its text back."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return [(_TAGS[tag], "".join(a[i1:i2]), "".join(b[j1:j2])) for tag, i1, i2, j1, j2 in matcher.get_opcodes()]


def _short(quote: str, limit: int = 60) -> str:
    quote = " ".join(quote.split())
    return quote if len(quote) <= limit else quote[:limit - 1] + "…"
