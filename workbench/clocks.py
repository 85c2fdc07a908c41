"""Field clocks: the time and author of each field's last change, and the rule for a local edit's time.

Each merged row's fields (merge_rules) carry a clock: (time, author). A field that has not
changed since the row was created has the row's creation clock (`created_at`, `created_by`);
a field that has changed has a row in the `field_clocks` table. A row's `updated_at` and
`updated_by` are its latest clock's, so they are derived, never merged on their own.

Clocks are ordered by time, then author id (no author first), then the canonical JSON of the
value: a total order, so the larger of two versions of a field is the same whichever way round
they are compared (commutative, associative, idempotent).

Times are UTC text like `ids.now()`, one microsecond apart at least. A local edit is stamped
with a hybrid logical clock: the later of now and one microsecond after the row's last change,
so an edit made after receiving a time from a computer whose clock runs ahead still wins. A
time more than MAX_SKEW ahead of this computer's clock cannot come from a real edit: merges
refuse it (a forged 9999-12-31 would otherwise win forever), and a local edit does not follow
such a time (only a file written before this rule can hold one; m004 brings them back to now).
"""

import datetime
import json
from typing import NamedTuple

from workbench import ids
from workbench.merge_rules import layout, merged_tables

MAX_SKEW = datetime.timedelta(minutes=10)
_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
_TICK = datetime.timedelta(microseconds=1)


class Clock(NamedTuple):
    """When a field last changed and who changed it (a reviewer id, or None when unknown)."""

    at: str
    author: str | None


def parse(stamp: str) -> datetime.datetime:
    """A stored UTC time as a datetime; ValueError if it is not one."""
    return datetime.datetime.strptime(stamp, _FORMAT)


def format_time(moment: datetime.datetime) -> str:
    """A datetime as stored UTC text."""
    return moment.strftime(_FORMAT)


def latest_allowed(now: str | None = None) -> str:
    """The latest time a merge accepts: this computer's clock plus MAX_SKEW."""
    return format_time(parse(now or ids.now()) + MAX_SKEW)


def next_stamp(last: str | None) -> str:
    """The time of a local edit of a row last changed at `last` (a hybrid logical clock)."""
    now = ids.now()
    if not last or last < now:
        return now
    if last > latest_allowed(now):
        return now  # a time no real clock gave: do not follow it
    return format_time(parse(last) + _TICK)


def order_key(clock: Clock, value=None) -> tuple[str, str, str]:
    """The total order of field versions: time, author, then the value itself."""
    return (clock.at, clock.author or "", canonical(value))


def canonical(value) -> str:
    """A value as canonical text (JSON; bytes as hex), for comparing versions."""
    if isinstance(value, bytes):
        return "x" + value.hex()
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def field_clocks(store, table: str, field: str, row_ids=None) -> dict[str, Clock]:
    """row id -> the clock of one field (its last change), for the given rows or all rows."""
    layout = store.layout(table)
    creator = 't."created_by"' if layout.has("created_by") else "NULL"
    sql = (f'SELECT t.id, COALESCE(c.at, t.created_at), CASE WHEN c.at IS NULL THEN {creator} '
           f'ELSE c.author END FROM "{table}" t LEFT JOIN field_clocks c '
           f"ON c.tbl = ? AND c.row_id = t.id AND c.field = ?")
    if row_ids is None:
        rows = store.conn.execute(sql, [table, field])
    else:
        rows = store.conn.execute(sql + " WHERE t.id IN (SELECT value FROM json_each(?))",
                                  [table, field, json.dumps(list(row_ids))])
    return {row_id: Clock(at, author) for row_id, at, author in rows}


def verdict_givers(store, claim_ids=None) -> dict[str, Clock]:
    """claim id -> who gave its current verdict and when (what a report's "Verdict given by" names)."""
    return field_clocks(store, "claims", "verdict", claim_ids)


# -- keeping rows canonical: the same state is stored the same way everywhere ----------------------

def canonicalise(conn, table: str, layout, *, rows: str | None = None, clocks: str = "main.field_clocks") -> None:
    """Drop explicit clocks equal to their row's creation and derive updated_at/updated_by from the rest.

    `rows` and `clocks` name the tables to work on (default: the table itself and main.field_clocks),
    so that a merge can canonicalise staged rows before it compares them.
    """
    rows = rows or f'main."{table}"'
    creator = 't."created_by"' if layout.has("created_by") else "NULL"
    conn.execute(f"DELETE FROM {clocks} WHERE tbl = ? AND EXISTS (SELECT 1 FROM {rows} t WHERE "
                 f"t.id = {clocks}.row_id AND t.created_at = {clocks}.at AND {creator} IS {clocks}.author)",
                 [table])
    has_by = layout.has("updated_by")
    target = rows.split(".")[-1]
    creator = f'{target}."created_by"' if layout.has("created_by") else "NULL"
    # Rows without explicit clocks: their latest clock is their creation.
    sets = "updated_at = created_at" + (", updated_by = created_by" if has_by else "")
    differs = "updated_at IS NOT created_at" + (" OR updated_by IS NOT created_by" if has_by else "")
    conn.execute(f"UPDATE {rows} SET {sets} WHERE ({differs}) AND NOT EXISTS (SELECT 1 FROM {clocks} c "
                 f"WHERE c.tbl = ? AND c.row_id = {target}.id)", [table])
    # The others: the latest of creation and clocks, as one sortable text (times have a fixed
    # width, so this orders by time, then author).
    latest = f"max(d.k, {target}.created_at || COALESCE({creator}, ''))"
    sets = f"updated_at = substr({latest}, 1, 27)" + (f", updated_by = NULLIF(substr({latest}, 28), '')" if has_by else "")
    differs = f"updated_at IS NOT substr({latest}, 1, 27)" + (
        f" OR updated_by IS NOT NULLIF(substr({latest}, 28), '')" if has_by else "")
    conn.execute(f"UPDATE {rows} SET {sets} FROM (SELECT row_id, max(at || COALESCE(author, '')) AS k FROM {clocks} "
                 f"WHERE tbl = ? GROUP BY row_id) d WHERE d.row_id = {target}.id AND ({differs})", [table])


FIELD_CLOCKS_SQL = ('CREATE TABLE "field_clocks" ("tbl" TEXT NOT NULL, "row_id" TEXT NOT NULL, '
                    '"field" TEXT NOT NULL, "at" TEXT NOT NULL, "author" TEXT REFERENCES "reviewers"("id"), '
                    'PRIMARY KEY ("tbl", "row_id", "field")) WITHOUT ROWID')


def backfill(conn) -> None:
    """Clocks for the rows of a database written before field clocks (migration m004).

    Nothing is lost: every value stays. A row changed since its creation gives each of its fields
    the row's `updated_at` and `updated_by` (which field changed was not recorded), except a
    claim's verdict, which takes the time and reviewer of the verdict history row that set it
    (never a "merge: kept" row, which an older merge wrote in someone else's name). Times more than
    MAX_SKEW ahead of now (a forged 9999-12-31 merged before this rule) become now.
    """
    now = ids.now()
    limit = latest_allowed(now)
    for table in merged_tables(conn):
        rules = layout(conn, table)
        for column in (c for c in rules.columns if c.endswith("_at")):
            conn.execute(f'UPDATE "{table}" SET "{column}" = ? WHERE "{column}" > ?', [now, limit])
        conn.execute(f'UPDATE "{table}" SET updated_at = created_at WHERE updated_at < created_at')
        author = '"updated_by"' if rules.has("updated_by") else "NULL"
        for name in rules.fields:
            conn.execute(f"INSERT INTO field_clocks (tbl, row_id, field, at, author) SELECT ?, id, ?, "
                         f'updated_at, {author} FROM "{table}" WHERE updated_at > created_at', [table, name])
        if table == "claims":
            conn.execute(
                "INSERT OR REPLACE INTO field_clocks (tbl, row_id, field, at, author) "
                "SELECT 'claims', c.id, 'verdict', min(h.created_at, c.updated_at), h.created_by "
                "FROM claims c JOIN verdict_history h ON h.id = (SELECT x.id FROM verdict_history x "
                "WHERE x.claim_id = c.id AND x.deleted_at IS NULL AND x.to_verdict = c.verdict "
                "AND COALESCE(x.note, '') NOT LIKE 'merge: kept %' ORDER BY x.created_at DESC, x.id DESC LIMIT 1)")
        canonicalise(conn, table, rules)
