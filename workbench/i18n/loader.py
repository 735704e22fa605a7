"""Install the interface language at start: our catalogue, Qt's own (standard buttons and dialogs), and the
same translation for the Qt-free messages of layers/ and plugins/.

The language is chosen once per start, in this order: ``--lang`` on the command line, the user's setting
(View > Language, applied at the next start), then the system locale.
"""

from __future__ import annotations

from PyQt6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from layers.i18n import catalogue_translator, install_translator
from workbench.i18n import SOURCE_LANGUAGE, catalogue, normalise
from workbench.user_settings import user_settings

#: The user setting holding the chosen language; empty (or absent) means "follow the system".
LANGUAGE_SETTING = "language"


def chosen_language(explicit: str | None = None) -> str:
    """The language this start uses: ``explicit`` (``--lang``) > the user setting > the system locale."""
    for candidate in (explicit, user_settings().value(LANGUAGE_SETTING, "", type=str)):
        language = normalise(candidate)
        if language is not None:
            return language
    return normalise(QLocale.system().name()) or SOURCE_LANGUAGE


def set_language_setting(language: str | None) -> None:
    """Remember ``language`` for the next start; None follows the system locale."""
    user_settings().setValue(LANGUAGE_SETTING, language or "")


class CatalogueTranslator(QTranslator):
    """A ``QTranslator`` answering from the ``.ts`` source when no compiled ``.qm`` exists (no ``lrelease``)."""

    def __init__(self, translator, parent=None) -> None:
        super().__init__(parent)
        self._translate = translator

    def translate(self, context, source_text, disambiguation=None, n=-1):  # noqa: D102 - Qt's virtual
        if context is None or source_text is None:
            return None  # a null QString: "no entry", Qt asks the next translator or shows the source
        translated = self._translate(context, source_text)
        return translated if translated != source_text else None

    def isEmpty(self) -> bool:  # noqa: N802 - Qt's name
        return False


def install_language(app: QCoreApplication, language: str) -> list[QTranslator]:
    """Load ``language``'s translators into ``app`` (their parent, so they live as long as it); the list.

    English (the source language) installs nothing and routes layers/plugins messages to their source text.
    """
    translators: list[QTranslator] = []
    if language != SOURCE_LANGUAGE:
        qt_own = QTranslator(app)
        if qt_own.load(f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
            translators.append(qt_own)
        compiled, source = catalogue(language, ".qm"), catalogue(language, ".ts")
        ours = QTranslator(app)
        if compiled is not None and ours.load(str(compiled)):
            translators.append(ours)
        elif source is not None:
            translators.append(CatalogueTranslator(catalogue_translator(source), app))
    for translator in translators:
        app.installTranslator(translator)
    install_translator(lambda context, text: QCoreApplication.translate(context, text) if translators else text)
    return translators
