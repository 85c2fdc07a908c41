"""A web server on 127.0.0.1 for import tests: no test ever reaches the network."""

import contextlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class QuietServer(ThreadingHTTPServer):
    """Serves each request on its own thread and keeps quiet when a client gives up."""

    daemon_threads = True
    block_on_close = False

    def handle_error(self, request, client_address):
        pass  # the client gave up on a slow answer; nothing to report


@contextlib.contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Run handler on a free local port; yield the base URL, e.g. http://127.0.0.1:40123."""
    httpd = QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
