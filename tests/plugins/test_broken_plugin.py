"""A plugin that fails to load is an entry of the registry (like rasterio's BrokenCommand) that says why."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from layers.errors import LamplightError
from plugins.api import AlgorithmError, Context
from plugins.registry import BrokenPlugin, Registry, plugin_key
from plugins.runner import run_algorithm


@pytest.fixture
def registry(tmp_path: Path) -> Registry:
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "syntax_slip.py").write_text("def algorithms(:\n")
    (folder / "quiet.py").write_text("X = 1\n")
    registry = Registry()
    registry.load_folder(folder)
    registry.load_module("plugins.not_written_yet")
    yield registry
    for name in ("syntax_slip", "quiet"):
        sys.modules.pop(name, None)


def test_each_failed_plugin_is_an_entry_named_after_it(registry: Registry):
    entries = {entry.id: entry for entry in registry.broken_plugins()}
    assert set(entries) == {"broken.syntax_slip", "broken.quiet", "broken.not_written_yet"}
    assert [entry.problem for entry in registry.broken_plugins()] == registry.problems
    assert all(isinstance(entry, BrokenPlugin) for entry in entries.values())
    assert len(registry) == 0 and registry.algorithms() == []  # listed apart, never among the working tools


def test_help_and_run_explain_the_failure(registry: Registry):
    entry = registry.get("broken.syntax_slip")
    assert "syntax_slip.py failed to import: SyntaxError" in " ".join(entry.help_text().split())  # unwrapped
    with pytest.raises(AlgorithmError, match=r"syntax_slip\.py failed to import: SyntaxError") as caught:
        run_algorithm(entry, {}, Context())
    assert isinstance(caught.value, LamplightError)
    assert "has no algorithms() function" in " ".join(registry.get("broken.quiet").help_text().split())


def test_unknown_ids_still_raise_with_the_failed_plugins_named(registry: Registry):
    with pytest.raises(KeyError, match="syntax_slip.py failed to import"):
        registry.get("syntax_slip.anything")


@pytest.mark.parametrize(("source", "key"), [
    ("plugins.siting", "siting"),
    ("example = lamplight_example:algorithms (lamplight_example_plugin)", "example"),
    ("/home/planner/.local/share/lamplight/plugins/poles.py", "poles"),
    ("/home/planner/.local/share/lamplight/plugins/towers", "towers"),
])
def test_plugin_key_is_the_name_a_planner_knows_the_plugin_by(source: str, key: str):
    assert plugin_key(source) == key


def test_command_line_lists_helps_and_refuses_to_run_a_broken_plugin(tmp_path: Path):
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "oops.py").write_text("def algorithms(:\n")
    env = {**os.environ, "LAMPLIGHT_PLUGIN_DIR": str(folder)}
    main = [sys.executable, str(Path(__file__).resolve().parents[2] / "main.py")]

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([*main, *args], env=env, cwd=tmp_path, capture_output=True, text=True)

    listing = run("list")
    assert listing.returncode == 0 and "Broken plugins\n  broken.oops  The plugin " in listing.stdout
    assert "tools.buffer" in listing.stdout  # the working plugins are all still there
    assert [p["id"] for p in json.loads(run("list", "--json").stdout)["problems"]] == ["broken.oops"]
    assert "oops.py failed to import: SyntaxError" in " ".join(run("help", "broken.oops").stdout.split())
    refused = run("run", "broken.oops")
    assert refused.returncode == 1 and "oops.py failed to import: SyntaxError" in refused.stderr
