"""Attribute filter: copy the features that satisfy an expression into a new layer."""

from __future__ import annotations

from typing import Any

from layers.expressions import ExpressionError, evaluate
from layers.i18n import QT_TRANSLATE_NOOP, translate
from layers.layer import VectorLayer
from plugins.api import (
    Algorithm,
    AlgorithmError,
    Context,
    ExpressionParameter,
    Feedback,
    LayerParameter,
    OutputLayer,
    Parameter,
)
from plugins.tools.common import GROUP


class AttributeFilter(Algorithm):
    id = "tools.filter"
    name = QT_TRANSLATE_NOOP("Algorithm", "Filter by attribute")
    group = GROUP
    description = QT_TRANSLATE_NOOP("Algorithm", (
        "Copies the features whose attributes satisfy an expression into a new layer, in Python or QGIS "
        "spelling: price_m2 < 200 and industry == \"finance\", or \"price_m2\" < 200 AND \"industry\" = "
        "'finance'. Allowed: field names (in `backticks` or \"double quotes\" when they contain spaces), "
        "numbers, 'text', True/False/None/NULL, comparisons (== = != <> < <= > >=), in [...] / IN (...), "
        "is None / IS NULL, LIKE / ILIKE with % and _, and/or/not, + - * / // % ** and || (join text), "
        "$area, $length, $x, $y and the functions abs, round, sqrt, floor, ceil, min, max, coalesce, if, upper, "
        "lower, trim, length, concat, to_int, to_real, to_string. Other calls and attribute access are "
        "refused, and so is an expression too long, too deeply nested or making too much text. A comparison "
        "with an empty value is false."))

    def parameters(self) -> list[Parameter]:
        return [
            LayerParameter("input", self.tr("Input layer")),
            ExpressionParameter("expression", self.tr("Expression"), parent="input"),
        ]

    def outputs(self) -> list[OutputLayer]:
        return [OutputLayer("output", self.tr("Matching features"))]

    def run(self, params: dict[str, Any], context: Context, feedback: Feedback) -> dict[str, Any]:
        layer: VectorLayer = params["input"]
        try:
            mask = evaluate(params["expression"], layer.gdf)
        except ExpressionError as exc:
            raise AlgorithmError(str(exc)) from exc
        feedback.raise_if_cancelled()
        gdf = layer.gdf.loc[mask].reset_index(drop=True)
        feedback.log(translate("AttributeFilter", "{matching} of {total} features match {expression}").format(
            matching=int(mask.sum()), total=len(mask), expression=params["expression"]))
        return {"output": VectorLayer(gdf, translate("Tools", "{layer} filtered").format(layer=layer.name),
                                      kind=layer.kind),
                "matching": int(mask.sum()), "total": int(len(mask))}
