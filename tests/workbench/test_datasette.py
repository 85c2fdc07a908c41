"""A real Datasette serves a workbench database as it is, with the metadata `workbench publish` writes."""

import json
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from workbench.articles import add_article
from workbench.claims import add_claim, set_verdict
from workbench.cli import main
from workbench.evidence import add_evidence, attach_bytes

SECRET = b"\x89PNG\r\n\x1a\nSECRET-BYTES-0123456789"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


@pytest.fixture
def served(store, reviewer_id, tmp_path, no_proxy):
    body = "Fighter jets were seen.\n" + "\n".join(f"Statement {n} about budgets." for n in range(5))
    article = add_article(store, body, reviewer_id=reviewer_id, title="Budget row").article
    claims = []
    for n in range(5):
        start = body.index(f"Statement {n}")
        claim = add_claim(store, article["id"], start, start + len(f"Statement {n} about budgets"),
                          reviewer_id=reviewer_id, rationale=f"Checked number {n}.")
        set_verdict(store, claim["id"], "verified", reviewer_id=reviewer_id)
        claims.append(claim)
    evidence = add_evidence(store, claims[0]["id"], reviewer_id=reviewer_id, title="Registry",
                            url="https://example.org/r")
    attachment = attach_bytes(store, evidence["id"], SECRET, "scan.png", reviewer_id=reviewer_id)
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    meta = tmp_path / "metadata.json"
    assert main(["publish", str(store.path), "--datasette-metadata", str(meta)]) == 0
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "datasette", "serve", "-i", str(store.path), "-m", str(meta),
                               "-h", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/{store.path.stem}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if fetch(base + ".json")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("Datasette did not start")
        yield base, article, claims, attachment
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_datasette_serves_articles_claims_search_and_links(served):
    base, article, claims, attachment = served
    status, page = fetch(f"{base}/articles/{article['id']}")
    assert status == 200 and "Budget row" in page
    assert "5 rows" in page and "claims" in page  # the claims that point at this article, counted
    status, page = fetch(f"{base}/claims/{claims[2]['id']}")
    assert status == 200 and "Statement 2 about budgets" in page
    status, listed = fetch(f"{base}/claims?id={claims[2]['id']}")
    links = re.findall(r'href="([^"]*/articles/[^"]*)"', listed)
    assert status == 200 and links  # the claim's article_id is a link to the article's own page
    status, linked = fetch(base.rsplit("/", 1)[0] + links[0] if links[0].startswith("/") else links[0])
    assert status == 200 and "Budget row" in linked
    status, found = fetch(f"{base}/claims.json?_search=Statement&_shape=array")
    rows = json.loads(found)
    assert status == 200 and sorted(r["id"] for r in rows) == sorted(c["id"] for c in claims)
    status, found = fetch(f"{base}/claims.json?_search=Checked%203&_shape=array")
    assert [r["id"] for r in json.loads(found)] == [claims[3]["id"]]
    for url in (f"{base}/attachments/{attachment['id']}", f"{base}/blobs/{attachment['blob_id']}", f"{base}/blobs"):
        status, page = fetch(url)
        assert status == 200 and "SECRET-BYTES" not in page and "U0VDUkVU" not in page
    status, tables = fetch(f"{base}.json")
    hidden = {t["name"] for t in json.loads(tables)["tables"] if t["hidden"]}
    assert {"blobs", "meta", "_sqlite_migrations", "claims_fts"} <= hidden
    status, page = fetch(f"{base}/claims")
    assert "Checkable statements marked in an article" in page  # the table's description
