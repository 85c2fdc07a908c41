"""Claims as W3C Web Annotations (JSON-LD): a deterministic export and an all-or-nothing import.

File: one `AnnotationCollection` {"@context", "id", "type", "label", "total", "first": {"id",
"type": "AnnotationPage", "startIndex": 0, "items": [...]}}. Collection and page ids are urn:uuid
names derived from the content and nothing records when the file was written, so the same claims
give the same bytes. Items are ordered by article id, start, end, creation time and claim id.

One annotation per live claim: id `urn:uuid:<claim id>`, motivation "assessing", created and
modified (the row's times), creator (Person, `urn:uuid:<reviewer id>`, name), target (source
`urn:uuid:<article id>`; a TextPositionSelector in code points of the stored body and a
TextQuoteSelector), and body: the verdict (TextualBody, purpose "assessing"), the rationale if
any (TextualBody, purpose "commenting", text/markdown), then each live piece of evidence in order
(purpose "linking", id `urn:uuid:<evidence id>`, a SpecificResource whose source is its URL when
it has one, its own created/modified, a creator only if not the claim's, and under the key
"workbench:evidence" its non-empty title, publisher, excerpt, note, stance, reliability and
accessed_on). Attachments are not carried.

Import takes such a collection, an AnnotationPage, one Annotation or a JSON list of them, for
articles already in the database. The quote must agree with the positions (exact text, and
prefix/suffix as far as they go); a quote without positions is found with `text.find_quote`.
The creator's name gives the reviewer (the id in the file is not trusted); no creator means the
importing reviewer. A claim whose id is already in the database, live or deleted, is left as it
is and counted as present, so importing a file twice changes nothing; newer versions of a claim
travel by `workbench merge`. Any problem refuses the whole file, naming it and the annotation.
"""

import datetime
import hashlib
import json
import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path

from workbench import ids, order
from workbench.articles import get_article
from workbench.errors import ImportRefused
from workbench.text import QuoteSelector, find_quote, quote_at
from workbench.verdicts import PENDING, RELIABILITY, STANCES, VERDICTS

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
EVIDENCE_KEY = "workbench:evidence"
EVIDENCE_FIELDS = ("title", "publisher", "excerpt", "note", "stance", "reliability", "accessed_on")
URN = "urn:uuid:"
COLLECTION_NAMESPACE = uuid.UUID("6c0d2a47-91b3-5e1f-8a64-2d7e9f0b1c35")


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
    items = [_annotation(claim, names, evidence.get(claim["id"], []))
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


def _annotation(claim: dict, names: dict[str, str], evidence: list[dict]) -> dict:
    annotation = {"@context": CONTEXT, "id": URN + claim["id"], "type": "Annotation",
                  "motivation": "assessing", "created": claim["created_at"],
                  "modified": claim["updated_at"]}
    creator = _person(claim["created_by"], names)
    if creator:
        annotation["creator"] = creator
    annotation["target"] = {
        "source": URN + claim["article_id"],
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
        item = {"id": URN + row["id"], "purpose": "linking",
                "created": row["created_at"], "modified": row["updated_at"]}
        if row["url"]:
            item.update(type="SpecificResource", source=row["url"])
        if row["created_by"] and row["created_by"] != claim["created_by"]:
            if person := _person(row["created_by"], names):
                item["creator"] = person
        extra = {k: row[k] for k in EVIDENCE_FIELDS if row[k] not in (None, "")}
        if extra:
            item[EVIDENCE_KEY] = extra
        body.append(item)
    annotation["body"] = body
    return annotation


# -- import -------------------------------------------------------------------------------------

class _Bad(Exception):
    """A problem with one annotation; the caller adds the file and annotation names."""


@dataclass
class _Claim:
    """A checked annotation: the claim row to insert, less its reviewer columns."""

    label: str
    row: dict
    creator: str | None  # a reviewer name; None means the importing reviewer
    evidence: list[tuple[dict, str | None]]  # evidence rows (less claim, position) and creator names


@dataclass
class ImportReport:
    """What an annotation import did: claims stored, and claims already in the database."""

    imported: int = 0
    present: int = 0


def import_annotation_file(store, path, *, reviewer_id: str) -> int:
    """Import the claims of a W3C annotation file (.json/.jsonld); return how many were stored."""
    return import_annotation_file_report(store, path, reviewer_id=reviewer_id).imported


def import_annotation_file_report(store, path, *, reviewer_id: str) -> ImportReport:
    """Like import_annotation_file, but also say how many claims were already present."""
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
    return import_collection_report(store, data, source=str(path), reviewer_id=reviewer_id)


def import_collection(store, data: dict, *, source: str, reviewer_id: str) -> int:
    """Import parsed annotation JSON (named source in messages); return how many claims were stored."""
    return import_collection_report(store, data, source=source, reviewer_id=reviewer_id).imported


def import_collection_report(store, data, *, source: str, reviewer_id: str) -> ImportReport:
    """Like import_collection, but also say how many claims were already present."""
    items = _items(data, source)
    bodies: dict[str, str | None] = {}
    claims, seen_claims, seen_evidence = [], set(), set()
    for index, item in enumerate(items, 1):
        label = item.get("id") if isinstance(item, dict) and isinstance(item.get("id"), str) else ""
        label = label[:80] or f"#{index}"
        try:
            claim = _parse(item, label, store, bodies)
        except _Bad as error:
            raise ImportRefused(f"{source}: annotation {label}: {error}") from None
        if claim.row["id"] in seen_claims:
            raise ImportRefused(f"{source}: annotation {label}: appears twice in the file")
        seen_claims.add(claim.row["id"])
        for evidence, _ in claim.evidence:
            if evidence["id"] in seen_evidence:
                raise ImportRefused(f"{source}: annotation {label}: evidence {URN}{evidence['id']} appears twice")
            seen_evidence.add(evidence["id"])
        claims.append(claim)
    report = ImportReport()
    try:
        with store.transaction():
            for claim in claims:
                if _store_claim(store, claim, source, reviewer_id):
                    report.imported += 1
                else:
                    report.present += 1
    except sqlite3.IntegrityError as error:
        raise ImportRefused(f"{source}: could not be stored ({error}); nothing was imported") from None
    except UnicodeEncodeError:  # JSON can spell a lone surrogate (\ud800); UTF-8 cannot store it
        raise ImportRefused(f"{source}: has text that is not valid Unicode (a lone surrogate); "
                            "nothing was imported") from None
    return report


def _no_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")


def _items(data, source: str) -> list:
    """The annotations of a collection, page, single annotation or list."""
    if isinstance(data, list):
        return data
    if not isinstance(data, dict):
        raise ImportRefused(f"{source}: is not a W3C annotation file (expected a JSON object or list)")
    kind = data.get("type")
    if kind == "Annotation":
        return [data]
    if kind == "AnnotationCollection":
        page = data.get("first", {"items": data.get("items", [])})
        if not isinstance(page, dict):
            raise ImportRefused(f"{source}: the collection's first page is not included in the file")
    elif kind == "AnnotationPage":
        page = data
    else:
        raise ImportRefused(f"{source}: is not a W3C annotation file (type {kind!r}; expected "
                            "AnnotationCollection, AnnotationPage or Annotation)")
    if page.get("next") is not None:
        raise ImportRefused(f"{source}: has more than one page of annotations; only one-page files can be imported")
    items = page.get("items", [])
    if not isinstance(items, list):
        raise ImportRefused(f"{source}: the page's items are not a list")
    return items


def _parse(item, label: str, store, bodies: dict) -> _Claim:
    if not isinstance(item, dict):
        raise _Bad("is not a JSON object")
    if item.get("type", "Annotation") != "Annotation":
        raise _Bad(f"has type {item.get('type')!r}, expected Annotation")
    claim_id = _urn(item.get("id"), "its id")
    created = _timestamp(item.get("created"), "created") if "created" in item else ids.now()
    modified = _timestamp(item.get("modified"), "modified") if "modified" in item else created
    target = item.get("target")
    if isinstance(target, list) and len(target) == 1:
        target = target[0]
    if not isinstance(target, dict):
        raise _Bad("needs one target object (the article and where the claim is)")
    article_id = _urn(target.get("source"), "its target source")
    if article_id not in bodies:
        row = store.get("articles", article_id)
        bodies[article_id] = row["body"] if row and not row["deleted_at"] else None
    body = bodies[article_id]
    if body is None:
        raise _Bad(f"targets article {URN}{article_id}, which is not in the database; import the article first")
    start, end = _range(target.get("selector"), body)
    verdict, rationale, evidence = PENDING, "", []
    found = set()
    bodies_in = item.get("body", [])
    for part in bodies_in if isinstance(bodies_in, list) else [bodies_in]:
        if not isinstance(part, dict):
            raise _Bad("has a body that is not a JSON object")
        purpose = part.get("purpose")
        if purpose in ("assessing", "commenting"):
            if purpose in found:
                raise _Bad(f"has more than one {purpose} body")
            found.add(purpose)
            value = part.get("value")
            if not isinstance(value, str):
                raise _Bad(f"its {purpose} body needs a text value")
            if purpose == "commenting":
                rationale = value
            elif value not in VERDICTS:
                raise _Bad(f"has verdict {value!r}; expected one of {', '.join(VERDICTS)}")
            else:
                verdict = value
        elif purpose == "linking":
            evidence.append(_parse_evidence(part, created))
        else:
            raise _Bad(f"has a body with purpose {purpose!r}; the workbench keeps only "
                       "assessing, commenting and linking bodies")
    if "assessing" not in found:
        raise _Bad("has no verdict (a TextualBody with purpose 'assessing')")
    quote = quote_at(body, start, end)
    row = {"id": claim_id, "created_at": created, "updated_at": modified, "article_id": article_id,
           "start": start, "end": end, "quote": quote.exact, "prefix": quote.prefix,
           "suffix": quote.suffix, "verdict": verdict, "rationale": rationale}
    return _Claim(label, row, _creator(item.get("creator")), evidence)


def _range(selectors, body: str) -> tuple[int, int]:
    if isinstance(selectors, dict):
        selectors = [selectors]
    if not isinstance(selectors, list) or not all(isinstance(s, dict) for s in selectors):
        raise _Bad("its target needs a list of selectors")
    position = next((s for s in selectors if s.get("type") == "TextPositionSelector"), None)
    quote = next((s for s in selectors if s.get("type") == "TextQuoteSelector"), None)
    if quote is not None:
        parts = [quote.get(k, "") for k in ("exact", "prefix", "suffix")]
        if not all(isinstance(p, str) for p in parts) or not parts[0]:
            raise _Bad("its TextQuoteSelector needs text for exact (and text prefix and suffix)")
        quote = QuoteSelector(*parts)
    if position is not None:
        start, end = position.get("start"), position.get("end")
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end)):
            raise _Bad("its TextPositionSelector needs whole numbers for start and end")
        if not 0 <= start < end <= len(body):
            raise _Bad(f"its range {start}–{end} is outside the article ({len(body)} characters)")
        if quote is not None:
            here = quote_at(body, start, end)
            if here.exact != quote.exact:
                raise _Bad(f"its quote {_short(quote.exact)} does not match the article text at "
                           f"{start}–{end} ({_short(here.exact)})")
            if not (body[:start].endswith(quote.prefix) and body[end:].startswith(quote.suffix)):
                raise _Bad(f"its quote's prefix or suffix does not match the article text around {start}–{end}")
        return start, end
    if quote is None:
        raise _Bad("its target has neither a TextPositionSelector nor a TextQuoteSelector")
    start = find_quote(body, quote)
    if start is None:
        raise _Bad(f"its quote {_short(quote.exact)} is not in the article")
    return start, start + len(quote.exact)


def _parse_evidence(part: dict, default_time: str) -> tuple[dict, str | None]:
    part_id, source = part.get("id"), part.get("source")
    if source is None and isinstance(part_id, str) and part_id.startswith(("http://", "https://")):
        part_id, source = None, part_id  # an external web resource named by its URL
    if source is not None and (not isinstance(source, str) or not source.strip()):
        raise _Bad("has evidence whose source is not a URL")
    evidence_id = _urn(part_id, "its evidence id") if part_id is not None else ids.new_id()
    extra = part.get(EVIDENCE_KEY, {})
    if not isinstance(extra, dict):
        raise _Bad(f"has evidence whose {EVIDENCE_KEY} is not an object")
    unknown = set(extra) - set(EVIDENCE_FIELDS)
    if unknown:
        raise _Bad(f"has evidence with unknown fields ({', '.join(sorted(unknown))})")
    for key, value in extra.items():
        if value is not None and not isinstance(value, str):
            raise _Bad(f"has evidence whose {key} is not text")
    for key, allowed in (("stance", STANCES), ("reliability", RELIABILITY)):
        if extra.get(key) not in (None, "", *allowed):
            raise _Bad(f"has evidence with {key} {extra[key]!r}; expected one of {', '.join(allowed)}")
    if source is None and not extra:
        raise _Bad("has a linking body with neither a source URL nor evidence details")
    created = _timestamp(part["created"], "evidence created") if "created" in part else default_time
    modified = _timestamp(part["modified"], "evidence modified") if "modified" in part else created
    row = {"id": evidence_id, "created_at": created, "updated_at": modified, "url": source,
           **{k: extra.get(k) or None for k in EVIDENCE_FIELDS}}
    return row, _creator(part.get("creator"))


def _urn(value, what: str) -> str:
    if not isinstance(value, str) or not value.lower().startswith(URN):
        raise _Bad(f"{what} must be a urn:uuid: name (got {_short(value)})")
    try:
        return str(uuid.UUID(value[len(URN):]))
    except ValueError:
        raise _Bad(f"{what} {_short(value)} is not a valid UUID") from None


def _creator(value) -> str | None:
    """The creator's name (None when the annotation has no creator)."""
    if value is None:
        return None
    name = value.get("name") if isinstance(value, dict) else None
    if not isinstance(name, str) or not name.strip():
        raise _Bad("has a creator without a name")
    return name


def _timestamp(value, what: str) -> str:
    """An ISO 8601 time with a time zone, as the UTC text the database keeps."""
    if not isinstance(value, str):
        raise _Bad(f"its {what} time is not text")
    try:
        moment = datetime.datetime.fromisoformat(value)
        if moment.tzinfo is None:
            raise _Bad(f"its {what} time {_short(value)} has no time zone")
        return moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    except (ValueError, OverflowError):
        raise _Bad(f"its {what} time {_short(value)} is not an ISO 8601 date and time") from None


def _short(value, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _store_claim(store, claim: _Claim, source: str, reviewer_id: str) -> bool:
    """Insert one checked claim with its evidence; False if its id is already in the database."""
    def refuse(reason: str):
        return ImportRefused(f"{source}: annotation {claim.label}: {reason}")

    row = claim.row
    existing = store.get("claims", row["id"])
    if existing is not None:
        if existing["article_id"] != row["article_id"]:
            raise refuse("its id is already used by a claim on another article")
        return False
    for evidence, _ in claim.evidence:
        if store.get("evidence", evidence["id"]) is not None:
            raise refuse(f"evidence {URN}{evidence['id']} is already in the database under another claim")
    creator = store.reviewer(claim.creator) if claim.creator else reviewer_id
    # As claims.add_claim, but keeping the file's ids and times.
    store.insert("claims", {**row, "created_by": creator, "updated_by": creator})
    if row["verdict"] != PENDING:
        store.insert("verdict_history", {
            "claim_id": row["id"], "from_verdict": PENDING, "to_verdict": row["verdict"],
            "created_by": creator, "created_at": row["updated_at"], "updated_at": row["updated_at"],
            "note": f"imported from {Path(source).name}",
        })
    for position, (evidence, name) in enumerate(claim.evidence, 1):
        store.insert("evidence", {**evidence, "claim_id": row["id"], "position": float(position),
                                  "created_by": store.reviewer(name) if name else creator})
    return True


def write_collection(store, article_id: str | None, out, *, batch: int = 500) -> None:
    """Write the same text as dumps(export_collection(...)) to out, holding one batch of claims at a time."""
    label = "Fact-check workbench claims"
    if article_id is not None:
        label = f"Claims in {get_article(store, article_id)['title']}"
    names = store.reviewer_names()
    digest, total = hashlib.sha256(), 0
    digest.update(("[" + json.dumps(article_id) + ", [").encode("utf-8"))
    for item in _streamed_items(store, article_id, names, batch):
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
    for n, item in enumerate(_streamed_items(store, article_id, names, batch)):
        lines = json.dumps(item, sort_keys=True, ensure_ascii=False, indent=2).replace("\n", "\n" + indent)
        out.write((",\n" + indent if n else "") + lines)
    out.write(tail)


def _streamed_items(store, article_id: str | None, names: dict[str, str], batch: int):
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
            yield _annotation(claim, names, evidence.get(claim["id"], []))
