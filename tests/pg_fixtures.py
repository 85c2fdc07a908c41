"""A real PostgreSQL server for the sync tests (started once per run), and a fresh desk database per test.

A pytest plugin (tests/conftest.py loads it), so the window's sync tests in tests/ui share the
one server with tests/sync.

Without the server programs the sync tests are skipped with the reason, except on CI (`CI` set)
or with WORKBENCH_REQUIRE_POSTGRES=1, where a missing or failing server fails them.
"""

import itertools
import os
import secrets
from dataclasses import dataclass

import pytest

from tests.pg_server import PgServer, ServerUnavailable, running_server

_numbers = itertools.count(1)


def _required() -> bool:
    return bool(os.environ.get("CI")) or os.environ.get("WORKBENCH_REQUIRE_POSTGRES") == "1"


@pytest.fixture(scope="session")
def pg_server():
    """The session's PostgreSQL server on 127.0.0.1, run by an unprivileged user; stopped at the end."""
    problem = None
    try:
        with running_server() as server:
            yield server
    except ServerUnavailable as error:
        problem = str(error)
    if problem is None:
        return
    if _required():
        pytest.fail(f"the sync tests need a PostgreSQL server: {problem}", pytrace=False)
    pytest.skip(f"no PostgreSQL server: {problem}")


@dataclass
class Desk:
    """One desk's database on the test server, owned by its own login role."""

    server: PgServer
    database: str
    role: str
    password: str

    @property
    def url(self) -> str:
        """The connection string a reviewer is given (no password in it)."""
        return self.server.url(self.database, user=self.role)

    @property
    def url_with_password(self) -> str:
        """The connection string with the password in it."""
        return self.server.url(self.database, user=self.role, password=self.password)

    def admin(self, sql: str, params: tuple = ()) -> list[tuple]:
        """Run one statement in the desk's database as the server's superuser."""
        return self.server.admin(sql, params, database=self.database)


@pytest.fixture
def desk(pg_server, monkeypatch):
    """A new database and role for one test; PGPASSWORD holds the role's password."""
    number = next(_numbers)
    role, database, password = f"desk_role_{number}", f"desk_{number}", secrets.token_hex(8)
    pg_server.admin(f"CREATE ROLE {role} LOGIN PASSWORD '{password}'")
    pg_server.admin(f"CREATE DATABASE {database} OWNER {role}")
    monkeypatch.setenv("PGPASSWORD", password)
    monkeypatch.setenv("PGPASSFILE", os.devnull)  # never the password file of whoever runs the tests
    yield Desk(pg_server, database, role, password)
    pg_server.admin(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
    pg_server.admin(f"DROP ROLE IF EXISTS {role}")
