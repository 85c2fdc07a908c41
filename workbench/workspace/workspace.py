"""The workspace: every user action on one open database, undo and redo, the open article, change events.

The window, the command line and Qt-free tests all act through a Workspace. Each action is one
transaction; what it changed is read once inside that transaction (workspace/changes.py) and,
after COMMIT, emitted as events that carry the rows, so no view reads them back.
"""

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING

from workbench import articles, claims, disagreements, evidence, work_left
from workbench.claimant import claimant_of, clean_claimant
from workbench.errors import WorkbenchError
from workbench.workspace import changes as change_events
from workbench.workspace import commands, listing
from workbench.workspace.corrections import Corrections
from workbench.workspace.events import (ArticlesChanged, ClaimsChanged, CountsChanged, EmitterGroup, EvidenceChanged,
                                        HistoryChanged, OrphansChanged, Reloaded)
from workbench.workspace.open_article import OpenArticle
from workbench.workspace.tasks import Task
from workbench.workspace.undo import UndoStack

# importers, merge, search and stats (and what they pull in: the web, HTML, JSON) are imported
# where first used: the window must paint before it needs any of them; so are matching and compare.
if TYPE_CHECKING:
    from workbench import checked_before, compare
    from workbench.workspace.known import KnownService

EMITTERS = {ClaimsChanged: "claims", EvidenceChanged: "evidence", HistoryChanged: "history",
            ArticlesChanged: "articles", CountsChanged: "counts", OrphansChanged: "orphans"}


class Workspace(Corrections):
    """One open database seen by one reviewer.

    Events: claims (ClaimsChanged), evidence (EvidenceChanged), history (HistoryChanged),
    articles (ArticlesChanged), counts (CountsChanged), orphans (OrphansChanged), undo (UndoState),
    reloaded (Reloaded), opened (the OpenArticle now shown, or None). Versions and orphans:
    workspace/corrections.py.
    """

    def __init__(self, store, reviewer: str):
        self.store = store
        self.reviewer_name = " ".join(reviewer.split())
        self.reviewer_id = store.reviewer(reviewer)
        self.events = EmitterGroup("claims", "evidence", "history", "articles", "counts", "orphans", "undo",
                                   "reloaded", "opened")
        self.undo_stack = UndoStack(self.events.undo.emit)
        self.article: OpenArticle | None = None
        self.only_mine = False
        self._prepared: list = []
        self._bulk = 0
        self._known = None  # a KnownService, started when first asked (see known)
        self._data_version = self.data_version()
        self._listed: dict[str, dict] = {}  # the article list as last read (list_articles)
        store.before_commit(self._prepare)
        store.subscribe(self._publish)

    def close(self) -> None:
        """Stop listening and close the database."""
        if self._known is not None:
            self._known.close()
        self.store.remove_before_commit(self._prepare)
        self.store.unsubscribe(self._publish)
        self.undo_stack.clear()
        self.store.close()

    @property
    def path(self) -> Path:
        """The database file."""
        return self.store.path

    @property
    def database_id(self) -> str:
        """The open database's own id (settings remembered per database use it)."""
        return self.store.database_id

    # -- change events ---------------------------------------------------------------------

    def _prepare(self, changed: set[tuple[str, str]]) -> None:
        """Inside the transaction: read what the events will carry (nothing during bulk work)."""
        self._prepared = [] if self._bulk else change_events.collect(self.store, changed, self.article)

    def _publish(self, changed: set[tuple[str, str]]) -> None:
        """After COMMIT: update the open article, then emit every prepared event."""
        events, self._prepared = self._prepared, []
        self._emit(events)

    def _emit(self, events: list) -> None:
        """Apply events to the open article and emit them; then its counts, if they may have moved."""
        touched = self.article is not None and self._apply_to_open_article(events)
        for event in events:
            getattr(self.events, EMITTERS[type(event)]).emit(event)
        if touched and self.article is not None:
            self.events.counts.emit(CountsChanged(self.article.id, dict(self.article.counts),
                                                  self.article.work_counts()))
        if self._known is not None and any(isinstance(event, ClaimsChanged) for event in events):
            self._known.claims_changed()

    def _apply_to_open_article(self, events: list) -> bool:
        """Bring the open article up to date with every event at once (thousands of claims may
        overlap: their disagreements are found once); True if its claims, evidence or opinions moved."""
        opened = self.article
        rows, purged, opinions = {}, set(), {}
        for event in events:
            if isinstance(event, ClaimsChanged) and event.article_id == opened.id:
                rows.update(event.rows)
                purged |= event.purged
            elif isinstance(event, HistoryChanged) and (event.claim_id in opened.all or event.claim_id in rows):
                opinions[event.claim_id] = event.opinions
        touched = bool(rows or opinions)
        if touched:
            opened.apply(rows, purged, opinions)
        for event in events:
            if isinstance(event, EvidenceChanged) and event.claim_id in opened.all:
                opened.set_evidence_count(event.claim_id, len(event.items))
                touched = True
            elif isinstance(event, ArticlesChanged) and opened.id in event.rows:
                row = event.rows[opened.id]
                if row is None:
                    self._show(None)  # the open article was deleted
                else:  # its details were corrected: the list row has every field but the body
                    opened.article.update({k: v for k, v in row.items() if k in opened.article})
        return touched

    @contextlib.contextmanager
    def bulk(self, reason: str):
        """Many changes at once (import, merge): no per-row events; one Reloaded at the end."""
        self._bulk += 1
        try:
            yield
        finally:
            self._bulk -= 1
            if not self._bulk:
                self.reload(reason)

    def reload(self, reason: str = "") -> None:
        """Show the database afresh: re-read the open article and tell every view (Reloaded)."""
        if self._known is not None:
            self._known.reloaded()
        if self.article is not None:
            try:
                self._show(self._load(self.article.id))
            except WorkbenchError:
                self._show(None)
        self.events.reloaded.emit(Reloaded(reason))

    # -- changes made by others (another window, the command line, a sync) --------------------

    def data_version(self) -> int:
        """SQLite's count of commits by other connections to this file (cheap: no table is read)."""
        return self.store.conn.execute("PRAGMA data_version").fetchone()[0]

    def notice_outside_changes(self) -> bool:
        """If another connection changed the file since last asked, emit events for what differs
        from what is shown (the article list, the open article's claims, their evidence and
        history), as this workspace's own actions do; True if anything was found.

        Nothing is reset: a view keeps its selection and the reviewer's typing.
        """
        version = self.data_version()
        if version == self._data_version:
            return False
        self._data_version = version
        if self._known is not None:  # verdicts or fact-checks may have come in anywhere in the file
            self._known.claims_changed()
        events = change_events.differences(self.store, self.article, self._listed)
        if self.article is not None:
            self.article.names = self.store.reviewer_names()  # someone new may have given verdicts
        self._emit(events)
        return bool(events)

    # -- the open article ------------------------------------------------------------------

    def open_article(self, article_id: str | None) -> OpenArticle | None:
        """Show an article (None: no article); its claims, evidence counts and disagreements."""
        if article_id is None:
            self._show(None)
        elif self.article is None or self.article.id != article_id:
            self._show(self._load(article_id))
        return self.article

    def _load(self, article_id: str) -> OpenArticle:
        article = articles.get_article(self.store, article_id)
        numbers, floor = claims.numbering(self.store, article_id)
        opened = OpenArticle(article, claims.claims_for(self.store, article_id),
                           evidence_counts=evidence.evidence_counts(self.store, article_id),
                           reviewer_id=self.reviewer_id, names=self.store.reviewer_names(),
                           numbers=numbers, number_floor=floor, only_mine=self.only_mine,
                           opinions=disagreements.opinions(self.store, article_id))
        opened.evidence_stamps = evidence.evidence_stamps(self.store, article_id)
        return opened

    def _show(self, article: OpenArticle | None) -> None:
        self.article = article
        self.events.opened.emit(article)

    def set_only_mine(self, only_mine: bool) -> None:
        """Show only this reviewer's claims, or everyone's."""
        self.only_mine = only_mine
        if self.article is not None:
            self.article.set_only_mine(only_mine)

    def set_reviewer(self, name: str) -> None:
        """Stamp later work with another reviewer's name."""
        self.reviewer_id = self.store.reviewer(name)
        self.reviewer_name = " ".join(name.split())
        if self.article is not None:
            self.article.reviewer_id = self.reviewer_id
            self.article.names = self.store.reviewer_names()

    # -- reading (no events) ---------------------------------------------------------------

    def list_articles(self) -> list[dict]:
        """Live articles with their claim counts by verdict, versions, orphans and work left, oldest first (listing.py)."""
        rows = listing.list_rows(self.store)
        self._listed = {row["id"]: row for row in rows}
        return rows

    def article_rows(self, article_ids) -> dict[str, dict | None]:
        """Article list rows (as list_articles gives them) for some articles; None for those gone."""
        return listing.rows_for(self.store, article_ids)

    def to_do(self, article_ids=None) -> list:
        """Claims that need work (work_left.ToDo), of every article or those given."""
        return work_left.claims_needing_work(self.store, article_ids)

    def evidence_for(self, claim_id: str) -> list[dict]:
        """A claim's live evidence in order, with attachments (no bytes)."""
        return evidence.evidence_for(self.store, claim_id)

    def verdict_history(self, claim_id: str) -> list[dict]:
        """A claim's verdict changes, oldest first, with reviewer names."""
        return claims.verdict_history(self.store, claim_id)

    def claims_of(self, article_id: str) -> list[dict]:
        """An article's live claims in reading order."""
        return claims.claims_for(self.store, article_id)

    def numbered_claims(self, article_id: str) -> list[tuple[int, dict]]:
        """An article's live claims in reading order, each with its stable number."""
        numbers = claims.claim_numbers(self.store, article_id)
        return [(numbers[row["id"]], row) for row in claims.claims_for(self.store, article_id)]

    def claim_number(self, claim_id: str) -> int:
        """A claim's stable number in its article."""
        row = claims.get_claim(self.store, claim_id)
        return claims.claim_numbers(self.store, row["article_id"])[claim_id]

    def known_sources(self, text: str = "", limit: int = 50) -> list[dict]:
        """Sources used before, most recent first."""
        return evidence.known_sources(self.store, text, limit)

    def attachment_bytes(self, attachment_id: str) -> bytes:
        """The stored bytes of an attachment."""
        return evidence.attachment_bytes(self.store, attachment_id)

    def save_attachment(self, attachment_id: str, folder) -> Path:
        """Write an attachment into folder under a safe name; return its path."""
        return evidence.save_attachment(self.store, attachment_id, folder)

    def search(self, text: str, limit: int = 200) -> list:
        """Full-text hits in articles, claims and evidence."""
        from workbench import search

        return search.search(self.store, text, limit=limit)

    def stats(self) -> dict:
        """Counts by article, verdict and reviewer, and agreement."""
        from workbench import stats

        return stats.collect(self.store)

    # -- undoable actions ------------------------------------------------------------------

    def _do(self, command):
        return self.undo_stack.push(command)

    def mark(self, article_id: str, start: int, end: int) -> str:
        """Mark [start, end) of an article as a claim (code points); return its id."""
        return self._do(commands.CreateClaim(self, article_id, start, end)).claim_id

    def set_verdict(self, claim_id: str, verdict: str) -> None:
        """Give a claim a verdict (kept in its history)."""
        self._do(commands.SetVerdict(self, claim_id, verdict))

    def set_rationale(self, claim_id: str, text: str) -> None:
        """Replace a claim's rationale; consecutive edits of one claim undo as one step."""
        old = self._claim(claim_id)["rationale"]
        if (old or "") != text:
            self._do(commands.SetRationale(self, claim_id, old or "", text))

    def set_claimant(self, claim_id: str, claimant: str) -> None:
        """Record who made a claim (empty: its article's author); each change is one undo step."""
        old = self._claim(claim_id)["claimant"]
        new = clean_claimant(claimant)
        if old != new:
            self._do(commands.SetClaimant(self, claim_id, old, new))

    def default_claimant(self, claim_id: str) -> str:
        """Who made a claim when no claimant is recorded: its article's author ("" if none is known)."""
        article_id = self._claim(claim_id)["article_id"]
        article = self.article.article if self.article and self.article.id == article_id \
            else articles.get_article(self.store, article_id)
        return claimant_of({}, article)

    def _claim(self, claim_id: str) -> dict:
        """A claim's row: as the open article holds it, else read."""
        if self.article is not None and claim_id in self.article.all:
            return self.article.all[claim_id]
        return claims.get_claim(self.store, claim_id)

    def delete_claim(self, claim_id: str) -> None:
        """Delete a claim (undo brings it back)."""
        self._do(commands.DeleteClaim(self, claim_id))

    def settle(self, claim_ids, verdict: str) -> None:
        """Give every claim of a disagreement one verdict; the originals stay in the history."""
        self._do(commands.Settle(self, claim_ids, verdict))

    def add_evidence(self, claim_id: str, fields: dict, *, files=(), blobs=(), text: str = "Add evidence") -> str:
        """Add evidence (with files or (bytes, name) pairs attached, all or nothing); return its id."""
        return self._do(commands.AddEvidence(self, claim_id, fields, files=files, blobs=blobs, text=text)).evidence_id

    def edit_evidence(self, evidence_id: str, old: dict, new: dict) -> None:
        """Change an evidence item's fields from old to new values (nothing if none differ)."""
        command = commands.EditEvidence(self, evidence_id, old, new)
        if command.new:
            self._do(command)

    def remove_evidence(self, evidence_id: str) -> None:
        """Remove an evidence item (undo brings it back with its attachments)."""
        self._do(commands.RemoveEvidence(self, evidence_id))

    def move_evidence(self, evidence_id: str, old_index: int, new_index: int) -> None:
        """Move an evidence item within its claim's list."""
        self._do(commands.MoveEvidence(self, evidence_id, old_index, new_index))

    def copy_evidence(self, evidence_id: str, target_claim_id: str, *, stance: str | None = None) -> str:
        """Copy an evidence item with its attachments to another claim (of any article), with
        another stance if given; return the copy's id."""
        return self._do(commands.CopyEvidence(self, evidence_id, target_claim_id, stance)).copy_id

    def attach(self, evidence_id: str, *, files=(), blobs=(), text: str = "Attach files") -> list[str]:
        """Attach files or (bytes, name) pairs to an evidence item, all or none; return the new ids."""
        return self._do(commands.AttachFiles(self, evidence_id, files, blobs, text)).attachment_ids

    def remove_attachment(self, attachment_id: str) -> None:
        """Remove an attachment (undo brings it back)."""
        self._do(commands.RemoveAttachment(self, attachment_id))

    def undo(self):
        """Undo the last action; returns it, or None when there is nothing to undo."""
        return self.undo_stack.undo()

    def redo(self):
        """Redo the last undone action; returns it, or None."""
        return self.undo_stack.redo()

    def delete_article(self, article_id: str) -> None:
        """Delete an article (undo brings it back; the deletion travels through merges)."""
        self._do(commands.DeleteArticle(self, article_id, articles.get_article(self.store, article_id)["title"]))

    def edit_article(self, article_id: str, **fields) -> None:
        """Correct an article's title, web address, publisher, author or publication date."""
        row = articles.get_article(self.store, article_id)
        command = commands.EditArticle(self, article_id, {k: row[k] for k in fields}, fields)
        if command.new:
            self._do(command)

    # -- what the desk already knows: checked before, known sentences, comparing articles ---------

    @property
    def known(self) -> "KnownService":
        """Answers "checked before?" and finds an article's known sentences off the calling thread (the
        matching itself runs in a process of its own)."""
        if self._known is None:
            from workbench.workspace.known import KnownService

            self._known = KnownService(self.path)
        return self._known

    def adopt_match(self, claim_id: str, match) -> "checked_before.Adoption":
        """Make a match (a fact-check or an earlier verdict) evidence of a claim, undoably; the verdict
        it suggests is only offered, in the result, never set."""
        from workbench import checked_before

        adopted = checked_before.adoption(match)
        if any(_same_source(item, adopted.evidence) for item in evidence.evidence_for(self.store, claim_id)):
            raise WorkbenchError("this match is already evidence of the claim")
        text = "Adopt fact-check" if match.kind == "fact_check" else "Adopt earlier verdict"
        self.add_evidence(claim_id, adopted.evidence, text=text)
        return adopted

    def compare_task(self, left_id: str, right_id: str) -> Task:
        """Comparing two articles (sentences aligned, the differing words within them) as a Task."""
        from workbench import compare

        def work(store, _task: Task) -> "compare.Comparison":
            return compare.compare(articles.article_body(store, left_id), articles.article_body(store, right_id))

        return Task("Comparing articles", self.path, work)

    def compare_articles(self, left_id: str, right_id: str) -> "compare.Comparison":
        """Compare two articles here and now."""
        task = self.compare_task(left_id, right_id)
        return task.work(self.store, task)

    def carry_claims(self, comparison: "compare.Comparison", left_id: str, right_id: str, claim_ids) -> list[str]:
        """Mark each claim of one compared article on the aligned words of the other, in one undoable
        step; where the other already has a claim there, nothing. Return the new claims' ids."""
        from workbench import compare

        if comparison.left != articles.article_body(self.store, left_id) \
                or comparison.right != articles.article_body(self.store, right_id):
            raise WorkbenchError("the comparison is not of these two articles")
        existing = {left_id: self.claims_of(left_id), right_id: self.claims_of(right_id)}
        ranges = []
        for claim_id in claim_ids:
            row = claims.get_claim(self.store, claim_id)
            if row["article_id"] not in existing or row["deleted_at"]:
                raise WorkbenchError("that claim is not in either compared article")
            side, target = ("left", right_id) if row["article_id"] == left_id else ("right", left_id)
            found = compare.counterpart(comparison, side, row["start"], row["end"])
            if found and not any(c["start"] < found[1] and found[0] < c["end"] for c in existing[target]) \
                    and (target, *found) not in ranges:
                ranges.append((target, *found))
        if not ranges:
            return []
        return self._do(commands.MarkClaims(self, ranges, "Mark on the other article")).claim_ids
    # -- publication settings (like the reviewer's name: saved at once, not undone) ---------------

    def publication(self):
        """Who publishes this database's fact checks and where: its saved publication settings."""
        from workbench.publication import load_publication

        return load_publication(self.store)

    def set_publication(self, publication):
        """Check and save the publication settings in one transaction (WorkbenchError: nothing saved); return them."""
        from workbench.publication import save_publication

        return save_publication(self.store, publication)

    # -- long work: imports and merges -----------------------------------------------------

    def import_sources(self, sources: list[str]) -> list:
        """Import files here and now (each all or nothing); undo deletes the new articles."""
        task = self.import_task(sources)
        with self.bulk("import"):
            outcomes = task.work(self.store, task)
            self._keep_imported(outcomes)
        return outcomes

    def import_task(self, sources: list[str]) -> Task:
        """Importing files as a Task for a worker thread: a file at a time; Cancel stops the one under
        way where it can (all or nothing) and leaves the rest out."""
        from workbench import importers

        reviewer_id, sources = self.reviewer_id, list(sources)

        def work(store, task: Task) -> list:
            return importers.import_sources(store, sources, reviewer_id=reviewer_id, progress=task.report,
                                            cancelled=lambda: task.cancelled)

        noun = "file" if len(sources) == 1 else "files"
        return Task(f"Importing {len(sources)} {noun}", self.path, work)

    def finish_import(self, task: Task) -> list:
        """After an import task: show what came in, and let Undo remove the new articles."""
        outcomes = task.result or []
        self._keep_imported(outcomes)
        self.reload("import")
        return outcomes

    def _keep_imported(self, outcomes) -> None:
        new = [added.article["id"] for outcome in outcomes if not outcome.error
               for added in outcome.added if added.new]
        if new:
            self.undo_stack.push(commands.ImportedArticles(self, new))

    def import_page(self, page) -> object:
        """Store a web page fetched earlier (importers.fetch_page); undo deletes it."""
        from workbench import importers

        with self.bulk("import"):
            outcome = importers.import_page(self.store, page, reviewer_id=self.reviewer_id)
            self._keep_imported([outcome])
        return outcome

    def import_text(self, text: str):
        """A new article from pasted text or HTML; undo deletes it."""
        from workbench import importers

        with self.bulk("import"):
            added = importers.import_text(self.store, text, reviewer_id=self.reviewer_id)
            if added.new:
                self.undo_stack.push(commands.ImportedArticles(self, [added.article["id"]]))
        return added

    def merge(self, paths) -> list[tuple[str, object]]:
        """Merge other databases here and now, each all or nothing: [(path, MergeSummary or WorkbenchError)]."""
        task = self.merge_task(paths)
        with self.bulk("merge"):
            results = task.work(self.store, task)
            self._forget_steps_after(results)
        return results

    def merge_task(self, paths) -> Task:
        """Merging other databases as a Task for a worker thread, a file at a time."""
        from workbench import merge

        reviewer_id, paths = self.reviewer_id, [str(p) for p in paths]

        def work(store, task: Task) -> list:
            results = []
            for number, path in enumerate(paths):
                if task.cancelled:
                    break
                task.report(number, len(paths), path)
                try:
                    results.append((path, merge.merge_database(store, path, reviewer_id=reviewer_id)))
                except WorkbenchError as error:
                    results.append((path, error))
            task.report(len(results), len(paths))
            return results

        noun = "database" if len(paths) == 1 else "databases"
        return Task(f"Merging {len(paths)} {noun}", self.path, work)

    def finish_merge(self, task: Task) -> list:
        """After a merge task: show everything afresh. A merge cannot be undone step by step, and
        older steps may no longer apply, so the undo history is cleared when anything came in."""
        results = task.result or []
        self._forget_steps_after(results)
        self.reload("merge")
        return results

    def _forget_steps_after(self, results) -> None:
        if any(not isinstance(outcome, WorkbenchError) and outcome.changed for _, outcome in results):
            self.undo_stack.clear()

    def background_sync(self, url: str, **options):
        """A BackgroundSync of this database with the team server at url (workspace/team.py), not started."""
        from workbench.workspace.team import BackgroundSync

        return BackgroundSync(self.path, url, reviewer=self.reviewer_name, **options)

    def save_copy(self, target, *, overwrite: bool = False) -> Path:
        """Write a consistent copy of this database to send to a colleague."""
        from workbench import merge

        return merge.save_copy(self.store, target, overwrite=overwrite)


def _same_source(item: dict, fields: dict) -> bool:
    """Whether an evidence item already holds what these evidence fields would add."""
    if fields.get("url"):
        return item.get("url") == fields["url"]
    return (item.get("title"), item.get("excerpt")) == (fields.get("title"), fields.get("excerpt"))
