"""Access keys of basemap services (Tianditu's ``tk``), kept in the user's settings and never in a project.

A project stores only the key's name (``key_name``); opening it on another machine asks that user for their own
key. Keys live under ``basemap_keys/<name>`` in ``workbench.user_settings``.
"""

from __future__ import annotations

from workbench.basemap.sources import BasemapStack, Source, needed_key, source_from_definition, with_api_key
from workbench.user_settings import user_settings

GROUP = "basemap_keys"


def saved_key(name: str) -> str:
    value = user_settings().value(f"{GROUP}/{name}", "")
    return value if isinstance(value, str) else ""


def save_key(name: str, key: str) -> None:
    settings = user_settings()
    settings.setValue(f"{GROUP}/{name}", key.strip())
    settings.sync()


def with_saved_keys(source: Source) -> Source:
    """``source`` with every key it asks for filled in from the user's settings (where one is saved)."""
    parts = source.parts if isinstance(source, BasemapStack) else (source,)
    for name in {part.key_name for part in parts if part.key_name}:
        key = saved_key(name)
        if key:
            source = with_api_key(source, name, key)
    return source


def project_basemap(project) -> Source | None:
    """The basemap ``project`` shows, with this user's keys; None when none is chosen or a key is missing."""
    entry = (project.basemaps or {}).get("active")
    if not entry:
        return None
    source = with_saved_keys(source_from_definition(entry))
    return None if needed_key(source) else source
