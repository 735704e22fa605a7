"""The run history dock: every run of the project with its parameters, duration and outputs.

It lists ``project.history`` (saved in the project file) and follows new runs as they are recorded. A run can be
re-run with the same parameters (its dialog opens pre-filled) or copied as a ``python main.py run`` command.
"""

from __future__ import annotations

import json
from typing import Any

from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtWidgets import (
    QApplication,
    QDockWidget,
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from layers.events import Event
from plugins.cli import command_line
from workbench.processing.results import record_tables, run_title, started_text, without_tables

RECORD_ROLE = Qt.ItemDataRole.UserRole


def outputs_text(record: dict[str, Any]) -> str:
    parts = []
    for entry in record.get("outputs", {}).values():
        if "layer" in entry:
            count = f" ({entry['features']} features)" if "features" in entry else ""
            parts.append(f"{entry['layer']}{count}")
        elif "rows" in entry:
            parts.append(f"{entry.get('description', 'table')} ({entry['rows']} rows)")
    return ", ".join(parts) or "—"


class HistoryDock(QDockWidget):
    rerun_requested = pyqtSignal(str, dict)  # algorithm id, parameters
    tables_requested = pyqtSignal(object, object)  # a run record and its stored tables
    _history_changed = pyqtSignal()  # model events may come from any thread: re-list in the GUI thread

    def __init__(self, project: Any, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Processing History"), parent)
        self.setObjectName("ProcessingHistoryDock")
        self.project = None
        self._records: list[dict[str, Any]] = []
        body = QWidget(self)
        self.tree = QTreeWidget(body)
        self.tree.setHeaderLabels([self.tr("Started"), self.tr("Algorithm"), self.tr("Duration"), self.tr("Outputs")])
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.details = QPlainTextEdit(body)
        self.details.setReadOnly(True)
        self.details.setPlaceholderText(self.tr("Select a run to see its parameters."))
        self.rerun_button = QPushButton(self.tr("Re-run…"), body)
        self.copy_button = QPushButton(self.tr("Copy as command line"), body)
        self.copy_button.setToolTip(
            self.tr("The same run as a 'python main.py run' command, to paste in a terminal opened in "
                                    "the Lamplight folder (add --output-dir DIR to choose where the outputs go)"))
        self.tables_button = QPushButton(self.tr("Show tables"), body)
        self.tables_button.setToolTip(
            self.tr("Open the run's tables (statistics, demand per site, …) in Processing Results"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.rerun_button)
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.tables_button)
        buttons.addStretch(1)
        line = self.tree.fontMetrics().lineSpacing()  # small minimums: the dock shares a column with others
        self.tree.setMinimumHeight(4 * line)
        self.details.setMinimumHeight(2 * line)
        splitter = QSplitter(Qt.Orientation.Vertical, body)
        splitter.addWidget(self.tree)
        splitter.addWidget(self.details)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(splitter)
        layout.addLayout(buttons)
        self.setWidget(body)
        self.tree.currentItemChanged.connect(self._show_current)
        self.tree.itemDoubleClicked.connect(lambda *_: self.rerun())
        self.rerun_button.clicked.connect(self.rerun)
        self.copy_button.clicked.connect(self.copy_command)
        self.tables_button.clicked.connect(self.show_tables)
        self._history_changed.connect(self.refresh, Qt.ConnectionType.QueuedConnection)
        self.set_project(project)

    def set_project(self, project: Any) -> None:
        """Follow ``project`` (another project was opened)."""
        if self.project is not None:
            self.project.events.disconnect(self._on_event)
        self.project = project
        if project is not None:
            project.events.connect(self._on_event)
        self.refresh()

    def _on_event(self, event: Event) -> None:
        if event.type in ("history", "cleared"):
            try:
                self._history_changed.emit()
            except RuntimeError:  # the dock is gone; the project lives on
                self.project.events.disconnect(self._on_event)

    def refresh(self) -> None:
        """Re-list the runs, newest first."""
        self.tree.clear()
        history = list(self.project.history) if self.project is not None else []
        self._records = list(reversed(history))  # kept here: Qt would turn dicts into maps with sorted keys
        for row, record in enumerate(self._records):
            duration = record.get("duration_s")
            item = QTreeWidgetItem([started_text(record), run_title(record, "?"),
                                    f"{duration:.2f} s" if isinstance(duration, int | float) else "",
                                    outputs_text(record)])
            item.setData(0, RECORD_ROLE, row)
            summary = (f"{item.text(1)} ({record.get('algorithm', '')})\nstarted {item.text(0)}, took {item.text(2)}"
                       f"\noutputs: {item.text(3)}")
            for column in range(4):  # a narrow dock shows two columns: the rest is a hover away
                item.setToolTip(column, summary)
            self.tree.addTopLevelItem(item)
        for column in range(3):
            self.tree.resizeColumnToContents(column)
        if self.tree.topLevelItemCount():
            self.tree.setCurrentItem(self.tree.topLevelItem(0))
        else:
            self.details.clear()
        self._update_buttons()

    def current_record(self) -> dict[str, Any] | None:
        item = self.tree.currentItem()
        return self._records[item.data(0, RECORD_ROLE)] if item is not None else None

    def _show_current(self, *_: Any) -> None:
        record = self.current_record()
        if record is None:
            self.details.clear()
        else:
            brief = without_tables(record)
            shown = {key: brief.get(key) for key in ("algorithm", "parameters", "outputs", "summary", "crs",
                                                     "duration_s", "started", "versions", "log")}
            self.details.setPlainText(json.dumps(shown, indent=2, ensure_ascii=False))
        self._update_buttons()

    def _update_buttons(self) -> None:
        record = self.current_record()
        self.rerun_button.setEnabled(record is not None)
        self.copy_button.setEnabled(record is not None)
        self.tables_button.setEnabled(record is not None and bool(record_tables(record)))

    def show_tables(self) -> None:
        record = self.current_record()
        tables = record_tables(record) if record is not None else {}
        if tables:
            self.tables_requested.emit(record, tables)

    def rerun(self) -> None:
        record = self.current_record()
        if record is not None:
            self.rerun_requested.emit(record["algorithm"], dict(record.get("parameters", {})))

    def command(self) -> str | None:
        record = self.current_record()
        if record is None:
            return None
        path = getattr(self.project, "path", None)
        return command_line(record, str(path) if path else None)

    def copy_command(self) -> None:
        text = self.command()
        if text:
            QApplication.clipboard().setText(text)
