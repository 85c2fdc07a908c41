"""Evidence behind verdicts: sources with excerpts, their order, and attachments stored as BLOBs."""

import datetime
import mimetypes
import os
import re
import stat
import unicodedata
import urllib.parse
from pathlib import Path

from workbench import ids, order
from workbench.claims import get_claim
from workbench.errors import WorkbenchError
from workbench.store import Store
from workbench.verdicts import DISPUTED, RELIABILITY, STANCES, VERIFIED

MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024
URL_SCHEMES = ("http", "https", "mailto")
TEXT_FIELDS = ("url", "title", "publisher", "excerpt", "note")
EDITABLE_FIELDS = (*TEXT_FIELDS, "stance", "reliability", "accessed_on")
SOURCE_FIELDS = ("url", "title", "publisher", "reliability")
_CHOICES = {"stance": STANCES, "reliability": RELIABILITY}
MAX_NAME_BYTES = 200  # below every common file system's limit of 255 bytes a name

_MAGIC = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"),
          (b"GIF87a", "image/gif"), (b"GIF89a", "image/gif"), (b"%PDF-", "application/pdf"))
_WINDOWS_INVALID = set('<>:"/\\|?*')
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$", re.IGNORECASE)
_BARE_HOST = re.compile(r"^[\w-]+(\.[\w-]+)*\.[a-z]{2,}(:\d+)?([/?#]|$)", re.IGNORECASE)


# -- checking what a reviewer typed ---------------------------------------------------------------

def check_url(url: str | None) -> str:
    """The URL stripped of surrounding space if it is http(s), mailto or empty; else WorkbenchError."""
    url = (url or "").strip()
    if not url:
        return ""
    if any(unicodedata.category(ch) == "Cc" for ch in url):
        raise WorkbenchError("a URL cannot contain line breaks, tabs or other control characters")
    if _BARE_HOST.match(url):
        url = "https://" + url  # "www.example.org/page" as pasted from a browser's address bar
    elif url.startswith("//"):
        url = "https:" + url
    try:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname
    except ValueError:
        raise WorkbenchError(f"{url!r} is not a valid web address") from None
    if not parts.scheme:
        raise WorkbenchError(f"{url!r} is not a web address; it should start with http:// or https://")
    scheme = parts.scheme.lower()
    if scheme not in URL_SCHEMES:
        raise WorkbenchError(f"links starting with {scheme}: are not accepted; "
                             f"only {', '.join(s + ':' for s in URL_SCHEMES)} links can be evidence")
    if scheme in ("http", "https") and not host:
        raise WorkbenchError(f"{url!r} has no host name")
    if scheme == "mailto" and not parts.path.strip():
        raise WorkbenchError(f"{url!r} has no e-mail address")
    return url


def _check_date(value: str | datetime.date | None) -> str:
    if value is None:
        return datetime.date.today().isoformat()
    if isinstance(value, datetime.date):
        return (value.date() if isinstance(value, datetime.datetime) else value).isoformat()
    try:
        return datetime.date.fromisoformat(value.strip()).isoformat() if value.strip() else ""
    except ValueError:
        raise WorkbenchError(f"access date {value!r} is not a date like 2024-05-31") from None


def _clean(fields: dict) -> dict:
    """Checked and normalised values of the editable fields present in fields."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"evidence has no editable field(s) {', '.join(sorted(unknown))}")
    out = {}
    for key, value in fields.items():
        if key in _CHOICES and value not in _CHOICES[key]:
            raise WorkbenchError(f"unknown {key} {value!r}; expected one of {', '.join(_CHOICES[key])}")
        out[key] = (check_url(value) if key == "url" else _check_date(value) if key == "accessed_on"
                    else value if key in _CHOICES else (value or "").strip())
    return out


# -- evidence rows ----------------------------------------------------------------------------

def get_evidence(store: Store, evidence_id: str) -> dict:
    """One evidence row (tombstoned or not); WorkbenchError if unknown."""
    return store.require("evidence", evidence_id, "evidence")


def _live_claim(store: Store, claim_id: str) -> None:
    if get_claim(store, claim_id)["deleted_at"] is not None:
        raise WorkbenchError("that claim has been deleted; restore it before adding evidence")


def _live_evidence(store: Store, evidence_id: str) -> dict:
    row = get_evidence(store, evidence_id)
    if row["deleted_at"] is not None:
        raise WorkbenchError("that evidence has been deleted; restore it first")
    return row


def _next_position(store: Store, claim_id: str) -> float:
    # Over tombstones too, so that a restored item comes back where it was, not level with a new one.
    row = store.conn.execute("SELECT MAX(position) FROM evidence WHERE claim_id = ?", [claim_id]).fetchone()
    return (row[0] or 0.0) + 1.0


def add_evidence(store: Store, claim_id: str, *, reviewer_id: str, url: str = "", title: str = "",
                 publisher: str = "", excerpt: str = "", note: str = "", stance: str = "supports",
                 reliability: str = "unknown", accessed_on: str | datetime.date | None = None,
                 evidence_id: str | None = None, position: float | None = None) -> dict:
    """Add a piece of evidence to a claim, at the end unless position is given; return the row."""
    values = _clean({"url": url, "title": title, "publisher": publisher, "excerpt": excerpt,
                     "note": note, "stance": stance, "reliability": reliability,
                     "accessed_on": accessed_on})
    with store.transaction():
        _live_claim(store, claim_id)
        if evidence_id is not None and store.get("evidence", evidence_id) is not None:
            raise WorkbenchError(f"evidence {evidence_id} already exists")
        row = store.insert("evidence", {
            "id": evidence_id or ids.new_id(), "claim_id": claim_id,
            "position": float(position) if position is not None else _next_position(store, claim_id),
            **values, "created_by": reviewer_id, "updated_by": reviewer_id,
        })
    return get_evidence(store, row["id"])


def update_evidence(store: Store, evidence_id: str, *, reviewer_id: str, **fields) -> dict:
    """Change editable fields (url, title, publisher, excerpt, note, stance, reliability, accessed_on)."""
    values = _clean(fields)
    with store.transaction():
        row = get_evidence(store, evidence_id)
        changes = {k: v for k, v in values.items() if row[k] != v}
        if changes:
            store.update("evidence", evidence_id, **changes, updated_by=reviewer_id)
    return get_evidence(store, evidence_id)


def delete_evidence(store: Store, evidence_id: str, *, reviewer_id: str) -> None:
    """Tombstone a piece of evidence (its attachments stay, for a restore)."""
    with store.transaction():
        row = get_evidence(store, evidence_id)
        if row["deleted_at"] is None:
            store.update("evidence", evidence_id, deleted_at=ids.now(), updated_by=reviewer_id)


def restore_evidence(store: Store, evidence_id: str, *, reviewer_id: str) -> None:
    """Bring back tombstoned evidence (undo of a delete)."""
    with store.transaction():
        row = get_evidence(store, evidence_id)
        if row["deleted_at"] is not None:
            store.update("evidence", evidence_id, deleted_at=None, updated_by=reviewer_id)


def evidence_for(store: Store, claim_id: str) -> list[dict]:
    """The live evidence of a claim in order, each with its live attachments (metadata, no bytes)."""
    rows = store.query("SELECT * FROM evidence WHERE claim_id = ? AND deleted_at IS NULL "
                       f"ORDER BY {order.evidence_sql()}", [claim_id])
    attached: dict[str, list[dict]] = {}
    for a in store.query("SELECT a.* FROM attachments a JOIN evidence e ON e.id = a.evidence_id "
                         "WHERE e.claim_id = ? AND a.deleted_at IS NULL "
                         f"ORDER BY {order.attachments_sql('a')}", [claim_id]):
        attached.setdefault(a["evidence_id"], []).append(a)
    for row in rows:
        row["attachments"] = attached.get(row["id"], [])
    return rows


def move_evidence(store: Store, evidence_id: str, new_index: int, *, reviewer_id: str) -> None:
    """Move evidence to new_index among its claim's live evidence (clamped), keeping the others' order."""
    with store.transaction():
        row = _live_evidence(store, evidence_id)
        items = store.query("SELECT id, position FROM evidence WHERE claim_id = ? AND deleted_at IS NULL "
                            f"ORDER BY {order.evidence_sql()}", [row["claim_id"]])
        old_index = next(i for i, item in enumerate(items) if item["id"] == evidence_id)
        moved = items.pop(old_index)
        new_index = max(0, min(new_index, len(items)))
        if new_index == old_index:
            return
        has_lo, has_hi = new_index > 0, new_index < len(items)
        lo = items[new_index - 1]["position"] if has_lo else None
        hi = items[new_index]["position"] if has_hi else None
        if (has_lo and lo is None) or (has_hi and hi is None):
            position = None
        elif has_lo and has_hi:
            position = (lo + hi) / 2
        else:
            position = lo + 1.0 if has_lo else hi - 1.0
        if position is not None and (not has_lo or lo < position) and (not has_hi or position < hi):
            store.update("evidence", evidence_id, position=position, updated_by=reviewer_id)
            return
        # No room between the neighbours (float precision, ties or missing positions): renumber.
        items.insert(new_index, moved)
        for number, item in enumerate(items, 1):
            if item["position"] != float(number):
                store.update("evidence", item["id"], position=float(number))


def evidence_counts(store: Store, article_id: str) -> dict[str, int]:
    """Live evidence count for every live claim of an article (zero included), in one query."""
    rows = store.conn.execute(
        "SELECT c.id, COUNT(e.id) FROM claims c LEFT JOIN evidence e "
        "ON e.claim_id = c.id AND e.deleted_at IS NULL "
        "WHERE c.article_id = ? AND c.deleted_at IS NULL GROUP BY c.id", [article_id])
    return {claim_id: count for claim_id, count in rows}


def evidence_stamps(store: Store, article_id: str) -> dict[str, tuple[int, str]]:
    """For each claim of an article with evidence: how many live items, and the latest change to
    them or their attachments (deleted ones too), to tell cheaply whether anything moved."""
    rows = store.conn.execute(
        "SELECT e.claim_id, SUM(e.deleted_at IS NULL), MAX(MAX(e.updated_at), COALESCE(MAX(a.updated_at), '')) "
        "FROM evidence e JOIN claims c ON c.id = e.claim_id LEFT JOIN attachments a ON a.evidence_id = e.id "
        "WHERE c.article_id = ? GROUP BY e.claim_id", [article_id])
    return {claim_id: (count, latest) for claim_id, count, latest in rows}


def evidence_count(store: Store, claim_id: str) -> int:
    """Live evidence count of one claim (an indexed count, for updating one row of a list)."""
    return store.get_value("SELECT COUNT(*) FROM evidence WHERE claim_id = ? AND deleted_at IS NULL",
                           [claim_id]) or 0


def unsupported_claims(store: Store, article_id: str) -> set[str]:
    """Live claims of an article judged verified or disputed that have no live evidence."""
    rows = store.conn.execute(
        "SELECT c.id FROM claims c WHERE c.article_id = ? AND c.deleted_at IS NULL "
        "AND c.verdict IN (?, ?) AND NOT EXISTS (SELECT 1 FROM evidence e "
        "WHERE e.claim_id = c.id AND e.deleted_at IS NULL)", [article_id, VERIFIED, DISPUTED])
    return {r[0] for r in rows}


# -- reusing sources ----------------------------------------------------------------------------

def copy_evidence(store: Store, evidence_id: str, target_claim_id: str, *, reviewer_id: str,
                  stance: str | None = None) -> dict:
    """Copy evidence to the end of another claim (with another stance if given); its attachments
    share the same stored bytes."""
    fields = _clean({"stance": stance}) if stance is not None else {}
    with store.transaction():
        source = get_evidence(store, evidence_id)
        _live_claim(store, target_claim_id)
        row = store.insert("evidence", {
            "claim_id": target_claim_id, "position": _next_position(store, target_claim_id),
            **{k: source[k] for k in EDITABLE_FIELDS}, **fields, "created_by": reviewer_id,
            "updated_by": reviewer_id,
        })
        for a in attachments_for(store, evidence_id):
            store.insert("attachments", {
                "evidence_id": row["id"], "created_by": reviewer_id, "updated_by": reviewer_id,
                **{k: a[k] for k in ("blob_id", "filename", "media_type", "size", "sha256")},
            })
    return get_evidence(store, row["id"])


def known_sources(store: Store, text: str = "", limit: int = 50) -> list[dict]:
    """Distinct sources of live evidence, most recently used first, matching text in title/url/publisher."""
    needle = text.strip().casefold()
    seen: set = set()
    out = []
    for row in store.conn.execute(
            "SELECT url, title, publisher, reliability, created_at FROM evidence "
            "WHERE deleted_at IS NULL AND (COALESCE(url, '') != '' OR COALESCE(title, '') != '' "
            "OR COALESCE(publisher, '') != '') ORDER BY created_at DESC, seq DESC"):
        source = {k: row[k] or "" for k in SOURCE_FIELDS}
        key = ((source["url"].casefold(),) if source["url"]
               else ("", source["title"].casefold(), source["publisher"].casefold()))
        if key in seen:
            continue
        seen.add(key)
        if needle and not any(needle in source[k].casefold() for k in ("title", "url", "publisher")):
            continue
        out.append({**source, "last_used": row["created_at"]})
        if len(out) >= limit:
            break
    return out


# -- attachments --------------------------------------------------------------------------------

def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _too_big(filename: str, size: int) -> WorkbenchError:
    return WorkbenchError(f"{filename}: is {_megabytes(size)} ({size:,} bytes); an attachment can be "
                          f"at most {_megabytes(MAX_ATTACHMENT_BYTES)} ({MAX_ATTACHMENT_BYTES:,} bytes)")


def _shorten(name: str, limit: int = MAX_NAME_BYTES) -> str:
    """name cut to at most limit UTF-8 bytes, keeping a short suffix."""
    if len(name.encode("utf-8")) <= limit:
        return name
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem or len(suffix.encode("utf-8")) > 16:
        stem, suffix = name, ""
    suffix = "." + suffix if suffix else ""
    room = limit - len(suffix.encode("utf-8"))
    return stem.encode("utf-8")[:room].decode("utf-8", "ignore") + suffix


def _last_part(filename: str) -> str:
    name = re.split(r"[\\/]", filename or "")[-1]
    # Control, format (bidi overrides that disguise extensions) and surrogate characters.
    return "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf", "Cs")).strip()


def display_name(filename: str) -> str:
    """A file name fit to show: no folders, no control or bidi characters, never empty."""
    name = _last_part(filename)
    return _shorten(name) if name not in ("", ".", "..") else "attachment"


def sniff_media_type(data: bytes) -> str | None:
    """The media type of PNG, JPEG, GIF, WebP or PDF bytes by their magic numbers, else None."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return next((kind for magic, kind in _MAGIC if data.startswith(magic)), None)


def attach_bytes(store: Store, evidence_id: str, data: bytes, filename: str, *, reviewer_id: str,
                 media_type: str | None = None) -> dict:
    """Attach bytes to evidence, storing them once per SHA-256; return the attachment row."""
    name = display_name(filename)
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise _too_big(name, len(data))
    guessed = mimetypes.guess_type(name, strict=False)[0]
    if guessed == "application/octet-stream":  # ".bin" says nothing; the bytes may
        guessed = None
    media_type = ((media_type or "").strip().lower() or guessed or sniff_media_type(data)
                  or "application/octet-stream")
    digest = ids.sha256_hex(data)
    with store.transaction():
        _live_evidence(store, evidence_id)
        blob = store.conn.execute("SELECT id, deleted_at FROM blobs WHERE sha256 = ?", [digest]).fetchone()
        if blob is None:
            blob_id = store.insert("blobs", {"id": ids.blob_id(digest), "sha256": digest,
                                             "size": len(data), "data": bytes(data)})["id"]
        else:
            blob_id = blob["id"]
            if blob["deleted_at"] is not None:
                store.update("blobs", blob_id, deleted_at=None)
        attachment = store.insert("attachments", {
            "evidence_id": evidence_id, "blob_id": blob_id, "filename": name,
            "media_type": media_type, "size": len(data), "sha256": digest, "created_by": reviewer_id, "updated_by": reviewer_id, "updated_by": reviewer_id,
        })
    return attachment


def attach_file(store: Store, evidence_id: str, path: str | Path, *, reviewer_id: str,
                media_type: str | None = None) -> dict:
    """Attach a file from disk, refusing folders, missing files and files over the limit before reading."""
    path = Path(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise WorkbenchError(f"{path}: no such file") from None
    except OSError as error:
        raise WorkbenchError(f"{path}: cannot be read ({error.strerror or error})") from None
    if stat.S_ISDIR(info.st_mode):
        raise WorkbenchError(f"{path}: is a folder; attach the files inside it instead")
    if not stat.S_ISREG(info.st_mode):
        raise WorkbenchError(f"{path}: is not a regular file")
    if info.st_size > MAX_ATTACHMENT_BYTES:
        raise _too_big(path.name, info.st_size)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_ATTACHMENT_BYTES + 1)
    except OSError as error:
        raise WorkbenchError(f"{path}: cannot be read ({error.strerror or error})") from None
    if len(data) > MAX_ATTACHMENT_BYTES:  # it grew since we looked
        raise _too_big(path.name, len(data))
    return attach_bytes(store, evidence_id, data, path.name, reviewer_id=reviewer_id, media_type=media_type)


def get_attachment(store: Store, attachment_id: str) -> dict:
    """One attachment row (tombstoned or not); WorkbenchError if unknown."""
    return store.require("attachments", attachment_id, "attachment")


def attachments_for(store: Store, evidence_id: str) -> list[dict]:
    """The live attachments of a piece of evidence, oldest first (metadata, no bytes)."""
    return store.query("SELECT * FROM attachments WHERE evidence_id = ? AND deleted_at IS NULL "
                       f"ORDER BY {order.attachments_sql()}", [evidence_id])


def attachment_bytes(store: Store, attachment_id: str) -> bytes:
    """The stored bytes of an attachment."""
    get_attachment(store, attachment_id)
    row = store.conn.execute("SELECT b.data FROM attachments a JOIN blobs b ON b.id = a.blob_id "
                             "WHERE a.id = ?", [attachment_id]).fetchone()
    if row is None:
        raise WorkbenchError(f"the bytes of attachment {attachment_id} are missing from the database")
    return bytes(row[0] or b"")


def _set_attachment_deleted(store: Store, attachment_id: str, deleted_at: str | None, reviewer_id: str) -> None:
    with store.transaction():
        row = get_attachment(store, attachment_id)
        if (row["deleted_at"] is None) != (deleted_at is None):
            store.update("attachments", attachment_id, deleted_at=deleted_at, updated_by=reviewer_id)


def delete_attachment(store: Store, attachment_id: str, *, reviewer_id: str) -> None:
    """Tombstone an attachment (its bytes stay, for a restore or other evidence sharing them)."""
    _set_attachment_deleted(store, attachment_id, ids.now(), reviewer_id)


def restore_attachment(store: Store, attachment_id: str, *, reviewer_id: str) -> None:
    """Bring back a tombstoned attachment (undo of a delete)."""
    _set_attachment_deleted(store, attachment_id, None, reviewer_id)


# -- saving attachments to disk -----------------------------------------------------------------

def safe_file_name(filename: str) -> str:
    """filename reduced to one harmless name component, valid on Windows, macOS and Linux."""
    name = "".join(ch for ch in _last_part(filename) if ch not in _WINDOWS_INVALID)
    name = name.lstrip(". ").rstrip(". ")  # no "..", no hidden files, no names Windows trims
    if _WINDOWS_RESERVED.match(name):
        name = "_" + name
    return _shorten(name).rstrip(". ") or "attachment"


def safe_save_path(folder: Path, filename: str) -> Path:
    """A path strictly inside folder for a name from the database, numbered if the name is taken."""
    folder = Path(folder)
    name = safe_file_name(filename)
    stem, suffix = (name.rsplit(".", 1)[0], "." + name.rsplit(".", 1)[1]) if "." in name else (name, "")
    candidate, number = folder / name, 2
    while os.path.lexists(candidate):
        candidate = folder / f"{stem} ({number}){suffix}"
        number += 1
    return candidate


def save_attachment(store: Store, attachment_id: str, folder: str | Path) -> Path:
    """Write an attachment into folder under its (made safe) file name; return the new file's path."""
    folder = Path(folder)
    if not folder.is_dir():
        raise WorkbenchError(f"{folder}: is not a folder")
    row = get_attachment(store, attachment_id)
    data = attachment_bytes(store, attachment_id)
    for _ in range(100):
        path = safe_save_path(folder, row["filename"])
        if path.parent.resolve() != folder.resolve() or not path.resolve().is_relative_to(folder.resolve()):
            raise WorkbenchError(f"{row['filename']!r}: refusing to save outside {folder}")
        try:
            with open(path, "xb") as handle:  # never overwrite, never follow a planted link
                handle.write(data)
            return path
        except FileExistsError:
            continue  # taken between the check and the write: pick the next number
        except OSError as error:
            raise WorkbenchError(f"{path}: cannot be written ({error.strerror or error})") from None
    raise WorkbenchError(f"{folder}: could not find a free name for {row['filename']!r}")
