"""From a fresh clone: the tests collect and skip what needs ../shared (saying so); `make install` puts
`jcrawl` on the user's PATH; the README's crontab line works as written in cron's environment."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.demo.server import DemoServer
from crawler.demo.site import build_site
from tests.helpers import ROOT, free_port, jcrawl

CRON_ENV = {"PATH": "/usr/bin:/bin", "SHELL": "/bin/sh"}  # what cron gives a job, with HOME and LOGNAME
QUIET = re.compile(r"^\d+ new, \d+ changed, \d+ unchanged, \d+ errors, [\d.]+ s$")


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    """The project's files as a clone has them (tracked or not ignored), with no ../shared beside."""
    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        pytest.skip("not a git checkout")
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    target = tmp_path / "journal-crawler"
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    assert not (target.parent / "shared").exists()
    return target


def pytest_in(clone: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(clone))  # the clone's code, not this checkout's
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_a_fresh_clone_collects_every_test_and_skips_what_needs_shared(clone: Path) -> None:
    collected = pytest_in(clone, "--collect-only", "-q")
    assert collected.returncode == 0, collected.stdout[-3000:] + collected.stderr[-3000:]
    assert "error" not in collected.stdout.splitlines()[-1], collected.stdout[-3000:]
    skipped = pytest_in(
        clone,
        "-q",
        "-rs",
        "tests/test_seed_article.py",
        "tests/test_extract_total.py::test_records_do_not_depend_on_the_process",
    )
    assert skipped.returncode == 0, skipped.stdout[-3000:]
    reasons = [line for line in skipped.stdout.splitlines() if line.startswith("SKIPPED")]
    assert reasons and all("is not beside the project (a fresh clone)" in line for line in reasons), reasons


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A user's home directory with `make install` run in it (HOME is the make's)."""
    if Path(sys.executable).parent != ROOT / ".venv" / "bin":
        pytest.skip("runs with the project's .venv (make test)")
    home = tmp_path / "home"
    home.mkdir()
    env = dict(os.environ, HOME=str(home))
    if subprocess.run(["make", "-q", ".venv/.installed-test"], cwd=ROOT, env=env).returncode != 0:
        pytest.skip(".venv is not up to date: make test installs it first")
    install = subprocess.run(["make", "-s", "install"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert install.returncode == 0, install.stderr
    assert f"{home}/.local/bin/jcrawl" in install.stdout
    return home


@pytest.fixture
def site(tmp_path: Path) -> Iterator[str]:
    server = DemoServer(tmp_path / "site", port=free_port())
    with server:
        build_site(server.directory, server.url, 8)
        server.start()
        yield server.url


def test_make_install_puts_jcrawl_on_the_users_path(home: Path) -> None:
    env = {"HOME": str(home), "PATH": f"{home}/.local/bin:/usr/bin:/bin"}
    result = subprocess.run(["jcrawl", "--version"], env=env, cwd=home, capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith("jcrawl "), result.stderr


def test_the_readme_crontab_line_works_in_crons_environment(home: Path, site: str) -> None:
    (line,) = re.findall(r"```crontab\n(.*?)\n```", (ROOT / "README.md").read_text(), re.S)
    command = line.split(None, 5)[5]  # after minute, hour, day, month and weekday
    archive = Path(re.search(r"--archive (\S+)", command).group(1).replace("$HOME", str(home)))
    crawled = jcrawl("crawl", site, archive=archive)
    assert crawled.returncode == 0, crawled.stderr[-3000:]
    env = {**CRON_ENV, "HOME": str(home), "LOGNAME": "cron-test"}
    for _ in range(2):
        run = subprocess.run(["/bin/sh", "-c", command], env=env, cwd=home, capture_output=True, text=True)
        assert run.returncode == 0 and run.stdout == run.stderr == "", run.stdout + run.stderr
    log = (archive / "cron.log").read_text().splitlines()  # where the line sends both outputs
    assert len(log) == 2 and all(QUIET.match(entry) for entry in log), log
