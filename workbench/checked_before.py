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
from collections import Counter
from dataclasses import dataclass, replace

from workbench.matching import STOPWORDS, Match, Matcher, features, prepare
from workbench.sentences import WORD, sentence_spans
from workbench.verdicts import DISPUTED, JUDGED, UNVERIFIABLE, VERIFIED

SCORED_PER_SENTENCE = 10
MAX_KEYED = 500  # a key word shared by more known items than this is left out of the index
KEY_WORDS = 3  # an item is compared with sentences that hold two of its three rarest stems
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


def suggested_verdict(match: Match) -> str | None:
    """The verdict a match suggests: a judged claim's own, or the one its published rating reads as."""
    return match.verdict if match.kind == "claim" and match.verdict in JUDGED else rating_verdict(match.verdict)


def adoption(match: Match, *, today: datetime.date | None = None) -> Adoption:
    """The evidence fields and the verdict to offer for adopting match as evidence of a claim."""
    verdict = suggested_verdict(match)
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


@dataclass(frozen=True, eq=False)
class _Known:
    """A fact-check or judged claim as the sentence index keeps it."""

    match: Match
    text: str
    stems: frozenset
    weight: float  # the idf of all its stems together
    needed: int  # how many of its key words a sentence must share to be compared with it


def _stems(matcher: Matcher, text: str) -> frozenset:
    return frozenset(matcher.stem(w) for w in (w.casefold() for w in WORD.findall(text)) if w not in STOPWORDS)


class KnownSentences:
    """Finds the sentences of an article that the desk has already checked (see module docstring)."""

    def __init__(self, matcher: Matcher):
        self.matcher = matcher
        self._by_stem: dict[str, list[_Known]] = {}
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
        matcher.load_all_idf()  # the sentences of a long article will ask for many
        keyed = [(match, text, _stems(matcher, text)) for match, text in items]
        idf = matcher.idf(frozenset().union(*(stems for _, _, stems in keyed)) if keyed else frozenset())
        self._idf = idf
        # Key words are an item's rarest among the known items themselves (near-copies of one claim
        # then share their distinctive words, not "said"); a word keyed by too many items
        # distinguishes nothing and is dropped from the index.
        among_known = Counter(stem for _, _, stems in keyed for stem in stems)
        by_stem: dict[str, list] = {}
        for match, text, stems in keyed:
            entry = _Known(match, text, stems, sum(idf[s] for s in stems) or 1.0,
                           min(2, len(stems), KEY_WORDS))
            for stem in sorted(stems, key=lambda s: (among_known[s], -idf[s], s))[:KEY_WORDS]:
                by_stem.setdefault(stem, []).append(entry)
        self._by_stem = {stem: entries for stem, entries in by_stem.items() if len(entries) <= MAX_KEYED}

    def find(self, body: str, *, threshold: float | None = None, article_id: str | None = None,
             spans: list[tuple[int, int]] | None = None) -> list[KnownSentence]:
        """Sentences of body (or only these spans of it, for work done in parts) whose best match
        scores at least threshold (default: the matcher's)."""
        threshold = self.matcher.sentence_threshold if threshold is None else threshold
        found = []
        for start, end in sentence_spans(body) if spans is None else spans:
            scored = self.scored(body[start:end], article_id=article_id, floor=threshold)
            if scored and scored[0].score >= threshold:
                found.append(KnownSentence(start, end, scored[0]))
        return found

    def best(self, sentence: str, *, article_id: str | None = None) -> Match | None:
        """The best-scoring known item for one sentence (claims of article_id left out), or None."""
        scored = self.scored(sentence, article_id=article_id)
        return scored[0] if scored else None

    def scored(self, sentence: str, *, article_id: str | None = None, floor: float = float("-inf")) -> list[Match]:
        """Known items that share a key word with the sentence, scored, best first (those that cannot
        reach floor are left out early)."""
        matcher = self.matcher
        weights = matcher.weights
        coverage_weight = weights[0]  # the BM25 weight, which match coverage takes over here
        rest = sum(w for w in weights[1:] if w > 0)  # the most the other features can add
        prepared = prepare(sentence)
        stems = _stems(matcher, prepared)
        hits: dict[int, list] = {}
        for stem in stems:
            for known in self._by_stem.get(stem, ()):
                if article_id is None or known.match.article_id != article_id:  # not its own claims
                    hits.setdefault(id(known), [known, 0])[1] += 1
        idf = self._idf_for(stems)
        covered = []
        for known, count in hits.values():
            if count < known.needed:
                continue  # it shares too few of its rarest words with the sentence
            coverage = sum(idf[s] for s in stems & known.stems) / known.weight
            if coverage_weight * coverage + rest >= floor:  # else it cannot reach the floor
                covered.append((coverage, known))
        # Many near-copies of one claim must not make a sentence slow: the best-covered few are scored.
        covered.sort(key=lambda item: -item[0])
        query = matcher.profile(prepared) if covered else None
        scored = []
        for _, known in covered[:SCORED_PER_SENTENCE]:
            profile = matcher.profile(known.text, (known.match.kind, known.match.id))
            values = features(query, profile, 0.0, self._idf_for(query.stems | profile.stems))
            # There is no BM25 rank without a query over the index: how much of the known claim the
            # sentence holds (match coverage) stands in for it.
            values = (values[2], *values[1:])
            scored.append(replace(known.match, score=sum(w * v for w, v in zip(weights, values))))
        scored.sort(key=lambda m: (-m.score, m.kind, m.id))
        return scored

    def _idf_for(self, stems) -> dict[str, float]:
        missing = [s for s in stems if s not in self._idf]
        if missing:
            self._idf.update(self.matcher.idf(missing))
        return self._idf
