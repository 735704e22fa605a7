"""Dashboard dock: the numbers a briefing starts with, as small charts that follow the project.

In the spirit of the London Dashboard: a few headline tiles (layers, poles, sites, residents covered) and small
charts (features per layer, pole status, coverage shares, the last siting run's coverage curve). The numbers come
from ``dashboard_numbers(project)`` (plain Python, testable); the charts are matplotlib Agg figures painted into
QLabels. The dock listens to the project's events through the window's ``ProjectBridge`` and redraws once after
a burst of changes, and only while the user can see it: not while it waits behind another tab. matplotlib is
imported on the first redraw, so a window that starts with the dashboard behind a tab does not pay for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from PyQt6.QtCore import Qt, QTimer
from PyQt6.QtGui import QImage, QPixmap
from PyQt6.QtWidgets import QDockWidget, QGridLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from layers import Event, Project, RasterLayer, VectorLayer
from layers.default_styles import POLE_STATUS_COLOURS
from layers.i18n import QT_TRANSLATE_NOOP, translate
from workbench.export.report_data import (
    COVERED_MEASURES,
    KeyFigure,
    coverage_curve,
    coverage_scope,
    figure_values,
    key_figures,
    last_run,
    site_table,
    sites_layer,
)
from workbench.processing.results import run_title, started_text

if TYPE_CHECKING:
    from matplotlib.figure import Figure

ACCENT = "#1f5f99"
MUTED = "#5b6672"
#: Events that change what the dashboard shows (panning the map does not).
RELEVANT = frozenset({"added", "removed", "changed", "history", "cleared", "moved"})


@dataclass
class DashboardNumbers:
    layers: int = 0
    visible_layers: int = 0
    features: dict[str, int] = field(default_factory=dict)  # vector layer -> feature count
    rasters: int = 0
    pole_status: dict[str, int] = field(default_factory=dict)
    coverage: dict[str, float] = field(default_factory=dict)  # measure label -> % covered
    coverage_scope: str = ""  # which transmitters the coverage shares are of ("RSRP of 3,101 sites")
    people_covered: tuple[str, str] = ("", "")  # "People covered" and its note, as the report shows them
    last_run: str = ""
    run_figures: list[KeyFigure] = field(default_factory=list)  # the report's key figures but the coverage shares
    curve: pd.DataFrame | None = None

    @property
    def poles(self) -> int:
        return sum(self.pole_status.values())


#: The coverage chart's bar names, one per measure of ``COVERED_MEASURES``.
COVERED_NAMES = {"residents": QT_TRANSLATE_NOOP("Dashboard", "Residents"),
                 "workers": QT_TRANSLATE_NOOP("Dashboard", "Workers"),
                 "schools": QT_TRANSLATE_NOOP("Dashboard", "Schools"),
                 "buildings": QT_TRANSLATE_NOOP("Dashboard", "Buildings"),
                 "area": QT_TRANSLATE_NOOP("Dashboard", "Area")}


def dashboard_numbers(project: Project) -> DashboardNumbers:
    """What the dashboard shows for ``project``: counts, pole status, coverage shares, the last run."""
    numbers = DashboardNumbers(layers=len(project.layers), visible_layers=sum(layer.visible for layer in project))
    for layer in project.layers:
        if isinstance(layer, VectorLayer):
            numbers.features[layer.name] = len(layer)
            if layer.kind == "lamp_poles" and "status" in layer.gdf.columns:
                for status, count in layer.gdf["status"].fillna("unknown").astype(str).value_counts().items():
                    numbers.pole_status[status] = numbers.pole_status.get(status, 0) + int(count)
        elif isinstance(layer, RasterLayer):
            numbers.rasters += 1
    siting, coverage = last_run(project, "siting."), last_run(project, "coverage.")
    shares = {**((coverage or {}).get("summary") or {}), **((siting or {}).get("summary") or {})}
    for measure, _label in COVERED_MEASURES:
        value = shares.get(f"{measure}_covered_pct")
        if value is not None and np.isfinite(float(value)):
            numbers.coverage[translate("Dashboard", COVERED_NAMES[measure])] = float(value)
    if coverage is not None and numbers.coverage:
        numbers.coverage_scope = coverage_scope(coverage)
    latest = project.history[-1] if project.history else None
    if latest is not None:
        # local time, as the History shows it
        numbers.last_run = f"{run_title(latest)} · {started_text(latest)}".strip(" ·")
    layer = sites_layer(project, siting)
    sites = site_table(layer) if layer is not None else None
    figures = key_figures(sites, siting, coverage)
    numbers.people_covered = next(((f.value, f.note) for f in figures if f.key == "people_covered"), ("", ""))
    coverage_rows = {f"{measure}_covered" for measure, _label in COVERED_MEASURES}
    numbers.run_figures = [f for f in figures if f.key not in coverage_rows]
    numbers.curve = coverage_curve(sites) if sites is not None else None
    return numbers


# -- charts ---------------------------------------------------------------------------------------------------
def _small_figure(width_px: int, height_px: int) -> tuple[Figure, object]:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_px / 100, height_px / 100), dpi=100, layout="constrained")
    ax = fig.add_subplot(1, 1, 1)
    ax.spines[["top", "right"]].set_visible(False)
    ax.spines[["left", "bottom"]].set_color("#9aa4ae")
    ax.tick_params(labelsize=7.5, colors=MUTED)
    return fig, ax


def _barh(ax, labels: list[str], values: list[float], colours, fmt: str, limit: float | None = None) -> None:
    from matplotlib.ticker import MaxNLocator

    y = np.arange(len(labels))[::-1]
    bars = ax.barh(y, values, color=colours, height=0.65)
    ax.set_yticks(y, [label if len(label) <= 18 else label[:17] + "…" for label in labels])
    top = limit if limit is not None else max(values) * 1.25 if values else 1
    ax.set_xlim(0, top or 1)
    for bar, value in zip(bars, values, strict=True):
        ax.text(bar.get_width() + top * 0.015, bar.get_y() + bar.get_height() / 2, fmt.format(value),
                va="center", fontsize=7.5, color="#1f2a36")
    ax.grid(axis="x", color="#e3e7eb", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))


def chart_features(numbers: DashboardNumbers, width: int, height: int) -> Figure:
    fig, ax = _small_figure(width, height)
    items = sorted(numbers.features.items(), key=lambda kv: -kv[1])[:8]
    _barh(ax, [k for k, _ in items], [v for _, v in items], ACCENT, "{:,.0f}")
    ax.set_title(translate("Dashboard", "Features per layer"), loc="left", fontsize=9, fontweight="bold")
    return fig


def chart_poles(numbers: DashboardNumbers, width: int, height: int) -> Figure:
    fig, ax = _small_figure(width, height)
    items = sorted(numbers.pole_status.items(), key=lambda kv: -kv[1])
    colours = [POLE_STATUS_COLOURS.get(k, "#9e9e9e") for k, _ in items]
    _barh(ax, [k for k, _ in items], [v for _, v in items], colours, "{:,.0f}")
    title = translate("Dashboard", "Lamp poles by status ({count})").format(count=f"{numbers.poles:,}")
    ax.set_title(title, loc="left", fontsize=9, fontweight="bold")
    return fig


def chart_coverage(numbers: DashboardNumbers, width: int, height: int) -> Figure:
    fig, ax = _small_figure(width, height)
    items = list(numbers.coverage.items())
    _barh(ax, [k for k, _ in items], [v for _, v in items], "#1a9641", "{:.1f} %", limit=115.0)
    ax.set_xticks([0, 25, 50, 75, 100])
    # the shares are of the coverage run's transmitters (every pole?), not necessarily of the selected sites
    scope = f" · {numbers.coverage_scope}" if numbers.coverage_scope else ""
    ax.set_title(translate("Dashboard", "Covered (%)") + scope, loc="left", fontsize=9, fontweight="bold")
    return fig


def chart_curve(numbers: DashboardNumbers, width: int, height: int) -> Figure:
    fig, ax = _small_figure(width, height)
    curve = numbers.curve
    ax.fill_between(curve["sites"], curve["covered_pct"], color="#9ec3e6", alpha=0.5, linewidth=0)
    ax.plot(curve["sites"], curve["covered_pct"], color=ACCENT, linewidth=1.6)
    ax.set_ylim(0, max(5.0, min(100.0, float(curve["covered_pct"].max()) * 1.15)))
    ax.set_xlabel(translate("Dashboard", "sites"), fontsize=7.5, color=MUTED)
    ax.grid(axis="y", color="#e3e7eb", linewidth=0.6)
    ax.set_title(translate("Dashboard", "Coverage vs sites (%)"), loc="left", fontsize=9, fontweight="bold")
    return fig


def figure_pixmap(fig: Figure, ratio: float = 1.0) -> QPixmap:
    """Rasterise a matplotlib figure with Agg into a QPixmap (no Qt backend, no pyplot), sharp on HiDPI screens."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig.set_dpi(100 * ratio)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    buffer = canvas.buffer_rgba()
    height, width = buffer.shape[:2]
    image = QImage(bytes(buffer), width, height, width * 4, QImage.Format.Format_RGBA8888)
    pixmap = QPixmap.fromImage(image.copy())
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


# -- dock -----------------------------------------------------------------------------------------------------
#: The figures at the top, by key (shown translated).
TILES = (QT_TRANSLATE_NOOP("Dashboard", "Layers"), QT_TRANSLATE_NOOP("Dashboard", "Lamp poles"),
         QT_TRANSLATE_NOOP("Dashboard", "Sites selected"), QT_TRANSLATE_NOOP("Dashboard", "People covered"))


class _Tile(QLabel):
    def __init__(self, label: str) -> None:
        super().__init__()
        self.label = label
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setStyleSheet("QLabel { background: #eef3f8; border-radius: 5px; padding: 6px 8px; }")
        self.setMinimumWidth(90)
        self.setWordWrap(True)

    def show_value(self, value: str, note: str = "") -> None:
        label = f"{self.label} · {note}" if note else self.label
        self.setText(f"<div style='font-size:17px;font-weight:700;color:{ACCENT}'>{value}</div>"
                     f"<div style='font-size:11px;color:{MUTED}'>{label}</div>")


class DashboardDock(QDockWidget):
    """Headline numbers and small charts of the current project; redraws when the project changes."""

    def __init__(self, bridge, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Dashboard"), parent)
        self.setObjectName("DashboardDock")
        self.bridge = bridge
        self.numbers = DashboardNumbers()
        self._dirty = True
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self._refresh_if_seen)
        self.visibilityChanged.connect(self._visibility_changed)
        body = QWidget()
        layout = QVBoxLayout(body)
        tiles = QGridLayout()
        self.tiles = {name: _Tile(translate("Dashboard", name)) for name in TILES}
        for i, tile in enumerate(self.tiles.values()):
            tiles.addWidget(tile, i // 2, i % 2)
        layout.addLayout(tiles)
        self.last_run = QLabel()
        self.last_run.setWordWrap(True)
        self.last_run.setStyleSheet(f"color: {MUTED}; font-size: 11px;")
        layout.addWidget(self.last_run)
        self.charts: dict[str, QLabel] = {}
        for name in ("features", "poles", "coverage", "curve"):
            label = QLabel()
            label.setObjectName(f"dashboard-{name}")
            label.setAlignment(Qt.AlignmentFlag.AlignLeft)
            self.charts[name] = label
            layout.addWidget(label)
        self.empty = QLabel(self.tr("Add layers or run an analysis to see its numbers here."))
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet(f"color: {MUTED};")
        layout.addWidget(self.empty)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._body_layout = layout
        scroll.setWidget(body)
        self.setWidget(scroll)
        bridge.model_event.connect(self._project_event)
        bridge.project_replaced.connect(lambda project: self.schedule())
        self.schedule()

    def seen(self) -> bool:
        """True while the user can see the dock: shown, and not behind another tab (a dock behind a tab counts as
        visible to Qt, but nothing of it is on screen)."""
        return self.isVisible() and not self.visibleRegion().isEmpty()

    def schedule(self) -> None:
        """Redraw once the current burst of changes is over, or when the user next brings the dock up."""
        self._dirty = True
        if self.seen():
            self._timer.start()

    def _project_event(self, event: Event) -> None:
        if event.type in RELEVANT:
            self.schedule()

    def _visibility_changed(self, visible: bool) -> None:
        """Shown, or its tab brought to the front: draw what changed meanwhile."""
        if visible and self._dirty:
            self._timer.start()

    def _refresh_if_seen(self) -> None:
        if self.seen():
            self.refresh()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        if abs(event.size().width() - event.oldSize().width()) > 20:
            self.schedule()

    def refresh(self) -> None:
        self._dirty = False
        numbers = self.numbers = dashboard_numbers(self.bridge.project)
        self.tiles["Layers"].show_value(f"{numbers.visible_layers} / {numbers.layers}")
        self.tiles["Lamp poles"].show_value(f"{numbers.poles:,}" if numbers.pole_status else "–")
        sites = figure_values(numbers.run_figures).get("sites_selected", "–")
        self.tiles["Sites selected"].show_value(sites)
        people, note = numbers.people_covered
        self.tiles["People covered"].show_value(people or "–", note)
        figures = "  ·  ".join(f"{f.label}: {f.value}" for f in numbers.run_figures)
        self.last_run.setText(self.tr("Last run: {run}").format(run=numbers.last_run)
                              + (f"<br>{figures}" if figures else "")
                              if numbers.last_run else self.tr("No analysis run yet."))
        scroll = self.widget()
        margins = self._body_layout.contentsMargins()
        # leave room for the vertical scroll bar, which appears once the charts are taller than the dock
        width = max(200, scroll.viewport().width() - margins.left() - margins.right()
                    - (0 if scroll.verticalScrollBar().isVisible() else scroll.verticalScrollBar().sizeHint().width()))
        plans = {
            "features": (chart_features, bool(numbers.features), 24 + 17 * min(8, len(numbers.features))),
            "poles": (chart_poles, bool(numbers.pole_status), 30 + 17 * len(numbers.pole_status)),
            "coverage": (chart_coverage, bool(numbers.coverage), 30 + 17 * len(numbers.coverage)),
            "curve": (chart_curve, numbers.curve is not None and len(numbers.curve) > 1, 150),
        }
        for name, (draw, show, height) in plans.items():
            label = self.charts[name]
            label.setVisible(show)
            if show:
                label.setPixmap(figure_pixmap(draw(numbers, width, max(90, height + 30)), self.devicePixelRatioF()))
        self.empty.setVisible(not numbers.layers)
