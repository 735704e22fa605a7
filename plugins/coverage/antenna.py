"""Antenna gain relative to boresight, after 3GPP TR 38.901 Table 7.3-1, in dB (0 at boresight, >= -30).

A_H(φ) = -min(12·(φ/φ3dB)², 30), A_V(θ) = -min(12·((θ - 90° - tilt)/θ3dB)², 30) with θ the zenith angle of
the ray (90° = horizontal, more = downward), and A = -min(-(A_H + A_V), 30). The EIRP of a cell already holds
the antenna's maximum gain, so only this relative pattern is added. Azimuths are degrees clockwise from grid
north; a NaN azimuth is an omnidirectional antenna (no horizontal pattern, the vertical one still applies).
Tilt is applied to the angles directly (a separable pattern in global angles), not through a rotation of the
local coordinate system; the two agree to within a fraction of a dB for tilts of a few degrees.
"""

from __future__ import annotations

import math

import numba

MAX_ATTENUATION_DB = 30.0
SIDE_LOBE_LEVEL_DB = 30.0


@numba.njit(cache=True, nogil=True)
def relative_gain_db(azimuth_deg: float, beamwidth_deg: float, tilt_deg: float, vertical_beamwidth_deg: float,
                     dx: float, dy: float, d2d: float, dh: float) -> float:
    """Gain towards a receiver ``dx, dy`` metres east/north of the antenna and ``dh`` metres below it."""
    depression = math.degrees(math.atan2(dh, max(d2d, 1e-9)))
    vertical = -min(12.0 * ((depression - tilt_deg) / vertical_beamwidth_deg) ** 2, SIDE_LOBE_LEVEL_DB)
    if math.isnan(azimuth_deg):
        return max(vertical, -MAX_ATTENUATION_DB)
    bearing = math.degrees(math.atan2(dx, dy))
    offset = (bearing - azimuth_deg + 180.0) % 360.0 - 180.0
    horizontal = -min(12.0 * (offset / beamwidth_deg) ** 2, MAX_ATTENUATION_DB)
    return -min(-(horizontal + vertical), MAX_ATTENUATION_DB)


__all__ = ["MAX_ATTENUATION_DB", "SIDE_LOBE_LEVEL_DB", "relative_gain_db"]
