"""Statistics: counts by article, verdict and reviewer; agreement and Cohen's kappa."""

import pytest

from workbench import stats
from workbench.articles import add_article
from workbench.claims import add_claim, delete_claim, set_verdict

WORDS = " ".join(f"w{i:02d}" for i in range(60))  # word i is at 4*i .. 4*i+3


def word(i):
    return 4 * i, 4 * i + 3


@pytest.fixture
def article(store, reviewer_id):
    return add_article(store, WORDS, reviewer_id=reviewer_id, title="Words").article


def claim(store, article, i, reviewer, verdict, shift=0):
    start, end = word(i)
    return add_claim(store, article["id"], start + shift, end, reviewer_id=reviewer, verdict=verdict)


def test_counts_by_article_verdict_and_reviewer(store, reviewer_id, article):
    ben = store.reviewer("Ben")
    other = add_article(store, "Another article entirely.", reviewer_id=ben).article
    gone_article = add_article(store, "A deleted article.", reviewer_id=ben).article
    first = claim(store, article, 0, reviewer_id, "verified")
    claim(store, article, 1, reviewer_id, "pending")
    claim(store, article, 2, ben, "disputed")
    add_claim(store, other["id"], 0, 7, reviewer_id=ben, verdict="unverifiable")
    deleted = claim(store, article, 3, ben, "verified")
    delete_claim(store, deleted["id"], reviewer_id=ben)
    add_claim(store, gone_article["id"], 0, 1, reviewer_id=ben, verdict="verified")
    with store.transaction():
        store.update("articles", gone_article["id"], deleted_at="2024-01-01T00:00:00.000000Z")
    set_verdict(store, first["id"], "disputed", reviewer_id=ben)
    set_verdict(store, first["id"], "pending", reviewer_id=ben)  # back to pending: not a verdict given

    result = stats.collect(store)
    assert [(a["title"], a["total"]) for a in result["articles"]] == [
        ("Another article entirely.", 1), ("Words", 3)]
    assert result["articles"][1]["counts"] == {"pending": 2, "verified": 0, "disputed": 1, "unverifiable": 0}
    assert result["verdicts"] == {"pending": 2, "verified": 0, "disputed": 1, "unverifiable": 1}
    assert result["total"] == 4
    assert [(r["name"], r["claims"], r["verdicts"]) for r in result["reviewers"]] == [
        ("Ana", 2, 1), ("Ben", 2, 3)]  # Ben: disputed, unverifiable, and Ana's claim disputed


def test_kappa_on_a_hand_checked_two_by_two(store, reviewer_id, article):
    # Confusion (Ana rows, Ben columns): verified/verified 20, verified/disputed 5,
    # disputed/verified 10, disputed/disputed 15. po = 0.7, pe = (25*30 + 25*20) / 50² = 0.5,
    # kappa = (0.7 - 0.5) / (1 - 0.5) = 0.4.
    ben = store.reviewer("Ben")
    cells = [("verified", "verified")] * 20 + [("verified", "disputed")] * 5 + \
            [("disputed", "verified")] * 10 + [("disputed", "disputed")] * 15
    for i, (mine, theirs) in enumerate(cells):
        claim(store, article, i, reviewer_id, mine)
        claim(store, article, i, ben, theirs, shift=1)  # overlapping, not identical ranges
    (pair,) = stats.collect(store)["agreement"]
    assert pair["reviewers"] == ("Ana", "Ben")
    assert (pair["matched"], pair["judged"], pair["agreed"]) == (50, 50, 35)
    assert pair["percent"] == pytest.approx(70.0)
    assert pair["kappa"] == pytest.approx(0.4)


def test_kappa_three_categories_by_hand():
    pairs = [("verified", "verified"), ("verified", "disputed"), ("disputed", "disputed"),
             ("unverifiable", "unverifiable")]
    # po = 3/4; Ana v2 d1 u1, Ben v1 d2 u1: pe = (2 + 2 + 1) / 16; kappa = (12 - 5) / (16 - 5)
    assert stats.cohen_kappa(pairs) == pytest.approx(7 / 11)
    assert stats.cohen_kappa([("verified", "disputed"), ("disputed", "verified")]) == pytest.approx(-1.0)
    assert stats.cohen_kappa([]) is None


def test_perfect_agreement_is_one(store, reviewer_id, article):
    ben = store.reviewer("Ben")
    for i, verdict in enumerate(["verified", "disputed", "unverifiable", "verified"]):
        claim(store, article, i, reviewer_id, verdict)
        claim(store, article, i, ben, verdict)
    (pair,) = stats.collect(store)["agreement"]
    assert pair["percent"] == 100.0 and pair["kappa"] == 1.0


def test_one_category_only_does_not_divide_by_zero(store, reviewer_id, article):
    ben = store.reviewer("Ben")
    for i in range(3):
        claim(store, article, i, reviewer_id, "verified")
        claim(store, article, i, ben, "verified")
    result = stats.collect(store)
    (pair,) = result["agreement"]
    assert pair["percent"] == 100.0 and pair["kappa"] is None
    assert "100.0%" in stats.render(result)


def test_each_claim_pairs_with_its_best_overlap_and_only_judged_pairs_count(store, reviewer_id, article):
    ben, cy = store.reviewer("Ben"), store.reviewer("Cy")
    # Ana marks words 0-2; Ben marks word 0 (disputed) and words 0-1 (verified, the larger overlap).
    add_claim(store, article["id"], 0, word(2)[1], reviewer_id=reviewer_id, verdict="verified")
    add_claim(store, article["id"], *word(0), reviewer_id=ben, verdict="disputed")
    add_claim(store, article["id"], 0, word(1)[1], reviewer_id=ben, verdict="verified")
    # Far away: Ana's claim overlaps Cy's pending claim most, and Cy's judged one a little.
    add_claim(store, article["id"], word(10)[0], word(12)[1], reviewer_id=reviewer_id, verdict="disputed")
    add_claim(store, article["id"], word(10)[0], word(12)[1], reviewer_id=cy)
    add_claim(store, article["id"], word(12)[0], word(14)[1], reviewer_id=cy, verdict="verified")
    # Ben's claim that overlaps nothing of Ana's does not count.
    add_claim(store, article["id"], *word(30), reviewer_id=ben, verdict="verified")
    by_pair = {p["reviewers"]: p for p in stats.collect(store)["agreement"]}
    assert set(by_pair) == {("Ana", "Ben"), ("Ana", "Cy")}
    ana_ben = by_pair[("Ana", "Ben")]
    assert (ana_ben["matched"], ana_ben["judged"], ana_ben["agreed"]) == (1, 1, 1)
    ana_cy = by_pair[("Ana", "Cy")]
    assert (ana_cy["matched"], ana_cy["judged"], ana_cy["percent"], ana_cy["kappa"]) == (1, 0, None, None)
    text = stats.render(stats.collect(store))
    assert "Ana / Cy" in text and "—" in text


def test_render_table(store, reviewer_id, article):
    add_article(store, "\x1b[31mRed\x1b[0m\ttitle of a long article that goes on and on and on",
                reviewer_id=store.reviewer("李雷"))
    claim(store, article, 0, reviewer_id, "verified")
    text = stats.render(stats.collect(store))
    assert text.endswith("\n") and "\x1b" not in text and "\t" not in text
    lines = text.splitlines()
    assert lines[0] == "1 claim in 2 articles"
    header = next(line for line in lines if line.lstrip().startswith("Article"))
    assert "Pending" in header and "Unverifiable" in header
    words = next(line for line in lines if line.lstrip().startswith("Words"))
    assert words.split()[1:] == ["0", "1", "0", "0", "1"]
    long = next(line for line in lines if "Red" in line)
    assert "…" in long and len(long) == len(words)  # cut to the same column width
    chinese = next(line for line in lines if "李雷" in line)
    ana = next(line for line in lines if line.lstrip().startswith("Ana"))
    assert len(chinese) == len(ana) - 2  # two wide characters take four columns
    assert "no two reviewers" in text


def test_empty_database(store):
    result = stats.collect(store)
    assert result["total"] == 0 and result["agreement"] == [] and result["articles"] == []
    assert "0 claims in 0 articles" in stats.render(result)


def test_a_settled_disagreement_still_counts_as_one(store, reviewer_id, article):
    from workbench.disagreements import disagreements, settle

    ben = store.reviewer("Ben")
    claim(store, article, 0, reviewer_id, "verified")
    claim(store, article, 0, ben, "disputed", shift=1)
    [found] = disagreements(store, article["id"])
    settle(store, found.claim_ids, "disputed", reviewer_id=reviewer_id)  # Ana gives in
    (pair,) = stats.collect(store)["agreement"]
    assert (pair["judged"], pair["agreed"], pair["percent"]) == (1, 0, 0.0)  # not 100%


def test_two_reviewers_verdicts_on_one_claim_are_a_pair(store, reviewer_id, article):
    ben = store.reviewer("Ben")
    shared = claim(store, article, 0, reviewer_id, "verified")
    set_verdict(store, shared["id"], "unverifiable", reviewer_id=ben)
    other = claim(store, article, 5, reviewer_id, "disputed")
    set_verdict(store, other["id"], "disputed", reviewer_id=ben)  # no change: Ben gave no verdict
    (pair,) = stats.collect(store)["agreement"]
    assert pair["reviewers"] == ("Ana", "Ben") and (pair["judged"], pair["agreed"]) == (1, 0)


def test_articles_are_listed_in_natural_order(store, reviewer_id):
    for title in ("item 10", "Item 2", "item 1", "apple"):
        add_article(store, f"Body of {title}.", reviewer_id=reviewer_id, title=title)
    titles = [a["title"] for a in stats.collect(store)["articles"]]
    assert titles == ["apple", "item 1", "Item 2", "item 10"]
    table = stats.render(stats.collect(store))
    assert table.index("Item 2") < table.index("item 10")
