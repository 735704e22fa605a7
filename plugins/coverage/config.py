"""Radio parameters of one coverage run, and the power bookkeeping that turns them into per-RE figures.

RSRP is a power per resource element (RE, one 15·2^µ kHz subcarrier), so the transmit side is spread over
the 12·N_RB subcarriers of the carrier: ``EIRP_RE = EIRP_total - 10·log10(12·N_RB)``. Noise is kept per RE
too: ``N_RE = -174 dBm/Hz + 10·log10(SCS) + NF``, which equals the total noise over the occupied bandwidth
``-174 + 10·log10(12·N_RB·SCS) + NF`` minus the same ``10·log10(12·N_RB)``, so SINR is the same ratio whether
it is formed per RE or from total powers. N_RB comes from TS 38.101-1/-2 Table 5.3.2-1.

Example::

    config = CoverageConfig(frequency_mhz=3500, bandwidth_mhz=100)   # 273 RB at 30 kHz
    config.n_rb, config.noise_re_dbm                                   # (273, -120.2...)
    config = config_from_profile(project.rf_profile, "micro", max_radius_m=300)   # what a planning run uses

The defaults of ``CoverageConfig`` are the bare model (median, no O2I loss); a planning run builds its config
from the project's RF profile (``layers.rf_profile``, the one place the planning defaults and their sources
live) with ``config_from_profile``, so coverage, rf-mode siting and the statistics use the same values.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Any

import numpy as np

from layers.errors import LamplightError
from layers.i18n import QT_TRANSLATE_NOOP, translate
from layers.rf_profile import INDOOR_MODELS, MIN_RX_HEIGHT_M, RfProfile

# The inverse normal CDF for fade margins (stdlib, so opening the workbench does not import scipy.stats).
_STANDARD_NORMAL = NormalDist()

#: Path-loss models: free space, 3GPP TR 38.901 UMi-Street Canyon and UMa, or UMi/UMa chosen by antenna height.
MODELS = ("free_space", "umi", "uma", "auto")
#: How the models read in a dialog.
MODEL_LABELS = {"free_space": QT_TRANSLATE_NOOP("PathLossModel", "Free space"),
                "umi": QT_TRANSLATE_NOOP("PathLossModel", "UMi street canyon (3GPP TR 38.901)"),
                "uma": QT_TRANSLATE_NOOP("PathLossModel", "UMa (3GPP TR 38.901)"),
                "auto": QT_TRANSLATE_NOOP("PathLossModel", "Auto: UMi or UMa by antenna height")}
#: The profile whose values are the defaults below (``layers.rf_profile`` states their sources).
DEFAULT_PROFILE = RfProfile()
#: Antennas of layers without azimuths: sector azimuths relative to the first sector.
ANTENNAS = {"omni": (), "2 sectors": (0.0, 180.0), "3 sectors": (0.0, 120.0, 240.0)}
#: Nominal base-station heights of TR 38.901 Table 7.4.1-1 (UMi-Street Canyon 10 m, UMa 25 m).
NOMINAL_BS_HEIGHT_M = {"umi": 10.0, "uma": 25.0}
#: The 3GPP models' largest 2-D distance (TR 38.901 Table 7.4.1-1: 10 m < d2D < 5 km).
MAX_MODEL_DISTANCE_M = 5000.0
#: Antennas at or above this height count as macro (UMa) sites under model "auto"; below it, street level (UMi).
MACRO_HEIGHT_M = 20.0
#: First frequency of FR2 (TS 38.104); below it the default subcarrier spacing is 30 kHz, above it 120 kHz.
FR2_START_MHZ = 24250.0
#: Default distance (m) the walk from the lit street looks for P.1411's street-canyon loss (``corner``): the
#: walk's longest at the default 5 m grid (24 cells); cells further in take its continuation beyond the walk.
CORNER_REACH_M = 120.0
#: The longest corner reach a run accepts (m): every tile computes its walks over a window grown by it.
MAX_CORNER_REACH_M = 500.0

# TS 38.101-1 Table 5.3.2-1 (FR1) and TS 38.101-2 Table 5.3.2-1 (FR2): N_RB by subcarrier spacing (kHz) and
# channel bandwidth (MHz).
_NRB_FR1 = {
    15: {5: 25, 10: 52, 15: 79, 20: 106, 25: 133, 30: 160, 35: 188, 40: 216, 45: 242, 50: 270},
    30: {5: 11, 10: 24, 15: 38, 20: 51, 25: 65, 30: 78, 35: 92, 40: 106, 45: 119, 50: 133, 60: 162, 70: 189,
         80: 217, 90: 245, 100: 273},
    60: {10: 11, 15: 18, 20: 24, 25: 31, 30: 38, 35: 44, 40: 51, 45: 58, 50: 65, 60: 79, 70: 93, 80: 107,
         90: 121, 100: 135},
}
_NRB_FR2 = {60: {50: 66, 100: 132, 200: 264}, 120: {50: 32, 100: 66, 200: 132, 400: 264}}


def model_labels() -> dict[str, str]:
    """The path-loss models as a dialog lists them, in the interface's language."""
    return {model: translate("PathLossModel", label) for model, label in MODEL_LABELS.items()}


class CoverageConfigError(LamplightError, ValueError):
    """A radio parameter is out of range; the message starts with the parameter's name ("name: problem")."""

    @property
    def parameter(self) -> str:
        return str(self).partition(": ")[0]

    @property
    def problem(self) -> str:
        return str(self).partition(": ")[2]


def resource_blocks(frequency_mhz: float, bandwidth_mhz: float, subcarrier_khz: float) -> int:
    """N_RB of a carrier from the 3GPP tables; raises ``CoverageConfigError`` for a combination they lack."""
    table = _NRB_FR2 if frequency_mhz >= FR2_START_MHZ else _NRB_FR1
    band = "FR2" if table is _NRB_FR2 else "FR1"
    scs = int(round(subcarrier_khz))
    if scs not in table or abs(scs - subcarrier_khz) > 1e-9:
        raise CoverageConfigError("subcarrier_khz: " + translate(
            "CoverageConfig", "subcarrier spacing {scs:g} kHz is not used in {band}; choose one of {choices} "
                              "kHz").format(scs=subcarrier_khz, band=band, choices=", ".join(str(s) for s in table)))
    widths = table[scs]
    bandwidth = int(round(bandwidth_mhz))
    if bandwidth not in widths or abs(bandwidth - bandwidth_mhz) > 1e-9:
        raise CoverageConfigError("bandwidth_mhz: " + translate(
            "CoverageConfig", "{bandwidth:g} MHz is not a {band} channel bandwidth at {scs} kHz; choose one of "
                              "{choices} MHz").format(bandwidth=bandwidth_mhz, band=band, scs=scs,
                                                      choices=", ".join(str(w) for w in widths)))
    return widths[bandwidth]


@dataclass(frozen=True)
class CoverageConfig:
    """Everything about the carrier, the antennas' defaults and the receiver that a coverage run needs.

    Transmit power: ``eirp_dbm`` (total over the carrier, at the antenna's boresight) overrides everything;
    else ``tx_power_dbm + antenna_gain_dbi`` when ``tx_power_dbm`` is set; else the layer's ``eirp_dbm`` field
    (sites_5g); else ``default_eirp_dbm``. ``sector_azimuths`` (degrees; empty = omni), ``beamwidth_deg`` and
    ``tilt_deg`` are used for layers without those fields (lamp poles).
    """

    frequency_mhz: float = DEFAULT_PROFILE.frequency_mhz
    model: str = "auto"
    bandwidth_mhz: float = DEFAULT_PROFILE.bandwidth_mhz
    subcarrier_khz: float | None = None
    rx_height_m: float = DEFAULT_PROFILE.rx_height_m
    noise_figure_db: float = DEFAULT_PROFILE.noise_figure_db
    rsrp_threshold_dbm: float = DEFAULT_PROFILE.rsrp_threshold_dbm
    sinr_threshold_db: float = DEFAULT_PROFILE.sinr_threshold_db
    max_radius_m: float = DEFAULT_PROFILE.max_radius_m
    eirp_dbm: float | None = None
    tx_power_dbm: float | None = None
    antenna_gain_dbi: float = 0.0
    default_eirp_dbm: float = DEFAULT_PROFILE.eirp_dbm("micro")
    sector_azimuths: tuple[float, ...] = field(default_factory=tuple)
    beamwidth_deg: float = DEFAULT_PROFILE.beamwidth_deg
    vertical_beamwidth_deg: float = 65.0
    tilt_deg: float = 0.0
    indoor_loss: str = "none"
    default_height_m: float = DEFAULT_PROFILE.micro_height_m
    #: Location probability the covered test designs for; 0.5 is the median (no margin).
    location_probability: float = 0.5
    #: Shadow-fading σ (dB): UMi LOS, UMi NLOS, UMa LOS, UMa NLOS (TR 38.901 Table 7.4.1-1).
    shadow_sigma_db: tuple[float, float, float, float] = (
        DEFAULT_PROFILE.sigma_umi_los_db, DEFAULT_PROFILE.sigma_umi_nlos_db, DEFAULT_PROFILE.sigma_uma_los_db,
        DEFAULT_PROFILE.sigma_uma_nlos_db)
    #: Share of the resource elements the interfering cells transmit on (1 = full load).
    load_factor: float = DEFAULT_PROFILE.load_factor
    #: Calibration to measurements (``calibration``): LOS offset (dB), LOS slope, NLOS offset (dB), NLOS slope.
    calibration: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    #: Street canyons (ITU-R P.1411, ``corner``): NLOS outdoor cells take the street-canyon loss over their walking
    #: distance from a line-of-sight cell, walked this far (m; beyond, its continuation); 0 = off.
    corner_reach_m: float = CORNER_REACH_M
    #: First-order facade reflections (``reflections``) add their power to outdoor receivers.
    reflections: bool = True
    #: With ``reflections``, rasters also add the reflections of order 2-4 (``bounces``, shoot-and-bounce).
    multi_bounce: bool = True
    #: With ``multi_bounce``, rasters also add the diffraction round building corners (``diffraction``, UTD), which
    #: replaces the street-canyon loss where no reflected path reaches a cell. On the tuning scenes it met 6 of
    #: their 9 NLOS and corner goals against 2 without it (docs/coverage_model.md, Corner diffraction).
    corner_diffraction: bool = True
    #: Berg's recursive street-canyon model (``turns``) over paths of up to two turns, before P.1411's corner loss
    #: (needs ``corner_reach_m`` > 0). Off by default: on the held-out scene it cut the NLOS RMSE but moved the
    #: NLOS mean error just past the −3 dB goal (docs/coverage_model.md, Turns).
    street_turns: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "sector_azimuths", tuple(float(a) % 360.0 for a in self.sector_azimuths))
        self._check_ranges()
        if self.model not in MODELS:
            raise CoverageConfigError("model: " + translate(
                "CoverageConfig", "unknown path-loss model '{model}'; choose one of {choices}").format(
                model=self.model, choices=", ".join(MODELS)))
        if self.indoor_loss not in INDOOR_MODELS:
            raise CoverageConfigError("indoor_loss: " + translate(
                "CoverageConfig", "unknown model '{model}'; choose one of {choices}").format(
                model=self.indoor_loss, choices=", ".join(INDOOR_MODELS)))
        if self.model != "free_space" and not 500.0 <= self.frequency_mhz <= 100000.0:
            raise CoverageConfigError("frequency_mhz: " + translate(
                "CoverageConfig", "{frequency:g} MHz is outside 0.5-100 GHz, the range of the 3GPP TR 38.901 models; "
                                  "use model 'free_space'").format(frequency=self.frequency_mhz))
        if self.model != "free_space" and not MIN_RX_HEIGHT_M <= self.rx_height_m <= 22.5:
            raise CoverageConfigError("rx_height_m: " + translate(
                "CoverageConfig", "{height:g} m is outside 1.5-22.5 m, the UE heights for which TR 38.901 UMi/UMa are "
                                  "valid (below 1.5 m the breakpoint distance collapses and line-of-sight loss is "
                                  "overstated)").format(height=self.rx_height_m))
        if not 0.5 <= self.location_probability < 1.0:
            raise CoverageConfigError("location_probability: " + translate(
                "CoverageConfig", "{probability:g} is outside 0.5-1 (0.5 is the median, 0.9 a usual cell-edge design "
                                  "target)").format(probability=self.location_probability))
        if not 0.0 <= self.corner_reach_m <= MAX_CORNER_REACH_M:
            raise CoverageConfigError("corner_reach_m: " + translate(
                "CoverageConfig", "{reach:g} m is outside 0-{maximum:g} m (0 switches the street-corner term "
                                  "off)").format(reach=self.corner_reach_m, maximum=MAX_CORNER_REACH_M))
        if not 0.0 <= self.load_factor <= 1.0 or any(s < 0 or not math.isfinite(s) for s in self.shadow_sigma_db):
            raise CoverageConfigError("load_factor: " + translate(
                "CoverageConfig", "the load factor must lie in 0-1 and every σ be 0 dB or more"))
        resource_blocks(self.frequency_mhz, self.bandwidth_mhz, self.scs_khz)

    def _check_ranges(self) -> None:
        positive = {"frequency_mhz": self.frequency_mhz, "bandwidth_mhz": self.bandwidth_mhz,
                    "rx_height_m": self.rx_height_m, "max_radius_m": self.max_radius_m,
                    "beamwidth_deg": self.beamwidth_deg, "vertical_beamwidth_deg": self.vertical_beamwidth_deg,
                    "default_height_m": self.default_height_m}
        for name, value in positive.items():
            if not (math.isfinite(value) and value > 0):
                raise CoverageConfigError(f"{name}: " + translate(
                    "CoverageConfig", "must be a positive number, got {value!r}").format(value=value))
        for name in ("eirp_dbm", "tx_power_dbm", "antenna_gain_dbi", "default_eirp_dbm", "noise_figure_db",
                     "rsrp_threshold_dbm", "sinr_threshold_db", "tilt_deg"):
            value = getattr(self, name)
            if value is not None and not math.isfinite(value):
                raise CoverageConfigError(f"{name}: " + translate(
                    "CoverageConfig", "must be a finite number, got {value!r}").format(value=value))
        if self.beamwidth_deg > 360 or self.vertical_beamwidth_deg > 180:
            raise CoverageConfigError("beamwidth_deg: " + translate(
                "CoverageConfig", "must be at most 360° (vertical_beamwidth_deg at most 180°)"))

    @property
    def scs_khz(self) -> float:
        """Subcarrier spacing: as given, else 30 kHz in FR1 and 120 kHz in FR2."""
        if self.subcarrier_khz is not None:
            return float(self.subcarrier_khz)
        return 120.0 if self.frequency_mhz >= FR2_START_MHZ else 30.0

    @property
    def n_rb(self) -> int:
        return resource_blocks(self.frequency_mhz, self.bandwidth_mhz, self.scs_khz)

    @property
    def subcarriers(self) -> int:
        """12·N_RB: the number of REs one OFDM symbol spreads the transmit power over."""
        return 12 * self.n_rb

    @property
    def re_offset_db(self) -> float:
        """10·log10(12·N_RB): total power minus this is power per resource element."""
        return 10.0 * math.log10(self.subcarriers)

    @property
    def noise_re_dbm(self) -> float:
        """Thermal noise plus receiver noise figure in one subcarrier: -174 + 10·log10(SCS in Hz) + NF."""
        return -174.0 + 10.0 * math.log10(self.scs_khz * 1e3) + self.noise_figure_db

    @property
    def noise_total_dbm(self) -> float:
        """The same noise over the occupied bandwidth 12·N_RB·SCS (what a spectrum analyser would show)."""
        return self.noise_re_dbm + self.re_offset_db

    def total_eirp_dbm(self, layer_eirp_dbm: float | None) -> float:
        """The carrier EIRP of one cell under the precedence described in the class docstring."""
        if self.eirp_dbm is not None:
            return float(self.eirp_dbm)
        if self.tx_power_dbm is not None:
            return float(self.tx_power_dbm + self.antenna_gain_dbi)
        if layer_eirp_dbm is not None and math.isfinite(layer_eirp_dbm):
            return float(layer_eirp_dbm)
        return float(self.default_eirp_dbm)

    @property
    def z_score(self) -> float:
        """Φ⁻¹(p): how many σ above the median the covered test asks for."""
        return float(_STANDARD_NORMAL.inv_cdf(self.location_probability))

    def margin_db(self, model: np.ndarray, los: np.ndarray) -> np.ndarray:
        """Log-normal shadow-fading margin σ·Φ⁻¹(p) of links under ``model`` codes (``pathloss.MODEL_CODES``)
        in LOS state ``los``; free space has no σ."""
        umi_los, umi_nlos, uma_los, uma_nlos = self.shadow_sigma_db
        sigma = np.array([[0.0, 0.0], [umi_nlos, umi_los], [uma_nlos, uma_los]])  # [model code, los]
        return self.z_score * sigma[np.asarray(model, np.int64), np.asarray(los, bool).astype(np.int64)]

    @property
    def largest_margin_db(self) -> float:
        """The margin of the widest σ: RSRP this far above the threshold is covered whatever the LOS state."""
        return self.z_score * max(self.shadow_sigma_db)


def shadow_margin_db(sigma_db: float, probability: float) -> float:
    """σ·Φ⁻¹(p): the margin above the median path loss that a log-normal shadowing of σ dB exceeds with
    probability 1 − p (e.g. σ = 7.82 dB, p = 0.9: 10.02 dB)."""
    return float(sigma_db * _STANDARD_NORMAL.inv_cdf(probability))


def config_from_profile(profile: RfProfile | None, site_class: str = "micro", **overrides: Any) -> CoverageConfig:
    """The coverage configuration of ``profile`` (None: the defaults) for cells of ``site_class`` (``micro``:
    lamp poles, ``macro``: existing sites), with single values overridden by a run's parameters (None = keep)."""
    profile = profile if profile is not None else DEFAULT_PROFILE
    values: dict[str, Any] = {
        "frequency_mhz": profile.frequency_mhz, "bandwidth_mhz": profile.bandwidth_mhz,
        "subcarrier_khz": profile.subcarrier_khz, "rx_height_m": profile.rx_height_m,
        "noise_figure_db": profile.noise_figure_db, "rsrp_threshold_dbm": profile.rsrp_threshold_dbm,
        "sinr_threshold_db": profile.sinr_threshold_db,
        "max_radius_m": profile.max_radius_m, "default_eirp_dbm": profile.eirp_dbm(site_class),
        "sector_azimuths": ANTENNAS[profile.antenna(site_class)], "beamwidth_deg": profile.beamwidth_deg,
        "tilt_deg": profile.tilt_deg(site_class), "indoor_loss": profile.indoor_loss,
        "default_height_m": profile.height_m(site_class),
        "location_probability": profile.cell_edge_probability,
        "shadow_sigma_db": (profile.sigma_umi_los_db, profile.sigma_umi_nlos_db, profile.sigma_uma_los_db,
                            profile.sigma_uma_nlos_db),
        "load_factor": profile.load_factor,
        "calibration": (profile.calibration_los_offset_db, profile.calibration_los_slope,
                        profile.calibration_nlos_offset_db, profile.calibration_nlos_slope),
    }
    values.update({key: value for key, value in overrides.items() if value is not None})
    if "subcarrier_khz" not in overrides and values["frequency_mhz"] != profile.frequency_mhz:
        values["subcarrier_khz"] = None    # another band: its own default spacing, not the profile's
    return CoverageConfig(**values)


__all__ = ["ANTENNAS", "CORNER_REACH_M", "CoverageConfig", "CoverageConfigError", "DEFAULT_PROFILE", "FR2_START_MHZ",
           "INDOOR_MODELS", "MAX_CORNER_REACH_M",
           "MACRO_HEIGHT_M", "MAX_MODEL_DISTANCE_M", "MODELS", "NOMINAL_BS_HEIGHT_M", "config_from_profile",
           "resource_blocks", "shadow_margin_db"]
