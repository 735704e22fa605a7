"""What a planner is told when a Dask cluster's workers cannot run this Lamplight (the decision of
``plugins.coverage.cluster.problem`` on the workers' answers; tests/packaging/test_dask_cluster.py runs a real
cluster without Lamplight)."""

from __future__ import annotations

from plugins.coverage.cluster import problem


def test_workers_that_all_import_this_version_are_fine():
    assert problem({"tcp://10.0.0.5:4001": "0.1.0", "tcp://10.0.0.6:4001": "0.1.0"}, "0.1.0") is None


def test_a_worker_without_lamplight_is_named_with_what_to_install():
    message = problem({"tcp://10.0.0.5:4001": "0.1.0",
                       "tcp://10.0.0.6:4001": ModuleNotFoundError("No module named 'plugins'")}, "0.1.0")
    assert message.startswith("the Dask workers at tcp://10.0.0.6:4001 cannot import Lamplight")
    assert "10.0.0.5" not in message and "No module named 'plugins'" in message
    assert "install the same Lamplight wheel (version 0.1.0) on every worker" in message


def test_a_worker_with_another_version_is_named_with_both_versions():
    message = problem({"tcp://10.0.0.5:4001": "0.0.9", "tcp://10.0.0.6:4001": "0.1.0"}, "0.1.0")
    assert message.startswith("the Dask workers at tcp://10.0.0.5:4001 run Lamplight 0.0.9, this computer 0.1.0")
    assert "install the same Lamplight wheel (version 0.1.0) on every worker" in message
