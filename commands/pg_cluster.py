"""A throwaway PostgreSQL cluster for the tests and the benchmarks (issue 17): Debian's `postgresql`
package, a data folder under a temporary directory, a free port on 127.0.0.1, password sign-in
(scram-sha-256), stopped and removed at the end. Nothing is downloaded: `make test` installs the
package when it can; `unavailable()` says plainly why a cluster cannot be started here.

PostgreSQL refuses to run as root: as root the server runs as the package's `postgres` user
(runuser), in a folder that user owns."""
from __future__ import annotations

import contextlib
import glob
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def _bin_dir() -> Path | None:
    """The newest installed server's bin folder (/usr/lib/postgresql/<major>/bin), or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("pg_ctl")
    return Path(on_path).resolve().parent if on_path else None


def unavailable() -> str | None:
    """Why no cluster can be started here (in Vietnamese), or None when one can."""
    if _bin_dir() is None:
        return "Máy này chưa có PostgreSQL (gói Debian `postgresql`): `make test` cài khi có quyền."
    if os.geteuid() == 0 and (shutil.which("runuser") is None or _uid("postgres") is None):
        return "Đang chạy bằng root nhưng không có người dùng `postgres` hay lệnh runuser để chạy máy chủ PostgreSQL."
    return None


def _uid(name: str) -> int | None:
    import pwd

    try:
        return pwd.getpwnam(name).pw_uid
    except KeyError:
        return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Cluster:
    """A started cluster: `url` signs in as the product's own role and database; `admin_url` as the
    cluster's superuser (tests create other databases with it); `bin` is its bin folder."""

    def __init__(self, folder: Path, port: int, password: str, bin_dir: Path):
        self.folder, self.port, self.password, self.bin = folder, port, password, bin_dir

    def url(self, database: str = "chiso", user: str = "chiso", password: str | None = None) -> str:
        return f"postgresql://{user}:{password or self.password}@127.0.0.1:{self.port}/{database}"

    @property
    def admin_url(self) -> str:
        return self.url("postgres", "postgres")

    def create_database(self, name: str) -> str:
        """A new empty database owned by the product's role; its URL."""
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as con:
            con.execute(f'CREATE DATABASE "{name}" OWNER chiso')
        return self.url(name)


def _run(cmd: list[str], as_postgres: bool, **kw) -> subprocess.CompletedProcess:
    if as_postgres:
        cmd = ["runuser", "-u", "postgres", "--"] + cmd
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


@contextlib.contextmanager
def cluster(wait_s: int = 60):
    """Start a cluster in a new temporary folder; yields a Cluster; stops it and removes the folder."""
    reason = unavailable()
    if reason:
        raise RuntimeError(reason)
    bin_dir = _bin_dir()
    as_postgres = os.geteuid() == 0
    folder = Path(tempfile.mkdtemp(prefix="chiso-pg-"))
    data, log = folder / "data", folder / "server.log"
    password = secrets.token_urlsafe(18)
    port = _free_port()
    started = False
    try:
        (folder / "pw").write_text(password + "\n")
        if as_postgres:
            shutil.chown(folder, "postgres", "postgres")
            shutil.chown(folder / "pw", "postgres", "postgres")
        _run([str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=scram-sha-256",
              f"--pwfile={folder / 'pw'}", "-E", "UTF8", "--locale=C.UTF-8"], as_postgres)
        _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", str(wait_s), "-o",
              f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off", "start"],
             as_postgres)
        started = True
        made = Cluster(folder, port, password, bin_dir)
        import psycopg

        with psycopg.connect(made.admin_url, autocommit=True) as con:
            con.execute(f"CREATE ROLE chiso LOGIN PASSWORD '{password}'")
            con.execute("CREATE DATABASE chiso OWNER chiso")
        yield made
    finally:
        if started:
            with contextlib.suppress(subprocess.CalledProcessError):
                _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"], as_postgres)
        shutil.rmtree(folder, ignore_errors=True)
