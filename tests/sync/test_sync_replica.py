"""Pulling from a read replica (a hot standby): the cursor still never skips a row that commits late."""

import random

import psycopg

from workbench import sync_merge, sync_server

from tests.pg_server import running_standby, wait_for_replay
from tests.sync.helpers import add_work, open_db, sync


def _pull(url: str, since: str | None) -> sync_server.Pulled:
    with psycopg.connect(url, autocommit=True) as conn:
        return sync_server.pull(conn, since=since, own=[], lacking=lambda sha: False,
                                missing=lambda rows: {}, local_schema=10**6, name="standby", tick=lambda n: None)


def _claims(pulled: sync_server.Pulled) -> set[str]:
    return {data["id"] for data, _ in pulled.rows.get("claims", ())}


def test_a_pull_from_a_standby_does_not_skip_a_late_commit(desk, tmp_path):
    rng = random.Random(1)
    (ana, aid), (cy, cid) = open_db(tmp_path, "Ana"), open_db(tmp_path, "Cy")
    first = add_work(ana, aid, rng, claims=1)
    sync(ana, desk.url, "Ana")
    late = add_work(cy, cid, rng, claims=1)
    with running_standby(desk.server) as standby:
        replica_url = standby.url(desk.database, user=desk.role)
        slow = psycopg.connect(desk.url)  # takes its transaction id first, commits last
        for (table, key), (data, clocks) in sync_merge.all_rows(cy).items():
            slow.execute("INSERT INTO workbench.rows (tbl, id, data, clocks, pushed_by) VALUES (%s, %s, %s, %s, 'cy') "
                         "ON CONFLICT (tbl, id) DO NOTHING", [table, key, psycopg.types.json.Jsonb(data),
                                                              psycopg.types.json.Jsonb(clocks)])
        later = add_work(ana, aid, rng, claims=1)
        sync(ana, desk.url, "Ana")  # commits after the slow transaction began
        wait_for_replay(desk.server, standby)
        seen = _pull(replica_url, None)
        assert _claims(seen) == set(first + later)
        slow.commit()
        slow.close()
        wait_for_replay(desk.server, standby)
        assert set(late) <= _claims(_pull(replica_url, seen.snapshot))
