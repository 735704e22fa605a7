"""The Field Calculator dialog: which field (an existing one or a new one), the expression, all or selected features.

It only collects the choice; the edit session computes the expression in a worker (``layers.expressions``, in
Python or QGIS spelling) and applies the result as one undoable step. The expression is checked against the
layer's fields while typing, so a misspelt field is named before anything runs.
"""

from __future__ import annotations

from dataclasses import dataclass

from PyQt6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from layers import VectorLayer
from layers.edit_values import FIELD_TYPES
from layers.expressions import ExpressionError, parse


@dataclass(frozen=True)
class Calculation:
    field: str
    expression: str
    new_type: str | None  # a FIELD_TYPES name when the field is new
    selected_only: bool


class FieldCalculatorDialog(QDialog):
    def __init__(self, layer: VectorLayer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.layer = layer
        self.setWindowTitle(self.tr("Field Calculator — {name}").format(name=layer.name))
        self.update_existing = QRadioButton(self.tr("Update an existing field"))
        self.create_new = QRadioButton(self.tr("Create a new field"))
        self.update_existing.setChecked(True)
        self.existing = QComboBox()
        self.existing.addItems([str(f) for f in layer.fields])
        self.new_name = QLineEdit()
        self.new_type = QComboBox()
        self.new_type.addItems(list(FIELD_TYPES))
        self.expression = QLineEdit()
        self.expression.setPlaceholderText(self.tr('e.g.  round("height_m" * 1.1, 1)   or   if(has_power, 4, 2)'))
        self.selected_only = QCheckBox(self.tr("Only the {count} selected features").format(count=len(layer.selection)))
        self.selected_only.setChecked(bool(layer.selection))
        self.selected_only.setEnabled(bool(layer.selection))
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #b00020;")
        self.problem.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.update_existing, self.existing)
        form.addRow(self.create_new, self.new_name)
        form.addRow(self.tr("Type of the new field"), self.new_type)
        form.addRow(self.tr("Expression"), self.expression)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.selected_only)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        for signal in (self.update_existing.toggled, self.expression.textChanged, self.new_name.textChanged):
            signal.connect(self._check)
        self._check()

    def choice(self) -> Calculation:
        new = self.create_new.isChecked()
        return Calculation(field=self.new_name.text().strip() if new else self.existing.currentText(),
                           expression=self.expression.text().strip(),
                           new_type=self.new_type.currentText() if new else None,
                           selected_only=self.selected_only.isChecked())

    def _check(self, *_: object) -> None:
        """Enable OK only for a complete choice; say what is wrong with the expression (parsed, not run)."""
        new = self.create_new.isChecked()
        self.existing.setEnabled(not new)
        self.new_name.setEnabled(new)
        self.new_type.setEnabled(new)
        choice = self.choice()
        problem = ""
        if choice.expression:
            try:
                parse(choice.expression, list(self.layer.gdf.columns))
            except ExpressionError as exc:
                problem = str(exc)
        if new and choice.field in self.layer.gdf.columns:
            problem = self.tr("The layer already has a field '{field}'").format(field=choice.field)
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))
        ok = bool(choice.field and choice.expression and not problem)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)


__all__ = ["Calculation", "FieldCalculatorDialog"]
