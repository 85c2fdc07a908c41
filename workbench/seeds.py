"""Creating a database: a new file starts with the sample articles shipped in workbench/resources/seeds/."""

from pathlib import Path

from workbench import paths
from workbench.articles import add_article
from workbench.errors import DatabaseRefused
from workbench.store import Store


def open_database(path: str | Path, *, reviewer: str, create: bool = True, remember: bool = False) -> Store:
    """Open the database at path; a file that does not exist yet is created with the seeds.

    remember: the database the program starts on (see Store.open).
    """
    path = Path(path)
    is_new = not path.exists() or path.stat().st_size == 0
    if is_new and not create:
        raise DatabaseRefused(f"{path}: no such database")
    if is_new:
        path.parent.mkdir(parents=True, exist_ok=True)
    store = Store.open(path, remember=remember)
    if is_new:
        add_seeds(store, reviewer_id=store.reviewer(reviewer))
    return store


def add_seeds(store: Store, *, reviewer_id: str) -> None:
    """Add the sample articles (titles from their first line) in one transaction."""
    with store.transaction():
        for seed in paths.seed_files():
            add_article(store, seed.read_text(encoding="utf-8"), reviewer_id=reviewer_id,
                        source_kind="txt", encoding="utf-8", source=seed.name)
