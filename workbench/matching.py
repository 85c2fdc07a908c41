"""Has this been checked before? Ranking the desk's judged claims and imported fact-checks for a text.

Two steps, both offline and model-free:
1. Candidates: SQLite FTS5 BM25 over the fact-checks' claim and headline (a Porter-stemmed index)
   and over the judged claims' quotes (their word index, queried with stem prefixes), with the
   query's links dropped and its hashtags and mentions split into words (#DefundTheCBC → defund the
   cbc).
2. Re-ranking: a weighted sum of features of each candidate against the query (see FEATURES),
   with weights learned on the CLEF 2020 CheckThat! training tweets by bench/train_matcher.py and
   shipped in workbench/resources/matcher.json. Scores are comparable between the two kinds of
   candidate: a perfect match scores about 1.

Stemming uses PyStemmer's Porter stemmer (the algorithm of FTS5's own `porter` tokenizer, so the
stems agree with the index); fuzzy similarity uses RapidFuzz. Both are compiled, well-kept and
ship everything they need in the package.
"""

import functools
import json
import math
import re
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from workbench import paths
from workbench.sentences import WORD, numbers

WEIGHTS_FILE = Path(__file__).with_name("resources") / "matcher.json"  # bench/train_matcher.py writes it
FACT_CHECK_CANDIDATES = 40
CLAIM_CANDIDATES = 20
MAX_QUERY_TERMS = 32
COMMON_SHARE = 0.2  # words in more than this share of the fact-checks are not looked up ...
COMMON_FROM = 2000  # ... once there are this many fact-checks
FEATURES = ("bm25", "query_coverage", "match_coverage", "bigrams", "same_number", "other_number",
            "names", "fuzzy")
STOPWORDS = frozenset("""a an the of to in on and or is are was were be been being it its this that these those
for with as at by from but not no he she they we you i his her their our your has have had do does did will would
can could should may might must just so than then there here what which who whom whose when where why how all any
some more most such only own same too very s t don now about into over after before up down out off again further
once also if via rt amp""".split())
_LINK = re.compile(r"(?:https?://|www\.|pic\.twitter\.com/)\S+", re.I)
_TAG = re.compile(r"[#@](\w+)")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])")


@dataclass(frozen=True)
class Match:
    """One thing the database already knows that resembles the text asked about."""

    kind: str  # "fact_check" or "claim"
    id: str  # the fact-check's or the claim's id
    score: float
    text: str  # the claim that was checked (claimReviewed, or the claim's quote)
    verdict: str | None  # the fact-check's rating, or the claim's verdict
    source: str | None  # who reviewed it, or the title of the claim's article
    url: str | None  # the review's URL, or the article's URL
    date: str | None  # the review's date, or the day the claim's verdict was last changed
    article_id: str | None = None
    title: str | None = None  # the review's headline
    numbers_differ: bool = False  # both mention numbers and none agree: a changed figure?

    def as_json(self) -> dict:
        """The match as a JSON-ready dict (score rounded to 4 places)."""
        data = asdict(self)
        data["score"] = round(self.score, 4)
        return data


@functools.cache
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("porter")


@functools.lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """The Porter stem of a lower-case word (the stems FTS5's porter tokenizer indexes)."""
    return _stemmer().stemWord(word)


@functools.cache
def load_weights(path: Path | None = None) -> dict:
    """The shipped re-ranking weights and marking threshold (or those in another file)."""
    return json.loads(path.read_text(encoding="utf-8") if path else paths.resource_text("matcher.json"))


def prepare(text: str) -> str:
    """A query as the matcher reads it: links dropped, hashtags and mentions also split into words."""
    text = _LINK.sub(" ", text)
    return _TAG.sub(lambda m: f"{m.group(1)} {_CAMEL.sub(' ', m.group(1))}", text)


class Profile:
    """A text reduced to what the features compare: content stems, stem pairs, numbers, names."""

    __slots__ = ("text", "stems", "pairs", "numbers", "names")

    def __init__(self, text: str, stem):
        self.text = text
        words = [w.casefold() for w in WORD.findall(text)]
        stems = [stem(w) for w in words if w not in STOPWORDS]
        self.stems = frozenset(stems)
        self.pairs = frozenset(zip(stems, stems[1:]))
        self.numbers = numbers(text)
        # Capitalised words: names, places, organisations (and a few sentence openers, which the
        # stopword list mostly removes); cheap enough for every candidate.
        self.names = frozenset(w.casefold() for w in WORD.findall(text) if w[0].isupper()
                               and w.casefold() not in STOPWORDS)


class Matcher:
    """Ranks fact-checks and judged claims for a text; keeps caches, so reuse one per open database."""

    def __init__(self, store, weights: dict | None = None):
        self.store = store
        config = weights or load_weights()
        self.weights = [float(config["weights"].get(name, 0.0)) for name in FEATURES]
        positive = sum(w for w in self.weights if w > 0) or 1.0
        self.weights = [w / positive for w in self.weights]  # a perfect match scores about 1
        self.threshold = float(config.get("threshold", 0.5))
        self.sentence_threshold = float(config.get("sentence_threshold", self.threshold))
        self._stems: dict[str, str] = {}
        self._idf: dict[str, float] = {}
        self._profiles: dict[tuple[str, str], Profile] = {}
        self._vocab_ready = False
        self._all_idf = False
        self._total = 0

    # -- words --------------------------------------------------------------------------------

    def stem(self, word: str) -> str:
        """The Porter stem of a lower-case word (cached)."""
        found = self._stems.get(word)
        if found is None:
            found = self._stems[word] = stem(word)
        return found

    def profile(self, text: str, key: tuple[str, str] | None = None) -> Profile:
        """The profile of a text; cached under key (kind, id) when given."""
        if key is None:
            return Profile(text, self.stem)
        found = self._profiles.get(key)
        if found is None or found.text != text:
            if len(self._profiles) > 200_000:
                self._profiles.clear()
            found = self._profiles[key] = Profile(text, self.stem)
        return found

    def idf(self, stems) -> dict[str, float]:
        """Inverse document frequency of stems among the fact-checks (1 + log form; unseen stems rarest)."""
        missing = [s for s in stems if s not in self._idf]
        if missing and self._all_idf:
            unseen = math.log((self._total + 1) / 0.5) + 1.0
            self._idf.update(dict.fromkeys(missing, unseen))
        elif missing:
            self._load_idf(missing)
        return {s: self._idf[s] for s in stems}

    def load_all_idf(self) -> None:
        """Read the idf of every stem the fact-checks use at once (for many look-ups to come)."""
        self._idf.clear()
        self._vocab_ready = False
        self._load_idf([])
        conn = self.store.conn
        total = self._total
        for term, count in conn.execute("SELECT term, doc FROM temp.fact_checks_vocab"):
            self._idf[term] = math.log((total + 1) / (count + 0.5)) + 1.0
        self._all_idf = True

    def _load_idf(self, stems: list[str]) -> None:
        conn = self.store.conn
        if not self._vocab_ready:
            conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.fact_checks_vocab "
                         "USING fts5vocab(main, fact_checks_fts, row)")
            self._vocab_ready = True
            self._total = conn.execute("SELECT count(*) FROM fact_checks WHERE deleted_at IS NULL").fetchone()[0]
        found = {}
        if len(stems) > 500:  # one pass over the whole vocabulary beats many look-ups
            wanted = set(stems)
            found.update((t, n) for t, n in conn.execute("SELECT term, doc FROM temp.fact_checks_vocab") if t in wanted)
        else:
            found.update(conn.execute(
                f"SELECT term, doc FROM temp.fact_checks_vocab WHERE term IN ({','.join('?' * len(stems))})",
                stems).fetchall())
        total = self._total
        for stem in stems:
            self._idf[stem] = math.log((total + 1) / (found.get(stem, 0) + 0.5)) + 1.0

    # -- ranking ------------------------------------------------------------------------------

    def match(self, text: str, *, limit: int = 10, exclude_claim: str | None = None) -> list[Match]:
        """The best matches for text, best first (at most limit)."""
        scored = [(sum(w * v for w, v in zip(self.weights, values)), match, differ)
                  for match, values, differ in self.scored_candidates(text, exclude_claim=exclude_claim)]
        scored.sort(key=lambda item: (-item[0], item[1].kind, item[1].id))
        return [replace(match, score=score, numbers_differ=differ) for score, match, differ in scored[:limit]]

    def scored_candidates(self, text: str, *, exclude_claim: str | None = None) -> list[tuple[Match, tuple, bool]]:
        """Every candidate for text with its feature values (FEATURES order) and whether numbers differ."""
        prepared = prepare(text)
        terms = self._terms(prepared)
        if not terms:
            return []
        candidates = self._fact_check_candidates(terms) + self._claim_candidates(terms, exclude_claim)
        if not candidates:
            return []
        query = self.profile(prepared)
        idf = self.idf(query.stems.union(*(c[1].stems for c in candidates)))
        return [(match, features(query, profile, relative_bm25, idf),
                 bool(query.numbers and profile.numbers and not query.numbers & profile.numbers))
                for match, profile, relative_bm25 in candidates]

    def _terms(self, prepared: str) -> list[str]:
        """The words to look up: no stopwords, and no word most fact-checks share (they cost the
        index most and tell least), rarest first, at most MAX_QUERY_TERMS."""
        words = [w.casefold() for w in WORD.findall(prepared)]
        words = list(dict.fromkeys([w for w in words if w not in STOPWORDS] or words))
        idf = self.idf({self.stem(w) for w in words})
        informative = words
        if self._total >= COMMON_FROM:  # in a small collection every word is cheap to look up
            common = math.log(1 / COMMON_SHARE) + 1.0  # the idf of a word in COMMON_SHARE of the fact-checks
            informative = [w for w in words if idf[self.stem(w)] > common] or words
        informative.sort(key=lambda w: -idf[self.stem(w)])
        return informative[:MAX_QUERY_TERMS]

    def _fact_check_candidates(self, terms: list[str]) -> list:
        query = " OR ".join(_quoted(t) for t in terms)
        # The best rows of the index first, then their fact-checks: joining before the LIMIT would
        # read every row that shares a word with the query.
        rows = self.store.conn.execute(
            "SELECT f.id, f.claim, f.title, f.rating, f.rating_value, f.best_rating, f.reviewed_by, f.url, "
            "f.published, hit.rank FROM (SELECT rowid, bm25(fact_checks_fts) AS rank FROM fact_checks_fts "
            "WHERE fact_checks_fts MATCH ? ORDER BY rank LIMIT ?) AS hit "
            "JOIN fact_checks f ON f.seq = hit.rowid WHERE f.deleted_at IS NULL ORDER BY hit.rank",
            [query, FACT_CHECK_CANDIDATES * 2]).fetchall()[:FACT_CHECK_CANDIDATES]
        best = rows[0]["rank"] if rows else -1.0
        out = []
        for r in rows:
            match = Match("fact_check", r["id"], 0.0, r["claim"], _rating(r), r["reviewed_by"], r["url"],
                          r["published"], title=r["title"])
            text = f"{r['claim']} {r['title'] or ''}"
            out.append((match, self.profile(text, ("fact_check", r["id"])), r["rank"] / best if best else 0.0))
        return out

    def _claim_candidates(self, terms: list[str], exclude_claim: str | None) -> list:
        prefixes = dict.fromkeys(_quoted(self.stem(t)) + ("*" if len(self.stem(t)) >= 3 else "") for t in terms)
        query = "quote : (" + " OR ".join(prefixes) + ")"
        rows = self.store.conn.execute(
            "SELECT c.id, c.quote, c.verdict, c.updated_at, a.id AS article_id, a.title, a.url, hit.rank "
            "FROM (SELECT rowid, bm25(claims_fts) AS rank FROM claims_fts WHERE claims_fts MATCH ? "
            "ORDER BY rank LIMIT ?) AS hit JOIN claims c ON c.seq = hit.rowid "
            "JOIN articles a ON a.id = c.article_id WHERE c.verdict != 'pending' "
            "AND c.deleted_at IS NULL AND a.deleted_at IS NULL AND c.id IS NOT ? ORDER BY hit.rank",
            [query, CLAIM_CANDIDATES * 5, exclude_claim]).fetchall()[:CLAIM_CANDIDATES]
        best = rows[0]["rank"] if rows else -1.0
        out = []
        for r in rows:
            match = Match("claim", r["id"], 0.0, r["quote"], r["verdict"], r["title"], r["url"],
                          (r["updated_at"] or "")[:10] or None, article_id=r["article_id"])
            out.append((match, self.profile(r["quote"], ("claim", r["id"])), r["rank"] / best if best else 0.0))
        return out


def features(query: Profile, doc: Profile, relative_bm25: float, idf: dict[str, float]) -> tuple[float, ...]:
    """The re-ranking features of a candidate against the query, each in [0, 1] (in FEATURES order)."""
    shared = query.stems & doc.stems
    query_weight = sum(idf[s] for s in query.stems) or 1.0
    doc_weight = sum(idf[s] for s in doc.stems) or 1.0
    shared_weight = sum(idf[s] for s in shared)
    same_number = bool(query.numbers & doc.numbers)
    other_number = bool(query.numbers and doc.numbers and not same_number)
    from rapidfuzz import fuzz

    return (
        relative_bm25,
        shared_weight / query_weight,
        shared_weight / doc_weight,
        len(query.pairs & doc.pairs) / (len(doc.pairs) or 1),
        1.0 if same_number else 0.0,
        1.0 if other_number else 0.0,
        len(query.names & doc.names) / (len(doc.names) or 1),
        fuzz.token_set_ratio(query.text.casefold(), doc.text.casefold()) / 100.0,
    )


def _quoted(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _rating(row) -> str | None:
    if row["rating"]:
        return row["rating"]
    if row["rating_value"] is not None and row["best_rating"]:
        return f"{row['rating_value']:g} of {row['best_rating']:g}"
    return None


def match(store, text: str, *, limit: int = 10) -> list[Match]:
    """The best matches for text in store (a one-off Matcher; keep a Matcher for repeated queries)."""
    return Matcher(store).match(text, limit=limit)
