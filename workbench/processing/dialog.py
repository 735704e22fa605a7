"""The algorithm dialog, generated from the algorithm's parameters: form, help pane, progress bar and Cancel.

Run validates and runs in a worker thread (``AlgorithmThread``); a refused parameter is named in the status
line and framed in red. A successful run adds its output layers to the project (styled by
``layers.styles.default_style`` through the runner) and records the run in the project's history. The
dialog is not modal: the map stays usable while an algorithm runs.
"""

from __future__ import annotations

import html
import json
from datetime import datetime
from typing import Any

from PyQt6.QtCore import QCoreApplication, Qt, pyqtSignal
from PyQt6.QtGui import QCloseEvent
from PyQt6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from layers.events import Event
from layers.pole_decisions import DECISION_FIELD
from plugins.api import Algorithm, Context, Parameter
from plugins.runner import RunResult, add_to_project
from workbench.processing.results import keep_tables
from workbench.processing.widgets import FieldInput, LayerInput, ParameterWidget, create_widget
from workbench.processing.worker import AlgorithmThread
from workbench.user_settings import user_settings
from workbench.window.screen_fit import fit_to_screen

#: Qt's translate, for the module's functions (pylupdate6 reads ``translate("Context", "text")``).
translate = QCoreApplication.translate
ERROR_STYLE = "color: #b2182b;"
#: Field parameters set to a field of this name when their layer has one and nothing was chosen: the decisions the
#: attribute table writes (``layers.pole_decisions``) are honoured without typing pole ids.
SUGGESTED_FIELDS = {"decision_field": DECISION_FIELD}
OK_STYLE = "color: #1a7837;"


def help_html(algorithm: Algorithm) -> str:
    """The help pane: description, then each parameter with what it accepts, then the outputs."""
    parts = [f"<h3>{html.escape(algorithm.display_name())}</h3>",
             f"<p style='color:#666'>{html.escape(algorithm.id)}</p>"]
    for paragraph in algorithm.display_description().strip().split("\n\n"):
        parts.append(f"<p>{html.escape(' '.join(paragraph.split()))}</p>")
    parts.append("<h4>{}</h4><dl>".format(html.escape(translate("AlgorithmDialog", "Parameters"))))
    for parameter in algorithm.parameters():
        optional = " <i>{}</i>".format(html.escape(translate("AlgorithmDialog", "(optional)"))) \
            if parameter.optional else ""
        parts.append(f"<dt><b>{html.escape(parameter.description)}</b>{optional}</dt>"
                     f"<dd>{html.escape(parameter.describe())}"
                     f"{'<br>' + html.escape(parameter.help) if parameter.help else ''}</dd>")
    parts.append("</dl>")
    if algorithm.outputs():
        parts.append("<h4>{}</h4><ul>".format(html.escape(translate("AlgorithmDialog", "Outputs"))))
        for output in algorithm.outputs():
            parts.append(f"<li><b>{html.escape(output.description)}</b> ({output.type_name})</li>")
        parts.append("</ul>")
    return "".join(parts)


def done_text(seconds: float, layers: int, tables: int) -> str:
    """What a finished run did and where to look: the map for layers, Processing Results for tables."""
    parts = [(translate("AlgorithmDialog", "{n} layer added to the map") if layers == 1
               else translate("AlgorithmDialog", "{n} layers added to the map")).format(n=layers)] if layers else []
    if tables:
        parts.append((translate("AlgorithmDialog", "{n} table in Processing Results") if tables == 1
                      else translate("AlgorithmDialog", "{n} tables in Processing Results")).format(n=tables))
    seconds_text = f"{seconds:.2f}"
    if not parts:
        return translate("AlgorithmDialog", "Done in {seconds} s.").format(seconds=seconds_text)
    return translate("AlgorithmDialog", "Done in {seconds} s: {parts}.").format(seconds=seconds_text,
                                                                              parts=", ".join(parts))


def summary_lines(summary: dict[str, Any]) -> list[str]:
    """The run's summary for the log, one value per line: numbers with thousands separators, a table of values
    (timings, counts by reason) or a list of notes indented under its name rather than printed as Python."""
    lines = [translate("AlgorithmDialog", "Results:")] if summary else []
    for key, value in summary.items():
        if isinstance(value, dict) and value:
            lines.append(f"  {key}:")
            lines.extend(f"    {name}: {_readable(item)}" for name, item in value.items())
        elif isinstance(value, list | tuple) and value:
            lines.append(f"  {key}:")
            lines.extend(f"    - {_readable(item)}" for item in value)
        else:
            lines.append(f"  {key}: {_readable(value)}")
    return lines


def _readable(value: Any) -> str:
    if value is None or value == {} or value == []:
        return translate("AlgorithmDialog", "none")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    text = f"{value:,.4f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def is_required(parameter: Parameter) -> bool:
    """A value the planner must give: not optional and no default to fall back on."""
    return not parameter.optional and parameter.default is None


def label_text(parameter: Parameter) -> str:
    unit = getattr(parameter, "unit", "")
    text = parameter.description + (f" [{unit}]" if unit else "")
    if is_required(parameter):
        return text + " *"
    return text + (translate("AlgorithmDialog", " (optional)") if parameter.optional else "")


LAST_VALUES_KEY = "processing/last_values/{algorithm}"


def remember_values(algorithm: Algorithm, values: dict[str, Any], project: Any) -> None:
    """Keep the values of a run started from the dialog, so the next dialog of this algorithm starts with them."""
    context = Context(project=project)
    kept = {}
    for parameter in algorithm.parameters():
        if parameter.name in values:
            try:
                kept[parameter.name] = parameter.serialize(values[parameter.name], context)
            except (TypeError, ValueError):
                continue
    user_settings().setValue(LAST_VALUES_KEY.format(algorithm=algorithm.id), json.dumps(kept, ensure_ascii=False))


def last_values(algorithm: Algorithm) -> dict[str, Any]:
    """The values of this algorithm's last run from the dialog (empty when none or unreadable)."""
    text = user_settings().value(LAST_VALUES_KEY.format(algorithm=algorithm.id), "")
    try:
        values = json.loads(text) if text else {}
    except (TypeError, ValueError):
        return {}
    return values if isinstance(values, dict) else {}


def _form() -> QFormLayout:
    form = QFormLayout()
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
    return form


class AlgorithmDialog(QDialog):
    """Parameters on the left, help on the right, progress and log below; Run, Cancel, Close."""

    run_finished = pyqtSignal(object)  # the run record (dict), after the outputs were added to the project
    tables_ready = pyqtSignal(object, object)  # the run record, {output name: DataFrame} (runs with table outputs)
    _layers_changed = pyqtSignal()  # model events may come from any thread: refresh the pickers in the GUI thread

    def __init__(self, algorithm: Algorithm, project: Any, parent: QWidget | None = None,
                 values: dict[str, Any] | None = None) -> None:
        super().__init__(parent)
        self.algorithm = algorithm
        self.project = project
        self.worker: AlgorithmThread | None = None
        self.last_result: RunResult | None = None
        self.setWindowTitle(self.tr("{name} — Processing").format(name=algorithm.display_name()))
        self.setObjectName(f"AlgorithmDialog_{algorithm.id}")
        self.setModal(False)
        self.widgets: dict[str, ParameterWidget] = {}
        self._build()
        self.set_values(values if values else last_values(algorithm))
        self._suggested: dict[str, tuple[int, bool]] = {}
        for name in SUGGESTED_FIELDS:
            widget = self.widgets.get(name)
            if isinstance(widget, FieldInput) and isinstance(widget.parent_input, LayerInput):
                widget.parent_input.changed.connect(lambda n=name: self._suggest_field(n))
                self._suggest_field(name)
        self._layers_changed.connect(self.refresh_layers, Qt.ConnectionType.QueuedConnection)
        if project is not None:
            project.events.connect(self._on_project_event)
        fit_to_screen(self, 980, 620)

    # -- layout -------------------------------------------------------------------------------------------
    def _build(self) -> None:
        form_host = QWidget(self)
        column = QVBoxLayout(form_host)
        form = _form()
        advanced_host = QWidget(form_host)
        advanced_form = _form()
        advanced_host.setLayout(advanced_form)
        parameters = self.algorithm.parameters()
        for parameter in parameters:
            target = advanced_form if parameter.advanced else form
            widget = create_widget(parameter, self.project, self.widgets, form_host)
            widget.changed.connect(lambda w=widget: w.mark_invalid(False))
            self.widgets[parameter.name] = widget
            label = QLabel(label_text(parameter), form_host)
            label.setToolTip(parameter.help or parameter.describe())
            label.setBuddy(widget)
            if is_required(parameter):
                font = label.font()
                font.setBold(True)
                label.setFont(font)
            target.addRow(label, widget)
        column.addLayout(form)
        advanced = [p for p in parameters if p.advanced]
        self.advanced_toggle = QToolButton(form_host)
        self.advanced_toggle.setText(self.tr("Advanced parameters ({count})").format(count=len(advanced)))
        self.advanced_toggle.setCheckable(True)
        self.advanced_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.advanced_toggle.setAutoRaise(True)
        self.advanced_toggle.toggled.connect(self.show_advanced)
        self.advanced_host = advanced_host
        self.advanced_names = {p.name for p in advanced}
        column.addWidget(self.advanced_toggle)
        column.addWidget(advanced_host)
        column.addStretch(1)
        self.advanced_toggle.setVisible(bool(advanced))
        self.show_advanced(False)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(form_host)
        self.help = QTextBrowser(self)
        self.help.setHtml(help_html(self.algorithm))
        self.help.setOpenExternalLinks(False)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(scroll)
        splitter.addWidget(self.help)
        splitter.setSizes([600, 360])
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        self.status = QLabel("", self)
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.setMinimumHeight(3 * self.status.fontMetrics().lineSpacing())
        self.status.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(True)
        self.progress.setFormat("%p%")
        self.log = QPlainTextEdit(self)
        self.log.setReadOnly(True)
        self.log.setMaximumBlockCount(2000)
        self.log.setFixedHeight(90)
        self.log.setPlaceholderText(self.tr("Messages of the run appear here."))
        buttons = QDialogButtonBox(self)
        self.run_button = QPushButton(self.tr("Run"), self)
        self.run_button.setDefault(True)
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.cancel_button.setEnabled(False)
        self.close_button = QPushButton(self.tr("Close"), self)
        buttons.addButton(self.run_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        buttons.addButton(self.close_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        self.run_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.progress)
        layout.addWidget(self.log)
        layout.addWidget(buttons)

    def _on_project_event(self, event: Event) -> None:
        if event.type in ("added", "removed", "cleared") or (event.type == "changed" and event.attribute
                                                                 in ("name", "kind", "data")):
            try:
                self._layers_changed.emit()
            except RuntimeError:  # the dialog is gone; the project lives on
                self.project.events.disconnect(self._on_project_event)

    def show_advanced(self, shown: bool) -> None:
        """Open or collapse the advanced section (it opens by itself for a refused or non-default value)."""
        self.advanced_host.setVisible(shown)
        self.advanced_toggle.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)
        if self.advanced_toggle.isChecked() != shown:
            self.advanced_toggle.setChecked(shown)

    def _suggest_field(self, name: str) -> None:
        """Pre-fill field parameter ``name`` when its layer (newly chosen, or newly given the field) has the
        suggested field and nothing is chosen; a choice of the planner, (none) included, stays after that."""
        widget = self.widgets[name]
        layer = widget.parent_input.current_layer()
        wanted = SUGGESTED_FIELDS[name]
        state = (id(layer), layer is not None and wanted in layer.fields)
        if self._suggested.get(name) == state:
            return
        self._suggested[name] = state
        if state[1] and widget.value() is None:
            widget.set_value(wanted)

    def refresh_layers(self) -> None:
        """Re-list the layer pickers after layers were added, removed or renamed (fields follow)."""
        for widget in self.widgets.values():
            if isinstance(widget, LayerInput):
                widget.refresh()

    # -- values -------------------------------------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        """The raw values of the form (layers as Layer objects or file paths)."""
        return {name: widget.value() for name, widget in self.widgets.items() if widget.value() is not None}

    def set_values(self, values: dict[str, Any]) -> None:
        """Fill the form, e.g. from a history record (layer names, paths, numbers as text); the advanced
        section opens when one of its values differs from the default, so nothing set is hidden."""
        for name, widget in self.widgets.items():
            if name in values:
                widget.set_value(values[name])
        defaults = {p.name: p.default for p in self.algorithm.parameters()}
        if any(values.get(name) not in (None, "", defaults.get(name)) for name in self.advanced_names):
            self.show_advanced(True)

    # -- running ------------------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self.worker is not None and self.worker.isRunning()

    def start(self) -> None:
        if self.worker is not None:  # running, or its last signals (cancelled, finished) are still on their way
            return
        for widget in self.widgets.values():
            widget.mark_invalid(False)
        context = Context(project=self.project)
        remember_values(self.algorithm, self.values(), self.project)
        self.worker = AlgorithmThread(self.algorithm, self.values(), context, self)
        self.worker.progress.connect(self._progress)
        self.worker.message.connect(self.log.appendPlainText)
        self.worker.succeeded.connect(self._succeeded)
        self.worker.invalid.connect(self._invalid)
        self.worker.failed.connect(self._failed)
        self.worker.cancelled.connect(self._cancelled)
        self.worker.finished.connect(self._thread_done)
        self._set_running(True)
        if self.log.toPlainText():  # keep the messages of earlier runs apart
            self.log.appendPlainText(self.tr("\n── run of {time} ──").format(time=f"{datetime.now():%H:%M:%S}"))
        self._show_status(self.tr("Running {name}…").format(name=self.algorithm.display_name()), "")
        self.progress.setValue(0)
        self.worker.start()

    def cancel(self) -> None:
        if self.running:
            self.worker.cancel()
            self.cancel_button.setEnabled(False)
            self._show_status(self.tr("Cancelling…"), "")

    def _progress(self, percent: float) -> None:
        self.progress.setValue(int(round(percent * 10)))

    def _succeeded(self, result: RunResult) -> None:
        self.last_result = result
        tables = keep_tables(result.record, result.outputs)  # before the record joins the project's history
        added = add_to_project(result, self.project) if self.project is not None else []
        for layer in added:
            self.log.appendPlainText(self.tr("Added layer '{name}'").format(name=layer.name))
        for line in summary_lines(result.summary):
            self.log.appendPlainText(line)
        self.progress.setValue(1000)
        self._show_status(done_text(result.record["duration_s"], len(added), len(tables)), OK_STYLE)
        self.run_finished.emit(result.record)
        if tables:
            self.tables_ready.emit(result.record, tables)

    def _invalid(self, parameter: str, message: str) -> None:
        widget = self.widgets.get(parameter)
        if parameter in self.advanced_names:
            self.show_advanced(True)
        if widget is not None:
            widget.mark_invalid(True)
            widget.setFocus()
        self._show_status(message, ERROR_STYLE)

    def _failed(self, message: str, details: str) -> None:
        self._show_status(message, ERROR_STYLE)
        if details:
            self.log.appendPlainText(details)

    def _cancelled(self) -> None:
        self.progress.setValue(0)
        self._show_status(self.tr("Cancelled. The project is unchanged."), "")
        self.log.appendPlainText(self.tr("Cancelled by the user."))

    def _thread_done(self) -> None:
        self._set_running(False)
        worker, self.worker = self.worker, None
        if worker is not None:
            worker.deleteLater()

    def _set_running(self, running: bool) -> None:
        self.run_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        for widget in self.widgets.values():
            widget.setEnabled(not running)

    def _show_status(self, text: str, style: str) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(style)

    def stop_run(self) -> None:
        """Cancel a run in progress and wait until the algorithm has stopped (its thread must not outlive us)."""
        if self.running:
            self.worker.cancel()
            self.worker.wait()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        """Closing while running cancels the run and waits for the algorithm to stop."""
        self.stop_run()
        super().closeEvent(event)

    def done(self, result: int) -> None:
        """Every way out (Close, the title bar's close, Esc) cancels a run in progress; Esc used to hide the
        dialog and let the run go on unseen."""
        self.stop_run()
        if self.project is not None:
            self.project.events.disconnect(self._on_project_event)
        super().done(result)


__all__ = ["AlgorithmDialog", "help_html"]
