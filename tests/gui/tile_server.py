"""A real local XYZ tile server for the basemap tests: each tile is one flat colour that encodes (z, x, y)."""

from __future__ import annotations

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from PyQt6.QtCore import QBuffer, QIODevice
from PyQt6.QtGui import QColor, QImage

TILE = re.compile(r"^/(\d+)/(\d+)/(\d+)\.png$")


def tile_colour(z: int, x: int, y: int) -> tuple[int, int, int]:
    return (x % 256, y % 256, (z * 10) % 256)


def _png(colour: tuple[int, int, int]) -> bytes:
    image = QImage(256, 256, QImage.Format.Format_RGB32)
    image.fill(QColor(*colour))
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(buffer.data())


class TileServer:
    """Serves tiles on 127.0.0.1 until ``stop``; counts requests so tests can tell cache hits from downloads."""

    def __init__(self) -> None:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                match = TILE.match(self.path)
                server.requests += 1
                if not match:
                    self.send_error(404)
                    return
                body = _png(tile_colour(*map(int, match.groups())))
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.requests = 0
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}/{{z}}/{{x}}/{{y}}.png"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
