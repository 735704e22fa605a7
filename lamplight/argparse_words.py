"""argparse's own words ("usage:", "options", "the following arguments are required") in the interface's language.

argparse looks its words up through ``gettext`` when it prints them (its module-level ``_`` and ``ngettext``), and
no gettext catalogue of ours exists: Lamplight's words live in the Qt ``.ts`` catalogue. ``install`` points those
two names at ``layers.i18n.translate``, so ``lamplight --help`` and a mistyped option read in Chinese too.
"""

from __future__ import annotations

import argparse

from layers.i18n import QT_TRANSLATE_NOOP, translate

CONTEXT = "argparse"
#: The words argparse shows a user (not those it raises at a programmer), marked for the catalogue.
WORDS = (
    QT_TRANSLATE_NOOP("argparse", "usage: "),
    QT_TRANSLATE_NOOP("argparse", "positional arguments"),
    QT_TRANSLATE_NOOP("argparse", "options"),
    QT_TRANSLATE_NOOP("argparse", "show this help message and exit"),
    QT_TRANSLATE_NOOP("argparse", "%(prog)s: error: %(message)s\n"),
    QT_TRANSLATE_NOOP("argparse", "the following arguments are required: %s"),
    QT_TRANSLATE_NOOP("argparse", "unrecognized arguments: %s"),
    QT_TRANSLATE_NOOP("argparse", "invalid choice: %(value)r (choose from %(choices)s)"),
    QT_TRANSLATE_NOOP("argparse", "argument %(argument_name)s: %(message)s"),
    QT_TRANSLATE_NOOP("argparse", "invalid %(type)s value: %(value)r"),
    QT_TRANSLATE_NOOP("argparse", "ambiguous option: %(option)s could match %(matches)s"),
    QT_TRANSLATE_NOOP("argparse", "expected one argument"),
    QT_TRANSLATE_NOOP("argparse", "expected at least one argument"),
    QT_TRANSLATE_NOOP("argparse", "expected at most one argument"),
    QT_TRANSLATE_NOOP("argparse", "expected %s argument"),
    QT_TRANSLATE_NOOP("argparse", "expected %s arguments"),
    QT_TRANSLATE_NOOP("argparse", "not allowed with argument %s"),
    QT_TRANSLATE_NOOP("argparse", "one of the arguments %s is required"),
    QT_TRANSLATE_NOOP("argparse", "ignored explicit argument %r"),
)


def _word(text: str) -> str:
    return translate(CONTEXT, text)


def _plural(singular: str, plural: str, count: int) -> str:
    return translate(CONTEXT, singular if count == 1 else plural)


def install() -> None:
    """Route argparse's words through the installed translator (English while none is installed)."""
    setattr(argparse, "_", _word)  # noqa: B010 - argparse's own module-level name, looked up when it prints
    setattr(argparse, "ngettext", _plural)  # noqa: B010
