"""The team server's schema, connection strings and passwords, and server rows checked as untrusted."""

import json
import random

import psycopg
import pytest

from workbench import sync_server
from workbench.errors import WorkbenchError
from workbench.sync_server import SyncError, describe, without_password

from tests.sync.helpers import add_work, local_state, open_db, server_state, sync


def dump(store) -> list[str]:
    """Everything in a database, as SQL text: equal dumps, unchanged database."""
    return list(store.conn.iterdump())


# -- connection strings ---------------------------------------------------------------------------

def test_the_password_never_stays_in_the_stored_connection_string():
    kept = without_password("postgresql://ana:s3cret@desk.example.org:5433/factcheck?sslmode=require")
    assert "s3cret" not in kept
    assert psycopg.conninfo.conninfo_to_dict(kept) == {
        "user": "ana", "host": "desk.example.org", "port": "5433", "dbname": "factcheck", "sslmode": "require"}
    assert describe("postgresql://ana:s3cret@desk.example.org:5433/factcheck") == "ana@desk.example.org:5433/factcheck"
    assert "s3cret" not in describe("host=h user=u password=s3cret dbname=d")


def test_a_malformed_connection_string_is_one_clear_error():
    with pytest.raises(SyncError, match="not a PostgreSQL connection string"):
        without_password("postgresql://ana@host:notaport/db?nonsense=1")


# -- the schema -------------------------------------------------------------------------------------

def test_the_first_sync_creates_the_server_schema_once(desk, tmp_path):
    ana, rid = open_db(tmp_path, "Ana")
    sync(ana, desk.url)
    names = [r[0] for r in desk.admin("SELECT name FROM workbench.migrations ORDER BY id")]
    assert names == [m[0] for m in sync_server.SERVER_MIGRATIONS]
    server_id = desk.admin("SELECT value FROM workbench.server WHERE key = 'server_id'")[0][0]
    bo, _ = open_db(tmp_path, "Bo")
    sync(bo, desk.url, "Bo")
    assert desk.admin("SELECT value FROM workbench.server WHERE key = 'server_id'")[0][0] == server_id
    assert ana.meta(f"sync:{server_id}") is not None


def test_a_server_set_up_by_a_newer_program_is_refused(desk, tmp_path):
    ana, rid = open_db(tmp_path, "Ana")
    sync(ana, desk.url)
    add_work(ana, rid, random.Random(1))
    desk.admin("INSERT INTO workbench.migrations (id, name) VALUES (99, 'm099_from_the_future')")
    before = dump(ana)
    with pytest.raises(SyncError, match="set up by a newer workbench .*m099_from_the_future.*update the program"):
        sync(ana, desk.url)
    assert dump(ana) == before


def test_rows_from_a_newer_file_schema_are_refused(desk, tmp_path):
    ana, rid = open_db(tmp_path, "Ana")
    sync(ana, desk.url)
    desk.admin("UPDATE workbench.server SET value = '999' WHERE key = 'local_schema'")
    with pytest.raises(SyncError, match="rows written by a newer workbench .*file schema 999"):
        sync(ana, desk.url)


def test_a_role_that_may_not_create_the_tables_is_told_who_can(desk, tmp_path):
    desk.admin("REVOKE CREATE ON DATABASE " + desk.database + " FROM PUBLIC")
    desk.server.admin("CREATE ROLE guest_reviewer LOGIN PASSWORD 'guest'")
    try:
        ana, _ = open_db(tmp_path, "Ana")
        url = desk.server.url(desk.database, user="guest_reviewer", password="guest")
        with pytest.raises(SyncError, match="may not set up the workbench tables.*database's owner"):
            sync(ana, url)
    finally:
        desk.server.admin("DROP ROLE guest_reviewer")


def test_a_desk_with_one_login_per_reviewer_in_a_group_role(desk, tmp_path, monkeypatch):
    """The README's set-up: a group role owns the database; each reviewer logs in as a member."""
    desk.server.admin("CREATE ROLE desk_group NOLOGIN")
    desk.server.admin(f"ALTER DATABASE {desk.database} OWNER TO desk_group")
    desk.admin("REVOKE ALL ON DATABASE " + desk.database + " FROM PUBLIC")
    desk.server.admin("CREATE ROLE ana_login LOGIN PASSWORD 'ana' IN ROLE desk_group")
    desk.server.admin("CREATE ROLE bo_login LOGIN PASSWORD 'bo' IN ROLE desk_group")
    try:
        (ana, aid), (bo, bid) = open_db(tmp_path, "Ana"), open_db(tmp_path, "Bo")
        add_work(ana, aid, random.Random(7), claims=1)
        add_work(bo, bid, random.Random(8), claims=1)
        ana_url = desk.server.url(desk.database, user="ana_login", password="ana")
        bo_url = desk.server.url(desk.database, user="bo_login", password="bo")
        for store, url, name in ((ana, ana_url, "Ana"), (bo, bo_url, "Bo"), (ana, ana_url, "Ana")):
            sync(store, url, name)
        assert desk.admin("SELECT tableowner FROM pg_tables WHERE schemaname = 'workbench' "
                          "GROUP BY tableowner") == [("desk_group",)]
        assert local_state(ana) == local_state(bo) == server_state(ana_url)
    finally:
        desk.admin("DROP SCHEMA IF EXISTS workbench CASCADE")
        desk.server.admin(f"ALTER DATABASE {desk.database} OWNER TO {desk.role}")
        for role in ("ana_login", "bo_login", "desk_group"):
            desk.server.admin(f"DROP ROLE {role}")


# -- passwords ---------------------------------------------------------------------------------------

def test_the_password_comes_from_the_url_pgpass_or_the_prompt(desk, tmp_path, monkeypatch):
    ana, _ = open_db(tmp_path, "Ana")
    monkeypatch.delenv("PGPASSWORD")
    with pytest.raises(SyncError, match="asks for a password and none was given"):
        sync(ana, desk.url, prompt=lambda server: None)
    assert sync(ana, desk.url_with_password).pushed > 0
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"127.0.0.1:{desk.server.port}:{desk.database}:{desk.role}:{desk.password}\n")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    sync(ana, desk.url)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    asked = []
    sync(ana, desk.url, prompt=lambda server: asked.append(server) or desk.password)
    assert asked == [describe(desk.url)]


def test_a_wrong_password_is_said_so(desk, tmp_path, monkeypatch):
    monkeypatch.setenv("PGPASSWORD", "wrong")
    ana, _ = open_db(tmp_path, "Ana")
    with pytest.raises(SyncError, match="password authentication failed"):
        sync(ana, desk.url)


def test_an_unreachable_server_means_offline(tmp_path):
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    ana, _ = open_db(tmp_path, "Ana")
    with pytest.raises(sync_server.ServerUnreachable, match="cannot reach the team server"):
        sync(ana, f"postgresql://ana@127.0.0.1:{port}/desk")


# -- the server's rows are untrusted -----------------------------------------------------------------

def _tamper(desk, table: str, change) -> str:
    """Change the data of one server row of table with change(data); its key."""
    key, data = desk.admin("SELECT id, data FROM workbench.rows WHERE tbl = %s ORDER BY id LIMIT 1", (table,))[0]
    change(data)
    desk.admin("UPDATE workbench.rows SET data = %s::jsonb, xid = pg_current_xact_id() WHERE tbl = %s AND id = %s",
               (json.dumps(data), table, key))
    return key


def _other_id(data: dict) -> None:
    data["article_id"] = "00000000-0000-4000-8000-000000000000"


HOSTILE = {
    "a verdict the program does not know": ("claims", lambda d: d.update(verdict="true"), "verdict 'true'"),
    "a quote that is not in the article": ("claims", lambda d: d.update(quote="invented"), "quote does not match"),
    "an article whose id is not its text": ("articles", lambda d: d.update(body=d["body"] + " Added."), "id does not match"),
    "a claim of no article": ("claims", _other_id, "points to no row"),
    "a time that is not a UTC time": ("evidence", lambda d: d.update(created_at="2024-13-99"), "not a UTC time"),
    "a column of the wrong type": ("claims", lambda d: d.update(start="12"), "start is str"),
    "a column this program does not know": ("claims", lambda d: d.update(sneaky=1), "columns this program does not know"),
    "a time far in the future": ("claims", lambda d: d.update(updated_at="9999-12-31T00:00:00.000000Z"), "future"),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_a_hostile_server_row_refuses_the_pull_and_changes_nothing_here(desk, tmp_path, case):
    table, change, reason = HOSTILE[case]
    (ana, aid), (bo, bid) = open_db(tmp_path, "Ana"), open_db(tmp_path, "Bo")
    add_work(ana, aid, random.Random(2), claims=2)
    sync(ana, desk.url, "Ana")
    add_work(bo, bid, random.Random(3), claims=1)
    _tamper(desk, table, change)
    before = dump(bo)
    with pytest.raises(WorkbenchError) as refused:
        sync(bo, desk.url, "Bo")
    message = str(refused.value)
    assert reason in message and message.startswith(describe(desk.url)) and "\n" not in message
    assert dump(bo) == before
    assert not [k for k in server_state(desk.url) if k[0] == "claims" and k[1] in local_state(bo)]


def test_blob_bytes_that_do_not_match_their_sha256_are_refused(desk, tmp_path):
    from workbench.evidence import add_evidence, attach_bytes

    (ana, aid), (bo, _) = open_db(tmp_path, "Ana"), open_db(tmp_path, "Bo")
    claim = add_work(ana, aid, random.Random(4), claims=1)[0]
    attach_bytes(ana, add_evidence(ana, claim, reviewer_id=aid)["id"], b"the real scan", "scan.txt", reviewer_id=aid)
    sync(ana, desk.url, "Ana")
    desk.admin("UPDATE workbench.blobs SET data = 'a forged scan'::bytea")
    before = dump(bo)
    with pytest.raises(WorkbenchError, match="bytes do not match their SHA-256"):
        sync(bo, desk.url, "Bo")
    assert dump(bo) == before


def test_something_that_is_not_a_row_is_refused(desk, tmp_path):
    (ana, _), (bo, _) = open_db(tmp_path, "Ana"), open_db(tmp_path, "Bo")
    sync(ana, desk.url, "Ana")
    desk.admin("INSERT INTO workbench.rows (tbl, id, data, clocks, pushed_by) VALUES ('claims', 'x', '[1, 2]', '[]', 'x')")
    with pytest.raises(SyncError, match="a claims row on the server is not a row"):
        sync(bo, desk.url, "Bo")
    desk.admin("UPDATE workbench.rows SET tbl = 'sqlite_master', data = '{\"id\": \"x\"}' WHERE id = 'x'")
    with pytest.raises(SyncError, match="unknown table 'sqlite_master'"):
        sync(bo, desk.url, "Bo")


def test_a_forged_field_clock_from_the_future_is_refused(desk, tmp_path):
    (ana, aid), (bo, _) = open_db(tmp_path, "Ana"), open_db(tmp_path, "Bo")
    add_work(ana, aid, random.Random(5), claims=1)
    sync(ana, desk.url, "Ana")
    desk.admin("UPDATE workbench.rows SET clocks = '[[\"rationale\", \"9999-12-31T00:00:00.000000Z\", null]]', "
               "xid = pg_current_xact_id() WHERE tbl = 'claims'")
    before = dump(bo)
    with pytest.raises(WorkbenchError, match="future"):
        sync(bo, desk.url, "Bo")
    assert dump(bo) == before


def test_field_clocks_that_are_not_clocks_are_refused(desk, tmp_path):
    (ana, aid), (bo, _) = open_db(tmp_path, "Ana"), open_db(tmp_path, "Bo")
    add_work(ana, aid, random.Random(6), claims=1)
    sync(ana, desk.url, "Ana")
    desk.admin("UPDATE workbench.rows SET clocks = '\"abc\"', xid = pg_current_xact_id() WHERE tbl = 'claims'")
    with pytest.raises(SyncError, match="field clocks that are not"):
        sync(bo, desk.url, "Bo")
