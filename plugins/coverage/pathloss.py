"""Median path loss of 3GPP TR 38.901 Table 7.4.1-1 (UMi-Street Canyon, UMa) and free space, in dB.

The named functions spell out each formula of the table. The kernels use the same formulas rearranged as
``A + B·log10(d3D)`` with per-transmitter coefficients (``loss_coefficients``), so a link costs one logarithm;
the tests check both forms against each other and against hand computations. Distances and heights in metres,
carrier ``fc_ghz`` in GHz. Shadow fading is left out: the maps show the median, which is what a planner
compares sites with.

Below the models' 10 m minimum 2-D distance the loss is held at its 10 m value (the formulas are not valid
closer in); free space is held at 1 m.
"""

from __future__ import annotations

import math

import numba
import numpy as np

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


#: Columns of the per-transmitter loss coefficients. Every model is ``A + B·log10(d3D)`` on each branch:
#: LOS is branch 1 up to the breakpoint and branch 2 beyond it, NLOS is max(LOS, branch 3); the 2-D distance is
#: first held at ``D2_MIN`` (10 m for the 3GPP models) and d3D at 1 m.
D2_MIN, BREAKPOINT, A1, B1, A2, B2, A3, B3 = range(8)
COEFFICIENTS = 8


def loss_coefficients(model: np.ndarray, h_bs: np.ndarray, h_ut: float, fc_ghz: float) -> np.ndarray:
    """(n, 8) coefficients of each transmitter's path loss, so a link costs one log10 instead of five."""
    model, h_bs = np.asarray(model), np.asarray(h_bs, float)
    lf = math.log10(fc_ghz)
    dh2 = (h_bs - h_ut) ** 2
    d_bp = (4.0 * np.maximum(h_bs - ENVIRONMENT_HEIGHT_M, 0.0) * max(h_ut - ENVIRONMENT_HEIGHT_M, 0.0)
            * fc_ghz * 1e9 / C)
    with np.errstate(divide="ignore"):
        beyond = np.log10(d_bp**2 + dh2)
    out = np.empty((h_bs.shape[0], COEFFICIENTS))
    free = model == FREE_SPACE
    umi = model == UMI
    out[:, D2_MIN] = np.where(free, 0.0, MIN_DISTANCE_3GPP_M)
    out[:, BREAKPOINT] = np.where(free, np.inf, d_bp)
    base = np.where(free, 20.0 * math.log10(4.0 * math.pi * fc_ghz * 1e9 / C), np.where(umi, 32.4, 28.0) + 20 * lf)
    out[:, A1], out[:, B1] = base, np.where(free, 20.0, np.where(umi, 21.0, 22.0))
    out[:, A2] = np.where(free, base, base - np.where(umi, 9.5, 9.0) * np.where(free, 0.0, beyond))
    out[:, B2] = np.where(free, 20.0, 40.0)
    out[:, A3] = np.where(free, -np.inf, np.where(umi, 22.4 + 21.3 * lf - 0.3 * (h_ut - 1.5),
                                                  13.54 + 20.0 * lf - 0.6 * (h_ut - 1.5)))
    out[:, B3] = np.where(free, 0.0, np.where(umi, 35.3, 39.08))
    return out


@numba.njit(cache=True, nogil=True)
def loss_from_coefficients(coefficients: np.ndarray, d2d: float, dh: float, los: bool) -> float:
    """The loss of one link from its transmitter's coefficients; ``dh`` is h_BS - h_UT."""
    d2 = max(d2d, coefficients[D2_MIN])
    log_d3 = math.log10(max(math.sqrt(d2 * d2 + dh * dh), 1.0))
    if d2 <= coefficients[BREAKPOINT]:
        loss = coefficients[A1] + coefficients[B1] * log_d3
    else:
        loss = coefficients[A2] + coefficients[B2] * log_d3
    if los:
        return loss
    return max(loss, coefficients[A3] + coefficients[B3] * log_d3)


def path_loss_db(model: int, los: bool, d2d: float, h_bs: float, h_ut: float, fc_ghz: float) -> float:
    """The loss of one link under ``model`` (FREE_SPACE, UMI, UMA), computed as the kernels compute it."""
    coefficients = loss_coefficients(np.array([model]), np.array([h_bs]), h_ut, fc_ghz)[0]
    return float(loss_from_coefficients(coefficients, float(d2d), float(h_bs - h_ut), bool(los)))


def wall_loss_db(kind: str, fc_ghz: float) -> float:
    """PL_tw of TR 38.901 Table 7.4.3-2 (low- or high-loss building); 0 for "none".

    low:  5 - 10·log10(0.3·10^(-L_glass/10) + 0.7·10^(-L_concrete/10))
    high: 5 - 10·log10(0.7·10^(-L_IIRglass/10) + 0.3·10^(-L_concrete/10))
    with L_glass = 2 + 0.2f, L_IIRglass = 23 + 0.3f, L_concrete = 5 + 4f (Table 7.4.3-1, f in GHz).
    mix:  the mean in dB of the two, for an urban mix of 50 % low-loss and 50 % high-loss buildings (TR 38.901
          Table 7.8-1) when the building type is unknown: 19.8 dB at 3.5 GHz, between 12.7 and 26.9 dB.
    """
    glass, iir_glass, concrete = 2.0 + 0.2 * fc_ghz, 23.0 + 0.3 * fc_ghz, 5.0 + 4.0 * fc_ghz
    if kind == "low":
        return 5.0 - 10.0 * math.log10(0.3 * 10 ** (-glass / 10) + 0.7 * 10 ** (-concrete / 10))
    if kind == "high":
        return 5.0 - 10.0 * math.log10(0.7 * 10 ** (-iir_glass / 10) + 0.3 * 10 ** (-concrete / 10))
    if kind == "mix":
        return 0.5 * (wall_loss_db("low", fc_ghz) + wall_loss_db("high", fc_ghz))
    return 0.0


__all__ = ["C", "COEFFICIENTS", "FREE_SPACE", "MODEL_CODES", "UMA", "UMI", "breakpoint_m", "free_space_db",
           "loss_coefficients", "loss_from_coefficients", "path_loss_db",
           "uma_los_db", "uma_nlos_db", "umi_los_db", "umi_nlos_db", "wall_loss_db"]
