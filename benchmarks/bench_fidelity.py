"""Benchmark: Lamplight's coverage against a ray tracer (Sionna RT) on the scenes shipped in the sionna-rt wheel.

    .venv/bin/python benchmarks/bench_fidelity.py [--scene NAME ...] [--quick] [--save] [--markdown]
                                                  [--street-turns] [--no-multi-bounce] [--no-corner-diffraction]

Per scene (buildings from the scene's meshes, 5 street-level transmitters, 3.5 GHz, 1.5 m receivers, 5 m grid;
made and cached by benchmarks/fidelity/references.py) it runs Lamplight's coverage with the default settings and
the ray tracer on the same buildings and transmitters, and prints: line-of-sight agreement (Lamplight's LOS
decision against the ray tracer's shadow ray, outdoor cells within the coverage radius), ME/RMSE of the path
loss (Lamplight − ray tracer, dB: positive = pessimistic) in LOS and NLOS cells the ray tracer reaches, NLOS
error by walking distance from the nearest LOS cell, and the speed ratio (the ray tracer's radio map time over
Lamplight's coverage run, both measured in this run, under whatever load the machine has).

Munich is HELD OUT: it is the acceptance scene, reported separately; never fit or tune a model on it.
``--quick`` compares with the cached radio maps and their cached ray-tracer times (seconds, for tuning loops).
``--save`` stores the figures of a run over every scene. Without sionna-rt (``$LAMPLIGHT_SIONNA_PYTHON`` or
/work/sionna-venv/bin/python) the figures last measured (benchmarks/fidelity_last.json) are printed.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import geopandas as gpd
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.fidelity.compare import align, pool, scene_figures  # noqa: E402
from benchmarks.fidelity.exact_los import exact_los  # noqa: E402
from benchmarks.fidelity.lamplight_maps import lamplight_maps  # noqa: E402
from benchmarks.fidelity.references import CACHE, SCENES, build, radio_map, sionna_available  # noqa: E402

LAST = ROOT / "benchmarks" / "fidelity_last.json"
GOALS = {"nlos_me_db": 3.0, "nlos_rmse_db": 18.0, "corner_me_db": 4.0, "los_agreement_pct": 99.5, "speed": 20.0}


def reference(name: str, quick: bool) -> dict[str, np.ndarray]:
    """The scene's radio map: cached (``quick``), else ray-traced again now with the cached request."""
    folder = CACHE / name
    if not (folder / "radiomap.npz").exists():
        build(SCENES[name], 10_000_000, force=False)
    if quick:
        with np.load(folder / "radiomap.npz") as data:
            return {k: data[k] for k in data.files}
    request = json.loads((folder / "transmitters.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "radiomap.npz"
        radio_map(SCENES[name], request, out)
        with np.load(out) as data:
            return {k: data[k] for k in data.files}


def measure(name: str, quick: bool, options: dict) -> dict:
    """One scene's figures (coverage with algorithm ``options`` on top of the defaults)."""
    ref = reference(name, quick)
    request = json.loads(str(ref["request"]))
    lamp = lamplight_maps(CACHE / name, request, options)
    res, rows, cols = float(request["res"]), int(request["rows"]), int(request["cols"])
    top = float(request["y0"]) + rows * res
    aligned = {key: align(ref["cell_x"], ref["cell_y"], ref[key], float(request["x0"]), top, res, rows, cols,
                          fill=fill) for key, fill in (("path_gain", 0.0), ("los", False), ("under_roof", True))}
    within = (lamp.distance <= lamp.max_radius_m) & np.isfinite(lamp.path_loss)
    figures = scene_figures(lamp.path_loss, lamp.los, lamp.indoor, within, aligned["path_gain"], aligned["los"],
                            aligned["under_roof"], res)
    figures["los_disagree_by_scene_pct"] = los_disagreement_by_scene(name, request, lamp, aligned, within)
    sionna_s = float(ref["seconds"])
    figures.update(lamplight_s=lamp.seconds, sionna_s=sionna_s, speed_ratio=sionna_s / lamp.seconds,
                   transmitters=len(request["transmitters"]), rays_per_tx=request["solver"]["samples_per_tx"],
                   held_out=SCENES[name].held_out)
    return figures


def los_disagreement_by_scene(name: str, request: dict, lamp, aligned: dict, within: np.ndarray) -> float:
    """Percent of the compared cells where Lamplight and the ray tracer disagree on line of sight and the exact
    2.5-D footprints side with Lamplight: the scene's geometry (arches, overhangs) that no 2.5-D model holds,
    not Lamplight's height grid."""
    buildings = gpd.read_file(CACHE / name / "buildings.gpkg", layer="buildings")
    footprints, heights = buildings.geometry.to_numpy(), buildings["height_m"].to_numpy(float)
    compared = within & (~lamp.indoor & ~aligned["under_roof"])[None]
    res, rows = float(request["res"]), int(request["rows"])
    top = float(request["y0"]) + rows * res
    by_scene = 0
    for k, tx in enumerate(request["transmitters"]):
        i, j = np.nonzero(compared[k] & (lamp.los[k] != aligned["los"][k]))
        centres = np.column_stack([float(request["x0"]) + (j + 0.5) * res, top - (i + 0.5) * res])
        exact = exact_los(footprints, heights, tuple(tx), centres, float(request["rx_height"]))
        by_scene += int((exact == lamp.los[k][i, j]).sum())
    return 100.0 * by_scene / max(int(compared.sum()), 1)


def _err(f: dict) -> str:
    return f"{f['me_db']:+6.1f} / {f['rmse_db']:5.1f} (n={f['n']:,})" if f["n"] else "   -"


def report(title: str, f: dict) -> None:
    print(f"{title}: LOS agreement {f['los_agreement_pct']:.2f} % of {f['cells_compared']:,} outdoor cells "
          f"({f['los_disagree_by_scene_pct']:.2f} % of them disagree where the exact 2.5-D footprints side with "
          f"Lamplight; ray tracer LOS {f['los_cells_ref_pct']:.1f} %, reached {f['reached_pct']:.1f} %)")
    print(f"  ME / RMSE dB   LOS {_err(f['los'])}   NLOS {_err(f['nlos'])}   corner 0-25 m {_err(f['corner_0_25m'])}")
    print("  NLOS by walking distance from LOS: " + "   ".join(
        f"{label} m {_err(v)}" for label, v in f["nlos_by_walk_m"].items()))
    if "speed_ratio" in f:
        print(f"  speed: Lamplight {f['lamplight_s']:.1f} s, ray tracer {f['sionna_s']:.0f} s -> "
              f"{f['speed_ratio']:.0f}x")


def goals(f: dict) -> list[str]:
    """The issue's acceptance goals, each with the measured figure and pass/fail."""
    rows = [("NLOS mean error within ±3 dB", f["nlos"]["me_db"], abs(f["nlos"]["me_db"]) <= GOALS["nlos_me_db"]),
            ("NLOS RMSE <= 18 dB", f["nlos"]["rmse_db"], f["nlos"]["rmse_db"] <= GOALS["nlos_rmse_db"]),
            ("corner (0-25 m) mean within ±4 dB", f["corner_0_25m"]["me_db"],
             abs(f["corner_0_25m"]["me_db"]) <= GOALS["corner_me_db"]),
            ("LOS agreement >= 99.5 %", f["los_agreement_pct"], f["los_agreement_pct"] >= GOALS["los_agreement_pct"]),
            ("coverage >= 20x faster", f["speed_ratio"], f["speed_ratio"] >= GOALS["speed"])]
    return [f"  {'PASS' if ok else 'FAIL'}  {text}: {value:.2f}" for text, value, ok in rows]


def summarise(scenes: dict[str, dict]) -> dict:
    """Pooled figures of the tuning scenes and of the held-out ones, with their speed ratios."""
    out = {}
    for group, held in (("tuning", False), ("held_out", True)):
        chosen = [f for f in scenes.values() if f["held_out"] == held]
        if chosen:
            out[group] = dict(pool(chosen), lamplight_s=sum(f["lamplight_s"] for f in chosen),
                              sionna_s=sum(f["sionna_s"] for f in chosen))
            out[group]["speed_ratio"] = out[group]["sionna_s"] / out[group]["lamplight_s"]
    return out


def show(result: dict) -> None:
    for name, f in result["scenes"].items():
        report(f"{name}{' (HELD OUT)' if f['held_out'] else ''}", f)
    for group, f in result["pooled"].items():
        label = "HELD OUT (Munich, acceptance)" if group == "held_out" else "tuning scenes pooled"
        report(label, f)
        print("\n".join(goals(f)))


def markdown(result: dict) -> str:
    """The figures as the table of docs/coverage_model.md (Measured fidelity)."""
    def cell(f: dict) -> str:
        return f"{f['me_db']:+.1f} / {f['rmse_db']:.1f}" if f["n"] else "–"

    rows = ["| scene | LOS agreement | LOS | NLOS | corner 0–25 m | NLOS > 100 m | speed |",
            "| --- | --- | --- | --- | --- | --- | --- |"]
    named = [(f"{n} (held out)" if f["held_out"] else n, f) for n, f in result["scenes"].items()]
    pooled = [("**tuning scenes pooled**", f) for g, f in result["pooled"].items() if g == "tuning"]
    for label, f in named + pooled:
        rows.append(f"| {label} | {f['los_agreement_pct']:.2f} % | {cell(f['los'])} | {cell(f['nlos'])} | "
                    f"{cell(f['corner_0_25m'])} | {cell(f['nlos_by_walk_m']['>100'])} | {f['speed_ratio']:.0f}× |")
    return "\n".join(rows)


def lamplight_commit() -> str:
    """The commit measured, '+ changes' when the work tree differs from it ('unknown' outside a git checkout)."""
    try:
        head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "plugins", "layers"],
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{head} + changes in plugins/ or layers/" if dirty else head


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scene", action="append", choices=sorted(SCENES), help="default: every scene")
    parser.add_argument("--quick", action="store_true",
                        help="compare with the cached radio maps and the ray-tracer times measured when they were made")
    parser.add_argument("--markdown", action="store_true", help="print the last figures saved as a Markdown table")
    parser.add_argument("--save", action="store_true", help=f"store the figures in {LAST.name} (every scene)")
    parser.add_argument("--street-turns", action="store_true",
                        help="coverage with Berg's street turns on (off by default)")
    parser.add_argument("--no-multi-bounce", action="store_true",
                        help="coverage without the multiple facade reflections (on by default)")
    parser.add_argument("--no-corner-diffraction", action="store_true",
                        help="coverage without the diffraction round building corners (on by default)")
    args = parser.parse_args()
    if args.save and (args.scene or args.street_turns or args.no_multi_bounce or args.no_corner_diffraction):
        parser.error("--save stores the figures of every scene with the default settings: leave out --scene, "
                     "--street-turns, --no-multi-bounce and --no-corner-diffraction")
    if args.markdown:
        print(markdown(json.loads(LAST.read_text(encoding="utf-8"))))
        return
    names = args.scene or list(SCENES)
    cached = all((CACHE / n / "radiomap.npz").exists() for n in names)
    if not sionna_available() and not (args.quick and cached):
        if not LAST.exists():
            sys.exit(f"sionna-rt not found and no figures measured yet ({LAST.relative_to(ROOT)})")
        last = json.loads(LAST.read_text(encoding="utf-8"))
        print(f"sionna-rt not found: the figures last measured ({last['measured']}, Lamplight {last['lamplight']}, "
              f"{last['conditions']}):")
        show(last)
        return
    options = {**({"street_turns": True} if args.street_turns else {}),
               **({"multi_bounce": False} if args.no_multi_bounce else {}),
               **({"corner_diffraction": False} if args.no_corner_diffraction else {})}
    scenes = {name: measure(name, args.quick, options) for name in names}
    result = {"measured": np.datetime64("now").astype(str) + " UTC", "lamplight": lamplight_commit(),
              "conditions": "Sionna RT re-run in this run" if not args.quick else
              "--quick: cached radio maps, ray-tracer times from when they were made",
              "options": options, "scenes": scenes, "pooled": summarise(scenes)}
    show(result)
    if args.save:
        LAST.write_text(json.dumps(result, indent=1) + "\n",
                        encoding="utf-8")
        print(f"saved to {LAST.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
