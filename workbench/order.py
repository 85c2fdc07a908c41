"""Reading order, defined once: how claims, evidence and attachments are listed everywhere.

The window, the report, the W3C export and stats all sort with these, so "claim 4" is the same
claim for everyone. Every order ends with the id, so rows whose times tie (common after a merge)
still come out the same way in every database.
"""

import re
from operator import itemgetter

_DIGITS = re.compile(r"(\d+)")

# Columns, most significant first; a claim's `end` is quoted because END is an SQL keyword.
CLAIM_COLUMNS = ("start", "end", "created_at", "id")
_claim_columns = itemgetter(*CLAIM_COLUMNS)  # a row's key as a tuple, in C
EVIDENCE_COLUMNS = ("position", "created_at", "id")
ATTACHMENT_COLUMNS = ("created_at", "id")


def sql(columns: tuple[str, ...], alias: str = "") -> str:
    """An ORDER BY list for columns, each prefixed with a table alias when one is given."""
    prefix = f"{alias}." if alias else ""
    return ", ".join(f'{prefix}"{column}"' for column in columns)


def claims_sql(alias: str = "") -> str:
    """ORDER BY list for claims in reading order."""
    return sql(CLAIM_COLUMNS, alias)


def evidence_sql(alias: str = "") -> str:
    """ORDER BY list for one claim's evidence in the reviewer's order."""
    return sql(EVIDENCE_COLUMNS, alias)


def attachments_sql(alias: str = "") -> str:
    """ORDER BY list for one evidence item's attachments, oldest first."""
    return sql(ATTACHMENT_COLUMNS, alias)


def claim_key(row: dict) -> tuple:
    """The sort key of a claim row in reading order (the same order as claims_sql)."""
    return _claim_columns(row)


def evidence_key(row: dict) -> tuple:
    """The sort key of an evidence row (the same order as evidence_sql); a missing position sorts first."""
    position = row["position"]
    return (position is not None, position if position is not None else 0.0, row["created_at"], row["id"])


def natural_key(text: str | None) -> tuple:
    """A title's key in the order people expect: case-insensitive, numbers by value ("item 2" before "item 10")."""
    parts = _DIGITS.split((text or "").casefold())
    return tuple((0, int(part), part) if index % 2 else (1, 0, part) for index, part in enumerate(parts))
