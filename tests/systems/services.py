"""The servers a real publishing system runs on, each started on 127.0.0.1 (or a private socket) with
a private configuration under a run directory, and stopped by the test that started it.

Nothing here reads or writes the system's own configuration in /etc: every daemon is given its
config file, pid file, logs and sockets on the command line.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.helpers import wait_for_port

MARIADB = ("mariadbd", "mariadb-install-db", "mariadb")
PHP_FPM = "php-fpm8.2"
NGINX = "nginx"


def require(*programs: str) -> None:
    """Skip the test, naming what is missing, unless every program is on the PATH (or in /usr/sbin)."""
    missing = [p for p in programs if program(p) is None]
    if missing:
        pytest.skip(f"not installed: {', '.join(missing)} (make test installs them: make system-deps)")


def program(name: str) -> str | None:
    """The path of a program, looking in /usr/sbin too (daemons live there, often off a user's PATH)."""
    return shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/local/sbin")


def _as_root_user() -> list[str]:
    """Daemons refuse to run as root unless told which user to be; as another user they need nothing."""
    return ["--user=root"] if os.geteuid() == 0 else []


@contextmanager
def running(
    command: list[str], log: Path, ready: Callable[[], bool], timeout: float = 60
) -> Iterator[subprocess.Popen]:
    """Run a daemon in the foreground as our child; wait until `ready()` is true; stop it (SIGTERM,
    then SIGKILL) afterwards."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + timeout
        while not ready():
            if process.poll() is not None:
                raise RuntimeError(f"{command[0]} exited with {process.returncode}: {_tail(log)}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"{command[0]} not ready after {timeout} s: {_tail(log)}")
            time.sleep(0.05)
        yield process
    finally:
        stop(process)


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-2000:]


def stop(process: subprocess.Popen, timeout: float = 30) -> None:
    """SIGTERM a daemon we started (its whole process group: php-fpm and nginx fork workers)."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=timeout)


# --- MariaDB -----------------------------------------------------------------------------------------
def install_mariadb(datadir: Path) -> None:
    """A new, empty MariaDB data directory (root logs in through the socket, no password)."""
    datadir.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            program("mariadb-install-db"),
            "--no-defaults",
            f"--datadir={datadir}",
            "--auth-root-authentication-method=socket",
            "--skip-test-db",
            *_as_root_user(),
        ],
        check=True,
        capture_output=True,
    )


@contextmanager
def mariadb(datadir: Path, run_dir: Path) -> Iterator[Path]:
    """mariadbd on a private unix socket (no TCP); yields the socket's path."""
    run_dir.mkdir(parents=True, exist_ok=True)
    sock = run_dir / "mysqld.sock"
    command = [
        program("mariadbd"),
        "--no-defaults",
        f"--datadir={datadir}",
        f"--socket={sock}",
        f"--pid-file={run_dir / 'mysqld.pid'}",
        "--skip-networking",
        "--skip-log-bin",
        # Small files: the data directory is copied for each test that changes the site.
        "--innodb-log-file-size=8M",
        "--innodb-buffer-pool-size=64M",
        "--innodb-flush-log-at-trx-commit=2",
        *_as_root_user(),
    ]
    with running(command, run_dir / "mysqld.log", sock.exists):
        yield sock


def sql(sock: Path, statement: str, database: str | None = None) -> str:
    """Run SQL as root through the socket; its output (tab-separated, no headers)."""
    command = [program("mariadb"), "--no-defaults", f"--socket={sock}", "-uroot", "-N", "-B", "-e", statement]
    if database:
        command.append(database)
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


# --- PHP-FPM -----------------------------------------------------------------------------------------
@contextmanager
def php_fpm(run_dir: Path, prepend: Path, workers: int = 4) -> Iterator[Path]:
    """php-fpm with a private pool on a unix socket; `prepend` runs before every script (it defines
    the site's configuration). Yields the socket's path."""
    run_dir.mkdir(parents=True, exist_ok=True)
    sock = run_dir / "php-fpm.sock"
    config = run_dir / "php-fpm.conf"
    config.write_text(
        f"""[global]
pid = {run_dir / "php-fpm.pid"}
error_log = {run_dir / "php-fpm.log"}
daemonize = no

[site]
listen = {sock}
pm = static
pm.max_children = {workers}
clear_env = no
catch_workers_output = yes
php_admin_value[auto_prepend_file] = {prepend}
php_admin_value[error_log] = {run_dir / "php-errors.log"}
php_admin_flag[log_errors] = on
php_admin_flag[display_errors] = off
php_admin_value[memory_limit] = 256M
"""
    )
    command = [program(PHP_FPM), "--nodaemonize", "--fpm-config", str(config)]
    if os.geteuid() == 0:
        command.append("--allow-to-run-as-root")
    with running(command, run_dir / "php-fpm.out", sock.exists):
        yield sock


# --- nginx -------------------------------------------------------------------------------------------
def nginx_config(run_dir: Path, servers: str) -> Path:
    """An nginx.conf whose pid, logs and temporary files are all under `run_dir`."""
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / "tmp").mkdir(exist_ok=True)
    config = run_dir / "nginx.conf"
    user = "root root;" if os.geteuid() == 0 else ""
    config.write_text(
        f"""worker_processes 1;
{"user " + user if user else ""}
daemon off;
pid {run_dir / "nginx.pid"};
error_log {run_dir / "error.log"} warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    log_format timed '$server_port "$request" $status $body_bytes_sent $request_time';
    access_log {run_dir / "access.log"} timed;
    client_body_temp_path {run_dir / "tmp/body"};
    proxy_temp_path {run_dir / "tmp/proxy"};
    fastcgi_temp_path {run_dir / "tmp/fastcgi"};
    uwsgi_temp_path {run_dir / "tmp/uwsgi"};
    scgi_temp_path {run_dir / "tmp/scgi"};
    keepalive_requests 100000;
{servers}
}}
"""
    )
    return config


@contextmanager
def nginx(run_dir: Path, servers: str, ports: list[int]) -> Iterator[Path]:
    """nginx with `servers` (server blocks) listening on 127.0.0.1 `ports`; yields its access log."""
    config = nginx_config(run_dir, servers)
    command = [program(NGINX), "-c", str(config), "-p", str(run_dir), "-e", str(run_dir / "error.log")]

    def ready() -> bool:
        try:
            for port in ports:
                wait_for_port(port, timeout=0.01)
        except TimeoutError:
            return False
        return True

    with running(command, run_dir / "nginx.out", ready):
        yield run_dir / "access.log"


def requests_on(access_log: Path, port: int) -> list[tuple[str, int]]:
    """(request target, status) of each request nginx answered on `port`, in order (the log format
    `timed` of nginx_config)."""
    out = []
    for line in access_log.read_text(encoding="utf-8", errors="replace").splitlines():
        served_port, _, rest = line.partition(" ")
        if served_port == str(port) and rest.count('"') >= 2:
            _, request, after = rest.split('"', 2)
            target = request.split(" ")[1] if " " in request else request
            out.append((target, int(after.split()[0])))
    return out
