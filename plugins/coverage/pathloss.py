"""Median path loss of 3GPP TR 38.901 Table 7.4.1-1 (UMi-Street Canyon, UMa) and free space, in dB.

Scalar functions compiled with numba so the tile kernels call them per link without Python overhead; they
are ordinary callables from Python too. Distances in metres, carrier ``fc_ghz`` in GHz, heights in metres.
Shadow fading is left out: the maps show the median, which is what a planner compares sites with.

Below the models' 10 m minimum 2-D distance the loss is held at its 10 m value (the formulas are not valid
closer in); free space is held at 1 m.
"""

from __future__ import annotations

import math

import numba

#: Speed of light (m/s).
C = 299_792_458.0
FREE_SPACE, UMI, UMA = 0, 1, 2
MODEL_CODES = {"free_space": FREE_SPACE, "umi": UMI, "uma": UMA}
#: Effective environment height h_E of TR 38.901 (1 m in UMi; in UMa 1 m for UE heights below 13 m).
ENVIRONMENT_HEIGHT_M = 1.0
MIN_DISTANCE_3GPP_M = 10.0
#: TR 38.901 caps the indoor distance d_2D-in at 25 m (it draws it from min of two U(0, 25 m)).
MAX_INDOOR_DISTANCE_M = 25.0
INDOOR_LOSS_PER_M = 0.5


@numba.njit(cache=True, nogil=True)
def free_space_db(d3d: float, fc_ghz: float) -> float:
    """Friis: 20·log10(4π·d·f/c)."""
    d = max(d3d, 1.0)
    return 20.0 * math.log10(4.0 * math.pi * d * fc_ghz * 1e9 / C)


@numba.njit(cache=True, nogil=True)
def breakpoint_m(h_bs: float, h_ut: float, fc_ghz: float) -> float:
    """d'_BP = 4·h'_BS·h'_UT·f_c/c with h' = h - h_E."""
    return 4.0 * max(h_bs - ENVIRONMENT_HEIGHT_M, 0.0) * max(h_ut - ENVIRONMENT_HEIGHT_M, 0.0) * fc_ghz * 1e9 / C


@numba.njit(cache=True, nogil=True)
def umi_los_db(d2d: float, h_bs: float, h_ut: float, fc_ghz: float) -> float:
    """UMi-Street Canyon LOS: PL1 up to the breakpoint, PL2 beyond it."""
    d2 = max(d2d, MIN_DISTANCE_3GPP_M)
    d3 = math.sqrt(d2 * d2 + (h_bs - h_ut) ** 2)
    d_bp = breakpoint_m(h_bs, h_ut, fc_ghz)
    if d2 <= d_bp:
        return 32.4 + 21.0 * math.log10(d3) + 20.0 * math.log10(fc_ghz)
    return (32.4 + 40.0 * math.log10(d3) + 20.0 * math.log10(fc_ghz)
            - 9.5 * math.log10(d_bp * d_bp + (h_bs - h_ut) ** 2))


@numba.njit(cache=True, nogil=True)
def umi_nlos_db(d2d: float, h_bs: float, h_ut: float, fc_ghz: float) -> float:
    """UMi-Street Canyon NLOS: max(PL_LOS, PL'_NLOS)."""
    d2 = max(d2d, MIN_DISTANCE_3GPP_M)
    d3 = math.sqrt(d2 * d2 + (h_bs - h_ut) ** 2)
    nlos = 35.3 * math.log10(d3) + 22.4 + 21.3 * math.log10(fc_ghz) - 0.3 * (h_ut - 1.5)
    return max(umi_los_db(d2d, h_bs, h_ut, fc_ghz), nlos)


@numba.njit(cache=True, nogil=True)
def uma_los_db(d2d: float, h_bs: float, h_ut: float, fc_ghz: float) -> float:
    """UMa LOS: PL1 up to the breakpoint, PL2 beyond it."""
    d2 = max(d2d, MIN_DISTANCE_3GPP_M)
    d3 = math.sqrt(d2 * d2 + (h_bs - h_ut) ** 2)
    d_bp = breakpoint_m(h_bs, h_ut, fc_ghz)
    if d2 <= d_bp:
        return 28.0 + 22.0 * math.log10(d3) + 20.0 * math.log10(fc_ghz)
    return (28.0 + 40.0 * math.log10(d3) + 20.0 * math.log10(fc_ghz)
            - 9.0 * math.log10(d_bp * d_bp + (h_bs - h_ut) ** 2))


@numba.njit(cache=True, nogil=True)
def uma_nlos_db(d2d: float, h_bs: float, h_ut: float, fc_ghz: float) -> float:
    """UMa NLOS: max(PL_LOS, PL'_NLOS)."""
    d2 = max(d2d, MIN_DISTANCE_3GPP_M)
    d3 = math.sqrt(d2 * d2 + (h_bs - h_ut) ** 2)
    nlos = 13.54 + 39.08 * math.log10(d3) + 20.0 * math.log10(fc_ghz) - 0.6 * (h_ut - 1.5)
    return max(uma_los_db(d2d, h_bs, h_ut, fc_ghz), nlos)


@numba.njit(cache=True, nogil=True)
def path_loss_db(model: int, los: bool, d2d: float, h_bs: float, h_ut: float, fc_ghz: float) -> float:
    """The loss of one link under ``model`` (FREE_SPACE, UMI, UMA); free space ignores ``los``."""
    if model == UMI:
        return umi_los_db(d2d, h_bs, h_ut, fc_ghz) if los else umi_nlos_db(d2d, h_bs, h_ut, fc_ghz)
    if model == UMA:
        return uma_los_db(d2d, h_bs, h_ut, fc_ghz) if los else uma_nlos_db(d2d, h_bs, h_ut, fc_ghz)
    return free_space_db(math.sqrt(d2d * d2d + (h_bs - h_ut) ** 2), fc_ghz)


def wall_loss_db(kind: str, fc_ghz: float) -> float:
    """PL_tw of TR 38.901 Table 7.4.3-2 (low- or high-loss building); 0 for "none".

    low:  5 - 10·log10(0.3·10^(-L_glass/10) + 0.7·10^(-L_concrete/10))
    high: 5 - 10·log10(0.7·10^(-L_IIRglass/10) + 0.3·10^(-L_concrete/10))
    with L_glass = 2 + 0.2f, L_IIRglass = 23 + 0.3f, L_concrete = 5 + 4f (Table 7.4.3-1, f in GHz).
    """
    glass, iir_glass, concrete = 2.0 + 0.2 * fc_ghz, 23.0 + 0.3 * fc_ghz, 5.0 + 4.0 * fc_ghz
    if kind == "low":
        return 5.0 - 10.0 * math.log10(0.3 * 10 ** (-glass / 10) + 0.7 * 10 ** (-concrete / 10))
    if kind == "high":
        return 5.0 - 10.0 * math.log10(0.7 * 10 ** (-iir_glass / 10) + 0.3 * 10 ** (-concrete / 10))
    return 0.0


__all__ = ["C", "FREE_SPACE", "MODEL_CODES", "UMA", "UMI", "breakpoint_m", "free_space_db", "path_loss_db",
           "uma_los_db", "uma_nlos_db", "umi_los_db", "umi_nlos_db", "wall_loss_db"]
