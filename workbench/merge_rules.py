"""How each table's rows merge, declared as data next to the schema: keys, fixed columns, field groups.

Every table whose rows follow the row conventions (a UUID `id`, `created_at`, `updated_at`) is
merged, in foreign-key order, unless LOCAL_TABLES names it. Its columns always come from the
migrated schema of the database at hand, so a column or table added by a later migration merges
with no change to merge.py. By default a row is matched by its `id` and every column other than
the conventions is a field of its own, with its own clock (time and author). RULES refines that:

- key:    the natural key rows are matched by (two imports of one URL give two ids to one fact);
          a table with a natural key must not be the target of a foreign key, since the
          earliest creation's id is kept and the other side's id disappears.
- fixed:  columns set once, when the row is created, that never change; they travel with the
          creation (the earliest `created_at`, then `created_by`, wins).
- groups: columns that change together and share one clock, so that a merge never pairs one
          side's start with the other side's quote.
- lazy:   columns too big to stage, read only for rows that come in (blob bytes).

The conventional columns: `seq` is this file's own row number (never merged); `created_at` and
`created_by` are the creation; `updated_at` and `updated_by` are derived from the field clocks
(the latest clock's time and author).
"""

import sqlite3
from dataclasses import dataclass, field

LOCAL_TABLES = frozenset({"meta", "field_clocks"})
CONVENTIONS = ("id", "created_at", "updated_at")
LOCAL_COLUMNS = frozenset({"seq"})
CREATION = ("created_at", "created_by")
DERIVED = ("updated_at", "updated_by")

RULES: dict[str, dict] = {
    "appearances": {"key": ("article_id", "url")},
    "articles": {"fixed": ("body",)},
    "claims": {"groups": {"range": ("start", "end", "quote", "prefix", "suffix")}},
    "blobs": {"fixed": ("sha256", "size", "data"), "lazy": ("data",)},
    "attachments": {"groups": {"file": ("blob_id", "size", "sha256")}},
}

PYTHON_TYPES = {"TEXT": (str,), "INTEGER": (int,), "FLOAT": (float, int), "REAL": (float, int),
                "BLOB": (bytes,)}


@dataclass(frozen=True)
class Layout:
    """How one table's columns merge, taken from the schema of a database and RULES."""

    table: str
    columns: tuple[str, ...]  # every merged column, in schema order (no seq)
    types: dict[str, str]  # column -> declared type (TEXT, INTEGER, FLOAT, BLOB)
    not_null: frozenset[str]
    key: tuple[str, ...]
    creation: tuple[str, ...]  # chosen together: the earliest creation wins
    fields: dict[str, tuple[str, ...]]  # clock name -> its columns
    derived: tuple[str, ...]
    lazy: tuple[str, ...]
    foreign_keys: tuple[tuple[str, str], ...]  # (column, table it points to by id)
    field_of: dict[str, str] = field(default_factory=dict)  # column -> clock name

    @property
    def staged(self) -> tuple[str, ...]:
        """The columns a batch carries for this table, in order (everything but lazy columns)."""
        return tuple(c for c in self.columns if c not in self.lazy)

    def has(self, column: str) -> bool:
        """True if the table has this column."""
        return column in self.types


def merged_tables(conn: sqlite3.Connection) -> list[str]:
    """The tables that merge, parents before the tables whose rows point at them."""
    names = [r[0] for r in conn.execute(
        "SELECT name FROM main.sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%' "
        "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")]
    tables = [t for t in names if t not in LOCAL_TABLES
              and set(CONVENTIONS) <= {r[1] for r in conn.execute("SELECT * FROM pragma_table_info(?)", [t])}]
    parents = {t: {r[2] for r in conn.execute("SELECT * FROM pragma_foreign_key_list(?)", [t])} & set(tables) - {t}
               for t in tables}
    ordered: list[str] = []
    while len(ordered) < len(tables):
        ready = [t for t in tables if t not in ordered and parents[t] <= set(ordered)]
        if not ready:
            raise RuntimeError(f"foreign keys form a cycle among {sorted(set(tables) - set(ordered))}")
        ordered.extend(ready)
    return ordered


def layout(conn: sqlite3.Connection, table: str) -> Layout:
    """The merge layout of one table of the database on conn."""
    info = conn.execute('SELECT name, type, "notnull" FROM pragma_table_info(?)', [table]).fetchall()
    if not info:
        raise KeyError(table)
    rules = RULES.get(table, {})
    columns = tuple(r[0] for r in info if r[0] not in LOCAL_COLUMNS)
    types = {r[0]: (r[1] or "").upper() for r in info if r[0] in columns}
    key = tuple(rules.get("key", ("id",)))
    not_null = frozenset(r[0] for r in info if r[2]) | {"id", "created_at", "updated_at", *key}
    fixed = tuple(c for c in rules.get("fixed", ()) if c in types)
    natural_id = ("id",) if key != ("id",) else ()
    creation = tuple(c for c in CREATION if c in types) + natural_id + fixed
    derived = tuple(c for c in DERIVED if c in types)
    groups = {name: tuple(c for c in cols if c in types) for name, cols in rules.get("groups", {}).items()}
    grouped = {c for cols in groups.values() for c in cols}
    taken = set(key) | set(creation) | set(derived) | grouped | {"id"}
    fields = {c: (c,) for c in columns if c not in taken}
    fields.update({name: cols for name, cols in groups.items() if cols})
    fks = tuple((r[3], r[2]) for r in conn.execute("SELECT * FROM pragma_foreign_key_list(?)", [table]))
    return Layout(table, columns, types, not_null, key, creation, fields, derived,
                  tuple(c for c in rules.get("lazy", ()) if c in types), fks,
                  {c: name for name, cols in fields.items() for c in cols})
