"""Build the wheel from a copy of the working tree and install it (or other pinned packages) into fresh virtual
environments outside the checkout, offline from a wheelhouse filled once per requirements.lock.

The fixtures built on these (``conftest.py``) are session-scoped, so the wheel tests and the Dask cluster tests
share one wheel and one venv.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("layers", "plugins", "workbench", "lamplight")
TOP_FILES = ("pyproject.toml", "setup.py", "README.md", "main.py")
SAMPLE = REPO / "sample_data" / "tianhe"
LOCK = REPO / "requirements.lock"


def run(command: list, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run ``command``; a failure shows its command line and the end of its output."""
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    assert done.returncode == 0, f"{' '.join(map(str, command))} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def source_copy(folder: Path) -> Path:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for package in PACKAGES:
        shutil.copytree(REPO / package, folder / package, ignore=ignore)
    shutil.copytree(SAMPLE, folder / "sample_data" / "tianhe", ignore=ignore)
    for name in TOP_FILES:
        shutil.copy2(REPO / name, folder / name)
    return folder


def wheelhouse() -> Path:
    """Dependency wheels pinned by requirements.lock, downloaded on first use and kept between runs."""
    key = hashlib.sha256(LOCK.read_bytes() + (REPO / "pyproject.toml").read_bytes()).hexdigest()[:16]
    root = Path(os.environ.get("LAMPLIGHT_WHEELHOUSE", Path.home() / ".cache" / "lamplight" / "wheelhouse"))
    return root / key


def fill_wheelhouse(house: Path, wheel: Path) -> None:
    if (house / ".complete").is_file():
        return
    house.mkdir(parents=True, exist_ok=True)
    done = subprocess.run([sys.executable, "-m", "pip", "download", "-q", "-d", str(house), "-c", str(LOCK),
                           str(wheel)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"could not download the dependency wheels (no network?): {done.stderr.strip()[-500:]}")
    (house / wheel.name).unlink(missing_ok=True)  # only the dependencies are kept; the wheel is rebuilt each run
    (house / ".complete").write_text("ok\n")


def make_venv(folder: Path, house: Path, requirements: list[str]) -> Path:
    """A fresh venv (no system site-packages) at ``folder`` with ``requirements`` installed offline from
    ``house`` at the versions of requirements.lock; its python."""
    run([sys.executable, "-m", "venv", "--without-pip", str(folder)], cwd=folder.parent)
    python = folder / "bin" / "python"
    # --no-compile: bytecode is written on first import instead, for only the modules the commands use.
    run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-compile", "--no-index",
         "--find-links", str(house), "-c", str(LOCK), *requirements], cwd=folder.parent)
    return python


def clean_environment(home: Path) -> dict[str, str]:
    """This process's environment without anything that would lead a child to the checkout, with a fresh home,
    settings and numba cache under ``home``."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("PYTHONPATH", "PYTHONDONTWRITEBYTECODE", "LAMPLIGHT_PLUGIN_DIR", "VIRTUAL_ENV")}
    env.update(QT_QPA_PLATFORM="offscreen", HOME=str(home), XDG_DATA_HOME=str(home / "data"),
               XDG_CACHE_HOME=str(home / "cache"), LAMPLIGHT_CONFIG_DIR=str(home / "config"),
               LAMPLIGHT_TILE_CACHE=str(home / "tiles"), NUMBA_CACHE_DIR=str(home / "numba"))
    return env
