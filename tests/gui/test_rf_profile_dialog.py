"""Project > RF Profile…: the dialog edits the project's profile, refuses a bad value, resets to the defaults, and
the profile survives saving the project."""

from __future__ import annotations

from PyQt6.QtWidgets import QMessageBox, QPushButton

from layers import Project
from layers.rf_profile import RfProfile
from workbench.dialogs.rf_profile import RfProfileDialog


def test_edit_reset_and_save_the_profile(qtbot, tmp_path, monkeypatch):
    project = Project("EPSG:32649")
    dialog = RfProfileDialog(project)
    qtbot.addWidget(dialog)
    assert dialog.spins["micro_tx_power_dbm"].value() == 38.0 and dialog.spins["rx_height_m"].minimum() == 1.5
    assert dialog.spins["rx_height_m"].suffix() == " m" and dialog.choices["indoor_loss"].currentText() == "mix"
    dialog.name.setText("Tianhe dense")
    dialog.spins["micro_tx_power_dbm"].setValue(33.0)
    dialog.spins["cell_edge_probability"].setValue(0.95)
    dialog.choices["indoor_loss"].setCurrentText("high")
    dialog.accept()
    assert project.rf_profile == RfProfile(name="Tianhe dense", micro_tx_power_dbm=33.0, cell_edge_probability=0.95,
                                           indoor_loss="high")
    assert Project.load(project.save(tmp_path / "plan.lamp")).rf_profile == project.rf_profile
    again = RfProfileDialog(project)
    qtbot.addWidget(again)
    assert again.spins["micro_tx_power_dbm"].value() == 33.0
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: warnings.append(args[2]))
    again.name.setText("  ")
    again.accept()   # refused: the profile needs a name, the project keeps its profile
    assert warnings == ["the RF profile needs a name"] and project.rf_profile.name == "Tianhe dense"
    next(b for b in again.findChildren(QPushButton) if b.text() == "Reset to defaults").click()
    again.accept()
    assert project.rf_profile == RfProfile()
