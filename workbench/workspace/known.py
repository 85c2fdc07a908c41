"""What the desk already knows, asked off the GUI thread: "checked before" for a claim or a sentence,
and the sentences of an article that match a fact-check or a judged claim.

A KnownService runs one worker thread that hands the matching to a child process
(workbench/known_process.py: pure-Python matching on a thread would hold the window's GIL) with
its own connection to the database, a Matcher, and, once marks are first wanted, a KnownSentences
index: built once per database, refreshed before the next marks after claims changed, rebuilt
after an import or a merge. Only the newest question of each kind waits: a newer one replaces it.
An article's marks are found a part at a time, so a question about a claim is answered between
parts and an article left behind is given up. Answers are events emitted ON THE WORKER THREAD (a
Qt adapter queues them to the GUI); each carries what it was asked for, so a late answer about
another claim is dropped.
"""

import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

from workbench.checked_before import KnownSentence
from workbench.errors import WorkbenchError
from workbench.matching import Match
from workbench.workspace.events import EmitterGroup
from workbench.known_process import KnownProcess

SENTENCES_PER_PART = 500  # about 15 ms of matching; between parts a question is answered, a stale article dropped
CLOSE_WAIT_S = 10.0


@dataclass(frozen=True)
class MatchesFound:
    """Ranked matches for what was asked: key ("claim", claim id) or ("sentence", article id, start, end)."""

    key: tuple
    matches: tuple[Match, ...]
    error: str | None = None


@dataclass(frozen=True)
class SentencesFound:
    """The sentences of an article that match something the desk knows, in reading order."""

    article_id: str
    sentences: tuple[KnownSentence, ...]
    error: str | None = None


def claim_key(claim_id: str) -> tuple:
    """The key of a question about a claim."""
    return ("claim", claim_id)


def sentence_key(article_id: str, start: int, end: int) -> tuple:
    """The key of a question about a sentence of an article ([start, end) in code points)."""
    return ("sentence", article_id, start, end)


class KnownService:
    """Answers questions about what the desk knows on a worker thread (see the module docstring).

    Events (emitted on the worker thread): matches (MatchesFound), sentences (SentencesFound).
    """

    def __init__(self, path: Path, *, limit: int = 10):
        self.path = Path(path)
        self.limit = limit
        self.events = EmitterGroup("matches", "sentences")
        self._wake = threading.Condition()
        self._question: tuple | None = None  # (key, text or None): the newest unanswered question
        self._article: tuple | None = None  # (generation, article id, body): marks wanted
        self._generation = 0  # a new article (or none) makes work on the previous one stale
        self._refresh = False  # claims changed: refresh the sentence index before the next marks
        self._rebuild = False  # fact-checks came in (import, merge): a new Matcher and index
        self._busy = False
        self._warming = False  # warm() started the worker: it builds the index before any question
        self._closed = False
        self._thread: threading.Thread | None = None
        self._process = KnownProcess(self.path)  # the worker thread's own: it alone calls it

    # -- asking (any thread) ---------------------------------------------------------------

    def ask_claim(self, claim_id: str) -> None:
        """Rank what the desk knows for a claim's quote (the claim itself left out)."""
        self._ask(claim_key(claim_id), None)

    def ask_sentence(self, article_id: str, start: int, end: int, text: str) -> None:
        """Rank what the desk knows for a sentence that is not (yet) a claim."""
        self._ask(sentence_key(article_id, start, end), text)

    def ask_sentences(self, article_id: str, body: str) -> None:
        """Find the sentences of an article that match something known (the article's own claims left out)."""
        with self._wake:
            self._generation += 1
            self._article = (self._generation, article_id, body)
            self._start()

    def warm(self) -> None:
        """Start the matching process and build its index now, before the first question (a window,
        which will want its article's marks, asks this as it opens a database)."""
        with self._wake:
            if self._thread is None and not self._closed:
                self._busy = self._warming = True  # until the index is built
                self._start()

    def drop_sentences(self) -> None:
        """No article is shown any more: stop finding its marks."""
        with self._wake:
            self._generation += 1
            self._article = None

    def claims_changed(self) -> None:
        """Claims were marked, judged or deleted: the sentence index is refreshed before the next marks."""
        with self._wake:
            self._refresh = True

    def reloaded(self) -> None:
        """Much changed at once (fact-checks imported, a merge): start afresh before the next answer."""
        with self._wake:
            self._rebuild = True

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until every question is answered (tests, benchmarks); False if timeout passed first."""
        with self._wake:
            return self._wake.wait_for(lambda: not (self._busy or self._question or self._article), timeout)

    def close(self) -> None:
        """Stop the worker and its process at once (no answer is wanted any more)."""
        with self._wake:
            self._closed = True
            self._wake.notify_all()
        self._process.stop()  # a question under way ends in an error nobody hears
        if self._thread is not None:
            self._thread.join(CLOSE_WAIT_S)

    def _ask(self, key: tuple, text: str | None) -> None:
        with self._wake:
            self._question = (key, text)
            self._start()

    def _start(self) -> None:
        """Wake the worker, starting it at the first question (the caller holds the lock)."""
        if self._closed:
            return
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="known-service", daemon=True)
            self._thread.start()
        self._wake.notify_all()

    # -- the worker --------------------------------------------------------------------------

    def _run(self) -> None:
        try:
            if self._warming:
                self._warm_up()
            while True:
                with self._wake:
                    self._busy = False
                    self._wake.notify_all()
                    self._wake.wait_for(lambda: self._closed or self._question or self._article)
                    if self._closed:
                        return
                    self._busy = True
                    question, self._question = self._question, None
                    article = None
                    if question is None:  # a question about a claim goes before an article's marks
                        article, self._article = self._article, None
                if question is not None:
                    self._answer(question)
                elif article is not None:
                    self._mark(article)
        finally:
            self._process.close()
            with self._wake:
                self._busy = False
                self._wake.notify_all()

    def _warm_up(self) -> None:
        """Have the process open the database and build its index before the first answer is due."""
        try:
            self._prepared().call("prepare")
        except (WorkbenchError, sqlite3.Error):
            pass  # the first question meets the same trouble, and its answer says so

    def _prepared(self) -> KnownProcess:
        """The matching process, told to start afresh if fact-checks came in since it last answered."""
        with self._wake:
            rebuild, self._rebuild = self._rebuild, False
        if rebuild:
            self._process.call("reload")
        return self._process

    def _answer(self, question: tuple) -> None:
        key, text = question
        try:
            process = self._prepared()
            if key[0] == "claim":
                found = process.call("claim", key[1], self.limit)
            else:
                found = process.call("sentence", text, self.limit)
            event = MatchesFound(key, tuple(found))
        except (WorkbenchError, sqlite3.Error) as error:
            event = MatchesFound(key, (), str(error))
        if not self._stale(None):
            self.events.matches.emit(event)

    def _answer_waiting(self) -> None:
        with self._wake:
            question, self._question = self._question, None
        if question is not None:
            self._answer(question)

    def _stale(self, generation: int | None) -> bool:
        """Whether the service closed, or (given a generation) the article being marked was left."""
        with self._wake:
            return self._closed or (generation is not None and generation != self._generation)

    def _mark(self, article: tuple) -> None:
        generation, article_id, body = article
        try:
            process = self._prepared()
            with self._wake:
                refresh, self._refresh = self._refresh, False
            count = process.call("article", article_id, body, refresh)
            child = process.pid()
            found: list[KnownSentence] = []
            for first in range(0, count, SENTENCES_PER_PART):
                self._answer_waiting()
                if self._stale(generation):
                    return
                if process.pid() != child:  # it died answering a question: its successor is given the article
                    process.call("article", article_id, body, False)
                    child = process.pid()
                found += process.call("find", first, first + SENTENCES_PER_PART)
            event = SentencesFound(article_id, tuple(found))
        except (WorkbenchError, sqlite3.Error) as error:
            event = SentencesFound(article_id, (), str(error))
        if not self._stale(generation):
            self.events.sentences.emit(event)
