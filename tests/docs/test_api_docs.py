"""The API reference (docs/api, ``make docs``) builds without a warning, documents every public name of ``layers``
and ``plugins.api``, and needs no Qt: a notebook user reads what they can import."""

from __future__ import annotations

import importlib
import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: The modules the reference covers, each with the page it is on.
DOCUMENTED = {"layers": "layers", "layers.io": "layers", "layers.styles": "layers", "layers.errors": "layers",
              "plugins.api": "plugins"}
BUILD = """
import sys
from sphinx.cmd.build import build_main
status = build_main(["-W", "--keep-going", "-q", "-b", "html", sys.argv[1], sys.argv[2]])
qt = sorted(name for name in sys.modules if name.startswith("PyQt"))
print("QT", ",".join(qt))
sys.exit(status)
"""


def _public(module_name: str) -> list[str]:
    """The classes and functions ``module_name`` exports (its ``__all__``, else what it defines)."""
    module = importlib.import_module(module_name)
    names = getattr(module, "__all__", None) or [name for name, obj in vars(module).items()
                                                 if getattr(obj, "__module__", None) == module_name]
    return [name for name in names if not name.startswith("_")
            and (inspect.isclass(getattr(module, name)) or inspect.isfunction(getattr(module, name)))]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    pytest.importorskip("sphinx", reason="the docs extra is not installed (scripts/bootstrap.sh docs)")
    out = tmp_path_factory.mktemp("api") / "html"
    done = subprocess.run([sys.executable, "-c", BUILD, str(ROOT / "docs" / "api"), str(out)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]  # -W: any warning (a broken docstring) fails the build
    [qt] = [line for line in done.stdout.splitlines() if line.startswith("QT")]
    assert qt.strip() == "QT", f"building the docs imported {qt[3:]}"  # layers and plugins import no Qt
    return out


def test_every_public_name_has_an_entry(built):
    for module_name, page in DOCUMENTED.items():
        html = (built / f"{page}.html").read_text(encoding="utf-8")
        anchors = set(re.findall(r'<dt class="sig sig-object py" id="([\w.]+)">', html))
        module = importlib.import_module(module_name)
        for name in _public(module_name):
            defined = f"{getattr(module, name).__module__}.{name}"  # a re-export is documented where it is defined
            assert {f"{module_name}.{name}", defined} & anchors, f"{module_name}.{name} is missing from {page}.html"


def test_every_public_class_function_and_method_says_what_it_does():
    undocumented = []
    for module_name in DOCUMENTED:
        module = importlib.import_module(module_name)
        for name in _public(module_name):
            obj = getattr(module, name)
            if not inspect.getdoc(obj):
                undocumented.append(f"{module_name}.{name}")
            for member_name, member in (vars(obj).items() if inspect.isclass(obj) else ()):
                function = member.fget if isinstance(member, property) else member
                if member_name.startswith("_") or not inspect.isfunction(function):
                    continue
                if not function.__doc__ and not _inherited_doc(obj, member_name):
                    undocumented.append(f"{module_name}.{name}.{member_name}")
    assert undocumented == []


def _inherited_doc(cls: type, name: str) -> bool:
    """An override documented by the method it overrides (autodoc shows that docstring)."""
    return any(getattr(vars(base).get(name), "__doc__", None) for base in cls.__mro__[1:])


def test_the_examples_in_the_docstrings_run():
    import doctest

    import layers.layer

    result = doctest.testmod(layers.layer)
    assert result.attempted > 0 and result.failed == 0
