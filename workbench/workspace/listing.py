"""The article list's rows: each article with its claims by verdict, its place among its versions, its orphans.

A row is what `articles.list_articles` gives, plus `version` (None, or {"number", "of", "superseded"}
from versions.version_marks), `orphans` (how many of its annotations wait to be placed) and `work`
(its claims needing work by reason, work_left.work_counts).
"""

from workbench import articles, orphans, versions, work_left


def list_rows(store) -> list[dict]:
    """Every live article's list row, oldest first."""
    return _marked(store, articles.list_articles(store), orphans.orphan_counts(store), work_left.work_counts(store))


def rows_for(store, article_ids) -> dict[str, dict | None]:
    """List rows for some articles; None for those deleted or unknown."""
    found = articles.article_rows(store, article_ids)
    live = [row for row in found.values() if row is not None]
    ids = [row["id"] for row in live]
    _marked(store, live, orphans.orphan_counts(store, ids), work_left.work_counts(store, ids) if ids else {})
    return found


def _marked(store, rows: list[dict], waiting: dict[str, int], work: dict[str, dict[str, int]]) -> list[dict]:
    marks = versions.version_marks(store) if rows else {}
    for row in rows:
        row["version"] = marks.get(row["id"])
        row["orphans"] = waiting.get(row["id"], 0)
        row["work"] = work.get(row["id"], work_left.empty_work())
    return rows


def with_versions(store, article_ids) -> set[str]:
    """The articles given and every version of each (their list rows change together)."""
    found = set(article_ids)
    if not found:
        return found
    linked: dict[str, set[str]] = {}
    for link in store.query("SELECT article_id, previous_id FROM article_versions WHERE deleted_at IS NULL"):
        linked.setdefault(link["article_id"], set()).add(link["previous_id"])
        linked.setdefault(link["previous_id"], set()).add(link["article_id"])
    frontier = list(found)
    while frontier:
        for other in linked.get(frontier.pop(), ()):
            if other not in found:
                found.add(other)
                frontier.append(other)
    return found
