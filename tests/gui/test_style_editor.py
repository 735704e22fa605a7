"""The style editor as a planner uses it: change method, class count and ramp, press OK, see those classes."""

from __future__ import annotations

import numpy as np
import pytest

from layers.styles import RAMPS, Graduated
from tests.gui.conftest import graduated_editor


def test_graduated_choices_reclassify_without_pressing_classify(qtbot, window):
    offices = window.project.layer("office_listings")
    dialog, editor = graduated_editor(window, offices, field="area_m2", method="Equal interval", classes=4,
                                      ramp="Blues")
    assert editor.class_table.rowCount() == 4  # the table shows what OK will save
    dialog.accept()
    style = offices.style
    assert isinstance(style, Graduated) and style.method == "equal" and len(style.classes) == 4
    low, high = offices.gdf.area_m2.min(), offices.gdf.area_m2.max()
    assert [c.lower for c in style.classes] == pytest.approx(list(np.linspace(low, high, 5)[:-1]))
    assert style.classes[0].symbol.fill == RAMPS["Blues"][0] and style.classes[-1].symbol.fill == RAMPS["Blues"][-1]


def test_natural_breaks_separate_obvious_clusters(qtbot, window):
    """Three clusters of prices (around 100, 200 and 400): Jenks with 3 classes puts the breaks between them."""
    offices = window.project.layer("office_listings")
    clusters = np.array([100.0, 200.0, 400.0])
    offices.gdf["price_m2"] = clusters[np.arange(len(offices)) % 3] + np.arange(len(offices)) % 5
    dialog, _ = graduated_editor(window, offices, field="price_m2", method="Natural breaks (Jenks)", classes=3)
    dialog.accept()
    uppers = [c.upper for c in offices.style.classes]
    assert 104 <= uppers[0] < 200 and 204 <= uppers[1] < 400 and uppers[2] == 404


def test_editor_shows_the_ramp_the_classes_were_made_with(qtbot, window):
    offices = window.project.layer("office_listings")
    dialog, _ = graduated_editor(window, offices, ramp="viridis")
    dialog.accept()
    reopened = window.edit_style(offices).style_editor
    assert reopened.ramp.currentText() == "viridis"
    assert not reopened.ramp.itemIcon(0).isNull()  # ramps are shown as colour strips


def test_choosing_categorised_lists_the_categories_at_once(qtbot, window):
    offices = window.project.layer("office_listings")
    dialog = window.edit_style(offices)
    editor = dialog.style_editor
    editor.kind.setCurrentText("Categorised")
    editor.category_field.setCurrentText("industry")
    values = sorted(editor.category_table.item(r, 1).text() for r in range(editor.category_table.rowCount()))
    assert values == ["finance", "law", "retail", "tech"]


def test_unchecked_labels_show_no_empty_frame(qtbot, window):
    editor = window.edit_style(window.project.layer("office_listings")).style_editor
    box = editor.labels_box
    assert not box.isChecked() and box.isFlat()
    box.setChecked(True)
    assert not box.isFlat() and editor.label_field.isVisibleTo(editor)


def test_a_field_that_cannot_be_classified_says_why_where_the_classes_would_be(qtbot, window):
    offices = window.project.layer("office_listings")
    offices.gdf["rent_index"] = np.nan  # numeric, but not one value known
    dialog, editor = graduated_editor(window, offices, field="rent_index")
    note = editor.class_note.text()
    assert editor.class_table.rowCount() == 0 and editor.class_note.isVisibleTo(editor)
    assert "rent_index" in note and "office_listings" in note and "no numeric values" in note
    editor.graduated_field.setCurrentText("area_m2")
    assert editor.class_table.rowCount() == editor.class_count.value() and not editor.class_note.isVisibleTo(editor)
    dialog.reject()
