
"""The results dock: the table outputs of a run (coverage statistics, demand per site, ...) as sortable tables.

Layers of a run land in the layer tree; its tables used to appear nowhere in the workbench. Each finished run
with tables is shown here at once, and the History dock can bring back the tables of any run in the project:
``keep_tables`` stores them, as plain JSON, in the run record that the project file already saves.
"""

from __future__ import annotations

import html
import json
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
from PyQt6.QtCore import QT_TRANSLATE_NOOP, QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt
from PyQt6.QtWidgets import (
    QApplication,
    QComboBox,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from layers.i18n import translate
from layers.io.writers import defuse_formulas
from plugins.api import ALGORITHM_CONTEXT
from workbench.dialogs.errors import show_error
from workbench.docks.attribute_model import format_value
from workbench.export.values import display_value, field_heading, result_word

#: Tables longer than this are left out of the saved record (the project file stays small); they show this session.
STORED_ROWS = 5000
_ROOT = QModelIndex()
PLACEHOLDER = QT_TRANSLATE_NOOP("ResultsDock", "The tables of a run (coverage statistics, demand per site, …) appear "
                                               "here; the History's Show tables brings back those of earlier runs.")


def started_text(record: dict[str, Any]) -> str:
    """When the run started, in local time."""
    try:
        return datetime.fromisoformat(record["started"]).astimezone().strftime("%Y-%m-%d %H:%M:%S")
    except (KeyError, ValueError):
        return record.get("started", "")


def run_title(record: dict[str, Any], missing: str = "") -> str:
    """The algorithm of a run, named in the interface language (the record keeps the name it ran under)."""
    name = record.get("algorithm_name") or record.get("algorithm")
    return translate(ALGORITHM_CONTEXT, str(name)) if name else missing


def keep_tables(record: dict[str, Any], outputs: dict[str, Any]) -> dict[str, pd.DataFrame]:
    """The DataFrame outputs of a run; small ones are also written into ``record`` so the project keeps them."""
    tables = {name: value for name, value in outputs.items() if isinstance(value, pd.DataFrame)}
    for name, frame in tables.items():
        entry = record.get("outputs", {}).get(name)
        if entry is not None and len(frame) <= STORED_ROWS:
            entry["table"] = json.loads(frame.to_json(orient="split", index=False, date_format="iso"))
    return tables


def record_tables(record: dict[str, Any]) -> dict[str, pd.DataFrame]:
    """The tables a run record carries (see ``keep_tables``), by output name."""
    tables = {}
    for name, entry in (record.get("outputs") or {}).items():
        stored = entry.get("table") if isinstance(entry, dict) else None
        if isinstance(stored, dict) and "columns" in stored and "data" in stored:
            tables[name] = pd.DataFrame(stored["data"], columns=stored["columns"])
    return tables


def without_tables(record: dict[str, Any]) -> dict[str, Any]:
    """``record`` with the stored table data left out (for the History's details pane)."""
    outputs = {name: {k: v for k, v in entry.items() if k != "table"} if isinstance(entry, dict) else entry
               for name, entry in (record.get("outputs") or {}).items()}
    return {**record, "outputs": outputs}


class DataFrameModel(QAbstractTableModel):
    """A read-only view of a DataFrame; numbers right-aligned and formatted as in the attribute table."""

    def __init__(self, frame: pd.DataFrame | None = None, parent=None) -> None:
        super().__init__(parent)
        self.frame = frame if frame is not None else pd.DataFrame()

    def set_frame(self, frame: pd.DataFrame) -> None:
        self.beginResetModel()
        self.frame = frame
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = _ROOT) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self.frame)

    def columnCount(self, parent: QModelIndex = _ROOT) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self.frame.columns)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        value = self.frame.iat[index.row(), index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if isinstance(value, str):
                return result_word(value)
            return display_value(value) if isinstance(value, bool | np.bool_) else format_value(value)
        if role == Qt.ItemDataRole.UserRole:  # what the proxy sorts by
            return value.item() if hasattr(value, "item") else value
        if role == Qt.ItemDataRole.TextAlignmentRole and pd.api.types.is_numeric_dtype(self.frame.dtypes.iloc[
                index.column()]):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1) if role == Qt.ItemDataRole.DisplayRole else None
        name = str(self.frame.columns[section])
        if role == Qt.ItemDataRole.DisplayRole:  # a heading in the interface's language ("Covered demand")
            return field_heading(name)
        return name if role == Qt.ItemDataRole.ToolTipRole else None  # the field as Copy and CSV write it


class ResultsDock(QDockWidget):
    """One run's tables: a chooser, the table, Copy and Save as CSV."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Processing Results"), parent)
        self.setObjectName("ProcessingResultsDock")
        self.tables: dict[str, tuple[str, pd.DataFrame]] = {}
        body = QWidget(self)
        self.title = QLabel(self.tr(PLACEHOLDER), body)
        self.title.setWordWrap(True)
        self.chooser = QComboBox(body)
        self.chooser.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.chooser.setMinimumContentsLength(16)
        self.chooser.setToolTip(self.tr("The tables this run produced"))
        self.chooser.hide()
        self.model = DataFrameModel(parent=self)
        proxy = QSortFilterProxyModel(self)
        proxy.setSourceModel(self.model)
        proxy.setSortRole(Qt.ItemDataRole.UserRole)
        self.view = QTableView(body)
        self.view.setModel(proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the algorithm's row order until a header is clicked
        self.view.setAlternatingRowColors(True)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.copy_button = QPushButton(self.tr("Copy"), body)
        self.copy_button.setToolTip(self.tr("Copy the table (tab-separated, pastes into a spreadsheet)"))
        self.save_button = QPushButton(self.tr("Save as CSV…"), body)
        controls = QHBoxLayout()  # the run's name has a line of its own: squeezed beside the buttons it broke up
        controls.addWidget(self.chooser, 1)
        controls.addWidget(self.copy_button)
        controls.addWidget(self.save_button)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title)
        layout.addLayout(controls)
        layout.addWidget(self.view, 1)
        self.setWidget(body)
        self.chooser.currentIndexChanged.connect(self._show_current)
        self.copy_button.clicked.connect(self.copy_table)
        self.save_button.clicked.connect(self._choose_csv)
        self._update_buttons()

    def show_run(self, record: dict[str, Any], tables: dict[str, pd.DataFrame]) -> None:
        """Show the tables of the run ``record`` (output name -> DataFrame)."""
        outputs = record.get("outputs") or {}
        self.tables = {name: (outputs.get(name, {}).get("description") or name, frame)
                       for name, frame in tables.items()}
        name = run_title(record)
        if self.tables:
            self.title.setText(f"<b>{html.escape(str(name))}</b> · {html.escape(started_text(record))}")
        else:
            self.title.setText(self.tr("{name}: this run has no tables.").format(name=name) if name
                               else self.tr(PLACEHOLDER))
        self.chooser.blockSignals(True)
        self.chooser.clear()
        for output, (description, frame) in self.tables.items():
            rows = self.tr("{count:,} row") if len(frame) == 1 else self.tr("{count:,} rows")
            self.chooser.addItem(f"{description} ({rows.format(count=len(frame))})", output)
        self.chooser.blockSignals(False)
        self.chooser.setVisible(bool(self.tables))
        self._show_current()

    def clear(self) -> None:
        """Nothing to show (another project was opened)."""
        self.show_run({}, {})

    def current_output(self) -> str | None:
        return self.chooser.currentData()

    def show_table(self, output: str) -> None:
        index = self.chooser.findData(output)
        if index >= 0:
            self.chooser.setCurrentIndex(index)

    def _show_current(self, *_: Any) -> None:
        output = self.current_output()
        self.model.set_frame(self.tables[output][1] if output in self.tables else pd.DataFrame())
        self.view.resizeColumnsToContents()
        self._update_buttons()

    def _update_buttons(self) -> None:
        has = self.current_output() in self.tables
        self.copy_button.setEnabled(has)
        self.save_button.setEnabled(has)

    def current_frame(self) -> pd.DataFrame | None:
        output = self.current_output()
        return self.tables[output][1] if output in self.tables else None

    def copy_table(self) -> None:
        frame = self.current_frame()
        if frame is not None:
            QApplication.clipboard().setText(frame.to_csv(sep="\t", index=False))

    def save_csv(self, path: str) -> bool:
        """Write the shown table; a file that cannot be written is explained in a dialog (returns False)."""
        frame = self.current_frame()
        if frame is None:
            return False
        try:
            defuse_formulas(frame).to_csv(path, index=False, encoding="utf-8")
        except OSError as exc:
            show_error(self, self.tr("Table not saved"), f"{path}: {exc.strerror or exc}")
            return False
        return True

    def _choose_csv(self) -> None:
        output = self.current_output()
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save table as CSV"), f"{output or 'table'}.csv",
                                              self.tr("CSV files (*.csv)"))
        if path:
            self.save_csv(path)
