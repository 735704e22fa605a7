"""Benchmark: 10,000 attribute edits through the project's real QUndoStack, against a copy-per-edit reference.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_undo.py [--edits 10000] [--rows 0]

The sample's lamp poles (sample_data/tianhe/tianhe.gpkg; ``--rows N`` repeats them to N rows) get ``--edits``
single-cell edits (status and height_m, as a planner types them) pushed through ``EditHistory`` — the same
stack the window uses — then every edit is undone and redone. Printed: the extra memory the stack holds
(Python allocations via tracemalloc, and the process RSS growth), time per edit / undo / redo, and the reference
measured in the same run: an undo that keeps a copy of the layer per edit, timed and measured for 100 edits and
extrapolated to ``--edits`` (labelled as such). Goal: under 200 MB extra for 10,000 edits.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PyQt6.QtCore import QCoreApplication  # noqa: E402

from layers import Project, VectorLayer  # noqa: E402
from layers.edits import SetAttributeValues  # noqa: E402
from layers.io import open_layers  # noqa: E402
from workbench.editing.undo import EditHistory  # noqa: E402
from workbench.window.project_bridge import ProjectBridge  # noqa: E402

SAMPLE = ROOT / "sample_data" / "tianhe" / "tianhe.gpkg"
GOAL_MB = 200.0
REFERENCE_EDITS = 100
STATUSES = ("active", "planned", "faulty", "removed")


def rss_mb() -> float:
    """Resident memory of this process (Linux /proc; 0 elsewhere)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def lamp_poles(rows: int) -> VectorLayer:
    layer = next(layer for layer in open_layers(SAMPLE) if layer.kind == "lamp_poles")
    if rows and rows != len(layer.gdf):
        repeats = -(-rows // len(layer.gdf))
        gdf = pd.concat([layer.gdf] * repeats, ignore_index=True).iloc[:rows]
        layer = VectorLayer(gdf, layer.name, kind=layer.kind)
    return layer


def edits(layer: VectorLayer, count: int, seed: int = 5) -> list[tuple[int, str, object]]:
    rng = np.random.default_rng(seed)
    rows = rng.integers(0, len(layer.gdf), count)
    heights = rng.uniform(6, 18, count).round(1)
    return [(int(row), "status", STATUSES[i % 4]) if i % 2 else (int(row), "height_m", f"{heights[i]}")
            for i, row in enumerate(rows)]


def push_all(layer: VectorLayer, changes: list, traced: bool) -> tuple[EditHistory, float, float]:
    """Push every change through a fresh project's stack; (history, seconds, MB of Python allocations kept)."""
    project = Project(layer.crs)
    project.add_layer(layer)
    history = EditHistory(ProjectBridge(project))
    gc.collect()
    if traced:
        tracemalloc.start()
    start = time.perf_counter()
    for row, field, value in changes:
        history.push(SetAttributeValues(layer, [row], field, [value]))
    elapsed = time.perf_counter() - start
    held = 0.0
    if traced:
        gc.collect()
        held = tracemalloc.get_traced_memory()[0] / 1e6
        tracemalloc.stop()
    return history, elapsed, held


def bench_stack(rows: int, changes: list) -> None:
    layer = lamp_poles(rows)
    original = layer.gdf.copy(deep=True)
    rss_before = rss_mb()
    history, pushed, _ = push_all(layer, changes, traced=False)
    rss_grown = rss_mb() - rss_before
    start = time.perf_counter()
    while history.stack.canUndo():
        history.undo()
    undone = time.perf_counter() - start
    restored = layer.gdf.equals(original)
    start = time.perf_counter()
    while history.stack.canRedo():
        history.redo()
    redone = time.perf_counter() - start
    _, _, python_mb = push_all(lamp_poles(rows), changes, traced=True)  # a second run, only to count allocations
    n = len(changes)
    print(f"QUndoStack, {n:,} edits on {len(layer.gdf):,} poles: stack holds {history.stack.count():,} steps")
    print(f"  extra memory: {python_mb:.1f} MB of Python allocations (tracemalloc), RSS +{rss_grown:.1f} MB "
          f"-> {'OK' if max(python_mb, rss_grown) < GOAL_MB else 'OVER'} (goal < {GOAL_MB:.0f} MB)")
    print(f"  per edit {pushed / n * 1e3:.3f} ms, per undo {undone / n * 1e3:.3f} ms, "
          f"per redo {redone / n * 1e3:.3f} ms; all undone equals the original: {restored}")


def bench_copy_reference(layer: VectorLayer, changes: list, total: int) -> None:
    """Undo by keeping a deep copy of the layer before each edit (what the stack must not do)."""
    gdf = layer.gdf
    gc.collect()
    tracemalloc.start()
    start = time.perf_counter()
    kept = []
    for row, field, value in changes:
        kept.append(gdf.copy(deep=True))
        gdf.iat[row, gdf.columns.get_loc(field)] = float(value) if field == "height_m" else value
    elapsed = time.perf_counter() - start
    gc.collect()
    held_mb = tracemalloc.get_traced_memory()[0] / 1e6
    tracemalloc.stop()
    start = time.perf_counter()
    while kept:
        layer.gdf = kept.pop()
    undone = time.perf_counter() - start
    n, scale = len(changes), total / len(changes)
    print(f"Reference, a layer copy per edit: {n} edits measured -> {held_mb:.1f} MB, "
          f"{elapsed / n * 1e3:.3f} ms per edit, {undone / n * 1e3:.4f} ms per undo")
    print(f"  extrapolated to {total:,} edits: {held_mb * scale / 1e3:.1f} GB held, {elapsed * scale:.1f} s of copying "
          "(extrapolated, not run)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=10_000)
    parser.add_argument("--rows", type=int, default=0, help="repeat the sample poles to this many rows (0: as is)")
    args = parser.parse_args()
    QCoreApplication(sys.argv[:1])  # QUndoStack is a QObject; no window is needed
    changes = edits(lamp_poles(args.rows), args.edits)
    bench_stack(args.rows, changes)
    reference = lamp_poles(args.rows)
    bench_copy_reference(reference, edits(reference, REFERENCE_EDITS), args.edits)


if __name__ == "__main__":
    main()
