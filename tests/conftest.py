"""Shared test setup: the offscreen Qt platform, a fresh database and a reviewer."""

import os

# Before any Qt import: tests never need a display. The offscreen screen is a 1280x800 laptop's,
# the size the window must fit on (its status bar once fell off the bottom there).
SCREEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "screen-1280x800.json")
os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={SCREEN}"

import pytest
from hypothesis import settings

from workbench.store import Store

pytest_plugins = ["tests.pg_fixtures"]  # the PostgreSQL server and desk fixtures, started only when asked for

# Hypothesis's per-example deadline is a timing assertion: speed is measured in bench/, not here.
settings.register_profile("workbench", deadline=None)
settings.load_profile("workbench")


@pytest.fixture
def db_path(tmp_path):
    """Path of a database file that does not exist yet."""
    return tmp_path / "workbench.db"


@pytest.fixture
def store(db_path):
    """A fresh, open workbench database."""
    with Store.open(db_path) as opened:
        yield opened


@pytest.fixture
def reviewer_id(store):
    """The id of a reviewer named Ana in the fresh database."""
    return store.reviewer("Ana")


@pytest.fixture
def no_proxy(monkeypatch):
    """Requests to the local test server never go through a proxy set in the environment."""
    monkeypatch.setenv("no_proxy", "*")
    monkeypatch.setenv("NO_PROXY", "*")
