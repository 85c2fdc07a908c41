"""Checking rows this program did not just write: a colleague's file, the desk server's rows, a file opened.

`check(conn, layouts, scope)` runs every check on the rows `scope` names (a merge's staged rows,
or the tables of a database being opened) and raises MalformedRow naming the source, the table,
the row and the reason at the first problem. Most checks are SQL over whole tables (fast, in
SQLite); what SQL cannot say is checked in Python with the program's own helpers
(`text.normalise_body`, `text.quote_at`, `ids`). A merge also passes `extra` checks from the
domain modules (attachment names and sizes, evidence links) that this low layer cannot import.

What is checked, for every merged table (merge_rules), from its schema: declared types, NOT
NULL, a UUID `id`, every `*_at` column a real UTC time like 2024-05-31T12:00:00.000000Z (and,
for rows from elsewhere, not more than clocks.MAX_SKEW ahead of this computer's clock),
references pointing at rows that exist, and the field clocks. Then per table (VALUES, DATES and
the Python checks below): verdicts, stances, reliability and dates from their lists; an article's
body normalised as an import leaves it; a claim's range inside its article and, thorough, its
quote and context equal to the article text there; an article's, a blob's and (thorough) a
reviewer's id derived from its content.
"""

import json
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field

from workbench import ids
from workbench.errors import DatabaseRefused, ImportRefused
from workbench.merge_rules import PYTHON_TYPES, Layout, layout, merged_tables
from workbench.text import normalise_body, quote_at
from workbench.verdicts import RELIABILITY, STANCES, VERDICTS


class MalformedRow(DatabaseRefused):
    """A row that this program would never write; nothing of its file or batch was used."""


# Values a column may hold (None: may be empty).
VALUES = {
    ("claims", "verdict"): VERDICTS,
    ("verdict_history", "from_verdict"): VERDICTS,
    ("verdict_history", "to_verdict"): VERDICTS,
    ("evidence", "stance"): (None, *STANCES),
    ("evidence", "reliability"): (None, *RELIABILITY),
}
DATES = {("evidence", "accessed_on")}  # an ISO date (2024-05-31) or empty

_HEX = "[0-9a-f]"
UUID_GLOB = "-".join(_HEX * n for n in (8, 4, 4, 4, 12))
TIME_GLOB = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].{}Z".format("[0-9]" * 6)
_SQL_TYPES = {"TEXT": ("text",), "INTEGER": ("integer",), "FLOAT": ("real", "integer"),
              "REAL": ("real", "integer"), "BLOB": ("blob",)}

RowCheck = Callable[[dict], str | None]


@dataclass
class Scope:
    """Which rows to check and how strictly."""

    source: str  # names the file or server in every message
    outcome: str  # what the caller did instead, e.g. "nothing was merged"
    rows: Callable[[str], str]  # table -> the SQL name of the rows to check
    lookups: Callable[[str], list[str]]  # table -> SQL names of the rows references may point at
    clocks: str  # the SQL name of the field clocks to check
    latest: str | None = None  # the latest time allowed (None: no limit)
    thorough: bool = False  # quotes and contexts, reviewers' ids: for rows from elsewhere
    extra: dict[str, list[RowCheck]] = field(default_factory=dict)  # table -> more checks (merge)


def check(conn: sqlite3.Connection, layouts: dict[str, Layout], scope: Scope) -> None:
    """Raise MalformedRow at the first row in scope that this program would not have written."""
    for table, lay in layouts.items():
        _check_columns(conn, lay, scope)
    if not scope.thorough:  # a whole database: SQLite checks every reference at once
        broken = conn.execute("PRAGMA main.foreign_key_check").fetchone()
        if broken:
            table, rowid, target = broken[0], broken[1], broken[2]
            found = conn.execute(f'SELECT id FROM main."{table}" WHERE rowid = ?', [rowid]).fetchone()
            _bad(scope, table, found[0] if found else rowid, f"points to no row of {target}")
    for table, lay in layouts.items():
        if scope.thorough:
            _check_references(conn, lay, scope)
        found = _python_checks(conn, lay, scope)
        try:
            problem = next(found, None)
        finally:
            found.close()  # its open statement would keep the checked table locked
        if problem:
            _bad(scope, table, *problem)
    if scope.clocks:
        _check_clocks(conn, layouts, scope)


def _bad(scope: Scope, table: str, row_id, reason: str):
    raise MalformedRow(f"{scope.source}: {table} row {row_id!s:.60}: {reason}; {scope.outcome}")


def column_problems(layout: Layout, latest: str | None, thorough: bool = True) -> list[tuple[str, str, str]]:
    """(column, SQL condition true for a bad value, reason) for every column of a table.

    Not thorough (opening a file): types, missing values and the values a column may hold, what
    the program relies on; the form of ids and times (slower to check) only for rows from elsewhere.
    """
    result = []
    table = layout.table
    for col in layout.staged:
        q = f'"{col}"'
        kinds = _SQL_TYPES.get(layout.types[col])
        if col in layout.not_null:
            result.append((col, f"{q} IS NULL", f"has no {col}"))
        if kinds:
            allowed = ", ".join(f"'{k}'" for k in (*kinds, "null"))
            expected = PYTHON_TYPES[layout.types[col]][0].__name__
            result.append((col, f"typeof({q}) NOT IN ({allowed})", f"its {col} is {{kind}}, expected {expected}"))
        if col == "id" and thorough:
            result.append((col, f"{q} NOT GLOB '{UUID_GLOB}'", "its id is not a UUID"))
        if col.endswith("_at") and thorough:
            result.append((col, f"{q} IS NOT NULL AND ({q} NOT GLOB '{TIME_GLOB}' OR date(substr({q}, 1, 10)) "
                                f"IS NOT substr({q}, 1, 10) OR time(substr({q}, 12, 8)) IS NOT substr({q}, 12, 8))",
                          f"its {col} {{value}} is not a UTC time like 2024-05-31T12:00:00.000000Z"))
            if latest:
                result.append((col, f"{q} > '{latest}'",
                               f"its {col} {{value}} is in the future (more than {_skew()} ahead of this "
                               "computer's clock); check the clock of the computer that wrote it"))
        if (table, col) in VALUES:
            allowed = VALUES[(table, col)]
            listed = ", ".join(f"'{v}'" for v in allowed if v is not None)
            none_ok = None in allowed
            result.append((col, f"{q} {'IS NOT NULL AND ' + q if none_ok else 'IS NULL OR ' + q} NOT IN ({listed})",
                           f"has {col} {{value}}; expected one of {', '.join(v for v in allowed if v)}"))
        if (table, col) in DATES:
            result.append((col, f"{q} IS NOT NULL AND {q} != '' AND date({q}) IS NOT {q}",
                           f"its {col} {{value}} is not a date like 2024-05-31"))
    return result


def _skew() -> str:
    from workbench.clocks import MAX_SKEW

    return f"{int(MAX_SKEW.total_seconds() // 60)} minutes"


def _check_columns(conn, layout: Layout, scope: Scope) -> None:
    problems = column_problems(layout, scope.latest, scope.thorough)
    if not problems:
        return
    cases = " ".join(f"WHEN {cond} THEN {i}" for i, (_, cond, _) in enumerate(problems))
    rows = scope.rows(layout.table)
    found = conn.execute(f"SELECT * FROM (SELECT rowid, id, CASE {cases} END AS problem FROM {rows}) "
                         "WHERE problem IS NOT NULL LIMIT 1").fetchone()
    if found is None:
        return
    rowid, row_id, index = found
    col, _, reason = problems[index]
    value, kind = conn.execute(f'SELECT "{col}", typeof("{col}") FROM {rows} WHERE rowid = ?', [rowid]).fetchone()
    _bad(scope, layout.table, row_id if isinstance(row_id, str) else repr(row_id),
         reason.format(value=_short(value), kind=_KIND_NAMES.get(kind, kind)))


_KIND_NAMES = {"text": "str", "integer": "int", "real": "float", "blob": "bytes", "null": "None"}


def _short(value, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _check_references(conn, layout: Layout, scope: Scope) -> None:
    rows = scope.rows(layout.table)
    for col, target in layout.foreign_keys:
        places = " AND ".join(f"NOT EXISTS (SELECT 1 FROM {where} t WHERE t.id = s.\"{col}\")"
                              for where in scope.lookups(target))
        found = conn.execute(f'SELECT s.id, s."{col}" FROM {rows} s WHERE s."{col}" IS NOT NULL AND {places} '
                             "LIMIT 1").fetchone()
        if found:
            _bad(scope, layout.table, found[0], f"its {col} {found[1]!s:.60} points to no row of {target}")


def _python_checks(conn, layout: Layout, scope: Scope):
    """(row id, reason) of rows failing a check SQL cannot express."""
    table, rows = layout.table, scope.rows(layout.table)
    checks = list(scope.extra.get(table, []))
    if table == "articles" and scope.thorough:
        for row_id, body in conn.execute(f"SELECT id, body FROM {rows}"):
            problem = _article_problem(row_id, body)
            if problem:
                yield row_id, problem
    elif table == "claims":
        yield from _claim_problems(conn, scope, rows)
    elif table == "blobs":
        checks.append(_blob_problem)
    elif table == "reviewers" and scope.thorough:
        checks.append(_reviewer_problem)
    # A check may name (as its `suspect` attribute) the SQL condition of the rows it needs to see;
    # the others are known to pass it, and are not read into Python.
    for suspect, group in _by_suspect(checks).items():
        cursor = conn.execute(f"SELECT {', '.join(_q(c) for c in layout.staged)} FROM {rows}"
                              + (f" WHERE {suspect}" if suspect else ""))
        names = [d[0] for d in cursor.description]
        for values in cursor:
            row = dict(zip(names, values))
            for fn in group:
                problem = fn(row)
                if problem:
                    yield row["id"], problem


def _by_suspect(checks: list[RowCheck]) -> dict[str | None, list[RowCheck]]:
    groups: dict[str | None, list[RowCheck]] = {}
    for fn in checks:
        groups.setdefault(getattr(fn, "suspect", None), []).append(fn)
    return groups


def _q(name: str) -> str:
    return f'"{name}"'


def _article_problem(row_id: str, body) -> str | None:
    if not body:
        return "has no text"
    try:
        if normalise_body(body) != body:
            return "its text is not stored as the workbench stores text (line ends, spaces, blank lines)"
    except ImportRefused:
        return "its text contains NUL characters"
    if ids.article_id(body) != row_id:
        return "its id does not match its text (an article's id is derived from its text)"
    return None


def _claim_problems(conn, scope: Scope, rows: str):
    """Claims outside their article's text or (thorough) whose quote or context does not match it."""
    articles = scope.lookups("articles")
    lengths = " UNION ALL ".join(f"SELECT id, length(body) AS n FROM {a} WHERE id IN (SELECT article_id FROM {rows})"
                                 for a in articles)
    bad = conn.execute(
        f"WITH a AS MATERIALIZED ({lengths}) SELECT c.id, c.start, c.\"end\", a.n FROM {rows} c "
        "JOIN a ON a.id = c.article_id WHERE NOT (0 <= c.start AND c.start < c.\"end\" AND c.\"end\" <= a.n) "
        "OR length(c.quote) != c.\"end\" - c.start LIMIT 1").fetchone()
    if bad:
        row_id, start, end, length = bad
        if 0 <= start < end <= length:
            yield row_id, f"its quote does not match the article text at {start}–{end}"
        yield row_id, f"its range {start}–{end} is outside its article ({length} characters)"
    if not scope.thorough:
        return
    body_sql = " UNION ALL ".join(f"SELECT body FROM {a} WHERE id = ?" for a in articles)
    current, body = None, ""
    for row_id, article_id, start, end, quote, prefix, suffix in conn.execute(
            f'SELECT id, article_id, start, "end", quote, prefix, suffix FROM {rows} ORDER BY article_id'):
        if article_id != current:
            current = article_id
            body = conn.execute(body_sql + " LIMIT 1", [article_id] * len(articles)).fetchone()[0]
        found = quote_at(body, start, end)
        if found.exact != quote:
            yield row_id, f"its quote does not match the article text at {start}–{end}"
        if (found.prefix, found.suffix) != (prefix, suffix):
            yield row_id, f"its prefix or suffix does not match the article text around {start}–{end}"


def _blob_problem(row: dict) -> str | None:
    if row["id"] != ids.blob_id(row["sha256"]):
        return "its id does not match its SHA-256"
    if row["size"] is None or row["size"] < 0:
        return "has no size"
    return None


def _reviewer_problem(row: dict) -> str | None:
    name = row["name"]
    if not isinstance(name, str) or not name.strip() or " ".join(name.split()) != name:
        return "has no name, or a name with line breaks or runs of spaces"
    if ids.reviewer_id(name) != row["id"]:
        return "its id does not match its name (a reviewer's id is derived from the name)"
    return None


def _check_clocks(conn, layouts: dict[str, Layout], scope: Scope) -> None:
    """Every field clock names a merged table, one of its fields, a UTC time and a known reviewer."""
    clocks = scope.clocks
    fields = json.dumps([[t, f] for t, layout in layouts.items() for f in layout.fields])
    reviewers = " AND ".join(f"NOT EXISTS (SELECT 1 FROM {r} r WHERE r.id = c.author)"
                             for r in scope.lookups("reviewers"))
    at = "c.at"
    conditions = [
        ("NOT EXISTS (SELECT 1 FROM json_each(?) j WHERE json_extract(j.value, '$[0]') = c.tbl "
         "AND json_extract(j.value, '$[1]') = c.field)",
         "is not a field of a merged table"),
        (f"typeof({at}) != 'text' OR {at} NOT GLOB '{TIME_GLOB}' OR date(substr({at}, 1, 10)) IS NOT "
         f"substr({at}, 1, 10) OR time(substr({at}, 12, 8)) IS NOT substr({at}, 12, 8)",
         "its time is not a UTC time like 2024-05-31T12:00:00.000000Z"),
        (f"c.author IS NOT NULL AND {reviewers}", "its author points to no row of reviewers"),
    ]
    if scope.latest:
        conditions.append((f"{at} > '{scope.latest}'", f"its time is more than {_skew()} in the future"))
    cases = " ".join(f"WHEN {cond} THEN {i}" for i, (cond, _) in enumerate(conditions))
    found = conn.execute(f"SELECT * FROM (SELECT c.tbl, c.row_id, c.field, c.at, CASE {cases} END AS p "
                         f"FROM {clocks} c) WHERE p IS NOT NULL LIMIT 1", [fields]).fetchone()
    if found:
        tbl, row_id, name, at_value, index = found
        _bad(scope, "field_clocks", f"{tbl}/{row_id}/{name}",
             f"{conditions[index][1]} ({_short(at_value)})")


def check_database(conn: sqlite3.Connection, source: str) -> None:
    """The checks for a database being opened: its own rows, at whatever schema version it has."""
    tables = merged_tables(conn)
    layouts = {t: layout(conn, t) for t in tables}
    has_clocks = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'field_clocks'").fetchone()
    scope = Scope(source, "it was not opened", rows=lambda t: f'main."{t}"', lookups=lambda t: [f'main."{t}"'],
                  clocks="main.field_clocks" if has_clocks else "")
    check_text(conn, layouts, scope)
    check(conn, layouts, scope)


def check_text(conn: sqlite3.Connection, layouts: dict[str, Layout], scope: Scope) -> None:
    """Refuse text that is not valid UTF-8 (it cannot be read, so it is found by reading it all)."""
    for table, lay in layouts.items():
        text = [c for c in lay.staged if lay.types[c] == "TEXT"]
        if not text:
            continue
        cursor = conn.execute(f"SELECT {', '.join(_q(c) for c in text)} FROM {scope.rows(table)}")
        try:
            while cursor.fetchmany(2000):
                pass
        except sqlite3.OperationalError as error:
            cursor.close()
            if "decode" not in str(error):
                raise
            column = re.search(r"column '([^']*)'", str(error))
            raise MalformedRow(f"{scope.source}: {table}: its {column.group(1) if column else 'text'} holds "
                               f"text that is not valid UTF-8; {scope.outcome}") from None
