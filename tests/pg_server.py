"""A real, throw-away PostgreSQL server for tests and benchmarks: initdb + pg_ctl in a temp folder.

`running_server()` starts one on a free port of 127.0.0.1 (and a unix socket inside its own
folder), as an unprivileged user when this process is root (PostgreSQL refuses to run as root),
and stops it and removes the folder at the end. It uses the server programs of Debian's
`postgresql` package (`/usr/lib/postgresql/<version>/bin`) or whatever `initdb` is on PATH.
Password authentication (scram-sha-256) is required over TCP, as on a desk's real server.
"""

import contextlib
import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

SUPERUSER = "workbench_admin"
MISSING = ("PostgreSQL server programs (initdb, pg_ctl) not found; install Debian's `postgresql` "
           "package (apt-get install -y postgresql) or put initdb on PATH")


class ServerUnavailable(RuntimeError):
    """The PostgreSQL server programs are missing or the server would not start."""


@dataclass(frozen=True)
class PgServer:
    """A running test server: where it listens and how the superuser logs in."""

    host: str
    port: int
    user: str
    password: str
    cluster: "_Cluster | None" = field(default=None, repr=False, compare=False)

    def url(self, database: str = "postgres", *, user: str | None = None,
            password: str | None = None) -> str:
        """A postgresql:// URL for database (with the password only when given)."""
        auth = user or self.user
        if password:
            auth += f":{password}"
        return f"postgresql://{auth}@{self.host}:{self.port}/{database}"

    def admin(self, sql: str, params: tuple = (), database: str = "postgres") -> list[tuple]:
        """Run one statement as the superuser (autocommit); its rows, if any."""
        import psycopg

        with psycopg.connect(self.url(database), password=self.password, autocommit=True) as conn:
            cursor = conn.execute(sql, params)
            return cursor.fetchall() if cursor.description else []


@dataclass(frozen=True)
class _Cluster:
    """Where a server's files are and who runs it (to start a standby beside it)."""

    bin_dir: Path
    user: str | None
    folder: Path
    env: dict


def server_bin() -> Path | None:
    """The folder holding initdb and pg_ctl (the newest Debian version first), or None."""
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                         key=lambda p: int(Path(p).parent.name) if Path(p).parent.name.isdigit() else 0,
                         reverse=True):
        if (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    found = shutil.which("initdb")
    if found and (Path(found).parent / "pg_ctl").exists():
        return Path(found).parent
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _run_as() -> str | None:
    """The unprivileged account to run the server as when we are root (else None: ourselves)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    raise ServerUnavailable("running as root and neither a 'postgres' nor a 'nobody' account exists")


def _command(user: str | None, args: list[str]) -> list[str]:
    return ["runuser", "-u", user, "--", *args] if user else args


@contextlib.contextmanager
def running_server() -> Iterator[PgServer]:
    """Start a fresh PostgreSQL cluster; yield where it listens; stop and delete it afterwards."""
    bin_dir = server_bin()
    if bin_dir is None:
        raise ServerUnavailable(MISSING)
    user = _run_as()
    folder = Path(tempfile.mkdtemp(prefix="workbench-pg-"))
    password = secrets.token_hex(16)
    data, log = folder / "data", folder / "server.log"
    try:
        (folder / "pwfile").write_text(password + "\n")
        if user:
            account = pwd.getpwnam(user)
            for path in (folder, folder / "pwfile"):
                os.chown(path, account.pw_uid, account.pw_gid)
        folder.chmod(0o700)
        env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
        env.pop("PGDATA", None)
        _check(subprocess.run(_command(user, [
            str(bin_dir / "initdb"), "-D", str(data), "-U", SUPERUSER, "--pwfile", str(folder / "pwfile"),
            "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-sync"]),
            env=env, capture_output=True, text=True, cwd=folder), "initdb")
        port = _start(bin_dir, user, data, folder, log, env)
        try:
            yield PgServer("127.0.0.1", port, SUPERUSER, password, _Cluster(bin_dir, user, folder, env))
        finally:
            subprocess.run(_command(user, [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate",
                                           "-w", "stop"]), env=env, capture_output=True, cwd=folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _start(bin_dir: Path, user: str | None, data: Path, folder: Path, log: Path, env: dict) -> int:
    for _ in range(5):  # another process may take the free port between the probe and the start
        port = _free_port()
        result = _pg_ctl_start(bin_dir, user, data, folder, log, env, port)
        if result.returncode == 0:
            return port
        text = log.read_text(errors="replace") if log.exists() else ""
        if "already in use" not in text:
            _check(result, "pg_ctl start", text)
    raise ServerUnavailable("PostgreSQL would not start: no free port found")


def _pg_ctl_start(bin_dir: Path, user: str | None, data: Path, folder: Path, log: Path, env: dict,
                  port: int) -> subprocess.CompletedProcess:
    options = (f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={folder} "
               "-c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=100")
    return subprocess.run(_command(user, [str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log),
                                          "-o", options, "-w", "-t", "60", "start"]),
                          env=env, capture_output=True, text=True, cwd=folder)


@contextlib.contextmanager
def stopped(server: PgServer) -> Iterator[None]:
    """Stop the server (every connection is cut, as when it goes down) and start it again on the same port."""
    cluster = server.cluster
    data = cluster.folder / "data"
    _check(subprocess.run(_command(cluster.user, [str(cluster.bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast",
                                                  "-w", "stop"]),
                          env=cluster.env, capture_output=True, text=True, cwd=cluster.folder), "pg_ctl stop")
    try:
        yield
    finally:
        _check(_pg_ctl_start(cluster.bin_dir, cluster.user, data, cluster.folder, cluster.folder / "server.log",
                             cluster.env, server.port), "pg_ctl start")


def _check(result: subprocess.CompletedProcess, what: str, log: str = "") -> None:
    if result.returncode != 0:
        detail = (result.stderr or result.stdout or log).strip().splitlines()[-5:]
        raise ServerUnavailable(f"{what} failed: " + " | ".join(detail))


@contextlib.contextmanager
def running_standby(primary: PgServer) -> Iterator[PgServer]:
    """A hot standby of primary (pg_basebackup, streaming replication) on another free port."""
    cluster = primary.cluster
    data = Path(tempfile.mkdtemp(prefix="standby-", dir=cluster.folder))
    if cluster.user:
        account = pwd.getpwnam(cluster.user)
        os.chown(data, account.pw_uid, account.pw_gid)
    data.chmod(0o700)
    source = f"host={primary.host} port={primary.port} user={primary.user} password={primary.password}"
    _check(subprocess.run(_command(cluster.user, [str(cluster.bin_dir / "pg_basebackup"), "-d", source,
                                                  "-D", str(data), "-R", "-X", "stream", "-c", "fast"]),
                          env=cluster.env, capture_output=True, text=True, cwd=cluster.folder), "pg_basebackup")
    port = _start(cluster.bin_dir, cluster.user, data, cluster.folder, data / "standby.log", cluster.env)
    try:
        yield PgServer(primary.host, port, primary.user, primary.password, cluster)
    finally:
        subprocess.run(_command(cluster.user, [str(cluster.bin_dir / "pg_ctl"), "-D", str(data), "-m",
                                               "immediate", "-w", "stop"]),
                       env=cluster.env, capture_output=True, cwd=cluster.folder)
        shutil.rmtree(data, ignore_errors=True)


def wait_for_replay(primary: PgServer, standby: PgServer, timeout_s: float = 30.0) -> None:
    """Wait until the standby has replayed everything the primary has written so far."""
    import time

    target = primary.admin("SELECT pg_current_wal_insert_lsn()")[0][0]  # commits here are not flushed at once
    deadline = time.monotonic() + timeout_s
    while not standby.admin("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (target,))[0][0]:
        if time.monotonic() > deadline:
            raise ServerUnavailable("the standby did not catch up with the primary")
        time.sleep(0.02)
