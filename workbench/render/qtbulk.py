"""NumPy buffers into Qt geometry in one call each, so no Python loop runs per vertex or per feature.

- ``path_from_records``: many sub-paths become one ``QPainterPath`` by streaming the binary layout Qt's own
  ``QDataStream >> QPainterPath`` reads (element count, then type/x/y per element, then fill rule), the trick
  pyqtgraph uses for its curves.
- ``point_array``: a ``sip.array`` of ``QPointF`` whose memory NumPy writes directly, for ``drawPoints``.
"""

from __future__ import annotations

import numpy as np
from PyQt6 import sip
from PyQt6.QtCore import QByteArray, QDataStream, QPointF
from PyQt6.QtGui import QPainterPath

#: Qt's ``QPainterPath.ElementType`` values of straight segments (markers' curves come from Qt's own paths).
MOVE_TO, LINE_TO = 0, 1
_ELEMENT = np.dtype([("type", "<i4"), ("x", "<f8"), ("y", "<f8")])
_WINDING_FILL = 1


def element_buffer(types: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """The packed 20-byte little-endian records Qt streams path elements as."""
    records = np.empty(len(xs), dtype=_ELEMENT)
    records["type"] = types
    records["x"] = xs
    records["y"] = ys
    return records


def path_from_records(records: np.ndarray) -> QPainterPath:
    """One ``QPainterPath`` (winding fill) from element records; sub-paths start at MOVE_TO records."""
    path = QPainterPath()
    if len(records) == 0:
        return path
    header = np.array([len(records)], dtype="<i4").tobytes()
    trailer = np.array([0, _WINDING_FILL], dtype="<i4").tobytes()
    data = QByteArray(header + records.tobytes() + trailer)
    stream = QDataStream(data)
    stream.setByteOrder(QDataStream.ByteOrder.LittleEndian)
    stream >> path
    return path


def point_array(xs: np.ndarray, ys: np.ndarray) -> sip.array:
    """A ``sip.array`` of ``QPointF`` filled from NumPy (for ``QPainter.drawPoints``)."""
    n = len(xs)
    points = sip.array(QPointF, n)
    if n:
        view = np.frombuffer(sip.voidptr(points, n * 16), dtype=np.float64).reshape(n, 2)
        view[:, 0] = xs
        view[:, 1] = ys
    return points


def template_records(path: QPainterPath) -> np.ndarray:
    """The elements of a small template path (a marker shape), to be replicated with NumPy."""
    count = path.elementCount()
    types = np.empty(count, dtype=np.int32)
    xs = np.empty(count)
    ys = np.empty(count)
    for i in range(count):  # a marker has a dozen elements; done once per symbol
        element = path.elementAt(i)
        types[i] = element.type.value
        xs[i] = element.x
        ys[i] = element.y
    return element_buffer(types, xs, ys)


def replicate_records(template: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """The template translated to every (x, y): one record block per position, in order."""
    n, k = len(xs), len(template)
    records = np.empty(n * k, dtype=_ELEMENT)
    records["type"] = np.tile(template["type"], n)
    records["x"] = (xs[:, None] + template["x"][None, :]).ravel()
    records["y"] = (ys[:, None] + template["y"][None, :]).ravel()
    return records
