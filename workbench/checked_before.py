"""What the window shows of matching: "Checked before" for a claim, adopting a match, known sentences.

- `checked_before(matcher, claim_id)`: the ranked matches for a claim's quote (the claim itself left
  out), each with score, verdict or rating, source, date and link.
- `adoption(match)`: what adopting a match adds to the claim: the evidence fields for
  `evidence.add_evidence` and the verdict to offer (never set by itself).
- `KnownSentences`: the sentences of an article that match a fact-check or a judged claim above
  the matcher's threshold. It keeps an index of every fact-check's and judged claim's rarest
  words, so that marking an article costs one dictionary look-up per word of the article, not one
  query per sentence; build it once per open database and `refresh()` it after imports and verdicts.
"""

import datetime
from dataclasses import dataclass, replace

from workbench.matching import Match, Matcher, features, prepare
from workbench.sentences import sentence_spans
from workbench.verdicts import DISPUTED, JUDGED, UNVERIFIABLE, VERIFIED

KEY_WORDS = 3  # an item is looked for in sentences that contain one of its rarest stems
_FALSE_WORDS = ("false", "fake", "pants on fire", "incorrect", "wrong", "misleading", "mostly false",
                "inaccurate", "no evidence", "not true", "untrue", "fabricated", "distorts", "exaggerat",
                "miscaptioned", "misattributed", "scam", "satire", "debunk")
_TRUE_WORDS = ("true", "correct", "accurate", "mostly true", "verified", "legit", "correct attribution")
_OPEN_WORDS = ("unproven", "unverifiable", "undetermined", "mixture", "half true", "half-true", "mixed",
               "research in progress", "outdated", "unsupported", "lacks context", "needs context")


def checked_before(matcher: Matcher, claim_id: str, *, limit: int = 10) -> list[Match]:
    """Ranked matches for a claim's quote: imported fact-checks and other judged claims."""
    quote = matcher.store.get_value("SELECT quote FROM claims WHERE id = ? AND deleted_at IS NULL", [claim_id])
    if quote is None:
        return []
    return matcher.match(quote, limit=limit, exclude_claim=claim_id)


@dataclass(frozen=True)
class Adoption:
    """What adopting a match gives a claim: evidence to add, and a verdict to offer (or None)."""

    evidence: dict  # keyword arguments for workbench.evidence.add_evidence
    offered_verdict: str | None


def adoption(match: Match, *, today: datetime.date | None = None) -> Adoption:
    """The evidence fields and the verdict to offer for adopting match as evidence of a claim."""
    verdict = match.verdict if match.kind == "claim" and match.verdict in JUDGED else rating_verdict(match.verdict)
    stance = {VERIFIED: "supports", DISPUTED: "refutes"}.get(verdict, "context")
    if match.kind == "fact_check":
        title = match.title or f"Fact-check: {match.text}"
        note = f"Rated “{match.verdict}”" if match.verdict else "Not rated"
        note += f" by {match.source}" if match.source else ""
        note += f" on {match.date}" if match.date else ""
    else:
        title = f"Earlier verdict on the same claim in “{match.source or 'another article'}”"
        note = f"Judged {match.verdict} on {match.date} (claim {match.id})"
    evidence = {"url": match.url or "", "title": title[:500], "publisher": match.source or "",
                "excerpt": match.text[:2000], "note": note, "stance": stance,
                "accessed_on": (today or datetime.date.today()).isoformat()}
    return Adoption(evidence, verdict)


def rating_verdict(rating: str | None) -> str | None:
    """The workbench verdict a published rating suggests ("False" → disputed), or None if unclear."""
    text = (rating or "").casefold().strip()
    if not text:
        return None
    if any(word in text for word in _OPEN_WORDS):
        return UNVERIFIABLE
    if any(word in text for word in _FALSE_WORDS):
        return DISPUTED
    if any(word == text or text.startswith(word) for word in _TRUE_WORDS):
        return VERIFIED
    return None


@dataclass(frozen=True)
class KnownSentence:
    """A sentence of an article ([start, end) in code points) and the best thing known about it."""

    start: int
    end: int
    match: Match


class KnownSentences:
    """Finds the sentences of an article that the desk has already checked (see module docstring)."""

    def __init__(self, matcher: Matcher):
        self.matcher = matcher
        self._by_stem: dict[str, list[tuple[Match, object]]] = {}
        self.refresh()

    def refresh(self) -> None:
        """Re-read every live fact-check and judged claim (after an import, a merge or a verdict)."""
        store, matcher = self.matcher.store, self.matcher
        items = [(Match("fact_check", r["id"], 0.0, r["claim"], r["rating"], r["reviewed_by"], r["url"],
                        r["published"], title=r["title"]), f"{r['claim']} {r['title'] or ''}")
                 for r in store.conn.execute(
                     "SELECT id, claim, title, rating, reviewed_by, url, published FROM fact_checks "
                     "WHERE deleted_at IS NULL")]
        items += [(Match("claim", r["id"], 0.0, r["quote"], r["verdict"], r["title"], r["url"],
                         (r["updated_at"] or "")[:10] or None, article_id=r["article_id"]), r["quote"])
                  for r in store.conn.execute(
                      "SELECT c.id, c.quote, c.verdict, c.updated_at, a.id AS article_id, a.title, a.url "
                      "FROM claims c JOIN articles a ON a.id = c.article_id WHERE c.verdict != 'pending' "
                      "AND c.deleted_at IS NULL AND a.deleted_at IS NULL")]
        profiles = [(match, matcher.profile(text, (match.kind, match.id))) for match, text in items]
        idf = matcher.idf(frozenset().union(*(p.stems for _, p in profiles)) if profiles else frozenset())
        self._idf = idf
        by_stem: dict[str, list] = {}
        for match, profile in profiles:
            for stem in sorted(profile.stems, key=lambda s: (-idf[s], s))[:KEY_WORDS]:
                by_stem.setdefault(stem, []).append((match, profile))
        self._by_stem = by_stem

    def find(self, body: str, *, threshold: float | None = None, article_id: str | None = None) -> list[KnownSentence]:
        """Sentences of body whose best match scores at least threshold (default: the matcher's)."""
        threshold = self.matcher.sentence_threshold if threshold is None else threshold
        found = []
        for start, end in sentence_spans(body):
            best = self.best(body[start:end], article_id=article_id)
            if best is not None and best.score >= threshold:
                found.append(KnownSentence(start, end, best))
        return found

    def best(self, sentence: str, *, article_id: str | None = None) -> Match | None:
        """The best-scoring known item for one sentence (claims of article_id left out), or None."""
        scored = self.scored(sentence, article_id=article_id)
        return scored[0] if scored else None

    def scored(self, sentence: str, *, article_id: str | None = None) -> list[Match]:
        """Every known item that shares a key word with the sentence, scored, best first."""
        matcher = self.matcher
        profile_of_sentence = matcher.profile(prepare(sentence))
        candidates = {}
        for stem in profile_of_sentence.stems:
            for match, profile in self._by_stem.get(stem, ()):
                if article_id is None or match.article_id != article_id:  # not its own claims
                    candidates[(match.kind, match.id)] = (match, profile)
        scored = []
        for match, profile in candidates.values():
            values = features(profile_of_sentence, profile, 0.0,
                              self._idf_for(profile_of_sentence.stems | profile.stems))
            # There is no BM25 rank without a query over the index: how much of the known claim the
            # sentence holds (match coverage) stands in for it.
            values = (values[2], *values[1:])
            scored.append(replace(match, score=sum(w * v for w, v in zip(matcher.weights, values))))
        scored.sort(key=lambda m: (-m.score, m.kind, m.id))
        return scored

    def _idf_for(self, stems) -> dict[str, float]:
        missing = [s for s in stems if s not in self._idf]
        if missing:
            self._idf.update(self.matcher.idf(missing))
        return self._idf
