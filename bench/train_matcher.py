"""Learn the matcher's re-ranking weights on the CheckThat! 2020 training tweets: python bench/train_matcher.py

Imports the verified claims through the real importer, runs the real matcher's candidate step for
every training tweet, fits linear weights by coordinate ascent on MAP@5 (training set only; the
development set is never looked at here), picks the marking threshold (the lowest score at which a
top match is right at least 90% of the time on training), and writes workbench/resources/matcher.json.
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.claim_retrieval import (candidate_table, coordinate_ascent, imported_store, qrels,  # noqa: E402
                                   tweets, verified_claims)
from workbench.matching import FEATURES, WEIGHTS_FILE, Matcher  # noqa: E402

PRECISION = 0.9
NEGATIVE_SHARE = 0.99


def threshold(table, relevant, weights: list[float], precision: float = PRECISION) -> float:
    """The lowest normalised score at which the top match is right at least `precision` of the time."""
    positive = sum(w for w in weights if w > 0) or 1.0
    tops = []
    for qid, rows in table.items():
        if rows:
            score, vid = max((sum(w * v for w, v in zip(weights, values)) / positive, vid) for vid, values in rows)
            tops.append((score, vid in relevant.get(qid, set())))
    return lowest_precise(tops, precision)


def sentence_threshold(store, config: dict, texts: dict[int, str], relevant) -> float:
    """The score for marking a sentence: the best score a training tweet reaches with fact-checks
    that do NOT check it stays below this for NEGATIVE_SHARE of the tweets (articles are mostly
    sentences nobody checked, so false marks are what to keep rare)."""
    from bench.claim_retrieval import vclaim_of
    from workbench.checked_before import KnownSentences

    known = KnownSentences(Matcher(store, weights=config))
    negatives = []
    for qid, text in texts.items():
        wrong = [m.score for m in known.scored(text) if vclaim_of(m.url) not in relevant.get(qid, set())]
        negatives.append(max(wrong, default=0.0))
    negatives.sort()
    return round(negatives[int(NEGATIVE_SHARE * (len(negatives) - 1))], 3)


def lowest_precise(tops: list[tuple[float, bool]], precision: float) -> float:
    """The lowest score s such that the items scoring at least s are right at least `precision` of the time."""
    tops.sort(reverse=True)
    best, right = 1.0, 0
    for count, (score, correct) in enumerate(tops, 1):
        right += correct
        if right / count >= precision:
            best = score
    return round(best, 3)


def main() -> None:
    store, _ = imported_store(verified_claims())
    matcher = Matcher(store, weights={"weights": {"bm25": 1.0}})
    table = candidate_table(matcher, tweets("train"))
    relevant = qrels("train")
    weights = coordinate_ascent(table, relevant, [True] * len(FEATURES))
    config = {"trained_on": "CLEF 2020 CheckThat! task 2, English training tweets (bench/train_matcher.py)",
              "weights": {name: round(w, 3) for name, w in zip(FEATURES, weights)},
              "threshold": threshold(table, relevant, weights)}
    config["sentence_threshold"] = sentence_threshold(store, config, tweets("train"), relevant)
    WEIGHTS_FILE.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(config, indent=2))


if __name__ == "__main__":
    main()
