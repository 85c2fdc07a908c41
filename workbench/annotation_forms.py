"""Reading annotations in the forms other tools write: the W3C model, Hypothesis's API, Recogito.

`read_items(data)` finds the annotations in a parsed file: an AnnotationCollection (its embedded
first page), an AnnotationPage, one Annotation, a JSON-LD `@graph`, a JSON list, a Hypothesis API
search result (`{"total", "rows"}`) or one Hypothesis annotation. `parse(item, index)` turns one
into `Incoming` claims (one per text target) or a `Skipped` with the reason, or raises `Bad`.

What is accepted, as the W3C model and Hypothesis allow it:
- ids of any form: `urn:uuid:X` is the claim X; any other id (https, Hypothesis's, Recogito's
  `#uuid`, a bare UUID) maps to a stable UUID derived from it; no id: one derived from the content,
  so importing a file twice adds nothing;
- `type` a string or an array, or missing (Hypothesis);
- creators as objects (name, else nickname, else e-mail, else id), IRIs (`acct:` and `mailto:`
  dropped), or lists of them (the first that names someone); Hypothesis's `user_info.display_name`
  or `user`; none: the importing reviewer;
- `body` one or many, objects or IRIs, and `bodyValue`; Hypothesis's `text` and `tags`. A body with
  purpose `assessing` is the verdict (none: pending); `tagging` (and `classifying`) gives a tag;
  `linking`, a SpecificResource or an IRI is evidence; any other text is the rationale (HTML turned
  into its text); a Choice counts as its first item;
- targets as objects with a `source` (and a `scope`), Hypothesis's `target` list with its `uri`,
  or no source (Recogito); selectors one or many, a TextQuoteSelector and/or TextPositionSelector,
  also inside `refinedBy` (a FragmentSelector refined by a quote). Other selectors are ignored.

Skipped, with a reason: replies, page notes and whole-document targets (no text selector), targets
that are other annotations. `Bad` (refusing the file) is for an annotation that contradicts itself
or breaks a value the model defines: two verdicts, a verdict the workbench does not know, a
position that is not whole numbers or runs backwards, a time that is not ISO 8601, evidence
details of the wrong kind.
"""

import datetime
import json
import uuid
from dataclasses import dataclass, field

import lxml.html
from lxml import etree

from workbench import ids
from workbench.anchoring import Target
from workbench.uris import to_uri
from workbench.verdicts import PENDING, RELIABILITY, STANCES, VERDICTS

URN = "urn:uuid:"
EVIDENCE_KEY = "workbench:evidence"
EVIDENCE_FIELDS = ("title", "publisher", "excerpt", "note", "stance", "reliability", "accessed_on")
IMPORT_NAMESPACE = uuid.UUID("9d6c2f0e-5a43-5b7e-9f12-3c4d5e6f7a81")
_TAG_PURPOSES = ("tagging", "classifying")
_SKIP_PURPOSES = ("replying",)


class Bad(Exception):
    """An annotation that contradicts itself; the caller adds the file and annotation names."""


@dataclass
class Skipped:
    """An annotation that is not about a span of text, and why."""

    label: str
    reason: str


@dataclass
class Incoming:
    """One claim an annotation asks for: where it is, its verdict, rationale, evidence and author."""

    label: str
    claim_id: str
    sources: list[str]  # IRIs naming the document (target source, scope, Hypothesis uri)
    target: Target
    verdict: str = PENDING
    rationale: str = ""
    tags: list[str] = field(default_factory=list)
    evidence: list[tuple[dict, str | None]] = field(default_factory=list)  # row, creator name
    creator: str | None = None
    created: str = ""
    modified: str = ""
    fingerprint: str = ""  # the annotation as canonical JSON: the same id twice must say the same

    def full_rationale(self) -> str:
        """The rationale with the tags kept as its last line ("Tags: a, b")."""
        if not self.tags:
            return self.rationale
        line = "Tags: " + ", ".join(_markdown_literal(t) for t in self.tags)
        return f"{self.rationale}\n\n{line}" if self.rationale else line


# -- the shapes of a file -------------------------------------------------------------------------

def types(value) -> set[str]:
    """The type names of a JSON-LD `type` (a string or a list of them)."""
    if isinstance(value, str):
        return {value}
    if isinstance(value, list):
        return {v for v in value if isinstance(v, str)}
    return set()


def read_items(data) -> tuple[list, list[str]]:
    """The annotations of a parsed file, and notes; ValueError (the reason) if it holds none."""
    if isinstance(data, list):
        return data, []
    if not isinstance(data, dict):
        raise ValueError("is not a W3C annotation file (expected a JSON object or list)")
    if isinstance(data.get("rows"), list):  # a Hypothesis API search result
        replies = data.get("replies") if isinstance(data.get("replies"), list) else []
        return data["rows"] + replies, []
    if isinstance(data.get("@graph"), list):
        return data["@graph"], []
    kinds = types(data.get("type"))
    if "Annotation" in kinds or (not kinds and "target" in data):
        return [data], []
    if "AnnotationCollection" in kinds:
        page = data.get("first", {"items": data.get("items", [])})
        if not isinstance(page, dict):
            raise ValueError("the collection's first page is not included in the file")
    elif "AnnotationPage" in kinds:
        page = data
    else:
        raise ValueError(f"is not a W3C annotation file (type {data.get('type')!r:.60}; expected "
                         "AnnotationCollection, AnnotationPage or Annotation, or Hypothesis's rows)")
    items = page.get("items", [])
    if not isinstance(items, list):
        raise ValueError("the page's items are not a list")
    notes = []
    if page.get("next") is not None:
        notes.append("the file holds only the first page of the collection; later pages were not imported")
    return items, notes


# -- one annotation -------------------------------------------------------------------------------

def label_of(item, index: int) -> str:
    """How an annotation is named in messages: its id as written, else its number in the file."""
    value = item.get("id") if isinstance(item, dict) else None
    return value[:80] if isinstance(value, str) and value else f"#{index}"


def parse(item, index: int) -> list[Incoming] | Skipped:
    """The claims one annotation asks for, or why it is skipped; Bad if it contradicts itself."""
    label = label_of(item, index)
    if not isinstance(item, dict):
        raise Bad("is not a JSON object")
    kinds = types(item.get("type"))
    if kinds and "Annotation" not in kinds:
        raise Bad(f"has type {item.get('type')!r:.60}, expected Annotation")
    if item.get("references") or _words(item.get("motivation")) & set(_SKIP_PURPOSES):
        return Skipped(label, "a reply to another annotation")
    fingerprint = json.dumps(item, sort_keys=True, ensure_ascii=False)
    claim_id = claim_id_of(item.get("id"), fingerprint)
    created = _timestamp(item["created"], "created") if item.get("created") is not None else ids.now()
    changed = item.get("modified", item.get("updated"))
    modified = _timestamp(changed, "modified") if changed is not None else created
    targets, reason = _targets(item)
    if not targets:
        return Skipped(label, reason)
    verdict, rationale, tags, evidence = _bodies(item, claim_id, created)
    creator = _creator(item.get("creator"))
    if creator is None and isinstance(item.get("user"), str):  # Hypothesis
        info = item.get("user_info") if isinstance(item.get("user_info"), dict) else {}
        creator = _name(info.get("display_name")) or _iri_name(item["user"])
    out = []
    for number, (sources, target) in enumerate(targets):
        this_id = claim_id if number == 0 else str(uuid.uuid5(uuid.UUID(claim_id), f"target {number}"))
        out.append(Incoming(label, this_id, sources, target, verdict, rationale, tags,
                            [(dict(row, id=_evidence_id(row["id"], this_id, number)), who)
                             for row, who in evidence],
                            creator, created, modified, fingerprint))
    return out


def claim_id_of(value, fingerprint: str) -> str:
    """The claim id for an annotation id: `urn:uuid:X` is X; anything else a UUID derived from it."""
    if isinstance(value, str) and value.strip():
        if value.lower().startswith(URN):
            try:
                return str(uuid.UUID(value[len(URN):]))
            except ValueError:
                pass
        return str(uuid.uuid5(IMPORT_NAMESPACE, value.strip()))
    return str(uuid.uuid5(IMPORT_NAMESPACE, "content " + ids.sha256_hex(fingerprint.encode("utf-8", "surrogatepass"))))


def _evidence_id(value: str, claim_id: str, number: int) -> str:
    return value if number == 0 else str(uuid.uuid5(uuid.UUID(claim_id), value))


def _list(value) -> list:
    return value if isinstance(value, list) else [] if value is None else [value]


def _words(value) -> set[str]:
    """The strings among one value or a list of them (a motivation, a purpose); anything else is ignored."""
    return {word for word in _list(value) if isinstance(word, str)}


# -- targets --------------------------------------------------------------------------------------

def _targets(item: dict) -> tuple[list[tuple[list[str], Target]], str]:
    """(sources, Target) for each text target of item, or none and the reason."""
    page = item.get("uri") if isinstance(item.get("uri"), str) else None
    found, reason = [], "it has no target"
    for target in _list(item.get("target")):
        if isinstance(target, str):
            reason = "it is about a whole document, not a span of its text"
            continue
        if not isinstance(target, dict):
            raise Bad("has a target that is neither an object nor an IRI")
        source = target.get("source")
        if isinstance(source, dict):
            source = source.get("id")
        if source is None and target.get("selector") is None:
            name = target.get("id")
            reason = ("it links other annotations" if isinstance(name, str) and name.startswith("#")
                      else "it is about a whole document, not a span of its text")
            continue
        selector = _text_selector(target.get("selector"))
        if selector is None:
            reason = ("it is a page note (no text is selected)" if page
                      else "it has no TextQuoteSelector or TextPositionSelector")
            continue
        sources = [s for s in (source, target.get("scope"), page) if isinstance(s, str) and s.strip()]
        found.append((sources, selector))
    return found, reason


def _text_selector(value) -> Target | None:
    """A Target from the TextQuote and TextPosition selectors in value (refinements followed)."""
    quote, position = None, None
    pending = list(_list(value))  # a copy: the file's data stays as it was
    while pending:
        selector = pending.pop(0)
        if not isinstance(selector, dict):
            continue  # an IRI naming a selector elsewhere: nothing to go on
        kind = types(selector.get("type"))
        if "TextQuoteSelector" in kind and quote is None:
            quote = selector
        elif "TextPositionSelector" in kind and position is None:
            position = selector
        refined = selector.get("refinedBy")
        if refined is not None:
            # A position inside a refinement counts from its parent's start, which we cannot know.
            pending.extend(s for s in _list(refined)
                           if isinstance(s, dict) and "TextPositionSelector" not in types(s.get("type")))
    if quote is None and position is None:
        return None
    exact = prefix = suffix = ""
    if quote is not None:
        exact, prefix, suffix = (quote.get(k, "") if quote.get(k) is not None else ""
                                 for k in ("exact", "prefix", "suffix"))
        if not all(isinstance(p, str) for p in (exact, prefix, suffix)):
            raise Bad("its TextQuoteSelector's exact, prefix and suffix must be text")
    start = end = None
    if position is not None:
        start, end = position.get("start"), position.get("end")
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end)):
            raise Bad("its TextPositionSelector needs whole numbers for start and end")
        if not 0 <= start < end:
            raise Bad(f"its TextPositionSelector {start}–{end} is not a range of text")
    if not exact.strip() and start is None:
        return None
    return Target(exact, prefix, suffix, start, end)


# -- bodies ---------------------------------------------------------------------------------------

def _bodies(item: dict, claim_id: str, created: str):
    """verdict, rationale, tags and evidence (rows and creator names) from item's bodies."""
    verdict, comments, tags, evidence = None, [], [], []
    parts = _list(item.get("body"))
    for key in ("bodyValue", "text"):  # the W3C short form; Hypothesis's comment
        if isinstance(item.get(key), str) and item[key].strip():
            comments.append(item[key])
    tags += [t.strip() for t in _list(item.get("tags")) if isinstance(t, str) and t.strip()]
    for part in parts:
        if isinstance(part, dict) and "Choice" in types(part.get("type")):
            choices = _list(part.get("items"))
            part = choices[0] if choices else None
        if isinstance(part, str):
            evidence.append(_link(part, claim_id, len(evidence), created))
            continue
        if not isinstance(part, dict):
            continue
        purposes = _words(part.get("purpose"))
        value = part.get("value")
        if "assessing" in purposes:
            if not isinstance(value, str) or value not in VERDICTS:
                raise Bad(f"has verdict {value!r:.40}; expected one of {', '.join(VERDICTS)}")
            if verdict is not None and verdict != value:
                raise Bad(f"has two verdicts ({verdict} and {value})")
            verdict = value
        elif purposes & set(_TAG_PURPOSES):
            tag = value if isinstance(value, str) else part.get("source") or part.get("id")
            if isinstance(tag, str) and tag.strip():
                tags.append(tag.strip())
        elif isinstance(value, str) and "linking" not in purposes:
            text = _html_text(value) if part.get("format") == "text/html" else value
            if text:
                comments.append(text)
        elif "linking" in purposes or part.get("source") is not None or part.get("id") is not None:
            evidence.append(_evidence(part, claim_id, len(evidence), created))
    return verdict or PENDING, "\n\n".join(comments), tags, evidence


def _html_text(value: str) -> str:
    try:
        return lxml.html.fromstring(value).text_content()
    except (ValueError, etree.ParserError):
        return value


def _link(iri: str, claim_id: str, number: int, created: str) -> tuple[dict, None]:
    row = {"id": _derived_id(None, claim_id, number), "created_at": created, "updated_at": created,
           "url": to_uri(iri) or iri, **dict.fromkeys(EVIDENCE_FIELDS)}
    return row, None


def _derived_id(value, claim_id: str, number: int) -> str:
    if isinstance(value, str) and value.lower().startswith(URN):
        try:
            return str(uuid.UUID(value[len(URN):]))
        except ValueError:
            pass
    name = value if isinstance(value, str) and value.strip() else f"evidence {number}"
    return str(uuid.uuid5(uuid.UUID(claim_id), name))


def _evidence(part: dict, claim_id: str, number: int, created: str) -> tuple[dict, str | None]:
    part_id, source = part.get("id"), part.get("source")
    if isinstance(source, dict):
        source = source.get("id")
    if source is None and isinstance(part_id, str) and not part_id.lower().startswith(URN):
        part_id, source = None, part_id  # an external web resource named by its IRI
    if source is not None and (not isinstance(source, str) or not source.strip()):
        raise Bad("has evidence whose source is not an IRI")
    extra = part.get(EVIDENCE_KEY, {})
    if not isinstance(extra, dict):
        raise Bad(f"has evidence whose {EVIDENCE_KEY} is not an object")
    extra = {k: v for k, v in extra.items() if k in (*EVIDENCE_FIELDS, "url")}
    for key, value in extra.items():
        if value is not None and not isinstance(value, str):
            raise Bad(f"has evidence whose {key} is not text")
    for key, allowed in (("stance", STANCES), ("reliability", RELIABILITY)):
        if extra.get(key) not in (None, "", *allowed):
            raise Bad(f"has evidence with {key} {extra[key]!r:.40}; expected one of {', '.join(allowed)}")
    url = (to_uri(source) or source) if source else extra.get("url") or None
    created_at = _timestamp(part["created"], "evidence created") if part.get("created") is not None else created
    modified = _timestamp(part["modified"], "evidence modified") if part.get("modified") is not None else created_at
    row = {"id": _derived_id(part_id, claim_id, number), "created_at": created_at,
           "updated_at": modified, "url": url, **{k: extra.get(k) or None for k in EVIDENCE_FIELDS}}
    return row, _creator(part.get("creator"))


# -- people and times -----------------------------------------------------------------------------

def _creator(value) -> str | None:
    """A reviewer name for a creator: an object's name, nickname, e-mail or id, or an IRI."""
    for one in _list(value):
        if isinstance(one, str):
            name = _iri_name(one)
        elif isinstance(one, dict):
            name = (_name(one.get("name")) or _name(one.get("nickname")) or _name(one.get("account"))
                    or _iri_name(one.get("email")) or _iri_name(one.get("id")))
        else:
            name = None
        if name:
            return name
    return None


def _name(value) -> str | None:
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
    return " ".join(value.split()) if isinstance(value, str) and value.strip() else None


def _iri_name(value) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    for scheme in ("acct:", "mailto:"):
        if value.lower().startswith(scheme):
            value = value[len(scheme):]
    return _name(value)


def _timestamp(value, what: str) -> str:
    """An ISO 8601 time with a time zone, as the UTC text the database keeps."""
    if not isinstance(value, str):
        raise Bad(f"its {what} time is not text")
    try:
        moment = datetime.datetime.fromisoformat(value)
    except (ValueError, OverflowError):
        raise Bad(f"its {what} time {value!r:.40} is not an ISO 8601 date and time") from None
    if moment.tzinfo is None:
        raise Bad(f"its {what} time {value!r:.40} has no time zone")
    try:
        return moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    except (ValueError, OverflowError):
        raise Bad(f"its {what} time {value!r:.40} is not an ISO 8601 date and time") from None


_MARKDOWN_SIGNS = frozenset("\\`*_[]#!")  # escaped alike by CommonMark and Python-Markdown
_ENTITIES = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}


def _markdown_literal(text: str) -> str:
    """text on one line, with what Markdown would act on escaped, so that it shows as it is."""
    return "".join(_ENTITIES.get(ch) or ("\\" + ch if ch in _MARKDOWN_SIGNS else ch)
                   for ch in " ".join(text.split()))
