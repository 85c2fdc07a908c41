"""The process that does the KnownService's matching, so that it never holds the window's GIL.

Matching an article's sentences is pure Python and takes seconds on a long article. Done on a
thread of the window's own process it competes with the window for the GIL, and every key press
waits for the switch interval, again and again (a verdict took 150 ms instead of 10 while the
marks of a 1,000,000-character article were found). The worker thread of workspace/known.py
therefore asks this child process and waits on a pipe, which releases the GIL.

Requests and answers are pickled tuples on the child's stdin and stdout, one answer per request:
("ok", value) or ("error", message). The child has its own connection, Matcher and KnownSentences
index, and ends when its stdin closes (so it never outlives the window).
"""

import os
import pickle
import sqlite3
import subprocess
import sys
import threading
import traceback
from pathlib import Path

from workbench.errors import WorkbenchError

PROTOCOL = pickle.HIGHEST_PROTOCOL
CLOSE_WAIT_S = 5.0


class KnownProcess:
    """The parent's end: `call` sends one request and returns its value, starting the child when needed."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._child: subprocess.Popen | None = None
        self._stopped = False  # stop() was called: no child is started any more
        self._lock = threading.Lock()  # stop() comes from another thread than call()

    def call(self, *request):
        """Send a request (see `Matching.answer`) and wait for its value; WorkbenchError if it failed."""
        with self._lock:
            if self._stopped:
                raise WorkbenchError("the matching process was stopped")
            if self._child is None:
                self._child = _start(self.path)
            child = self._child
        try:
            pickle.dump(request, child.stdin, protocol=PROTOCOL)
            child.stdin.flush()
            status, value = pickle.load(child.stdout)
        except (OSError, EOFError, pickle.UnpicklingError) as error:
            self.close()  # the next call starts a new child
            raise WorkbenchError(f"the matching process stopped ({error or type(error).__name__})") from None
        if status != "ok":
            raise WorkbenchError(value)
        return value

    def pid(self) -> int | None:
        """The running child's process id (None before the next call starts one): a new one knows nothing yet."""
        with self._lock:
            return self._child.pid if self._child is not None else None

    def stop(self) -> None:
        """End the child now, from any thread, and start no other: a call waiting for its answer
        fails at once."""
        with self._lock:
            self._stopped = True
            child = self._child
        if child is not None and child.poll() is None:
            child.kill()

    def close(self) -> None:
        """End the child: it stops when its stdin closes (killed if it does not within a few seconds)."""
        with self._lock:
            child, self._child = self._child, None
        if child is None:
            return
        for stream in (child.stdin, child.stdout):
            try:
                stream.close()
            except OSError:  # a broken pipe while flushing: the child is gone already
                pass
        try:
            child.wait(CLOSE_WAIT_S)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def _start(path: Path) -> subprocess.Popen:
    """Start the child on this interpreter, finding this very copy of the workbench package."""
    root = str(Path(__file__).resolve().parents[1])
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])))
    return subprocess.Popen([sys.executable, "-m", "workbench.known_process", str(path)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)


class Matching:
    """The child's state: its store, matcher and sentence index, and the article being marked."""

    def __init__(self, path: Path):
        self.path = path
        self.store = None
        self.matcher = None
        self.known = None  # KnownSentences, built when marks are first wanted
        self.article: tuple | None = None  # (article id, body, sentence spans)

    def answer(self, request: tuple):
        """The value for one request:
        ("prepare",): open the database, build the matcher and the sentence index (before questions come).
        ("reload",): fact-checks came in; a new matcher and index before the next answer.
        ("claim", claim id, limit) and ("sentence", text, limit): ranked matches.
        ("article", article id, body, refresh): take an article to mark; its number of sentences.
        ("find", first, last): the known sentences among sentences [first, last) of that article."""
        from workbench.checked_before import checked_before
        from workbench.sentences import sentence_spans

        kind, *args = request
        if kind == "reload":
            self.matcher = self.known = None
            return None
        if kind == "prepare":
            self._index()
            return None
        matcher = self._matcher()
        if kind == "claim":
            return checked_before(matcher, args[0], limit=args[1])
        if kind == "sentence":
            return matcher.match(args[0], limit=args[1])
        if kind == "article":
            article_id, body, refresh = args
            if refresh and self.known is not None:
                self.known.refresh()
            self._index()
            self.article = (article_id, body, sentence_spans(body))
            return len(self.article[2])
        if kind == "find":
            if self.article is None:
                raise WorkbenchError("no article to mark")
            article_id, body, spans = self.article
            return self._index().find(body, article_id=article_id, spans=spans[args[0]:args[1]])
        raise WorkbenchError(f"unknown request {kind!r}")

    def _index(self):
        """The sentence index, built on the first marks and again after a reload."""
        from workbench.checked_before import KnownSentences

        if self.known is None:
            self.known = KnownSentences(self._matcher())
        return self.known

    def _matcher(self):
        from workbench.matching import Matcher
        from workbench.store import Store

        if self.store is None:
            self.store = Store.open(self.path)
        if self.matcher is None:
            self.matcher = Matcher(self.store)
        return self.matcher


def serve(path: Path, requests, answers) -> None:
    """Answer requests from one binary stream on another until the first closes."""
    matching = Matching(path)
    try:
        while True:
            try:
                request = pickle.load(requests)
            except EOFError:
                return
            try:
                reply = ("ok", matching.answer(request))
            except (WorkbenchError, sqlite3.Error) as error:
                reply = ("error", str(error))
            except Exception:  # a bug: the parent reports it as this question's error, the child goes on
                traceback.print_exc()
                reply = ("error", "matching failed unexpectedly (details on standard error)")
            pickle.dump(reply, answers, protocol=PROTOCOL)
            answers.flush()
    finally:
        if matching.store is not None:
            matching.store.close()


def main() -> None:
    """The child's entry point: the protocol keeps stdout to itself; anything printed goes to stderr."""
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # even a C library's printing cannot corrupt an answer
    sys.stdout = sys.stderr
    try:
        serve(Path(sys.argv[1]), sys.stdin.buffer, answers)
    except (BrokenPipeError, KeyboardInterrupt):  # the window went away mid-answer, or Ctrl+C in its terminal
        pass


if __name__ == "__main__":
    main()
