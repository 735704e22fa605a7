"""Fixtures shared by every test area. Keep this small: area-specific helpers live next to their tests."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def isolated_user_folders(tmp_path_factory, monkeypatch):
    """Settings (window layout, recent projects), autosaves, user plugins and cached tiles go to a fresh temp
    folder for every test, never the developer's own; subprocesses inherit the variables."""
    folder = tmp_path_factory.mktemp("user")
    monkeypatch.setenv("LAMPLIGHT_CONFIG_DIR", str(folder / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(folder / "data"))
    monkeypatch.setenv("LAMPLIGHT_TILE_CACHE", str(folder / "tiles"))
    monkeypatch.delenv("LAMPLIGHT_PLUGIN_DIR", raising=False)  # a developer's own plugin folder stays out
    return folder


@pytest.fixture(scope="session")
def postgis_server():
    """A real PostgreSQL + PostGIS server on 127.0.0.1 for this test session, stopped at the end.

    Tests that use it belong in the xdist group "postgis" (``pytestmark = pytest.mark.xdist_group("postgis")``)
    so that, under ``-n 2 --dist loadgroup``, one worker owns the server. When the server cannot run here
    (no PostgreSQL or PostGIS installed, ...) those tests are skipped with the reason.
    """
    from tests.io.postgis_server import ServerUnavailable, start_postgis_server

    try:
        server = start_postgis_server()
    except ServerUnavailable as exc:
        pytest.skip(f"no PostgreSQL/PostGIS test server: {exc}")
    yield server
    server.stop()
