"""Reading and writing ``.lamp`` project archives (see ``layers.project`` for the format)."""

from __future__ import annotations

import json
import os
import re
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

import pyogrio
import rasterio

from layers.atomic import remove_stale_temporaries, scratch_folder, write_atomically
from layers.errors import LayerError
from layers.i18n import translate
from layers.layer import Layer, RasterLayer, VectorLayer
from layers.project import FORMAT_NAME, FORMAT_VERSION, Project, json_safe
from layers.project_archive import MANIFEST, extract_member, open_archive, read_manifest
from layers.project_schema import layer_problem, manifest_problem
from layers.rf_profile import RfProfile
from layers.scenarios import Scenario

_SAFE_NAME = re.compile(r"[^A-Za-z0-9_-]")
#: How deep below the chosen folder relinking looks: a data folder's own subfolders, not a whole disk.
RELINK_DEPTH = 3


def write_project(project: Project, target: Path) -> None:
    target = target.resolve()
    if not target.parent.is_dir():
        raise LayerError(target, translate("ProjectFile", "folder {folder} does not exist").format(
            folder=target.parent))

    def write(temp: Path) -> None:
        _write_archive(project, temp, target)
        _check_readable(temp, target)

    try:
        write_atomically(target, write)
    except Exception as exc:
        if isinstance(exc, LayerError):
            raise
        raise LayerError(target, translate("ProjectFile", "could not save the project ({problem}); the previous "
                                                          "file is unchanged").format(problem=exc)) from exc


def _write_archive(project: Project, file: Path, target: Path) -> None:
    project_dir = target.parent
    with scratch_folder("save") as scratch, zipfile.ZipFile(file, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        entries = [_layer_entry(layer, index, project_dir, archive, scratch) for index, layer in enumerate(project)]
        _insert_unavailable(entries, project, project_dir)
        manifest = {
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "title": project.title,
            "crs": project.crs.to_wkt() if project.crs is not None else None,
            "crs_name": project.crs.to_string() if project.crs is not None else None,
            "view_extent": project.view_extent,
            "layers": entries,
            "history": json_safe(project.history),
            "rf_profile": project.rf_profile.to_dict(),
            "basemaps": project.basemaps,
            "scenarios": [scenario.to_dict() for scenario in project.scenarios],
        }
        archive.writestr(MANIFEST, json.dumps(manifest, indent=2))


def _check_readable(file: Path, target: Path) -> None:
    """Refuse to save a file that opening would refuse (a layer too big for the limits, a value the schema does
    not allow): it must not replace a good one. Run records come from the runner or from an opened file and were
    checked there."""
    try:
        with open_archive(file) as archive:
            manifest = read_manifest(archive, file)
        _check_manifest(manifest, file, runs=False)
        problem = next(filter(None, (layer_problem(entry, i) for i, entry in enumerate(manifest["layers"]))), None)
        if problem is not None:
            raise LayerError(file, problem)
    except LayerError as exc:
        raise LayerError(target, translate(
            "ProjectFile", "cannot be saved, because Lamplight would not open the result: {problem}; the previous "
                           "file is unchanged").format(problem=exc.problem)) from exc


def _layer_entry(layer: Layer, index: int, project_dir: Path, archive: zipfile.ZipFile,
                 scratch: Path) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": layer.id,
        "name": layer.name,
        "kind": layer.kind,
        "visible": layer.visible,
        "opacity": layer.opacity,
        "style": layer.style.to_dict() if layer.style is not None else None,
        "metadata": json_safe(layer.metadata),
        "data": _store_data(layer, index, project_dir, archive, scratch),
    }
    return entry


def _insert_unavailable(entries: list[dict[str, Any]], project: Project, project_dir: Path) -> None:
    """Put the layers whose data file was missing or unreadable back where they were, their path relative to the
    new project folder; one whose file the user has added again since is left out, so it does not come back twice."""
    present = {(str(Path(str(layer.source)).resolve()), layer.metadata.get("source_layer"))
               for layer in project if layer.source}
    inserted = 0
    for position, entry in project.unavailable:
        data = entry["data"]
        if (str(Path(data["path"]).resolve()), data.get("layer")) in present:
            continue
        entries.insert(position + inserted, {**entry, "data": {**data, "path": _stored_link(Path(data["path"]),
                                                                                          project_dir)}})
        inserted += 1


def _stored_link(path: Path, project_dir: Path) -> str:
    """A linked file's path as stored: relative to the project folder, so a project folder can move whole."""
    try:
        stored = os.path.relpath(path.resolve(), project_dir)
    except ValueError:  # another drive on Windows
        stored = str(path.resolve())
    return Path(stored).as_posix()


def _is_linkable(layer: Layer) -> bool:
    """A layer is saved as a link when it still equals what its file holds (its sublayer is in the metadata)."""
    if layer.data_version or not layer.source or layer.metadata.get("embed"):
        return False
    return Path(str(layer.source)).is_file()


def _store_data(layer: Layer, index: int, project_dir: Path, archive: zipfile.ZipFile,
                scratch: Path) -> dict[str, Any]:
    if _is_linkable(layer):
        return {
            "type": "file",
            "path": _stored_link(Path(str(layer.source)), project_dir),
            "layer": layer.metadata.get("source_layer"),
            "part": layer.metadata.get("source_part"),
            "options": layer.metadata.get("source_options", {}),
        }
    stem = f"{index}-{_SAFE_NAME.sub('_', layer.id)[:64]}"   # unique, and only plain characters
    if isinstance(layer, VectorLayer):
        file = scratch / f"{stem}.gpkg"
        pyogrio.write_dataframe(layer.gdf, file, layer="data", driver="GPKG")
    elif isinstance(layer, RasterLayer):
        file = scratch / f"{stem}.tif"
        _write_raster(layer, file)
    else:
        raise LayerError(layer.source, f"cannot save a {type(layer).__name__}", layer=layer.name)
    member = f"data/{file.name}"
    archive.write(file, member)
    return {"type": "embedded", "member": member}


def _write_raster(layer: RasterLayer, file: Path) -> None:
    profile = {
        "driver": "GTiff", "width": layer.width, "height": layer.height, "count": layer.count,
        "dtype": layer.data.dtype.name, "transform": layer.transform, "compress": "deflate",
        "crs": layer.crs.to_wkt() if layer.crs is not None else None, "nodata": layer.nodata,
    }
    with rasterio.open(file, "w", **profile) as dst:
        dst.write(layer.data)
        dst.descriptions = tuple(layer.band_names)


def read_project(path: Path) -> Project:
    """The project in ``path``. Everything in the archive is checked before it is used (see
    ``layers.project_archive`` and ``layers.project_schema``); a layer entry that fails its checks is skipped and
    listed in ``load_problems``, anything else wrong refuses the whole file with a LayerError naming it."""
    remove_stale_temporaries(path)
    with open_archive(path) as archive, scratch_folder("open") as scratch:
        manifest = read_manifest(archive, path)
        _check_manifest(manifest, path)
        try:
            project = Project(manifest.get("crs"), title=manifest.get("title") or path.stem)
        except LayerError as exc:
            raise LayerError(path, translate("ProjectFile", "the project CRS in project.json is damaged: "
                                                            "{problem}").format(problem=exc.problem)) from exc
        with project.events.blocked():
            for index, entry in enumerate(manifest.get("layers") or []):
                problem = layer_problem(entry, index)
                if problem is not None:
                    name = entry.get("name") if isinstance(entry.get("name"), str) else None
                    project.load_problems.append(str(LayerError(path, translate(
                        "ProjectFile", "{problem}; the layer was skipped").format(problem=problem), layer=name)))
                    continue
                try:
                    layer = _restore_layer(entry, index, path, archive, scratch)
                except LayerError as exc:
                    project.load_problems.append(str(exc))
                    if _is_link(entry):     # its file is missing or unreadable for now: keep the layer
                        linked = {**entry["data"], "path": str(_resolved_link(entry, path.parent))}
                        project.unavailable.append((len(project), {**entry, "data": linked}))
                    continue
                except (KeyError, TypeError, ValueError, AttributeError) as exc:  # e.g. a style edited by hand
                    project.load_problems.append(str(LayerError(
                        path, translate("ProjectFile", "could not be restored from project.json ({error}: "
                                                       "{problem}); the layer was skipped").format(
                            error=type(exc).__name__, problem=exc), layer=entry["name"])))
                    continue
                project.add_layer(layer)
            if manifest.get("view_extent") is not None:
                project.view_extent = manifest["view_extent"]
            project.history.extend(manifest.get("history") or [])
            project.rf_profile = RfProfile.from_dict(manifest.get("rf_profile"), source=path)
            project.basemaps = dict(manifest.get("basemaps") or {})
            project.scenarios.replace([Scenario.from_dict(entry) for entry in manifest.get("scenarios") or []])
    project.path = path
    return project


def _check_manifest(manifest: Any, path: Path, *, runs: bool = True) -> None:
    """Refuse what is not a project, a format version from the future, and anything the schema does not allow
    (``runs=False``: except in run records, see ``manifest_problem``)."""
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        raise LayerError(path, translate("ProjectFile", "is not a Lamplight project file (unknown format)"))
    version = manifest.get("version")
    if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT_VERSION:
        raise LayerError(path, translate("ProjectFile", "was made by a newer Lamplight (format version {version}; "
                                                        "this one reads up to {supported}); update Lamplight to "
                                                        "open it").format(version=version, supported=FORMAT_VERSION))
    problem = manifest_problem(manifest, runs=runs)
    if problem is not None:
        raise LayerError(path, translate("ProjectFile", "project.json cannot be used: {problem}").format(
            problem=problem))


def _restore_layer(entry: dict, index: int, path: Path, archive: zipfile.ZipFile, scratch: Path) -> Layer:
    data = entry["data"]
    if data["type"] == "file":
        layer = _open_linked(_with_old_layer_name(entry, path.parent), path.parent)
    else:   # "embedded", the only other type the schema allows; copied under a name of our own
        member = data["member"]
        file = extract_member(archive, member, scratch / f"{index}{PurePosixPath(member).suffix}", path,
                              layer=entry["name"])
        layer = _open_embedded(file, entry)
    return _with_entry_settings(layer, entry)


def _with_old_layer_name(entry: dict, project_dir: Path) -> dict:
    """Projects saved before the readers recorded a GeoPackage's layer (issue 12) link to it with "layer": null,
    and reading every layer of the file with the entry's kind fails. The layer of the entry's name is the one it
    was read from unless the user renamed it: link to that one."""
    from layers.io.vector import geopackage_contents

    data = entry["data"]
    path = _resolved_link(entry, project_dir)
    if data.get("layer") or path.suffix.lower() != ".gpkg" or not path.is_file():
        return entry
    try:
        names = [name for name, _ in geopackage_contents(path)]
    except LayerError:      # reading it says what is wrong
        return entry
    if len(names) < 2 or entry["name"] not in names:
        return entry
    return {**entry, "data": {**data, "layer": entry["name"]}}


def _with_entry_settings(layer: Layer, entry: dict) -> Layer:
    """The layer as the project had it: id, name, kind, visibility, opacity, metadata and style."""
    layer.id = entry["id"]
    layer.name = entry["name"]
    layer.kind = entry.get("kind")
    layer.visible = entry.get("visible", True)
    layer.opacity = entry.get("opacity", 1.0)
    layer.metadata = entry.get("metadata") or {"notes": []}
    layer.metadata.setdefault("notes", [])
    if entry.get("style"):
        from layers.styles import style_from_dict

        layer.style = style_from_dict(entry["style"])
    return layer


def relink_missing(project: Project, folder: Path) -> tuple[list[Layer], list[str]]:
    """Look in ``folder`` (and a few levels below) for the files of the layers kept in ``project.unavailable``, by
    file name, and restore the layers found in their old place in the draw order. Returns the layers restored and,
    for the others, why not; those stay unavailable."""
    restored: list[Layer] = []
    problems: list[str] = []
    still: list[tuple[int, dict[str, Any]]] = []
    files = _find_by_name(folder, {Path(entry["data"]["path"]).name for _, entry in project.unavailable})
    for position, entry in project.unavailable:
        name = Path(entry["data"]["path"]).name
        found = files.get(name)
        if found is None:
            problems.append(translate("ProjectFile", "{file}: layer '{layer}': not found in {folder}").format(
                file=name, layer=entry.get("name"), folder=folder))
            still.append((position + len(restored), entry))     # the restored layers below it count too
            continue
        moved = {**entry, "data": {**entry["data"], "path": str(found.resolve())}}
        try:
            layer = _with_entry_settings(_open_linked(moved, folder), moved)
        except LayerError as exc:
            problems.append(str(exc))
            still.append((position + len(restored), entry))
            continue
        restored.append(project.add_layer(layer, position + len(restored)))
    project.unavailable = still
    return restored, problems


def _find_by_name(folder: Path, names: set[str]) -> dict[str, Path]:
    """The first file of each name in ``folder`` or up to RELINK_DEPTH folders below, shallowest first, in one
    walk (one folder level at a time, so a file next to the chosen folder wins over a deeper copy)."""
    found: dict[str, Path] = {}
    level = [folder]
    for _ in range(RELINK_DEPTH + 1):
        below: list[Path] = []
        for directory in level:
            try:
                children = sorted(directory.iterdir())
            except OSError:    # unreadable folder: look elsewhere
                continue
            for child in children:
                if child.name in names and child.name not in found and child.is_file():
                    found[child.name] = child
                elif child.is_dir() and not child.is_symlink():
                    below.append(child)
        if len(found) == len(names):
            break
        level = below
    return found


def _is_link(entry: Any) -> bool:
    return isinstance(entry, dict) and isinstance(entry.get("data"), dict) and entry["data"].get("type") == "file" \
        and isinstance(entry["data"].get("path"), str)


def _resolved_link(entry: dict, project_dir: Path) -> Path:
    """The absolute path of an entry's linked file (stored relative to the project folder, see ``_stored_link``)."""
    path = Path(entry["data"]["path"])
    return path if path.is_absolute() else (project_dir / path).resolve()


def _open_linked(entry: dict, project_dir: Path) -> Layer:
    from layers.io import open_layers
    from layers.io.gdal_open import local_file

    data = entry["data"]
    path = _resolved_link(entry, project_dir)
    if not path.exists():
        raise LayerError(path, translate("ProjectFile", "linked data file is missing"), layer=entry.get("name"))
    local_file(path, layer=entry.get("name"))   # a regular file: a FIFO or device would block the read
    options = dict(data.get("options") or {})
    if data.get("layer"):
        options["layer"] = data["layer"]
    part = data.get("part")     # one geometry type of a mixed source layer: read it split, as it was
    layers = open_layers(path, kind=None if part else entry.get("kind"), **options)
    if len(layers) != 1:
        wanted = part or data.get("layer") or entry.get("name")
        matches = [layer for layer in layers if layer.name == wanted]
        if len(matches) != 1:
            raise LayerError(path, translate("ProjectFile", "cannot find layer {layer!r} in the file").format(
                layer=wanted), layer=entry.get("name"))
        return matches[0]
    return layers[0]


def _open_embedded(file: Path, entry: dict) -> Layer:
    """A project member opened as the format its name declares, by that GDAL driver only: a member that really
    holds something else (say a VRT naming other files or web addresses) is refused, naming the member."""
    from layers.i18n import translate
    from layers.io.gdal_open import GPKG_DRIVER, check_file
    from layers.io.raster import read_raster
    from layers.io.vector import read_frame

    name = entry.get("name", file.stem)
    member = str(entry["data"]["member"])
    if file.suffix == ".gpkg":
        check_file(file, GPKG_DRIVER, source=member, layer=name)
        return VectorLayer(read_frame(str(file), driver=GPKG_DRIVER, source=member, what="GeoPackage",
                                      layer="data"), name)
    if file.suffix == ".tif":
        # read whole (lazy=False): the temporary copy is gone once the project is open
        layer = read_raster(str(file), source=member, name=name, side_files=False, lazy=False)
        layer.source = None
        return layer
    raise LayerError(member, translate("ProjectFile", "is neither a GeoPackage (.gpkg) nor a GeoTIFF (.tif) "
                                                      "project member"), layer=name)
