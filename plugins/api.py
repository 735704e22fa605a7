"""The plugin API: what an algorithm declares (parameters, outputs) and what it receives (context, feedback).

One declaration serves the generated dialog, ``python main.py run`` and the tests, as in QGIS Processing.
This module imports no Qt; an algorithm written against it runs headless.

Example::

    from layers import VectorLayer
    from plugins.api import Algorithm, DistanceParameter, LayerParameter, OutputLayer

    class Buffer(Algorithm):
        id, name, group = "example.buffer", "Buffer", "Examples"
        description = "Grow every feature by a distance."

        def parameters(self):
            return [LayerParameter("input", "Input layer"), DistanceParameter("distance", "Distance", minimum=0)]

        def outputs(self):
            return [OutputLayer("output", "Buffered")]

        def run(self, params, context, feedback):
            layer = params["input"]
            gdf = layer.gdf.copy()
            gdf.geometry = gdf.buffer(params["distance"])
            return {"output": VectorLayer(gdf, f"{layer.name} buffered")}
"""

from __future__ import annotations

import math
import os
import re
import textwrap
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import pyproj

from layers.errors import LamplightError, LayerError
from layers.i18n import QT_TRANSLATE_NOOP, translate
from layers.io.coordinates import coordinate_problem
from layers.layer import Layer, RasterLayer, VectorLayer, to_crs_object
from plugins.metric import Measuring

# -- errors ---------------------------------------------------------------------------------------------


class ParameterError(LamplightError, ValueError):
    """A parameter value is missing or wrong; the message names the parameter so the planner can fix it."""

    def __init__(self, parameter: str, problem: str, description: str = "") -> None:
        self.parameter = parameter
        self.problem = problem
        label = f"parameter '{parameter}'" + (f" ({description})" if description else "")
        super().__init__(f"{label}: {problem}")


class AlgorithmError(LamplightError):
    """A run failed for a reason the planner can fix (no features in range, infeasible budget, ...)."""


class Cancelled(LamplightError):
    """Raised by ``Feedback.raise_if_cancelled`` once the user pressed Cancel; the run leaves no outputs."""


# -- feedback and context ---------------------------------------------------------------------------------


class Feedback:
    """Progress, log lines and the cancel flag of one run; safe to cancel from another thread.

    The GUI passes callbacks (which emit Qt signals); the command line draws a progress bar. Algorithms call
    ``set_progress``/``log`` and poll ``is_cancelled`` (or ``raise_if_cancelled``) between chunks of work.
    """

    def __init__(
        self,
        on_progress: Callable[[float], None] | None = None,
        on_log: Callable[[str], None] | None = None,
    ) -> None:
        self._on_progress = on_progress
        self._on_log = on_log
        self._cancel = threading.Event()
        self.progress = 0.0
        self.messages: list[str] = []

    def set_progress(self, percent: float) -> None:
        """Report progress in percent (clamped to 0-100)."""
        percent = min(100.0, max(0.0, float(percent)))
        self.progress = percent
        if self._on_progress is not None:
            self._on_progress(percent)

    def log(self, message: str) -> None:
        """Add a line to the run's log (shown in the GUI, printed by the command line, kept in the record)."""
        self.messages.append(str(message))
        if self._on_log is not None:
            self._on_log(str(message))

    def cancel(self) -> None:
        """Ask the run to stop; it stops at its next poll."""
        self._cancel.set()

    def is_cancelled(self) -> bool:
        """True once ``cancel`` was called; poll it between chunks of work."""
        return self._cancel.is_set()

    def raise_if_cancelled(self) -> None:
        """Raise ``Cancelled`` once ``cancel`` was called."""
        if self._cancel.is_set():
            raise Cancelled(translate("Run", "the run was cancelled"))

    def step(self, start: float, end: float) -> Feedback:
        """A feedback whose 0-100 maps into [start, end] of this one, for a sub-task; it shares the cancel flag."""
        return _SubFeedback(self, float(start), float(end))


class _SubFeedback(Feedback):
    def __init__(self, parent: Feedback, start: float, end: float) -> None:
        super().__init__()
        self._parent = parent
        self._start = start
        self._end = end
        self._cancel = parent._cancel

    def set_progress(self, percent: float) -> None:
        percent = min(100.0, max(0.0, float(percent)))
        self.progress = percent
        self._parent.set_progress(self._start + (self._end - self._start) * percent / 100.0)

    def log(self, message: str) -> None:
        self.messages.append(str(message))
        self._parent.log(message)


@dataclass
class Context:
    """Where a run happens: the project (for layer names), the target CRS, and the compute resources.

    ``crs`` is the CRS input layers are brought into and outputs are made in: the first input layer with data
    settles it to a CRS with true metres there (``plugins.metric``): the project's when it qualifies, else the
    local metric CRS (and vector outputs go back to the project's). ``measuring`` records that choice.
    """

    project: Any = None
    crs: pyproj.CRS | None = None
    dask_scheduler: str | None = None
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    measuring: Measuring | None = None

    def __post_init__(self) -> None:
        if self.crs is None and self.project is not None:
            self.crs = self.project.crs
        self.crs = to_crs_object(self.crs)


# -- parameters -------------------------------------------------------------------------------------------

_TRUE = {"1", "true", "yes", "y", "on", "t"}
_FALSE = {"0", "false", "no", "n", "off", "f"}


@dataclass
class Parameter:
    """Base of every parameter: a name (the key in ``params``), a label, a default and whether it may be empty."""

    name: str
    description: str
    default: Any = None
    optional: bool = False
    help: str = ""
    #: A fine-tuning knob the dialog shows in its collapsed "Advanced parameters" section (QGIS's FlagAdvanced).
    advanced: bool = False

    type_name: ClassVar[str] = "value"

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", self.name or ""):
            raise ValueError(f"parameter name {self.name!r} must be an identifier (letters, digits, underscore)")

    def error(self, problem: str) -> ParameterError:
        """A ``ParameterError`` naming this parameter and ``problem``, to raise."""
        return ParameterError(self.name, problem, self.description)

    def validate(self, value: Any, context: Context, values: dict[str, Any]) -> Any:
        """The converted value, or None for an empty optional parameter; ``values`` holds earlier parameters."""
        if _is_empty(value):
            value = self.default
        if _is_empty(value):
            if self.optional:
                return None
            raise self.error(translate("ParameterError", "a value is required"))
        return self.convert(value, context, values)

    def convert(self, value: Any, context: Context, values: dict[str, Any]) -> Any:
        """A non-empty raw value as the type ``run`` receives; subclasses raise ``self.error(...)`` when it is wrong."""
        return value

    def serialize(self, value: Any, context: Context | None = None) -> Any:
        """A JSON-able form of a raw value that ``validate`` accepts again (for run history and re-runs)."""
        if value is None or isinstance(value, bool | int | float | str):
            return value
        return str(value)

    def describe(self) -> str:
        """A one-line summary of the accepted values, for ``main.py help`` and tooltips."""
        return self.type_name


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


#: The geometry families a layer parameter may ask for, named in the interface language where a parameter is
#: described.
GEOMETRIES = (QT_TRANSLATE_NOOP("Parameter", "point"), QT_TRANSLATE_NOOP("Parameter", "line"),
              QT_TRANSLATE_NOOP("Parameter", "polygon"))


@dataclass(kw_only=True)
class LayerParameter(Parameter):
    """A vector (or, with ``raster=True``, raster) layer: a Layer, a project layer name or a file path.

    A file with several layers takes ``path|layer name``; ``path|mapping=FILE.json`` (or
    ``path|layer name|mapping=FILE.json``) reads it through a saved field mapping (``layers.field_mapping``).
    ``kinds`` filters the pickers and refuses layers of another kind; a layer without a kind is checked against
    the schema of the first kind it fits.
    ``geometry`` limits vector layers to point/line/polygon. The layer arrives in ``context.crs``, unless
    ``reproject`` is False: then it arrives in its own CRS, for an algorithm that must reproject it itself (a
    raster of counts, whose cells must not be resampled).
    """

    kinds: tuple[str, ...] = ()
    geometry: tuple[str, ...] = ()
    raster: bool = False
    reproject: bool = True
    #: Kinds the dialog pre-fills an optional parameter from, when the project has exactly one layer of them
    #: (``kinds`` when empty): a parameter that accepts any points may still want the project's demand.
    suggest: tuple[str, ...] = ()

    type_name: ClassVar[str] = "layer"

    def __post_init__(self) -> None:
        super().__post_init__()
        self.kinds = tuple(self.kinds)
        self.geometry = tuple(self.geometry)
        self.suggest = tuple(self.suggest) or self.kinds
        bad = set(self.geometry) - set(GEOMETRIES)
        if bad:
            raise ValueError(f"parameter '{self.name}': unknown geometry {sorted(bad)}; use point, line, polygon")

    def convert(self, value: Any, context: Context, values: dict[str, Any]) -> Layer:
        layer = self._resolve(value, context)
        wanted = RasterLayer if self.raster else VectorLayer
        if not isinstance(layer, wanted):
            raise self.error((translate("ParameterError", "'{layer}' is a vector layer; a raster is needed")
                              if self.raster else
                              translate("ParameterError", "'{layer}' is a raster; a vector layer is needed")).format(
                layer=layer.name))
        if self.kinds:
            layer = self._check_kind(layer)
        if self.geometry and isinstance(layer, VectorLayer):
            family = layer.geometry_type
            if family not in self.geometry and family != "empty":
                raise self.error(translate("ParameterError", "'{layer}' has {family} geometries; {needed} "
                                                             "needed").format(
                    layer=layer.name, family=translate("Parameter", family),
                    needed="/".join(translate("Parameter", g) for g in self.geometry)))
        if isinstance(layer, VectorLayer):
            problem = coordinate_problem(layer.gdf)
            if problem is not None:  # refused before reprojection, which would fail on them obscurely
                raise self.error(f"'{layer.name}': {problem}")
        return self._in_context_crs(layer, context) if self.reproject else layer

    def _resolve(self, value: Any, context: Context) -> Layer:
        if isinstance(value, Layer):
            return value
        if not isinstance(value, str | os.PathLike):
            raise self.error(f"expected a layer, a layer name or a file path, got {type(value).__name__}")
        text = os.fspath(value)
        project = context.project
        if project is not None:
            for layer in project:
                if layer.name == text or layer.id == text:
                    return layer
        path_text, *parts = text.split("|")
        mapping = next((p.partition("=")[2] for p in parts if p.startswith("mapping=")), None)
        sublayer = "|".join(p for p in parts if not p.startswith("mapping="))
        path = Path(path_text).expanduser()
        if not path.exists():
            raise self.error((translate("ParameterError", "'{text}' is neither a layer of the project nor an existing "
                                                          "file") if project is not None else
                              translate("ParameterError", "'{text}' is not an existing file")).format(text=text))
        from layers.io import open_layers

        try:
            candidates = open_layers(path, layer=sublayer or None,
                                     mapping=Path(mapping).expanduser() if mapping else None)
        except LayerError as exc:
            raise self.error(str(exc)) from exc
        return self._pick(candidates, path)

    def _pick(self, candidates: Sequence[Layer], path: Path) -> Layer:
        if len(candidates) == 1:
            return candidates[0]
        wanted = RasterLayer if self.raster else VectorLayer
        fitting = [c for c in candidates if isinstance(c, wanted) and (not self.kinds or c.kind in self.kinds)]
        if len(fitting) == 1:
            return fitting[0]
        names = ", ".join(repr(c.name) for c in candidates)
        raise self.error(f"{path} holds several layers ({names}); choose one as '{path}|layer name'")

    def _check_kind(self, layer: Layer) -> Layer:
        if layer.kind in self.kinds:
            return layer
        expected = " or ".join(self.kinds)
        if isinstance(layer, RasterLayer) and layer.kind is None:
            return layer  # no fields to check: choosing a raster for this parameter declares what it holds
        if layer.kind is not None or not isinstance(layer, VectorLayer):
            raise self.error(translate("ParameterError", "'{layer}' is of kind '{kind}'; expected {expected}").format(
                layer=layer.name, kind=layer.kind, expected=expected))
        from layers.kinds import validate

        first_problem = None
        for kind in self.kinds:
            try:
                gdf, notes = validate(layer.gdf, kind, source=layer.source, layer=layer.name)
            except LayerError as exc:
                first_problem = first_problem or exc
                continue
            checked = VectorLayer(gdf, layer.name, source=layer.source, kind=kind, style=layer.style,
                                  metadata=dict(layer.metadata))
            checked.notes.extend(notes)
            return checked
        raise self.error(translate("ParameterError", "'{layer}' has no kind and does not fit {expected}: "
                                                     "{problem}").format(layer=layer.name, expected=expected,
                                                                         problem=first_problem))

    def _in_context_crs(self, layer: Layer, context: Context) -> Layer:
        if layer.crs is None:
            return layer
        if context.measuring is None:
            context.measuring = Measuring.choose(layer, context.crs)  # None while the inputs have no data
            if context.measuring is not None:
                context.crs = context.measuring.crs
        problem = context.measuring.admit(layer) if context.measuring is not None else None
        if problem is not None:
            raise self.error(f"'{layer.name}': {problem}")
        if context.crs is None or layer.crs == context.crs:
            return layer
        try:
            return layer.to_crs(context.crs)
        except LayerError as exc:
            raise self.error(str(exc)) from exc

    def serialize(self, value: Any, context: Context | None = None) -> Any:
        if isinstance(value, Layer):
            project = context.project if context is not None else None
            in_project = project is not None and any(layer is value for layer in project)
            return value.name if in_project or value.source is None else value.source
        if value is None:
            return None
        text = os.fspath(value)
        project = context.project if context is not None else None
        if project is not None and any(layer.name == text for layer in project):
            return text
        path_text, bar, sublayer = text.partition("|")
        path = Path(path_text).expanduser()
        return f"{path.resolve()}{bar}{sublayer}" if path.exists() else text

    def describe(self) -> str:
        text = translate("Parameter", "raster layer") if self.raster else translate("Parameter", "vector layer")
        if self.geometry:
            text = translate("Parameter", "{geometry} {layer}").format(
                geometry="/".join(translate("Parameter", g) for g in self.geometry), layer=text)
        if self.kinds:
            text = translate("Parameter", "{layer} of kind {kinds}").format(layer=text, kinds="/".join(self.kinds))
        return text


@dataclass(kw_only=True)
class FieldParameter(Parameter):
    """The name of a field of the vector layer given in parameter ``parent`` (numeric fields only if asked)."""

    parent: str
    numeric: bool = False

    type_name: ClassVar[str] = "field"

    def convert(self, value: Any, context: Context, values: dict[str, Any]) -> str:
        layer = values.get(self.parent)
        if layer is None:
            message = translate("ParameterError", "needs a layer in parameter '{parent}' first")
            raise self.error(message.format(parent=self.parent))
        if not isinstance(layer, VectorLayer):
            message = translate("ParameterError", "parameter '{parent}' is not a vector layer, so it has no fields")
            raise self.error(message.format(parent=self.parent))
        name = str(value)
        if name not in layer.fields:
            message = translate("ParameterError", "layer '{layer}' has no field '{field}' (fields: {fields})")
            raise self.error(message.format(layer=layer.name, field=name, fields=", ".join(layer.fields)))
        if self.numeric:
            import pandas as pd

            column = layer.gdf[name]
            if not pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
                message = translate("ParameterError", "field '{field}' of layer '{layer}' is not numeric")
                raise self.error(message.format(field=name, layer=layer.name))
        return name

    def describe(self) -> str:
        text = translate("Parameter", "numeric field of parameter '{parent}'") if self.numeric \
            else translate("Parameter", "field of parameter '{parent}'")
        return text.format(parent=self.parent)


@dataclass(kw_only=True)
class NumberParameter(Parameter):
    """A real number with a unit and an optional range (inclusive)."""

    unit: str = ""
    minimum: float | None = None
    maximum: float | None = None

    type_name: ClassVar[str] = "number"

    def convert(self, value: Any, context: Context, values: dict[str, Any]) -> float:
        number = self._parse(value)
        if not math.isfinite(number):
            raise self.error(translate("ParameterError", "must be a finite number, got {value!r}").format(value=value))
        unit = f" {self.unit}" if self.unit else ""
        if self.minimum is not None and number < self.minimum:
            message = translate("ParameterError", "must be at least {minimum}, got {value}")
            raise self.error(message.format(minimum=f"{self.minimum:g}{unit}", value=f"{number:g}{unit}"))
        if self.maximum is not None and number > self.maximum:
            message = translate("ParameterError", "must be at most {maximum}, got {value}")
            raise self.error(message.format(maximum=f"{self.maximum:g}{unit}", value=f"{number:g}{unit}"))
        return number

    def _parse(self, value: Any) -> float:
        if isinstance(value, bool):
            raise self.error(translate("ParameterError", "expected a number, got {value!r}").format(value=value))
        try:
            return float(value)
        except (TypeError, ValueError):
            message = translate("ParameterError", "expected a number, got {value!r}")
            raise self.error(message.format(value=value)) from None

    def describe(self) -> str:
        return _range_text(translate("Parameter", "number"), self.unit, self.minimum, self.maximum)


def _range_text(kind: str, unit: str, minimum: float | None, maximum: float | None) -> str:
    text = translate("Parameter", "{kind} in {unit}").format(kind=kind, unit=unit) if unit else kind
    if minimum is not None and maximum is not None:
        return translate("Parameter", "{text}, {minimum} to {maximum}").format(text=text, minimum=f"{minimum:g}",
                                                                              maximum=f"{maximum:g}")
    if minimum is not None:
        return translate("Parameter", "{text}, at least {minimum}").format(text=text, minimum=f"{minimum:g}")
    if maximum is not None:
        return translate("Parameter", "{text}, at most {maximum}").format(text=text, maximum=f"{maximum:g}")
    return text


_DISTANCE_UNITS = {"m": 1.0, "km": 1000.0}


@dataclass(kw_only=True)
class DistanceParameter(NumberParameter):
    """A distance in metres; text may say ``250 m`` or ``1.5 km``."""

    unit: str = "m"

    type_name: ClassVar[str] = "distance"

    def _parse(self, value: Any) -> float:
        if isinstance(value, str):
            match = re.fullmatch(r"\s*([-+]?[0-9.eE+-]+)\s*(m|km)?\s*", value)
            if match:
                try:
                    return float(match.group(1)) * _DISTANCE_UNITS[match.group(2) or "m"]
                except ValueError:
                    pass
            message = translate("ParameterError", "expected a distance such as 250, '250 m' or '1.5 km', got {value!r}")
            raise self.error(message.format(value=value))
        return super()._parse(value)

    def describe(self) -> str:
        return _range_text(translate("Parameter", "distance"), self.unit, self.minimum, self.maximum)


_DISTANCE_TEXT = re.compile(r"\s*[-+]?[0-9.eE+-]+\s*(m|km)?\s*")


@dataclass(kw_only=True)
class LayerDistancesParameter(Parameter):
    """Several vector layers, each with its own distance (keep-out buffers: schools 50 m, sites 100 m).

    A list of ``(layer, distance)`` pairs (a bare layer takes ``distance``), or text: ``LAYER:DISTANCE`` items
    separated by ``;`` or new lines, e.g. ``Schools:50; existing_sites.gpkg:100 m``. LAYER is what a
    ``LayerParameter`` takes (a project layer name or a file path); an item without a distance takes
    ``distance``. The value is a list of ``(VectorLayer, metres)`` pairs in ``context.crs``.
    """

    geometry: tuple[str, ...] = ()
    distance: float = 50.0
    maximum: float = 20000.0

    type_name: ClassVar[str] = "layers with distances"

    def items(self, value: Any) -> list[tuple[Any, Any]]:
        """The raw (layer, distance) pairs of a value, before the layers are opened."""
        if isinstance(value, str):
            pairs = []
            for item in re.split(r"[;\n]", value):
                if not item.strip():
                    continue
                head, colon, tail = item.rpartition(":")
                distance_given = colon and head.strip() and _DISTANCE_TEXT.fullmatch(tail)
                pairs.append((head.strip(), tail.strip()) if distance_given else (item.strip(), self.distance))
            return pairs
        if isinstance(value, Layer):
            return [(value, self.distance)]
        if not isinstance(value, list | tuple):
            raise self.error(translate("LayerDistancesParameter",
                                       "expected 'LAYER:DISTANCE; ...' or a list of (layer, distance) pairs, got "
                                       "{type}").format(type=type(value).__name__))
        pairs = []
        for item in value:
            if isinstance(item, list | tuple) and len(item) == 2:
                pairs.append((item[0], item[1]))
            else:
                pairs.append((item, self.distance))
        return pairs

    def convert(self, value: Any, context: Context, values: dict[str, Any]) -> list[tuple[VectorLayer, float]]:
        layer_parameter = LayerParameter(self.name, self.description, geometry=self.geometry)
        distance_parameter = DistanceParameter(self.name, self.description, minimum=0.0, maximum=self.maximum)
        pairs = []
        for layer, distance in self.items(value):
            vector = layer_parameter.convert(layer, context, values)
            assert isinstance(vector, VectorLayer)  # what a LayerParameter without raster=True gives
            pairs.append((vector, distance_parameter.convert(distance, context, values)))
        return pairs

    def serialize(self, value: Any, context: Context | None = None) -> Any:
        if value is None:
            return None
        try:
            pairs = self.items(value)
        except ParameterError:
            return str(value)
        layer_parameter = LayerParameter(self.name, self.description, geometry=self.geometry)
        return "; ".join(f"{layer_parameter.serialize(layer, context)}:{distance}" for layer, distance in pairs)

    def describe(self) -> str:
        return translate("LayerDistancesParameter", "layers with a distance each, e.g. 'Schools:50; Sites:100 m'")


@dataclass(kw_only=True)
class IntegerParameter(Parameter):
    """A whole number with an optional range (inclusive)."""

    minimum: int | None = None
    maximum: int | None = None

    type_name: ClassVar[str] = "integer"

    def convert(self, value: Any, context: Context, values: dict[str, Any]) -> int:
        if isinstance(value, bool):
            raise self.error(translate("ParameterError", "expected a whole number, got {value!r}").format(value=value))
        try:
            number = float(value)
        except (TypeError, ValueError):
            message = translate("ParameterError", "expected a whole number, got {value!r}")
            raise self.error(message.format(value=value)) from None
        if not math.isfinite(number) or number != int(number):
            raise self.error(translate("ParameterError", "expected a whole number, got {value!r}").format(value=value))
        integer = int(number)
        if self.minimum is not None and integer < self.minimum:
            message = translate("ParameterError", "must be at least {minimum}, got {value}")
            raise self.error(message.format(minimum=self.minimum, value=integer))
        if self.maximum is not None and integer > self.maximum:
            message = translate("ParameterError", "must be at most {maximum}, got {value}")
            raise self.error(message.format(maximum=self.maximum, value=integer))
        return integer

    def describe(self) -> str:
        return _range_text(translate("Parameter", "integer"), "", self.minimum, self.maximum)


@dataclass(kw_only=True)
class ChoiceParameter(Parameter):
    """One of a fixed list of options (matched case-insensitively)."""

    options: tuple[str, ...] = ()
    #: What an option reads in a dialog, in the interface's language (the algorithm translates it, as it does
    #: the label); an option without one reads as itself. Projects, scripts and the command line keep the option.
    labels: dict[str, str] = field(default_factory=dict)

    type_name: ClassVar[str] = "choice"

    def __post_init__(self) -> None:
        super().__post_init__()
        self.options = tuple(self.options)
        if not self.options:
            raise ValueError(f"choice parameter '{self.name}' needs options")
        unknown = set(self.labels) - set(self.options)
        if unknown:
            raise ValueError(f"choice parameter '{self.name}' labels options it does not have: {sorted(unknown)}")

    def label_of(self, option: str) -> str:
        """How ``option`` reads to a planner."""
        return self.labels.get(option, option)

    def convert(self, value: Any, context: Context, values: dict[str, Any]) -> str:
        text = str(value)
        if text in self.options:
            return text
        folded = [option for option in self.options if option.lower() == text.strip().lower()]
        if len(folded) == 1:
            return folded[0]
        message = translate("ParameterError", "{value!r} is not one of {options}")
        raise self.error(message.format(value=text, options=", ".join(self.options)))

    def describe(self) -> str:
        if not self.labels:
            return translate("Parameter", "one of {options}").format(options=", ".join(self.options))
        shown = [option if self.label_of(option) == option else f"{option}: {self.label_of(option)}"
                 for option in self.options]
        return translate("Parameter", "one of {options}").format(options="; ".join(shown))


@dataclass(kw_only=True)
class BoolParameter(Parameter):
    """Yes or no; text accepts true/false, yes/no, 1/0, on/off."""

    type_name: ClassVar[str] = "bool"

    def validate(self, value: Any, context: Context, values: dict[str, Any]) -> Any:
        if _is_empty(value) and _is_empty(self.default) and not self.optional:
            return False
        return super().validate(value, context, values)

    def convert(self, value: Any, context: Context, values: dict[str, Any]) -> bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, int | float) and value in (0, 1):
            return bool(value)
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise self.error(translate("ParameterError", "expected true or false, got {value!r}").format(value=value))

    def describe(self) -> str:
        return translate("Parameter", "true or false")


@dataclass(kw_only=True)
class CrsParameter(Parameter):
    """A coordinate reference system: EPSG code, 'EPSG:32649', WKT or a pyproj CRS."""

    type_name: ClassVar[str] = "crs"

    def convert(self, value: Any, context: Context, values: dict[str, Any]) -> pyproj.CRS | None:
        try:
            return to_crs_object(value)
        except LayerError as exc:
            raise self.error(exc.problem) from exc

    def serialize(self, value: Any, context: Context | None = None) -> Any:
        return value.to_string() if isinstance(value, pyproj.CRS) else super().serialize(value, context)

    def describe(self) -> str:
        return translate("Parameter", "coordinate reference system, e.g. EPSG:32649")


@dataclass(kw_only=True)
class ExtentParameter(Parameter):
    """A rectangle (minx, miny, maxx, maxy) in the project CRS.

    Text is ``minx,miny,maxx,maxy`` optionally followed by ``[EPSG:4326]`` to give it in another CRS; a layer
    (or project layer name) stands for its extent.
    """

    type_name: ClassVar[str] = "extent"

    def convert(self, value: Any, context: Context, values: dict[str, Any]) -> tuple[float, float, float, float]:
        source_crs = None
        if isinstance(value, Layer):
            box, source_crs = value.extent, value.crs
        elif isinstance(value, str):
            box, source_crs = self._parse_text(value, context)
        else:
            box = value
        try:
            floats = [float(v) for v in box]
        except (TypeError, ValueError):
            raise self.error(f"expected minx,miny,maxx,maxy, got {value!r}") from None
        if len(floats) != 4 or not all(math.isfinite(v) for v in floats):
            raise self.error(f"expected four finite numbers minx,miny,maxx,maxy, got {value!r}")
        numbers = (floats[0], floats[1], floats[2], floats[3])
        if numbers[0] >= numbers[2] or numbers[1] >= numbers[3]:
            raise self.error(f"minx must be below maxx and miny below maxy, got {numbers}")
        if source_crs is None and context.measuring is not None:  # the box is in the project CRS, as the text says
            source_crs = context.measuring.requested
        if source_crs is not None and context.crs is not None and source_crs != context.crs:
            transformer = pyproj.Transformer.from_crs(source_crs, context.crs, always_xy=True)
            minx, miny, maxx, maxy = transformer.transform_bounds(*numbers, densify_pts=21)
            numbers = (float(minx), float(miny), float(maxx), float(maxy))
        return numbers

    def _parse_text(self, text: str, context: Context) -> tuple[Any, pyproj.CRS | None]:
        project = context.project
        if project is not None:
            for layer in project:
                if layer.name == text:
                    return layer.extent, layer.crs
        match = re.fullmatch(r"\s*([^\[\]]+?)\s*(?:\[(.+)\])?\s*", text)
        parts = [p for p in re.split(r"[,\s]+", match.group(1)) if p] if match else []
        crs = None
        if match and match.group(2):
            try:
                crs = to_crs_object(match.group(2))
            except LayerError as exc:
                raise self.error(exc.problem) from exc
        return parts, crs

    def serialize(self, value: Any, context: Context | None = None) -> Any:
        if isinstance(value, Layer):
            return value.name
        if isinstance(value, tuple | list):
            return ",".join(f"{float(v):.12g}" for v in value)
        return super().serialize(value, context)

    def describe(self) -> str:
        return translate("Parameter", "extent minx,miny,maxx,maxy (optionally followed by [EPSG:code])")


@dataclass(kw_only=True)
class FileParameter(Parameter):
    """A file path, optionally limited to ``extensions`` (e.g. ('.csv',)) and required to exist."""

    extensions: tuple[str, ...] = ()
    must_exist: bool = True

    type_name: ClassVar[str] = "file"

    def __post_init__(self) -> None:
        super().__post_init__()
        self.extensions = tuple(e.lower() if e.startswith(".") else f".{e.lower()}" for e in self.extensions)

    def convert(self, value: Any, context: Context, values: dict[str, Any]) -> Path:
        if not isinstance(value, str | os.PathLike):
            raise self.error(f"expected a file path, got {type(value).__name__}")
        path = Path(value).expanduser()
        if self.extensions and not path.name.lower().endswith(self.extensions):
            raise self.error(f"{path.name} is not a {' / '.join(self.extensions)} file")
        if self.must_exist and not path.is_file():
            raise self.error((translate("ParameterError", "{path} does not exist") if not path.exists() else
                              translate("ParameterError", "{path} is not a file")).format(path=path))
        return path

    def describe(self) -> str:
        if not self.extensions:
            return translate("Parameter", "file")
        return translate("Parameter", "file ({extensions})").format(extensions=", ".join(self.extensions))


@dataclass(kw_only=True)
class StringParameter(Parameter):
    """Free text (a name, a label); ``multiline`` asks the dialog for a text box instead of a line."""

    multiline: bool = False

    type_name: ClassVar[str] = "text"

    def convert(self, value: Any, context: Context, values: dict[str, Any]) -> str:
        return str(value)

    def describe(self) -> str:
        return translate("Parameter", "text")


@dataclass(kw_only=True)
class ExpressionParameter(StringParameter):
    """A filter expression over the fields of the layer in parameter ``parent`` (see ``layers.expressions``).

    It is parsed and its field names are checked before the run, so a typo is reported naming the token.
    """

    parent: str

    type_name: ClassVar[str] = "expression"

    def convert(self, value: Any, context: Context, values: dict[str, Any]) -> str:
        from layers.expressions import ExpressionError, parse

        layer = values.get(self.parent)
        if not isinstance(layer, VectorLayer):
            raise self.error(translate("ParameterError", "needs a vector layer in parameter '{parent}' "
                                                         "first").format(parent=self.parent))
        try:
            parse(str(value), layer.fields)
        except ExpressionError as exc:
            raise self.error(str(exc)) from exc
        return str(value)

    def describe(self) -> str:
        return translate("Parameter", "expression over the fields of parameter '{parent}', e.g. "
                                      "price_m2 < 200 and industry == \"finance\"").format(parent=self.parent)


# -- outputs ----------------------------------------------------------------------------------------------


@dataclass
class Output:
    """Something ``run`` returns under ``name``."""

    name: str
    description: str

    type_name: ClassVar[str] = "value"


@dataclass
class OutputLayer(Output):
    """A ``VectorLayer`` (written as GeoPackage by the command line)."""

    type_name: ClassVar[str] = "layer"


@dataclass
class OutputRaster(Output):
    """A ``RasterLayer`` (written as GeoTIFF); set ``metadata['quantity']`` and ``metadata['unit']``."""

    type_name: ClassVar[str] = "raster"


@dataclass
class OutputTable(Output):
    """A ``pandas.DataFrame`` (written as CSV)."""

    type_name: ClassVar[str] = "table"


# -- algorithm --------------------------------------------------------------------------------------------


#: The translation context of every algorithm's name, group and description.
ALGORITHM_CONTEXT = "Algorithm"


class Algorithm:
    """Subclass and set ``id``, ``name``, ``group``, ``description``; implement ``parameters``, ``outputs``, ``run``.

    ``run(params, context, feedback)`` gets validated values and returns a dict keyed by output name (plus any
    JSON-able summary values). It must not modify its input layers, so that a cancelled run leaves the project
    as it was, and should poll ``feedback`` at least every ~0.2 s of work.
    """

    id: ClassVar[str] = ""
    #: ``name``, ``group`` and ``description`` are English, marked ``QT_TRANSLATE_NOOP("Algorithm", ...)``;
    #: show them through ``display_name()``, ``display_group()`` and ``display_description()``.
    name: ClassVar[str] = ""
    group: ClassVar[str] = ""
    description: ClassVar[str] = ""
    #: Version of this algorithm's method; recorded in the provenance of its outputs.
    version: ClassVar[str] = "1"

    def parameters(self) -> Sequence[Parameter]:
        """The parameters, in the order the dialog and ``lamplight help`` show them."""
        return []

    def outputs(self) -> Sequence[Output]:
        """What ``run`` returns, by name."""
        return []

    def run(self, params: dict[str, Any], context: Context, feedback: Feedback) -> dict[str, Any]:
        """Do the work.

        Parameters
        ----------
        params : dict
            Validated values by parameter name (layers already in ``context.crs`` unless a parameter says not).
        context : Context
            The project, CRS and compute resources of this run.
        feedback : Feedback
            Report progress and poll for Cancel.

        Returns
        -------
        dict
            One entry per declared output, plus JSON-able summary values (counts, shares) shown after the run.
        """
        raise NotImplementedError(f"algorithm {self.id} does not implement run()")

    def check(self, params: dict[str, Any], context: Context) -> None:
        """Cross-parameter checks after each value was validated; raise ``ParameterError`` naming a parameter."""

    def validate_parameters(self, raw: dict[str, Any], context: Context | None = None) -> dict[str, Any]:
        """Every parameter converted and checked, in declaration order; the first problem raises ParameterError."""
        context = context if context is not None else Context()
        parameters = self.parameters()
        known = {p.name for p in parameters}
        unknown = sorted(set(raw) - known)
        if unknown:
            raise ParameterError(unknown[0], translate("ParameterError", "algorithm {id} has no such parameter "
                                                                         "(parameters: {parameters})").format(
                id=self.id, parameters=", ".join(p.name for p in parameters)))
        values: dict[str, Any] = {}
        for parameter in parameters:
            values[parameter.name] = parameter.validate(raw.get(parameter.name), context, values)
        self.check(values, context)
        return values

    def tr(self, text: str) -> str:
        """``text`` in the interface language, in the context pylupdate6 files ``self.tr("...")`` under: the class
        whose method wrote it, so this class or the first base class with an entry for it."""
        for cls in type(self).__mro__:
            translated = translate(cls.__name__, text)
            if translated != text:
                return translated
        return text

    def display_name(self) -> str:
        """``name`` in the interface language."""
        return translate(ALGORITHM_CONTEXT, self.name)

    def display_group(self) -> str:
        """``group`` in the interface language."""
        return translate(ALGORITHM_CONTEXT, self.group)

    def display_description(self) -> str:
        """``description`` in the interface language."""
        return translate(ALGORITHM_CONTEXT, self.description)

    def help_text(self) -> str:
        """The description followed by the parameters and outputs, as ``main.py help`` prints it."""
        paragraphs = [textwrap.fill(" ".join(p.split()), 100)
                      for p in self.display_description().strip().split("\n\n")]
        lines = [f"{self.display_name()} ({self.id})",
                 translate("Algorithm", "Group: {group}").format(group=self.display_group()), "",
                 "\n\n".join(paragraphs), "", translate("Algorithm", "Parameters:")]
        for p in self.parameters():
            flags = []
            if p.optional:
                flags.append(translate("Algorithm", "optional"))
            if p.default is not None:
                flags.append(translate("Algorithm", "default {value}").format(value=p.default))
            extra = f" [{'; '.join(flags)}]" if flags else ""
            where = translate("Algorithm", " (a file path, or a layer name with --project)") \
                if isinstance(p, LayerParameter) else ""
            lines.append(textwrap.fill(f"--{p.name}  {p.description}: {p.describe()}{where}{extra}", 100,
                                       initial_indent="  ", subsequent_indent=" " * 6))
            if p.help:
                lines.append(textwrap.fill(p.help, 100, initial_indent=" " * 6, subsequent_indent=" " * 6))
        lines += ["", translate("Algorithm", "Outputs:")]
        for o in self.outputs():
            lines.append(f"  {o.name}  {o.description} ({o.type_name})")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<Algorithm {self.id}>"


__all__ = [
    "Algorithm", "AlgorithmError", "BoolParameter", "Cancelled", "ChoiceParameter", "Context", "CrsParameter",
    "DistanceParameter", "ExpressionParameter", "ExtentParameter", "Feedback", "FieldParameter", "FileParameter",
    "IntegerParameter", "LayerDistancesParameter", "LayerParameter", "NumberParameter", "Output", "OutputLayer",
    "OutputRaster", "OutputTable",
    "Parameter", "ParameterError", "StringParameter",
]
