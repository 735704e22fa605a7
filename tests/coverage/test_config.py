"""Carrier numerology and the per-resource-element power bookkeeping."""

from __future__ import annotations

import math

import pytest

from layers.rf_profile import RfProfile
from plugins.coverage.config import CoverageConfig, CoverageConfigError, resource_blocks


@pytest.mark.parametrize(("frequency", "bandwidth", "scs", "n_rb"), [
    (3500, 100, 30, 273), (3500, 20, 15, 106), (4900, 100, 30, 273), (2600, 40, 30, 106), (26000, 100, 120, 66),
    (26000, 400, 120, 264), (26000, 200, 60, 264),
])
def test_resource_blocks_follow_ts_38_101(frequency, bandwidth, scs, n_rb):
    assert resource_blocks(frequency, bandwidth, scs) == n_rb


def test_default_subcarrier_spacing_by_frequency_range():
    assert CoverageConfig(frequency_mhz=3500).scs_khz == 30
    assert CoverageConfig(frequency_mhz=26000, bandwidth_mhz=200).scs_khz == 120


def test_noise_and_eirp_per_resource_element():
    config = CoverageConfig(frequency_mhz=3500, bandwidth_mhz=100, noise_figure_db=7.0)
    # 12 · 273 = 3276 subcarriers of 30 kHz: 10·log10(3276) = 35.153 dB
    assert config.re_offset_db == pytest.approx(10 * math.log10(3276), abs=1e-9)
    # per RE: -174 + 10·log10(30 000) + 7 = -122.229 dBm; over 98.28 MHz: -174 + 10·log10(98.28e6) + 7
    assert config.noise_re_dbm == pytest.approx(-174 + 10 * math.log10(30e3) + 7, abs=1e-9)
    assert config.noise_total_dbm == pytest.approx(-174 + 10 * math.log10(3276 * 30e3) + 7, abs=1e-9)


def test_eirp_precedence():
    assert CoverageConfig().total_eirp_dbm(55.0) == 55.0
    assert CoverageConfig().total_eirp_dbm(None) == RfProfile().eirp_dbm("micro") == 43.0
    assert CoverageConfig(tx_power_dbm=40, antenna_gain_dbi=8).total_eirp_dbm(55.0) == 48.0
    assert CoverageConfig(eirp_dbm=44, tx_power_dbm=40).total_eirp_dbm(55.0) == 44.0


@pytest.mark.parametrize(("kwargs", "named"), [
    ({"bandwidth_mhz": 33}, "bandwidth_mhz"), ({"subcarrier_khz": 45}, "subcarrier_khz"),
    ({"model": "hata"}, "model"), ({"indoor_loss": "thick"}, "indoor_loss"), ({"max_radius_m": 0}, "max_radius_m"),
    ({"frequency_mhz": 200}, "frequency_mhz"), ({"rx_height_m": 30}, "rx_height_m"),
])
def test_bad_parameters_name_themselves(kwargs, named):
    with pytest.raises(CoverageConfigError) as caught:
        CoverageConfig(**kwargs)
    assert caught.value.parameter == named
