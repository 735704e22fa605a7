"""The report's charts, drawn with matplotlib's object API (no pyplot state, safe off the GUI thread).

Coverage against the number of sites shows what each added site buys; the RSRP histogram shows how much of the
area is above the service threshold; sites per phase shows the rollout. One look for all of them: light grid,
no top/right frame, the same blue as the rest of the briefing.
"""

from __future__ import annotations

import contextlib
import functools
import io
import logging
from collections.abc import Callable

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from layers.i18n import translate
from layers.styles import RSRP_STOPS, RasterRamp
from workbench.export.report_fonts import font_families

ACCENT = "#1f5f99"
ACCENT_LIGHT = "#9ec3e6"
INK = "#1f2a36"
MUTED = "#5b6672"
CHART_SIZE = (5.6, 3.2)  # inches: two side by side fill an A4 page width


@contextlib.contextmanager
def _fonts(**settings):
    """Chart text in the report's fonts (DejaVu Sans, then the CJK font for Chinese titles, labels and layer
    names): set while a figure is built and while it is drawn, since matplotlib makes tick labels at draw time.
    A CJK font without a bold face draws bold titles in its regular weight, which matplotlib would warn about."""
    import matplotlib

    fonts = logging.getLogger("matplotlib.font_manager")
    level = fonts.level
    fonts.setLevel(logging.ERROR)
    try:
        with matplotlib.rc_context({"font.family": font_families(), **settings}):
            yield
    finally:
        fonts.setLevel(level)


def _in_report_fonts(make: Callable[..., Figure]) -> Callable[..., Figure]:
    @functools.wraps(make)
    def made(*args, **kwargs) -> Figure:
        with _fonts():
            return make(*args, **kwargs)
    return made


def _axes(fig: Figure, title: str):
    ax = fig.add_subplot(1, 1, 1)
    ax.set_title(title, loc="left", fontsize=10.5, fontweight="bold", color=INK, pad=8)
    ax.spines[["top", "right"]].set_visible(False)
    ax.spines[["left", "bottom"]].set_color("#9aa4ae")
    ax.tick_params(colors=MUTED, labelsize=8.5)
    ax.grid(axis="y", color="#e3e7eb", linewidth=0.8)
    ax.set_axisbelow(True)
    return ax


def _figure(size: tuple[float, float] = CHART_SIZE) -> Figure:
    fig = Figure(figsize=size, dpi=100, layout="constrained")
    fig.set_facecolor("white")
    return fig


@_in_report_fonts
def coverage_curve_figure(curve: pd.DataFrame, size: tuple[float, float] = CHART_SIZE) -> Figure:
    """Demand covered after the first n sites, with the gain of each site readable from the steps."""
    fig = _figure(size)
    ax = _axes(fig, translate("ReportCharts", "Coverage vs number of sites"))
    x, y = curve["sites"].to_numpy(), curve["covered_pct"].to_numpy(float)
    ax.fill_between(x, y, color=ACCENT_LIGHT, alpha=0.45, linewidth=0)
    ax.plot(x, y, color=ACCENT, linewidth=2.0, marker="o" if len(x) <= 40 else None, markersize=3.5)
    ax.set_xlabel(translate("ReportCharts", "Sites selected (in rank order)"), fontsize=9, color=MUTED)
    ax.set_ylabel(translate("ReportCharts", "Demand covered (%)"), fontsize=9, color=MUTED)
    ax.set_xlim(0, max(1, x.max()) + 0.3)
    ax.set_ylim(0, max(5.0, min(100.0, np.nanmax(y) * 1.15)))
    if len(x) > 1:
        # In the lower right, under the curve: each added site buys less, so the curve stays above it there.
        # (Beside the curve's end, the label ran into the title at 97 % and into the line below it.)
        ax.text(0.98, 0.06, translate("ReportCharts", "{share} % with {count} sites").format(
            share=f"{y[-1]:.1f}", count=x[-1]), transform=ax.transAxes, ha="right", va="bottom", fontsize=8.5,
                color=INK)
    ax.xaxis.get_major_locator().set_params(integer=True)
    return fig


@_in_report_fonts
def rsrp_histogram_figure(values: np.ndarray, threshold: float | None = None, bin_db: float = 2.0,
                          size: tuple[float, float] = CHART_SIZE) -> Figure:
    """Share of the area with a signal per RSRP bin, coloured like the map, with the service threshold marked.

    Cells without a value (out of every cell's reach) are not counted: the coverage run's "area covered" is
    relative to its whole grid and so is lower."""
    fig = _figure(size)
    ax = _axes(fig, translate("ReportCharts", "RSRP distribution"))
    values = np.asarray(values, float)
    values = values[np.isfinite(values)]
    low = np.floor(np.percentile(values, 0.5) / bin_db) * bin_db
    high = np.ceil(np.percentile(values, 99.5) / bin_db) * bin_db + bin_db
    edges = np.arange(low, high + bin_db / 2, bin_db)
    counts, edges = np.histogram(np.clip(values, edges[0], edges[-1] - 1e-9), bins=edges)
    shares = 100.0 * counts / max(1, len(values))
    ramp = RasterRamp(list(RSRP_STOPS))
    colours = [ramp.colour_at(float(c)) for c in (edges[:-1] + edges[1:]) / 2]
    ax.bar(edges[:-1], shares, width=bin_db, align="edge", color=colours, edgecolor="white", linewidth=0.5)
    ax.set_xlabel(translate("ReportCharts", "RSRP (dBm)"), fontsize=9, color=MUTED)
    ax.set_ylabel(translate("ReportCharts", "Share of area with signal (%)"), fontsize=9, color=MUTED)
    if threshold is not None:
        above = 100.0 * float(np.mean(values >= threshold))
        ax.axvline(threshold, color=INK, linestyle="--", linewidth=1.1)
        label = translate("ReportCharts", "threshold {value} dBm").format(value=f"{threshold:g}").replace("-", "\u2212")
        ax.annotate(translate("ReportCharts", "{label}\n{share} % of it at or above").format(
            label=label, share=f"{above:.1f}"), (threshold, 1.0),
                    xycoords=("data", "axes fraction"), xytext=(5, -4), textcoords="offset points", va="top",
                    fontsize=8.5, color=INK)
    return fig


@_in_report_fonts
def phase_figure(phases: pd.DataFrame, size: tuple[float, float] = CHART_SIZE) -> Figure:
    """Sites per rollout phase; each phase's cost goes under its name."""
    fig = _figure(size)
    ax = _axes(fig, translate("ReportCharts", "Sites per phase"))
    costs = phases["cost"].to_numpy(float)
    labels = [translate("ReportCharts", "Phase {phase}").format(phase=p)
              + (translate("ReportCharts", "\ncost {amount}").format(amount=_amount(c)) if np.isfinite(c) else "")
              for p, c in zip(phases["phase"], costs, strict=True)]
    bars = ax.bar(labels, phases["sites"], color=ACCENT, width=0.6)
    ax.set_ylabel(translate("ReportCharts", "Sites"), fontsize=9, color=MUTED)
    ax.set_ylim(0, phases["sites"].max() * 1.2 + 0.5)
    ax.yaxis.get_major_locator().set_params(integer=True)
    for bar, sites in zip(bars, phases["sites"], strict=True):
        ax.annotate(f"{sites}", (bar.get_x() + bar.get_width() / 2, bar.get_height()), xytext=(0, 3),
                    textcoords="offset points", ha="center", va="bottom", fontsize=8.5, color=INK)
    return fig


def _amount(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}".rstrip("0").rstrip(".")


def figure_svg(fig: Figure) -> bytes:
    """SVG with text kept as text (not outlines), so it stays selectable and small."""
    buffer = io.BytesIO()
    with _fonts(**{"svg.fonttype": "none"}):
        fig.savefig(buffer, format="svg", facecolor="white", metadata={"Date": None})
    return buffer.getvalue()
