"""Reading cells from lamp_poles and sites_5g layers: sectors, carrier, EIRP, models and clear errors."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from layers import LayerError, VectorLayer
from plugins.coverage import CoverageConfig, Transmitters
from plugins.coverage.kernel import TX_EIRP_RE
from plugins.coverage.pathloss import UMA, UMI
from tests.coverage.scenes import CRS


def _sites(**columns) -> VectorLayer:
    n = len(next(iter(columns.values())))
    gdf = gpd.GeoDataFrame(columns, geometry=shapely.points(np.arange(n) * 100.0, np.zeros(n)), crs=CRS)
    return VectorLayer(gdf, "sites", kind="sites_5g")


def test_sectors_become_cells_and_other_bands_are_left_out():
    layer = _sites(site_id=["A", "B", "C", "D"], band_mhz=[3500.0, 3500.0, 2600.0, 3500.0],
                   azimuths=["0,120,240", "", "90", "45"], height_m=[30.0, 12.0, 30.0, 25.0],
                   eirp_dbm=[58.0, 50.0, 58.0, 60.0], beamwidth_deg=[65.0, 65.0, 65.0, 90.0],
                   tilt_deg=[6.0, 0.0, 6.0, 3.0], status=["active", "active", "active", "removed"])
    cells = Transmitters.from_layer(layer, CoverageConfig(frequency_mhz=3500))
    assert list(cells.cell_id) == ["A-1", "A-2", "A-3", "B"]
    assert list(cells.site_id) == ["A", "A", "A", "B"]
    np.testing.assert_array_equal(cells.azimuth_deg[:3], [0.0, 120.0, 240.0])
    assert np.isnan(cells.azimuth_deg[3])
    np.testing.assert_array_equal(cells.eirp_dbm, [58.0, 58.0, 58.0, 50.0])
    np.testing.assert_array_equal(cells.model, [UMA, UMA, UMA, UMI])  # auto: UMa from 20 m up
    assert any("2600 MHz" in note for note in cells.notes) and any("removed" in note for note in cells.notes)
    assert list(Transmitters.from_layer(layer, CoverageConfig(frequency_mhz=2600)).cell_id) == ["C-1"]


def test_lamp_poles_take_the_configured_antennas_and_power():
    poles = gpd.GeoDataFrame({"pole_id": ["P1", "P2"], "height_m": [9.0, 11.0]},
                             geometry=shapely.points([0.0, 50.0], [0.0, 0.0]), crs=CRS)
    config = CoverageConfig(sector_azimuths=(10.0, 190.0), tx_power_dbm=40.0, antenna_gain_dbi=9.0, tilt_deg=5)
    cells = Transmitters.from_layer(VectorLayer(poles, "poles", kind="lamp_poles"), config)
    assert list(cells.cell_id) == ["P1-1", "P1-2", "P2-1", "P2-2"]
    np.testing.assert_array_equal(cells.eirp_dbm, 49.0)
    np.testing.assert_array_equal(cells.tilt_deg, 5.0)
    np.testing.assert_array_equal(cells.height_m, [9.0, 9.0, 11.0, 11.0])
    table = cells.table(config)
    np.testing.assert_allclose(table[:, TX_EIRP_RE], 49.0 - 10 * np.log10(12 * 273))


def test_errors_name_the_layer_and_the_problem():
    geographic = _sites(site_id=["A"]).to_crs(4326)
    with pytest.raises(LayerError, match="geographic coordinates"):
        Transmitters.from_layer(geographic, CoverageConfig())
    with pytest.raises(LayerError, match=r"no transmitter on the carrier.*2600 MHz"):
        Transmitters.from_layer(_sites(site_id=["A"], band_mhz=[2600.0]), CoverageConfig(frequency_mhz=3500))
    with pytest.raises(LayerError, match="azimuths: feature #1"):
        Transmitters.from_layer(_sites(site_id=["A"], azimuths=["north"]), CoverageConfig())
    with pytest.raises(LayerError, match=r"height_m: 1 antennas are not above 1 m \(A\)"):
        Transmitters.from_layer(_sites(site_id=["A"], height_m=[0.5]), CoverageConfig())
