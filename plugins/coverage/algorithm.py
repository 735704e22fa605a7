"""The ``coverage.rsrp`` algorithm: best-server RSRP, best server and SINR rasters, coverage polygons and
statistics for the cells of a lamp_poles or sites_5g layer (or any point layer with the same fields)."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import shapely

from layers.errors import LayerError
from layers.i18n import QT_TRANSLATE_NOOP, translate
from layers.layer import RasterLayer, VectorLayer
from layers.rf_profile import RfProfile
from plugins.api import (
    Algorithm,
    AlgorithmError,
    BoolParameter,
    ChoiceParameter,
    Context,
    DistanceParameter,
    ExtentParameter,
    Feedback,
    LayerParameter,
    NumberParameter,
    Output,
    OutputLayer,
    OutputRaster,
    OutputTable,
    Parameter,
    ParameterError,
)
from plugins.coverage.config import (
    ANTENNAS,
    CORNER_REACH_M,
    FR2_START_MHZ,
    INDOOR_MODELS,
    MAX_CORNER_REACH_M,
    MODELS,
    CoverageConfig,
    CoverageConfigError,
    config_from_profile,
    model_labels,
)
from plugins.coverage.grid import Grid
from plugins.coverage.obstruction import SURFACE_ABOVE_GROUND, SURFACE_AUTO, SURFACE_DSM, SURFACE_TYPES, Obstruction
from plugins.resources import Need, check_memory, check_work

if TYPE_CHECKING:  # the engine imports numba: loaded by a run, not when the toolbox lists the algorithm
    from plugins.coverage.engine import CoverageResult
    from plugins.coverage.interference import Interference
    from plugins.coverage.statistics import DemandWeights
    from plugins.coverage.transmitters import Transmitters

#: "profile" takes the value of the project's RF profile (``layers.rf_profile``).
PROFILE = "profile"
#: Height cells of the grown study area above which a run goes block by block (``plugins.coverage.stream``),
#: each block reading its own window: 25 M cells is 100 MB of float32 heights, a 10 x 10 km city at 2 m.
STREAM_CELLS = 25_000_000
SUBCARRIERS = (PROFILE, "auto", "15", "30", "60", "120")
_FROM_PROFILE = QT_TRANSLATE_NOOP("CoverageRsrp", "Empty: the project's RF profile.")
_CONFIG_TO_PARAMETER = {"max_radius_m": "max_radius", "rsrp_threshold_dbm": "threshold_dbm",
                        "vertical_beamwidth_deg": "beamwidth_deg", "sector_azimuths": "first_azimuth_deg",
                        "location_probability": "location_probability", "load_factor": "load_factor"}


def project_profile(context: Context) -> RfProfile:
    """The RF profile of the run's project, else the defaults."""
    profile = getattr(context.project, "rf_profile", None)
    return profile if isinstance(profile, RfProfile) else RfProfile()


def site_class(layer: Any) -> str:
    """``macro`` for existing 5G sites, ``micro`` for lamp poles and other point layers."""
    return "macro" if getattr(layer, "kind", None) == "sites_5g" else "micro"


@dataclass
class Setup:
    """What the predictions of one run's parameters share: the profile and configuration, the cells, the grid, the
    grown extent of the heights, whether the run goes block by block (then ``obstruction`` is None: each block
    builds its own) and the interference plan."""

    profile: RfProfile
    config: CoverageConfig
    cells: Transmitters
    grid: Grid
    whole: tuple[float, float, float, float]
    streamed: bool
    obstruction: Obstruction | None
    plan: Interference


class CoverageRsrp(Algorithm):
    id = "coverage.rsrp"
    name = QT_TRANSLATE_NOOP("Algorithm", "Coverage: RSRP, best server and SINR")
    group = QT_TRANSLATE_NOOP("Algorithm", "Coverage")
    version = "1"
    description = QT_TRANSLATE_NOOP("Algorithm", (
        "Predicts downlink coverage of 5G cells on lamp poles or existing sites. For every grid cell it gives the "
        "best-server RSRP (dBm per resource element), which cell serves it, and the SINR against all other cells "
        "on the same carrier at full load plus thermal noise. Path loss follows 3GPP TR 38.901 (UMi-Street "
        "Canyon for street-level small cells, UMa for macro sites, or free space); whether a cell sees a "
        "transmitter is decided from building heights (a buildings layer or a height raster), not drawn at "
        "random. Sector antennas use the 3GPP pattern. Outputs: RSRP, best-server and SINR rasters, the area "
        "each cell serves above the RSRP threshold, and the shares of area, residents, workers, buildings and "
        "schools covered, with the demand each site serves. The model and its limits are described in "
        "docs/coverage_model.md."
    ))

    def parameters(self) -> list[Parameter]:
        return [
            LayerParameter("transmitters", self.tr("Transmitters (lamp poles or 5G sites)"), geometry=("point",),
                           help=self.tr("Fields used when present: height_m, eirp_dbm, band_mhz, azimuths, "
                                        "beamwidth_deg, tilt_deg, status.")),
            LayerParameter("buildings", self.tr("Buildings (footprints with height_m)"), kinds=("buildings",),
                           geometry=("polygon",), optional=True,
                           help=self.tr("Blocks radio paths (unless a height raster is given) and is counted in the "
                                        "statistics.")),
            LayerParameter("surface", self.tr("Height raster (metres above ground)"), raster=True, optional=True,
                           help=self.tr("A building-height / normalised DSM raster; used for line of sight instead of "
                                        "the buildings layer.")),
            ChoiceParameter("surface_type",
                            self.tr("The height raster holds"), default=SURFACE_AUTO, options=SURFACE_TYPES,
                            labels={SURFACE_AUTO: self.tr("Auto"),
                                    SURFACE_ABOVE_GROUND: self.tr("Heights above ground"),
                                    SURFACE_DSM: self.tr("DSM (ground included)")},
                            help=self.tr("auto: heights above ground, with a note when no cell is at ground level. A "
                                         "DSM (ground included) needs the terrain, which is subtracted from it.")),
            LayerParameter("terrain", self.tr("Terrain (ground elevation, DEM)"), raster=True, optional=True,
                           kinds=("terrain",), reproject=False,
                           help=self.tr("Ground elevation above sea level, in any CRS and resolution (resampled "
                                        "bilinearly to the obstruction grid). Line of sight then runs over ground + "
                                        "buildings, and antenna and receiver heights are above the local ground.")),
            DistanceParameter("obstruction_resolution", self.tr("Building grid resolution"), default=2.0, minimum=0.25,
                              maximum=50.0,
                              help=self.tr("Cell size used to burn building footprints for line of sight.")),
            LayerParameter("demand", self.tr("Demand (residents / workers)"), kinds=("demand",), optional=True),
            LayerParameter("schools", self.tr("Schools"), kinds=("schools",), optional=True),
            ChoiceParameter("model", self.tr("Path-loss model"), default="auto", options=MODELS, labels=model_labels(),
                            help=self.tr("auto: UMi below 20 m antenna height, UMa at or above.")),
            NumberParameter("frequency_mhz", self.tr("Carrier frequency"), unit="MHz", optional=True, minimum=100.0,
                            maximum=100000.0, help=self.tr(_FROM_PROFILE)),
            NumberParameter("bandwidth_mhz", self.tr("Channel bandwidth"), unit="MHz", optional=True, minimum=5.0,
                            maximum=400.0, help=self.tr(_FROM_PROFILE)),
            ChoiceParameter("subcarrier_khz", self.tr("Subcarrier spacing (kHz)"), default=PROFILE, options=SUBCARRIERS,
                            labels={PROFILE: self.tr("From the RF profile"), "auto": self.tr("Auto")},
                            help=self.tr("profile: the RF profile's spacing (with another frequency, as auto); auto: "
                                         "30 kHz below 24.25 GHz, 120 kHz above.")),
            NumberParameter("eirp_dbm", self.tr("EIRP per cell (overrides the layer)"), unit="dBm", optional=True,
                            minimum=-30.0, maximum=90.0),
            NumberParameter("tx_power_dbm",
                            self.tr("Transmit power per cell"), unit="dBm", optional=True, minimum=-30.0,
                            maximum=70.0,
                            help=self.tr("With the antenna gain, used instead of EIRP when EIRP is empty.")),
            NumberParameter("antenna_gain_dbi", self.tr("Antenna gain"), default=0.0, unit="dBi", minimum=-10.0,
                            maximum=40.0),
            NumberParameter("default_eirp_dbm", self.tr("EIRP when the layer has none"), unit="dBm", optional=True,
                            minimum=-30.0, maximum=90.0,
                            help=self.tr("Empty: the RF profile's EIRP of a micro cell (macro for 5G-site layers).")),
            ChoiceParameter("antenna", self.tr("Antennas of layers without azimuths"), default=PROFILE,
                            options=(PROFILE, *ANTENNAS),
                            labels={PROFILE: self.tr("From the RF profile"), "omni": self.tr("Omnidirectional"),
                                    "2 sectors": self.tr("2 sectors"), "3 sectors": self.tr("3 sectors")}),
            NumberParameter("first_azimuth_deg", self.tr("Azimuth of the first sector"), default=0.0, unit="°",
                            minimum=0.0, maximum=360.0),
            NumberParameter("beamwidth_deg",
                            self.tr("Horizontal beamwidth (layers without it)"), unit="°", optional=True,
                            minimum=1.0, maximum=360.0, help=self.tr(_FROM_PROFILE)),
            NumberParameter("tilt_deg", self.tr("Downtilt (layers without it)"), unit="°", optional=True, minimum=-30.0,
                            maximum=60.0, help=self.tr(_FROM_PROFILE)),
            NumberParameter("rx_height_m",
                            self.tr("Receiver height"), unit="m", optional=True, minimum=1.5, maximum=22.5,
                            help=self.tr("TR 38.901 is valid from 1.5 m.") + " " + self.tr(_FROM_PROFILE)),
            NumberParameter("noise_figure_db", self.tr("Receiver noise figure"), unit="dB", optional=True, minimum=0.0,
                            maximum=30.0, help=self.tr(_FROM_PROFILE)),
            NumberParameter("threshold_dbm", self.tr("RSRP threshold"), unit="dBm", optional=True, minimum=-160.0,
                            maximum=0.0, help=self.tr(_FROM_PROFILE)),
            NumberParameter("location_probability",
                            self.tr("Cell-edge location probability"), optional=True, minimum=0.5,
                            maximum=0.999,
                            help=self.tr("Covered means RSRP minus the shadow-fading margin σ·Φ⁻¹(p) reaches the "
                                         "threshold; 0.5 = the median.") + " " + self.tr(_FROM_PROFILE)),
            NumberParameter("load_factor", self.tr("Load of the interfering cells"), optional=True, minimum=0.0,
                            maximum=1.0, help=self.tr("1 = every cell transmits on every resource element.") + " "
                            + self.tr(_FROM_PROFILE)),
            DistanceParameter("max_radius", self.tr("Maximum radius"), optional=True, minimum=10.0, maximum=20000.0,
                              help=self.tr(_FROM_PROFILE)),
            DistanceParameter("interference_radius", self.tr("Interference radius"), optional=True, minimum=10.0,
                              maximum=20000.0,
                              help=self.tr("Cells interfere out to this distance (never less than the maximum radius). "
                                           "Empty: per cell, where its line-of-sight signal falls 10 dB below the "
                                           "noise (at most 5 km).")),
            DistanceParameter("resolution", self.tr("Raster resolution"), default=5.0, minimum=0.5, maximum=500.0),
            ExtentParameter("extent", self.tr("Extent"), optional=True,
                            help=self.tr("Default: the transmitters' bounds grown by the maximum radius, cut to the "
                                         "height raster when one is given.")),
            DistanceParameter("corner_reach", self.tr("Street-corner reach"), default=CORNER_REACH_M, minimum=0.0,
                              maximum=MAX_CORNER_REACH_M, advanced=True,
                              help=self.tr("Outdoor cells out of sight take the ITU-R P.1411 street-canyon loss "
                                           "over their walking distance from a lit street, walked this far (further "
                                           "in: its continuation, or the NLOS formula where higher); 0 switches it "
                                           "off.")),
            BoolParameter("street_turns", self.tr("Street turns (Berg)"), default=False, advanced=True,
                          help=self.tr("Outdoor cells out of sight take Berg's recursive street-canyon model over "
                                       "the best street path of up to two turns, where there is one, before the "
                                       "street-corner loss (needs a street-corner reach above 0).")),
            BoolParameter("reflections", self.tr("Facade reflections"), default=True, advanced=True,
                          help=self.tr("Adds first-order reflections off building facades of 10 m or more "
                                       "(image method, concrete walls) to outdoor cells out of sight.")),
            BoolParameter("multi_bounce", self.tr("Multiple facade reflections"), default=True, advanced=True,
                          help=self.tr("With facade reflections, also adds the paths that bounce off two to four "
                                       "facades along the street canyons (rays launched from antennas below the "
                                       "roofs) to outdoor cells out of sight.")),
            BoolParameter("corner_diffraction", self.tr("Corner diffraction"), default=True, advanced=True,
                          help=self.tr("With multiple facade reflections, also adds the waves that bend round "
                                       "building corners (uniform theory of diffraction) to outdoor cells out of "
                                       "sight; where no reflection reaches, they replace the street-corner loss.")),
            ChoiceParameter("indoor_loss", self.tr("Indoor (O2I) penetration loss"), default=PROFILE,
                            options=(PROFILE, *INDOOR_MODELS),
                            labels={PROFILE: self.tr("From the RF profile"), "none": self.tr("None"),
                                    "low": self.tr("Low loss"), "high": self.tr("High loss"),
                                    "mix": self.tr("Urban mix of low and high loss")},
                            help=self.tr("3GPP TR 38.901 low- or high-loss building model for cells inside buildings; "
                                         "mix: the mean of the two (an urban 50/50 mix, the profile's default).")),
        ]

    def outputs(self) -> list[Output]:
        return [
            OutputRaster("rsrp", self.tr("Best-server RSRP (dBm per resource element)")),
            OutputRaster("best_server", self.tr("Best-server cell index")),
            OutputRaster("sinr", self.tr("SINR (dB)")),
            OutputLayer("coverage", self.tr("Area served above the threshold, per cell")),
            OutputTable("statistics", self.tr("Shares covered")),
            OutputTable("per_site", self.tr("Demand served per site")),
        ]

    def check(self, params: dict[str, Any], context: Context) -> None:
        try:
            self._config(params, project_profile(context))
        except CoverageConfigError as exc:
            names = {p.name for p in self.parameters()}
            parameter = _CONFIG_TO_PARAMETER.get(exc.parameter, exc.parameter)
            raise ParameterError(parameter if parameter in names else "model", exc.problem) from None

    @staticmethod
    def _config(params: dict[str, Any], profile: RfProfile | None = None) -> CoverageConfig:
        """The profile's values for the transmitters' site class, overridden by the parameters that are set."""
        profile = profile if profile is not None else RfProfile()
        cls = site_class(params["transmitters"])
        antenna = profile.antenna(cls) if params["antenna"] == PROFILE else params["antenna"]
        first = params["first_azimuth_deg"]
        frequency = params["frequency_mhz"] if params["frequency_mhz"] is not None else profile.frequency_mhz
        scs = {PROFILE: None, "auto": 120.0 if frequency >= FR2_START_MHZ else 30.0}.get(params["subcarrier_khz"])
        return config_from_profile(
            profile, cls, frequency_mhz=params["frequency_mhz"], model=params["model"],
            bandwidth_mhz=params["bandwidth_mhz"],
            subcarrier_khz=scs if scs is not None or params["subcarrier_khz"] == PROFILE
            else float(params["subcarrier_khz"]),
            rx_height_m=params["rx_height_m"], noise_figure_db=params["noise_figure_db"],
            rsrp_threshold_dbm=params["threshold_dbm"], max_radius_m=params["max_radius"],
            eirp_dbm=params["eirp_dbm"], tx_power_dbm=params["tx_power_dbm"],
            antenna_gain_dbi=params["antenna_gain_dbi"], default_eirp_dbm=params["default_eirp_dbm"],
            sector_azimuths=tuple(first + a for a in ANTENNAS[antenna]), beamwidth_deg=params["beamwidth_deg"],
            tilt_deg=params["tilt_deg"],
            indoor_loss=None if params["indoor_loss"] == PROFILE else params["indoor_loss"],
            location_probability=params["location_probability"], load_factor=params["load_factor"],
            corner_reach_m=params.get("corner_reach"), reflections=params.get("reflections"),
            street_turns=params.get("street_turns"), multi_bounce=params.get("multi_bounce"),
            corner_diffraction=params.get("corner_diffraction"))

    def setup(self, params: dict[str, Any], context: Context, feedback: Feedback, *,
              announce: bool = True) -> Setup:
        """The run's transmitters, grid, obstruction and interference plan, with their notes logged: what every
        prediction of these parameters shares (``run``, and ``plan_figures`` for the prefixes of a plan).
        ``announce=False`` leaves the profile and the interference radii out of the log: a siting run's own log
        states the profile, and siting has no interference radius for the notes' advice to name."""
        from plugins.coverage.interference import interference_notes, interference_plan
        from plugins.coverage.transmitters import Transmitters
        from plugins.coverage.validity import validity_notes

        profile = project_profile(context)
        config = self._config(params, profile)
        if announce:
            feedback.log(profile.describe())
        self._refuse_early(params, config)
        feedback.raise_if_cancelled()
        try:
            cells = Transmitters.from_layer(params["transmitters"], config)
            grid = Grid.covering(self._extent(params, cells.x, cells.y, config), params["resolution"], cells.crs)
            self._check_resources(params, cells, grid, config, context.workers)
            whole = _grown(grid.bounds, config.max_radius_m)
            streamed = _streams(params, grid, config)
            obstruction = None if streamed else self._obstruction(params, whole, grid.crs, feedback)
        except (LayerError, ValueError) as exc:
            raise AlgorithmError(str(exc)) from exc
        plan = interference_plan(cells, config, grid, layer=params["transmitters"],
                                 radius_m=params["interference_radius"])
        for note in [*cells.notes, *(obstruction.notes if obstruction else ()), *validity_notes(cells, config),
                     *(interference_notes(plan, config) if announce else ())]:
            feedback.log(note)
        sites, features = int(np.unique(cells.feature_index).size), len(params["transmitters"].gdf)
        feedback.log(translate("CoverageRsrp", "{sites:,} of {features:,} sites, {cells:,} cells, grid {cols} x "
                                               "{rows} at {res:g} m, {rb} RB at {scs:g} kHz, noise {noise:.1f} dBm "
                                               "per RE").format(
            sites=sites, features=features, cells=len(cells), cols=grid.cols, rows=grid.rows, res=grid.res,
            rb=config.n_rb, scs=config.scs_khz, noise=config.noise_re_dbm))
        feedback.raise_if_cancelled()
        return Setup(profile, config, cells, grid, whole, streamed, obstruction, plan)

    def predict(self, params: dict[str, Any], setup: Setup, context: Context, feedback: Feedback,
                cells: Transmitters | None = None, interference: Interference | None = None) -> CoverageResult:
        """Best-server RSRP, server, SINR and best-server margin of ``cells`` (default: all of the run's) on the
        run's grid, with ``interference`` (default: the run's plan when all cells are predicted)."""
        from plugins.coverage.budget import clip
        from plugins.coverage.engine import compute_coverage
        from plugins.coverage.margin import best_server_margin
        from plugins.coverage.stream import compute_coverage_streamed

        whole_run = cells is None
        cells = setup.cells if cells is None else cells
        plan = setup.plan if whole_run and interference is None else interference
        if setup.streamed:  # each block reads its window of the heights (grown as one run's tiles, cut to its extent)
            block_notes: list[str] = []
            try:
                result = compute_coverage_streamed(
                    cells, setup.config, setup.grid,
                    lambda bounds: self._obstruction(params, clip(bounds, setup.whole), setup.grid.crs, feedback),
                    feedback=feedback, scheduler=context.dask_scheduler, workers=context.workers,
                    interference=plan, margins=True, notes=block_notes)
            except (LayerError, ValueError) as exc:
                raise AlgorithmError(str(exc)) from exc
            for note in block_notes if whole_run else ():
                feedback.log(note)
            return result
        result = compute_coverage(cells, setup.config, setup.obstruction, setup.grid, feedback=feedback,
                                  scheduler=context.dask_scheduler, workers=context.workers, interference=plan)
        return replace(result, margin_db=best_server_margin(result, setup.obstruction))

    @staticmethod
    def demand_weights(params: dict[str, Any], result: CoverageResult) -> DemandWeights:
        """The demand spread over a prediction's grid, and its totals: demand beyond the default extent (the
        transmitters' reach) counts as not covered; an explicit extent is the study area, counted alone."""
        from plugins.coverage.statistics import demand_weights

        return demand_weights(result, params["demand"], beyond_grid=params["extent"] is None)

    @classmethod
    def statistics(cls, params: dict[str, Any], result: CoverageResult, weights: DemandWeights | None = None
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The statistics and per-site tables of a prediction, counted as ``demand_weights`` says (``weights``:
        those already spread)."""
        from plugins.coverage.statistics import coverage_statistics

        return coverage_statistics(result, demand=params["demand"], buildings=params["buildings"],
                                   schools=params["schools"], beyond_grid=params["extent"] is None,
                                   weights=weights if weights is not None else cls.demand_weights(params, result))

    def run(self, params: dict[str, Any], context: Context, feedback: Feedback) -> dict[str, Any]:
        from plugins.coverage.diagnostics import diagnose
        from plugins.coverage.outputs import coverage_polygons, rsrp_raster, server_raster, sinr_raster
        from plugins.coverage.statistics import coverage_people
        from plugins.coverage.validity import apply_load

        started = time.perf_counter()
        setup = self.setup(params, context, feedback)
        cells, config, plan = setup.cells, setup.config, setup.plan
        result = self.predict(params, setup, context, feedback.step(5, 85))
        feedback.log(translate("CoverageRsrp", "{links:,} links over {tiles} tiles in {seconds:.1f} s").format(
            links=result.links, tiles=result.tiles, seconds=time.perf_counter() - started))
        feedback.raise_if_cancelled()
        result = apply_load(result)
        polygons = coverage_polygons(result, translate("CoverageRsrp", "Coverage"))
        feedback.set_progress(92)
        summary, per_site = self.statistics(params, result)
        feedback.set_progress(98)
        shares = {f"{row.measure}_covered_pct": round(float(row.share_pct), 2) for row in summary.itertuples()}
        figures, notes = diagnose(result, obstruction_bounds=self._obstruction_bounds(params))
        for note in notes:
            feedback.log(note)
        sites, features = int(np.unique(cells.feature_index).size), len(params["transmitters"].gdf)
        return {
            "rsrp": rsrp_raster(result), "best_server": server_raster(result, translate("CoverageRsrp", "Best server")),
            "sinr": sinr_raster(result),
            "coverage": polygons, "statistics": summary, "per_site": per_site,
            "sites": sites, "sites_left_out": features - sites, "cells": len(cells), "links": result.links,
            **shares, **figures, **coverage_people(summary), "rf_profile": setup.profile.to_dict(),
            "location_probability": config.location_probability,
            "interference_radius_m": round(float(plan.radius_m.max()), 1),
        }

    @staticmethod
    def _extent(params: dict[str, Any], x: np.ndarray, y: np.ndarray, config: CoverageConfig) -> tuple:
        """The given extent, else the reach of transmitters at ``x, y``, cut to the height raster when one is
        given: past its edge every path would count as line of sight, an optimistic map nobody asked for."""
        if params["extent"] is not None:
            return params["extent"]
        radius = config.max_radius_m
        reach = (float(x.min()) - radius, float(y.min()) - radius, float(x.max()) + radius, float(y.max()) + radius)
        surface: RasterLayer | None = params["surface"]
        if surface is None:
            return reach
        minx, miny, maxx, maxy = surface.extent
        cut = (max(reach[0], minx), max(reach[1], miny), min(reach[2], maxx), min(reach[3], maxy))
        return cut if cut[0] < cut[2] and cut[1] < cut[3] else reach

    @staticmethod
    def _obstruction_bounds(params: dict[str, Any]) -> tuple[float, float, float, float] | None:
        """The extent of the building data the run was given (the height raster wins, as in ``_obstruction``)."""
        layer = params["surface"] if params["surface"] is not None else params["buildings"]
        if layer is None or not np.all(np.isfinite(layer.extent)):
            return None
        return layer.extent

    @staticmethod
    def _obstruction(params: dict[str, Any], bounds: tuple[float, float, float, float], crs: Any,
                     feedback: Feedback) -> Obstruction:
        """What blocks paths over ``bounds`` (the study area, or a block of it, grown by the radius)."""
        from plugins.coverage.terrain import with_terrain

        surface, terrain = _surface_and_terrain(params)
        buildings: VectorLayer | None = params["buildings"]
        dsm = surface is not None and params["surface_type"] == SURFACE_DSM
        if surface is not None:
            if dsm and terrain is None:
                raise LayerError(surface.source, translate("CoverageRsrp", "is declared a DSM (ground included): "
                                                                           "give the terrain too, so that the ground "
                                                                           "can be told from what stands on it"),
                                 layer=surface.name)
            obstruction = Obstruction.from_raster(surface, surface=params["surface_type"], extent=bounds)
        elif buildings is not None:
            obstruction = Obstruction.from_buildings(buildings, params["obstruction_resolution"], extent=bounds,
                                                     cancelled=feedback.is_cancelled)
        elif terrain is not None:
            obstruction = Obstruction(np.zeros((0, 0), np.float32), 0.0, 0.0, params["obstruction_resolution"],
                                      crs)
        else:
            return Obstruction.none(crs)
        if terrain is None:
            return obstruction
        return with_terrain(obstruction, terrain, bounds, dsm=dsm)

    @classmethod
    def _refuse_early(cls, params: dict[str, Any], config: CoverageConfig) -> None:
        """The serving links of the transmitters' points alone (one omni cell each, no more than with sectors),
        counted before the transmitter table and the interference plan are built: a layer of a million poles is
        refused in a second instead of after minutes of set-up that Cancel cannot interrupt."""
        from plugins.coverage.budget import MAX_LINKS, coverage_need
        from plugins.coverage.interference import MAX_FAR_LINKS
        from plugins.coverage.kernel import TX_COLUMNS

        geometry = params["transmitters"].gdf.geometry.to_numpy()
        x, y = shapely.get_x(geometry), shapely.get_y(geometry)
        keep = np.isfinite(x) & np.isfinite(y)
        if not keep.any():
            return
        x, y = x[keep], y[keep]
        grid = Grid.covering(cls._extent(params, x, y, config), params["resolution"], params["transmitters"].crs)
        need = coverage_need(x, y, grid, config.max_radius_m, TX_COLUMNS, obstruction_cells=0, window_cells=0,
                             workers=1)
        check_work(need, MAX_LINKS + MAX_FAR_LINKS, translate("CoverageRsrp", "links (cell-transmitter pairs)"))

    @classmethod
    def _check_resources(cls, params: dict[str, Any], cells: Transmitters, grid: Grid, config: CoverageConfig,
                         workers: int) -> None:
        """Refuse, before allocating, a run that would not fit in memory or would take hours."""
        from plugins.coverage.budget import MAX_LINKS
        from plugins.coverage.interference import MAX_FAR_LINKS

        need = cls.resource_need(params, cells, grid, config, workers)
        # the far ring is capped to MAX_FAR_LINKS by the interference plan, so only the serving links can refuse
        check_work(need, MAX_LINKS + MAX_FAR_LINKS, translate("CoverageRsrp", "links (cell-transmitter pairs)"))
        check_memory(need)

    @staticmethod
    def resource_need(params: dict[str, Any], cells: Transmitters, grid: Grid, config: CoverageConfig,
                      workers: int) -> Need:
        """Peak memory and links of a run, from counts (``plugins.coverage.budget``)."""
        from plugins.coverage.budget import clip, coverage_need, height_cells
        from plugins.coverage.interference import far_links, interference_plan
        from plugins.coverage.kernel import TX_COLUMNS
        from plugins.coverage.stream import BLOCK_TILES, EDGE_M
        from plugins.coverage.tiles import TILE_CELLS

        surface, terrain = _surface_and_terrain(params)
        buildings: VectorLayer | None = params["buildings"]
        radius = config.max_radius_m
        if terrain is not None:  # the heights and the ground, each over the whole grown extent
            res = abs(surface.res[0]) if surface is not None else params["obstruction_resolution"]
            obstruction = 2 * height_cells(_grown(grid.bounds, radius), res)
        elif surface is not None:
            obstruction, res = surface.width * surface.height, abs(surface.res[0])
        elif buildings is not None:
            res = params["obstruction_resolution"]
            obstruction = height_cells(clip(tuple(buildings.gdf.total_bounds), _grown(grid.bounds, radius)), res)
        else:
            obstruction, res = 0, 1.0
        plan = interference_plan(cells, config, grid, radius_m=params.get("interference_radius"))
        # a tile's window of heights reaches the interference radius plus the serving radius (corner walks and
        # reflections trace from the antenna to anywhere within its radius)
        window = min(obstruction, int((TILE_CELLS * grid.res + 2 * (float(plan.radius_m.max()) + radius)) / res
                                      + 4) ** 2)
        if _streams(params, grid, config):  # one block's heights at a time (and its ground with terrain)
            block = BLOCK_TILES * TILE_CELLS * grid.res + 2 * (float(plan.radius_m.max()) + radius + EDGE_M)
            obstruction = min(obstruction, (2 if terrain is not None else 1) * int(block / res + 4) ** 2)
        fields = (1 + int(config.corner_diffraction)) if config.reflections and config.multi_bounce else 0
        need = coverage_need(cells.x, cells.y, grid, radius, TX_COLUMNS, obstruction_cells=obstruction,
                             window_cells=window, workers=workers, ray_fields=fields)
        return replace(need, work=need.work + far_links(cells, grid, plan.radius_m, radius))


def _surface_and_terrain(params: dict[str, Any]) -> tuple[RasterLayer | None, RasterLayer | None]:
    """The height raster and the terrain of a run: a height raster of kind terrain, given alone, is the terrain
    (a DEM is ground, not obstacles on flat ground)."""
    surface: RasterLayer | None = params["surface"]
    terrain: RasterLayer | None = params["terrain"]
    if surface is None or surface.kind != "terrain":
        return surface, terrain
    if terrain is not None:
        raise LayerError(surface.source, translate("CoverageRsrp", "is a terrain model (kind terrain) given as the "
                                                                   "height raster beside terrain '{name}'; give one "
                                                                   "terrain, and heights or a DSM as the height "
                                                                   "raster").format(name=terrain.name),
                         layer=surface.name)
    return None, surface


def _streams(params: dict[str, Any], grid: Grid, config: CoverageConfig) -> bool:
    """Whether the run goes block by block: its heights over the grown study area exceed ``STREAM_CELLS``."""
    from plugins.coverage.budget import height_cells

    surface, terrain = _surface_and_terrain(params)
    if surface is None and terrain is None and params["buildings"] is None:
        return False
    res = abs(surface.res[0]) if surface is not None else params["obstruction_resolution"]
    return height_cells(_grown(grid.bounds, config.max_radius_m), res) > STREAM_CELLS


def _grown(bounds: tuple[float, float, float, float], margin: float) -> tuple[float, float, float, float]:
    return (bounds[0] - margin, bounds[1] - margin, bounds[2] + margin, bounds[3] + margin)


__all__ = ["CoverageRsrp", "Setup"]
