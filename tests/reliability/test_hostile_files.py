"""Every hostile file, opened, merged, counted and exported through the real command line.

Each file is built from a real database. For each command the outcome is either a correct
result or exactly one `error:` line naming the file (exit 1), never a traceback; the database
merged into is unchanged when a merge is refused; the hostile file and its side files are never
written (SHA-256 of each before and after), whatever the command.
"""

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.workbench.test_hostile_files import MERGE_REFUSED, OPEN_REFUSED, craft, real_database
from workbench import ids
from workbench.claims import add_claim
from workbench.store import Store

ROOT = Path(__file__).resolve().parents[2]
# Opens each file given as the window does (File > Open), as `workbench [DB]` would; one line each.
OPEN = ("import sys\nfrom workbench.errors import WorkbenchError\nfrom workbench.seeds import open_database\n"
        "failed = False\nfor path in sys.argv[1:]:\n    try:\n"
        "        open_database(path, reviewer='Ana', create=False).close()\n        print(f'{path}: opened')\n"
        "    except WorkbenchError as error:\n        print(f'error: {error}', file=sys.stderr)\n"
        "        failed = True\nsys.exit(1 if failed else 0)\n")


def digest(path: Path) -> dict:
    return {s: hashlib.sha256(Path(f"{path}{s}").read_bytes()).hexdigest()
            for s in ("", "-wal", "-shm", "-journal") if Path(f"{path}{s}").is_file()}


def build_all(folder: Path) -> dict[str, tuple[Path, bool]]:
    """name -> (hostile file, whether a merge must refuse it)."""
    files: dict[str, tuple[Path, bool]] = {}

    real_database(folder / "original.db")

    def fresh(name: str, refused: bool = True) -> Path:
        path = folder / f"{name.replace(' ', '-')}.db"
        shutil.copy(folder / "original.db", path)
        files[name] = (path, refused)
        return path

    for name, (statements, _) in OPEN_REFUSED.items():
        craft(fresh(name), *statements)
    for name, (statements, _, param) in MERGE_REFUSED.items():
        craft(fresh(name), *statements, params=[param()] if param else [])
    craft(fresh("foreign trigger"), "CREATE TRIGGER evil AFTER INSERT ON claims BEGIN DELETE FROM articles; END")
    craft(fresh("view"), "CREATE VIEW v AS SELECT * FROM claims")
    craft(fresh("forged future"), "UPDATE claims SET updated_at = '9999-12-31T23:59:59.999999Z'")
    craft(fresh("forged clock"), "INSERT INTO field_clocks SELECT 'claims', id, 'rationale', "
                                 "'9999-12-31T23:59:59.999999Z', NULL FROM claims")
    craft(fresh("newer schema"), "PRAGMA user_version = 999")
    craft(fresh("dangling reference"), "UPDATE claims SET created_by = '00000000-0000-4000-8000-000000000000'")
    data = os.urandom(1024) * (51 * 1024 + 1)  # just over the 50 MB an attachment may have
    sha = hashlib.sha256(data).hexdigest()
    craft(fresh("huge blob"), "UPDATE blobs SET data = ?, size = ?, sha256 = ?, id = ?",
          params=[data, len(data), sha, ids.blob_id(sha)])
    for name, content in (("not sqlite", b"hello\n" * 100), ("empty", b""),
                          ("truncated", b"SQLite format 3\x00" + b"\x10\x00" + b"\x00" * 90)):
        (folder / f"{name}.db").write_bytes(content)
        files[name] = (folder / f"{name}.db", True)
    os.mkfifo(folder / "fifo.db")
    files["fifo"] = (folder / "fifo.db", True)
    os.symlink("/dev/zero", folder / "zero.db")
    files["link to /dev/zero"] = (folder / "zero.db", True)
    (folder / "folder.db").mkdir()
    files["folder"] = (folder / "folder.db", True)
    live = fresh("wal without shm", refused=False)  # a file sent while open: valid, with a -wal
    with Store.open(live) as store:
        add_claim(store, store.query("SELECT id FROM articles")[0]["id"], 20, 30, reviewer_id=store.reviewer("Bo"))
        shutil.copy(live, folder / "sent.db")
        shutil.copy(f"{live}-wal", f"{folder / 'sent.db'}-wal")
    files["wal without shm"] = (folder / "sent.db", False)
    return files


def run(*args: str, script: str | None = None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-c", script, *args] if script else [sys.executable, "-m", "workbench", *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env={**os.environ, "WORKBENCH_REVIEWER": "Ana", "PYTHONPATH": str(ROOT)})


def check_outcome(result: subprocess.CompletedProcess, path: Path, what: str) -> bool:
    """True if refused (one error line naming the file), False if it gave a result; never a traceback."""
    assert "Traceback" not in result.stderr, f"{what}: {result.stderr}"
    if result.returncode == 0:
        return False
    lines = result.stderr.splitlines()
    assert result.returncode == 1 and len(lines) == 1, f"{what}: {result.stderr}"
    assert lines[0].startswith("error: ") and str(path) in lines[0], f"{what}: {lines[0]}"
    return True


def test_every_hostile_file_is_opened_merged_counted_and_exported_safely(tmp_path):
    files = build_all(tmp_path)
    ours = tmp_path / "ours.db"
    real_database(ours)
    before = {name: digest(path) for name, (path, _) in files.items() if path.is_file()}

    def commands(name: str, path: Path) -> dict:
        return {"stats": run("stats", str(path)), "markdown": run("export", str(path), "--format", "markdown")}

    with ThreadPoolExecutor(4) as pool:
        results = dict(zip(files, pool.map(lambda item: commands(*item),
                                           [(n, p) for n, (p, _) in files.items()])))
    for name, (path, refused) in files.items():
        for command, result in results[name].items():
            if not check_outcome(result, path, f"{name}: {command}"):
                expected = {"stats": " in 1 article", "markdown": "# "}[command]
                assert expected in result.stdout, f"{name}: {command}: {result.stdout[:200]}"
        # The file and its side files were not written by reading it.
        assert digest(path) == before.get(name, {}), f"{name}: written by stats or export"

    # Merges: all the hostile files in one command (each is merged or refused on its own), then the
    # valid one; our file must be unchanged by the refusals.
    hostile = [path for path, refused in files.values() if refused]
    mine = digest(ours)
    result = run("merge", str(ours), *map(str, hostile))
    assert result.returncode == 1 and "Traceback" not in result.stderr and result.stdout == ""
    assert [line.split(": ")[1] for line in result.stderr.splitlines()] == list(map(str, hostile))
    assert digest(ours) == mine, "a refused merge changed our file"
    for path in (p for p, refused in files.values() if not refused):
        result = run("merge", str(ours), str(path))
        assert not check_outcome(result, path, "merge") and result.stdout.startswith(f"{path}: 2 claims")
    for name, (path, _) in files.items():
        assert digest(path) == before.get(name, {}), f"{name}: written by merge"

    # Opening for work: a refusal changes nothing; a file that opens is converted, so use copies.
    # Rows only a merge refuses (they do no harm here), and future times (a local edit does not
    # follow them), open for work; everything else is refused.
    opens = [*MERGE_REFUSED, "wal without shm", "forged future", "forged clock", "huge blob"]
    refused_open = [path for name, (path, _) in files.items() if name not in opens]
    result = run(*map(str, refused_open), script=OPEN)
    assert result.returncode == 1 and "Traceback" not in result.stderr and result.stdout == ""
    assert [line.split(": ")[1] for line in result.stderr.splitlines()] == list(map(str, refused_open))
    for name, (path, _) in files.items():
        assert digest(path) == before.get(name, {}), f"{name}: a refused open changed it"
    copies = []
    for name in opens:
        path, copy = files[name][0], tmp_path / f"open-{files[name][0].name}"
        for suffix in ("", "-wal"):
            if Path(f"{path}{suffix}").exists():
                shutil.copy(f"{path}{suffix}", f"{copy}{suffix}")
        copies.append(copy)
    result = run(*map(str, copies), script=OPEN)  # opened (or refused in a line) without a traceback
    assert "Traceback" not in result.stderr
    assert len(result.stdout.splitlines()) + len(result.stderr.splitlines()) == len(copies)
    with sqlite3.connect(ours) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.mark.parametrize("command", ["stats", "export"])
def test_read_only_commands_leave_a_received_copy_byte_for_byte(tmp_path, command):
    from workbench.merge import save_copy

    real_database(tmp_path / "ours.db")
    with Store.open(tmp_path / "ours.db") as store:
        save_copy(store, tmp_path / "received.db")
    before = (tmp_path / "received.db").read_bytes()
    args = ["--format", "markdown"] if command == "export" else []
    result = run(command, str(tmp_path / "received.db"), *args)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "received.db").read_bytes() == before  # the header (journal mode) too
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ours.db", "received.db"]
