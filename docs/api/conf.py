"""Sphinx configuration of Lamplight's API reference (``make docs``; the HTML goes to docs/api/_build/html)."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

project = "Lamplight"
author = "Lamplight contributors"
extensions = ["sphinx.ext.autodoc", "sphinx.ext.napoleon", "sphinx.ext.viewcode"]
napoleon_numpy_docstring = True
napoleon_google_docstring = False
autodoc_default_options = {"members": True, "member-order": "bysource", "show-inheritance": True}
autodoc_typehints = "description"
autodoc_typehints_description_target = "documented_params"
exclude_patterns = ["_build"]
html_theme = "alabaster"
html_static_path: list[str] = []
