"""Merging other reviewers' databases into this one, and saving a copy to send to them.

`merge_database(store, other_path, reviewer_id=...)` brings every row of another workbench
database into `store` in one transaction. The other file is opened with
`untrusted.open_untrusted` (read-only, checked, nothing of it runs) and read with plain SELECTs.

Rules, the same for every table (reviewers, articles, appearances, claims, verdict_history,
evidence, blobs, attachments; `meta` is this database's own and is not merged):

- Rows are matched by id; appearances by (article, URL), their natural key, since two reviewers
  importing one article from one URL make two appearance ids for the same fact. An article's id
  is derived from its text, so the same article imported separately is one article here, with
  both reviewers' claims on it.
- A row only on the other side is inserted (without `seq`, which is this file's own row
  number; the FTS triggers index it). A row on both sides that differs: the one with the later
  `updated_at` wins, the whole row, tombstone included (a deletion wins if it is the later
  change, and so does an undelete). Equal times: the row whose canonical JSON sorts last wins,
  so that A merged into B and B merged into A give the same rows.
- When the two versions of a claim have different verdicts, the losing verdict is kept in the
  verdict history as a row noted "merge: kept ...", made by the reviewer who set it. Its id and
  times come from the two versions only, so the row is the same whichever way round, and
  merging again adds nothing. No row is added when the history already shows the losing verdict
  being changed later (someone saw it and moved on: a plain sequential edit, not a conflict).
- Every row of the other file is checked first: column types, UTC timestamps, ids, verdicts,
  stances, an article's id matching its text, a claim's range and quote matching its article,
  foreign keys pointing at rows that exist here or there, blobs matching their SHA-256. One bad
  row refuses the whole file with a message naming the table and the id; nothing is merged.

Known limits: whole-row last-writer-wins loses the earlier side's edits to other fields of the
same row (a rationale, an evidence note), except the verdict (and the losing claim's rationale,
which goes into that history row's note). Blob data is checked for the blobs that come in.
"""

import json
import os
import re
import sqlite3
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from workbench import ids, schema, untrusted
from workbench.errors import DatabaseRefused, WorkbenchError
from workbench.verdicts import RELIABILITY, STANCES, VERDICTS

TABLES = ("reviewers", "articles", "appearances", "claims", "verdict_history", "evidence", "blobs",
          "attachments")
COLUMNS = {t: [c for c in schema.TABLES_V1[t]["columns"] if c != "seq"] for t in TABLES}
READ_COLUMNS = {t: [c for c in cols if c != "data"] for t, cols in COLUMNS.items()}  # blob bytes later
KEYS = {"appearances": ("article_id", "url")}
NOUNS = {"articles": ("article", "articles"), "claims": ("claim", "claims"),
         "verdict_history": ("verdict change", "verdict changes"),
         "evidence": ("evidence item", "evidence items"), "attachments": ("attachment", "attachments"),
         "blobs": ("attached file", "attached files"), "appearances": ("article URL", "article URLs"),
         "reviewers": ("reviewer", "reviewers")}
MERGE_NAMESPACE = uuid.UUID("0c5b7e1a-93f4-5d2e-a6b8-4f1d2c3e9a70")
ID, UPDATED_AT = 0, 2  # every table's columns start: id, created_at, updated_at, deleted_at

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z")
_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z\Z")
_SHA = re.compile(r"[0-9a-f]{64}\Z")
_TYPES = {str: (str,), int: (int,), float: (float, int), bytes: (bytes,)}
_TIMES = ("created_at", "updated_at", "deleted_at")


class MalformedRow(WorkbenchError):
    """A row of the other database that cannot be merged; nothing was merged."""


@dataclass
class TableCount:
    """What a merge did to one table: rows added, rows replaced by the other's, rows left as they were."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class MergeSummary:
    """What came in from one other database."""

    source: str
    database_id: str
    tables: dict[str, TableCount] = field(default_factory=lambda: {t: TableCount() for t in TABLES})
    conflicts: int = 0  # claims whose losing verdict was kept as a new history row

    @property
    def changed(self) -> bool:
        """True if the merge added or changed any row."""
        return any(c.added or c.updated for c in self.tables.values())

    def __str__(self) -> str:
        order = ("articles", "claims", "verdict_history", "evidence", "attachments", "blobs",
                 "appearances", "reviewers")
        parts = []
        for table in order:
            count, (one, many) = self.tables[table], NOUNS[table]
            if count.added:
                part = f"{count.added} {one if count.added == 1 else many}"
                parts.append(part + (f" ({count.updated} updated)" if count.updated else ""))
            elif count.updated:
                parts.append(f"{count.updated} {one if count.updated == 1 else many} updated")
        if not parts:
            return "nothing new: everything in it was already here"
        text = ", ".join(parts) + " came in"
        if self.conflicts:
            text += (f"; {self.conflicts} conflicting verdict{'s' if self.conflicts != 1 else ''} "
                     "kept in the history")
        return text


def merge_database(store, other_path: str | Path, *, reviewer_id: str) -> MergeSummary:
    """Bring everything of the database at other_path into store, in one transaction."""
    other_path = Path(other_path)
    if store.get("reviewers", reviewer_id) is None:
        raise WorkbenchError(f"no reviewer with id {reviewer_id} in {store.path}")
    try:
        if other_path.exists() and os.path.samefile(other_path, store.path):
            raise DatabaseRefused(f"{other_path}: is the database being merged into")
    except OSError:
        pass
    conn = untrusted.open_untrusted(other_path)
    try:
        # A plain file copy keeps our database id; the work done in it still merges back.
        other_id = untrusted.database_id(conn)
        conn.execute("BEGIN")  # one snapshot of the other file for every read below
        merge = _Merge(store, conn, other_path, MergeSummary(str(other_path), other_id))
        with store.transaction():
            merge.run()
            if merge.summary.changed:
                store.set_meta(f"merged:{other_id}", json.dumps(
                    {"at": ids.now(), "by": reviewer_id, "path": str(other_path)}))
        return merge.summary
    except sqlite3.DatabaseError as error:
        raise DatabaseRefused(f"{other_path}: cannot be read ({error})") from None
    finally:
        conn.close()


class _Merge:
    def __init__(self, store, conn: sqlite3.Connection, path: Path, summary: MergeSummary):
        self.store, self.conn, self.path, self.summary = store, conn, path, summary
        self.other: dict[str, dict] = {}  # table -> key -> row tuple
        self.local: dict[str, dict] = {}  # table -> key -> row tuple

    def run(self) -> None:
        for table in TABLES:
            self.other[table] = self._read_other(table)
        for table in TABLES:
            self.local[table] = self._rows(self.store.conn, table)
        self._check_references()
        generated = self._claim_conflicts()
        for table in TABLES:
            self._apply(table, generated if table == "verdict_history" else {})

    # -- reading and checking ------------------------------------------------------------------

    def _rows(self, conn, table: str) -> dict:
        cols = READ_COLUMNS[table]
        names = ", ".join(f'"{c}"' for c in cols)
        key = [cols.index(c) for c in KEYS.get(table, ("id",))]
        rows = conn.execute(f'SELECT {names} FROM "{table}"').fetchall()
        return {tuple(r[i] for i in key) if len(key) > 1 else r[key[0]]: tuple(r) for r in rows}

    def _read_other(self, table: str) -> dict:
        rows = self._rows(self.conn, table)
        spec = schema.TABLES_V1[table]["columns"]
        cols = READ_COLUMNS[table]
        kinds = [_TYPES[spec[c]] for c in cols]
        check = _ROW_CHECKS.get(table)
        for row in rows.values():
            for col, value, kind in zip(cols, row, kinds):
                if value is None:
                    if col in schema.NOT_NULL:
                        self._bad(table, row, f"has no {col}")
                elif not isinstance(value, kind) or isinstance(value, bool):
                    self._bad(table, row, f"its {col} is {type(value).__name__}, expected {kind[0].__name__}")
            if not _UUID.match(row[ID]):
                self._bad(table, row, "its id is not a UUID")
            for col in _TIMES:
                value = row[cols.index(col)]
                if value is not None and not _TIME.match(value):
                    self._bad(table, row, f"its {col} {value!r} is not a UTC time like 2024-05-31T12:00:00.000000Z")
            if check:
                problem = check(dict(zip(cols, row)))
                if problem:
                    self._bad(table, row, problem)
        return rows

    def _bad(self, table: str, row: tuple, reason: str):
        raise MalformedRow(f"{self.path}: {table} row {row[ID]!s:.60}: {reason}; nothing was merged")

    def _check_references(self) -> None:
        known = {t: {r[ID] for r in self.local[t].values()} | {r[ID] for r in self.other[t].values()}
                 for t in TABLES}
        for table in TABLES:
            cols = READ_COLUMNS[table]
            refs = [(cols.index(col), col, target)
                    for col, target, _ in schema.TABLES_V1[table].get("foreign_keys", [])]
            for row in self.other[table].values():
                for index, col, target in refs:
                    if row[index] is not None and row[index] not in known[target]:
                        self._bad(table, row, f"its {col} {row[index]!s:.60} points to no row of {target}")
        bodies = {}
        cols = READ_COLUMNS["claims"]
        start, end, quote, article = (cols.index(c) for c in ("start", "end", "quote", "article_id"))
        for row in self.other["claims"].values():
            if row[article] not in bodies:
                found = self.local["articles"].get(row[article]) or self.other["articles"][row[article]]
                bodies[row[article]] = found[READ_COLUMNS["articles"].index("body")]
            body = bodies[row[article]]
            if not 0 <= row[start] < row[end] <= len(body):
                self._bad("claims", row, f"its range {row[start]}–{row[end]} is outside its article "
                                         f"({len(body)} characters)")
            if body[row[start]:row[end]] != row[quote]:
                self._bad("claims", row, f"its quote does not match the article text at {row[start]}–{row[end]}")

    # -- deciding and writing ------------------------------------------------------------------

    def _claim_conflicts(self) -> dict:
        """History rows keeping the losing verdict of claims edited on both sides."""
        cols = READ_COLUMNS["claims"]
        verdict, by, created_by, rationale = (cols.index(c) for c in
                                              ("verdict", "updated_by", "created_by", "rationale"))
        changes: dict[str, list[tuple[str, str]]] = {}
        hist = READ_COLUMNS["verdict_history"]
        claim, source, at = hist.index("claim_id"), hist.index("from_verdict"), hist.index("created_at")
        for rows in (self.local["verdict_history"], self.other["verdict_history"]):
            for h in rows.values():
                changes.setdefault(h[claim], []).append((h[source], h[at]))
        generated = {}
        for key, theirs in self.other["claims"].items():
            ours = self.local["claims"].get(key)
            if ours is None or ours == theirs or ours[verdict] == theirs[verdict]:
                continue
            winner, loser = (theirs, ours) if _beats(theirs, ours) else (ours, theirs)
            if any(v == loser[verdict] and t >= loser[UPDATED_AT] for v, t in changes.get(key, ())):
                continue  # the history shows the losing verdict changed later: not a conflict
            note = (f"merge: kept {loser[verdict]} from {loser[UPDATED_AT]} "
                    f"(the later {winner[verdict]} of {winner[UPDATED_AT]} won)")
            if loser[rationale] and loser[rationale] != winner[rationale]:
                note += f"; its rationale was: {loser[rationale]}"
            row = {"id": str(uuid.uuid5(MERGE_NAMESPACE, _canon(loser) + "\n" + _canon(winner))),
                   "created_at": winner[UPDATED_AT], "updated_at": winner[UPDATED_AT],
                   "deleted_at": None, "claim_id": key, "from_verdict": loser[verdict],
                   "to_verdict": winner[verdict], "created_by": loser[by] or loser[created_by],
                   "note": note}
            if row["id"] not in self.local["verdict_history"] and row["id"] not in self.other["verdict_history"]:
                generated[row["id"]] = tuple(row[c] for c in hist)
        self.summary.conflicts = len(generated)
        return generated

    def _apply(self, table: str, generated: dict) -> None:
        count = self.summary.tables[table]
        cols = READ_COLUMNS[table]
        inserts, updates = [], []
        local = self.local[table]
        for key, theirs in (*self.other[table].items(), *generated.items()):
            ours = local.get(key)
            if ours is None:
                inserts.append(theirs)
            elif ours != theirs and _beats(theirs, ours):
                updates.append((*theirs, ours[ID]))
            else:
                count.unchanged += 1
        count.added, count.updated = len(inserts), len(updates)
        conn = self.store.conn
        names = ", ".join(f'"{c}"' for c in COLUMNS[table])
        marks = ", ".join("?" for _ in COLUMNS[table])
        try:
            if table == "blobs":  # one at a time: their bytes are read, checked and written singly
                conn.executemany(f'INSERT INTO main."{table}" ({names}) VALUES ({marks})',
                                 ((*row, self._blob_data(row)) for row in inserts))
            elif inserts:
                # Staged in a temporary table and copied in one statement: about twice as fast as
                # one INSERT a row, which pays for a statement journal and the FTS trigger each time.
                conn.execute("DROP TABLE IF EXISTS temp.merge_stage")
                conn.execute(f'CREATE TEMP TABLE merge_stage AS SELECT {names} FROM main."{table}" WHERE 0')
                conn.executemany(f"INSERT INTO temp.merge_stage VALUES ({marks})", inserts)
                if table in schema.FTS_COLUMNS:  # numbered on from this file's highest seq
                    base = conn.execute(f'SELECT COALESCE(MAX(seq), 0) FROM main."{table}"').fetchone()[0]
                    conn.execute(f'INSERT INTO main."{table}" (seq, {names}) SELECT {base} + rowid, '
                                 f"{names} FROM temp.merge_stage ORDER BY rowid")
                else:
                    conn.execute(f'INSERT INTO main."{table}" ({names}) SELECT {names} '
                                 "FROM temp.merge_stage ORDER BY rowid")
                conn.execute("DROP TABLE temp.merge_stage")
            assignments = ", ".join(f'"{c}" = ?' for c in cols)
            conn.executemany(f'UPDATE main."{table}" SET {assignments} WHERE id = ?', updates)
        except sqlite3.IntegrityError as error:
            raise MalformedRow(f"{self.path}: {table}: cannot be merged ({error}); nothing was merged") from None
        for row in (*inserts, *updates):
            self.store.changed(table, row[ID])

    def _blob_data(self, row: tuple) -> bytes:
        cols = READ_COLUMNS["blobs"]
        found = self.conn.execute("SELECT data FROM blobs WHERE id = ?", [row[ID]]).fetchone()
        data = found[0] if found else None
        if not isinstance(data, bytes):
            self._bad("blobs", row, "has no bytes")
        if ids.sha256_hex(data) != row[cols.index("sha256")]:
            self._bad("blobs", row, "its bytes do not match their SHA-256")
        if len(data) != row[cols.index("size")]:
            self._bad("blobs", row, f"has {len(data)} bytes, not the {row[cols.index('size')]} recorded")
        return data


def _canon(row: tuple) -> str:
    return json.dumps(row, ensure_ascii=False, separators=(",", ":"))


def _beats(theirs: tuple, ours: tuple) -> bool:
    """True when theirs is the later version (equal times: the larger canonical JSON)."""
    if theirs[UPDATED_AT] != ours[UPDATED_AT]:
        return theirs[UPDATED_AT] > ours[UPDATED_AT]
    return _canon(theirs) > _canon(ours)


# -- per-table checks of the other file's rows (None: fine; else the reason) --------------------

def _check_article(row: dict) -> str | None:
    if not row["body"]:
        return "has no text"
    if ids.article_id(row["body"]) != row["id"]:
        return "its id does not match its text (an article's id is derived from its text)"
    return None


def _check_claim(row: dict) -> str | None:
    if row["article_id"] is None or row["start"] is None or row["end"] is None or row["quote"] is None:
        return "lacks its article, range or quote"
    if row["verdict"] not in VERDICTS:
        return f"has verdict {row['verdict']!r}; expected one of {', '.join(VERDICTS)}"
    return None


def _check_history(row: dict) -> str | None:
    if row["claim_id"] is None:
        return "belongs to no claim"
    for col in ("from_verdict", "to_verdict"):
        if row[col] not in VERDICTS:
            return f"has {col} {row[col]!r}; expected one of {', '.join(VERDICTS)}"
    return None


def _check_evidence(row: dict) -> str | None:
    if row["claim_id"] is None:
        return "belongs to no claim"
    if row["stance"] not in (None, *STANCES):
        return f"has stance {row['stance']!r}; expected one of {', '.join(STANCES)}"
    if row["reliability"] not in (None, *RELIABILITY):
        return f"has reliability {row['reliability']!r}; expected one of {', '.join(RELIABILITY)}"
    return None


def _check_blob(row: dict) -> str | None:
    if not isinstance(row["sha256"], str) or not _SHA.match(row["sha256"]):
        return "its sha256 is not a SHA-256 in hex"
    if row["id"] != ids.blob_id(row["sha256"]):
        return "its id does not match its SHA-256"
    if row["size"] is None or row["size"] < 0:
        return "has no size"
    return None


def _check_appearance(row: dict) -> str | None:
    return "lacks its article or URL" if row["article_id"] is None or row["url"] is None else None


def _check_attachment(row: dict) -> str | None:
    return "lacks its evidence or file" if row["evidence_id"] is None or row["blob_id"] is None else None


_ROW_CHECKS = {"articles": _check_article, "claims": _check_claim, "verdict_history": _check_history,
               "evidence": _check_evidence, "blobs": _check_blob, "appearances": _check_appearance,
               "attachments": _check_attachment}


# -- saving a copy ------------------------------------------------------------------------------

def save_copy(store, target: str | Path, *, overwrite: bool = False) -> Path:
    """Write a consistent copy of store's database to target (VACUUM INTO); return its path.

    The copy gets a database id of its own (and records the original's as `copied_from`), so
    that the reviewer who receives it can work in it and send it back to be merged.
    """
    target = Path(target)
    if target.is_dir():
        raise WorkbenchError(f"{target}: is a folder; give a file name for the copy")
    if not target.parent.is_dir():
        raise WorkbenchError(f"{target}: folder {target.parent} does not exist")
    if target.exists():
        if not overwrite:
            raise WorkbenchError(f"{target}: already exists; choose another name")
        if os.path.samefile(target, store.path):
            raise WorkbenchError(f"{target}: is the database itself; choose another name")
    for suffix in ("-wal", "-shm", "-journal"):
        if Path(f"{target}{suffix}").exists():
            raise WorkbenchError(f"{target}: is open in another program (its {suffix[1:]} file "
                                 "exists); close it or choose another name")
    temporary = target.parent / f".{target.name}.{uuid.uuid4().hex}.partial"
    try:
        store.conn.execute("VACUUM INTO ?", [str(temporary)])
        copy = sqlite3.connect(temporary, isolation_level=None)
        try:
            copy.execute("BEGIN IMMEDIATE")
            for key, value in (("database_id", ids.new_id()), ("copied_from", store.database_id),
                               ("created_at", ids.now())):
                copy.execute("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) "
                             "DO UPDATE SET value = excluded.value", [key, value])
            copy.execute("COMMIT")
        finally:
            copy.close()
        os.replace(temporary, target)
    except sqlite3.Error as error:
        raise WorkbenchError(f"{target}: cannot write the copy ({error})") from None
    except OSError as error:
        raise WorkbenchError(f"{target}: cannot write the copy ({error.strerror})") from None
    finally:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{temporary}{suffix}").unlink(missing_ok=True)
    return target
