"""The RF profile: defaults with the standards' values, saved with the project and reopened, bad values refused
naming the setting."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from layers.errors import LayerError
from layers.project import Project
from layers.rf_profile import FIELDS, RfProfile


def test_defaults_carry_the_values_of_their_sources():
    profile = RfProfile()
    # TR 38.901 Table 7.4.1-1 shadow-fading σ; TS 38.104 Medium Range BS 38 dBm + 5 dBi antenna
    assert (profile.sigma_umi_los_db, profile.sigma_umi_nlos_db) == (4.0, 7.82)
    assert (profile.sigma_uma_los_db, profile.sigma_uma_nlos_db) == (4.0, 6.0)
    assert profile.eirp_dbm("micro") == 43.0 and profile.eirp_dbm("macro") == 63.0
    assert (profile.micro_height_m, profile.macro_height_m) == (10.0, 25.0)
    assert profile.rx_height_m == 1.5 and profile.cell_edge_probability == 0.9 and profile.indoor_loss == "mix"
    # every numeric default lies inside the bounds the schema and the dialog use
    assert all(spec.minimum <= getattr(profile, name) <= spec.maximum for name, spec in FIELDS.items())


def test_the_profile_is_saved_with_the_project_and_reopened(tmp_path):
    project = Project("EPSG:32649")
    project.rf_profile = RfProfile(name="Tianhe n78 dense", micro_tx_power_dbm=35.0, cell_edge_probability=0.95,
                                   indoor_loss="high")
    path = project.save(tmp_path / "plan.lamp")
    reopened = Project.load(path)
    assert reopened.rf_profile == project.rf_profile
    assert Project("EPSG:32649").rf_profile == RfProfile()


def _edit_profile(path: Path, values) -> None:
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    manifest = json.loads(members["project.json"])
    manifest["rf_profile"] = values
    members["project.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)


@pytest.mark.parametrize(("values", "expected"), [
    ({"rx_height_m": 1.0}, "rf_profile.rx_height_m should be a number from 1.5 to 22.5 m, not 1.0"),
    ({"cell_edge_probability": 1.5}, "rf_profile.cell_edge_probability should be a number from 0.5 to 0.999"),
    ({"indoor_loss": "thick"}, "rf_profile.indoor_loss should be one of none, low, high, mix"),
    ({"eirp": 43}, "rf_profile has a setting Lamplight does not know: 'eirp'"),
])
def test_a_bad_profile_refuses_the_file_naming_the_setting(tmp_path, values, expected):
    path = Project("EPSG:32649").save(tmp_path / "plan.lamp")
    _edit_profile(path, values)
    with pytest.raises(LayerError, match="project.json cannot be used") as raised:
        Project.load(path)
    assert expected in str(raised.value)


def test_a_profile_missing_settings_takes_the_defaults(tmp_path):
    path = Project("EPSG:32649").save(tmp_path / "plan.lamp")
    _edit_profile(path, {"name": "old", "frequency_mhz": 2600.0})
    profile = Project.load(path).rf_profile
    assert profile == RfProfile(name="old", frequency_mhz=2600.0)


def test_out_of_range_values_are_refused_in_words():
    with pytest.raises(ValueError, match="'noise_figure_db' is 40 dB, outside 0-30"):
        RfProfile(noise_figure_db=40.0)
    with pytest.raises(LayerError, match="rf_profile cannot be used: .*'micro_antenna' is 'yagi'"):
        RfProfile.from_dict({"micro_antenna": "yagi"})
