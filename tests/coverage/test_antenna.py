"""The 3GPP TR 38.901 Table 7.3-1 antenna pattern, relative to boresight."""

from __future__ import annotations

import math

import pytest

from plugins.coverage.antenna import relative_gain_db


def _gain(azimuth, bearing_deg, distance=100.0, dh=0.0, beamwidth=65.0, tilt=0.0, vbw=65.0):
    dx, dy = distance * math.sin(math.radians(bearing_deg)), distance * math.cos(math.radians(bearing_deg))
    return relative_gain_db(azimuth, beamwidth, tilt, vbw, dx, dy, distance, dh)


def test_boresight_half_power_and_back_lobe():
    assert _gain(90.0, 90.0) == pytest.approx(0.0, abs=1e-9)
    # A_H = -12·(φ/φ3dB)²: at φ = φ3dB/2 that is -3 dB
    assert _gain(90.0, 90.0 + 32.5) == pytest.approx(-3.0, abs=1e-9)
    assert _gain(90.0, 90.0 - 32.5) == pytest.approx(-3.0, abs=1e-9)
    # behind the antenna the attenuation saturates at A_m = 30 dB
    assert _gain(90.0, 270.0) == pytest.approx(-30.0, abs=1e-9)
    # azimuths wrap: a sector at 350° sees 10° as 20° off boresight: -12·(20/65)²
    assert _gain(350.0, 10.0) == pytest.approx(-12 * (20 / 65) ** 2, abs=1e-9)


def test_vertical_pattern_and_tilt():
    # 8.5 m below at 100 m: depression atan(8.5/100) = 4.858°; tilt 6° leaves 1.142° off the vertical boresight
    depression = math.degrees(math.atan2(8.5, 100.0))
    expected = -12 * ((depression - 6.0) / 10.0) ** 2
    assert _gain(0.0, 0.0, dh=8.5, tilt=6.0, vbw=10.0) == pytest.approx(expected, abs=1e-9)
    # A = -min(-(A_H + A_V), 30): the sum is capped at 30 dB
    assert _gain(0.0, 180.0, dh=80.0, tilt=0.0, vbw=10.0) == pytest.approx(-30.0, abs=1e-9)


def test_omni_has_no_horizontal_pattern():
    nan = float("nan")
    assert _gain(nan, 0.0) == _gain(nan, 137.0) == pytest.approx(0.0, abs=1e-12)
    assert _gain(nan, 0.0, dh=20.0, vbw=65.0) == pytest.approx(-12 * (math.degrees(math.atan2(20, 100)) / 65) ** 2)
