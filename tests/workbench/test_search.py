"""Full-text search over articles, claims and evidence."""

from workbench.articles import add_article
from workbench.claims import add_claim, delete_claim, set_rationale
from workbench.search import MARK_OPEN, search


def test_search_finds_each_kind_and_skips_tombstones(store, reviewer_id):
    article = add_article(store, "Four Russian fighter jets were spotted near Poland.",
                          reviewer_id=reviewer_id, title="Jets").article
    claim = add_claim(store, article["id"], 0, 25, reviewer_id=reviewer_id)
    set_rationale(store, claim["id"], "Radar logs from Warszawa confirm it", reviewer_id=reviewer_id)
    store.insert("evidence", {"claim_id": claim["id"], "title": "Ministry statement",
                              "excerpt": "sortie over Podlaskie", "position": 1.0})
    kinds = {hit.kind for hit in search(store, "Russian")}
    assert kinds == {"article", "claim"}
    assert [h.kind for h in search(store, "warsz")] == ["claim"]  # prefix of the last word
    assert [h.kind for h in search(store, "Podlaskie")] == ["evidence"]
    assert MARK_OPEN in search(store, "Podlaskie")[0].snippet
    delete_claim(store, claim["id"], reviewer_id=reviewer_id)
    assert search(store, "warszawa") == []


def test_search_text_is_not_query_syntax(store, reviewer_id):
    add_article(store, "NOT a problem OR \"quoted\" (maybe)", reviewer_id=reviewer_id)
    assert len(search(store, 'NOT OR "quoted')) == 1
    assert search(store, "   ") == []
