"""New versions of an article: claims carried with everything they hold, orphans, the window's functions."""

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.annotations import dumps, export_collection, import_annotation_file_report
from workbench.articles import add_article
from workbench.claim_copies import derived_id
from workbench.claims import add_claim, claims_for, delete_claim, set_verdict, verdict_history
from workbench.cli import main
from workbench.errors import WorkbenchError
from workbench.evidence import add_evidence, attach_bytes, attachments_for, evidence_for
from workbench.orphans import dismiss_orphan, orphans_for, place_orphan, restore_orphan
from workbench.store import Store
from workbench.versions import add_version, carried_from, import_new_version, versions_of, wording

OLD = ("Jets over the border\n"
       "Four Russian fighter jets were spotted near the border with Poland on Tuesday.\n"
       "The ministry said 40 drones crossed the border last month.\n"
       "A paragraph that the correction removes entirely, with its claim.\n"
       "Officials in Warsaw declined to comment.")
NEW = ("Jets over the border\n"
       "Correction: an earlier version of this article misstated the number of drones.\n"
       "Four Russian fighter jets were spotted near the border with Poland on Tuesday.\n"
       "The ministry said 45 drones crossed the border last month.\n"
       "Officials in Warsaw declined to comment.")
URL = "https://news.example/jets"


def span(text, quote):
    start = text.index(quote)
    return start, start + len(quote)


@pytest.fixture
def old(store, reviewer_id):
    """The first version with three claims: one unchanged, one whose number changes, one deleted."""
    article = add_article(store, OLD, reviewer_id=reviewer_id, url=URL).article
    ben = store.reviewer("Ben")
    jets = add_claim(store, article["id"], *span(OLD, "Four Russian fighter jets were spotted"),
                     reviewer_id=reviewer_id, verdict="verified", rationale="Seen on radar.")
    set_verdict(store, jets["id"], "disputed", reviewer_id=ben, note="radar was wrong")
    source = add_evidence(store, jets["id"], reviewer_id=reviewer_id, url="https://example.org/mod",
                          title="MoD statement", stance="refutes")
    attach_bytes(store, source["id"], b"%PDF-1.4 statement", "statement.pdf", reviewer_id=reviewer_id)
    drones = add_claim(store, article["id"], *span(OLD, "The ministry said 40 drones crossed the border"),
                       reviewer_id=ben, verdict="unverifiable")
    gone = add_claim(store, article["id"], *span(OLD, "A paragraph that the correction removes entirely"),
                     reviewer_id=reviewer_id, verdict="verified", rationale="Kept as an orphan.")
    deleted = add_claim(store, article["id"], *span(OLD, "Officials in Warsaw"), reviewer_id=reviewer_id)
    delete_claim(store, deleted["id"], reviewer_id=reviewer_id)
    return {"article": article, "jets": jets, "drones": drones, "gone": gone}


def test_claims_are_carried_with_everything_they_hold(store, reviewer_id, old):
    new = add_article(store, NEW, reviewer_id=reviewer_id).article
    report = add_version(store, old["article"]["id"], new["id"], reviewer_id=reviewer_id)
    assert (report.exact, len(report.approximate), len(report.orphans)) == (1, 1, 1)
    assert 0.95 <= report.approximate[0][1] < 1
    found = {c["quote"]: c for c in claims_for(store, new["id"])}
    assert set(found) == {"Four Russian fighter jets were spotted", "The ministry said 45 drones crossed the border"}
    jets, drones = found["Four Russian fighter jets were spotted"], found["The ministry said 45 drones crossed the border"]
    assert (jets["verdict"], jets["rationale"], jets["created_by"]) == ("disputed", "Seen on radar.", reviewer_id)
    assert jets["created_at"] == old["jets"]["created_at"]
    assert [(h["from_verdict"], h["to_verdict"], h["reviewer"], h["note"]) for h in verdict_history(store, jets["id"])] == [
        ("pending", "verified", "Ana", None), ("verified", "disputed", "Ben", "radar was wrong")]
    [evidence] = evidence_for(store, jets["id"])
    assert (evidence["url"], evidence["title"], evidence["stance"]) == ("https://example.org/mod", "MoD statement", "refutes")
    [attachment] = attachments_for(store, evidence["id"])
    assert attachment["filename"] == "statement.pdf"
    assert drones["verdict"] == "unverifiable" and store.reviewer_names()[drones["created_by"]] == "Ben"
    [orphan] = orphans_for(store, new["id"])
    assert (orphan["quote"], orphan["verdict"], orphan["from_claim_id"]) == (
        "A paragraph that the correction removes entirely", "verified", old["gone"]["id"])
    # the old version keeps its claims; the new one has the old one's web address
    assert len(claims_for(store, old["article"]["id"])) == 3
    assert store.get("articles", new["id"])["url"] == URL
    lines = report.lines()
    assert "1 carried exactly, 1 approximately (scores 0.9" in lines[0] and "1 could not be placed" in lines[0]
    assert "A paragraph that the correction removes entirely" in lines[1]


def test_carrying_twice_adds_nothing(store, reviewer_id, old):
    new = add_article(store, NEW, reviewer_id=reviewer_id).article
    add_version(store, old["article"]["id"], new["id"], reviewer_id=reviewer_id)
    tables = ("claims", "evidence", "attachments", "verdict_history", "orphans", "carried_claims", "article_versions")
    before = {t: store.get_value(f"SELECT count(*) FROM {t}") for t in tables}
    again = add_version(store, old["article"]["id"], new["id"], reviewer_id=reviewer_id)
    assert (again.carried, again.present) == (0, 3)
    assert {t: store.get_value(f"SELECT count(*) FROM {t}") for t in tables} == before


def test_two_databases_carry_to_the_same_rows(tmp_path, old, store, reviewer_id):
    """Carried rows' ids derive from the old ids, so a merge sees one claim, not two."""
    from workbench.merge import save_copy
    save_copy(store, tmp_path / "copy.db")
    with Store.open(tmp_path / "copy.db") as other:
        theirs = add_article(other, NEW, reviewer_id=other.reviewer("Ben")).article
        add_version(other, old["article"]["id"], theirs["id"], reviewer_id=other.reviewer("Ben"))
        their_ids = {c["id"] for c in claims_for(other, theirs["id"])}
    ours = add_article(store, NEW, reviewer_id=reviewer_id).article
    add_version(store, old["article"]["id"], ours["id"], reviewer_id=reviewer_id)
    assert {c["id"] for c in claims_for(store, ours["id"])} == their_ids


def test_the_windows_functions(store, reviewer_id, old):
    new = add_article(store, NEW, reviewer_id=reviewer_id).article
    add_version(store, old["article"]["id"], new["id"], reviewer_id=reviewer_id)
    third = add_article(store, NEW + "\nUpdated at noon.", reviewer_id=reviewer_id).article
    add_version(store, new["id"], third["id"], reviewer_id=reviewer_id)
    for member in (old["article"]["id"], new["id"], third["id"]):
        versions = versions_of(store, member)
        assert [v["id"] for v in versions] == [old["article"]["id"], new["id"], third["id"]]
    assert [v["previous_id"] for v in versions] == [None, old["article"]["id"], new["id"]]
    assert [v["claims"] for v in versions] == [3, 2, 2]
    drones = next(c for c in claims_for(store, new["id"]) if "drones" in c["quote"])
    jets = next(c for c in claims_for(store, new["id"]) if "jets" in c["quote"])
    assert carried_from(store, drones["id"])["from_claim_id"] == old["drones"]["id"]
    changed = wording(store, drones["id"])
    assert (changed.old, changed.new, changed.method) == (old["drones"]["quote"], drones["quote"], "approximate")
    assert ("changed", "40", "45") in changed.pieces
    assert wording(store, jets["id"]) is None  # unchanged wording: nothing to show side by side
    assert wording(store, old["jets"]["id"]) is None  # not a carried claim


def test_a_version_cannot_come_before_itself(store, reviewer_id, old):
    new = add_article(store, NEW, reviewer_id=reviewer_id).article
    add_version(store, old["article"]["id"], new["id"], reviewer_id=reviewer_id)
    with pytest.raises(WorkbenchError, match="later version"):
        add_version(store, new["id"], old["article"]["id"], reviewer_id=reviewer_id)
    with pytest.raises(WorkbenchError, match="same text"):
        add_version(store, new["id"], new["id"], reviewer_id=reviewer_id)


def test_placing_a_carried_orphan_brings_its_evidence_and_history(store, reviewer_id, old):
    ben = store.reviewer("Ben")
    add_evidence(store, old["gone"]["id"], reviewer_id=reviewer_id, url="https://example.org/gone", title="Gone")
    new = add_article(store, NEW, reviewer_id=reviewer_id).article
    add_version(store, old["article"]["id"], new["id"], reviewer_id=reviewer_id)
    [orphan] = orphans_for(store, new["id"])
    dismiss_orphan(store, orphan["id"], reviewer_id=ben)
    assert orphans_for(store, new["id"]) == []
    restore_orphan(store, orphan["id"], reviewer_id=ben)
    claim = place_orphan(store, orphan["id"], *span(NEW, "Officials in Warsaw declined"), reviewer_id=ben)
    assert (claim["quote"], claim["verdict"], claim["rationale"]) == ("Officials in Warsaw declined", "verified",
                                                                     "Kept as an orphan.")
    assert claim["created_by"] == reviewer_id and claim["updated_by"] == ben
    assert [e["title"] for e in evidence_for(store, claim["id"])] == ["Gone"]
    assert [h["to_verdict"] for h in verdict_history(store, claim["id"])] == ["verified"]
    assert carried_from(store, claim["id"])["method"] == "by hand"
    assert orphans_for(store, new["id"]) == []
    with pytest.raises(WorkbenchError, match="already"):
        place_orphan(store, orphan["id"], 0, 4, reviewer_id=ben)


def test_placing_an_orphan_from_a_file_brings_its_evidence(store, reviewer_id, tmp_path):
    article = add_article(store, OLD, reviewer_id=reviewer_id).article
    data = {"type": "Annotation", "id": "https://hypothes.is/a/footer",
            "target": {"source": "urn:uuid:" + article["id"],
                       "selector": {"type": "TextQuoteSelector", "exact": "Share this article on social media"}},
            "body": [{"purpose": "assessing", "value": "disputed", "type": "TextualBody"},
                     {"type": "SpecificResource", "purpose": "linking", "source": "https://example.org/why"}]}
    (tmp_path / "one.json").write_text(__import__("json").dumps(data), encoding="utf-8")
    report = import_annotation_file_report(store, tmp_path / "one.json", reviewer_id=reviewer_id)
    assert report.imported == 0 and len(report.orphans) == 1
    [orphan] = orphans_for(store, article["id"])
    claim = place_orphan(store, orphan["id"], *span(OLD, "Officials in Warsaw"), reviewer_id=reviewer_id)
    assert claim["verdict"] == "disputed" and [e["url"] for e in evidence_for(store, claim["id"])] == ["https://example.org/why"]
    assert [h["to_verdict"] for h in verdict_history(store, claim["id"])] == ["disputed"]
    again = import_annotation_file_report(store, tmp_path / "one.json", reviewer_id=reviewer_id)
    assert (again.imported, again.present, again.orphans) == (0, 1, [])


def test_import_new_version_from_a_file_stores_nothing_when_it_fails(store, reviewer_id, old, tmp_path):
    counts = store.get_value("SELECT count(*) FROM articles")
    with pytest.raises(WorkbenchError, match="no such file"):
        import_new_version(store, str(tmp_path / "missing.txt"), old["article"]["id"], reviewer_id=reviewer_id)
    (tmp_path / "claims.json").write_text("[]", encoding="utf-8")
    with pytest.raises(WorkbenchError, match="not an article"):
        import_new_version(store, str(tmp_path / "claims.json"), old["article"]["id"], reviewer_id=reviewer_id)
    assert store.get_value("SELECT count(*) FROM articles") == counts


def test_the_command_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("WORKBENCH_REVIEWER", "Ana")
    db = tmp_path / "w.db"
    (tmp_path / "v1.txt").write_text(OLD, encoding="utf-8")
    (tmp_path / "v2.txt").write_text(NEW, encoding="utf-8")
    assert main(["import", str(db), str(tmp_path / "v1.txt")]) == 0
    old_id = capsys.readouterr().out.split("\t")[0]
    with Store.open(db) as store:
        for quote in ("Four Russian fighter jets were spotted", "The ministry said 40 drones crossed the border",
                      "A paragraph that the correction removes"):
            add_claim(store, old_id, *span(OLD, quote), reviewer_id=store.reviewer("Ana"))
    assert main(["import", str(db), str(tmp_path / "v2.txt"), "--new-version-of", old_id[:8]]) == 0
    out = capsys.readouterr()
    new_id, title = out.out.strip().split("\t")
    assert title == "Jets over the border" and new_id != old_id
    assert "3 claims of " + old_id + ": 1 carried exactly, 1 approximately (scores 0.9" in out.err
    assert "could not be placed: “A paragraph that the correction removes”" in out.err
    assert main(["import", str(db), str(tmp_path / "v2.txt"), str(tmp_path / "v1.txt"), "--new-version-of", old_id]) == 1
    assert capsys.readouterr().err.startswith("error: --new-version-of takes one SOURCE")
    assert main(["import", str(db), str(tmp_path / "v2.txt"), "--new-version-of", "nope"]) == 1
    assert capsys.readouterr().err == "error: no article with id nope\n"


# -- the round trip: our export, an edited article, its new version ----------------------------------

PARAGRAPHS = st.lists(st.lists(st.sampled_from(["jets", "border", "minister", "said", "é", "😀", "وزير", "drones",
                                                "Tuesday", "calm", "the", "40"]), min_size=6, max_size=14),
                      min_size=3, max_size=7)


@st.composite
def edited_articles(draw):
    """An article of unique paragraphs, claims in it, and an edit: paragraphs added, removed, a word changed."""
    paragraphs = [f"P{i} " + " ".join(words) + "." for i, words in enumerate(draw(PARAGRAPHS))]
    old = "\n".join(paragraphs)
    claims = []
    for _ in range(draw(st.integers(1, 6))):
        p = draw(st.integers(0, len(paragraphs) - 1))
        words = paragraphs[p].split(" ")
        first = draw(st.integers(1, len(words) - 1))
        last = draw(st.integers(first, min(len(words) - 1, first + 4)))
        start = old.index(paragraphs[p]) + len(" ".join(words[:first])) + 1
        claims.append((start, start + len(" ".join(words[first:last + 1]))))
    new = list(paragraphs)
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["insert", "delete", "change"]))
        at = draw(st.integers(0, len(new) - 1))
        if kind == "insert":
            new.insert(at, f"Inserted {at} paragraph about something else entirely.")
        elif kind == "delete" and len(new) > 1:
            del new[at]
        else:
            new[at] = new[at].replace(" ", " changed ", 1)
    return old, "\n".join(new), sorted(set(claims))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edited_articles())
def test_round_trip_every_unchanged_claim_is_exact(case):
    old, new, ranges = case
    if new == old:
        return  # the edits undid each other: nothing is a new version
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        with Store.open(folder / "a.db") as one, Store.open(folder / "b.db") as two:
            ana = one.reviewer("Ana")
            article = add_article(one, old, reviewer_id=ana, url=URL).article
            claims = [add_claim(one, article["id"], s, e, reviewer_id=ana, verdict="verified") for s, e in ranges]
            (folder / "claims.jsonld").write_text(dumps(export_collection(one)), encoding="utf-8")
            # the new version in the same database: carried
            corrected = add_article(one, new, reviewer_id=ana).article
            add_version(one, article["id"], corrected["id"], reviewer_id=ana)
            # our export, imported where only the new version is: found by its web address
            add_article(two, new, reviewer_id=two.reviewer("Bo"), url=URL)
            report = import_annotation_file_report(two, folder / "claims.jsonld", reviewer_id=two.reviewer("Bo"))
            unchanged = 0
            for claim in claims:
                around = old[max(0, claim["start"] - 32):claim["end"] + 32]
                paragraph = old[old.rfind("\n", 0, claim["start"]) + 1:].split("\n", 1)[0]
                if new.count(around) != 1 or paragraph not in new.split("\n"):
                    continue  # its words, their context or its paragraph changed (or went)
                unchanged += 1
                at = new.index(around) + claim["start"] - max(0, claim["start"] - 32)
                carried = one.get("claims", derived_id(claim["id"], corrected["id"]))
                method = one.get_value("SELECT method FROM carried_claims WHERE claim_id = ?", [carried["id"]])
                imported = two.get("claims", claim["id"])
                assert (carried["start"], carried["quote"]) == (at, claim["quote"])
                assert method in ("position", "exact")
                assert (imported["start"], imported["quote"]) == (at, claim["quote"])
            assert report.methods["position"] + report.methods["exact"] >= unchanged
            assert report.imported + len(report.orphans) == len(ranges)


# -- what the window needs besides: version marks, counterparts, undoing a placement, a download ----------

def test_version_marks_number_every_live_version_and_say_which_are_superseded(store, reviewer_id, old):
    from workbench.articles import delete_article
    from workbench.versions import version_marks

    lone = add_article(store, "An article with no other version.", reviewer_id=reviewer_id).article
    new = add_article(store, NEW, reviewer_id=reviewer_id).article
    add_version(store, old["article"]["id"], new["id"], reviewer_id=reviewer_id)
    third = add_article(store, NEW + "\nUpdated at noon.", reviewer_id=reviewer_id).article
    add_version(store, new["id"], third["id"], reviewer_id=reviewer_id)
    marks = version_marks(store)
    assert marks == {old["article"]["id"]: {"number": 1, "of": 3, "superseded": True},
                     new["id"]: {"number": 2, "of": 3, "superseded": True},
                     third["id"]: {"number": 3, "of": 3, "superseded": False}}
    assert lone["id"] not in marks
    delete_article(store, third["id"])  # the latest version deleted: the one before it is the latest again
    marks = version_marks(store)
    assert marks[new["id"]] == {"number": 2, "of": 2, "superseded": False}
    assert third["id"] not in marks
    assert [v["id"] for v in versions_of(store, old["article"]["id"])] == [old["article"]["id"], new["id"]]


def test_a_claims_counterpart_on_another_version(store, reviewer_id, old):
    from workbench.versions import counterpart

    new = add_article(store, NEW, reviewer_id=reviewer_id).article
    add_version(store, old["article"]["id"], new["id"], reviewer_id=reviewer_id)
    third = add_article(store, NEW + "\nUpdated at noon.", reviewer_id=reviewer_id).article
    add_version(store, new["id"], third["id"], reviewer_id=reviewer_id)
    jets = old["jets"]["id"]
    on_new, on_third = derived_id(jets, new["id"]), derived_id(derived_id(jets, new["id"]), third["id"])
    assert counterpart(store, jets, new["id"]) == on_new
    assert counterpart(store, jets, third["id"]) == on_third  # two versions on
    assert counterpart(store, on_third, old["article"]["id"]) == jets  # and back
    assert counterpart(store, old["gone"]["id"], new["id"]) is None  # an orphan there, not a claim
    delete_claim(store, on_third, reviewer_id=reviewer_id)
    assert counterpart(store, jets, third["id"]) is None


def test_undoing_a_placement_removes_the_claim_and_what_came_with_it(store, reviewer_id, old):
    from workbench.orphans import unplace_orphan

    add_evidence(store, old["gone"]["id"], reviewer_id=reviewer_id, url="https://example.org/gone", title="Gone")
    new = add_article(store, NEW, reviewer_id=reviewer_id).article
    add_version(store, old["article"]["id"], new["id"], reviewer_id=reviewer_id)
    tables = ("claims", "evidence", "attachments", "verdict_history", "carried_claims")
    before = {t: store.get_value(f"SELECT count(*) FROM {t}") for t in tables}
    [orphan] = orphans_for(store, new["id"])
    where = span(NEW, "Officials in Warsaw declined")
    place_orphan(store, orphan["id"], *where, reviewer_id=reviewer_id)
    unplace_orphan(store, orphan["id"], reviewer_id=reviewer_id)
    assert {t: store.get_value(f"SELECT count(*) FROM {t}") for t in tables} == before
    assert [o["id"] for o in orphans_for(store, new["id"])] == [orphan["id"]]
    claim = place_orphan(store, orphan["id"], *where, reviewer_id=reviewer_id)  # redo: placed the same again
    assert [e["title"] for e in evidence_for(store, claim["id"])] == ["Gone"]
    # evidence the reviewer added since is not thrown away by an undo
    add_evidence(store, claim["id"], reviewer_id=reviewer_id, title="Found later")
    with pytest.raises(WorkbenchError, match="evidence added since"):
        unplace_orphan(store, orphan["id"], reviewer_id=reviewer_id)
    assert store.get("claims", claim["id"])["deleted_at"] is None and orphans_for(store, new["id"]) == []


def test_undoing_the_placement_of_an_annotation_from_a_file(store, reviewer_id, tmp_path):
    from workbench.orphans import unplace_orphan

    article = add_article(store, OLD, reviewer_id=reviewer_id).article
    data = {"type": "Annotation", "id": "https://hypothes.is/a/footer",
            "target": {"source": "urn:uuid:" + article["id"],
                       "selector": {"type": "TextQuoteSelector", "exact": "Share this article on social media"}},
            "body": [{"purpose": "assessing", "value": "disputed", "type": "TextualBody"},
                     {"type": "SpecificResource", "purpose": "linking", "source": "https://example.org/why"}]}
    (tmp_path / "one.json").write_text(__import__("json").dumps(data), encoding="utf-8")
    import_annotation_file_report(store, tmp_path / "one.json", reviewer_id=reviewer_id)
    [orphan] = orphans_for(store, article["id"])
    with pytest.raises(WorkbenchError, match="not been placed"):
        unplace_orphan(store, orphan["id"], reviewer_id=reviewer_id)
    place_orphan(store, orphan["id"], *span(OLD, "Officials in Warsaw"), reviewer_id=reviewer_id)
    unplace_orphan(store, orphan["id"], reviewer_id=reviewer_id)
    assert store.get("claims", orphan["id"]) is None and store.get_value("SELECT count(*) FROM evidence") == 0
    assert store.get_value("SELECT count(*) FROM verdict_history WHERE claim_id = ?", [orphan["id"]]) == 0
    claim = place_orphan(store, orphan["id"], *span(OLD, "Officials in Warsaw"), reviewer_id=reviewer_id)
    assert [e["url"] for e in evidence_for(store, claim["id"])] == ["https://example.org/why"]


def test_a_new_version_from_the_web_is_downloaded_before_the_database_is_held(store, reviewer_id, old, no_proxy):
    """While the page downloads, another program can still write; Cancel during the download stores nothing."""
    import threading
    from http.server import BaseHTTPRequestHandler

    from tests.local_server import serving

    arrived, release = threading.Event(), threading.Event()

    class Slow(BaseHTTPRequestHandler):
        def do_GET(self):
            arrived.set()
            release.wait(10)
            body = NEW.encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    outcome = {}
    with serving(Slow) as base:
        def run():  # a worker thread, on a connection of its own
            with Store.open(store.path) as worker:
                outcome["value"] = import_new_version(worker, base + "/jets", old["article"]["id"],
                                                      reviewer_id=reviewer_id)
        thread = threading.Thread(target=run)
        thread.start()
        assert arrived.wait(10)
        set_verdict(store, old["jets"]["id"], "verified", reviewer_id=reviewer_id)  # not blocked by the download
        release.set()
        thread.join(10)
    _, report = outcome["value"]
    assert report.exact == 1 and store.get("articles", report.article_id)["url"] == base + "/jets"
    with serving(Slow) as base, pytest.raises(WorkbenchError, match="cancelled"):
        release.clear()
        import_new_version(store, base + "/other", old["article"]["id"], reviewer_id=reviewer_id,
                           cancelled=lambda: arrived.is_set())
    assert store.get_value("SELECT count(*) FROM articles WHERE url LIKE ?", ["%/other"]) == 0


def test_cancel_after_the_carry_stores_nothing(store, reviewer_id, old, tmp_path):
    (tmp_path / "v2.txt").write_text(NEW, encoding="utf-8")
    tables = ("articles", "claims", "orphans", "article_versions")
    before = {t: store.get_value(f"SELECT count(*) FROM {t}") for t in tables}
    asked = []
    with pytest.raises(WorkbenchError, match="cancelled; nothing was imported"):
        import_new_version(store, str(tmp_path / "v2.txt"), old["article"]["id"], reviewer_id=reviewer_id,
                           cancelled=lambda: asked.append(1) or len(asked) > 1)
    assert {t: store.get_value(f"SELECT count(*) FROM {t}") for t in tables} == before


def test_a_claim_keeps_its_number_on_a_new_version_and_placing_an_orphan_moves_none(store, reviewer_id, old):
    from workbench.claims import claim_numbers

    new = add_article(store, NEW, reviewer_id=reviewer_id).article
    add_version(store, old["article"]["id"], new["id"], reviewer_id=reviewer_id)
    carried = {carried_from(store, c["id"])["from_claim_id"]: c["id"] for c in claims_for(store, new["id"])}
    numbers = claim_numbers(store, new["id"])
    # jets #1 and drones #2 on the first version keep those numbers; the version numbers new claims after #4
    assert {numbers[carried[old["jets"]["id"]]], numbers[carried[old["drones"]["id"]]]} == {1, 2}
    fresh = add_claim(store, new["id"], *span(NEW, "Correction: an earlier version"), reviewer_id=reviewer_id)
    assert claim_numbers(store, new["id"])[fresh["id"]] == 5
    [orphan] = orphans_for(store, new["id"])
    placed = place_orphan(store, orphan["id"], *span(NEW, "Officials in Warsaw declined"), reviewer_id=reviewer_id)
    after = claim_numbers(store, new["id"])
    assert after[placed["id"]] == 3  # "gone" was #3 where it came from
    assert {k: v for k, v in after.items() if k != placed["id"]} == {**numbers, fresh["id"]: 5}
    added_to_old = add_claim(store, old["article"]["id"], *span(OLD, "Officials in Warsaw declined"),
                             reviewer_id=reviewer_id)
    assert claim_numbers(store, old["article"]["id"])[added_to_old["id"]] == 5
    assert claim_numbers(store, new["id"]) == after  # a claim added to the old version later moves nothing here


def test_the_open_version_numbers_a_new_claim_as_the_database_does(store, reviewer_id, old):
    from workbench.claims import claim_numbers
    from workbench.workspace import Workspace

    new = add_article(store, NEW, reviewer_id=reviewer_id).article
    add_version(store, old["article"]["id"], new["id"], reviewer_id=reviewer_id)
    workspace = Workspace(store, "Ana")
    opened = workspace.open_article(new["id"])
    claim_id = workspace.mark(new["id"], *span(NEW, "Correction: an earlier version"))
    assert opened.number(claim_id) == claim_numbers(store, new["id"])[claim_id] == 5
