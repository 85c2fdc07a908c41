"""Disagreements between reviewers and settling them."""

from workbench.articles import add_article
from workbench.claims import add_claim, verdict_history
from workbench.disagreements import disagreements, settle

BODY = "Four jets crossed the border on Monday. The ministry denied it. Talks resume in May."


def _claim(store, article, phrase, reviewer, verdict):
    start = BODY.index(phrase)
    return add_claim(store, article, start, start + len(phrase), reviewer_id=reviewer, verdict=verdict)


def test_overlapping_different_verdicts_by_different_reviewers(store):
    ana, bo = store.reviewer("Ana"), store.reviewer("Bo")
    article = add_article(store, BODY, reviewer_id=ana).article["id"]
    a = _claim(store, article, "Four jets crossed the border", ana, "verified")
    b = _claim(store, article, "jets crossed the border on Monday", bo, "disputed")
    _claim(store, article, "The ministry denied it", ana, "verified")  # nobody else marked it
    _claim(store, article, "Talks resume", ana, "disputed")
    _claim(store, article, "resume in May", bo, "pending")  # pending is no disagreement
    [found] = disagreements(store, article)
    assert set(found.claim_ids) == {a["id"], b["id"]}
    assert found.summary() == "Ana: Verified · Bo: Disputed"


def test_same_reviewer_or_same_verdict_is_not_a_disagreement(store):
    ana, bo = store.reviewer("Ana"), store.reviewer("Bo")
    article = add_article(store, BODY, reviewer_id=ana).article["id"]
    _claim(store, article, "Four jets", ana, "verified")
    _claim(store, article, "jets crossed", ana, "disputed")
    _claim(store, article, "The ministry", ana, "verified")
    _claim(store, article, "ministry denied", bo, "verified")
    assert disagreements(store, article) == []


def test_settling_records_the_verdict_and_keeps_the_originals(store):
    ana, bo, cy = store.reviewer("Ana"), store.reviewer("Bo"), store.reviewer("Cy")
    article = add_article(store, BODY, reviewer_id=ana).article["id"]
    a = _claim(store, article, "Four jets crossed the border", ana, "verified")
    b = _claim(store, article, "jets crossed the border on Monday", bo, "disputed")
    [found] = disagreements(store, article)
    settle(store, found.claim_ids, "disputed", reviewer_id=cy)
    assert disagreements(store, article) == []
    history_a = verdict_history(store, a["id"])
    assert [(h["from_verdict"], h["to_verdict"]) for h in history_a] == [("pending", "verified"), ("verified", "disputed")]
    assert history_a[-1]["note"] == "settled by Cy" and history_a[-1]["reviewer"] == "Cy"
    assert [h["to_verdict"] for h in verdict_history(store, b["id"])] == ["disputed"]
