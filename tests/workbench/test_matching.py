"""The matcher on small hand-made cases, "checked before", adopting a match, known sentences, and the CLI."""

import json

import pytest

from workbench.articles import add_article
from workbench.checked_before import KnownSentences, adoption, checked_before, rating_verdict
from workbench.claims import add_claim, delete_claim, set_verdict
from workbench.cli import main
from workbench.evidence import add_evidence
from workbench.factchecks import import_reviews
from workbench.matching import Matcher, prepare


def review(claim, url, rating="False", title=None, by="Desk Check", date="2024-03-06"):
    data = {"@type": "ClaimReview", "claimReviewed": claim, "url": url, "datePublished": date,
            "author": {"@type": "Organization", "name": by}, "reviewRating": {"alternateName": rating}}
    if title:
        data["headline"] = title
    return data


FACT_CHECKS = [
    review("Drinking hot water cures the coronavirus.", "https://fc.example/hot-water"),
    review("Hot weather kills the coronavirus in a few days.", "https://fc.example/weather", "Misleading"),
    review("Drinking bleach cures cancer.", "https://fc.example/bleach"),
    review("Unemployment fell by 3 percent last year.", "https://fc.example/3", "True"),
    review("Unemployment fell by 30 percent last year.", "https://fc.example/30"),
    review("Путин заявил, что НАТО расширилось на восток после 1990 года.", "https://fc.example/ru", "Ложь"),
    review("Ο πρωθυπουργός είπε ότι οι μισθοί αυξήθηκαν κατά 10%.", "https://fc.example/el", "Ψευδές"),
    review("The CBC cut Donald Trump from its broadcast of Home Alone 2.", "https://fc.example/cbc",
           title="Was Trump cut from Home Alone 2?"),
]


@pytest.fixture
def matcher(store, reviewer_id):
    import_reviews(store, FACT_CHECKS, source="fc.json", reviewer_id=reviewer_id)
    return Matcher(store)


def urls(matches):
    return [m.url for m in matches]


def test_a_paraphrase_finds_its_fact_check_first(matcher):
    best = matcher.match("Can you really get rid of the coronavirus by drinking hot water?")[0]
    assert best.url == "https://fc.example/hot-water"
    assert (best.kind, best.verdict, best.source, best.date) == ("fact_check", "False", "Desk Check", "2024-03-06")


def test_a_changed_number_ranks_below_the_same_number_and_is_flagged(matcher):
    matches = matcher.match("The minister says unemployment fell 3 percent in a year")
    assert urls(matches)[:2] == ["https://fc.example/3", "https://fc.example/30"]
    assert [m.numbers_differ for m in matches[:2]] == [False, True]
    assert matches[0].score > matches[1].score
    other = matcher.match("The minister says unemployment fell 30 percent in a year")
    assert urls(other)[:2] == ["https://fc.example/30", "https://fc.example/3"]


@pytest.mark.parametrize("query, url", [
    ("НАТО расширилось на восток, заявил Путин", "https://fc.example/ru"),
    ("οι μισθοί αυξήθηκαν κατά 10%", "https://fc.example/el"),
])
def test_text_in_another_script_finds_the_fact_check_in_that_script(matcher, query, url):
    assert urls(matcher.match(query))[0] == url


def test_hashtags_and_mentions_are_split_into_words(matcher):
    assert prepare("#DefundTheCBC now @HomeAlone2 https://t.co/x pic.twitter.com/y").split() == (
        "DefundTheCBC Defund The CBC now HomeAlone2 Home Alone 2".split())
    assert urls(matcher.match("#CBC deleted #DonaldTrump from #HomeAlone2"))[0] == "https://fc.example/cbc"


@pytest.mark.parametrize("query", ["", "   ", "the of and", '"NEAR(a b)" OR * AND ^', "!!!"])
def test_empty_stopword_and_query_syntax_input_never_fails(matcher, query):
    assert isinstance(matcher.match(query), list)


def test_judged_claims_of_any_article_are_matched_but_not_pending_or_deleted_ones(store, reviewer_id, matcher):
    text = "The mayor said the new bridge cost 3 billion euros. The river is wide."
    article = add_article(store, text, reviewer_id=reviewer_id, title="Bridge story",
                          url="https://news.example/bridge").article
    judged = add_claim(store, article["id"], 0, text.index(" The river"), reviewer_id=reviewer_id)
    set_verdict(store, judged["id"], "disputed", reviewer_id=reviewer_id)
    pending = add_claim(store, article["id"], text.index("The river"), len(text), reviewer_id=reviewer_id)
    [best] = matcher.match("Did the bridge really cost 3 billion euros?", limit=1)
    assert (best.kind, best.id, best.verdict, best.source, best.url, best.article_id) == (
        "claim", judged["id"], "disputed", "Bridge story", "https://news.example/bridge", article["id"])
    assert all(m.id != pending["id"] for m in matcher.match("the river is wide"))
    delete_claim(store, judged["id"], reviewer_id=reviewer_id)
    assert all(m.id != judged["id"] for m in matcher.match("bridge cost 3 billion euros"))


def test_checked_before_leaves_the_claim_itself_out(store, reviewer_id, matcher):
    text = "Drinking hot water cures the coronavirus, the post claimed."
    article = add_article(store, text, reviewer_id=reviewer_id).article
    claim = add_claim(store, article["id"], 0, text.index(","), reviewer_id=reviewer_id, verdict="disputed")
    found = checked_before(matcher, claim["id"])
    assert found[0].url == "https://fc.example/hot-water" and all(m.id != claim["id"] for m in found)
    assert checked_before(matcher, "no-such-claim") == []


@pytest.mark.parametrize("rating, verdict", [
    ("False", "disputed"), ("Pants on Fire!", "disputed"), ("Mostly False", "disputed"), ("Misleading", "disputed"),
    ("True", "verified"), ("Correct", "verified"), ("Half True", "unverifiable"), ("Unproven", "unverifiable"),
    ("Ложь", None), (None, None),
])
def test_a_published_rating_suggests_a_verdict_or_none(rating, verdict):
    assert rating_verdict(rating) == verdict


def test_adopting_a_match_gives_evidence_fields_that_the_evidence_module_accepts(store, reviewer_id, matcher):
    text = "Hot water cures the coronavirus, a viral post says."
    article = add_article(store, text, reviewer_id=reviewer_id).article
    claim = add_claim(store, article["id"], 0, text.index(","), reviewer_id=reviewer_id)
    best = checked_before(matcher, claim["id"])[0]
    adopted = adoption(best)
    assert adopted.offered_verdict == "disputed"
    row = add_evidence(store, claim["id"], reviewer_id=reviewer_id, **adopted.evidence)
    assert (row["url"], row["publisher"], row["stance"]) == ("https://fc.example/hot-water", "Desk Check", "refutes")
    assert row["note"] == "Rated “False” by Desk Check on 2024-03-06"
    assert store.get_value("SELECT verdict FROM claims WHERE id = ?", [claim["id"]]) == "pending"  # offered only


def test_known_sentences_of_an_article_are_found_with_their_spans(store, reviewer_id, matcher):
    body = ("A post went viral this week. It said that drinking hot water cures the coronavirus. "
            "Doctors disagree. Separately, unemployment fell by 30 percent last year, the minister said.")
    known = KnownSentences(matcher).find(body)
    found = {body[k.start:k.end]: k.match.url for k in known}
    assert found == {
        "It said that drinking hot water cures the coronavirus.": "https://fc.example/hot-water",
        "Separately, unemployment fell by 30 percent last year, the minister said.": "https://fc.example/30",
    }
    assert KnownSentences(matcher).find(body, threshold=2.0) == []


def test_match_command_prints_a_table_and_json_lines(store, reviewer_id, matcher, tmp_path, capsys):
    db = str(store.path)
    assert main(["match", db, "drinking hot water cures coronavirus", "--limit", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and lines[0].split("\t")[1:] == [
        "False", "Desk Check", "2024-03-06", "Drinking hot water cures the coronavirus.", "https://fc.example/hot-water"]
    queries = tmp_path / "q.tsv"
    queries.write_text("q1\tdrinking hot water cures coronavirus\n\nno tab here\nq2\tunemployment fell 30 percent\n",
                       encoding="utf-8")
    assert main(["match", db, "--queries", str(queries), "--json", "--limit", "1"]) == 0
    captured = capsys.readouterr()
    answers = [json.loads(line) for line in captured.out.splitlines()]
    assert [(a["query"], a["matches"][0]["url"]) for a in answers] == [
        ("q1", "https://fc.example/hot-water"), ("q2", "https://fc.example/30")]
    first = answers[0]["matches"][0]
    assert set(first) >= {"url", "score", "verdict", "text", "source", "date", "kind", "claim_id"}
    assert captured.err == f"{queries}: line 3 skipped: no tab (expected id<TAB>text)\n"


@pytest.mark.parametrize("args, status", [(["x"], 0), ([], 2), (["x", "--queries", "q.tsv"], 2),
                                          (["x", "--limit", "0"], 2)])
def test_match_command_usage(store, args, status, capsys):
    assert main(["match", str(store.path), *args]) == status if status == 0 else True
    if status == 2:
        with pytest.raises(SystemExit) as exit_:
            code = main(["match", str(store.path), *args])
            raise SystemExit(code)
        assert exit_.value.code == 2


def test_match_command_on_a_missing_database_is_one_error_line(tmp_path, capsys):
    assert main(["match", str(tmp_path / "none.db"), "x"]) == 1
    assert capsys.readouterr().err.count("\n") == 1
