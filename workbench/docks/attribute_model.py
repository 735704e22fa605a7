"""A Qt table over a layer's DataFrame that stays fast at 100k rows.

Nothing is copied into Qt: the view asks only for the cells it shows. Filtering and sorting compute one
NumPy array, ``order``, that maps table rows to row positions in the GeoDataFrame (the same positions
``layer.selection`` holds). The layer's selection is drawn by the model itself (as QGIS does), one set lookup
per visible row, because Qt's item selection model takes quadratic time for tens of thousands of ranges.

In edit mode (``editable``) cells accept typed values: ``setData`` hands an undoable ``SetAttributeValues`` to
``commit`` (the edit session), which checks the value against the field and records it on the undo stack.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from PyQt6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PyQt6.QtGui import QColor

from layers import VectorLayer
from layers.edit_values import is_missing
from layers.edits import EditCommand, SetAttributeValues

NULL_TEXT = "NULL"
NULL_COLOUR = QColor(150, 150, 150)
SELECTED_BACKGROUND = QColor("#ffe866")  # the map's selection is yellow too
SELECTED_TEXT = QColor("#1f2a33")

#: The invisible root index, as a default argument (Qt's own signature).
_ROOT = QModelIndex()


def format_value(value: Any) -> str:
    """How a cell reads: integers plainly, floats to a sensible precision, missing values as NULL."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return NULL_TEXT
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, float | np.floating):
        value = float(value)
        if value.is_integer() and abs(value) < 1e15:
            return f"{value:.1f}"
        return f"{value:.6g}" if abs(value) >= 1e6 or abs(value) < 1e-3 else f"{value:.{_decimals(value)}f}"
    return str(value)


def _decimals(value: float) -> int:
    magnitude = abs(value)
    if magnitude >= 1000:
        return 1
    if magnitude >= 1:
        return 2
    return 4


def sort_positions(column: pd.Series, positions: np.ndarray, descending: bool) -> np.ndarray:
    """``positions`` reordered by the column's values; missing values last in both directions, stable."""
    values = column.iloc[positions].reset_index(drop=True)
    try:
        ranked = values.sort_values(ascending=not descending, kind="stable", na_position="last")
    except TypeError:  # mixed types in an object column: compare as text
        ranked = values.astype(str).sort_values(ascending=not descending, kind="stable")
    return positions[ranked.index.to_numpy()]


class AttributeTableModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.layer: VectorLayer | None = None
        self._frame: pd.DataFrame | None = None
        self._columns: list[str] = []
        self._numeric: list[bool] = []
        self._locations: list[int] = []
        self.order = np.empty(0, dtype=np.int64)
        self.filter_mask: np.ndarray | None = None
        self.selected_only = False
        self._sort: tuple[int, bool] | None = None
        self._inverse: np.ndarray | None = None
        self.selected: frozenset[int] = frozenset()
        self.editable = False
        #: Applies and records an edit built by the factory it is given; None when the edit was refused.
        self.commit: Callable[[Callable[[], EditCommand]], EditCommand | None] | None = None

    # -- content ---------------------------------------------------------------------------------------------
    def set_layer(self, layer: VectorLayer | None) -> None:
        self.beginResetModel()
        self.layer = layer
        self.selected = layer.selection if layer is not None else frozenset()
        self.filter_mask = None
        self._sort = None
        self._load_frame()
        self._rebuild_order()
        self.endResetModel()

    def reload(self) -> None:
        """The layer's data changed: keep the filter only if it still fits the row count.

        Values edited in place (same frame, same fields) only repaint, so an open editor and the scroll position
        survive an edit; new rows or fields reset the table."""
        layer = self.layer
        if layer is not None and layer.gdf is self._frame and layer.fields == self._columns:
            if self.rowCount() and self.columnCount():
                self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1))
            return
        self.beginResetModel()
        self._load_frame()
        if self.filter_mask is not None and len(self.filter_mask) != self.feature_count:
            self.filter_mask = None
        self._rebuild_order()
        self.endResetModel()

    def _load_frame(self) -> None:
        layer = self.layer
        if layer is None:
            self._frame, self._columns, self._numeric, self._locations = None, [], [], []
            return
        self._frame = layer.gdf
        self._columns = layer.fields
        self._locations = [layer.gdf.columns.get_loc(c) for c in self._columns]
        self._numeric = [pd.api.types.is_numeric_dtype(layer.gdf[c]) and not pd.api.types.is_bool_dtype(layer.gdf[c])
                         for c in self._columns]

    @property
    def feature_count(self) -> int:
        return 0 if self._frame is None else len(self._frame)

    @property
    def columns(self) -> list[str]:
        return list(self._columns)

    def set_filter_mask(self, mask: np.ndarray | None) -> None:
        """Show only rows where ``mask`` is true (None shows all)."""
        if mask is not None and len(mask) != self.feature_count:
            raise ValueError(f"filter has {len(mask)} values for {self.feature_count} features")
        self.beginResetModel()
        self.filter_mask = None if mask is None else np.asarray(mask, dtype=bool)
        self._rebuild_order()
        self.endResetModel()

    def set_selected_only(self, on: bool) -> None:
        self.beginResetModel()
        self.selected_only = on
        self._rebuild_order()
        self.endResetModel()

    def selection_changed(self) -> None:
        """The layer's selection changed: repaint the shown rows (or refilter when showing selected only)."""
        self.selected = self.layer.selection if self.layer is not None else frozenset()
        if self.selected_only:
            self.set_selected_only(True)
        elif self.rowCount() and self.columnCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1),
                                  [Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole])

    def is_selected(self, row: int) -> bool:
        return int(self.order[row]) in self.selected

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self._columns):
            return
        self.layoutAboutToBeChanged.emit()
        self._sort = (column, order == Qt.SortOrder.DescendingOrder)
        self._rebuild_order()
        self.layoutChanged.emit()

    def _rebuild_order(self) -> None:
        count = self.feature_count
        keep = np.ones(count, dtype=bool) if self.filter_mask is None else self.filter_mask.copy()
        if self.selected_only and self.layer is not None:
            chosen = np.zeros(count, dtype=bool)
            positions = np.fromiter((p for p in self.layer.selection if 0 <= p < count), dtype=np.int64)
            chosen[positions] = True
            keep &= chosen
        positions = np.flatnonzero(keep)
        if self._sort is not None and self._frame is not None and len(positions):
            column, descending = self._sort
            positions = sort_positions(self._frame[self._columns[column]], positions, descending)
        self.order = positions.astype(np.int64)
        self._inverse = None

    # -- rows <-> feature positions ------------------------------------------------------------------------
    def position(self, row: int) -> int:
        return int(self.order[row])

    def rows_of(self, positions) -> np.ndarray:
        """Table rows showing the given feature positions (those filtered out are skipped), sorted."""
        if self._inverse is None:
            self._inverse = np.full(self.feature_count, -1, dtype=np.int64)
            self._inverse[self.order] = np.arange(len(self.order))
        wanted = np.fromiter((p for p in positions if 0 <= p < self.feature_count), dtype=np.int64)
        rows = self._inverse[wanted]
        return np.sort(rows[rows >= 0])

    # -- column sizing ----------------------------------------------------------------------------------------
    def widest_text(self, column: int, sample: int = 2000) -> str:
        """The display text of the longest non-empty value among ``sample`` rows spread over ``column``: sizing a
        column by it finds a rare long name without asking the view (or the GUI thread) to walk every row."""
        if self._frame is None or not 0 <= column < len(self._columns):
            return ""
        values = self._frame.iloc[:, self._locations[column]]
        if len(values) > sample:  # sampled before anything walks the column: a city layer has 77k rows
            values = values.iloc[np.linspace(0, len(values) - 1, sample).astype(np.int64)]
        values = values.dropna()
        if len(values) == 0:
            return NULL_TEXT
        longest = values.astype(str).str.len().to_numpy().argsort()[-3:]  # the formatted text may be shorter
        return max((format_value(values.iloc[i]) for i in longest), key=len)

    # -- QAbstractTableModel ---------------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.order)

    def columnCount(self, parent: QModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self._frame is None:
            return None
        if role == Qt.ItemDataRole.EditRole:
            return self.edit_text(index.row(), index.column())
        if role == Qt.ItemDataRole.BackgroundRole:
            return SELECTED_BACKGROUND if self.is_selected(index.row()) else None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.ForegroundRole):
            value = self._frame.iat[int(self.order[index.row()]), self._locations[index.column()]]
            text = format_value(value)
            if role == Qt.ItemDataRole.ForegroundRole:
                if self.is_selected(index.row()):
                    return SELECTED_TEXT
                return NULL_COLOUR if text == NULL_TEXT else None
            return text
        if role == Qt.ItemDataRole.TextAlignmentRole and self._numeric[index.column()]:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        if self.editable and index.isValid():
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def edit_text(self, row: int, column: int) -> str:
        """The cell as an editor starts from: the full value, empty when missing (not the NULL placeholder)."""
        value = self._frame.iat[int(self.order[row]), self._locations[column]]
        if is_missing(value):
            return ""
        if isinstance(value, bool | np.bool_):
            return "true" if value else "false"
        if isinstance(value, float | np.floating):
            return repr(float(value)).removesuffix(".0") if float(value).is_integer() else repr(float(value))
        return str(value)

    def setData(self, index: QModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Edit one cell through an undoable command; a value the field refuses leaves the cell as it was."""
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or not self.editable or self.commit is None:
            return False
        layer, position, field = self.layer, self.position(index.row()), self._columns[index.column()]
        if layer is None:
            return False
        return self.commit(lambda: SetAttributeValues(layer, [position], field, [value])) is not None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._columns[section] if 0 <= section < len(self._columns) else None
        return str(int(self.order[section]) + 1) if 0 <= section < len(self.order) else None
