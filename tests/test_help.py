"""Help you can learn from: `jcrawl --help` and every command's help have a description, examples and
the exit codes; --archive works before or after the command."""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.cli.commands import build_parser
from crawler.store import Store
from tests.helpers import ROOT, jcrawl

COMMANDS = sorted(
    next(a.choices for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
)


def sections(help_text: str) -> dict[str, list[str]]:
    """The help's parts by heading ("usage", "description", "options", "examples", "exit codes")."""
    parts: dict[str, list[str]] = {"usage": []}
    current = "usage"
    for line in help_text.splitlines():
        heading = re.match(r"^([a-z ]+):$", line)
        if heading:
            current = heading.group(1)
            parts[current] = []
        elif current == "usage" and parts["usage"] and not line.strip():
            current = "description"
            parts[current] = []
        else:
            parts[current].append(line)
    return parts


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_every_help_has_a_description_examples_and_exit_codes(command: str | None) -> None:
    result = jcrawl(*([command] if command else []), "--help")
    assert result.returncode == 0 and result.stderr == ""
    parts = sections(result.stdout)
    assert len(" ".join(parts["description"]).split()) >= 10, result.stdout
    examples = [line for line in parts["examples"] if line.strip()]
    assert 2 <= len(examples) <= 4 and all("jcrawl" in line for line in examples), result.stdout
    codes = [int(line.split()[0]) for line in parts["exit codes"] if line.strip()]
    assert 0 in codes and 2 in codes and codes == sorted(codes), result.stdout


def test_the_main_help_lists_every_exit_code() -> None:
    codes = sections(jcrawl("--help").stdout)["exit codes"]
    assert [int(line.split()[0]) for line in codes if line.strip()] == [0, 1, 2, 3, 4, 70, 130, 141]


def test_archive_works_before_or_after_the_command(tmp_path: Path) -> None:
    Store(tmp_path / "a").close()
    before = jcrawl("--archive", tmp_path / "a", "stats")
    after = jcrawl("stats", "--archive", tmp_path / "a")
    assert before.returncode == after.returncode == 0, before.stderr + after.stderr
    assert before.stdout == after.stdout and f"archive     {tmp_path / 'a'}" in before.stdout
    # the later one wins, and $JCRAWL_ARCHIVE is the default of both
    both = jcrawl("--archive", tmp_path / "nothing", "stats", "--archive", tmp_path / "a")
    assert both.stdout == before.stdout
    env = dict(os.environ, JCRAWL_ARCHIVE=str(tmp_path / "a"))
    from_env = subprocess.run(
        [sys.executable, "-m", "crawler.cli", "stats"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert from_env.stdout == before.stdout


def test_each_command_is_registered_by_the_module_the_parser_builds_it_from() -> None:
    """build_parser(argv) registers only the module of argv's command (COMMAND_MODULE)."""
    from crawler.cli.commands import COMMAND_MODULE, COMMAND_MODULES

    for module in COMMAND_MODULES:
        commands = argparse.ArgumentParser().add_subparsers()
        module.register(commands)
        assert {COMMAND_MODULE[name] for name in commands.choices} == {module}
    assert sorted(COMMAND_MODULE) == COMMANDS


@pytest.mark.parametrize(
    "argv",
    [
        ["crawl", "http://j.example/", "--max-pages", "5", "-s", "DOWNLOAD_DELAY=1"],
        ["--archive", "/tmp/x", "search", "port", "--limit", "3"],
        ["--archive=/tmp/x", "export", "--format", "csv"],
        ["stats", "--archive", "/tmp/y"],
        ["--arch", "/tmp/x", "history", "http://j.example/"],
        ["worker", "--cluster", "redis://127.0.0.1:6379/0"],
    ],
)
def test_a_command_parses_alike_with_its_module_alone_or_every_command(argv: list[str]) -> None:
    assert vars(build_parser(argv).parse_args(argv)) == vars(build_parser().parse_args(argv))
