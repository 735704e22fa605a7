"""Turn a freshly read GeoDataFrame into validated VectorLayers: CRS, coordinates, repair, mixed types, kind.

Every vector reader ends here so all formats behave the same. A kind given by the caller is enforced
(problems raise one LayerError); a kind guessed from the name or columns is tried and, if the data does not
fit, the layer loads without a kind and the notes say why.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from layers.errors import LayerError
from layers.i18n import QT_TRANSLATE_NOOP, translate
from layers.io.coordinates import check_coordinates
from layers.io.release import release_freed_memory
from layers.kinds import detect_kind, family_name, repair_geometries, validate
from layers.layer import VectorLayer, to_crs_object

#: Geometry families in name order (a mixed layer's parts come in this order), and each shapely type id's family
#: (indexed by type id + 1: -1 is a missing geometry, which belongs to none).
_FAMILIES = ("collection", "line", "point", "polygon")
_FAMILY_OF_TYPE = np.array([-1, 2, 1, 1, 3, 2, 1, 3, 0], dtype=np.int8)
#: Features from which a read hands the memory its temporaries used back (``layers.io.release``): below, the few
#: milliseconds it takes are not worth it.
_RELEASE_AFTER = 50_000
NO_CRS_NOTE = QT_TRANSLATE_NOOP("LayerFinish", "no coordinate reference system in the file (e.g. a shapefile "
                                               "without .prj); set the CRS in the layer properties before using it "
                                               "with other layers")


def apply_crs(gdf: gpd.GeoDataFrame, crs: Any, notes: list[str]) -> gpd.GeoDataFrame:
    """Use ``crs`` when given (the caller knows best), else keep the file's; note what happened."""
    wanted = to_crs_object(crs)
    if wanted is None:
        if gdf.crs is None:
            notes.append(translate("LayerFinish", NO_CRS_NOTE))
        return gdf
    if gdf.crs is None:
        notes.append(translate("LayerFinish", "CRS set to {crs} as given").format(crs=wanted.to_string()))
    elif gdf.crs != wanted:
        notes.append(translate("LayerFinish", "the file declares {declared}; replaced by {crs} as given").format(
            declared=gdf.crs.to_string(), crs=wanted.to_string()))
    else:
        return gdf
    return gdf.set_crs(wanted, allow_override=True)


def _split_families(gdf: gpd.GeoDataFrame, name: str) -> list[tuple[gpd.GeoDataFrame, str, list[str]]]:
    """One part per geometry family when points, lines and polygons are mixed in one layer."""
    codes = _FAMILY_OF_TYPE[shapely.get_type_id(gdf.geometry.to_numpy()) + 1]   # a code per feature: no strings
    tally = np.bincount(codes[codes >= 0], minlength=len(_FAMILIES))
    counts = {f: int(count) for f, count in zip(_FAMILIES, tally, strict=True) if count}
    present = list(counts)
    if len(present) <= 1:
        return [(gdf, name, [])]
    largest = max(present, key=lambda f: counts[f])
    without = codes < 0
    summary = ", ".join(translate("LayerFinish", "{count} {families}").format(
        count=counts[f], families=family_name(f, plural=True)) for f in present)
    parts = []
    for family in present:
        mask = (codes == _FAMILIES.index(family)) | (without & (family == largest))
        if family == largest and without.any():
            note = translate("LayerFinish", "the source layer mixes {summary}; this layer holds its {families} and "
                                            "the {count} features without geometry").format(
                summary=summary, families=family_name(family, plural=True), count=int(without.sum()))
        else:
            note = translate("LayerFinish", "the source layer mixes {summary}; this layer holds its "
                                            "{families}").format(summary=summary,
                                                                 families=family_name(family, plural=True))
        parts.append((gdf[mask].reset_index(drop=True), f"{name} ({family}s)", [note]))
    return parts


def _resolve_kind(gdf: gpd.GeoDataFrame, name: str, *, source: str, kind: str | None, stored_kind: str | None,
                  notes: list[str]) -> tuple[gpd.GeoDataFrame, str | None]:
    if kind:
        gdf, kind_notes = validate(gdf, kind, source=source, layer=name, repair=False)
        notes.extend(kind_notes)
        return gdf, kind
    guess = stored_kind or detect_kind(name, list(gdf.columns))
    if not guess:
        return gdf, None
    try:
        gdf, kind_notes = validate(gdf, guess, source=source, layer=name, repair=False)
    except LayerError as exc:
        notes.append(translate("LayerFinish", "looks like a '{kind}' layer but was loaded without that kind because "
                                              "it {problem}").format(kind=guess, problem=exc.problem))
        return gdf, None
    notes.extend(kind_notes)
    return gdf, guess


class NoGeometry(LayerError):
    """The source layer is a table of attributes only; a multi-layer reader skips it with a note like other tables."""


def _require_geometry(gdf: gpd.GeoDataFrame, name: str, source: str) -> None:
    """Refuse a table of attributes only (no geometry column, or no feature with a geometry), naming it."""
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.active_geometry_name is None:
        columns = ", ".join(repr(str(c)) for c in gdf.columns) or translate("layers.io.finish", "none")
        raise NoGeometry(source, translate("layers.io.finish", "has no geometry column: it is a table of attributes "
                                                               "only (columns {columns}), not a map layer").format(
            columns=columns), layer=name)
    if len(gdf) and shapely.is_missing(gdf.geometry.to_numpy()).all():
        raise NoGeometry(source, translate("layers.io.finish", "has no geometry: none of its {count} features has "
                                                               "a shape or coordinates, so it is a table of "
                                                               "attributes only, not a map layer").format(
            count=len(gdf)), layer=name)


def vector_layers(gdf: gpd.GeoDataFrame, name: str, *, source: str, kind: str | None = None, crs: Any = None,
                  notes: list[str] | None = None, metadata: dict | None = None,
                  stored_kind: str | None = None, split_mixed: bool = True,
                  coordinate_columns: tuple[str, str] | None = None, assumed_crs: bool = False) -> list[VectorLayer]:
    """Validated layers for one source layer (several when it mixes geometry types and no kind is forced).

    ``split_mixed=False`` keeps one layer even when points, lines and polygons are mixed (a database table
    or query is one layer to its owner). Impossible coordinates are fixed or refused (``check_coordinates``);
    a table's ``coordinate_columns`` and an ``assumed_crs`` (none was given) are named in those messages.
    """
    base_notes = list(notes or [])
    _require_geometry(gdf, name, source)
    gdf = apply_crs(gdf, crs, base_notes)
    gdf = check_coordinates(gdf, source=source, layer=name, notes=base_notes, columns=coordinate_columns,
                            assumed=assumed_crs)
    gdf, repair_notes = repair_geometries(gdf)
    base_notes += repair_notes
    parts = [(gdf, name, [])] if kind or not split_mixed else _split_families(gdf, name)
    layers = []
    for part, part_name, part_notes in parts:
        layer_notes = base_notes + part_notes
        part, part_kind = _resolve_kind(part, part_name, source=source, kind=kind, stored_kind=stored_kind,
                                        notes=layer_notes)
        layer_metadata = dict(metadata or {})
        layer_metadata["notes"] = layer_notes
        layer_metadata.pop("source_part", None)     # one stored by an earlier save describes another reading
        if len(parts) > 1:                          # a project reopens this part by the name the reader gave it
            layer_metadata["source_part"] = part_name
        layers.append(VectorLayer(part, part_name, source=source, kind=part_kind, metadata=layer_metadata))
    if len(gdf) >= _RELEASE_AFTER:
        release_freed_memory()
    return layers
