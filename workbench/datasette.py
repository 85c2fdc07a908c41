"""Datasette metadata for serving a workbench database read-only, as it is (`workbench publish --datasette-metadata`).

Every table's primary key is its `id` (schema m003), so Datasette's foreign-key links and "rows in
claims" counts work with no conversion. The metadata adds a title and description for each
table and column, names the label column each table is linked by, makes the full-text indexes
searchable (their rowid is the table's `seq`: `fts_pk`), and hides what no reader should browse:
the attachments' bytes (`blobs`, and its `data` column is never shown), the FTS shadow tables,
`meta` and `_sqlite_migrations`.
"""

import json
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.schema import FTS_TABLES

TABLES = {
    "articles": ("Articles", "News articles under review, stored once each (the id comes from the text).",
                 "title", {"title": "Headline", "body": "The article's text as stored (normalised)",
                           "url": "Where it was first imported from", "publisher": "Who published it",
                           "author": "Its author(s)", "published": "Its publication date",
                           "seq": "Row number used by the full-text index"}),
    "claims": ("Claims", "Checkable statements marked in an article, with their verdict and rationale.", "quote",
               {"article_id": "The article the claim is in", "start": "Start (code points into the body)",
                "end": "End (code points, exclusive)", "quote": "The exact text of the claim",
                "verdict": "pending, verified, disputed or unverifiable", "rationale": "Why (Markdown)",
                "claimant": "Who made the claim (empty: the article's author)",
                "seq": "Row number used by the full-text index"}),
    "evidence": ("Evidence", "Sources behind each verdict.", "title",
                 {"claim_id": "The claim it supports or refutes", "url": "The source's address",
                  "title": "The source's title", "excerpt": "The passage that matters", "note": "The reviewer's note",
                  "stance": "supports, refutes or context", "reliability": "reliable, mixed, unreliable or unknown",
                  "seq": "Row number used by the full-text index"}),
    "attachments": ("Attachments", "Files attached to evidence (their bytes stay in the database).", "filename",
                    {"evidence_id": "The evidence item", "filename": "The file's name", "media_type": "Its type",
                     "size": "Bytes", "sha256": "SHA-256 of the bytes", "blob_id": "The stored bytes"}),
    "verdict_history": ("Verdict history", "Every verdict change: who, when, from and to.", "to_verdict",
                        {"claim_id": "The claim", "from_verdict": "Before", "to_verdict": "After",
                         "note": "Why (e.g. a settled disagreement)"}),
    "appearances": ("Appearances", "Every address an article was seen at.", "url", {"article_id": "The article"}),
    "reviewers": ("Reviewers", "The people who made claims, verdicts and evidence.", "name", {"name": "Their name"}),
    "fact_checks": ("Fact checks", "Published fact checks imported from ClaimReview files.", "claim",
                    {"claim": "The claim reviewed", "rating": "The publisher's rating", "url": "The fact check",
                     "reviewed_by": "Who published it", "claimant": "Who made the claim",
                     "seq": "Row number used by the full-text index"}),
    "article_versions": ("Article versions", "Corrected articles linked to the version they replace.", None, {}),
    "orphans": ("Orphaned claims", "Claims that could not be placed in a new version of their article.", "quote",
                {"quote": "The claim's text", "reason": "Why it could not be placed"}),
}
COMMON = {"id": "Unique id (UUID)", "created_at": "Created (UTC)", "updated_at": "Last changed (UTC)",
          "deleted_at": "Deleted (UTC), a tombstone kept for merging", "created_by": "Reviewer who made it",
          "updated_by": "Reviewer who last changed it"}
HIDDEN = ["blobs", "meta", "_sqlite_migrations"]


def metadata(store) -> dict:
    """The Datasette metadata for this database (its file name is the database's name)."""
    name = Path(store.path).stem
    tables: dict[str, dict] = {}
    existing = set(store.db.table_names())
    for table, (title, description, label, columns) in TABLES.items():
        if table not in existing:
            continue
        present = [c.name for c in store.db[table].columns]
        entry = {"title": title, "description": description,
                 "columns": {c: columns.get(c, COMMON.get(c, "")) for c in present if columns.get(c, COMMON.get(c))}}
        if label:
            entry["label_column"] = label
        if table in FTS_TABLES:
            entry.update(fts_table=f"{table}_fts", fts_pk="seq")
        tables[table] = entry
    for table in HIDDEN + [t for t in store.db.table_names() if "_fts" in t]:
        tables.setdefault(table, {})["hidden"] = True
    tables["blobs"]["columns"] = {"data": "The bytes (never shown)"}
    return {"title": "Fact-check workbench", "description": "Claims, verdicts and evidence from a fact-check "
            "workbench database, served read-only.", "databases": {name: {"tables": tables}}}


def write_metadata(store, path: str | Path) -> None:
    """Write the metadata as JSON (or YAML for a .yaml/.yml file name)."""
    path = Path(path)
    data = metadata(store)
    if path.suffix.lower() in (".yaml", ".yml"):
        import yaml  # Datasette depends on PyYAML; only a YAML file needs it

        text = yaml.safe_dump(data, sort_keys=True, allow_unicode=True)
    else:
        text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise WorkbenchError(f"{path}: cannot write ({error.strerror})") from None
