"""Importing hostile sources: pipes, devices, huge files, servers that trickle or loop, undated pages."""

import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from tests.local_server import serving
from workbench import importers, webfetch
from workbench.cli import main
from workbench.importers import import_html, import_sources
from workbench.sourcefiles import read_source
from workbench.errors import ImportRefused

PAGE = "<html><head><title>T</title></head><body><article><p>{}</p></article></body></html>"
TEXT = "The minister said unemployment fell by three percent over the last year, a record drop. " * 3


def one(store, source, reviewer_id):
    [outcome] = import_sources(store, [str(source)], reviewer_id=reviewer_id)
    return outcome


def articles(store) -> int:
    return store.conn.execute("SELECT count(*) FROM articles").fetchone()[0]


# -- files that are not files -------------------------------------------------------------------

@pytest.mark.parametrize("name", ["pipe.txt", "pipe.json", "pipe.html"])
def test_a_fifo_is_refused_at_once_instead_of_waiting_for_a_writer(store, reviewer_id, tmp_path, name):
    path = tmp_path / name
    os.mkfifo(path)
    outcome = one(store, path, reviewer_id)
    assert outcome.error == f"{path}: is a pipe (FIFO), not a regular file; only files can be imported"
    assert articles(store) == 0


@pytest.mark.parametrize("name", ["zero.json", "zero.txt"])
def test_a_symlink_to_a_device_is_refused_not_read_until_memory_runs_out(store, reviewer_id, tmp_path, name):
    path = tmp_path / name
    path.symlink_to("/dev/zero")
    outcome = one(store, path, reviewer_id)
    assert outcome.error == f"{path}: is a device, not a regular file; only files can be imported"


def test_json_files_have_a_size_limit(store, reviewer_id, tmp_path, monkeypatch):
    monkeypatch.setattr(importers, "MAX_JSON_BYTES", 1000)
    path = tmp_path / "big.json"
    path.write_text('{"type": "AnnotationPage", "items": [' + ", ".join(["{}"] * 400) + "]}")
    outcome = one(store, path, reviewer_id)
    assert outcome.error == f"{path}: is larger than 1,000 bytes; too large for a JSON file"


def test_a_file_that_grows_past_the_limit_while_read_is_refused(tmp_path):
    path = tmp_path / "grows.txt"
    path.write_bytes(b"x" * 10)
    with pytest.raises(ImportRefused, match="is larger than 5 bytes"):
        read_source(path, limit=5)
    assert read_source(path, limit=10) == b"x" * 10


def test_a_broken_symlink_is_no_such_file(store, reviewer_id, tmp_path):
    path = tmp_path / "gone.txt"
    path.symlink_to(tmp_path / "missing.txt")
    assert one(store, path, reviewer_id).error == f"{path}: no such file"


# -- titles in the command line's output --------------------------------------------------------

def test_a_title_with_tabs_and_line_breaks_keeps_the_import_output_one_line_per_article(tmp_path, capsys):
    source = tmp_path / "tabs.md"
    source.write_text("# Budget\tclaim\u2028checked\n\nThe budget rose by 4 percent.\n", encoding="utf-8")
    assert main(["import", str(tmp_path / "w.db"), str(source), "--reviewer", "Ana"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    article_id, title = lines[0].split("\t")
    assert len(article_id) == 36 and title == "Budget claim checked"


# -- dates: only what the page states -----------------------------------------------------------

def test_a_page_with_no_stated_date_gets_none_not_one_from_its_footer(store, reviewer_id):
    html = ("<html><head><title>Jobs claim</title></head><body><article><h1>Jobs claim</h1>"
            f"<p>{TEXT}</p><p>Updated on 3 March 2024 at noon.</p></article>"
            "<footer><p>© 2025 The Daily Ledger. Archive 2019-05-06.</p></footer></body></html>")
    added = import_html(store, html, reviewer_id=reviewer_id, url="https://ledger.example/2023/01/02/jobs",
                        source="page.html")
    assert added.article["published"] is None


@pytest.mark.parametrize("head, day", [
    ('<meta property="article:published_time" content="2024-03-05T09:30:00+01:00">', "2024-03-05"),
    ('<meta name="citation_publication_date" content="2021/07/09">', "2021-07-09"),
    ('<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [{"@type": "WebSite"},'
     ' {"@type": "NewsArticle", "datePublished": "2022-11-30", "author": [{"@type": "Person", "name": "Bo Li"}]}]}'
     "</script>", "2022-11-30"),
    ('<meta property="article:published_time" content="last Tuesday">', None),
    ('<meta property="article:published_time" content="2024-02-30">', None),
])
def test_a_date_the_page_states_in_its_metadata_is_kept(store, reviewer_id, head, day):
    html = f"<html><head><title>T</title>{head}</head><body><article><p>{TEXT}</p></article></body></html>"
    assert import_html(store, html, reviewer_id=reviewer_id, source="p.html").article["published"] == day


# -- progress and cancel ------------------------------------------------------------------------

def test_progress_is_reported_and_cancel_leaves_the_rest_out(store, reviewer_id, tmp_path):
    paths = []
    for i in range(3):
        paths.append(tmp_path / f"a{i}.txt")
        paths[-1].write_text(f"Article number {i} says something checkable.")
    seen = []
    outcomes = import_sources(store, [str(p) for p in paths], reviewer_id=reviewer_id,
                              progress=lambda done, total, source: seen.append((done, total, source)),
                              cancelled=lambda: len(seen) >= 2)
    assert seen == [(0, 3, str(paths[0])), (1, 3, str(paths[1])), (2, 3, "")]
    assert [o.error for o in outcomes] == [None, None, f"{paths[2]}: not imported: cancelled"]
    assert articles(store) == 2


# -- hostile web servers ------------------------------------------------------------------------

class Hostile(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):  # noqa: N802 - the http.server name
        if self.path == "/trickle-headers":
            # Each byte comes well within the per-operation timeout, the whole never does.
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n")
            for _ in range(60):
                self.wfile.write(b"X")
                self.wfile.flush()
                time.sleep(0.05)
            body = PAGE.format(TEXT).encode()
            self.wfile.write(b"-Slow: yes\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
        elif self.path.startswith("/loop"):
            self.send_response(302)
            self.send_header("Location", "/loop-again" if self.path == "/loop" else "/loop")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/drip":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            for _ in range(100):
                self.wfile.write(b"<p>drip</p>")
                self.wfile.flush()
                time.sleep(0.05)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def hostile():
    with serving(Hostile) as url:
        yield url


@pytest.fixture(autouse=True)
def _local_only(no_proxy):
    """Every request in this module goes straight to the local server."""


def test_headers_trickled_byte_by_byte_cannot_outlast_the_overall_deadline(store, reviewer_id, hostile, monkeypatch):
    monkeypatch.setattr(webfetch, "FETCH_TIMEOUT_S", 0.5)
    outcome = one(store, f"{hostile}/trickle-headers", reviewer_id)
    assert outcome.error == f"{hostile}/trickle-headers: no complete answer within 0.5 seconds"
    assert articles(store) == 0


def test_a_redirect_loop_is_one_line(store, reviewer_id, hostile):
    outcome = one(store, f"{hostile}/loop", reviewer_id)
    assert outcome.error == f"{hostile}/loop: redirects too many times (more than 10; a redirect loop?)"


def test_main_prints_one_error_line_for_a_redirect_loop(tmp_path, capsys, hostile):
    assert main(["import", str(tmp_path / "w.db"), f"{hostile}/loop", "--reviewer", "Ana"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ")


def test_a_download_can_be_cancelled_while_it_runs(hostile):
    stop = threading.Event()
    threading.Timer(0.2, stop.set).start()
    with pytest.raises(webfetch.FetchCancelled, match="/drip: cancelled$"):
        importers.fetch_page(f"{hostile}/drip", cancelled=stop.is_set)


# -- start-up cost ------------------------------------------------------------------------------

def test_importing_the_module_loads_no_extraction_library():
    code = ("import sys, workbench.importers, workbench.factchecks, workbench.matching;"
            "print(sorted(m for m in ('trafilatura', 'lxml', 'charset_normalizer', 'markdown_it', 'htmldate')"
            " if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[2]).stdout
    assert out.strip() == "[]"


def test_an_annotation_body_whose_purpose_is_an_object_is_not_a_crash(store, reviewer_id, tmp_path):
    from workbench.articles import add_article

    article = add_article(store, "Officials said 412 drones crossed the border.", reviewer_id=reviewer_id).article
    annotation = {"@context": "http://www.w3.org/ns/anno.jsonld", "type": "Annotation",
                  "target": {"source": f"urn:uuid:{article['id']}",
                             "selector": {"type": "TextQuoteSelector", "exact": "412 drones"}},
                  "body": [{"type": "TextualBody", "purpose": {}, "value": "pending"}]}
    path = tmp_path / "odd.json"
    path.write_text(__import__("json").dumps(annotation), encoding="utf-8")
    outcome = one(store, path, reviewer_id)
    assert outcome.error is None or "could not be imported (" not in outcome.error
