"""Field headings and values as popups and tables show them, in the interface's language."""

from __future__ import annotations

import numpy as np
import pytest

from layers.i18n import install_translator
from layers.kinds import KINDS
from plugins.coverage.calibration import _per_site, _summary
from plugins.siting.rollout import build_order, coverage_curve
from plugins.siting.solve import solve_mclp
from tests.siting.conftest import random_problem
from workbench.export.values import (
    KIND_FIELD_HEADINGS,
    KNOWN_HEADINGS,
    RESULT_HEADINGS,
    RESULT_KNOWN_HEADINGS,
    display_value,
    field_heading,
    result_word,
)

#: Every heading the catalogue holds for a field or a run table's column.
LISTED_HEADINGS = {*KIND_FIELD_HEADINGS, *KNOWN_HEADINGS.values(), *RESULT_HEADINGS, *RESULT_KNOWN_HEADINGS.values()}


def test_every_municipal_field_heading_is_listed_for_the_catalogue():
    made = {field_heading(spec.name, spec.unit) for kind in KINDS.values() for spec in kind.fields}
    assert made <= set(KIND_FIELD_HEADINGS) | set(KNOWN_HEADINGS.values())


def test_every_run_table_heading_is_listed_for_the_catalogue():
    """The Results dock heads siting's curve and calibration's error tables (made here by the real code) in the
    interface's language; coverage's tables are checked in the dock's own test."""
    problem = random_problem(np.random.default_rng(7))
    curve = coverage_curve(problem, build_order(problem, solve_mclp(problem, 2).selected))
    measured, before, after = np.array([-80.0, -90.0, -95.0]), np.array([-82.0, -85.0, -99.0]), np.full(3, -90.0)
    los = np.array([True, False, True])
    calibration = [_summary(measured, before, after, los), _per_site(np.array(["A", "A", "B"]), measured, before,
                                                                     after)]
    made = {field_heading(column) for frame in (curve, *calibration) for column in frame.columns}
    assert made <= LISTED_HEADINGS, sorted(made - LISTED_HEADINGS)
    assert field_heading("rmse_db_after") == "RMSE after (dB)" and field_heading("covered_share") == "Covered share"


def test_headings_read_as_english_words_with_units():
    assert field_heading("height_m") == "Height (m)"
    assert field_heading("price_m2", "CNY/m²/month") == "Price (CNY/m²/month)"
    assert field_heading("mean_rsrp_dbm") == "Mean RSRP (dBm)"
    assert field_heading("custom_field_pct") == "Custom field (%)"


@pytest.fixture
def chinese():
    table = {("FieldHeading", "Height (m)"): "高度 (m)", ("FieldHeading", "Pole"): "灯杆", ("FieldValue", "yes"): "是",
             ("FieldValue", "people"): "人"}
    install_translator(lambda context, text: table.get((context, text), text))
    yield
    install_translator(None)


def test_headings_and_flags_follow_the_catalogue(chinese):
    assert field_heading("height_m") == "高度 (m)" and field_heading("pole_id") == "灯杆"
    assert field_heading("custom_field_pct") == "Custom field (%)"  # a city's own field: as is
    assert display_value(True) == "是" and display_value(False) == "no"
    assert result_word("people") == "人" and result_word("TH-000166") == "TH-000166"
