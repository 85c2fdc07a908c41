"""What the desk already knows, in the window: the Checked Before tab and the reader's margin marks.

`KnownController` asks the workspace's KnownService (a worker thread and a matching process)
about the selected claim, the clicked sentence and the open article's sentences, and shows each
answer only if it is still about what is on screen. Adopting a match goes through the workspace
(undoable); the verdict it suggests is offered in the tab, never set by itself.
"""

from PySide6.QtCore import QObject, QTimer, Signal

from workbench.workspace.known import claim_key, sentence_key

REASK_MS = 300  # after claims change elsewhere, the selected claim is asked about again (once)
STATUS_MS = 6000
SUBJECT_PREVIEW = 120


class QtKnown(QObject):
    """A KnownService's answers, queued from its worker thread to the GUI thread as signals."""

    matchesFound = Signal(object, object)  # this relay, MatchesFound
    sentencesFound = Signal(object, object)  # this relay, SentencesFound

    def __init__(self, service, parent=None):
        super().__init__(parent)
        self.service = service
        service.events.matches.connect(self._relay_matches)
        service.events.sentences.connect(self._relay_sentences)

    def detach(self) -> None:
        """Stop relaying (another database is opened)."""
        self.service.events.matches.disconnect(self._relay_matches)
        self.service.events.sentences.disconnect(self._relay_sentences)

    def _relay_matches(self, event) -> None:
        self.matchesFound.emit(self, event)  # from the worker: Qt queues it to the GUI thread

    def _relay_sentences(self, event) -> None:
        self.sentencesFound.emit(self, event)


def _preview(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SUBJECT_PREVIEW else text[:SUBJECT_PREVIEW - 1] + "…"


class KnownController(QObject):
    """Keeps the Checked Before tab and the margin marks true to what the window shows."""

    def __init__(self, window):
        from ui.checked_before import CheckedBeforePanel
        from ui.known_margin import KnownMargin

        super().__init__(window)
        self.window = window
        self.relay: QtKnown | None = None
        self.asked: tuple | None = None  # the key of the question whose answer the tab waits for
        self.sentence: tuple | None = None  # (article id, start, end) of the sentence shown, if any
        self.panel = CheckedBeforePanel()
        self.tab_title = "Checked Before"
        window.detail.tabs.addTab(self.panel, self.tab_title)
        self.panel.countChanged.connect(self._count_changed)
        self.panel.adoptRequested.connect(self.adopt)
        self.panel.markRequested.connect(self.mark_sentence)
        self.panel.verdictAccepted.connect(lambda claim_id, verdict: window.set_verdict(verdict, claim_id))
        self.margin = KnownMargin(window.reader)
        self.margin.markClicked.connect(self.show_sentence)
        self._ask_marks = QTimer(self)
        self._ask_marks.setSingleShot(True)
        self._ask_marks.setInterval(0)  # after the article is shown and painted
        self._ask_marks.timeout.connect(self._request_marks)
        self._again = QTimer(self)
        self._again.setSingleShot(True)
        self._again.setInterval(REASK_MS)
        self._again.timeout.connect(self._ask_again)

    @property
    def service(self):
        """The open database's KnownService."""
        return self.window.workspace.known

    def set_workspace(self, qt) -> None:
        """Follow another open database."""
        if self.relay is not None:
            self.relay.detach()
            self.relay.deleteLater()
        self.asked = self.sentence = None
        self.panel.show_nothing()
        self.margin.set_marks([])
        qt.workspace.known.warm()  # the marks of the article about to open are wanted at once
        self.relay = QtKnown(qt.workspace.known, self)
        self.relay.matchesFound.connect(self._matches_found)
        self.relay.sentencesFound.connect(self._sentences_found)
        qt.articleOpened.connect(self._article_opened)
        qt.claimsChanged.connect(self._claims_changed)
        qt.evidenceChanged.connect(self._evidence_changed)
        qt.reloaded.connect(lambda _event: self._ask_again())

    # -- the selected claim ---------------------------------------------------------------------

    def claim_selected(self, claim_id: str | None) -> None:
        """The window's current claim changed (or was shown again): ask about it if it is new."""
        if claim_id is None:
            if self.asked is not None and self.asked[0] == "claim":
                self.asked = None
                self.panel.show_nothing()
            return
        if self.asked == claim_key(claim_id):
            return
        self.sentence = None
        self.asked = claim_key(claim_id)
        opened = self.window.workspace.article
        number = opened.number(claim_id) if opened is not None and opened.claim(claim_id) else None
        quote = opened.claim(claim_id)["quote"] if number else ""
        self.panel.show_waiting(claim_id, f"Claim {number}: “{_preview(quote)}”" if number else "This claim")
        evidence = self.window.detail.evidence  # it has just read the claim's evidence
        shown = evidence.rows if evidence.claim_id == claim_id else self.window.workspace.evidence_for(claim_id)
        self.panel.set_adopted(item["url"] for item in shown if item["url"])
        self.service.ask_claim(claim_id)

    def _current(self, relay) -> bool:
        """Whether an answer comes from the database shown now (not one closed or left since)."""
        return relay is self.relay and self.window.qt is not None

    def _matches_found(self, relay, event) -> None:
        if not self._current(relay) or event.key != self.asked:
            return  # a late answer about something no longer shown
        self.panel.set_matches(event.matches, event.error)

    def _claims_changed(self, event) -> None:
        if self.asked is not None and self.asked[0] == "claim" and set(event.rows) - {self.asked[1]}:
            self._again.start()  # other claims were judged: what the desk knows may have changed

    def _evidence_changed(self, event) -> None:
        if self.asked == claim_key(event.claim_id):
            self.panel.set_adopted(item["url"] for item in event.items if item["url"])

    def _ask_again(self) -> None:
        if self.asked is None or self.window.qt is None:  # nothing asked, or the window closed
            return
        if self.asked[0] == "claim":
            self.service.ask_claim(self.asked[1])
        elif self.window.article is not None and self.sentence and self.sentence[0] == self.window.article["id"]:
            article_id, start, end = self.sentence
            self.service.ask_sentence(article_id, start, end, self.window.article["body"][start:end])

    def adopt(self, match) -> None:
        """Make a match evidence of the selected claim; offer the verdict it suggests."""
        claim_id = self.panel.claim_id
        if claim_id is None:
            return
        adopted = self.window.qt.act(self.window.workspace.adopt_match, claim_id, match)
        if adopted is None:
            return
        self.window.statusBar().showMessage("Adopted as evidence. Undo (Ctrl+Z) takes it back.", STATUS_MS)
        opened = self.window.workspace.article
        row = opened.claim(claim_id) if opened is not None else None
        if adopted.offered_verdict and (row is None or row["verdict"] != adopted.offered_verdict):
            self.panel.offer_verdict(claim_id, adopted.offered_verdict, match)

    def _count_changed(self, count: int) -> None:
        tabs = self.window.detail.tabs
        tabs.setTabText(tabs.indexOf(self.panel), f"{self.tab_title} ({count})" if count > 0 else self.tab_title)

    # -- the open article's marks ---------------------------------------------------------------

    def _article_opened(self, opened) -> None:
        self.margin.set_marks([])
        if self.sentence is not None and (opened is None or opened.id != self.sentence[0]):
            self.sentence = None
            if self.asked is not None and self.asked[0] == "sentence":
                self.asked = None
                self.panel.show_nothing()
        if opened is None:
            self._ask_marks.stop()
            self.service.drop_sentences()
        else:
            self._ask_marks.start()

    def _request_marks(self) -> None:
        opened = self.window.workspace.article if self.window.qt is not None else None
        if opened is not None:
            self.service.ask_sentences(opened.id, opened.body)

    def _sentences_found(self, relay, event) -> None:
        opened = self.window.workspace.article if self._current(relay) else None
        if opened is None or event.article_id != opened.id:
            return  # marks for an article no longer shown
        self.margin.set_marks(event.sentences)
        if event.error:
            self.window.statusBar().showMessage(f"Could not look for known sentences: {event.error}", STATUS_MS)

    def next_mark(self, step: int = 1) -> None:
        """Show the next (or previous) marked sentence after the caret, as a click on its mark would."""
        marks = self.margin.marks
        if not marks:
            self.window.statusBar().showMessage("No sentence of this article matches what the desk knows.", STATUS_MS)
            return
        caret = self.window.reader.caret()
        if self.sentence is not None:
            caret = self.sentence[1]
        ahead = [k for k in marks if (k.start > caret if step > 0 else k.start < caret)]
        self.show_sentence((ahead[0] if step > 0 else ahead[-1]) if ahead else marks[0 if step > 0 else -1])

    def show_sentence(self, known) -> None:
        """Show a marked sentence: select it, show what the desk knows about it, offer to mark it."""
        opened = self.window.workspace.article
        if opened is None:
            return
        claims = [c for c in opened.spans_touching(known.start, known.end)
                  if c["start"] <= known.start and known.end <= c["end"]]
        self.window.detail.tabs.setCurrentWidget(self.panel)
        if claims:  # already a claim: show that claim
            self.window.select_claim(claims[-1]["id"])
            return
        self.window.select_claim(None, scroll=False)
        self.window.reader.select_range(known.start, known.end)
        self.window.reader.setFocus()
        self.sentence = (opened.id, known.start, known.end)
        self.asked = sentence_key(opened.id, known.start, known.end)
        self.panel.show_waiting(None, f"Sentence (not a claim yet): “{_preview(opened.body[known.start:known.end])}”",
                                sentence=True)
        self.service.ask_sentence(opened.id, known.start, known.end, opened.body[known.start:known.end])

    def mark_sentence(self) -> None:
        """Mark the sentence shown as a claim and select it."""
        opened = self.window.workspace.article
        if self.sentence is None or opened is None or opened.id != self.sentence[0]:
            return
        _, start, end = self.sentence
        claim_id = self.window.qt.act(self.window.workspace.mark, opened.id, start, end)
        if claim_id:
            self.window.select_claim(claim_id)
