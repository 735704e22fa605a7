"""Attribute filter: copy the features that satisfy an expression into a new layer."""

from __future__ import annotations

from typing import Any

from layers.expressions import ExpressionError, evaluate
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
    name = "Filter by attribute"
    group = GROUP
    description = (
        "Copies the features whose attributes satisfy an expression into a new layer, e.g. "
        "price_m2 < 200 and industry == \"finance\". Allowed: field names (in `backticks` when they contain "
        "spaces), numbers, \"text\", True/False/None, comparisons (== != < <= > >=), in [...], not in [...], "
        "is None, and/or/not, and + - * / // % **. Function calls and attribute access are refused. A "
        "comparison with an empty value is false."
    )

    def parameters(self) -> list[Parameter]:
        return [
            LayerParameter("input", "Input layer"),
            ExpressionParameter("expression", "Expression", parent="input"),
        ]

    def outputs(self) -> list[OutputLayer]:
        return [OutputLayer("output", "Matching features")]

    def run(self, params: dict[str, Any], context: Context, feedback: Feedback) -> dict[str, Any]:
        layer: VectorLayer = params["input"]
        try:
            mask = evaluate(params["expression"], layer.gdf)
        except ExpressionError as exc:
            raise AlgorithmError(str(exc)) from exc
        feedback.raise_if_cancelled()
        gdf = layer.gdf.loc[mask].reset_index(drop=True)
        feedback.log(f"{int(mask.sum())} of {len(mask)} features match {params['expression']}")
        return {"output": VectorLayer(gdf, f"{layer.name} filtered", kind=layer.kind),
                "matching": int(mask.sum()), "total": int(len(mask))}
