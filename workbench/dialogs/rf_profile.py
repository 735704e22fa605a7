"""Project > RF Profile…: edit the radio assumptions coverage, rf-mode siting and the statistics share.

One spin box per numeric setting of ``layers.rf_profile.FIELDS`` (unit as suffix, the profile's bounds as range),
a choice per antenna and indoor model, and "Reset to defaults". OK replaces ``project.rf_profile``; the profile is
saved with the project.
"""

from __future__ import annotations

from PyQt6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from layers import Project
from layers.rf_profile import CHOICES, FIELDS, RfProfile
from workbench.window.screen_fit import fit_to_screen


class RfProfileDialog(QDialog):
    """Spin boxes and choices for every setting of the project's RF profile."""

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.setWindowTitle(self.tr("RF Profile"))
        self.labels = {
            "frequency_mhz": self.tr("Carrier frequency"), "bandwidth_mhz": self.tr("Channel bandwidth"),
            "subcarrier_khz": self.tr("Subcarrier spacing"),
            "micro_tx_power_dbm": self.tr("Micro (lamp pole): transmit power"),
            "micro_antenna_gain_dbi": self.tr("Micro: antenna gain"), "micro_antenna": self.tr("Micro: antenna"),
            "micro_tilt_deg": self.tr("Micro: downtilt"), "micro_height_m": self.tr("Micro: antenna height"),
            "macro_tx_power_dbm": self.tr("Macro (existing site): transmit power"),
            "macro_antenna_gain_dbi": self.tr("Macro: antenna gain"), "macro_antenna": self.tr("Macro: antenna"),
            "macro_tilt_deg": self.tr("Macro: downtilt"), "macro_height_m": self.tr("Macro: antenna height"),
            "beamwidth_deg": self.tr("Sector beamwidth"), "rx_height_m": self.tr("Receiver height (≥ 1.5 m)"),
            "noise_figure_db": self.tr("Receiver noise figure"), "rsrp_threshold_dbm": self.tr("RSRP threshold"),
            "sinr_threshold_db": self.tr("SINR threshold"),
            "cell_edge_probability": self.tr("Cell-edge location probability"),
            "sigma_umi_los_db": self.tr("Shadow fading σ, UMi LOS"),
            "sigma_umi_nlos_db": self.tr("Shadow fading σ, UMi NLOS"),
            "sigma_uma_los_db": self.tr("Shadow fading σ, UMa LOS"),
            "sigma_uma_nlos_db": self.tr("Shadow fading σ, UMa NLOS"),
            "indoor_loss": self.tr("Indoor (O2I) loss"), "load_factor": self.tr("Load of interfering cells"),
            "max_radius_m": self.tr("Maximum link length"),
        }
        self.name = QLineEdit()
        self.spins: dict[str, QDoubleSpinBox] = {}
        self.choices: dict[str, QComboBox] = {}
        form = QFormLayout()
        form.addRow(self.tr("Profile name"), self.name)
        for name in self.labels:
            if name in CHOICES:
                box = QComboBox()
                box.addItems(CHOICES[name])
                self.choices[name] = box
                form.addRow(self.labels[name], box)
                continue
            spec = FIELDS[name]
            spin = QDoubleSpinBox()
            spin.setDecimals(3 if spec.maximum <= 1 else 2)
            spin.setRange(spec.minimum, spec.maximum)
            spin.setSingleStep(0.01 if spec.maximum <= 1 else 1.0)
            if spec.unit:
                spin.setSuffix(f" {spec.unit}")
            self.spins[name] = spin
            form.addRow(self.labels[name], spin)
        body = QWidget()
        body.setLayout(form)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        note = QLabel(self.tr("Coverage, rf-mode siting and the statistics use these values unless a run's "
                              "parameters override them. Sources of the defaults: docs/coverage_model.md."))
        note.setWordWrap(True)
        reset = QPushButton(self.tr("Reset to defaults"))
        reset.clicked.connect(lambda: self.show_profile(RfProfile()))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(scroll, 1)
        layout.addWidget(reset)
        layout.addWidget(buttons)
        self.show_profile(project.rf_profile)
        fit_to_screen(self, 560, 720)

    def show_profile(self, profile: RfProfile) -> None:
        self.shown = profile  # settings without a widget (the calibration) are kept from it
        self.name.setText(profile.name)
        for name, spin in self.spins.items():
            spin.setValue(float(getattr(profile, name)))
        for name, box in self.choices.items():
            box.setCurrentText(str(getattr(profile, name)))

    def profile(self) -> RfProfile:
        """The profile the dialog shows (raises ValueError naming a bad value)."""
        values = {name: spin.value() for name, spin in self.spins.items()}
        values.update({name: box.currentText() for name, box in self.choices.items()})
        return self.shown.with_values(name=self.name.text().strip(), **values)

    def accept(self) -> None:
        try:
            profile = self.profile()
        except ValueError as exc:
            QMessageBox.warning(self, self.tr("RF Profile"), str(exc))
            return
        self.project.rf_profile = profile
        super().accept()


def show_rf_profile(window) -> None:
    """Open the dialog for the window's project; a changed profile makes the project ask to be saved."""
    old = window.project.rf_profile
    dialog = RfProfileDialog(window.project, window)
    if dialog.exec() == QDialog.DialogCode.Accepted and window.project.rf_profile != old:
        window.files.session.mark_dirty()


__all__ = ["RfProfileDialog", "show_rf_profile"]
