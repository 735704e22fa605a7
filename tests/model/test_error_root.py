"""One exception root: everything Lamplight raises on purpose is a LamplightError and keeps its built-in base."""

from __future__ import annotations

import pytest

from layers.errors import LamplightError, LayerError
from layers.expressions.errors import ExpressionError, ExpressionLimitError
from layers.io import open_layers
from plugins.api import AlgorithmError, Cancelled, Context, ParameterError
from plugins.cli import UsageError
from plugins.coverage.config import CoverageConfigError
from plugins.runner import run_algorithm
from plugins.siting.highs_process import SolverProcessError
from workbench.basemap.fetch import BasemapUnavailable
from workbench.export.progress import ExportCancelled

BUILT_IN_BASES = {
    LayerError: Exception, ExpressionError: ValueError, ExpressionLimitError: ValueError, UsageError: Exception,
    SolverProcessError: RuntimeError, ParameterError: ValueError, AlgorithmError: Exception, Cancelled: Exception,
    CoverageConfigError: ValueError, ExportCancelled: Exception, BasemapUnavailable: Exception,
}


@pytest.mark.parametrize(("error", "built_in"), BUILT_IN_BASES.items(), ids=lambda e: getattr(e, "__name__", ""))
def test_every_error_type_derives_from_the_root_and_its_built_in(error: type, built_in: type):
    assert issubclass(error, LamplightError) and issubclass(error, built_in)


def test_a_bad_parameter_is_caught_as_lamplight_error_and_as_value_error():
    for caught_as in (LamplightError, ValueError):
        with pytest.raises(caught_as, match="parameter .input.*a value is required"):
            run_algorithm("tools.buffer", {"distance": "far"}, Context())


def test_a_missing_file_is_caught_as_lamplight_error(tmp_path):
    with pytest.raises(LamplightError, match="nowhere.gpkg"):
        open_layers(tmp_path / "nowhere.gpkg")
