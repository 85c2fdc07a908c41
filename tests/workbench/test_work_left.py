"""What still needs work: counted for every article at once, and listed claim by claim with the reason."""

from workbench.articles import add_article, delete_article
from workbench.claims import add_claim, claim_numbers, delete_claim, set_rationale, set_verdict
from workbench.disagreements import settle
from workbench.evidence import add_evidence
from workbench.work_left import claims_needing_work, empty_work, work_counts

BODY = "The minister said unemployment fell by 40% last year.\nThe mayor disagreed, citing 12% growth."


def test_each_reason_is_counted_per_article_and_listed_per_claim(store):
    ana, bo = store.reviewer("Ana"), store.reviewer("Bo")
    jobs = add_article(store, BODY, reviewer_id=ana, title="Jobs").article["id"]
    quiet = add_article(store, "Nothing to see here at all.", reviewer_id=ana, title="Quiet").article["id"]
    pending = add_claim(store, jobs, 4, 12, reviewer_id=ana)["id"]
    bare = add_claim(store, jobs, 13, 17, reviewer_id=ana)["id"]
    set_verdict(store, bare, "verified", reviewer_id=ana)  # judged: no evidence, no rationale
    done = add_claim(store, jobs, 58, 63, reviewer_id=ana)["id"]
    set_verdict(store, done, "disputed", reviewer_id=ana)
    set_rationale(store, done, "The mayor's office says otherwise.", reviewer_id=ana)
    add_evidence(store, done, reviewer_id=ana, url="https://example.org/a", title="A")
    argued = add_claim(store, jobs, 64, 74, reviewer_id=ana)["id"]
    set_verdict(store, argued, "verified", reviewer_id=ana)
    set_verdict(store, argued, "disputed", reviewer_id=bo)  # Bo's verdict on Ana's claim: they disagree
    gone = add_claim(store, jobs, 75, 80, reviewer_id=ana)["id"]
    delete_claim(store, gone, reviewer_id=ana)

    counts = work_counts(store)
    assert counts[quiet] == empty_work()
    assert counts[jobs] == {"pending": 1, "no_evidence": 2, "no_rationale": 2, "disagreement": 1}
    assert work_counts(store, [jobs]) == {jobs: counts[jobs]}
    items = claims_needing_work(store)
    numbers = claim_numbers(store, jobs)
    assert [(i.claim_id, i.number, i.reasons) for i in items] == [
        (pending, numbers[pending], ("pending",)),
        (bare, numbers[bare], ("no_evidence", "no_rationale")),
        (argued, numbers[argued], ("no_evidence", "no_rationale", "disagreement"))]
    assert items[0].quote == "minister" and numbers[argued] == 4  # the deleted claim keeps its number 5

    settle(store, [argued], "disputed", reviewer_id=ana)
    assert work_counts(store, [jobs])[jobs]["disagreement"] == 0
    delete_article(store, jobs)
    assert jobs not in work_counts(store) and claims_needing_work(store) == []


def test_overlapping_claims_of_two_reviewers_with_different_verdicts_need_work(store):
    ana, bo = store.reviewer("Ana"), store.reviewer("Bo")
    jobs = add_article(store, BODY, reviewer_id=ana, title="Jobs").article["id"]
    mine = add_claim(store, jobs, 4, 30, reviewer_id=ana)["id"]
    theirs = add_claim(store, jobs, 18, 40, reviewer_id=bo)["id"]
    set_verdict(store, mine, "verified", reviewer_id=ana)
    set_verdict(store, theirs, "disputed", reviewer_id=bo)
    reasons = {i.claim_id: i.reasons for i in claims_needing_work(store, [jobs])}
    assert "disagreement" in reasons[mine] and "disagreement" in reasons[theirs]
    assert work_counts(store)[jobs]["disagreement"] == 2


def test_the_open_articles_tally_follows_every_action_as_a_fresh_count_would(store):
    from workbench.workspace import Workspace

    jobs = add_article(store, BODY, reviewer_id=store.reviewer("Ana"), title="Jobs").article["id"]
    ana, bo = Workspace(store, "Ana"), Workspace(store, "Bo")
    opened = ana.open_article(jobs)

    def agrees():
        assert opened.work_counts() == work_counts(store, [jobs])[jobs]

    agrees()
    first = ana.mark(jobs, 4, 30)
    second = ana.mark(jobs, 58, 63)
    agrees()
    ana.set_verdict(first, "verified")
    agrees()
    ana.set_rationale(first, "The statistics office says so.")
    ana.add_evidence(first, {"url": "https://example.org/a", "title": "A"})
    agrees()
    bo.mark(jobs, 18, 40)  # Bo's overlapping claim, pending: no disagreement yet
    ana.notice_outside_changes()
    bo.set_verdict(bo.claims_of(jobs)[1]["id"], "disputed")
    ana.notice_outside_changes()
    agrees()
    ana.set_verdict(second, "disputed")
    ana.delete_claim(second)
    agrees()
    ana.undo_stack.undo()
    agrees()
