"""Downloading a web page within one overall deadline and a size limit; touches no database.

urllib's own timeout bounds each socket operation, not the whole exchange: a server that sends
its status line and headers a byte at a time would keep a download going for ever. So every
socket a download opens is registered with a watchdog thread that shuts it down when the
deadline passes or the caller cancels; whatever urllib is blocked in then returns at once.
(Resolving the host name happens before there is a socket; the system resolver bounds it.)
"""

import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from http import client

from workbench.errors import ImportRefused

FETCH_TIMEOUT_S = 15.0  # connect, headers and body together
MAX_BYTES = 20 * 1024 * 1024  # pages larger than this are refused
MAX_REDIRECTS = 10
USER_AGENT = "factcheck-workbench/0.1 (article import for fact-checking)"
PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
_CHUNK = 64 * 1024
_POLL_S = 0.05

Progress = Callable[[int, int | None], None]  # (bytes so far, bytes announced or None)
Cancelled = Callable[[], bool]


class FetchCancelled(ImportRefused):
    """The caller cancelled the download."""


def fetch(url: str, *, progress: Progress | None = None,
          cancelled: Cancelled | None = None) -> tuple[bytes, str | None, str | None, str]:
    """(body, content type, declared charset, final URL) of url, within the deadline and size limit."""
    watchdog = _Watchdog(time.monotonic() + FETCH_TIMEOUT_S, cancelled)
    request = urllib.request.Request(url, headers={
        "User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml,text/plain;q=0.8"})
    opener = urllib.request.build_opener(_HttpOnlyRedirects, _Handler(watchdog), _HttpsHandler(watchdog))
    watchdog.start()
    try:
        with opener.open(request, timeout=FETCH_TIMEOUT_S) as response:
            return _read(url, response, watchdog, progress)
    except Exception as error:  # noqa: BLE001 - every failure becomes one line naming the URL
        raise _refusal(url, error, watchdog) from None
    finally:
        watchdog.stop()


def _read(url: str, response, watchdog: "_Watchdog", progress: Progress | None):
    content_type = response.headers.get_content_type() if response.headers.get("Content-Type") else None
    if content_type and content_type not in PAGE_TYPES:
        raise ImportRefused(f"{url}: is {content_type}, not a web page or text")
    length = response.headers.get("Content-Length")
    announced = int(length) if length and length.isdigit() else None
    if announced is not None and announced > MAX_BYTES:
        raise ImportRefused(f"{url}: is too large ({announced:,} bytes; the limit is {MAX_BYTES:,})")
    chunks, size = [], 0
    while chunk := response.read1(_CHUNK):
        size += len(chunk)
        if size > MAX_BYTES:
            raise ImportRefused(f"{url}: is too large (more than {MAX_BYTES:,} bytes)")
        chunks.append(chunk)
        if progress:
            progress(size, announced)
    if watchdog.fired:  # a shut-down socket can end a body early, as if complete
        raise TimeoutError
    return b"".join(chunks), content_type, response.headers.get_content_charset(), response.geturl()


def _refusal(url: str, error: Exception, watchdog: "_Watchdog") -> ImportRefused:
    if watchdog.cancelled_now:
        return FetchCancelled(f"{url}: cancelled")
    if isinstance(error, ImportRefused):
        return error
    if watchdog.fired:
        error = TimeoutError()
    if isinstance(error, urllib.error.HTTPError):
        if 300 <= error.code < 400:
            return ImportRefused(f"{url}: redirects too many times (more than {MAX_REDIRECTS}; a redirect loop?)")
        return ImportRefused(f"{url}: the server answered {error.code} {_one_line(error.reason)}")
    if isinstance(error, urllib.error.URLError):
        return ImportRefused(f"{url}: {_network_reason(error.reason)}")
    if isinstance(error, (TimeoutError, OSError, ValueError)):
        return ImportRefused(f"{url}: {_network_reason(error)}")
    return ImportRefused(f"{url}: the server's answer broke off ({type(error).__name__})")


def _one_line(text) -> str:
    return " ".join(str(text).split())


def _network_reason(reason) -> str:
    if isinstance(reason, TimeoutError):
        return f"no complete answer within {FETCH_TIMEOUT_S:g} seconds"
    if isinstance(reason, socket.gaierror):
        return "the host name could not be found"
    if isinstance(reason, ConnectionRefusedError):
        return "the server refused the connection"
    if isinstance(reason, OSError):
        return f"could not be fetched ({_one_line(reason.strerror or reason)})"
    return f"could not be fetched ({_one_line(reason)})"


class _Watchdog:
    """Shuts down the download's sockets when the deadline passes or the caller cancels."""

    def __init__(self, deadline: float, cancelled: Cancelled | None):
        self.deadline = deadline
        self.cancelled = cancelled
        self.fired = False
        self.cancelled_now = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="fetch-deadline", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._done.set()
        self._thread.join()

    def register(self, sock: socket.socket) -> None:
        """Watch sock; shut it down at once if the deadline already passed."""
        with self._lock:
            self._sockets.append(sock)
            if self.fired:
                _shutdown(sock)

    def _watch(self) -> None:
        while not self._done.wait(_POLL_S):
            if self.cancelled is not None and self.cancelled():
                self.cancelled_now = True
            elif time.monotonic() < self.deadline:
                continue
            with self._lock:
                self.fired = True
                for sock in self._sockets:
                    _shutdown(sock)
            return


def _shutdown(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already closed


class _Connection(client.HTTPConnection):
    watchdog: _Watchdog

    def connect(self):
        if self.watchdog.fired:
            raise TimeoutError
        super().connect()
        self.watchdog.register(self.sock)


class _HttpsConnection(client.HTTPSConnection):
    watchdog: _Watchdog

    def connect(self):
        if self.watchdog.fired:
            raise TimeoutError
        super().connect()  # self.sock is then the TLS socket around the TCP one
        self.watchdog.register(self.sock)


def _bound(cls, watchdog: _Watchdog):
    return type(cls.__name__, (cls,), {"watchdog": watchdog})


class _Handler(urllib.request.HTTPHandler):
    def __init__(self, watchdog: _Watchdog):
        super().__init__()
        self._connection = _bound(_Connection, watchdog)

    def http_open(self, req):
        return self.do_open(self._connection, req)


class _HttpsHandler(urllib.request.HTTPSHandler):
    def __init__(self, watchdog: _Watchdog):
        super().__init__()
        self._connection = _bound(_HttpsConnection, watchdog)

    def https_open(self, req):
        return self.do_open(self._connection, req, context=self._context)


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    max_redirections = MAX_REDIRECTS

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if not newurl.lower().startswith(("http://", "https://")):
            raise ImportRefused(f"{req.full_url}: redirects to {newurl}, which is not an http(s) URL")
        return super().redirect_request(req, fp, code, msg, headers, newurl)
