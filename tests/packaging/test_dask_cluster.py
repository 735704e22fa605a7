"""Coverage on a real dask.distributed cluster: a scheduler and two workers started as separate processes with
``dask scheduler`` / ``dask worker`` on 127.0.0.1, from virtual environments outside the checkout.

With the wheel installed on the workers the rasters are bit-for-bit those of a local run; with workers that
have Dask but no Lamplight the run stops before any tile with a message saying what to install on them (not
"No module named 'plugins'" reported as a bug in the algorithm).
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import rasterio

from tests.packaging.wheel_venv import make_venv, run

pytestmark = [pytest.mark.packaging, pytest.mark.xdist_group("wheel")]

#: A 700 m square of the sample at 10 m: 70 x 70 cells, four tiles (so both workers get some), ~140,000 links.
COVERAGE = ["--transmitters", "lamp_poles", "--surface", "building_height_2m", "--resolution", "10",
            "--extent", "737800,2558400,738500,2559100", "--max_radius", "200", "--interference_radius", "200"]
RASTERS = ("rsrp", "best_server", "sinr")
WORKERS = 2
START_TIMEOUT_S = 120.0


@contextlib.contextmanager
def dask_cluster(bin_dir: Path, env: dict[str, str], folder: Path) -> Iterator[str]:
    """A scheduler on a free port of 127.0.0.1 and WORKERS single-threaded workers, each a process started
    from ``bin_dir`` in ``folder``; yields the scheduler's address and stops every process on the way out."""
    folder.mkdir(parents=True, exist_ok=True)
    address_file = folder / "scheduler.json"
    processes: list[subprocess.Popen] = []

    def start(name: str, *arguments: str) -> None:
        with open(folder / f"{name}.log", "wb") as log:
            processes.append(subprocess.Popen([str(bin_dir / "dask"), *arguments], cwd=folder, env=env,
                                              stdout=log, stderr=subprocess.STDOUT))

    try:
        start("scheduler", "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
              "--scheduler-file", str(address_file))
        for k in range(WORKERS):
            start(f"worker{k}", "worker", "--scheduler-file", str(address_file), "--host", "127.0.0.1",
                  "--nthreads", "1", "--no-dashboard", "--name", f"worker{k}",
                  "--local-directory", str(folder / f"worker{k}"))
        address = _wait_for_workers(address_file, processes, folder)
        yield address
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_for_workers(address_file: Path, processes: list[subprocess.Popen], folder: Path) -> str:
    """The scheduler's address once WORKERS workers have joined it (asked with this process's Dask client)."""
    from distributed import Client

    deadline = time.monotonic() + START_TIMEOUT_S
    while (address := _scheduler_address(address_file)) is None:
        _check_alive(processes, folder)
        assert time.monotonic() < deadline, f"no scheduler file after {START_TIMEOUT_S} s\n{_logs(folder)}"
        time.sleep(0.2)
    with Client(address, set_as_default=False, timeout=START_TIMEOUT_S) as client:
        while len(client.scheduler_info()["workers"]) < WORKERS:
            _check_alive(processes, folder)
            assert time.monotonic() < deadline, f"workers did not join in {START_TIMEOUT_S} s\n{_logs(folder)}"
            time.sleep(0.2)
    return address


def _scheduler_address(path: Path) -> str | None:
    """The address in the scheduler file, None until the scheduler has written it whole."""
    try:
        return json.loads(path.read_text())["address"]
    except (OSError, ValueError, KeyError):
        return None


def _check_alive(processes: list[subprocess.Popen], folder: Path) -> None:
    assert all(process.poll() is None for process in processes), f"a Dask process ended:\n{_logs(folder)}"


def _logs(folder: Path) -> str:
    return "\n".join(f"--- {log.name}\n{log.read_text(errors='replace')[-2000:]}" for log in folder.glob("*.log"))


def _coverage(installed: dict, out: str, *scheduler: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(installed["lamplight"]), "run", "coverage.rsrp", "--project",
                           str(installed["project"]), *COVERAGE, "--output-dir", out, *scheduler],
                          cwd=installed["work"], env=installed["env"], capture_output=True, text=True)


@pytest.fixture(scope="module")
def sample(installed) -> dict:
    """``installed`` with the sample project written by the installed ``lamplight sample``."""
    folder = installed["work"] / "cluster_sample"
    run([str(installed["lamplight"]), "sample", str(folder)], cwd=installed["work"], env=installed["env"])
    return {**installed, "project": folder / "tianhe.lamp"}


def _read(path: Path) -> tuple[bytes, dict]:
    with rasterio.open(path) as raster:
        return raster.read().tobytes(), {"shape": raster.shape, "transform": raster.transform, "crs": raster.crs,
                                         "dtypes": raster.dtypes, "nodata": raster.nodata}


def test_workers_with_the_wheel_give_the_local_rasters_bit_for_bit(sample, tmp_path):
    local = _coverage(sample, "local")
    assert local.returncode == 0, local.stderr[-3000:]
    with dask_cluster(sample["bin"], sample["env"], tmp_path / "cluster") as address:
        remote = _coverage(sample, "cluster", "--dask-scheduler", address)
    assert remote.returncode == 0, remote.stderr[-3000:]
    assert json.loads(remote.stdout)["parameters"] == json.loads(local.stdout)["parameters"]
    for name in RASTERS:
        here, there = (_read(sample["work"] / folder / f"{name}.tif") for folder in ("local", "cluster"))
        assert here[1] == there[1], name
        assert here[0] == there[0], f"{name}.tif differs between the local run and the cluster"
    with rasterio.open(sample["work"] / "local" / "best_server.tif") as raster:
        servers = raster.read(1)
    assert len(set(servers.ravel().tolist()) - {-1}) > 10  # a real map: many cells serve, not an empty raster


def test_workers_without_lamplight_are_told_what_to_install(sample, wheel, house, tmp_path):
    python = make_venv(tmp_path / "bare", house, ["dask", "distributed", "numpy"])
    assert subprocess.run([str(python), "-c", "import plugins"], cwd=tmp_path, env=sample["env"]).returncode != 0
    version = wheel.name.split("-")[1]  # lamplight-0.1.0-py3-none-any.whl
    with dask_cluster(python.parent, sample["env"], tmp_path / "cluster") as address:
        failed = _coverage(sample, "bare_cluster", "--dask-scheduler", address)
    assert failed.returncode == 1, failed.stderr[-3000:]
    message = failed.stderr
    assert "cannot import Lamplight" in message and "No module named 'plugins'" in message
    assert f"install the same Lamplight wheel (version {version}) on every worker" in message
    assert message.count("tcp://127.0.0.1:") >= WORKERS  # names each worker
    assert "bug in the algorithm" not in message and "Traceback" not in message
    assert not (sample["work"] / "bare_cluster").exists()  # stopped before any output was written
