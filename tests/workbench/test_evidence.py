"""Evidence: rows and their order, reusing sources, attachments stored once, safe saving."""

import builtins
import datetime
import pathlib
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench import evidence as ev
from workbench import ids
from workbench.articles import add_article
from workbench.claims import add_claim, delete_claim, set_verdict
from workbench.errors import WorkbenchError
from workbench.search import search
from workbench.store import Store

BODY = "Four Russian fighter jets were spotted near the border. The ministry denied it on Monday."
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def article(store, reviewer_id):
    return add_article(store, BODY, reviewer_id=reviewer_id, title="Jets").article


@pytest.fixture
def claim(store, reviewer_id, article):
    return add_claim(store, article["id"], 0, 25, reviewer_id=reviewer_id)


@pytest.fixture
def other_claim(store, reviewer_id, article):
    return add_claim(store, article["id"], 56, 75, reviewer_id=reviewer_id)


def titles(store, claim_id):
    return [row["title"] for row in ev.evidence_for(store, claim_id)]


# -- rows ---------------------------------------------------------------------------------------

def test_add_fills_defaults_strips_and_appends(store, reviewer_id, claim):
    seen = []
    store.subscribe(seen.append)
    first = ev.add_evidence(store, claim["id"], reviewer_id=reviewer_id, url="  https://example.org/a ",
                            title=" Ministry statement\n", excerpt="  no jets  ")
    second = ev.add_evidence(store, claim["id"], reviewer_id=reviewer_id, title="Radar log",
                             stance="refutes", reliability="reliable", accessed_on="2024-05-31")
    assert (first["url"], first["title"], first["excerpt"]) == ("https://example.org/a", "Ministry statement", "no jets")
    assert first["stance"] == "supports" and first["reliability"] == "unknown"
    assert first["accessed_on"] == datetime.date.today().isoformat()
    assert first["created_by"] == reviewer_id and second["position"] > first["position"]
    assert titles(store, claim["id"]) == ["Ministry statement", "Radar log"]
    assert ("evidence", first["id"]) in seen[0] and ("evidence", second["id"]) in seen[1]
    front = ev.add_evidence(store, claim["id"], reviewer_id=reviewer_id, title="Front", position=0.5)
    assert titles(store, claim["id"])[0] == "Front" and front["position"] == 0.5


@pytest.mark.parametrize("fields, words", [
    ({"stance": "agrees"}, "stance"),
    ({"reliability": "great"}, "reliability"),
    ({"accessed_on": "last Tuesday"}, "date"),
    ({"url": "javascript:alert(1)"}, "javascript"),
    ({"url": " JavaScript:alert(document.cookie)"}, "javascript"),
    ({"url": "data:text/html,<script>alert(1)</script>"}, "data"),
    ({"url": "file:///etc/passwd"}, "file"),
    ({"url": "java\nscript:alert(1)"}, "control"),
    ({"url": "http://"}, "host"),
    ({"url": "just some words"}, "web address"),
])
def test_bad_fields_are_refused_and_change_nothing(store, reviewer_id, claim, fields, words):
    with pytest.raises(WorkbenchError, match=f"(?i){words}"):
        ev.add_evidence(store, claim["id"], reviewer_id=reviewer_id, **fields)
    assert ev.evidence_for(store, claim["id"]) == []
    row = ev.add_evidence(store, claim["id"], reviewer_id=reviewer_id, title="ok")
    with pytest.raises(WorkbenchError, match=f"(?i){words}"):
        ev.update_evidence(store, row["id"], reviewer_id=reviewer_id, **fields)
    assert ev.get_evidence(store, row["id"]) == row


@pytest.mark.parametrize("url, stored", [
    ("https://example.org/x?a=1#b", "https://example.org/x?a=1#b"),
    ("HTTP://Example.org", "HTTP://Example.org"),
    ("mailto:press@example.org", "mailto:press@example.org"),
    ("www.example.org/page", "https://www.example.org/page"),
    ("//cdn.example.org/a.pdf", "https://cdn.example.org/a.pdf"),
    ("", ""),
])
def test_accepted_urls(store, reviewer_id, claim, url, stored):
    assert ev.add_evidence(store, claim["id"], reviewer_id=reviewer_id, url=url)["url"] == stored


def test_update_delete_restore_round_trip(store, reviewer_id, claim):
    row = ev.add_evidence(store, claim["id"], reviewer_id=reviewer_id, title="Old", note="n")
    updated = ev.update_evidence(store, row["id"], reviewer_id=reviewer_id, title=" New ",
                                 stance="context", reliability="mixed", accessed_on=datetime.date(2024, 1, 2))
    assert (updated["title"], updated["stance"], updated["reliability"], updated["accessed_on"]) == \
        ("New", "context", "mixed", "2024-01-02")
    assert updated["note"] == "n" and updated["updated_at"] >= row["updated_at"]
    with pytest.raises(TypeError, match="claim_id"):
        ev.update_evidence(store, row["id"], reviewer_id=reviewer_id, claim_id="elsewhere")
    ev.delete_evidence(store, row["id"], reviewer_id=reviewer_id)
    assert ev.evidence_for(store, claim["id"]) == []
    assert ev.get_evidence(store, row["id"])["deleted_at"] is not None  # a tombstone, not gone
    ev.restore_evidence(store, row["id"], reviewer_id=reviewer_id)
    assert titles(store, claim["id"]) == ["New"]
    with pytest.raises(WorkbenchError, match="no evidence"):
        ev.delete_evidence(store, "nope", reviewer_id=reviewer_id)


def test_deleted_or_unknown_claim_takes_no_evidence(store, reviewer_id, claim):
    with pytest.raises(WorkbenchError, match="no claim"):
        ev.add_evidence(store, "missing", reviewer_id=reviewer_id)
    delete_claim(store, claim["id"], reviewer_id=reviewer_id)
    with pytest.raises(WorkbenchError, match="deleted"):
        ev.add_evidence(store, claim["id"], reviewer_id=reviewer_id)


def test_restored_item_returns_to_its_place(store, reviewer_id, claim):
    a, b, c = (ev.add_evidence(store, claim["id"], reviewer_id=reviewer_id, title=t) for t in "abc")
    ev.delete_evidence(store, b["id"], reviewer_id=reviewer_id)
    ev.add_evidence(store, claim["id"], reviewer_id=reviewer_id, title="d")
    ev.restore_evidence(store, b["id"], reviewer_id=reviewer_id)
    assert titles(store, claim["id"]) == ["a", "b", "c", "d"]


# -- order --------------------------------------------------------------------------------------

def test_move_to_front_back_and_middle(store, reviewer_id, claim):
    rows = [ev.add_evidence(store, claim["id"], reviewer_id=reviewer_id, title=t) for t in "abcd"]
    ev.move_evidence(store, rows[3]["id"], 0, reviewer_id=reviewer_id)
    assert titles(store, claim["id"]) == list("dabc")
    ev.move_evidence(store, rows[3]["id"], 99, reviewer_id=reviewer_id)  # clamped to the end
    assert titles(store, claim["id"]) == list("abcd")
    ev.move_evidence(store, rows[0]["id"], 2, reviewer_id=reviewer_id)
    assert titles(store, claim["id"]) == list("bcad")


def test_many_moves_into_one_gap_renumber(store, reviewer_id, claim):
    rows = [ev.add_evidence(store, claim["id"], reviewer_id=reviewer_id, title=str(i)) for i in range(4)]
    model = [r["title"] for r in rows]
    for step in range(150):  # halving the gap between two neighbours runs out of floats after ~50
        item = model[-1] if step % 2 else model[-2]
        model.remove(item)
        model.insert(1, item)
        ev.move_evidence(store, next(r["id"] for r in rows if r["title"] == item), 1, reviewer_id=reviewer_id)
        assert titles(store, claim["id"]) == model
    positions = [r["position"] for r in ev.evidence_for(store, claim["id"])]
    assert positions == sorted(set(positions))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(count=st.integers(1, 7),
       moves=st.lists(st.tuples(st.integers(0, 6), st.integers(-2, 9)), max_size=40))
def test_random_moves_match_a_list_model(count, moves):
    with tempfile.TemporaryDirectory() as folder, Store.open(Path(folder) / "w.db") as store:
        reviewer = store.reviewer("Ana")
        article = add_article(store, BODY, reviewer_id=reviewer).article
        claim = add_claim(store, article["id"], 0, 4, reviewer_id=reviewer)
        ids_ = [ev.add_evidence(store, claim["id"], reviewer_id=reviewer, title=str(i))["id"] for i in range(count)]
        model = list(ids_)
        for which, target in moves:
            item = model[which % count]
            model.remove(item)
            model.insert(max(0, min(target, len(model))), item)
            ev.move_evidence(store, item, target, reviewer_id=reviewer)
        rows = ev.evidence_for(store, claim["id"])
        assert [r["id"] for r in rows] == model
        assert all(a["position"] < b["position"] for a, b in zip(rows, rows[1:]))


# -- counts, unsupported verdicts, search -------------------------------------------------------

def test_counts_and_unsupported_claims(store, reviewer_id, article, claim, other_claim):
    third = add_claim(store, article["id"], 30, 40, reviewer_id=reviewer_id, verdict="unverifiable")
    set_verdict(store, claim["id"], "verified", reviewer_id=reviewer_id)
    set_verdict(store, other_claim["id"], "disputed", reviewer_id=reviewer_id)
    assert ev.unsupported_claims(store, article["id"]) == {claim["id"], other_claim["id"]}
    row = ev.add_evidence(store, claim["id"], reviewer_id=reviewer_id, title="x")
    ev.add_evidence(store, claim["id"], reviewer_id=reviewer_id, title="y")
    gone = ev.add_evidence(store, other_claim["id"], reviewer_id=reviewer_id, title="z")
    ev.delete_evidence(store, gone["id"], reviewer_id=reviewer_id)
    assert ev.evidence_counts(store, article["id"]) == {claim["id"]: 2, other_claim["id"]: 0, third["id"]: 0}
    assert ev.unsupported_claims(store, article["id"]) == {other_claim["id"]}
    ev.delete_evidence(store, row["id"], reviewer_id=reviewer_id)
    delete_claim(store, other_claim["id"], reviewer_id=reviewer_id)
    assert ev.evidence_counts(store, article["id"]) == {claim["id"]: 1, third["id"]: 0}
    assert ev.unsupported_claims(store, article["id"]) == set()
    assert [ev.evidence_count(store, c["id"]) for c in (claim, other_claim, third)] == [1, 0, 0]


def test_evidence_is_searchable(store, reviewer_id, claim):
    row = ev.add_evidence(store, claim["id"], reviewer_id=reviewer_id, title="Defence ministry",
                          publisher="Reuters", excerpt="no aircraft crossed", note="called Warszawa")
    hits = search(store, "aircraft")
    assert [(h.kind, h.claim_id) for h in hits] == [("evidence", claim["id"])]
    assert [h.kind for h in search(store, "reuters")] == ["evidence"]
    ev.update_evidence(store, row["id"], reviewer_id=reviewer_id, excerpt="helicopters only")
    assert search(store, "aircraft") == [] and [h.kind for h in search(store, "helicopters")] == ["evidence"]
    ev.delete_evidence(store, row["id"], reviewer_id=reviewer_id)
    assert search(store, "helicopters") == []


# -- reusing sources ----------------------------------------------------------------------------

def test_copy_evidence_shares_blobs(store, reviewer_id, claim, other_claim):
    row = ev.add_evidence(store, claim["id"], reviewer_id=reviewer_id, url="https://example.org/r",
                          title="Report", publisher="Agency", stance="refutes", reliability="reliable")
    shot = ev.attach_bytes(store, row["id"], PNG, "shot.png", reviewer_id=reviewer_id)
    ev.attach_bytes(store, row["id"], b"%PDF-1.7 ...", "report.pdf", reviewer_id=reviewer_id)
    copy = ev.copy_evidence(store, row["id"], other_claim["id"], reviewer_id=reviewer_id)
    assert copy["id"] != row["id"] and copy["claim_id"] == other_claim["id"]
    assert {k: copy[k] for k in ev.EDITABLE_FIELDS} == {k: row[k] for k in ev.EDITABLE_FIELDS}
    copied = ev.evidence_for(store, other_claim["id"])[0]["attachments"]
    assert [a["filename"] for a in copied] == ["shot.png", "report.pdf"]
    assert {a["id"] for a in copied}.isdisjoint(a["id"] for a in ev.attachments_for(store, row["id"]))
    assert store.query("SELECT COUNT(*) AS n FROM blobs")[0]["n"] == 2
    assert ev.attachment_bytes(store, copied[0]["id"]) == PNG
    ev.delete_attachment(store, shot["id"], reviewer_id=reviewer_id)  # the copy keeps its own
    assert ev.attachment_bytes(store, copied[0]["id"]) == PNG


def test_known_sources_dedupe_filter_and_order(store, reviewer_id, claim, other_claim):
    ev.add_evidence(store, claim["id"], reviewer_id=reviewer_id, url="https://a.example/1", title="Älpha report",
                    publisher="Agency A", reliability="reliable")
    ev.add_evidence(store, other_claim["id"], reviewer_id=reviewer_id, url="https://b.example/2", title="Beta")
    ev.add_evidence(store, other_claim["id"], reviewer_id=reviewer_id, url="HTTPS://A.example/1", title="Älpha report",
                    publisher="Agency A", reliability="reliable")
    ev.add_evidence(store, claim["id"], reviewer_id=reviewer_id, title="Phone call", publisher="Police")
    ev.add_evidence(store, claim["id"], reviewer_id=reviewer_id, title="phone call", publisher="police")
    ev.add_evidence(store, claim["id"], reviewer_id=reviewer_id, note="nothing to reuse")
    gone = ev.add_evidence(store, claim["id"], reviewer_id=reviewer_id, title="Deleted source")
    ev.delete_evidence(store, gone["id"], reviewer_id=reviewer_id)
    sources = ev.known_sources(store)
    assert [s["title"] for s in sources] == ["phone call", "Älpha report", "Beta"]
    assert sources[1] == {"url": "HTTPS://A.example/1", "title": "Älpha report", "publisher": "Agency A",
                          "reliability": "reliable", "last_used": sources[1]["last_used"]}
    assert [s["title"] for s in ev.known_sources(store, "ÄLPHA")] == ["Älpha report"]
    assert [s["title"] for s in ev.known_sources(store, "b.example")] == ["Beta"]
    assert [s["title"] for s in ev.known_sources(store, "agency")] == ["Älpha report"]
    assert len(ev.known_sources(store, limit=2)) == 2
    assert ev.known_sources(store, "nowhere") == []


# -- attachments --------------------------------------------------------------------------------

@pytest.fixture
def item(store, reviewer_id, claim):
    return ev.add_evidence(store, claim["id"], reviewer_id=reviewer_id, title="Screenshot")


def test_same_bytes_on_two_items_store_one_blob(store, reviewer_id, claim, item):
    other = ev.add_evidence(store, claim["id"], reviewer_id=reviewer_id, title="Other")
    one = ev.attach_bytes(store, item["id"], PNG, "a.png", reviewer_id=reviewer_id)
    two = ev.attach_bytes(store, other["id"], PNG, "b.bin", reviewer_id=reviewer_id)
    assert one["blob_id"] == two["blob_id"] and one["id"] != two["id"]
    assert one["sha256"] == ids.sha256_hex(PNG) and one["size"] == len(PNG)
    assert store.query("SELECT COUNT(*) AS n FROM blobs")[0]["n"] == 1
    assert (one["media_type"], two["media_type"]) == ("image/png", "image/png")  # by name, then by magic
    rows = ev.evidence_for(store, claim["id"])
    assert [[a["filename"] for a in r["attachments"]] for r in rows] == [["a.png"], ["b.bin"]]
    assert all("data" not in a for r in rows for a in r["attachments"])


@pytest.mark.parametrize("data, name, given, expected", [
    (b"GIF89a....", "x", None, "image/gif"),
    (b"\xff\xd8\xff\xe0....", "photo", None, "image/jpeg"),
    (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "pic", None, "image/webp"),
    (b"%PDF-1.4", "doc", None, "application/pdf"),
    (b"hello", "notes.txt", None, "text/plain"),
    (b"\x00\x01", "blob", None, "application/octet-stream"),
    (PNG, "shot.png", "Image/PNG ", "image/png"),
])
def test_media_types(store, reviewer_id, item, data, name, given, expected):
    row = ev.attach_bytes(store, item["id"], data, name, reviewer_id=reviewer_id, media_type=given)
    assert row["media_type"] == expected


def test_display_name_has_no_folders_or_controls(store, reviewer_id, item):
    for raw, shown in [("../../etc/passwd", "passwd"), ("C:\\Users\\x\\shot.png", "shot.png"),
                       ("evil\u202egnp.exe", "evilgnp.exe"), ("a\x00b\nc.txt", "abc.txt"),
                       ("", "attachment"), ("..", "attachment"), ("dir/", "attachment")]:
        assert ev.attach_bytes(store, item["id"], b"x", raw, reviewer_id=reviewer_id)["filename"] == shown


def test_attachment_delete_restore_round_trip(store, reviewer_id, item):
    row = ev.attach_bytes(store, item["id"], PNG, "a.png", reviewer_id=reviewer_id)
    seen = []
    store.subscribe(seen.append)
    ev.delete_attachment(store, row["id"], reviewer_id=reviewer_id)
    assert ev.attachments_for(store, item["id"]) == []
    assert seen[-1] == {("attachments", row["id"])}  # only the row that changed; events add the rest
    assert ev.attachment_bytes(store, row["id"]) == PNG  # the bytes survive for the undo
    ev.restore_attachment(store, row["id"], reviewer_id=reviewer_id)
    assert [a["id"] for a in ev.attachments_for(store, item["id"])] == [row["id"]]


def test_oversized_bytes_are_refused(store, reviewer_id, item):
    data = bytes(ev.MAX_ATTACHMENT_BYTES + 1)
    with pytest.raises(WorkbenchError, match=r"huge\.bin: is 50\.0 MB .*at most 50\.0 MB"):
        ev.attach_bytes(store, item["id"], data, "huge.bin", reviewer_id=reviewer_id)
    assert store.query("SELECT COUNT(*) AS n FROM blobs")[0]["n"] == 0


def test_oversized_file_is_refused_without_reading(store, reviewer_id, item, tmp_path, monkeypatch):
    big = tmp_path / "video.mp4"
    with open(big, "wb") as f:
        f.truncate(60 * 1024 * 1024)  # sparse: takes no disk space

    def no_reading(*args, **kwargs):
        raise AssertionError("the file was opened for reading")
    monkeypatch.setattr(pathlib.Path, "open", no_reading)
    monkeypatch.setattr(pathlib.Path, "read_bytes", no_reading)
    monkeypatch.setattr(builtins, "open", no_reading)
    with pytest.raises(WorkbenchError) as refused:
        ev.attach_file(store, item["id"], big, reviewer_id=reviewer_id)
    monkeypatch.undo()
    assert "video.mp4" in str(refused.value) and "60.0 MB" in str(refused.value) and "50.0 MB" in str(refused.value)
    assert ev.attachments_for(store, item["id"]) == []


def test_attach_file_reads_small_files_and_refuses_folders_and_missing(store, reviewer_id, item, tmp_path):
    path = tmp_path / "page.pdf"
    path.write_bytes(b"%PDF-1.7 evidence")
    row = ev.attach_file(store, item["id"], path, reviewer_id=reviewer_id)
    assert (row["filename"], row["media_type"], row["size"]) == ("page.pdf", "application/pdf", 17)
    assert ev.attachment_bytes(store, row["id"]) == b"%PDF-1.7 evidence"
    with pytest.raises(WorkbenchError, match="is a folder"):
        ev.attach_file(store, item["id"], tmp_path, reviewer_id=reviewer_id)
    with pytest.raises(WorkbenchError, match="no such file"):
        ev.attach_file(store, item["id"], tmp_path / "gone.png", reviewer_id=reviewer_id)
    ev.delete_evidence(store, item["id"], reviewer_id=reviewer_id)
    with pytest.raises(WorkbenchError, match="deleted"):
        ev.attach_file(store, item["id"], path, reviewer_id=reviewer_id)


# -- saving -------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, saved", [
    ("../../etc/passwd", "passwd"),
    ("..\\..\\x.txt", "x.txt"),
    ("/abs/name", "name"),
    ("C:\\Windows\\system32\\evil.dll", "evil.dll"),
    ("re\x00port.pdf", "report.pdf"),
    ("", "attachment"),
    ("...", "attachment"),
    ("..", "attachment"),
    (".bashrc", "bashrc"),
    ('a<b>c:d"e|f?g*h.png', "abcdefgh.png"),
    ("CON.txt", "_CON.txt"),
    ("name. . ", "name"),
])
def test_saved_names_stay_inside_the_folder(store, reviewer_id, item, tmp_path, name, saved):
    root = tmp_path / "root"  # apart from the database's own files
    folder = root / "a" / "out"
    folder.mkdir(parents=True)
    row = store.insert("attachments", {**ev.attach_bytes(store, item["id"], PNG, "x", reviewer_id=reviewer_id),
                                       "id": ids.new_id(), "filename": name})  # as a foreign database may hold
    path = ev.save_attachment(store, row["id"], folder)
    assert path.name == saved and path.parent == folder
    assert path.resolve().is_relative_to(folder.resolve()) and path.read_bytes() == PNG
    assert [p for p in root.rglob("*") if p.is_file()] == [path]  # nothing written anywhere else


def test_saving_twice_numbers_the_copies(store, reviewer_id, item, tmp_path):
    row = ev.attach_bytes(store, item["id"], PNG, "shot.png", reviewer_id=reviewer_id)
    (tmp_path / "link.png").symlink_to(tmp_path / "missing-target")
    paths = [ev.save_attachment(store, row["id"], tmp_path) for _ in range(3)]
    assert [p.name for p in paths] == ["shot.png", "shot (2).png", "shot (3).png"]
    assert ev.safe_save_path(tmp_path, "link.png").name == "link (2).png"  # a dangling link counts as taken
    with pytest.raises(WorkbenchError, match="not a folder"):
        ev.save_attachment(store, row["id"], tmp_path / "shot.png")


@settings(max_examples=300, deadline=None)
@given(name=st.text(max_size=300) | st.text(alphabet="./\\\x00 .-:*?CON", max_size=20))
def test_any_name_saves_inside_the_folder(name):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "chosen"
        folder.mkdir()
        path = ev.safe_save_path(folder, name)
        assert path.parent == folder and path.name not in ("", ".", "..")
        assert path.resolve().parent == folder.resolve()
        path.write_bytes(b"x")  # a name the file system accepts
        assert [p.name for p in Path(tmp).rglob("*") if p.is_file()] == [path.name]
