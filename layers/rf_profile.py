"""The project's RF profile: one set of radio assumptions that coverage, rf-mode siting and the statistics share.

Before the profile, coverage assumed 50 dBm EIRP where a layer had none and rf-mode siting 43 dBm, so one plan
read 88.6 % covered in siting and 99.5 % in coverage. Every planning default now lives in ``FIELDS`` below, with
its unit, bounds and source; ``RfProfile()`` is the default profile, a project saves its own under
``rf_profile`` in project.json, and a run's parameters may still override single values.

| field | default | source |
| --- | --- | --- |
| frequency_mhz | 3500 MHz | band n78 (3.3-3.8 GHz, TS 38.104 Table 5.2-1), the most deployed 5G mid-band |
| bandwidth_mhz | 100 MHz | the widest FR1 channel at 30 kHz (TS 38.101-1 Table 5.3.2-1) |
| subcarrier_khz | 30 kHz | numerology 1, the usual n78 spacing (TS 38.101-1 Table 5.3.5-1) |
| micro_tx_power_dbm | 38 dBm | TS 38.104 §6.2.1: a Medium Range BS is rated at most 38 dBm |
| micro_antenna_gain_dbi | 5 dBi | an omni small-cell antenna (vendor data sheets: 3-7 dBi); EIRP 43 dBm |
| macro_tx_power_dbm | 46 dBm | TR 36.814 Table A.2.1.1-2, macro BS power (40 W) |
| macro_antenna_gain_dbi | 17 dBi | a 65° cross-polar sector panel (vendor data sheets: 15-18 dBi); EIRP 63 dBm |
| micro/macro antenna | omni / 3 sectors | a lamp pole carries an omni unit; macro sites are trisectored |
| micro/macro_tilt_deg | 0° / 6° | a street-level omni has none; 6° is a common macro downtilt |
| micro/macro_height_m | 10 / 25 m | the nominal h_BS of UMi-Street Canyon / UMa, TR 38.901 Table 7.4.1-1 |
| beamwidth_deg | 65° | the 3GPP sector pattern's φ_3dB, TR 38.901 Table 7.3-1 |
| rx_height_m | 1.5 m | TR 38.901 Table 7.4.1-1: h_UT 1.5-22.5 m (refused below 1.5 m) |
| noise_figure_db | 9 dB | UE noise figure of TR 38.802 Table A.2.1-1 / TR 36.814 Table A.2.1.1-3 |
| rsrp_threshold_dbm | -100 dBm | planning convention for mid-band NR outdoor coverage (not a 3GPP value) |
| sinr_threshold_db | -5 dB | about where the lowest NR MCS still decodes (TS 38.214 CQI table 1, index 1) |
| cell_edge_probability | 0.90 | the usual design target at the cell edge (Jakes; 90-95 % in planning practice) |
| sigma_umi_los/nlos_db | 4 / 7.82 dB | shadow-fading σ of UMi-Street Canyon, TR 38.901 Table 7.4.1-1 |
| sigma_uma_los/nlos_db | 4 / 6 dB | shadow-fading σ of UMa, TR 38.901 Table 7.4.1-1 |
| indoor_loss | mix | TR 38.901 §7.4.3 with Table 7.8-1's 50 % low-loss / 50 % high-loss buildings |
| load_factor | 1.0 | full load, the worst case (TR 38.901 calibration assumes full buffer) |
| max_radius_m | 400 m | the longest link a study evaluates (coverage and siting) |
| calibration_los/nlos_offset_db, _slope | 0 | none; ``coverage.calibrate`` fits them to measurements |

Example::

    profile = RfProfile.from_dict(project.rf_profile.to_dict())     # what project.json holds
    profile.eirp_dbm("micro"), profile.margin_note()                  # 43.0, ...
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from layers.errors import LayerError
from layers.i18n import QT_TRANSLATE_NOOP, translate

#: The site classes: a micro-station on a lamp pole (street level, UMi) and a macro site on an existing mast.
SITE_CLASSES = ("micro", "macro")
ANTENNAS = ("omni", "2 sectors", "3 sectors")
INDOOR_MODELS = ("none", "low", "high", "mix")
#: TR 38.901 Table 7.4.1-1 is valid for UE heights of 1.5-22.5 m.
MIN_RX_HEIGHT_M = 1.5
MAX_RX_HEIGHT_M = 22.5


@dataclass(frozen=True)
class Field:
    """One numeric setting: unit and bounds (checked on load and in the dialog)."""

    unit: str
    minimum: float
    maximum: float


#: Numeric settings with unit and bounds; the defaults and their sources are in the module docstring.
FIELDS: dict[str, Field] = {
    "frequency_mhz": Field("MHz", 500.0, 100000.0),
    "bandwidth_mhz": Field("MHz", 5.0, 400.0),
    "subcarrier_khz": Field("kHz", 15.0, 120.0),
    "micro_tx_power_dbm": Field("dBm", -30.0, 70.0),
    "micro_antenna_gain_dbi": Field("dBi", -10.0, 40.0),
    "macro_tx_power_dbm": Field("dBm", -30.0, 70.0),
    "macro_antenna_gain_dbi": Field("dBi", -10.0, 40.0),
    "micro_tilt_deg": Field("°", -30.0, 60.0),
    "macro_tilt_deg": Field("°", -30.0, 60.0),
    "micro_height_m": Field("m", 1.5, 150.0),
    "macro_height_m": Field("m", 1.5, 150.0),
    "beamwidth_deg": Field("°", 1.0, 360.0),
    "rx_height_m": Field("m", MIN_RX_HEIGHT_M, MAX_RX_HEIGHT_M),
    "noise_figure_db": Field("dB", 0.0, 30.0),
    "rsrp_threshold_dbm": Field("dBm", -160.0, 0.0),
    "sinr_threshold_db": Field("dB", -20.0, 40.0),
    "cell_edge_probability": Field("", 0.5, 0.999),
    "sigma_umi_los_db": Field("dB", 0.0, 20.0),
    "sigma_umi_nlos_db": Field("dB", 0.0, 20.0),
    "sigma_uma_los_db": Field("dB", 0.0, 20.0),
    "sigma_uma_nlos_db": Field("dB", 0.0, 20.0),
    "load_factor": Field("", 0.0, 1.0),
    "max_radius_m": Field("m", 10.0, 20000.0),
    "calibration_los_offset_db": Field("dB", -40.0, 40.0),
    "calibration_los_slope": Field("", -5.0, 5.0),
    "calibration_nlos_offset_db": Field("dB", -40.0, 40.0),
    "calibration_nlos_slope": Field("", -5.0, 5.0),
}
CHOICES: dict[str, tuple[str, ...]] = {"micro_antenna": ANTENNAS, "macro_antenna": ANTENNAS,
                                       "indoor_loss": INDOOR_MODELS}


@dataclass(frozen=True)
class RfProfile:
    """Radio assumptions of a project; every default and its source is in the module docstring."""

    name: str = "Lamplight defaults (n78 3.5 GHz, 100 MHz)"
    frequency_mhz: float = 3500.0
    bandwidth_mhz: float = 100.0
    subcarrier_khz: float = 30.0
    micro_tx_power_dbm: float = 38.0
    micro_antenna_gain_dbi: float = 5.0
    macro_tx_power_dbm: float = 46.0
    macro_antenna_gain_dbi: float = 17.0
    micro_antenna: str = "omni"
    macro_antenna: str = "3 sectors"
    micro_tilt_deg: float = 0.0
    macro_tilt_deg: float = 6.0
    micro_height_m: float = 10.0
    macro_height_m: float = 25.0
    beamwidth_deg: float = 65.0
    rx_height_m: float = 1.5
    noise_figure_db: float = 9.0
    rsrp_threshold_dbm: float = -100.0
    sinr_threshold_db: float = -5.0
    cell_edge_probability: float = 0.9
    sigma_umi_los_db: float = 4.0
    sigma_umi_nlos_db: float = 7.82
    sigma_uma_los_db: float = 4.0
    sigma_uma_nlos_db: float = 6.0
    indoor_loss: str = "mix"
    load_factor: float = 1.0
    max_radius_m: float = 400.0
    #: Measured-minus-model correction per LOS class: offset + slope·10·log10(d3D / 100 m) dB on RSRP.
    calibration_los_offset_db: float = 0.0
    calibration_los_slope: float = 0.0
    calibration_nlos_offset_db: float = 0.0
    calibration_nlos_slope: float = 0.0

    def __post_init__(self) -> None:
        problem = self.problem()
        if problem is not None:
            raise ValueError(problem)

    def problem(self) -> str | None:
        """What is wrong with the values, in words naming the setting (None when all is well)."""
        if not isinstance(self.name, str) or not self.name.strip():
            return translate("RfProfile", "the RF profile needs a name")
        for name, spec in FIELDS.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                return translate("RfProfile", "RF profile setting '{name}' must be a number, not {value!r}").format(
                    name=name, value=value)
            if not spec.minimum <= value <= spec.maximum:
                if name == "rx_height_m":
                    return translate("RfProfile", "receiver height {value:g} m is outside {low:g}-{high:g} m, the UE "
                                                  "heights for which TR 38.901's path-loss models are valid").format(
                        value=value, low=spec.minimum, high=spec.maximum)
                return translate("RfProfile", "RF profile setting '{name}' is {value:g} {unit}, outside "
                                              "{low:g}-{high:g}").format(name=name, value=value, unit=spec.unit,
                                                                      low=spec.minimum, high=spec.maximum)
        for name, allowed in CHOICES.items():
            if getattr(self, name) not in allowed:
                return translate("RfProfile", "RF profile setting '{name}' is '{value}'; choose one of "
                                              "{choices}").format(name=name, value=getattr(self, name),
                                                               choices=", ".join(allowed))
        return None

    def tx_power_dbm(self, site_class: str) -> float:
        return float(getattr(self, f"{_site_class(site_class)}_tx_power_dbm"))

    def antenna_gain_dbi(self, site_class: str) -> float:
        return float(getattr(self, f"{_site_class(site_class)}_antenna_gain_dbi"))

    def eirp_dbm(self, site_class: str) -> float:
        """Transmit power plus antenna gain of a ``micro`` or ``macro`` cell (total over the carrier)."""
        return self.tx_power_dbm(site_class) + self.antenna_gain_dbi(site_class)

    def antenna(self, site_class: str) -> str:
        return str(getattr(self, f"{_site_class(site_class)}_antenna"))

    def tilt_deg(self, site_class: str) -> float:
        return float(getattr(self, f"{_site_class(site_class)}_tilt_deg"))

    def height_m(self, site_class: str) -> float:
        return float(getattr(self, f"{_site_class(site_class)}_height_m"))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any] | None, *, source: Any = "project.json") -> RfProfile:
        """The profile in ``values`` (missing settings take their defaults); a LayerError names a bad one."""
        known = {f.name for f in fields(cls)}
        values = dict(values or {})
        unknown = sorted(set(values) - known)
        if unknown:
            raise LayerError(source, translate("RfProfile", "rf_profile has a setting Lamplight does not know: "
                                                            "'{name}'").format(name=unknown[0]))
        try:
            return cls(**values)
        except (TypeError, ValueError) as exc:
            raise LayerError(source, translate("RfProfile", "rf_profile cannot be used: {problem}").format(
                problem=exc)) from None

    def with_values(self, **values: Any) -> RfProfile:
        return replace(self, **values)

    def describe(self) -> str:
        """One line for a run log: the profile's name and the values a reader needs to repeat the run."""
        return translate("RfProfile", "RF profile '{name}': {frequency:g} MHz, {bandwidth:g} MHz at {scs:g} kHz; "
                                      "micro {micro_eirp:g} dBm EIRP ({micro_antenna}, {micro_height:g} m), macro "
                                      "{macro_eirp:g} dBm EIRP ({macro_antenna}, {macro_height:g} m, tilt {tilt:g}°); "
                                      "receiver {rx:g} m, NF {nf:g} dB; RSRP >= {threshold:g} dBm at {probability:g} % "
                                      "location probability (σ UMi {umi_los:g}/{umi_nlos:g} dB, UMa {uma_los:g}/"
                                      "{uma_nlos:g} dB LOS/NLOS); indoor loss {indoor}; load {load:g}").format(
            name=self.name, frequency=self.frequency_mhz, bandwidth=self.bandwidth_mhz, scs=self.subcarrier_khz,
            micro_eirp=self.eirp_dbm("micro"), micro_antenna=self.micro_antenna, micro_height=self.micro_height_m,
            macro_eirp=self.eirp_dbm("macro"), macro_antenna=self.macro_antenna, macro_height=self.macro_height_m,
            tilt=self.macro_tilt_deg, rx=self.rx_height_m, nf=self.noise_figure_db, threshold=self.rsrp_threshold_dbm,
            probability=100 * self.cell_edge_probability, umi_los=self.sigma_umi_los_db,
            umi_nlos=self.sigma_umi_nlos_db, uma_los=self.sigma_uma_los_db, uma_nlos=self.sigma_uma_nlos_db,
            indoor=self.indoor_loss, load=self.load_factor)


def _site_class(site_class: str) -> str:
    if site_class not in SITE_CLASSES:
        raise ValueError(f"site class must be one of {', '.join(SITE_CLASSES)}, not {site_class!r}")
    return site_class


def schema() -> dict[str, Any]:
    """The jsonschema of the ``rf_profile`` entry of project.json, from ``FIELDS`` and ``CHOICES``."""
    properties: dict[str, Any] = {"name": {"type": "string", "minLength": 1, "maxLength": 1000,
                                           "description": QT_TRANSLATE_NOOP("ProjectSchema",
                                                                            "a profile name (a short text)")}}
    for name, spec in FIELDS.items():   # the message fills in the limits and "unit" (see project_schema)
        properties[name] = {"type": "number", "minimum": spec.minimum, "maximum": spec.maximum, "unit": spec.unit,
                            "description": QT_TRANSLATE_NOOP("ProjectSchema",
                                                             "a number from {minimum} to {maximum} {unit}")}
    for name, allowed in CHOICES.items():
        properties[name] = {"enum": list(allowed), "description": QT_TRANSLATE_NOOP("ProjectSchema",
                                                                                    "one of {choices}")}
    return {"type": ["object", "null"], "additionalProperties": False, "properties": properties,
            "description": QT_TRANSLATE_NOOP("ProjectSchema", "the RF profile (a group of radio settings) or empty")}


__all__ = ["ANTENNAS", "CHOICES", "FIELDS", "INDOOR_MODELS", "MIN_RX_HEIGHT_M", "RfProfile", "SITE_CLASSES",
           "schema"]
