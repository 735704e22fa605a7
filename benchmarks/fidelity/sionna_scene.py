"""Runs inside the sionna-rt venv (never Lamplight's): exports a shipped scene's meshes, and ray-traces a radio map.

    python sionna_scene.py meshes SCENE OUT.npz
    python sionna_scene.py radiomap SCENE REQUEST.json OUT.npz

``meshes`` writes every scene object's vertices and triangles (Lamplight's side turns them into 2.5-D building
footprints). ``radiomap`` reads the transmitters, grid and solver settings from REQUEST.json and writes, per
transmitter, the path gain of every grid cell (isotropic antennas at both ends, so path gain = −path loss), the
ray tracer's line of sight (a shadow ray from the receiver point to the antenna, against the scene's triangles)
and whether the receiver point is under a roof (an upward ray hits something). It only needs sionna-rt and
NumPy, so Lamplight's venv stays free of the ray tracer.
"""

from __future__ import annotations

import json
import sys
import time

import drjit as dr
import mitsuba as mi
import numpy as np
import sionna.rt as rt


def load(scene_name: str) -> rt.Scene:
    """A scene shipped in the sionna-rt wheel, objects kept apart (one per building part)."""
    path = getattr(rt.scene, scene_name, None)
    if path is None:
        raise SystemExit(f"sionna-rt ships no scene named {scene_name!r}")
    return rt.load_scene(path, merge_shapes=False)


def export_meshes(scene_name: str, out: str) -> None:
    """Every object's vertices (float32, n×3) and triangles (int32, m×3), flattened with offsets."""
    scene = load(scene_name)
    names, vertices, faces, v_start, f_start = [], [], [], [0], [0]
    for name, obj in scene.objects.items():
        mesh = obj.mi_mesh
        v = np.array(mesh.vertex_positions_buffer(), np.float32).reshape(-1, 3)
        f = np.array(mesh.faces_buffer(), np.int32).reshape(-1, 3)
        names.append(name)
        vertices.append(v)
        faces.append(f)
        v_start.append(v_start[-1] + len(v))
        f_start.append(f_start[-1] + len(f))
    np.savez_compressed(out, names=np.array(names), vertices=np.concatenate(vertices),
                        faces=np.concatenate(faces), vertex_start=np.array(v_start), face_start=np.array(f_start))


def blocked(scene: rt.Scene, origins: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """True where the segment origin→target crosses any triangle of the scene (Mitsuba shadow rays)."""
    d = targets - origins
    length = np.linalg.norm(d, axis=1)
    d = d / length[:, None]
    ray = mi.Ray3f(o=mi.Point3f(*(origins.T.astype(np.float32))), d=mi.Vector3f(*(d.T.astype(np.float32))))
    ray.maxt = mi.Float((length * (1.0 - 1e-5)).astype(np.float32))
    hit = scene.mi_scene.ray_test(ray)
    return np.array(hit, bool)


def radio_map(scene_name: str, request_path: str, out: str) -> None:
    """Path gain, line of sight and under-roof flags on the requested grid, with the solver's wall time."""
    with open(request_path, encoding="utf-8") as fh:
        req = json.load(fh)
    scene = load(scene_name)
    scene.frequency = float(req["frequency_hz"])
    scene.tx_array = rt.PlanarArray(num_rows=1, num_cols=1, pattern="iso", polarization="V")
    scene.rx_array = rt.PlanarArray(num_rows=1, num_cols=1, pattern="iso", polarization="V")
    txs = np.asarray(req["transmitters"], float)  # x, y, z (antenna height above the flat ground)
    for i, (x, y, z) in enumerate(txs):
        scene.add(rt.Transmitter(name=f"tx{i}", position=mi.Point3f(float(x), float(y), float(z))))
    res, nx, ny = float(req["res"]), int(req["cols"]), int(req["rows"])
    x0, y0, rx_h = float(req["x0"]), float(req["y0"]), float(req["rx_height"])
    solver_args = req["solver"]
    started = time.perf_counter()
    rm = rt.RadioMapSolver()(scene, center=mi.Point3f(x0 + nx * res / 2, y0 + ny * res / 2, rx_h),
                             orientation=mi.Point3f(0, 0, 0), size=mi.Point2f(nx * res, ny * res),
                             cell_size=mi.Point2f(res, res), **solver_args)
    gain = np.array(rm.path_gain, np.float64)  # [tx, y, x], row 0 = lowest y
    dr.sync_thread()
    seconds = time.perf_counter() - started
    centres = np.array(rm.cell_centers, np.float64)
    if gain.shape != (len(txs), ny, nx):
        raise SystemExit(f"radio map shape {gain.shape}, expected {(len(txs), ny, nx)}")
    rx = centres.reshape(-1, 3)
    rx[:, 2] = rx_h
    los = np.stack([~blocked(scene, rx, np.broadcast_to(t, rx.shape).copy()) for t in txs]).reshape(len(txs), ny, nx)
    roof = blocked(scene, rx, rx + np.array([0.0, 0.0, 2000.0])).reshape(ny, nx)
    np.savez_compressed(out, path_gain=gain, los=los, under_roof=roof, cell_x=centres[0, :, 0],
                        cell_y=centres[:, 0, 1], seconds=seconds, sionna_rt=rt.__version__,
                        request=json.dumps(req))


def main(argv: list[str]) -> None:
    if len(argv) == 3 and argv[0] == "meshes":
        export_meshes(argv[1], argv[2])
    elif len(argv) == 4 and argv[0] == "radiomap":
        radio_map(argv[1], argv[2], argv[3])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
