"""A real local map server for the basemap tests, on 127.0.0.1 only.

- XYZ: ``/{z}/{x}/{y}.png``, also under a subdomain folder ``/{s}/...`` and as TMS rows ``/tms/...``; each tile is
  one flat colour that encodes (z, x, y) in XYZ numbering.
- WMTS 1.0.0 (KVP) at ``/wmts``: capabilities with the GoogleMapsCompatible matrix set (tiles as XYZ) and a UTM
  zone 49N matrix set; tiles coloured from (level, column, row) the same way.
- WMS at ``/wms`` (1.3.0 capabilities, GetMap): the image is WEST where the pixel lies west of a known line (the
  meridian through ``SPLIT_LON``, drawn in whatever CRS was asked for), EAST elsewhere, so a test can tell a
  correctly placed image from a shifted or mirrored one. BBOX is read in the CRS's axis order (1.3.0).
"""

from __future__ import annotations

import math
import re
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pyproj
from PyQt6.QtCore import QBuffer, QIODevice
from PyQt6.QtGui import QColor, QImage

TILE = re.compile(r"^/(?:(tms|[a-z])/)?(\d+)/(\d+)/(\d+)\.png$")
SPLIT_LON = 113.325
WEST, EAST = (30, 160, 60), (20, 90, 200)
#: The UTM matrix set: level i has 64 / 2**i m pixels; top-left corner (easting, northing).
UTM_TOP_LEFT = (500_000.0, 2_700_000.0)
UTM_LEVELS = 9
MAX_GETMAP_PIXELS = 4096


def tile_colour(z: int, x: int, y: int) -> tuple[int, int, int]:
    return (x % 256, y % 256, (z * 10) % 256)


def _png(image: QImage) -> bytes:
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(buffer.data())


def _flat_png(colour: tuple[int, int, int]) -> bytes:
    image = QImage(256, 256, QImage.Format.Format_RGB32)
    image.fill(QColor(*colour))
    return _png(image)


def _wmts_capabilities(base: str) -> str:
    half = math.pi * 6378137.0
    mercator = "".join(
        f"<TileMatrix><ows:Identifier>{z}</ows:Identifier><ScaleDenominator>{559082264.0287178 / 2 ** z!r}"
        f"</ScaleDenominator><TopLeftCorner>{-half!r} {half!r}</TopLeftCorner><TileWidth>256</TileWidth>"
        f"<TileHeight>256</TileHeight><MatrixWidth>{2 ** z}</MatrixWidth><MatrixHeight>{2 ** z}</MatrixHeight>"
        "</TileMatrix>" for z in range(19))
    utm = "".join(
        f"<TileMatrix><ows:Identifier>u{i}</ows:Identifier><ScaleDenominator>{64 / 2 ** i / 0.00028!r}"
        f"</ScaleDenominator><TopLeftCorner>{UTM_TOP_LEFT[0]!r} {UTM_TOP_LEFT[1]!r}</TopLeftCorner>"
        f"<TileWidth>256</TileWidth><TileHeight>256</TileHeight><MatrixWidth>{40 * 2 ** i}</MatrixWidth>"
        f"<MatrixHeight>{40 * 2 ** i}</MatrixHeight></TileMatrix>" for i in range(UTM_LEVELS))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Capabilities xmlns="http://www.opengis.net/wmts/1.0" xmlns:ows="http://www.opengis.net/ows/1.1"
 xmlns:xlink="http://www.w3.org/1999/xlink" version="1.0.0">
<ows:ServiceIdentification><ows:Title>Local test WMTS</ows:Title><ows:ServiceType>OGC WMTS</ows:ServiceType>
<ows:ServiceTypeVersion>1.0.0</ows:ServiceTypeVersion></ows:ServiceIdentification>
<ows:OperationsMetadata>
<ows:Operation name="GetCapabilities"><ows:DCP><ows:HTTP><ows:Get xlink:href="{base}/wmts?"/></ows:HTTP></ows:DCP>
</ows:Operation>
<ows:Operation name="GetTile"><ows:DCP><ows:HTTP><ows:Get xlink:href="{base}/wmts?"><ows:Constraint name="GetEncoding">
<ows:AllowedValues><ows:Value>KVP</ows:Value></ows:AllowedValues></ows:Constraint></ows:Get></ows:HTTP></ows:DCP>
</ows:Operation></ows:OperationsMetadata>
<Contents>
<Layer><ows:Title>City map</ows:Title><ows:Identifier>city</ows:Identifier>
<Style isDefault="true"><ows:Identifier>default</ows:Identifier></Style><Format>image/png</Format>
<TileMatrixSetLink><TileMatrixSet>GoogleMapsCompatible</TileMatrixSet></TileMatrixSetLink>
<TileMatrixSetLink><TileMatrixSet>utm49</TileMatrixSet></TileMatrixSetLink></Layer>
<TileMatrixSet><ows:Identifier>GoogleMapsCompatible</ows:Identifier>
<ows:SupportedCRS>urn:ogc:def:crs:EPSG::3857</ows:SupportedCRS>{mercator}</TileMatrixSet>
<TileMatrixSet><ows:Identifier>utm49</ows:Identifier>
<ows:SupportedCRS>urn:ogc:def:crs:EPSG::32649</ows:SupportedCRS>{utm}</TileMatrixSet>
</Contents></Capabilities>"""


WMS_LAYERS = {"parks": ("EPSG:32649", "EPSG:3857"), "roads": ("EPSG:4326",)}


def _wms_capabilities(base: str) -> str:
    layers = "".join(f"<Layer queryable=\"0\"><Name>{name}</Name><Title>{name.title()}</Title>"
                     + "".join(f"<CRS>{code}</CRS>" for code in codes)
                     + "</Layer>" for name, codes in WMS_LAYERS.items())
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<WMS_Capabilities version="1.3.0" xmlns="http://www.opengis.net/wms" xmlns:xlink="http://www.w3.org/1999/xlink">
<Service><Name>WMS</Name><Title>Local test WMS</Title></Service>
<Capability><Request>
<GetCapabilities><Format>text/xml</Format><DCPType><HTTP><Get><OnlineResource xlink:href="{base}/wms?"/></Get>
</HTTP></DCPType></GetCapabilities>
<GetMap><Format>image/png</Format><DCPType><HTTP><Get><OnlineResource xlink:href="{base}/wms?"/></Get></HTTP>
</DCPType></GetMap></Request>
<Exception><Format>XML</Format></Exception>
<Layer><Title>Test layers</Title>{layers}</Layer>
</Capability></WMS_Capabilities>"""


def _split_x(code: str, latitude: float) -> float:
    """Where the meridian SPLIT_LON crosses ``latitude``, in the x of ``code``."""
    if code == "EPSG:4326":
        return SPLIT_LON
    return pyproj.Transformer.from_crs(4326, code, always_xy=True).transform(SPLIT_LON, latitude)[0]


def _getmap(query: dict[str, str]) -> bytes | None:
    code = query.get("CRS", "")
    if query.get("LAYERS") not in WMS_LAYERS or code not in WMS_LAYERS[query["LAYERS"]]:
        return None
    width, height = int(query["WIDTH"]), int(query["HEIGHT"])
    if not (0 < width <= MAX_GETMAP_PIXELS and 0 < height <= MAX_GETMAP_PIXELS):
        return None
    a, b, c, d = (float(v) for v in query["BBOX"].split(","))
    if code == "EPSG:4326":  # WMS 1.3.0: latitude first
        miny, minx, maxy, maxx = a, b, c, d
        latitude = (miny + maxy) / 2
    else:
        minx, miny, maxx, maxy = a, b, c, d
        latitude = pyproj.Transformer.from_crs(code, 4326, always_xy=True).transform(
            (minx + maxx) / 2, (miny + maxy) / 2)[1]
    xs = minx + (np.arange(width) + 0.5) * (maxx - minx) / width
    west = xs < _split_x(code, latitude)
    colours = np.where(west, 0xFF000000 | (WEST[0] << 16) | (WEST[1] << 8) | WEST[2],
                       0xFF000000 | (EAST[0] << 16) | (EAST[1] << 8) | EAST[2]).astype(np.uint32)
    pixels = np.ascontiguousarray(np.broadcast_to(colours, (height, width)))
    image = QImage(pixels.tobytes(), width, height, width * 4, QImage.Format.Format_ARGB32)
    return _png(image.copy())


class TileServer:
    """Serves on 127.0.0.1 until ``stop``; counts requests and keeps their paths so tests can tell cache hits
    from downloads and see what was asked."""

    def __init__(self) -> None:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                server.requests += 1
                server.paths.append(self.path)
                body, kind = server.answer(self.path)
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.requests = 0
        self.paths: list[str] = []
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self.url = f"{self.base}/{{z}}/{{x}}/{{y}}.png"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()

    def answer(self, path: str) -> tuple[bytes | None, str]:
        parts = urllib.parse.urlsplit(path)
        match = TILE.match(parts.path)
        if match:
            prefix, z, x, y = match.group(1), *map(int, match.groups()[1:])
            if prefix == "tms":
                y = 2 ** z - 1 - y
            return _flat_png(tile_colour(z, x, y)), "image/png"
        query = {k.upper(): v for k, v in urllib.parse.parse_qsl(parts.query)}
        request = query.get("REQUEST", "").lower()
        if parts.path == "/wmts" and request == "getcapabilities":
            return _wmts_capabilities(self.base).encode(), "text/xml"
        if parts.path == "/wmts" and request == "gettile":
            matrix, row, col = query.get("TILEMATRIX", ""), int(query["TILEROW"]), int(query["TILECOL"])
            level = int(matrix.lstrip("u"))
            return _flat_png(tile_colour(level, col, row)), "image/png"
        if parts.path == "/wms" and request == "getcapabilities":
            return _wms_capabilities(self.base).encode(), "text/xml"
        if parts.path == "/wms" and request == "getmap":
            return _getmap(query), "image/png"
        return None, ""

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
