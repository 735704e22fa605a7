"""Drive Debian's headless Chromium through the DevTools protocol over a pipe (``--remote-debugging-pipe``).

The exported web map is opened from disk with the network cut (a proxy on a dead port), so any CDN link would
fail and be reported. Every JavaScript exception, console error and failed load is collected. Chromium's profile,
and the home folder it writes crash-report settings and caches into, are a temp folder (inside ``folder`` when
given, e.g. a test's ``tmp_path``) removed on close: nothing lands in the user's home.
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>", "--hide-scrollbars"]


def available() -> bool:
    return Path(CHROMIUM).exists()


class Browser:
    """One headless Chromium with one page; use as a context manager."""

    def __init__(self, width: int = 1280, height: int = 860, folder: Path | None = None) -> None:
        self._profile = tempfile.mkdtemp(prefix="lamplight-chromium-", dir=folder)
        home = {"HOME": self._profile, "XDG_CONFIG_HOME": f"{self._profile}/config",
                "XDG_CACHE_HOME": f"{self._profile}/cache"}
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()
        command = " ".join([CHROMIUM, *[f"'{f}'" for f in FLAGS], "--remote-debugging-pipe",
                            f"--user-data-dir={self._profile}/data", f"--window-size={width},{height}", "about:blank"])
        self._process = subprocess.Popen(
            ["bash", "-c", f"exec {command} 3<&{to_browser_r} 4>&{from_browser_w}"],
            pass_fds=(to_browser_r, from_browser_w), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env={**os.environ, **home})
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next_id = 0
        self.errors: list[str] = []
        self._events: list[dict] = []
        self._session = self._attach()
        for method in ("Runtime.enable", "Log.enable", "Page.enable"):
            self.call(method)
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1,
                  mobile=False)

    # -- protocol ---------------------------------------------------------------------------------------------
    def _send(self, method: str, params: dict, session: str | None) -> int:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        return self._next_id

    def _receive(self, timeout: float) -> dict | None:
        deadline = time.monotonic() + timeout
        while b"\0" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([self._from_browser], [], [], remaining)[0]:
                return None
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        message = json.loads(raw)
        if "method" in message:
            self._note(message)
        return message

    def _note(self, event: dict) -> None:
        self._events.append(event)
        method, params = event["method"], event.get("params", {})
        if method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            self.errors.append(f"exception: {details.get('exception', {}).get('description', details.get('text'))}")
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            self.errors.append("console: " + " ".join(str(a.get("value", a.get("description"))) for a in
                                                      params.get("args", [])))
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            self.errors.append(f"log: {params['entry'].get('text')} {params['entry'].get('url', '')}")

    def _call(self, method: str, params: dict, session: str | None, timeout: float = 30.0) -> dict:
        wanted = self._send(method, params, session)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            message = self._receive(deadline - time.monotonic())
            if message and message.get("id") == wanted:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
        raise TimeoutError(f"Chromium did not answer {method}")

    def call(self, method: str, **params) -> dict:
        return self._call(method, params, self._session)

    def _attach(self) -> str:
        for _ in range(100):
            pages = [t for t in self._call("Target.getTargets", {}, None)["targetInfos"] if t["type"] == "page"]
            if pages:
                return self._call("Target.attachToTarget", {"targetId": pages[0]["targetId"], "flatten": True},
                                  None)["sessionId"]
            time.sleep(0.05)
        raise RuntimeError("Chromium opened no page")

    # -- page -------------------------------------------------------------------------------------------------
    def open(self, path: Path, settle: float = 0.6, timeout: float = 30.0) -> None:
        """Load a local file, wait for its load event, then let scripts settle for ``settle`` seconds."""
        self._events.clear()
        self.call("Page.navigate", url=Path(path).resolve().as_uri())
        deadline = time.monotonic() + timeout
        while not any(e["method"] == "Page.loadEventFired" for e in self._events):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{path} did not finish loading")
            self._receive(0.2)
        end = time.monotonic() + settle
        while time.monotonic() < end:
            self._receive(end - time.monotonic())

    def evaluate(self, expression: str):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"evaluating {expression!r}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, path: Path) -> Path:
        data = self.call("Page.captureScreenshot", format="png")["data"]
        Path(path).write_bytes(base64.b64decode(data))
        return Path(path)

    def close(self) -> None:
        try:
            self._send("Browser.close", {}, None)
            self._process.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self._process.kill()
            self._process.wait()
        finally:
            os.close(self._to_browser)
            os.close(self._from_browser)
            shutil.rmtree(self._profile, ignore_errors=True)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
