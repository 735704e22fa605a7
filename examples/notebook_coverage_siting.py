# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Siting and coverage on the Tianhe sample, without the workbench
#
# Lamplight's model (`layers`) and algorithms (`plugins`) import no Qt, so a notebook (or a script: this file runs
# as either, in jupytext's percent format) can do what the workbench does. We load the sample project, choose 30
# lamp poles for small cells (MCLP), predict the coverage of those cells over the building heights, print the
# share of people covered (the one definition the workbench, the command line and the reports show,
# `plugins.figures`) and plot the result with matplotlib.
#
# Run it with Lamplight installed (`pip install .`): `python examples/notebook_coverage_siting.py [OUTPUT_FOLDER]`;
# from a checkout: `PYTHONPATH=. .venv/bin/python examples/notebook_coverage_siting.py`; or open it in Jupyter
# with jupytext. The figure goes to OUTPUT_FOLDER (default `out/notebook`).
# The same runs on the command line:
#
# ```bash
# lamplight run siting.mclp --project tianhe.lamp --candidates lamp_poles --demand demand --sites 30 \
#     --radius 150 --method greedy --sample_spacing 100 --output-dir out/
# lamplight run coverage.rsrp --project tianhe.lamp --transmitters out/selected_sites.gpkg \
#     --surface building_height_2m --demand demand --resolution 25 --output-dir out/
# ```

# %%
import os
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # draw to files; in Jupyter, the inline backend shows the figure instead
import matplotlib.pyplot as plt
import numpy as np

from lamplight.samples import sample_project
from layers import Project
from plugins.api import Context
from plugins.figures import covered_rows
from plugins.runner import run_algorithm

OUTPUT = Path(sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith("-") else
              os.environ.get("LAMPLIGHT_EXAMPLE_OUT", "out/notebook"))
OUTPUT.mkdir(parents=True, exist_ok=True)

# %% [markdown]
# ## The sample project
# `Project.load` opens the `.lamp` file; its layers are `VectorLayer`s (a GeoDataFrame each) and `RasterLayer`s.

# %%
project = Project.load(sample_project())
for layer in project:
    print(f"{layer.name:22} {type(layer).__name__:12} kind={layer.kind}")

# %% [markdown]
# ## Siting: 30 poles covering the most people within 150 m
# Parameters are the ones `lamplight help siting.mclp` lists; layer names resolve through the context's project.
# One demand point per 100 m demand cell (`sample_spacing`) keeps the run to seconds.

# %%
context = Context(project=project)
siting = run_algorithm("siting.mclp", {"candidates": "lamp_poles", "demand": "demand", "sites": 30,
                                       "radius": 150, "method": "greedy", "sample_spacing": 100}, context)
sites = siting.outputs["selected_sites"]
for key, label, value, note in covered_rows(siting.summary):
    print(f"siting   {label}: {value} ({note}); {key}_pct={siting.summary[key + '_pct']}")

# %% [markdown]
# ## Coverage of the chosen cells
# Best-server RSRP over the 2 m building-height raster, on a 25 m grid; the statistics count the same demand.

# %%
coverage = run_algorithm("coverage.rsrp", {"transmitters": sites, "surface": "building_height_2m",
                                           "demand": "demand", "resolution": 25}, context)
for key, label, value, note in covered_rows(coverage.summary):
    print(f"coverage {label}: {value} ({note}); {key}_pct={coverage.summary[key + '_pct']}")

# %% [markdown]
# ## The map
# The RSRP raster with the project's RSRP classes, the chosen poles by rollout phase, and the roads.

# %%
rsrp = coverage.outputs["rsrp"]
minx, miny, maxx, maxy = rsrp.extent
figure, axes = plt.subplots(figsize=(9, 7), dpi=100)
project.layer("roads").gdf.to_crs(rsrp.crs).plot(ax=axes, color="#b9b9b9", linewidth=0.6, zorder=1)
image = axes.imshow(rsrp.band(1), extent=(minx, maxx, miny, maxy), cmap="RdYlGn", vmin=-120, vmax=-70,
                    alpha=0.8, zorder=2)
figure.colorbar(image, ax=axes, shrink=0.7, label="best-server RSRP (dBm)")
placed = sites.gdf.to_crs(rsrp.crs)
for phase, group in placed.groupby("phase"):
    axes.scatter(group.geometry.x, group.geometry.y, s=28, edgecolor="black", linewidth=0.5, zorder=3,
                 label=f"phase {phase}")
axes.legend(loc="lower right", title="Chosen poles")
share = coverage.summary["people_covered_pct"]
axes.set_title(f"30 small cells on lamp poles: {share:.1f} % of people covered (RSRP coverage)")
axes.set_xlim(minx, maxx)
axes.set_ylim(miny, maxy)
axes.set_aspect("equal")
axes.set_axis_off()
figure_path = OUTPUT / "coverage_siting.png"
figure.savefig(figure_path, bbox_inches="tight")
print(f"figure   {figure_path}")
print(f"checks   {int(np.isfinite(rsrp.band(1).filled(np.nan)).sum()):,} RSRP cells, {len(sites)} sites")
