"""Claims: creation with quote selectors, verdicts with history, tombstones."""

import pytest

from workbench.articles import add_article, find_article, list_articles
from workbench.claims import (add_claim, claims_for, delete_claim, restore_claim, set_rationale,
                              set_verdict, verdict_history)
from workbench.errors import WorkbenchError
from workbench.ids import article_id

BODY = "Héllo 😀 world.\nFour Russian fighter jets were spotted near the border."


@pytest.fixture
def article(store, reviewer_id):
    return add_article(store, BODY, reviewer_id=reviewer_id, url="https://example.org/a").article


def test_article_id_comes_from_text(store, reviewer_id, article):
    assert article["id"] == article_id(BODY)
    again = add_article(store, BODY.replace("\n", "\r\n"), reviewer_id=reviewer_id, url="https://mirror.example/a")
    assert not again.new and "another place" in again.note
    assert len(list_articles(store)) == 1
    assert find_article(store, article["id"][:8])["id"] == article["id"]


def test_claim_after_emoji_stores_code_point_range(store, reviewer_id, article):
    start = BODY.index("world")
    claim = add_claim(store, article["id"], start, start + 5, reviewer_id=reviewer_id)
    assert claim["quote"] == "world" and claim["prefix"] == BODY[:start]
    with pytest.raises(WorkbenchError):
        add_claim(store, article["id"], 5, 5, reviewer_id=reviewer_id)
    with pytest.raises(WorkbenchError):
        add_claim(store, article["id"], 0, len(BODY) + 1, reviewer_id=reviewer_id)


def test_verdicts_keep_history_and_counts(store, reviewer_id, article):
    claim = add_claim(store, article["id"], 0, 5, reviewer_id=reviewer_id)
    set_verdict(store, claim["id"], "disputed", reviewer_id=reviewer_id)
    set_verdict(store, claim["id"], "disputed", reviewer_id=reviewer_id)  # no change, no history
    set_verdict(store, claim["id"], "verified", reviewer_id=reviewer_id)
    history = verdict_history(store, claim["id"])
    assert [(h["from_verdict"], h["to_verdict"], h["reviewer"]) for h in history] == [
        ("pending", "disputed", "Ana"), ("disputed", "verified", "Ana")]
    assert list_articles(store)[0]["counts"]["verified"] == 1
    with pytest.raises(ValueError):
        set_verdict(store, claim["id"], "true-ish", reviewer_id=reviewer_id)


def test_delete_is_a_tombstone_and_restorable(store, reviewer_id, article):
    claim = add_claim(store, article["id"], 0, 5, reviewer_id=reviewer_id, rationale="x")
    set_rationale(store, claim["id"], "**because** <b>", reviewer_id=reviewer_id)
    delete_claim(store, claim["id"], reviewer_id=reviewer_id)
    assert claims_for(store, article["id"]) == []
    assert store.get("claims", claim["id"])["deleted_at"]
    restore_claim(store, claim["id"], reviewer_id=reviewer_id)
    assert claims_for(store, article["id"])[0]["rationale"] == "**because** <b>"


def test_reimporting_a_deleted_article_restores_it(store, reviewer_id, article):
    store.update("articles", article["id"], deleted_at="2026-01-01T00:00:00.000000Z")
    again = add_article(store, BODY, reviewer_id=reviewer_id)
    assert not again.new and again.article["deleted_at"] is None and "restored" in again.note
