"""Connect to a dask.distributed cluster and check, before any tile is sent, that its workers can run them.

A coverage tile is Lamplight code: a worker without Lamplight fails on the first tile with "No module named
'plugins'", which reads like a bug in the algorithm, and a worker with another Lamplight version may compute
other rasters. So every worker is asked up front which Lamplight it imports, and the planner is told what to
install where (README, "Running coverage on a Dask cluster").

Example::

    with connect("tcp://10.0.0.5:8786") as client:
        check_workers(client, "tcp://10.0.0.5:8786")
"""

from __future__ import annotations

import sys
from typing import Any

import cloudpickle

from layers.i18n import translate
from plugins.api import AlgorithmError

#: Seconds to wait for the scheduler to answer, and for at least one worker to join it.
CONNECT_TIMEOUT_S = 30.0
WORKER_TIMEOUT_S = 60.0


def lamplight_on_worker() -> str:
    """Runs on each worker: the Lamplight version it imports; raises ImportError when it cannot import the tiles.

    This module is pickled by value (below), so the question reaches workers that do not have Lamplight."""
    import importlib

    importlib.import_module("plugins.coverage.tiles")
    return importlib.import_module("plugins.runner").versions()["lamplight"]


cloudpickle.register_pickle_by_value(sys.modules[__name__])


def connect(address: str) -> Any:
    """A ``distributed.Client`` of the scheduler at ``address``; AlgorithmError naming it when it cannot be
    reached."""
    from distributed import Client

    try:
        return Client(address, set_as_default=False, timeout=CONNECT_TIMEOUT_S)
    except (OSError, TimeoutError, ValueError) as exc:
        raise AlgorithmError(translate(
            "CoverageCluster", "cannot reach the Dask scheduler at {address} ({problem}): start it with "
            "'dask scheduler' and check the address and port").format(address=address, problem=exc)) from exc


def check_workers(client: Any, address: str) -> None:
    """Raise AlgorithmError when the cluster has no worker, or a worker cannot import this Lamplight version."""
    from plugins.runner import versions

    try:
        client.wait_for_workers(1, timeout=WORKER_TIMEOUT_S)
    except TimeoutError as exc:
        raise AlgorithmError(translate(
            "CoverageCluster", "the Dask scheduler at {address} has no workers: start them with "
            "'dask worker {address}' where the same Lamplight wheel (version {version}) is installed").format(
            address=address, version=versions()["lamplight"])) from exc
    found = client.run(lamplight_on_worker, on_error="return")
    message = problem(found, versions()["lamplight"])
    if message is not None:
        raise AlgorithmError(message)


def problem(found: dict[str, Any], version: str) -> str | None:
    """What to install, given each worker's answer (a version, or the exception it raised); None when all agree."""
    missing = {worker: answer for worker, answer in found.items() if isinstance(answer, BaseException)}
    if missing:
        reason = next(iter(missing.values()))
        return translate(
            "CoverageCluster", "the Dask workers at {workers} cannot import Lamplight ({reason}): install the same "
            "Lamplight wheel (version {version}) on every worker, e.g. 'pip install lamplight-{version}-py3-none-"
            "any.whl', and restart them").format(workers=", ".join(sorted(missing)), reason=reason, version=version)
    other = {worker: answer for worker, answer in found.items() if answer != version}
    if other:
        return translate(
            "CoverageCluster", "the Dask workers at {workers} run Lamplight {theirs}, this computer {version}: "
            "install the same Lamplight wheel (version {version}) on every worker and restart them").format(
            workers=", ".join(sorted(other)), theirs=", ".join(sorted(set(map(str, other.values())))),
            version=version)
    return None


__all__ = ["check_workers", "connect", "lamplight_on_worker", "problem"]
