"""An example Lamplight plugin: the workbench calls ``algorithms()`` and lists what it returns."""

from __future__ import annotations

from lamplight_example.poles_within import PolesWithinReach


def algorithms() -> list:
    return [PolesWithinReach()]
