"""Trying third-party plugins in a child process first, so that one that hangs on import cannot hang start-up.

A plugin from an entry point or the user folder is code nobody here reviewed: ``while True: pass`` at module
level would freeze ``main.py list`` and the workbench before its window opens. ``probe`` loads the plugins one
after the other in one child Python (the same loader, ``Registry``), which reports when it starts and ends each;
a plugin that takes longer than the limit, or kills the child, is named and the child is restarted for the
rest. Only the plugins that passed are then imported here. The limit is wall-clock, an outer safety: it decides
whether a plugin is loaded at all, never what a loaded plugin computes. Without third-party plugins nothing is
started.

Example::

    slow = probe([Target("file", "/home/me/.local/share/lamplight/plugins/slow.py")], seconds=10)
    slow   # {0: "took longer than 10 s to load; skipped"}
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from dataclasses import asdict, dataclass

from layers.i18n import translate

#: Seconds a third-party plugin may take to import and list its algorithms.
LOAD_SECONDS = 10.0
#: Seconds the child may take to start (Python, NumPy, the plugin API) before the first plugin's clock starts.
START_SECONDS = 60.0
_MARK = "lamplight-probe"
_CHILD = ("import json, sys\n"
          "request = json.loads(sys.stdin.readline())\n"
          "sys.path[:] = request['path']\n"
          "from plugins.plugin_probe import serve\n"
          "serve(request['targets'])\n")


@dataclass(frozen=True)
class Target:
    """One plugin: ``kind`` "entry" (``where`` is the entry-point group, ``name`` its name) or "file" (``where``
    is the module file or package folder)."""

    kind: str
    where: str
    name: str = ""


def probe(targets: list[Target], seconds: float = LOAD_SECONDS) -> dict[int, str]:
    """Index -> problem for the targets that hung or crashed the child while loading; the others load fine
    (or fail with an ordinary exception, which the caller's own import reports)."""
    problems: dict[int, str] = {}
    start = 0
    while start < len(targets):
        failed, reason = _probe_from(targets, start, seconds)
        if failed is None:
            break
        problems[failed] = reason
        start = failed + 1
    return problems


def _probe_from(targets: list[Target], start: int, seconds: float) -> tuple[int | None, str]:
    """Run the child on ``targets[start:]``: (None, "") when all ended, else the index that did not and why."""
    child = subprocess.Popen([sys.executable, "-c", _CHILD], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True, env=os.environ.copy())
    stdin, stdout = child.stdin, child.stdout
    assert stdin is not None and stdout is not None  # both are pipes
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        for line in stdout:
            parts = line.split()
            if len(parts) == 3 and parts[0] == _MARK:
                lines.put(f"{parts[1]} {parts[2]}")
        lines.put(None)

    threading.Thread(target=read, name="plugin-probe-reader", daemon=True).start()
    try:
        request = {"path": sys.path, "targets": [asdict(t) for t in targets[start:]]}
        stdin.write(json.dumps(request) + "\n")
        stdin.close()
    except OSError:
        pass  # the child died at once: the loop below reports the first target
    current = start
    try:
        try:
            ready = lines.get(timeout=START_SECONDS)
        except queue.Empty:
            ready = None
        if ready != "ready 0":  # the child could not even start: the plugins load here, unprobed
            return None, ""
        while True:
            try:
                line = lines.get(timeout=seconds)
            except queue.Empty:
                return current, translate("plugin_probe", "took longer than {seconds:g} s to load; skipped").format(
                    seconds=seconds)
            if line is None:
                return current, translate("plugin_probe", "ended the Python process while loading; skipped")
            event, index = line.split()
            current = start + int(index) + (1 if event == "done" else 0)
            if current >= len(targets):
                return None, ""
    finally:
        if child.poll() is None:
            child.kill()
        child.wait()


def serve(targets: list[dict]) -> None:
    """The child's side: load each target with the ordinary loader, announcing its start and end on stdout."""
    from plugins.registry import Registry

    out = sys.stdout
    sys.stdout = sys.stderr  # what the plugins print must not look like the protocol
    print(f"{_MARK} ready 0", file=out, flush=True)
    for index, fields in enumerate(targets):
        target = Target(**fields)
        print(f"{_MARK} start {index}", file=out, flush=True)
        registry = Registry()
        if target.kind == "entry":
            registry.load_entry_points(target.where, only=target.name, probe=False)
        else:
            registry.load_folder_item(target.where)
        print(f"{_MARK} done {index}", file=out, flush=True)


__all__ = ["LOAD_SECONDS", "Target", "probe", "serve"]
