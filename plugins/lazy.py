"""A package's public names loaded on first use (PEP 562), so importing the package stays cheap.

The numeric cores of the built-in plugins import numba (about 54 MiB and 0.3 s per process). The workbench and
``lamplight list`` import these packages for a few light modules (pole rules, algorithm descriptions) and must
not pay for numba until an analysis runs; ``from plugins.siting import solve_mclp`` still works, and loads
``plugins.siting.solve`` then.

Example (in a package's ``__init__.py``, beside ``if TYPE_CHECKING:`` imports of the same names for mypy)::

    __getattr__, __dir__ = lazy_exports(__name__, {"solve_mclp": "solve", "Plan": "solve"})
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from typing import Any


def lazy_exports(package: str, exports: dict[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of ``package`` whose ``exports`` map each public name to the submodule
    that defines it; a name is imported once, on first access, then kept in the package's namespace."""

    def getattr_(name: str) -> Any:
        if name not in exports:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{exports[name]}"), name)
        setattr(sys.modules[package], name, value)
        return value

    def dir_() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(exports))

    return getattr_, dir_
