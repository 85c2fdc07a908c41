"""Articles: adding normalised text once, where it appeared, and listing with progress."""

import datetime
import urllib.parse
from dataclasses import dataclass

from workbench import ids
from workbench.errors import WorkbenchError
from workbench.store import Store
from workbench.text import normalise_body
from workbench.verdicts import VERDICTS

TITLE_MAX = 200


@dataclass
class Added:
    """The outcome of adding one article: its row and whether it was new."""

    article: dict
    new: bool
    note: str = ""


def first_line_title(body: str) -> str:
    """A title from the first non-empty line of body, shortened to a readable length."""
    line = next((ln.strip() for ln in body.split("\n") if ln.strip()), "Untitled")
    return line if len(line) <= TITLE_MAX else line[: TITLE_MAX - 1].rstrip() + "…"


def add_article(store: Store, body: str, *, reviewer_id: str, title: str | None = None,
                url: str | None = None, publisher: str | None = None, author: str | None = None,
                published: str | None = None, source_kind: str = "text",
                encoding: str | None = None, source: str = "text") -> Added:
    """Store an article once (its id comes from its text); a known text only gains a new URL."""
    body = normalise_body(body, source=source)
    article_id = ids.article_id(body)
    with store.transaction():
        existing = store.get("articles", article_id)
        if existing is not None:
            note = "already in the database"
            if existing["deleted_at"]:
                store.update("articles", article_id, deleted_at=None)
                existing = store.get("articles", article_id)
                note = "had been deleted from the database; restored"
            if url and url != existing["url"] and _add_appearance(store, article_id, url, reviewer_id):
                note += f"; {url} kept as another place it appeared"
            return Added(existing, False, note)
        row = store.insert("articles", {
            "id": article_id,
            "title": (title or "").strip() or first_line_title(body),
            "body": body,
            "url": url,
            "publisher": publisher,
            "author": author,
            "published": published,
            "source_kind": source_kind,
            "encoding": encoding,
            "created_by": reviewer_id,
        })
        if url:
            _add_appearance(store, article_id, url, reviewer_id)
    return Added(row, True)


def _add_appearance(store: Store, article_id: str, url: str, reviewer_id: str) -> bool:
    seen = store.conn.execute(
        "SELECT 1 FROM appearances WHERE article_id = ? AND url = ?", [article_id, url]).fetchone()
    if seen:
        return False
    store.insert("appearances", {"article_id": article_id, "url": url, "created_by": reviewer_id})
    return True


def get_article(store: Store, article_id: str) -> dict:
    """One live article with its body; WorkbenchError if there is none."""
    row = store.require("articles", article_id, "article")
    if row["deleted_at"]:
        raise WorkbenchError(f"no article with id {article_id}")
    return row


EDITABLE_FIELDS = ("title", "url", "publisher", "author", "published")


def check_published(value: str | None) -> str | None:
    """A publication date as the reviewer typed it: empty, or an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)."""
    value = (value or "").strip()
    if not value:
        return None
    for form, length in (("%Y-%m-%d", 10), ("%Y-%m", 7), ("%Y", 4)):
        if len(value) == length:
            try:
                datetime.datetime.strptime(value, form)
                return value
            except ValueError:
                break
    raise WorkbenchError(f"publication date {value!r} is not a date like 2024-05-31 (or 2024-05, or 2024)")


def update_article(store: Store, article_id: str, *, reviewer_id: str, **fields) -> dict:
    """Correct an article's title, web address, publisher, author or publication date; return the row."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"an article has no editable field(s) {', '.join(sorted(unknown))}")
    values = {}
    for key, value in fields.items():
        if key == "title":
            value = " ".join((value or "").split())
            if not value:
                raise WorkbenchError("an article needs a title")
            value = value if len(value) <= TITLE_MAX else value[: TITLE_MAX - 1].rstrip() + "…"
        elif key == "url":
            value = check_web_address(value) or None
        elif key == "published":
            value = check_published(value)
        else:
            value = " ".join((value or "").split()) or None
        values[key] = value
    with store.transaction():
        row = get_article(store, article_id)
        changes = {k: v for k, v in values.items() if row[k] != v}
        if changes:
            store.update("articles", article_id, **changes)
            if changes.get("url"):
                _add_appearance(store, article_id, changes["url"], reviewer_id)
        return get_article(store, article_id)


def check_web_address(url: str | None) -> str:
    """An article's address: empty, or an http(s) URL (surrounding space dropped)."""
    url = (url or "").strip()
    if not url:
        return ""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or any(ch.isspace() for ch in url):
        raise WorkbenchError(f"{url!r} is not a web address; it should start with http:// or https://")
    return url


def delete_article(store: Store, article_id: str) -> None:
    """Tombstone an article (its claims stay with it, for an undo or a merge that restores it)."""
    with store.transaction():
        get_article(store, article_id)
        store.update("articles", article_id, deleted_at=ids.now())


def restore_article(store: Store, article_id: str) -> None:
    """Bring back a tombstoned article (undo of a delete)."""
    with store.transaction():
        if store.require("articles", article_id, "article")["deleted_at"] is not None:
            store.update("articles", article_id, deleted_at=None)


def article_body(store: Store, article_id: str) -> str:
    """The body of a live article; bodies never change, so each is read from disk once."""
    cache = store.bodies
    if article_id not in cache:
        cache[article_id] = get_article(store, article_id)["body"]
    elif store.get_value("SELECT deleted_at FROM articles WHERE id = ?", [article_id]):
        raise WorkbenchError(f"no article with id {article_id}")
    return cache[article_id]


def find_article(store: Store, id_or_prefix: str) -> dict:
    """The live article whose id is or starts with id_or_prefix (as typed on the command line)."""
    rows = store.query(
        "SELECT id FROM articles WHERE deleted_at IS NULL AND id LIKE ? ESCAPE '\\' LIMIT 2",
        [id_or_prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"])
    if not rows:
        raise WorkbenchError(f"no article with id {id_or_prefix}")
    if len(rows) > 1:
        raise WorkbenchError(f"more than one article id starts with {id_or_prefix}; give more of it")
    return get_article(store, rows[0]["id"])


LIST_COLUMNS = "id, title, url, publisher, author, published, source_kind, created_at, length(body) AS length"
LIST_ORDER = "created_at, title, id"


def list_articles(store: Store) -> list[dict]:
    """Live articles (without bodies), oldest first, each with claim counts by verdict."""
    rows = store.query(f"SELECT {LIST_COLUMNS} FROM articles WHERE deleted_at IS NULL ORDER BY {LIST_ORDER}")
    counts = verdict_counts(store)
    for row in rows:
        row["counts"] = counts.get(row["id"], empty_counts())
    return rows


def article_rows(store: Store, article_ids) -> dict[str, dict | None]:
    """List rows (as list_articles gives them) for some articles; None for those deleted or unknown."""
    found: dict[str, dict | None] = dict.fromkeys(article_ids)
    for row in store.query_in(f"SELECT {LIST_COLUMNS} FROM articles WHERE deleted_at IS NULL "
                              "AND id IN ({marks})", found):
        row["counts"] = verdict_counts(store, row["id"]).get(row["id"], empty_counts())
        found[row["id"]] = row
    return found


def empty_counts() -> dict[str, int]:
    """Claim counts by verdict of an article with no claims."""
    return dict.fromkeys(VERDICTS, 0)


def verdict_counts(store: Store, article_id: str | None = None) -> dict[str, dict[str, int]]:
    """article id -> {verdict: number of live claims}."""
    sql = "SELECT article_id, verdict, count(*) AS n FROM claims WHERE deleted_at IS NULL"
    params: list = []
    if article_id:
        sql += " AND article_id = ?"
        params.append(article_id)
    result: dict[str, dict[str, int]] = {}
    for row in store.conn.execute(sql + " GROUP BY article_id, verdict", params):
        result.setdefault(row["article_id"], empty_counts())[row["verdict"]] = row["n"]
    return result


def appearances(store: Store, article_id: str) -> list[str]:
    """Every URL the article was seen at, first one first."""
    return [r["url"] for r in store.query(
        "SELECT url FROM appearances WHERE article_id = ? AND deleted_at IS NULL ORDER BY created_at",
        [article_id])]
