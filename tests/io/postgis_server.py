"""A throwaway PostgreSQL + PostGIS server on 127.0.0.1 for the PostGIS tests (real server, never a fake).

The cluster lives in a fresh folder under the system temp dir, listens on a free loopback port with password
authentication, runs without fsync (test data need not survive a crash) and is removed on ``stop``. initdb
refuses to run as root, so as root the server runs as the ``postgres`` account via ``runuser``.
When something needed is missing, ``ServerUnavailable`` says what, and the tests skip with that reason.
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

USER = "lamplight"
DATABASE = "lamplight_test"
#: A second database without the PostGIS extension, for the "no PostGIS" error message.
PLAIN_DATABASE = "lamplight_plain"
_START_ATTEMPTS = 3


class ServerUnavailable(RuntimeError):
    """The test server cannot run on this machine; the message says why."""


@dataclass
class PostgisServer:
    folder: Path
    bin_dir: Path
    run_as: str | None
    port: int
    password: str

    def url(self, database: str = DATABASE) -> str:
        return f"postgresql://{USER}:{self.password}@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        _run(self, [str(self.bin_dir / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop"],
             check=False)
        shutil.rmtree(self.folder, ignore_errors=True)


def _bin_dir() -> Path:
    candidates = [os.environ.get("LAMPLIGHT_PG_BIN", "")]
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name),
                         reverse=True)
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(str(Path(on_path).parent))
    for candidate in filter(None, candidates):
        folder = Path(candidate)
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    raise ServerUnavailable("PostgreSQL server programs (initdb, pg_ctl) not found; install postgresql "
                            "or set LAMPLIGHT_PG_BIN")


def _check_postgis(bin_dir: Path) -> None:
    share = subprocess.run([str(bin_dir / "pg_config"), "--sharedir"], capture_output=True, text=True).stdout.strip()
    if not (Path(share) / "extension" / "postgis.control").exists():
        raise ServerUnavailable(f"the PostGIS extension is not installed for the PostgreSQL in {bin_dir} "
                                f"(no {share}/extension/postgis.control; Debian: postgresql-postgis)")


def _account() -> str | None:
    """The account to run the server as: None (ourselves) unless we are root."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam("postgres")
    except KeyError as exc:
        raise ServerUnavailable("running as root and there is no 'postgres' account to run the server as") from exc
    if shutil.which("runuser") is None:
        raise ServerUnavailable("running as root and 'runuser' is missing, so the server cannot drop root")
    return "postgres"


def _run(server: PostgisServer, command: list[str], check: bool = True) -> subprocess.CompletedProcess:
    program = Path(command[0]).name
    if server.run_as:
        command = ["runuser", "-u", server.run_as, "--", *command]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if check and result.returncode != 0:
        raise ServerUnavailable(f"{program} failed: {(result.stderr or result.stdout).strip()[-800:]}")
    return result


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _create_databases(server: PostgisServer) -> None:
    with psycopg.connect(server.url("postgres"), autocommit=True, connect_timeout=10) as connection:
        connection.execute(f"CREATE DATABASE {DATABASE}")
        connection.execute(f"CREATE DATABASE {PLAIN_DATABASE}")
    with psycopg.connect(server.url(), autocommit=True, connect_timeout=10) as connection:
        try:
            connection.execute("CREATE EXTENSION postgis")
        except psycopg.Error as exc:
            raise ServerUnavailable(f"CREATE EXTENSION postgis failed: {exc}") from exc


def start_postgis_server() -> PostgisServer:
    """Initialise, start and prepare a server; raises ServerUnavailable (after cleaning up) when it cannot."""
    bin_dir = _bin_dir()
    _check_postgis(bin_dir)
    run_as = _account()
    folder = Path(tempfile.mkdtemp(prefix="lamplight-pg-"))
    server = PostgisServer(folder, bin_dir, run_as, 0, secrets.token_hex(12))
    try:
        (folder / "socket").mkdir()
        password_file = folder / "password"
        password_file.write_text(server.password + "\n")
        if run_as:
            account = pwd.getpwnam(run_as)
            for path in (folder, folder / "socket", password_file):
                os.chown(path, account.pw_uid, account.pw_gid)
        _run(server, [str(bin_dir / "initdb"), "-D", str(folder / "data"), "-U", USER, f"--pwfile={password_file}",
                      "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-locale", "--no-sync"])
        _start(server)
        _create_databases(server)
    except (ServerUnavailable, OSError, subprocess.SubprocessError, psycopg.Error) as exc:
        server.stop()
        if isinstance(exc, ServerUnavailable):
            raise
        raise ServerUnavailable(f"{type(exc).__name__}: {exc}") from exc
    return server


def _start(server: PostgisServer) -> None:
    """pg_ctl start on a free port; another port is tried when the chosen one was taken in the meantime."""
    log = server.folder / "server.log"
    problem = ""
    for _ in range(_START_ATTEMPTS):
        server.port = _free_port()
        options = (f"-c listen_addresses=127.0.0.1 -p {server.port} -k {server.folder / 'socket'} "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=16MB "
                   "-c max_connections=30 -c dynamic_shared_memory_type=mmap")
        result = _run(server, [str(server.bin_dir / "pg_ctl"), "-D", str(server.folder / "data"), "-l", str(log),
                               "-w", "-t", "60", "-o", options, "start"], check=False)
        if result.returncode == 0:
            return
        problem = log.read_text(errors="replace")[-800:] if log.exists() else result.stderr
        if "could not bind" not in problem and "already in use" not in problem:
            break
        time.sleep(0.2)
    raise ServerUnavailable(f"the PostgreSQL server did not start: {problem.strip()}")
