"""The planner's decisions on poles written into the poles layer: ``decision`` = approved / rejected / empty.

Decisions are data: the field lives in the layer (saved with the project or written back to its file), so the
siting algorithm (``--decision_field decision``), the dialog and reports read the same decisions. Setting them is
one undoable command that adds the text field first when the layer has none.

Example::

    command = DecidePoles(poles, [3, 7], APPROVED)
    command.apply()    # poles.gdf["decision"] holds "approved" at rows 3 and 7
    command.revert()   # as before (the field is gone again if the command added it)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from layers.edits import CalculateField
from layers.i18n import translate
from layers.layer import Layer

#: The field the GUI writes and the siting dialog pre-fills as its decision field.
DECISION_FIELD = "decision"
APPROVED = "approved"
REJECTED = "rejected"


class DecidePoles(CalculateField):
    """Poles at row ``positions`` get ``value`` (APPROVED, REJECTED or None to clear) in the decision field: a
    field calculation of one constant, adding the text field in the same step when the layer has none."""

    def __init__(self, layer: Layer, positions: Sequence[int] | np.ndarray, value: str | None,
                 field: str = DECISION_FIELD) -> None:
        rows = np.asarray(positions, np.int64).reshape(-1)
        new_type = "text" if field not in getattr(layer, "fields", []) else None
        super().__init__(layer, field, rows, [value] * rows.size, new_type)
        decided: dict[str | None, str] = {APPROVED: translate("DecidePoles", "Lock {count} pole(s) in '{layer}'"),
                                          REJECTED: translate("DecidePoles", "Exclude {count} pole(s) in '{layer}'")}
        what = decided.get(value, translate("DecidePoles", "Clear the decision of {count} pole(s) in '{layer}'"))
        self.description = what.format(count=rows.size, layer=self.layer.name)


__all__ = ["APPROVED", "DECISION_FIELD", "REJECTED", "DecidePoles"]
