"""Published fact-checks: schema.org ClaimReview JSON-LD read liberally and each review stored once.

A file may hold one ClaimReview, a list of them, an `@graph`, or a `DataFeed` (or `ItemList`)
whose elements hold them in `item`; nodes of a graph may refer to each other by `@id`. Types may
be written `ClaimReview`, `schema:ClaimReview` or as the full schema.org IRI. Every property may
be a value or a list (the first usable one counts), a string or an object with a `name`.

Kept for each review: the claim reviewed (required: `claimReviewed`, else the reviewed item's
name or text), the review's headline, its rating (`alternateName`, value, best and worst), who
reviewed it (author, else publisher) and their URL, the review's URL and date, who made the claim,
when, and where it appeared (`itemReviewed.appearance`, else `firstAppearance`), and the language.
Only http(s) URLs are kept. Dates are kept only to the precision the file states (a year alone
stays a year).

A review's id is derived from its URL, claim and reviewer, so importing a file twice adds nothing
and says so. What cannot be used (no claim, not a ClaimReview, an absurdly long text) is skipped
with a reason; a file with no ClaimReview at all is refused. Everything is stored in one
transaction: a failure or a cancel stores nothing.
"""

import datetime
import json
import re
import unicodedata
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePath

from workbench import ids
from workbench.errors import ImportRefused

FACT_CHECK_NAMESPACE = uuid.UUID("0b6c7d1e-5a2f-5c3b-9d84-7e1f2a3b4c5d")
MAX_TEXT = 10_000  # longer claims or titles are not a fact-check's text
SHOWN_SKIPS = 20  # skip reasons listed in a summary; the rest are counted
_PREFIXES = ("http://schema.org/", "https://schema.org/", "schema:", "http://www.schema.org/")
_CONTROL = dict.fromkeys([*range(0, 9), 11, 12, *range(14, 32), 0x7F])
_YEAR_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")
_YEAR = re.compile(r"^\s*(\d{4})\s*$")
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\s*$")

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


@dataclass
class FactCheckReport:
    """What a ClaimReview import did: reviews added, reviews already present, and what was skipped."""

    added: int = 0
    present: int = 0
    skipped: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The summary for a person: one line of counts, then one line per skipped review."""
        if self.added:
            head = f"{self.added} fact-checks imported"
            if self.present:
                head += f"; {self.present} were already in the database"
        elif self.present:
            head = f"nothing new: all {self.present} fact-checks were already in the database"
        else:
            head = "no fact-check could be imported"
        if self.skipped:
            head += f"; {len(self.skipped)} skipped"
        lines = [head] + [f"skipped {reason}" for reason in self.skipped[:SHOWN_SKIPS]]
        if len(self.skipped) > SHOWN_SKIPS:
            lines.append(f"and {len(self.skipped) - SHOWN_SKIPS} more skipped")
        return lines


class _Skip(Exception):
    """A review that cannot be used; its text is the reason."""


# -- finding the reviews ------------------------------------------------------------------------

def types(node) -> set[str]:
    """The schema.org type names of a JSON-LD node (prefixes and IRIs reduced to the bare name)."""
    if not isinstance(node, dict):
        return set()
    value = node.get("@type", node.get("type"))
    values = value if isinstance(value, list) else [value]
    names = set()
    for item in values:
        if isinstance(item, str):
            for prefix in _PREFIXES:
                if item.startswith(prefix):
                    item = item[len(prefix):]
                    break
            names.add(item)
    return names


def is_claim_review_document(data) -> bool:
    """Whether parsed JSON is schema.org ClaimReview data (rather than, say, W3C annotations)."""
    if isinstance(data, dict) and types(data) & {"DataFeed", "ClaimReview"}:
        return True
    reviews, _ = _walk(data)
    return bool(reviews)


def _walk(data) -> tuple[list[dict], list[str]]:
    """Every ClaimReview node in the document, and reasons for elements that are not one."""
    reviews: list[dict] = []
    skipped: list[str] = []
    stack = [(data, "the file", True)]
    while stack:
        node, label, must = stack.pop()
        if isinstance(node, list):
            stack.extend((item, f"item {i}", must) for i, item in reversed(list(enumerate(node, 1))))
            continue
        if not isinstance(node, dict):
            if must:
                skipped.append(f"{label}: is not a JSON object")
            continue
        kinds = types(node)
        if "ClaimReview" in kinds:
            reviews.append(node)
        elif "@graph" in node:
            graph = node["@graph"]
            stack.append((graph if isinstance(graph, list) else [graph], "graph", False))
        elif kinds & {"DataFeed", "ItemList"} or "dataFeedElement" in node:
            elements = node.get("dataFeedElement", node.get("itemListElement", []))
            elements = elements if isinstance(elements, list) else [elements]
            stack.extend((_feed_item(e), f"feed element {i}", True) for i, e in reversed(list(enumerate(elements, 1))))
        elif must:
            name = ", ".join(sorted(kinds)) or "an object without @type"
            skipped.append(f"{label}: is {name}, not a ClaimReview")
    return reviews, skipped


def _feed_item(element):
    """The review inside a DataFeedItem or ListItem (or the element itself)."""
    if isinstance(element, dict) and "ClaimReview" not in types(element) and "item" in element:
        return element["item"]
    return element


def _index(data) -> dict[str, dict]:
    """Nodes by their @id, so that {"@id": ...} references can be followed."""
    found: dict[str, dict] = {}
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            node_id = node.get("@id")
            if isinstance(node_id, str) and len(node) > 1:
                found.setdefault(node_id, node)
            stack.extend(v for v in node.values() if isinstance(v, (list, dict)))
    return found


# -- reading one review -------------------------------------------------------------------------

def read_review(node: dict, index: dict[str, dict] | None = None) -> dict:
    """The fact_checks row (without id and bookkeeping) for one ClaimReview node; _Skip if unusable."""
    index = index or {}
    item = _resolve(_first_object(node.get("itemReviewed")), index) or {}
    claim = _text(node.get("claimReviewed")) or _text(item.get("name")) or _text(item.get("text"))
    if not claim:
        raise _Skip("has no claimReviewed (the claim that was checked)")
    title = _text(node.get("headline")) or _text(node.get("name"))
    for what, value in (("claimReviewed", claim), ("headline", title)):
        if value and len(value) > MAX_TEXT:
            raise _Skip(f"its {what} is longer than {MAX_TEXT:,} characters")
    rating = _resolve(_first_object(node.get("reviewRating")), index) or {}
    authors = _objects(node.get("author"), index) or _objects(node.get("publisher"), index)
    appearance = _url_of(item.get("appearance"), index) or _url_of(item.get("firstAppearance"), index)
    return {
        "claim": claim,
        "title": title,
        "rating": _text(rating.get("alternateName")) or _text(rating.get("name")),
        "rating_value": _number(rating.get("ratingValue")),
        "best_rating": _number(rating.get("bestRating")),
        "worst_rating": _number(rating.get("worstRating")),
        "reviewed_by": _names(authors),
        "reviewer_url": next((u for u in (_http_url(a.get("url")) for a in authors if isinstance(a, dict)) if u), None),
        "url": _http_url(node.get("url")) or _http_url(node.get("@id")),
        "published": parse_date(node.get("datePublished")) or parse_date(node.get("dateCreated")),
        "claimant": _names(_objects(item.get("author"), index)),
        "claim_date": parse_date(item.get("datePublished")) or parse_date(item.get("dateCreated")),
        "appearance": appearance,
        "language": _text(_language(node.get("inLanguage") or item.get("inLanguage"))),
    }


def _first_object(value):
    values = value if isinstance(value, list) else [value]
    return next((v for v in values if isinstance(v, dict)), None)


def _resolve(node, index: dict[str, dict]):
    if isinstance(node, dict) and set(node) <= {"@id", "@type"} and node.get("@id") in index:
        return index[node["@id"]]
    return node


def _objects(value, index: dict[str, dict]) -> list:
    values = value if isinstance(value, list) else [value]
    return [_resolve(v, index) for v in values if isinstance(v, (dict, str))]


def _names(people: list) -> str | None:
    names = []
    for person in people:
        name = _text(person.get("name") or person.get("alternateName")) if isinstance(person, dict) else _text(person)
        if name and not _http_url(name) and name not in names:
            names.append(name)
    return ", ".join(names)[:MAX_TEXT] or None


def _url_of(value, index: dict[str, dict]) -> str | None:
    for item in _objects(value, index):
        url = _http_url(item.get("url") or item.get("@id")) if isinstance(item, dict) else _http_url(item)
        if url:
            return url
    return None


def _language(value):
    if isinstance(value, list):
        value = next((v for v in value if v), None)
    if isinstance(value, dict):
        return value.get("alternateName") or value.get("name")
    return value


def _text(value) -> str | None:
    """Clean one-line text from a JSON-LD value (a string, a number, a value object or a list)."""
    if isinstance(value, list):
        value = next((v for v in (_text(x) for x in value) if v), None)
    if isinstance(value, dict):
        value = value.get("@value")
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        value = str(value)
    elif isinstance(value, float):
        value = f"{value:g}"
    if not isinstance(value, str):
        return None
    value = value.encode("utf-8", "replace").decode("utf-8")  # a lone surrogate cannot be stored
    value = unicodedata.normalize("NFC", value.translate(_CONTROL))
    return " ".join(value.split()) or None


def _number(value) -> float | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value) if value == value and abs(value) != float("inf") else None
    if isinstance(value, str):
        try:
            number = float(value.strip().replace(",", "."))
        except ValueError:
            return None
        return number if number == number and abs(number) != float("inf") else None
    return None


def _http_url(value) -> str | None:
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str)), None)
    if not isinstance(value, str):
        return None
    from workbench.mdtext import safe_url

    url = safe_url(value)
    return url if url and url.lower().startswith(("http://", "https://")) else None


def parse_date(value) -> str | None:
    """A stated date as ISO text to the precision given (YYYY-MM-DD, YYYY-MM or YYYY), else None.

    Takes ISO 8601 with or without a time, 20200102, and written dates ("2 Jan 2020",
    "January 2, 2020"); never fills in a part the text does not give.
    """
    text = _text(value)
    if not text or len(text) > 64:
        return None
    for pattern, size in ((_YEAR, 1), (_YEAR_MONTH, 2), (_COMPACT, 3)):
        found = pattern.match(text)
        if found:
            return _iso(*map(int, found.groups()))
    try:
        return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        pass
    try:
        return datetime.date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        pass
    return _written_date(text)


def _iso(year: int, month: int | None = None, day: int | None = None) -> str | None:
    try:
        if day is not None:
            return datetime.date(year, month, day).isoformat()
        if month is not None:
            return f"{datetime.date(year, month, 1):%Y-%m}"
        return f"{year:04d}" if 1 <= year <= 9999 else None
    except (ValueError, TypeError):
        return None


def _written_date(text: str) -> str | None:
    """A date written out in words, read twice with different defaults to see which parts it gives."""
    from dateutil import parser

    try:
        first = parser.parse(text, default=datetime.datetime(1, 1, 1))
        second = parser.parse(text, default=datetime.datetime(2, 2, 2))
    except (ValueError, OverflowError, TypeError):
        return None
    if first.year != second.year:
        return None  # no year given: not a date we can keep
    if first.month != second.month:
        return _iso(first.year)
    if first.day != second.day:
        return _iso(first.year, first.month)
    return _iso(first.year, first.month, first.day)


def fact_check_id(row: dict) -> str:
    """A review's id: the same URL, claim and reviewer give the same id in every database."""
    key = json.dumps([row.get("url") or "", (row["claim"] or "").casefold(), (row.get("reviewed_by") or "").casefold()],
                     ensure_ascii=False)
    return str(uuid.uuid5(FACT_CHECK_NAMESPACE, ids.sha256_hex(key.encode("utf-8"))))


# -- storing ------------------------------------------------------------------------------------

def read_reviews(data) -> tuple[list[dict], list[str]]:
    """The usable reviews of a parsed file as rows with ids, and the reasons the others were skipped."""
    nodes, skipped = _walk(data)
    index = _index(data) if any(isinstance(v, dict) and "@id" in v for n in nodes for v in n.values()) else {}
    rows = []
    for number, node in enumerate(nodes, 1):
        try:
            row = read_review(node, index)
        except _Skip as reason:
            skipped.append(f"review {number}{_named(node)}: {reason}")
            continue
        row["id"] = fact_check_id(row)
        rows.append(row)
    return rows, skipped


def _named(node: dict) -> str:
    url = _http_url(node.get("url"))
    return f" ({url[:100]})" if url else ""


def import_reviews(store, data, *, source: str, reviewer_id: str, progress: Progress | None = None,
                   cancelled: Cancelled | None = None) -> FactCheckReport:
    """Store the ClaimReviews of parsed JSON (all in one transaction); reviews already there are counted."""
    rows, skipped = read_reviews(data)
    if not rows and not skipped:
        raise ImportRefused(f"{source}: contains no ClaimReview")
    report = FactCheckReport(skipped=skipped)
    stamp = ids.now()
    with store.transaction():
        known = _known_ids(store, [row["id"] for row in rows])
        seq = (store.get_value("SELECT MAX(seq) FROM fact_checks") or 0) + 1
        fresh = []
        for number, row in enumerate(rows, 1):
            if cancelled is not None and number % 500 == 0 and cancelled():
                raise ImportRefused(f"{source}: import cancelled; nothing was imported")
            if progress is not None and number % 500 == 0:
                progress(number, len(rows))
            if row["id"] in known:
                report.present += 1
                continue
            known.add(row["id"])
            fresh.append({**row, "seq": seq, "created_at": stamp, "updated_at": stamp, "deleted_at": None,
                          "source": PurePath(source).name[:300], "created_by": reviewer_id})
            seq += 1
        if fresh:
            columns = list(fresh[0])
            store.conn.executemany(
                f"INSERT INTO fact_checks ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                [list(row.values()) for row in fresh])
            for row in fresh:
                store.changed("fact_checks", row["id"])
        report.added = len(fresh)
    if progress is not None:
        progress(len(rows), len(rows))
    return report


def _known_ids(store, wanted: list[str]) -> set[str]:
    known: set[str] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        known.update(r[0] for r in store.conn.execute(
            f"SELECT id FROM fact_checks WHERE id IN ({', '.join('?' * len(chunk))})", chunk))
    return known


def fact_check(store, fact_check_id_: str) -> dict | None:
    """One live fact-check row by id, or None."""
    row = store.get("fact_checks", fact_check_id_)
    return row if row and not row["deleted_at"] else None
