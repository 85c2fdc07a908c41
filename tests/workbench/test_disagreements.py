"""Disagreements between reviewers and settling them."""

from workbench.articles import add_article
from workbench.claims import add_claim, set_verdict, undo_verdict, verdict_history
from workbench.disagreements import disagreements, find_disagreements, own_verdicts, settle

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
    # b already had the settled verdict: the settlement is recorded (it closes the disagreement), unchanged
    assert [(h["to_verdict"], h["note"]) for h in verdict_history(store, b["id"])] == [
        ("disputed", None), ("disputed", "settled by Cy")]
    assert store.get("claims", b["id"])["verdict"] == "disputed"


def test_two_reviewers_verdicts_on_the_same_claim_are_a_disagreement_until_settled(store):
    ana, bo = store.reviewer("Ana"), store.reviewer("Bo")
    article = add_article(store, BODY, reviewer_id=ana).article["id"]
    a = _claim(store, article, "Four jets crossed the border", ana, "verified")
    set_verdict(store, a["id"], "unverifiable", reviewer_id=bo)
    [found] = disagreements(store, article)
    assert found.claim_ids == (a["id"],) and found.summary() == "Ana: Verified · Bo: Unverifiable"
    assert own_verdicts(store, article) == {a["id"]: {ana: "verified", bo: "unverifiable"}}
    settle(store, found.claim_ids, "unverifiable", reviewer_id=ana)  # already so: still settled
    assert disagreements(store, article) == []
    assert own_verdicts(store, article) == {a["id"]: {ana: "verified", bo: "unverifiable"}}
    set_verdict(store, a["id"], "disputed", reviewer_id=bo)  # a new opinion after the settlement
    assert disagreements(store, article) == []  # only Bo has spoken since
    set_verdict(store, a["id"], "verified", reviewer_id=ana)
    assert [d.summary() for d in disagreements(store, article)] == ["Ana: Verified · Bo: Disputed"]


def test_undoing_a_settlement_reopens_the_disagreement(store):
    ana, bo = store.reviewer("Ana"), store.reviewer("Bo")
    article = add_article(store, BODY, reviewer_id=ana).article["id"]
    a = _claim(store, article, "Four jets crossed the border", ana, "verified")
    b = _claim(store, article, "jets crossed the border on Monday", bo, "disputed")
    changed = settle(store, [a["id"], b["id"]], "verified", reviewer_id=bo)
    assert disagreements(store, article) == []
    for claim_id, history_id in changed.items():
        undo_verdict(store, claim_id, history_id, reviewer_id=bo)
    assert len(disagreements(store, article)) == 1


def test_find_disagreements_works_on_a_subset_with_given_opinions():
    rows = [{"id": "x", "start": 0, "end": 5, "created_by": "A", "verdict": "verified"},
            {"id": "y", "start": 10, "end": 15, "created_by": "A", "verdict": "pending"}]
    names = {"A": "Ana", "B": "Bo"}
    assert find_disagreements(rows, names) == []
    [found] = find_disagreements(rows, names, {"y": {"A": "verified", "B": "disputed"}})
    assert found.claim_ids == ("y",) and found.verdicts == (("Ana", "verified", "y"), ("Bo", "disputed", "y"))
    assert find_disagreements(rows[:1], names, {"y": {"A": "verified", "B": "disputed"}}) == []
