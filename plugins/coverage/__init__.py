"""Coverage: RSRP, best server and SINR rasters, coverage polygons and statistics for 5G cells.

Public pieces (importable without the plugin API): ``CoverageConfig``, ``Transmitters``, ``Obstruction`` and
``plugins.coverage.pairs.rsrp_at_points`` for sparse cell-to-point RSRP. See docs/coverage_model.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from plugins.lazy import lazy_exports

if TYPE_CHECKING:
    from plugins.coverage.config import CoverageConfig, CoverageConfigError
    from plugins.coverage.obstruction import Obstruction
    from plugins.coverage.transmitters import Transmitters

__all__ = ["CoverageConfig", "CoverageConfigError", "Obstruction", "Transmitters"]

#: Loaded on first use: ``transmitters`` imports the kernels (numba), which listing the algorithms never needs.
__getattr__, __dir__ = lazy_exports(__name__, {
    "CoverageConfig": "config", "CoverageConfigError": "config", "Obstruction": "obstruction",
    "Transmitters": "transmitters"})


def algorithms() -> list:
    """The coverage algorithms for the registry (imported here so the numeric core loads without the API)."""
    from plugins.coverage.algorithm import CoverageRsrp
    from plugins.coverage.calibrate_algorithm import CoverageCalibrate

    return [CoverageRsrp(), CoverageCalibrate()]
