"""GCJ-02 ("Mars coordinates") <-> WGS84, the offset that Chinese commercial maps (AutoNavi/Gaode, Tencent) apply.

Maps published in mainland China shift WGS84 positions by a smooth, non-linear offset of a few hundred metres
(600-640 m across Guangzhou). The forward formula (WGS84 -> GCJ-02) is public; it has no closed inverse, so
GCJ-02 -> WGS84 iterates ``w <- w - (forward(w) - g)``, which converges to millimetres in a handful of steps
because the offset changes by less than 1e-4 of a distance over that distance. CGCS2000 coincides with WGS84 to
centimetres, so the same conversion serves survey data in CGCS2000. Outside China the offset is zero (as in
every implementation of the formula), so points abroad are returned unchanged.

Example::

    lon, lat = gcj02_to_wgs84(113.3303, 23.1175)   # a point read off an AutoNavi map
"""

from __future__ import annotations

import numpy as np

# Krasovsky 1940 ellipsoid, which the published formula uses.
_A = 6378245.0
_EE = 0.00669342162296594323
#: Iterations of the inverse; each gains about 4 orders of magnitude, 1e-10 degrees (about 0.01 mm) is reached
#: in 3 or 4, so the bound only matters for input far outside any map.
INVERSE_ITERATIONS = 10
_TOLERANCE_DEGREES = 1e-10


def outside_china(lon: np.ndarray | float, lat: np.ndarray | float) -> np.ndarray:
    """The rectangle outside which the formula applies no offset (the convention all implementations share)."""
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    return (lon < 72.004) | (lon > 137.8347) | (lat < 0.8293) | (lat > 55.8271)


def _offset(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(d_lon, d_lat) in degrees that GCJ-02 adds to a WGS84 position."""
    x, y = lon - 105.0, lat - 35.0
    root = np.sqrt(np.abs(x))
    d_lat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * root
             + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
             + (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
             + (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0)
    d_lon = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * root
             + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
             + (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
             + (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0)
    rad_lat = np.radians(lat)
    magic = 1.0 - _EE * np.sin(rad_lat) ** 2
    sqrt_magic = np.sqrt(magic)
    d_lat = d_lat * 180.0 / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * np.pi)
    d_lon = d_lon * 180.0 / (_A / sqrt_magic * np.cos(rad_lat) * np.pi)
    outside = outside_china(lon, lat)
    return np.where(outside, 0.0, d_lon), np.where(outside, 0.0, d_lat)


def wgs84_to_gcj02(lon, lat):
    """GCJ-02 (lon, lat) of WGS84 positions; scalars give floats, arrays give arrays of the same shape."""
    lon_a, lat_a = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    d_lon, d_lat = _offset(lon_a, lat_a)
    return _shaped(lon_a + d_lon, lat_a + d_lat, lon)


def gcj02_to_wgs84(lon, lat):
    """WGS84 (lon, lat) of GCJ-02 positions, by fixed-point iteration of the forward formula (error < 1 mm)."""
    g_lon, g_lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    w_lon, w_lat = g_lon.copy(), g_lat.copy()
    for _ in range(INVERSE_ITERATIONS):
        d_lon, d_lat = _offset(w_lon, w_lat)
        error_lon, error_lat = w_lon + d_lon - g_lon, w_lat + d_lat - g_lat
        w_lon, w_lat = w_lon - error_lon, w_lat - error_lat
        if np.all(np.abs(error_lon) < _TOLERANCE_DEGREES) and np.all(np.abs(error_lat) < _TOLERANCE_DEGREES):
            break
    return _shaped(w_lon, w_lat, lon)


def _shaped(lon: np.ndarray, lat: np.ndarray, like):
    if np.ndim(like) == 0:
        return float(lon), float(lat)
    return lon, lat


__all__ = ["gcj02_to_wgs84", "outside_china", "wgs84_to_gcj02"]
