"""Scenarios dock: the project's scenarios with their figures, made from siting runs and compared two at a time.

Each row is a ``layers.scenarios.Scenario`` with the figures its runs reported (sites, cost, people covered, the
coverage shares of residents, workers and schools when a coverage run belongs to it) and the marginal cost per
additional 1,000 people covered relative to the scenario chosen as "Relative to". New, rename and delete are
undoable steps on the project's undo stack. "Compare…" adds a layer of the sites only in A, only in B and in both
(three colours) and shows the two side by side in a table. Figures come from run records, so nothing here reads
a file or computes more than a few subtractions.
"""

from __future__ import annotations

import logging
import math
from typing import TYPE_CHECKING, Any

import numpy as np
from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from layers import Event, LayerError, Project, VectorLayer
from layers.edits import EditCommand
from layers.i18n import QT_TRANSLATE_NOOP
from layers.scenarios import (
    AddScenario,
    AttachRun,
    RemoveScenario,
    RenameScenario,
    Scenario,
    ScenarioMetrics,
    compare,
    comparison_layer,
    marginal_cost,
    metrics,
    plan_layers,
    scenario_from_run,
    side_layer,
)
from plugins.api import Context, ParameterError
from plugins.siting.candidates import pole_ids
from plugins.siting.decisions import FieldRule, LayerMatch, PoleSpecParameter
from workbench.canvas.swipe import SwipeView
from workbench.window.project_bridge import ProjectBridge

if TYPE_CHECKING:
    from workbench.main_window import MainWindow

log = logging.getLogger(__name__)
DASH = "–"


def _number(value: float | None, digits: int = 0, suffix: str = "") -> str:
    if value is None or not math.isfinite(value):
        return DASH
    return f"{value:,.{digits}f}{suffix}"


def last_run(project: Project, prefix: str) -> dict | None:
    """The latest successful run whose algorithm id starts with ``prefix``."""
    for record in reversed(project.history):
        if str(record.get("algorithm", "")).startswith(prefix) and record.get("status", "ok") == "ok":
            return record
    return None


def last_siting_run(project: Project) -> dict | None:
    return last_run(project, "siting.")


def excluded_in_force(project: Project, record: dict) -> list[str]:
    """The pole ids a siting run's parameters exclude, read from the candidate layer as it is now (ids, FIELD=VALUE,
    the decision field, an excluded layer); parts that no longer resolve (a layer removed) are left out."""
    params = record.get("parameters") or {}
    try:
        poles = project.layer(params.get("candidates") or "")
    except KeyError:
        return []
    if not isinstance(poles, VectorLayer):
        return []
    sources: list[Any] = []
    if params.get("excluded"):
        spec = PoleSpecParameter("excluded", "excluded", parent="candidates", optional=True)
        sources.append(spec.convert(params["excluded"], Context(project=project), {}))
    wanted = tuple(v.strip() for v in str(params.get("excluded_values") or "").split("|") if v.strip())
    if params.get("decision_field") and wanted:
        sources.append(FieldRule("decision_field", params["decision_field"], wanted, required=False))
    if params.get("excluded_layer"):
        try:
            other = project.layer(params["excluded_layer"])
        except KeyError:
            other = None
        if isinstance(other, VectorLayer):
            sources.append(LayerMatch("excluded_layer", other, by=params.get("match_by") or "id",
                                      distance=float(params.get("match_distance") or 1.0)))
    ids = pole_ids(poles.gdf)
    rows: list[np.ndarray] = []
    for source in sources:
        try:
            rows.append(source.rows(poles)[0])
        except ParameterError as exc:  # the layer changed since the run: that part is not in force any more
            log.info("scenario: excluded poles not resolved: %s", exc)
    return sorted({str(ids[r]) for found in rows for r in found})


class ScenariosDock(QDockWidget):
    """The scenario list with its figures and the New / Rename / Delete / Compare actions."""

    compared = pyqtSignal(object, object, object)  # scenario A, scenario B, the comparison layer added

    COLUMNS = (
        QT_TRANSLATE_NOOP("ScenariosDock", "Scenario"),
        QT_TRANSLATE_NOOP("ScenariosDock", "Sites"),
        QT_TRANSLATE_NOOP("ScenariosDock", "Cost"),
        QT_TRANSLATE_NOOP("ScenariosDock", "People covered"),
        QT_TRANSLATE_NOOP("ScenariosDock", "People %"),
        QT_TRANSLATE_NOOP("ScenariosDock", "Residents %"),
        QT_TRANSLATE_NOOP("ScenariosDock", "Workers %"),
        QT_TRANSLATE_NOOP("ScenariosDock", "Schools %"),
        QT_TRANSLATE_NOOP("ScenariosDock", "Cost per 1,000 more people"),
        QT_TRANSLATE_NOOP("ScenariosDock", "Note"),
    )

    def __init__(self, bridge: ProjectBridge, push=None, parent: QWidget | None = None, canvas=None) -> None:
        super().__init__(self.tr("Scenarios"), parent)
        self.setObjectName("ScenariosDock")
        self.bridge = bridge
        #: The map canvas a comparison is swiped on (None: the comparison layer only).
        self.canvas = canvas
        self.swiped = None   # the comparison layer whose halves are swiped
        #: Applies and records an undoable command (the window's undo stack); without one, commands just apply.
        self.push = push if push is not None else (lambda command: command.apply())
        self._build()
        bridge.model_event.connect(self._on_event)
        bridge.project_replaced.connect(self._project_replaced)
        self.refresh()

    @property
    def project(self) -> Project:
        return self.bridge.project

    def _build(self) -> None:
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        buttons = QHBoxLayout()
        self.buttons: dict[str, QToolButton] = {}
        for key, text, tip, slot in (
            ("new", self.tr("New from last run…"), self.tr("A scenario of the last siting run and the decisions "
                                                          "in force"), self.ask_new),
            ("attach", self.tr("Add Coverage Run"), self.tr("Add the last coverage run to the selected scenario: "
                                                           "its residents, workers and schools covered show here"),
             self.attach_coverage),
            ("rename", self.tr("Rename…"), self.tr("Rename the selected scenario"), self.ask_rename),
            ("delete", self.tr("Delete"), self.tr("Delete the selected scenarios (Ctrl+Z brings them back)"),
             self.delete_selected),
            ("compare", self.tr("Compare…"), self.tr("Two selected scenarios side by side: a map layer of the sites "
                                                    "only in A, only in B and in both, a swipe between the two "
                                                    "plans and a table"),
             self.compare_selected),
            ("end_swipe", self.tr("End Swipe"), self.tr("Remove the swipe divider from the map"), self.end_swipe),
        ):
            button = QToolButton()
            button.setText(text)
            button.setToolTip(tip)
            button.setAutoRaise(True)
            button.clicked.connect(lambda _=False, s=slot: s())
            buttons.addWidget(button)
            self.buttons[key] = button
        buttons.addStretch(1)
        relative = QHBoxLayout()
        relative.addWidget(QLabel(self.tr("Marginal cost relative to")))
        self.base_box = QComboBox()
        self.base_box.currentIndexChanged.connect(lambda _: self._fill_marginal())
        relative.addWidget(self.base_box, 1)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setObjectName("ScenarioTable")
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in self.COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._update_enabled)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout.addLayout(buttons)
        layout.addLayout(relative)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        self.setWidget(body)

    # -- list -------------------------------------------------------------------------------------------------
    def scenarios(self) -> list[Scenario]:
        return list(self.project.scenarios)

    def refresh(self) -> None:
        scenarios = self.scenarios()
        self.figures = [metrics(s, self.project.history) for s in scenarios]
        base_id = self.base_box.currentData()
        self.base_box.blockSignals(True)
        self.base_box.clear()
        for scenario in scenarios:
            self.base_box.addItem(scenario.name, scenario.id)
        index = self.base_box.findData(base_id)
        self.base_box.setCurrentIndex(index if index >= 0 else 0)
        self.base_box.blockSignals(False)
        self.table.setRowCount(len(scenarios))
        for row, (scenario, figures) in enumerate(zip(scenarios, self.figures, strict=True)):
            shares = figures.shares
            cells = (scenario.name, _number(figures.sites), _number(figures.cost, 1),
                     _number(figures.people_covered), _number(figures.people_covered_pct, 1, " %"),
                     _number(shares.get("residents"), 1, " %"), _number(shares.get("workers"), 1, " %"),
                     _number(shares.get("schools"), 1, " %"), "", scenario.note)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if 0 < column < len(cells) - 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
            self.table.item(row, 0).setToolTip(self._tooltip(scenario))
        self._fill_marginal()
        self._update_enabled()

    def _tooltip(self, scenario: Scenario) -> str:
        return self.tr("{sites} sites; {locked} poles locked, {excluded} excluded; {runs} run(s)").format(
            sites=len(scenario.sites), locked=len(scenario.locked), excluded=len(scenario.excluded),
            runs=len(scenario.runs)) + (f"\n{scenario.note}" if scenario.note else "")

    def _fill_marginal(self) -> None:
        base = self.base_box.currentIndex()
        column = self.COLUMNS.index("Cost per 1,000 more people")
        for row, figures in enumerate(getattr(self, "figures", [])):
            value = marginal_cost(figures, self.figures[base]) if 0 <= base < len(self.figures) and row != base \
                else None
            item = self.table.item(row, column)
            if item is not None:
                item.setText(_number(value, 1))

    def selected(self) -> list[Scenario]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        scenarios = self.scenarios()
        return [scenarios[r] for r in rows if r < len(scenarios)]

    def select(self, *names: str) -> None:
        """Select the rows of the scenarios named (tests and the compare shortcut use it)."""
        self.table.clearSelection()
        mode = self.table.selectionMode()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.MultiSelection)
        for row, scenario in enumerate(self.scenarios()):
            if scenario.name in names:
                self.table.selectRow(row)
        self.table.setSelectionMode(mode)

    def _update_enabled(self) -> None:
        count = len(self.selected())
        self.buttons["new"].setEnabled(last_siting_run(self.project) is not None)
        self.buttons["rename"].setEnabled(count == 1)
        self.buttons["attach"].setEnabled(count == 1 and last_run(self.project, "coverage.") is not None)
        self.buttons["delete"].setEnabled(count >= 1)
        self.buttons["compare"].setEnabled(count == 2)
        self.buttons["end_swipe"].setEnabled(self.swiped is not None)

    def _say(self, text: str) -> None:
        self.message.setText(text)

    # -- actions ----------------------------------------------------------------------------------------------
    def _push(self, command: EditCommand) -> bool:
        try:
            self.push(command)
        except LayerError as exc:
            self._say(str(exc))
            return False
        return True

    def ask_new(self) -> None:
        record = last_siting_run(self.project)
        if record is None:
            self._say(self.tr("Run a siting algorithm first: a scenario starts from its plan"))
            return
        summary = record.get("summary") or {}
        default = self.tr("{sites} sites, {method}").format(sites=summary.get("sites", "?"),
                                                            method=summary.get("method", ""))
        name, ok = QInputDialog.getText(self, self.tr("New Scenario"), self.tr("Name of the scenario:"), text=default)
        if not ok:
            return
        note, ok = QInputDialog.getText(self, self.tr("New Scenario"), self.tr("Note (optional):"))
        self.new_from_last_run(name, note if ok else "")

    def new_from_last_run(self, name: str, note: str = "") -> Scenario | None:
        """A scenario of the last siting run (its plan, locked sites and the excluded poles in force), undoable."""
        record = last_siting_run(self.project)
        if record is None:
            self._say(self.tr("Run a siting algorithm first: a scenario starts from its plan"))
            return None
        try:
            scenario = scenario_from_run(self.project, record, name, note=note,
                                         excluded=excluded_in_force(self.project, record))
        except (LayerError, ParameterError) as exc:
            self._say(str(exc))
            return None
        if not self._push(AddScenario(self.project, scenario)):
            return None
        self._say(self.tr("Scenario \u201c{name}\u201d: {sites} sites").format(name=scenario.name,
                                                                            sites=len(scenario.sites)))
        return scenario

    def attach_coverage(self) -> bool:
        """Add the last coverage run to the selected scenario (one undoable step)."""
        chosen, record = self.selected(), last_run(self.project, "coverage.")
        if len(chosen) != 1 or record is None:
            self._say(self.tr("Select one scenario, after a coverage run of its sites"))
            return False
        try:
            command = AttachRun(self.project, chosen[0], record)
        except LayerError as exc:
            self._say(str(exc))
            return False
        return self._push(command)

    def ask_rename(self) -> None:
        chosen = self.selected()
        if len(chosen) != 1:
            return
        name, ok = QInputDialog.getText(self, self.tr("Rename Scenario"), self.tr("New name:"), text=chosen[0].name)
        if ok:
            self.rename(chosen[0], name)

    def rename(self, scenario: Scenario, name: str) -> bool:
        try:
            command = RenameScenario(self.project, scenario, name)
        except LayerError as exc:
            self._say(str(exc))
            return False
        return self._push(command)

    def delete_selected(self) -> None:
        for scenario in self.selected():
            self._push(RemoveScenario(self.project, scenario))

    def compare_selected(self) -> VectorLayer | None:
        chosen = self.selected()
        if len(chosen) != 2:
            self._say(self.tr("Select two scenarios to compare"))
            return None
        return self.compare(*chosen)

    def compare(self, a: Scenario, b: Scenario) -> VectorLayer | None:
        """Add the comparison layer of ``a`` and ``b`` to the project (one undoable step) and show the table."""
        try:
            layer = comparison_layer(a, b, plan_layers(self.project, a) + plan_layers(self.project, b))
        except LayerError as exc:
            self._say(str(exc))
            return None
        self.project.add_layer(layer)      # the undo stack records a layer added
        self._swipe(layer, a, b)
        split = compare(a, b)
        self._say(self.tr("\u201c{layer}\u201d: {a} sites only in {name_a}, {b} only in {name_b}, {both} in "
                          "both").format(layer=layer.name, a=len(split.only_a), name_a=a.name, b=len(split.only_b),
                                         name_b=b.name, both=len(split.both)))
        figures = {s.id: metrics(s, self.project.history) for s in (a, b)}
        self.comparison = ComparisonDialog(a, b, figures[a.id], figures[b.id], len(split.only_a),
                                           len(split.only_b), len(split.both), self)
        self.comparison.show()
        self.compared.emit(a, b, layer)
        return layer

    def _swipe(self, layer: VectorLayer, a: Scenario, b: Scenario) -> None:
        """A's sites left of the divider, B's right of it; the comparison layer itself leaves the main render."""
        if self.canvas is None:
            return
        self.swiped = layer
        self.canvas.set_swipe(SwipeView(self.canvas, [side_layer(layer, "a")], [side_layer(layer, "b")],
                                        hidden={layer.id}, labels=(a.name, b.name)))
        self._update_enabled()

    def end_swipe(self) -> None:
        if self.canvas is not None and self.swiped is not None:
            self.canvas.set_swipe(None)
        self.swiped = None
        self._update_enabled()

    # -- model events ------------------------------------------------------------------------------------------
    def _project_replaced(self, project: Project) -> None:
        self.swiped = None      # the canvas ends its swipe itself
        self.refresh()

    def _on_event(self, event: Event) -> None:
        if event.type == "cleared":
            self.end_swipe()
        if event.type in ("scenarios", "history", "cleared"):
            self.refresh()
        elif event.type in ("added", "removed"):
            if event.type == "removed" and event.layer is self.swiped:
                self.end_swipe()
            self._update_enabled()


class ComparisonDialog(QDialog):
    """Two scenarios' figures side by side with the difference, and how their plans overlap."""

    def __init__(self, a: Scenario, b: Scenario, fa: ScenarioMetrics, fb: ScenarioMetrics, only_a: int,
                 only_b: int, both: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Compare \u201c{a}\u201d and \u201c{b}\u201d").format(a=a.name, b=b.name))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        rows = [
            (self.tr("Sites"), fa.sites, fb.sites, 0),
            (self.tr("Cost"), fa.cost, fb.cost, 1),
            (self.tr("People covered"), fa.people_covered, fb.people_covered, 0),
            (self.tr("People covered (%)"), fa.people_covered_pct, fb.people_covered_pct, 1),
            *[(self.tr("{measure} covered (%)").format(measure=m.capitalize()), fa.shares.get(m), fb.shares.get(m),
               1) for m in ("residents", "workers", "schools")],
            (self.tr("Sites only in this scenario"), only_a, only_b, 0),
            (self.tr("Sites in both"), both, both, 0),
        ]
        self.table = QTableWidget(len(rows) + 1, 4, self)
        self.table.setHorizontalHeaderLabels([self.tr("Figure"), a.name, b.name, self.tr("B − A")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for row, (label, va, vb, digits) in enumerate(rows):
            difference = vb - va if va is not None and vb is not None else None
            for column, text in enumerate((label, _number(va, digits), _number(vb, digits),
                                           _number(difference, digits))):
                self.table.setItem(row, column, QTableWidgetItem(text))
        last = len(rows)
        self.table.setItem(last, 0, QTableWidgetItem(self.tr("Cost per 1,000 more people (B over A)")))
        self.table.setItem(last, 3, QTableWidgetItem(_number(marginal_cost(fb, fa), 1)))
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(620, 360)

    def cell(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text() if item is not None else ""


def install_scenarios(window: MainWindow) -> ScenariosDock:
    """The Scenarios dock on the right, its changes on the window's undo stack (``window.scenarios``)."""
    history = getattr(getattr(window, "editing", None), "history", None)
    dock = ScenariosDock(window.bridge, history.push if history is not None else None, window, window.canvas)
    window.add_dock(dock, Qt.DockWidgetArea.RightDockWidgetArea)
    dock.hide()    # until asked for (View > Panels), as the undo history
    window.scenarios = dock
    return dock


__all__ = ["ComparisonDialog", "ScenariosDock", "excluded_in_force", "install_scenarios", "last_run", "last_siting_run"]
