"""Field headings and values as popups and tables show them, in the interface's language."""

from __future__ import annotations

import pytest

from layers.i18n import install_translator
from layers.kinds import KINDS
from workbench.export.values import KIND_FIELD_HEADINGS, KNOWN_HEADINGS, display_value, field_heading


def test_every_municipal_field_heading_is_listed_for_the_catalogue():
    made = {field_heading(spec.name, spec.unit) for kind in KINDS.values() for spec in kind.fields}
    assert made <= set(KIND_FIELD_HEADINGS) | set(KNOWN_HEADINGS.values())


def test_headings_read_as_english_words_with_units():
    assert field_heading("height_m") == "Height (m)"
    assert field_heading("price_m2", "CNY/m²/month") == "Price (CNY/m²/month)"
    assert field_heading("mean_rsrp_dbm") == "Mean RSRP (dBm)"
    assert field_heading("custom_field_pct") == "Custom field (%)"


@pytest.fixture
def chinese():
    table = {("FieldHeading", "Height (m)"): "高度 (m)", ("FieldHeading", "Pole"): "灯杆", ("FieldValue", "yes"): "是"}
    install_translator(lambda context, text: table.get((context, text), text))
    yield
    install_translator(None)


def test_headings_and_flags_follow_the_catalogue(chinese):
    assert field_heading("height_m") == "高度 (m)" and field_heading("pole_id") == "灯杆"
    assert field_heading("custom_field_pct") == "Custom field (%)"  # a city's own field: as is
    assert display_value(True) == "是" and display_value(False) == "no"
