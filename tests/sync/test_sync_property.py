"""Property: whatever three reviewers do and in whatever order they sync, after everyone has synced
twice more every database and the server hold the same rows (the merge rules, through the server)."""

import contextlib
import random
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.claims import delete_claim, restore_claim, set_rationale, set_verdict
from workbench.errors import WorkbenchError
from workbench.evidence import add_evidence, update_evidence
from workbench.verdicts import VERDICTS

from tests.sync.helpers import add_work, local_state, open_db, server_state, sync

NAMES = ("Ana", "Bo", "Cy")
# (who, what, which claim, a value): what a reviewer does between syncs, or a sync
STEP = st.tuples(st.integers(0, 2), st.sampled_from(("verdict", "rationale", "evidence", "stance", "delete",
                                                     "restore", "sync")),
                 st.integers(0, 3), st.integers(0, 3))


def _do(store, reviewer_id: str, what: str, claim: str, value: int) -> None:
    if what == "verdict":
        set_verdict(store, claim, VERDICTS[value], reviewer_id=reviewer_id)
    elif what == "rationale":
        set_rationale(store, claim, f"reading {value}", reviewer_id=reviewer_id)
    elif what == "evidence":
        add_evidence(store, claim, reviewer_id=reviewer_id, title=f"source {value}")
    elif what == "stance":
        items = store.query("SELECT id FROM evidence WHERE claim_id = ? AND deleted_at IS NULL ORDER BY id", [claim])
        if items:
            update_evidence(store, items[0]["id"], reviewer_id=reviewer_id,
                            stance=("supports", "refutes", "context", "supports")[value])
    elif what == "delete":
        delete_claim(store, claim, reviewer_id=reviewer_id)
    elif what == "restore":
        restore_claim(store, claim, reviewer_id=reviewer_id)


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=st.lists(STEP, min_size=1, max_size=25), final_order=st.permutations(range(3)))
def test_any_edits_synced_in_any_order_converge(desk, steps, final_order):
    desk.admin("DROP SCHEMA IF EXISTS workbench CASCADE")  # each example starts from an empty server
    with tempfile.TemporaryDirectory() as name:
        replicas = [open_db(Path(name), who) for who in NAMES]
        ana, aid = replicas[0]
        claims = add_work(ana, aid, random.Random(0), claims=4)
        for (store, _), who in zip(replicas, NAMES):
            sync(store, desk.url, who)
        sync(ana, desk.url, "Ana")  # everyone starts from the same claims
        for who, what, claim, value in steps:
            store, reviewer_id = replicas[who]
            if what == "sync":
                sync(store, desk.url, NAMES[who])
            elif store.get("claims", claims[claim]) is not None:
                with contextlib.suppress(WorkbenchError):  # refused as in the window (a deleted claim's evidence)
                    _do(store, reviewer_id, what, claims[claim], value)
        for _ in range(2):
            for who in final_order:
                sync(replicas[who][0], desk.url, NAMES[who])
        server = server_state(desk.url)
        for store, _ in replicas:
            assert local_state(store) == server
            store.close()
