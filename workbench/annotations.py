"""Claims as W3C Web Annotations (JSON-LD): a deterministic export, and an import of what other tools write.

Export: one `AnnotationCollection` {"@context", "id", "type", "label", "total", "first": {"id",
"type": "AnnotationPage", "startIndex": 0, "items": [...]}}. Collection and page ids are urn:uuid
names derived from the content and nothing records when the file was written, so the same claims
give the same bytes. Items are ordered by article id, start, end, creation time and claim id.
The `@context` is the W3C context followed by our own terms under NAMESPACE, so a JSON-LD
processor expanding the file keeps every field.

One annotation per live claim: id `urn:uuid:<claim id>`, motivation "assessing", created and
modified (the row's times), creator (Person, `urn:uuid:<reviewer id>`, name), target (source
`urn:uuid:<article id>`, scope: the article's web address when it has one; a TextPositionSelector
in code points of the stored body and a TextQuoteSelector), and body: the verdict (TextualBody,
purpose "assessing"), the rationale if any (TextualBody, purpose "commenting", text/markdown), then
each live piece of evidence in order (id `urn:uuid:<evidence id>`; when it has a URL, a
SpecificResource with purpose "linking" whose source is the URL as a valid URI (uris.to_uri); its own
created/modified, a creator only if not the claim's, and under "workbench:evidence" its non-empty
title, publisher, excerpt, note, stance, reliability and accessed_on, and the URL as text when no
URI can be made of it). Attachments are not carried.

Import (annotation_forms reads the forms): each annotation is placed on an article we hold (named
by `urn:uuid:`, by a web address it appeared at, or, with no source, the article given or the one
article holding its quote) with `anchoring.Anchorer`; imported `onto` one article, on that
article unless it names another article we hold. Placed: a claim with its verdict (none:
pending), rationale (tags as its last line "Tags: a, b"), evidence and creator (none: the importing
reviewer). Not placed: kept as an orphan (orphans.py) and listed with its quote. Annotations about
nothing we hold are skipped and counted. A claim or orphan whose id is already in the database is
left as it is and counted as present, so importing a file twice changes nothing. A file that is not
annotations, or an annotation that contradicts itself, refuses the whole file, naming it and the
annotation; nothing is stored.
"""

import hashlib
import json
import sqlite3
import uuid
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from workbench import ids, order
from workbench.anchoring import APPROXIMATE, EXACT, POSITION, Anchorer
from workbench.annotation_forms import (EVIDENCE_FIELDS, EVIDENCE_KEY, URN, Bad, Incoming, Skipped,
                                        label_of, parse, read_items)
from workbench.articles import get_article
from workbench.claim_copies import insert_claim, insert_evidence, record_first_verdict, remove_claim
from workbench.errors import ImportRefused
from workbench.orphans import add_orphan
from workbench.uris import to_uri
from workbench.versions import versions_of

W3C_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
NAMESPACE = "https://w3id.org/factcheck-workbench/ns#"
CONTEXT = [W3C_CONTEXT, {
    "workbench": NAMESPACE,
    "title": "dcterms:title",
    "publisher": "dcterms:publisher",
    "excerpt": "workbench:excerpt",
    "note": "workbench:note",
    "stance": "workbench:stance",
    "reliability": "workbench:reliability",
    "accessed_on": {"@id": "workbench:accessedOn", "@type": "xsd:date"},
    "url": "workbench:url",
}]
COLLECTION_NAMESPACE = uuid.UUID("6c0d2a47-91b3-5e1f-8a64-2d7e9f0b1c35")
PROGRESS_EVERY = 50  # annotations anchored between progress reports (and looks at cancel)
METHOD_WORDS = {POSITION: "by position", EXACT: "exactly", APPROXIMATE: "approximately"}


# -- export -------------------------------------------------------------------------------------

def export_collection(store, article_id: str | None = None) -> dict:
    """The live claims (of one article, or all) as a deterministic W3C AnnotationCollection."""
    label = "Fact-check workbench claims"
    if article_id is not None:
        label = f"Claims in {get_article(store, article_id)['title']}"
    names = store.reviewer_names()
    evidence: dict[str, list[dict]] = {}
    for row in _live_rows(store, "evidence", article_id):
        evidence.setdefault(row["claim_id"], []).append(row)
    places = _web_addresses(store)
    items = [_annotation(claim, names, evidence.get(claim["id"], []), places.get(claim["article_id"]))
             for claim in _live_rows(store, "claims", article_id)]
    digest = ids.sha256_hex(json.dumps([article_id, items], sort_keys=True).encode("utf-8"))
    collection_id = uuid.uuid5(COLLECTION_NAMESPACE, digest)
    page = {"id": URN + str(uuid.uuid5(collection_id, "page-1")), "type": "AnnotationPage",
            "startIndex": 0, "items": items}
    return {"@context": CONTEXT, "id": URN + str(collection_id), "type": "AnnotationCollection",
            "label": label, "total": len(items), "first": page}


def dumps(collection: dict) -> str:
    """Stable JSON text: keys sorted, lists in their meaningful order, UTF-8 text, final newline."""
    return json.dumps(collection, sort_keys=True, ensure_ascii=False, indent=2) + "\n"


def _live_rows(store, table: str, article_id: str | None) -> list[dict]:
    """Live claims (or their live evidence) on live articles, in export order."""
    where = "c.deleted_at IS NULL AND a.deleted_at IS NULL"
    params = []
    if article_id is not None:
        where += " AND c.article_id = ?"
        params.append(article_id)
    if table == "claims":
        sql = (f'SELECT c.* FROM claims c JOIN articles a ON a.id = c.article_id WHERE {where} '
               f'ORDER BY c.article_id, {order.claims_sql("c")}')
    else:
        sql = ("SELECT e.* FROM evidence e JOIN claims c ON c.id = e.claim_id "
               f"JOIN articles a ON a.id = c.article_id WHERE e.deleted_at IS NULL AND {where} "
               f'ORDER BY e.claim_id, {order.evidence_sql("e")}')
    return store.query(sql, params)


def _person(reviewer_id: str | None, names: dict[str, str]) -> dict | None:
    if not reviewer_id or reviewer_id not in names:
        return None
    return {"type": "Person", "id": URN + reviewer_id, "name": names[reviewer_id]}


def _web_addresses(store) -> dict[str, str]:
    """article id -> its web address as a URI (its URL, else the first place it appeared)."""
    found = {}
    for row in store.query("SELECT a.id, a.url, (SELECT p.url FROM appearances p WHERE p.article_id = a.id "
                           "AND p.deleted_at IS NULL ORDER BY p.created_at, p.id LIMIT 1) AS seen "
                           "FROM articles a WHERE a.deleted_at IS NULL"):
        uri = to_uri(row["url"] or row["seen"] or "")
        if uri and urllib.parse.urlsplit(uri).scheme in ("http", "https"):
            found[row["id"]] = uri
    return found


def _annotation(claim: dict, names: dict[str, str], evidence: list[dict], address: str | None) -> dict:
    annotation = {"@context": CONTEXT, "id": URN + claim["id"], "type": "Annotation",
                  "motivation": "assessing", "created": claim["created_at"],
                  "modified": claim["updated_at"]}
    creator = _person(claim["created_by"], names)
    if creator:
        annotation["creator"] = creator
    annotation["target"] = {
        "source": URN + claim["article_id"],
        **({"scope": address} if address else {}),
        "selector": [
            {"type": "TextPositionSelector", "start": claim["start"], "end": claim["end"]},
            {"type": "TextQuoteSelector", "exact": claim["quote"],
             "prefix": claim["prefix"] or "", "suffix": claim["suffix"] or ""},
        ],
    }
    body = [{"type": "TextualBody", "purpose": "assessing", "value": claim["verdict"]}]
    if claim["rationale"]:
        body.append({"type": "TextualBody", "purpose": "commenting", "format": "text/markdown",
                     "value": claim["rationale"]})
    for row in evidence:
        item = {"id": URN + row["id"], "created": row["created_at"], "modified": row["updated_at"]}
        uri = to_uri(row["url"]) if row["url"] else None
        if uri:  # without a web address it links to nothing: the model allows no purpose then
            item.update(type="SpecificResource", source=uri, purpose="linking")
        if row["created_by"] and row["created_by"] != claim["created_by"]:
            if person := _person(row["created_by"], names):
                item["creator"] = person
        extra = {k: row[k] for k in EVIDENCE_FIELDS if row[k] not in (None, "")}
        if row["url"] and not uri:
            extra["url"] = row["url"]
        if extra:
            item[EVIDENCE_KEY] = extra
        body.append(item)
    annotation["body"] = body
    return annotation


# -- import -------------------------------------------------------------------------------------

@dataclass
class ImportReport:
    """What an annotation import did: claims placed (how), already present, orphans kept, skipped."""

    imported: int = 0
    present: int = 0
    methods: Counter = field(default_factory=Counter)  # position / exact / approximate -> claims
    scores: list[float] = field(default_factory=list)  # of the approximate ones
    orphans: list[tuple[str, str, str]] = field(default_factory=list)  # label, quote, reason
    skipped: Counter = field(default_factory=Counter)  # reason -> annotations
    notes: list[str] = field(default_factory=list)
    # what this import made, for its undo: (claim or orphan id, ids of the evidence it brought)
    stored: list[tuple[str, list[str]]] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The summary, one line each: claims placed, present, orphans with their quotes, skipped."""
        lines = list(self.notes)
        if self.imported:
            how = ", ".join(f"{self.methods[m]} {word}" for m, word in METHOD_WORDS.items() if self.methods[m])
            line = f"{self.imported} claim{'s' if self.imported != 1 else ''} imported ({how})"
            if self.scores:
                line += "; approximate scores " + ", ".join(f"{s:.2f}" for s in sorted(self.scores, reverse=True))
            lines.append(line)
        if self.present:
            lines.append(f"{self.present} already in the database")
        if self.orphans:
            lines.append(f"{len(self.orphans)} could not be placed; kept to be placed by hand:")
            lines += [f"  “{_short_quote(quote)}” (annotation {label}): {reason}"
                      for label, quote, reason in self.orphans]
        for reason, count in sorted(self.skipped.items()):
            lines.append(f"{count} skipped: {reason}")
        return lines


def import_annotation_file(store, path, *, reviewer_id: str, article_id: str | None = None) -> int:
    """Import the claims of an annotation file (.json/.jsonld); return how many claims were placed."""
    return import_annotation_file_report(store, path, reviewer_id=reviewer_id, article_id=article_id).imported


def import_annotation_file_report(store, path, *, reviewer_id: str, article_id: str | None = None,
                                  onto: bool = False, progress=None, cancelled=None) -> ImportReport:
    """Like import_annotation_file, but say everything it did (ImportReport); the options are
    import_collection_report's."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ImportRefused(f"{path}: cannot read ({error.strerror})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportRefused(f"{path}: is not UTF-8 text (bad byte at position {error.start})") from None
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except (json.JSONDecodeError, ValueError) as error:
        raise ImportRefused(f"{path}: is not valid JSON ({error})") from None
    except RecursionError:
        raise ImportRefused(f"{path}: is not valid JSON (nested too deeply)") from None
    return import_collection_report(store, data, source=str(path), reviewer_id=reviewer_id,
                                    article_id=article_id, onto=onto, progress=progress, cancelled=cancelled)


def import_collection(store, data, *, source: str, reviewer_id: str, article_id: str | None = None) -> int:
    """Import parsed annotation JSON (named source in messages); return how many claims were placed."""
    return import_collection_report(store, data, source=source, reviewer_id=reviewer_id,
                                    article_id=article_id).imported


def import_collection_report(store, data, *, source: str, reviewer_id: str,
                             article_id: str | None = None, onto: bool = False, progress=None,
                             cancelled=None) -> ImportReport:
    """Like import_collection, but say everything it did. article_id: the article of annotations
    that name no document (Recogito's); without it, the one article that holds their quote.

    onto (with article_id): the reviewer imports the file onto that article, so annotations naming
    another version of it, or a web address or document we do not hold, are placed there too;
    only those naming another article we hold are skipped. progress(done, total, source) is called
    as annotations are anchored; when cancelled() turns true, nothing is stored (ImportRefused)."""
    try:
        items, notes = read_items(data)
    except ValueError as error:
        raise ImportRefused(f"{source}: {error}") from None
    report = ImportReport(notes=notes)
    incoming = _incoming(items, source, report)
    articles = _Articles(store, article_id, onto=onto)
    decided = []
    for done, claim in enumerate(incoming):
        if done % PROGRESS_EVERY == 0:
            if cancelled is not None and cancelled():
                raise ImportRefused(f"{source}: cancelled; nothing was imported")
            if progress is not None:
                progress(done, len(incoming), source)
        decided.append((claim, articles.place(claim)))
    try:
        with store.transaction():
            for claim, (where, placement, reason) in decided:
                if where is None:
                    report.skipped[reason] += 1
                else:
                    _store(store, claim, where, placement, source, reviewer_id, report)
    except sqlite3.IntegrityError as error:
        raise ImportRefused(f"{source}: could not be stored ({error}); nothing was imported") from None
    except UnicodeEncodeError:  # JSON can spell a lone surrogate (\ud800); UTF-8 cannot store it
        raise ImportRefused(f"{source}: has text that is not valid Unicode (a lone surrogate); "
                            "nothing was imported") from None
    return report


def _no_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")


def _incoming(items: list, source: str, report: ImportReport) -> list[Incoming]:
    """Every claim the file asks for, checked; ImportRefused for an annotation that contradicts itself."""
    claims, seen, evidence_seen = [], {}, set()
    for index, item in enumerate(items, 1):
        label = label_of(item, index)
        try:
            parsed = parse(item, index)
        except Bad as error:
            raise ImportRefused(f"{source}: annotation {label}: {error}") from None
        if isinstance(parsed, Skipped):
            report.skipped[parsed.reason] += 1
            continue
        for claim in parsed:
            if claim.claim_id in seen:
                if seen[claim.claim_id] != claim.fingerprint:
                    raise ImportRefused(f"{source}: annotation {label}: appears twice in the file, "
                                        "saying different things")
                continue
            seen[claim.claim_id] = claim.fingerprint
            for row, _ in claim.evidence:
                if row["id"] in evidence_seen:
                    raise ImportRefused(f"{source}: annotation {label}: evidence {URN}{row['id']} "
                                        "appears twice")
                evidence_seen.add(row["id"])
            claims.append(claim)
    return claims


class _Articles:
    """Which article an annotation is about, and where in it: finding articles and anchoring."""

    def __init__(self, store, default: str | None, *, onto: bool = False):
        self.store, self.default = store, default
        # Importing onto an article: every version of it counts as it.
        self.family = {v["id"] for v in versions_of(store, default)} if onto and default else set()
        self._by_address: dict[str, list[str]] | None = None
        self._anchorers: dict[str, Anchorer] = {}

    def place(self, claim: Incoming):
        """(article id, Placement, None), or (None, None, why it is skipped)."""
        candidates = self._candidates(claim)
        if isinstance(candidates, str):
            return None, None, candidates
        first = None
        for article_id in candidates:
            placement = self._anchorer(article_id).place(claim.target)
            if placement.placed:
                return article_id, placement, None
            first = first or (article_id, placement, None)
        return first

    def _anchorer(self, article_id: str) -> Anchorer:
        if article_id not in self._anchorers:
            self._anchorers[article_id] = Anchorer(get_article(self.store, article_id)["body"])
        return self._anchorers[article_id]

    def _candidates(self, claim: Incoming) -> list[str] | str:
        found = []
        for source in claim.sources:
            if source.lower().startswith(URN):
                row = self.store.get("articles", source[len(URN):].strip().lower())
                if row is not None and row["deleted_at"] is None:
                    found.append(row["id"])
            else:
                found += self._addresses().get(_address_key(source), [])
        if self.family:
            if found and not self.family & set(found):
                return "about another article in the database, not the one it was imported onto"
            return [self.default]
        if found:
            return list(dict.fromkeys(found))
        if claim.sources:
            return "about a document that is not in the database (import the article first)"
        if self.default:
            return [self.default]
        rows = self.store.query("SELECT id FROM articles WHERE deleted_at IS NULL AND instr(body, ?) > 0 "
                                "LIMIT 2", [claim.target.exact]) if claim.target.exact else []
        if len(rows) == 1:
            return [rows[0]["id"]]
        return ("it does not say which article it is about, and its quote is in "
                + ("several articles" if rows else "none") + " (import it with the article named)")

    def _addresses(self) -> dict[str, list[str]]:
        """Web address -> live articles seen there, the latest version first."""
        if self._by_address is None:
            older = {r["previous_id"] for r in self.store.query(
                "SELECT previous_id FROM article_versions WHERE deleted_at IS NULL")}
            rows = self.store.query(
                "SELECT a.id, a.url, a.created_at FROM articles a WHERE a.deleted_at IS NULL AND a.url IS NOT NULL "
                "UNION SELECT a.id, p.url, a.created_at FROM appearances p JOIN articles a ON a.id = p.article_id "
                "WHERE a.deleted_at IS NULL AND p.deleted_at IS NULL")
            rows.sort(key=lambda r: r["created_at"], reverse=True)
            rows.sort(key=lambda r: r["id"] in older)  # stable: newest first, older versions last
            self._by_address = {}
            for row in rows:
                key = _address_key(row["url"])
                if key and row["id"] not in self._by_address.get(key, []):
                    self._by_address.setdefault(key, []).append(row["id"])
        return self._by_address


def _address_key(url: str) -> str:
    """A web address as compared with another: no scheme, fragment, default port or final slash."""
    uri = to_uri(url or "")
    if not uri:
        return ""
    parts = urllib.parse.urlsplit(uri)
    host = (parts.hostname or "").lower()
    port = f":{parts.port}" if parts.port and parts.port not in (80, 443) else ""
    return f"{host}{port}{parts.path.rstrip('/')}" + (f"?{parts.query}" if parts.query else "")


def _short_quote(quote: str, limit: int = 60) -> str:
    quote = " ".join(quote.split())
    return quote if len(quote) <= limit else quote[:limit - 1] + "…"


def _store(store, claim: Incoming, article_id: str, placement, source: str, reviewer_id: str,
           report: ImportReport) -> None:
    """Insert one claim (or orphan) with its evidence; count it as present if its id is known."""
    existing = store.get("claims", claim.claim_id)
    if existing is not None:
        if existing["article_id"] != article_id:
            raise ImportRefused(f"{source}: annotation {claim.label}: its id is already used by a claim "
                                "on another article")
        report.present += 1
        return
    if store.get("orphans", claim.claim_id) is not None:
        report.present += 1
        return
    for row, _ in claim.evidence:
        if store.get("evidence", row["id"]) is not None:
            raise ImportRefused(f"{source}: annotation {claim.label}: evidence {URN}{row['id']} is "
                                "already in the database under another claim")
    creator = store.reviewer(claim.creator) if claim.creator else reviewer_id
    evidence = [{**row, "created_by": store.reviewer(name) if name else creator} for row, name in claim.evidence]
    if not placement.placed:
        add_orphan(store, {"id": claim.claim_id, "created_at": claim.created, "updated_at": claim.modified,
                           "article_id": article_id, "quote": claim.target.exact,
                           "prefix": claim.target.prefix, "suffix": claim.target.suffix,
                           "verdict": claim.verdict, "rationale": claim.full_rationale(),
                           "reason": placement.reason, "source": f"{Path(source).name}: annotation {claim.label}",
                           "from_claim_id": None, "created_by": creator}, evidence)
        report.orphans.append((claim.label, claim.target.exact, placement.reason))
        report.stored.append((claim.claim_id, [item["id"] for item in evidence]))
        return
    row = insert_claim(store, get_article(store, article_id)["body"], {
        "id": claim.claim_id, "created_at": claim.created, "updated_at": claim.modified,
        "article_id": article_id, "start": placement.start, "end": placement.end,
        "verdict": claim.verdict, "rationale": claim.full_rationale(),
        "created_by": creator, "updated_by": creator})
    record_first_verdict(store, row, f"imported from {Path(source).name}")
    insert_evidence(store, claim.claim_id, evidence)
    report.imported += 1
    report.stored.append((claim.claim_id, [item["id"] for item in evidence]))
    report.methods[placement.method] += 1
    if placement.method == APPROXIMATE:
        report.scores.append(placement.score)


def write_collection(store, article_id: str | None, out, *, batch: int = 500) -> None:
    """Write the same text as dumps(export_collection(...)) to out, holding one batch of claims at a time."""
    label = "Fact-check workbench claims"
    if article_id is not None:
        label = f"Claims in {get_article(store, article_id)['title']}"
    names, places = store.reviewer_names(), _web_addresses(store)
    digest, total = hashlib.sha256(), 0
    digest.update(("[" + json.dumps(article_id) + ", [").encode("utf-8"))
    for item in _streamed_items(store, article_id, names, places, batch):
        digest.update(((", " if total else "") + json.dumps(item, sort_keys=True)).encode("utf-8"))
        total += 1
    digest.update(b"]]")
    collection_id = uuid.uuid5(COLLECTION_NAMESPACE, digest.hexdigest())
    marker = "\x00items\x00"
    page = {"id": URN + str(uuid.uuid5(collection_id, "page-1")), "type": "AnnotationPage",
            "startIndex": 0, "items": [marker] if total else []}
    text = dumps({"@context": CONTEXT, "id": URN + str(collection_id), "type": "AnnotationCollection",
                  "label": label, "total": total, "first": page})
    if not total:
        out.write(text)
        return
    placeholder = json.dumps(marker)
    head, tail = text.split(placeholder)
    indent = head[head.rindex("\n") + 1:]
    out.write(head)
    for n, item in enumerate(_streamed_items(store, article_id, names, places, batch)):
        lines = json.dumps(item, sort_keys=True, ensure_ascii=False, indent=2).replace("\n", "\n" + indent)
        out.write((",\n" + indent if n else "") + lines)
    out.write(tail)


def _streamed_items(store, article_id: str | None, names: dict[str, str], places: dict[str, str], batch: int):
    """The annotations of export_collection, in its order, read a batch of claims at a time."""
    where, params = "c.deleted_at IS NULL AND a.deleted_at IS NULL", []
    if article_id is not None:
        where += " AND c.article_id = ?"
        params.append(article_id)
    cursor = store.conn.execute(f"SELECT c.* FROM claims c JOIN articles a ON a.id = c.article_id WHERE {where} "
                                f'ORDER BY c.article_id, {order.claims_sql("c")}', params)
    while rows := [dict(row) for row in cursor.fetchmany(batch)]:
        marks = ",".join("?" * len(rows))
        evidence: dict[str, list[dict]] = {}
        for row in store.query(f"SELECT * FROM evidence WHERE deleted_at IS NULL AND claim_id IN ({marks}) "
                               f"ORDER BY claim_id, {order.evidence_sql()}", [r["id"] for r in rows]):
            evidence.setdefault(row["claim_id"], []).append(row)
        for claim in rows:
            yield _annotation(claim, names, evidence.get(claim["id"], []), places.get(claim["article_id"]))
def remove_imported(store, stored: list[tuple[str, list[str]]]) -> None:
    """Take an import back (its undo): the claims and orphans it made (ImportReport.stored) go for good,
    with their verdict history and the evidence they brought, in one transaction. Refused, nothing
    removed, if one of its claims has gained evidence of the reviewer's own since."""
    with store.transaction():
        for row_id, brought in stored:
            if store.get("claims", row_id) is not None:
                remove_claim(store, row_id, set(brought), "imported")
            orphan = store.get("orphans", row_id)
            if orphan is not None:
                store.conn.execute("DELETE FROM orphans WHERE id = ?", [row_id])
                store.changed("orphans", row_id)
                store.changed("articles", orphan["article_id"])
