"""Lamplight as an installed package: the ``lamplight`` command, ``python -m lamplight`` and the bundled sample.

The application itself lives in ``layers`` (data model), ``plugins`` (algorithms) and ``workbench`` (GUI and
exports); this package only starts it, so an installed copy needs no checkout.
"""
