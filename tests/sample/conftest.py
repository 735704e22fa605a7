"""The committed Tianhe sample, loaded once per test session through the public readers."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from layers.io import open_layers

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "sample_data" / "tianhe"
GPKG = SAMPLE_DIR / "tianhe.gpkg"
RASTER = SAMPLE_DIR / "building_height_2m.tif"
PROJECT = SAMPLE_DIR / "tianhe.lamp"


@pytest.fixture(scope="session")
def sample_layers():
    """name -> VectorLayer for every layer of tianhe.gpkg."""
    return {layer.name: layer for layer in open_layers(GPKG)}


@pytest.fixture(scope="session")
def frames(sample_layers):
    return {name: layer.gdf for name, layer in sample_layers.items()}


@pytest.fixture(scope="session")
def generator():
    """The generator module, imported from its file (sample_data is not a package)."""
    path = SAMPLE_DIR.parent / "generate_tianhe.py"
    spec = importlib.util.spec_from_file_location("generate_tianhe", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module
