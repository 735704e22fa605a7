"""The per-antenna table a ray field deposits from (``rays.link_table``, ``rays.horizontal_factor``): what a ray
carries at unfolded length u, against TR 38.901's UMi LOS formula and the Table 7.3-1 antenna pattern written out
here, for an omni and for a tilted sector, including where the pattern reaches its 30 dB floor."""

from __future__ import annotations

import math

import numpy as np

from plugins.coverage import CoverageConfig, Transmitters
from plugins.coverage.pathloss import umi_los_db
from plugins.coverage.rays import TABLE_STEP_M, horizontal_factor, link_table

CONFIG = CoverageConfig(model="umi", eirp_dbm=43.0, max_radius_m=400.0)
H_TX, RX_H = 8.0, 1.5


def _pattern_db(bearing_deg: float, azimuth_deg: float, beamwidth_deg: float, tilt_deg: float, u: float) -> float:
    """TR 38.901 Table 7.3-1: A = -min(-(A_H + A_V), 30), vertical beamwidth 65°; NaN azimuth: no A_H."""
    depression = math.degrees(math.atan2(H_TX - RX_H, u))
    vertical = -min(12 * ((depression - tilt_deg) / 65.0) ** 2, 30.0)
    horizontal = 0.0
    if not math.isnan(azimuth_deg):
        offset = (bearing_deg - azimuth_deg + 180) % 360 - 180
        horizontal = -min(12 * (offset / beamwidth_deg) ** 2, 30.0)
    return -min(-(horizontal + vertical), 30.0)


def _carried(table: np.ndarray, horizontal: float, u: float) -> float:
    """What ``rays.deposit`` takes at unfolded length u: the table interpolated linearly."""
    at = u / TABLE_STEP_M
    m = int(at)
    f = at - m
    rows = table[:, m] + f * (table[:, m + 1] - table[:, m])
    return max(horizontal * rows[0], rows[1])


def test_the_table_gives_the_los_path_gain_and_pattern_within_0_02_db_from_5_m_on():
    travel = 800.0
    checked = 0
    for azimuth, tilt in ((math.nan, 0.0), (90.0, 6.0)):
        row = Transmitters.from_arrays([0.0], [0.0], H_TX, CONFIG, azimuth_deg=[azimuth], beamwidth_deg=[65.0],
                                       tilt_deg=[tilt]).table(CONFIG)[0]
        table = link_table(row, 65.0, H_TX - RX_H, travel)
        for bearing in (90.0, 130.0, 200.0, 270.0):     # boresight, off it, past the horizontal floor, behind
            theta = math.radians(90.0 - bearing)        # bearings clockwise from north, angles from east
            horizontal = horizontal_factor(row, math.cos(theta), math.sin(theta))
            for u in np.concatenate([np.linspace(5.0, 50.0, 181), np.linspace(50.0, travel, 301)]):
                expected_db = _pattern_db(bearing, azimuth, 65.0, tilt, u) - umi_los_db(u, H_TX, RX_H, 3.5)
                ours_db = 10 * math.log10(_carried(table, horizontal, u) / u)
                assert abs(ours_db - expected_db) < 0.02, (azimuth, bearing, u)
                checked += 1
    assert checked == 2 * 4 * 482
