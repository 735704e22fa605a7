"""The Qt-free translation marker for user-visible strings in ``layers/`` and ``plugins/``.

The model and the plugins must not import Qt, yet their messages, algorithm names and parameter labels are
shown in a Chinese interface. They call ``translate(context, text)``: the same call shape as Qt's
``QCoreApplication.translate``, so Qt's ``pylupdate6`` extracts them into the same ``.ts`` catalogue as the
workbench strings. The workbench (or the command line) installs a translator at start; until then, and in a
notebook, the English source text is returned unchanged.

Constants defined at import time (before any translator is installed) are marked with
``QT_TRANSLATE_NOOP(context, text)``, which returns the text as is, and translated where shown with
``translate(context, constant)``.

Example::

    from layers.i18n import translate
    raise LayerError(path, translate("LayerError", "the file does not exist"))
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from pathlib import Path

Translator = Callable[[str, str], str]


def _identity(context: str, text: str) -> str:
    return text


_translator: Translator = _identity


def install_translator(translator: Translator | None) -> None:
    """Route every ``translate`` call through ``translator(context, text)``; ``None`` restores English."""
    global _translator
    _translator = translator or _identity


def translate(context: str, text: str) -> str:
    """``text`` in the interface language (English when no translator is installed or it has no entry)."""
    return _translator(context, text) or text


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - the name pylupdate6 looks for
    """Mark a constant for extraction without translating it yet (it is translated where it is shown)."""
    return text


def read_catalogue(path: str | Path) -> dict[tuple[str, str], str]:
    """``(context, source) -> translation`` from a Qt ``.ts`` file, finished and unfinished entries alike.

    The command line must not load Qt, so it cannot use a ``QTranslator``; it reads our own catalogue (the same
    XML that ``pylupdate6`` writes and ``lrelease`` compiles) with the standard library instead. Empty
    translations are left out, so their English source is shown.
    """
    entries: dict[tuple[str, str], str] = {}
    for context in ElementTree.parse(path).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            source = message.findtext("source")
            translation = message.find("translation")
            if source and translation is not None and translation.get("type") not in ("obsolete", "vanished") \
                    and translation.text:
                entries[(name, source)] = translation.text
    return entries


def catalogue_translator(path: str | Path) -> Translator:
    """A translator for ``install_translator`` backed by the ``.ts`` catalogue at ``path``."""
    entries = read_catalogue(path)
    return lambda context, text: entries.get((context, text), text)
