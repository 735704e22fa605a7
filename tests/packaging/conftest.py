"""Session fixtures of the packaging tests: one wheel built from the working tree and one fresh venv with it,
shared by the wheel tests and the Dask cluster tests (all in the xdist group "wheel")."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.packaging.wheel_venv import clean_environment, fill_wheelhouse, make_venv, run, source_copy, wheelhouse


@pytest.fixture(scope="session")
def source(tmp_path_factory) -> Path:
    return source_copy(tmp_path_factory.mktemp("source"))


@pytest.fixture(scope="session")
def wheel(source, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(source)], cwd=source)
    (built,) = out.glob("lamplight-*.whl")
    return built


@pytest.fixture(scope="session")
def house(wheel) -> Path:
    """The dependency wheels, offline after the first run."""
    found = wheelhouse()
    fill_wheelhouse(found, wheel)
    return found


@pytest.fixture(scope="session")
def installed(wheel, house, tmp_path_factory) -> dict:
    """A fresh venv (no system site-packages) with the wheel, and an environment for running it."""
    venv = tmp_path_factory.mktemp("venv") / "v"
    python = make_venv(venv, house, [str(wheel)])
    env = clean_environment(tmp_path_factory.mktemp("home"))
    work = tmp_path_factory.mktemp("work")  # every command runs here, outside the checkout
    return {"python": python, "lamplight": venv / "bin" / "lamplight", "bin": venv / "bin", "env": env,
            "work": work}
