"""The online basemaps a web map offers: the workbench's XYZ presets and the project's own XYZ sources.

A web map is a file that gets mailed around, so two kinds of source are left out, each with a note for the export
log: a source that needs the user's access key (Tianditu's ``tk``), because the page would carry the key to
everyone who receives the file, while the workbench keeps it in the user's settings and never in a project; and a
GCJ-02 source (AutoNavi, Tencent), because Leaflet cannot shift its tiles onto WGS84 as the canvas does and they
would lie some 600 m off the survey data in Guangzhou. WMS and WMTS sources have no XYZ template to hand over.
"""

from __future__ import annotations

from dataclasses import dataclass

from layers.i18n import translate
from workbench.basemap.sources import (
    BasemapSource,
    BasemapStack,
    Source,
    available_basemaps,
    looks_gcj02,
    source_from_definition,
)


@dataclass(frozen=True)
class WebBasemap:
    """One entry of the page's basemap choice: XYZ tile layers drawn one over the other."""

    name: str
    parts: tuple[BasemapSource, ...]


def _parts(source: Source) -> tuple:
    return source.parts if isinstance(source, BasemapStack) else (source,)


def _left_out(source: Source) -> str:
    """Why ``source`` cannot go into a web page ("" when it can)."""
    parts = _parts(source)
    if any(part.key_name for part in parts):
        return translate("WebMap", "Basemap '{name}' is left out of the web map: it needs your access key, and the "
                                   "page would hand the key to everyone who receives the file.")
    if any(part.gcj02 or looks_gcj02(part.url) for part in parts):
        return translate("WebMap", "Basemap '{name}' is left out of the web map: its tiles are in GCJ-02, which the "
                                   "page cannot shift onto WGS84 as the canvas does (they would lie several hundred "
                                   "metres off the survey data).")
    if any(part.kind != "xyz" for part in parts):
        return translate("WebMap", "Basemap '{name}' is left out of the web map: the page offers XYZ tile services "
                                   "only, and this one is a WMS or WMTS service.")
    return ""


def web_basemaps(project) -> tuple[list[WebBasemap], list[str]]:
    """The basemaps offered (the presets, then the project's custom and shown ones) and a note per project source
    left out, naming it and why."""
    basemaps = project.basemaps or {}
    own = [source_from_definition(entry) for entry in [*(basemaps.get("custom") or []), basemaps.get("active")]
           if entry]
    offered: dict[str, WebBasemap] = {name: WebBasemap(name, (source,)) for name, source in
                                      available_basemaps().items()}
    notes: list[str] = []
    for source in own:
        if source.name in offered:
            continue
        reason = _left_out(source)
        if not reason:
            offered[source.name] = WebBasemap(source.name, _parts(source))
        elif (note := reason.format(name=source.name)) not in notes:
            notes.append(note)
    return list(offered.values()), notes
