"""Cached ray-traced references for bench_fidelity.py: buildings, transmitters and Sionna RT radio maps per scene.

    .venv/bin/python benchmarks/fidelity/references.py [--scene etoile ...] [--samples 10000000] [--force]

For each scene shipped in the sionna-rt wheel that is usable as a flat city, this

1. exports the scene's meshes (``sionna_scene.py meshes``, in the sionna-rt venv);
2. turns them into 2.5-D buildings: per building (its mesh objects grouped by name), the footprint is the union
   of its triangles' horizontal projections (roofs; walls project to nothing) and the height its highest vertex
   above the flat ground (z = 0); written to ``buildings.gpkg`` (layer ``buildings``, field ``height_m``) in a
   local transverse Mercator CRS centred on the scene's city (scene x = easting, y = northing);
3. places 5 street-level transmitters at deterministic open-ground points (``place_transmitters``), written as
   layer ``lamp_poles`` of the same GeoPackage and in ``transmitters.json``;
4. ray-traces a 5 m radio map over the scene's study box at 1.5 m receiver height (``sionna_scene.py
   radiomap``, isotropic antennas at 3.5 GHz) into ``radiomap.npz``.

Everything goes to ``~/.cache/lamplight/fidelity/<scene>/`` with a README.txt saying how it was made; READY in
the parent folder lists the scenes done. The sionna-rt venv is ``$LAMPLIGHT_SIONNA_PYTHON`` or
``/work/sionna-venv/bin/python`` (``bash benchmarks/fidelity/install_sionna.sh`` makes it); Dr.Jit's LLVM
backend needs ``DRJIT_LIBLLVM_PATH`` (libLLVM 19).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

HERE = Path(__file__).resolve().parent
CACHE = Path(os.environ.get("LAMPLIGHT_FIDELITY_CACHE", Path.home() / ".cache" / "lamplight" / "fidelity"))
DEFAULT_PYTHON = Path("/work/sionna-venv/bin/python")
DEFAULT_LIBLLVM = Path("/usr/lib/x86_64-linux-gnu/libLLVM-19.so")
FREQUENCY_HZ, RESOLUTION_M, RX_HEIGHT_M = 3.5e9, 5.0, 1.5
POLE_HEIGHTS_M = (6.0, 8.0, 10.0, 7.0, 9.0)
#: Transmitters stand at least this far from any footprint (a pole on the pavement, not against a facade).
CLEARANCE_M = 3.0
SOLVER = {"samples_per_tx": 10_000_000, "max_depth": 4, "los": True, "specular_reflection": True,
          "diffuse_reflection": False, "refraction": False, "diffraction": True}


@dataclass(frozen=True)
class Scene:
    """A shipped scene: where it is (for a local metric CRS), its study box and the box transmitters stand in."""

    name: str
    lat: float
    lon: float
    box: tuple[float, float, float, float]
    tx_box: tuple[float, float, float, float]
    held_out: bool = False

    @property
    def crs(self) -> str:
        return (f"+proj=tmerc +lat_0={self.lat} +lon_0={self.lon} +k=1 +x_0=0 +y_0=0 +ellps=WGS84 +units=m "
                "+no_defs")


# simple_street_canyon is synthetic: placed at Munich's origin only so that it has a CRS.
SCENES = {s.name: s for s in (
    Scene("simple_street_canyon", 48.1374, 11.5755, (-90, -60, 90, 60), (-75, -45, 75, 45)),
    Scene("etoile", 48.8738, 2.2950, (-300, -300, 300, 300), (-200, -200, 200, 200)),
    Scene("florence", 43.7731, 11.2560, (-300, -300, 300, 300), (-200, -200, 200, 200)),
    Scene("munich", 48.1374, 11.5755, (-300, -300, 300, 300), (-200, -200, 200, 200), held_out=True),
)}


def sionna_python() -> Path:
    """The interpreter of the sionna-rt venv (never Lamplight's own)."""
    return Path(os.environ.get("LAMPLIGHT_SIONNA_PYTHON", DEFAULT_PYTHON))


def sionna_available() -> bool:
    return sionna_python().exists()


def run_sionna(*args: str) -> None:
    """``sionna_scene.py ARGS`` in the sionna-rt venv, with Dr.Jit pointed at libLLVM."""
    env = dict(os.environ)
    if "DRJIT_LIBLLVM_PATH" not in env and DEFAULT_LIBLLVM.exists():
        env["DRJIT_LIBLLVM_PATH"] = str(DEFAULT_LIBLLVM)
    subprocess.run([str(sionna_python()), str(HERE / "sionna_scene.py"), *args], check=True, env=env)


def building_key(object_name: str) -> str:
    """Mesh objects of one building share a name up to '-itu_<material>', '-wall' or '-roof'."""
    head, _, tail = object_name.rpartition("-")
    return head if head and (tail.startswith("itu_") or tail in ("wall", "roof")) else object_name


def footprints(meshes: dict[str, np.ndarray]) -> gpd.GeoDataFrame:
    """2.5-D buildings: per building, the union of its triangles' horizontal projections and its top height.

    Groups whose highest vertex is below 0.5 m are the ground plane and are left out."""
    vertices, faces = meshes["vertices"].astype(float), meshes["faces"]
    v_start, f_start = meshes["vertex_start"], meshes["face_start"]
    groups: dict[str, list[int]] = {}
    for i, name in enumerate(meshes["names"]):
        groups.setdefault(building_key(str(name)), []).append(i)
    names, geoms, heights = [], [], []
    for key, members in groups.items():
        tris = [vertices[v_start[i]:v_start[i + 1]][faces[f_start[i]:f_start[i + 1]]] for i in members]
        tri = np.concatenate(tris)
        top = float(tri[..., 2].max())
        if top < 0.5:
            continue
        xy = tri[..., :2]
        area = 0.5 * np.abs((xy[:, 1, 0] - xy[:, 0, 0]) * (xy[:, 2, 1] - xy[:, 0, 1])
                            - (xy[:, 2, 0] - xy[:, 0, 0]) * (xy[:, 1, 1] - xy[:, 0, 1]))
        flat = xy[area > 1e-3]
        if not len(flat):
            continue
        polys = shapely.polygons(np.concatenate([flat, flat[:, :1]], axis=1))
        # a small closing seals the cracks between roof triangles that rounding leaves open
        shape = shapely.union_all(shapely.make_valid(polys)).buffer(0.01, join_style="mitre").buffer(
            -0.01, join_style="mitre")
        if shape.is_empty or shape.area < 1.0:
            continue
        names.append(key)
        geoms.append(shape)
        heights.append(round(top, 2))
    return gpd.GeoDataFrame({"name": names, "height_m": heights}, geometry=geoms)


def street_network(buildings: gpd.GeoDataFrame, box: tuple[float, float, float, float], res: float = 1.0):
    """The open ground of ``box`` connected (4-neighbour cells of ``res`` metres) to the largest open area, as a
    function telling whether points lie on it: closed courtyards and gaps between buildings fall out."""
    from scipy import ndimage

    minx, miny, maxx, maxy = box
    xs, ys = np.arange(minx + res / 2, maxx, res), np.arange(miny + res / 2, maxy, res)
    gx, gy = np.meshgrid(xs, ys)
    built = shapely.union_all(buildings.geometry.to_numpy())
    shapely.prepare(built)
    open_ground = ~shapely.intersects(built, shapely.points(gx.ravel(), gy.ravel())).reshape(gx.shape)
    labels, _ = ndimage.label(open_ground)
    sizes = np.bincount(labels.ravel())
    sizes[0] = 0
    network = labels == int(np.argmax(sizes))

    def on_network(px: np.ndarray, py: np.ndarray) -> np.ndarray:
        col = np.clip(((px - minx) // res).astype(int), 0, len(xs) - 1)
        row = np.clip(((py - miny) // res).astype(int), 0, len(ys) - 1)
        return network[row, col]

    return on_network


def place_transmitters(buildings: gpd.GeoDataFrame, box: tuple[float, float, float, float],
                       tx_box: tuple[float, float, float, float], count: int = 5, spacing_m: float = 5.0
                       ) -> np.ndarray:
    """``count`` street points (x, y) in ``tx_box``: on the open ground connected to the scene's largest open
    area (not in a closed courtyard), at least CLEARANCE_M from every footprint, spread out: the candidate
    nearest the box centre first, then each time the candidate farthest from those already chosen."""
    minx, miny, maxx, maxy = tx_box
    xs, ys = np.meshgrid(np.arange(minx, maxx + 1e-9, spacing_m), np.arange(miny, maxy + 1e-9, spacing_m))
    points = shapely.points(xs.ravel(), ys.ravel())
    blocked = shapely.union_all(buildings.geometry.to_numpy()).buffer(CLEARANCE_M)
    shapely.prepare(blocked)
    free = ~shapely.intersects(blocked, points) & street_network(buildings, box)(xs.ravel(), ys.ravel())
    cand = np.column_stack([xs.ravel(), ys.ravel()])[free]
    if len(cand) < count:
        raise SystemExit(f"only {len(cand)} open-ground points in {tx_box}")
    centre = np.array([(minx + maxx) / 2, (miny + maxy) / 2])
    chosen = [int(np.argmin(np.hypot(*(cand - centre).T)))]
    nearest = np.hypot(*(cand - cand[chosen[0]]).T)
    while len(chosen) < count:
        chosen.append(int(np.argmax(nearest)))
        nearest = np.minimum(nearest, np.hypot(*(cand - cand[chosen[-1]]).T))
    return cand[chosen]


def grid_request(scene: Scene, tx_xy: np.ndarray, samples: int) -> dict:
    """What ``sionna_scene.py radiomap`` computes: transmitters (x, y, height), the grid and solver settings."""
    minx, miny, maxx, maxy = scene.box
    heights = [POLE_HEIGHTS_M[i % len(POLE_HEIGHTS_M)] for i in range(len(tx_xy))]
    return {"frequency_hz": FREQUENCY_HZ, "rx_height": RX_HEIGHT_M, "res": RESOLUTION_M,
            "x0": minx, "y0": miny, "cols": int(round((maxx - minx) / RESOLUTION_M)),
            "rows": int(round((maxy - miny) / RESOLUTION_M)),
            "transmitters": [[float(x), float(y), h] for (x, y), h in zip(tx_xy, heights, strict=True)],
            "solver": {**SOLVER, "samples_per_tx": int(samples)}}


def radio_map(scene: Scene, request: dict, out: Path) -> None:
    """Ray-trace ``request`` in the sionna-rt venv into ``out`` (radiomap.npz)."""
    with tempfile.TemporaryDirectory() as tmp:
        req = Path(tmp) / "request.json"
        req.write_text(json.dumps(request), encoding="utf-8")
        run_sionna("radiomap", scene.name, str(req), str(out))


README = """Ray-traced reference for benchmarks/bench_fidelity.py (Lamplight), scene '{name}' of the sionna-rt {version}
wheel{held}. Made by benchmarks/fidelity/references.py on {date}.

buildings.gpkg  layer 'buildings': {buildings} 2.5-D buildings from the scene's meshes (mesh objects grouped by
                name; footprint = union of the triangles' horizontal projections, height_m = highest vertex
                above the flat ground z = 0). Layer 'lamp_poles': the {tx} transmitters (pole_id, height_m).
                CRS: {crs} (scene x = easting, y = northing, metres).
transmitters.json  transmitters x, y, antenna height (m above ground), the grid and the solver settings.
radiomap.npz    path_gain [tx, row, col] (linear, isotropic antennas at both ends, vertical polarisation,
                {freq:g} GHz; 0 = no ray reached the cell), los [tx, row, col] (a shadow ray from the receiver
                point to the antenna misses every triangle), under_roof [row, col] (an upward ray from the
                receiver point hits the scene: indoor), cell_x, cell_y (cell centres; row 0 is the LOWEST y),
                seconds (the solver's wall time), request (JSON).
Grid: {cols} x {rows} cells of {res:g} m from x0={x0:g}, y0={y0:g} (south-west corner), receivers at {rx:g} m.
Solver: Sionna RT RadioMapSolver, {solver}; the scene's ITU materials; no transmission through walls, so cells
inside buildings get no energy.
Transmitters: deterministic street points inside {tx_box}: open ground connected to the scene's largest open
area (no closed courtyards), at least {clear:g} m from every footprint, the point nearest the centre first, then
farthest-point; pole heights {poles} m.
"""


def build(scene: Scene, samples: int, force: bool) -> Path:
    """Write the scene's cached reference (skipped when it exists, unless ``force``). It is made in a sibling
    folder and swapped in whole, so a reader never sees new buildings with an old radio map."""
    folder = CACHE / scene.name
    if (folder / "radiomap.npz").exists() and not force:
        print(f"{scene.name}: cached in {folder}")
        return folder
    work = CACHE / f".{scene.name}.new"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    started = time.perf_counter()
    run_sionna("meshes", scene.name, str(work / "meshes.npz"))
    with np.load(work / "meshes.npz") as data:
        buildings = footprints({k: data[k] for k in data.files})
    buildings = buildings.set_crs(scene.crs)
    tx_xy = place_transmitters(buildings, scene.box, scene.tx_box)
    request = grid_request(scene, tx_xy, samples)
    poles = gpd.GeoDataFrame({"pole_id": [f"T{i + 1}" for i in range(len(tx_xy))],
                              "height_m": [t[2] for t in request["transmitters"]]},
                             geometry=shapely.points(tx_xy), crs=scene.crs)
    buildings.to_file(work / "buildings.gpkg", layer="buildings", driver="GPKG")
    poles.to_file(work / "buildings.gpkg", layer="lamp_poles", driver="GPKG")
    (work / "transmitters.json").write_text(json.dumps(request, indent=1), encoding="utf-8")
    radio_map(scene, request, work / "radiomap.npz")
    with np.load(work / "radiomap.npz") as data:
        version = str(data["sionna_rt"])
        seconds = float(data["seconds"])
    (work / "README.txt").write_text(README.format(
        name=scene.name, version=version, held=" (HELD OUT: the acceptance scene, never tune on it)"
        if scene.held_out else "", date=pd.Timestamp.now("UTC").strftime("%Y-%m-%d %H:%M UTC"),
        buildings=len(buildings), tx=len(tx_xy), crs=scene.crs, freq=FREQUENCY_HZ / 1e9, cols=request["cols"],
        rows=request["rows"], res=RESOLUTION_M, x0=request["x0"], y0=request["y0"], rx=RX_HEIGHT_M,
        solver=", ".join(f"{k}={v}" for k, v in request["solver"].items()), clear=CLEARANCE_M,
        tx_box=scene.tx_box, poles=", ".join(f"{h:g}" for h in POLE_HEIGHTS_M)), encoding="utf-8")
    old = CACHE / f".{scene.name}.old"
    shutil.rmtree(old, ignore_errors=True)
    if folder.exists():
        folder.rename(old)
    work.rename(folder)
    shutil.rmtree(old, ignore_errors=True)
    print(f"{scene.name}: {len(buildings)} buildings, {len(tx_xy)} transmitters, radio map {seconds:.0f} s "
          f"(all {time.perf_counter() - started:.0f} s) -> {folder}")
    return folder


GUIDE = """Ray-traced references of benchmarks/bench_fidelity.py, one folder per scene (its README.txt says how it
was made). READY lists the scenes done. Munich is HELD OUT: the acceptance scene; never fit or tune on it.
Compare the working tree's coverage with the cached radio maps (seconds to a minute per scene):
    .venv/bin/python benchmarks/bench_fidelity.py --quick --scene simple_street_canyon --scene etoile --scene florence
"""


def write_ready() -> None:
    """List the scenes whose references exist in CACHE/READY (and say how to use them in CACHE/README.txt)."""
    (CACHE / "README.txt").write_text(GUIDE, encoding="utf-8")
    done = [name for name in SCENES if (CACHE / name / "radiomap.npz").exists()]
    lines = [f"{name}{' (held out: acceptance only, never tune on it)' if SCENES[name].held_out else ''}"
             for name in done]
    (CACHE / "READY").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scene", action="append", choices=sorted(SCENES), help="default: every scene")
    parser.add_argument("--samples", type=int, default=SOLVER["samples_per_tx"], help="rays per transmitter")
    parser.add_argument("--force", action="store_true", help="recompute cached scenes")
    args = parser.parse_args()
    if not sionna_available():
        sys.exit(f"sionna-rt venv not found at {sionna_python()} (set LAMPLIGHT_SIONNA_PYTHON)")
    for name in args.scene or list(SCENES):
        build(SCENES[name], args.samples, args.force)
        write_ready()


if __name__ == "__main__":
    main()
