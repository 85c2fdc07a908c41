"""What the desk already knows, through the workspace without Qt: checked before off the calling thread,
known sentences, adopting a match, comparing two articles and carrying a claim across."""

import json
import os
import threading

import pytest

from workbench.articles import add_article
from workbench.claims import claims_for, get_claim, set_verdict
from workbench.errors import WorkbenchError
from workbench.evidence import evidence_for
from workbench.paths import seed_files
from workbench.seeds import open_database
from workbench.store import Store
from workbench.workspace import Workspace
from workbench.workspace.known import MatchesFound, SentencesFound, claim_key, sentence_key

FACT_CHECKS = [
    {"@type": "ClaimReview", "claimReviewed": "Drinking hot water cures the coronavirus.",
     "url": "https://fc.example/hot-water", "datePublished": "2024-03-06",
     "author": {"@type": "Organization", "name": "Desk Check"}, "reviewRating": {"alternateName": "False"}},
    {"@type": "ClaimReview", "claimReviewed": "Unemployment fell by 30 percent last year.",
     "url": "https://fc.example/30", "author": {"@type": "Organization", "name": "Stats Check"},
     "reviewRating": {"alternateName": "Mostly true"}},
]
VIRAL = ("A post went viral this week. It said that drinking hot water cures the coronavirus. Doctors disagree.\n"
         "The bridge over the river cost 3 billion euros, the mayor said.")
SECOND = "Another story. The bridge over the river cost 3 billion euros, the mayor said again. Nothing else."


@pytest.fixture
def ws(db_path, tmp_path):
    store = open_database(db_path, reviewer="Ana")
    workspace = Workspace(store, "Ana")
    feed = tmp_path / "fact-checks.json"
    feed.write_text(json.dumps(FACT_CHECKS), encoding="utf-8")
    workspace.import_sources([str(feed)])
    yield workspace
    workspace.close()


def answers(ws):
    """Every answer the service gives, with the thread it was given on."""
    seen = []
    ws.known.events.matches.connect(lambda event: seen.append((event, threading.current_thread())))
    ws.known.events.sentences.connect(lambda event: seen.append((event, threading.current_thread())))
    return seen


def add(ws, body, title):
    return add_article(ws.store, body, reviewer_id=ws.reviewer_id, title=title).article["id"]


def hot_water_claim(ws) -> tuple[str, str]:
    """The viral article and its claim that hot water cures the coronavirus (a fact-check says False)."""
    article_id = add(ws, VIRAL, "Viral")
    return article_id, ws.mark(article_id, VIRAL.index("drinking"), VIRAL.index(". Doctors"))


def test_checked_before_is_answered_on_a_worker_thread_and_keyed_to_the_claim(ws):
    _article_id, claim_id = hot_water_claim(ws)
    seen = answers(ws)
    ws.known.ask_claim(claim_id)
    assert ws.known.wait_idle(30)
    [(event, thread)] = seen
    assert isinstance(event, MatchesFound) and event.key == claim_key(claim_id) and event.error is None
    assert thread is not threading.current_thread()
    best = event.matches[0]
    assert (best.url, best.verdict, best.source, best.date) == ("https://fc.example/hot-water", "False", "Desk Check",
                                                               "2024-03-06")


def test_only_the_newest_question_of_each_kind_is_answered(ws):
    article_id = add(ws, VIRAL, "Viral")
    first = ws.mark(article_id, 0, 6)
    second = ws.mark(article_id, VIRAL.index("The bridge"), len(VIRAL))
    seen = answers(ws)
    with ws.known._wake:  # the worker cannot take a question until both are asked
        ws.known.ask_claim(first)
        ws.known.ask_claim(second)
        ws.known.ask_sentences(article_id, VIRAL)
        ws.known.ask_sentences(article_id, VIRAL)
    assert ws.known.wait_idle(30)
    assert [type(event).__name__ for event, _ in seen] == ["MatchesFound", "SentencesFound"]
    assert seen[0][0].key == claim_key(second)


def test_a_sentence_is_asked_about_by_its_place_and_text(ws):
    article_id = add(ws, VIRAL, "Viral")
    start = VIRAL.index("It said")
    end = VIRAL.index(" Doctors")
    seen = answers(ws)
    ws.known.ask_sentence(article_id, start, end, VIRAL[start:end])
    assert ws.known.wait_idle(30)
    [(event, _)] = seen
    assert event.key == sentence_key(article_id, start, end)
    assert event.matches[0].url == "https://fc.example/hot-water"


def test_known_sentences_follow_verdicts_and_imports_and_leave_the_article_s_own_claims_out(ws, tmp_path):
    first = add(ws, VIRAL, "Viral")
    second = add(ws, SECOND, "Second")
    seen = answers(ws)
    ws.known.ask_sentences(second, SECOND)
    assert ws.known.wait_idle(30)
    assert seen.pop()[0] == SentencesFound(second, ())
    bridge = VIRAL.index("The bridge")
    claim_id = ws.mark(first, bridge, len(VIRAL))
    ws.set_verdict(claim_id, "disputed")  # the desk has judged it: the other article's sentence is known now
    ws.known.ask_sentences(second, SECOND)
    assert ws.known.wait_idle(30)
    [known] = seen.pop()[0].sentences
    assert SECOND[known.start:known.end].startswith("The bridge over the river")
    assert (known.match.kind, known.match.id, known.match.verdict) == ("claim", claim_id, "disputed")
    ws.known.ask_sentences(first, VIRAL)  # its own claim is not "checked before"
    assert ws.known.wait_idle(30)
    marks = {VIRAL[k.start:k.end]: k.match.url for k in seen.pop()[0].sentences}
    assert marks == {"It said that drinking hot water cures the coronavirus.": "https://fc.example/hot-water"}
    feed = tmp_path / "more.json"
    feed.write_text(json.dumps([{**FACT_CHECKS[0], "claimReviewed": "A post went viral this week.",
                                 "url": "https://fc.example/viral"}]), encoding="utf-8")
    ws.import_sources([str(feed)])  # a reload: the service starts afresh
    ws.known.ask_sentences(first, VIRAL)
    assert ws.known.wait_idle(30)
    assert "https://fc.example/viral" in {k.match.url for k in seen.pop()[0].sentences}


def test_an_article_left_behind_gets_no_marks(ws):
    article_id = add(ws, VIRAL, "Viral")
    seen = answers(ws)
    with ws.known._wake:
        ws.known.ask_sentences(article_id, VIRAL)
        ws.known.drop_sentences()
    assert ws.known.wait_idle(30)
    assert seen == []


def test_adopting_a_match_adds_evidence_undoably_and_only_offers_the_verdict(ws):
    _article_id, claim_id = hot_water_claim(ws)
    seen = answers(ws)
    ws.known.ask_claim(claim_id)
    assert ws.known.wait_idle(30)
    match = seen[0][0].matches[0]
    adopted = ws.adopt_match(claim_id, match)
    assert adopted.offered_verdict == "disputed"
    [item] = evidence_for(ws.store, claim_id)
    assert (item["url"], item["publisher"], item["stance"]) == ("https://fc.example/hot-water", "Desk Check", "refutes")
    assert get_claim(ws.store, claim_id)["verdict"] == "pending"
    assert ws.undo_stack.state().undo_text == "Adopt fact-check"
    with pytest.raises(WorkbenchError, match="already evidence"):
        ws.adopt_match(claim_id, match)
    ws.undo()
    assert evidence_for(ws.store, claim_id) == []
    ws.redo()
    assert [e["url"] for e in evidence_for(ws.store, claim_id)] == ["https://fc.example/hot-water"]


def test_a_claim_is_carried_to_the_aligned_words_of_the_other_article_in_one_undoable_step(ws):
    first_body, second_body = (seed.read_text(encoding="utf-8") for seed in seed_files())
    rows = {row["title"][:4]: row["id"] for row in ws.list_articles()}
    left, right = rows["Nato"], rows["NATO"]
    comparison = ws.compare_articles(left, right)
    phrase = "pre-emptive strikes against Russia following"
    start = first_body.index(phrase)
    claim_id = ws.mark(left, start, start + len(phrase))
    [carried] = ws.carry_claims(comparison, left, right, [claim_id])
    row = get_claim(ws.store, carried)
    assert (row["article_id"], row["quote"]) == (right, "pre-emptive strike options against Russia")
    assert second_body[row["start"]:row["end"]] == row["quote"]
    assert ws.carry_claims(comparison, left, right, [claim_id]) == []  # already marked there
    assert ws.carry_claims(comparison, left, right, [carried]) == []  # and back: the original is there
    assert ws.undo_stack.state().undo_text == "Mark on the other article"
    ws.undo()
    assert claims_for(ws.store, right) == []
    ws.redo()
    assert [c["id"] for c in claims_for(ws.store, right)] == [carried]
    with pytest.raises(WorkbenchError):
        ws.carry_claims(comparison, right, left, [claim_id])  # the comparison is of left and right, in that order


def test_comparing_runs_as_a_task_on_its_own_connection(ws):
    rows = [row["id"] for row in ws.list_articles()]
    task = ws.compare_task(rows[0], rows[1])
    thread = threading.Thread(target=task.run)
    thread.start()
    thread.join(30)
    assert task.error is None
    assert task.result == ws.compare_articles(rows[0], rows[1])


def test_closing_the_workspace_stops_the_worker_and_its_process(db_path):
    ws = Workspace(open_database(db_path, reviewer="Ana"), "Ana")
    ws.known.ask_claim("no-such-claim")
    assert ws.known.wait_idle(30)
    worker, child = ws.known._thread, ws.known._process._child
    ws.close()
    assert not worker.is_alive()
    assert child.poll() is not None  # the matching process ended with the window
    with pytest.raises(WorkbenchError, match="stopped"):  # and no late question starts another
        ws.known._process.call("prepare")


def test_closing_while_the_process_prepares_stops_it_without_waiting_for_an_answer(db_path):
    ws = Workspace(open_database(db_path, reviewer="Ana"), "Ana")
    seen = answers(ws)
    ws.known.warm()  # the worker starts the process and waits for its index
    ws.known.ask_claim("no-such-claim")
    ws.close()
    assert not ws.known._thread.is_alive()
    assert seen == []  # nothing is told after closing


def test_matching_runs_in_a_process_of_its_own_so_the_window_keeps_the_gil(ws):
    article_id = add(ws, VIRAL, "Viral")
    seen = answers(ws)
    ws.known.ask_sentences(article_id, VIRAL)
    assert ws.known.wait_idle(30)
    child = ws.known._process._child
    assert child is not None and child.pid != os.getpid() and child.poll() is None
    [(event, _thread)] = seen
    assert event.sentences and event.sentences[0].match.url == "https://fc.example/hot-water"


def test_a_matching_process_that_dies_is_reported_and_started_again(ws):
    _article_id, claim_id = hot_water_claim(ws)
    seen = answers(ws)
    ws.known.ask_claim(claim_id)
    assert ws.known.wait_idle(30)
    first = ws.known._process._child
    first.kill()
    first.wait()
    ws.known.ask_claim(claim_id)  # this question finds the process gone: its answer says so
    assert ws.known.wait_idle(30)
    ws.known.ask_claim(claim_id)  # the next one starts a new process
    assert ws.known.wait_idle(30)
    answered, failed, again = (event for event, _ in seen)
    assert answered.matches and answered.error is None
    assert failed.matches == () and "matching process stopped" in failed.error
    assert again.error is None and again.matches == answered.matches
    assert ws.known._process._child.pid != first.pid


def test_a_verdict_given_by_another_program_is_known_once_the_workspace_notices_it(ws):
    first = add(ws, VIRAL, "Viral")
    second = add(ws, SECOND, "Second")
    claim_id = ws.mark(first, VIRAL.index("The bridge"), len(VIRAL))
    seen = answers(ws)
    ws.known.ask_sentences(second, SECOND)
    assert ws.known.wait_idle(30)
    assert seen.pop()[0] == SentencesFound(second, ())  # a pending claim is not "checked"
    other = Store.open(ws.path)  # another program judges it
    set_verdict(other, claim_id, "verified", reviewer_id=other.reviewer("Bo"))
    other.close()
    assert ws.notice_outside_changes()
    ws.known.ask_sentences(second, SECOND)
    assert ws.known.wait_idle(30)
    [known] = seen.pop()[0].sentences
    assert (known.match.id, known.match.verdict) == (claim_id, "verified")


def test_warming_up_starts_the_process_before_any_question_and_answers_nothing(ws):
    seen = answers(ws)
    ws.known.warm()
    assert ws.known.wait_idle(30)
    child = ws.known._process._child
    assert child is not None and child.poll() is None  # started, its database and index ready
    assert seen == []
    ws.known.warm()  # a second call changes nothing
    assert ws.known._process._child is child
    article_id, claim_id = hot_water_claim(ws)
    ws.known.ask_sentences(article_id, VIRAL)
    assert ws.known.wait_idle(30)
    [(event, _thread)] = seen
    assert [known.match.url for known in event.sentences] == ["https://fc.example/hot-water"]


def test_marks_go_on_when_the_process_dies_answering_a_question_between_parts(ws, monkeypatch):
    from workbench.workspace import known

    article_id, claim_id = hot_water_claim(ws)
    monkeypatch.setattr(known, "SENTENCES_PER_PART", 1)  # a part a sentence: questions come between
    seen = answers(ws)
    service = ws.known
    answer_waiting = service._answer_waiting
    killed = []

    def a_question_that_kills_the_process():
        if not killed and service._process.pid() is not None:
            killed.append(service._process._child)
            service._question = (known.claim_key(claim_id), None)
            service._process._child.kill()  # it dies while this question is asked
        answer_waiting()

    monkeypatch.setattr(service, "_answer_waiting", a_question_that_kills_the_process)
    service.ask_sentences(article_id, VIRAL)
    assert service.wait_idle(30)
    assert killed
    failed, marks = (event for event, _ in seen)
    assert isinstance(failed, MatchesFound) and "matching process stopped" in failed.error
    assert isinstance(marks, SentencesFound) and marks.error is None
    assert [k.match.url for k in marks.sentences] == ["https://fc.example/hot-water"]
