"""Child process for the reliability tests: writes claims through workbench functions.

    python writer.py DB kill SEED
        DB holds one article. Forever: add a claim (with a verdict), print "claim<TAB>id<TAB>verdict";
        change its verdict, print "verdict<TAB>id<TAB>verdict". Each line is printed only after
        its transaction has committed, so every printed line is a promise the parent checks.

    python writer.py DB race SEED COUNT REVIEWER
        Open DB (created if it does not exist) and add ARTICLE (the same text in every child),
        print "ready", wait for a line on stdin, then add COUNT claims printing "claim<TAB>id" after
        each commit, then "done". A WorkbenchError prints "refused<TAB>message" and exits 3.

WORKBENCH_BUSY_TIMEOUT (seconds), when set, replaces the store's busy timeout.
WRITER_START_AT (seconds since the epoch), when set, is when to open DB: writers started together
open it at the same moment.
"""

import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from workbench import store as store_module  # noqa: E402
from workbench.articles import add_article  # noqa: E402
from workbench.claims import add_claim, set_verdict  # noqa: E402
from workbench.errors import WorkbenchError  # noqa: E402
from workbench.store import Store  # noqa: E402
from workbench.verdicts import VERDICTS  # noqa: E402

ARTICLE = ("Officials in Gdańsk said that 412 drones crossed the border 🛩️ on Tuesday.\n"
           "Frau Müller claimed that spending rose by 7% — a claim the opposition rejects 😐.\n"
           "Analysts in São Paulo estimated a budget of €300 million (see the annex) 📊.\n") * 20


def say(*fields) -> None:
    print("\t".join(str(f) for f in fields), flush=True)


def kill_mode(store: Store, rng: random.Random) -> None:
    reviewer = store.reviewer("Kim")
    article_id = store.get_value("SELECT id FROM articles WHERE deleted_at IS NULL")
    length = len(store.get("articles", article_id)["body"])
    say("ready")
    while True:
        start = rng.randrange(0, length - 40)
        claim = add_claim(store, article_id, start, start + rng.randint(1, 40), reviewer_id=reviewer,
                          verdict=rng.choice(VERDICTS), rationale=rng.choice(["", "Checked ✅", "See annex"]))
        say("claim", claim["id"], claim["verdict"])
        verdict = rng.choice([v for v in VERDICTS if v != claim["verdict"]])
        set_verdict(store, claim["id"], verdict, reviewer_id=reviewer)
        say("verdict", claim["id"], verdict)


def race_mode(store: Store, rng: random.Random, count: int, reviewer_name: str) -> None:
    reviewer = store.reviewer(reviewer_name)
    article_id = add_article(store, ARTICLE, reviewer_id=reviewer, title="Shared article").article["id"]
    say("ready")
    sys.stdin.readline()
    for _ in range(count):
        start = rng.randrange(0, len(ARTICLE) - 40)
        claim = add_claim(store, article_id, start, start + rng.randint(1, 40), reviewer_id=reviewer,
                          verdict=rng.choice(VERDICTS))
        say("claim", claim["id"])
    say("done")


def main() -> int:
    db, mode, seed = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    if os.environ.get("WORKBENCH_BUSY_TIMEOUT"):
        store_module.BUSY_TIMEOUT_S = float(os.environ["WORKBENCH_BUSY_TIMEOUT"])
    rng = random.Random(seed)
    start_at = float(os.environ.get("WRITER_START_AT", 0))
    while time.time() < start_at:
        pass
    try:
        with Store.open(db) as store:
            if mode == "kill":
                kill_mode(store, rng)
            else:
                race_mode(store, rng, int(sys.argv[4]), sys.argv[5])
    except WorkbenchError as error:
        say("refused", error)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
