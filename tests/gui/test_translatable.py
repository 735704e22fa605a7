"""Every text the workbench shows is in the translation catalogue, and the catalogue can switch the interface.

How a shown text is judged (the rule the guard applies):

1. The main window (menus, actions, docks, toolbars) and the main dialogs are built offscreen on a small project;
   every window title, QLabel / QAbstractButton / QAction / QMenu / QGroupBox / tab / header text, tooltip and
   QLineEdit placeholder is collected.
2. A text that is part of a catalogue string (a name shortened under its group) is marked. Otherwise, from
   each text, every string of the catalogue ``workbench/i18n/lamplight_zh_CN.ts`` is removed (also without
   its ``&`` accelerator and trailing ``…``; a source with ``{placeholders}`` is removed piece by piece, the
   pieces between placeholders; only whole words). Then the *data* is removed: the names of the project's
   layers and fields, its title, values of its fields, CRS names, file paths and addresses, and the codes of
   the algorithms (ids, choice values, layer kinds, geometry types).
3. What is left must not contain an English word: two or more Latin letters in a row, except acronyms and
   codes (all capitals or with digits: CRS, RSRP, EPSG:4547, 50N), units (m, km, dBm, MHz, px, pt, mm) and the
   names of formats and services that stay the same in Chinese (GeoPackage, Shapefile, OpenStreetMap, ...).

So an unmarked string fails the test even when parts of it happen to be marked elsewhere, while data shown in
labels (a layer called "schools") never does. Texts are compared in English (no translator installed).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QAction
from PyQt6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QTabWidget,
    QWidget,
)

from layers.i18n import catalogue_translator, read_catalogue
from layers.kinds import KINDS
from workbench.i18n import CATALOGUE_DIR, environment_language, normalise

CATALOGUE = CATALOGUE_DIR / "lamplight_zh_CN.ts"
ROOT = Path(__file__).resolve().parents[2]
#: Words that stay as they are in a Chinese interface (names of formats, services, keys, the product).
KEPT_WORDS = {
    "Lamplight", "English", "GeoPackage", "GeoJSON", "Shapefile", "GeoTIFF", "OpenStreetMap", "Tianditu", "Esri",
    "Carto",
    "Ctrl", "Shift", "Alt", "Del", "Esc", "Backspace", "Ins", "Meta", "Return", "Enter", "Tab", "Space",
    "Home", "End", "PgUp", "PgDown", "Up", "Down", "Left", "Right",
    "px", "pt", "mm", "km", "dBm", "dBi", "dB", "MHz", "GHz", "kHz", "ms", "Hz",
}
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")
#: A quoted name ('point_count', "finance", `price_m2`), an OSM tag (building=yes), an expression variable ($area)
#: or a path to a document: code, not prose.
QUOTED_OR_PATH = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"|`[^`\n]*`|\w+=\w+|\$\w+|\S+\.md\b")


def catalogue_sources(path: Path = CATALOGUE) -> set[str]:
    return {source for context in ElementTree.parse(path).getroot().iter("context")
            for source in (m.findtext("source") for m in context.iter("message")) if source}


def removable_pieces(sources: set[str]) -> list[str]:
    """What may be cut out of a shown text: each source, its accelerator-free form, its literal pieces."""
    pieces: set[str] = set()
    for source in sources:
        for variant in (source, source.replace("&&", "\0").replace("&", "").replace("\0", "&")):
            for part in PLACEHOLDER.split(variant):
                part = part.strip()
                if ENGLISH_WORD.search(part) or part == variant.strip():
                    pieces.add(part)
                    pieces.add(part.rstrip("…").rstrip(".:"))
    return sorted((p for p in pieces if p), key=len, reverse=True)


def project_data(project) -> list[str]:
    """Names and values from the project: shown as they are, never translated."""
    data = {project.title or ""}
    for layer in project:
        data.add(layer.name)
        if layer.source:
            data.add(str(layer.source))
        gdf = getattr(layer, "gdf", None)
        if gdf is not None:
            for column in gdf.columns:
                data.add(str(column))
                if gdf[column].dtype == object:
                    data.update(str(v) for v in gdf[column].dropna().unique()[:200])
        crs = getattr(layer, "crs", None)
        if crs is not None:
            data.add(getattr(crs, "name", str(crs)))
    if project.crs is not None:
        data.add(project.crs.name)
    return sorted((d for d in data if d), key=len, reverse=True)


def algorithm_codes(registry) -> list[str]:
    """Ids, parameter names, choice values, layer kinds, geometry types and the kinds' field names: codes typed on
    the command line or in the data, shown as they are."""
    codes: set[str] = set()
    for algorithm in registry.algorithms():
        codes.add(algorithm.id)
        for parameter in algorithm.parameters():
            codes.add(parameter.name)
            codes.update(str(option) for option in getattr(parameter, "options", ()) or ())
            codes.update(getattr(parameter, "kinds", ()) or ())
            codes.update(getattr(parameter, "geometry", ()) or ())
    for kind in KINDS.values():
        codes.update(spec.name for spec in kind.fields)
    return sorted(codes, key=len, reverse=True)


def whole_words(piece: str) -> str:
    """A pattern for ``piece`` that does not start or end inside a word ('id' is not cut out of 'candidates')."""
    before = r"(?<![A-Za-z])" if piece[:1].isalpha() else ""
    after = r"(?![A-Za-z])" if piece[-1:].isalpha() else ""
    return before + re.escape(piece) + after


def cut(text: str, pieces: list[str]) -> str:
    for piece in pieces:
        if piece in text:
            text = re.sub(whole_words(piece), " ", text)
    return text


def untranslated(text: str, pieces: list[str], data: list[str]) -> str | None:
    """The English words left in ``text`` after cutting out the catalogue and the data; None when none are."""
    if not ENGLISH_WORD.search(text):
        return None
    bare = text.replace("&", "").strip().rstrip("…").lower()
    if len(bare) >= 6 and any(bare in piece.lower() for piece in pieces):  # shortened under its group ('k sites …')
        return None
    everything = sorted([*pieces, *data], key=len, reverse=True)  # longest first: a layer named 'demand' must not
    text = cut(text, everything)  # break a sentence apart; before and after removing tags: 'nearest_<field>' is no tag
    text = re.sub(r"</?[A-Za-z][^<>]*>", " ", text).replace("&nbsp;", " ")  # rich text: the words, not the tags
    text = cut(text, everything)
    text = re.sub(r"[\w./\\:{}-]*[/\\][\w./\\:{}-]*", " ", text)  # file paths and addresses
    text = re.sub(r"\b[\w{}-]+(\.[\w{}-]+)+\b", " ", text)  # host names (tile.openstreetmap.org)
    words = [w for w in ENGLISH_WORD.findall(re.sub(r"\b[\w:.-]*\d[\w:.-]*\b", " ", text))
             if not w.isupper() and w not in KEPT_WORDS]
    return " ".join(words) or None


def standard_button(button: QAbstractButton) -> bool:
    """A QDialogButtonBox's standard button (OK, Apply, ...): Qt's own catalogue translates it."""
    box = button.parent()
    return isinstance(box, QDialogButtonBox) and box.standardButton(button) != QDialogButtonBox.StandardButton.NoButton


def shown_texts(top: QWidget) -> dict[str, str]:
    """Every user-visible text under ``top``: 'where' -> text."""
    found: dict[str, str] = {}

    def add(where: str, text: object) -> None:
        if isinstance(text, str) and text.strip():
            found[f"{where}: {text[:60]!r}"] = text

    widgets = [top, *top.findChildren(QWidget)]
    for widget in widgets:
        name = f"{type(widget).__name__}({widget.objectName()})"
        if widget.isWindow() or widget.inherits("QDockWidget"):
            add(f"{name} title", widget.windowTitle())
        add(f"{name} tooltip", widget.toolTip())
        if isinstance(widget, QLabel) or (isinstance(widget, QAbstractButton) and not standard_button(widget)):
            add(name, widget.text())
        elif isinstance(widget, QGroupBox | QMenu):
            add(name, widget.title())
        elif isinstance(widget, QLineEdit):
            add(f"{name} placeholder", widget.placeholderText())
        elif isinstance(widget, QTabWidget):
            for index in range(widget.count()):
                add(f"{name} tab", widget.tabText(index))
                add(f"{name} tab tooltip", widget.tabToolTip(index))
        elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            for column in range(model.columnCount(widget.rootIndex().parent())
                                if not isinstance(widget, QListView) else 0):
                add(f"{name} header", model.headerData(column, Qt.Orientation.Horizontal,
                                                      Qt.ItemDataRole.DisplayRole))
    for action in top.findChildren(QAction):
        if not action.isSeparator():
            add("QAction", action.text())
            add("QAction tip", action.statusTip())
            if action.toolTip() != action.text().replace("&", ""):
                add("QAction tooltip", action.toolTip())
    return {k: str(v) for k, v in found.items()}


def dialogs_to_check(window, project) -> list[QWidget]:
    """The main dialogs, built as the menus would build them (not executed)."""
    from workbench.dialogs.basemap_dialog import BasemapDialog
    from workbench.dialogs.import_assistant import ImportAssistant
    from workbench.dialogs.project_properties import ProjectPropertiesDialog
    from workbench.export.dialogs import LayoutDialog, ReportDialog, WebMapDialog
    from workbench.processing.dialog import AlgorithmDialog

    layer = project.layers[0] if hasattr(project, "layers") else next(iter(project))
    dialogs: list[QWidget] = [window.show_properties(layer), window.edit_style(layer),
                              ProjectPropertiesDialog(project, window), BasemapDialog(window),
                              BasemapDialog(window, "tianditu-vector"),
                              LayoutDialog(project, None, window), WebMapDialog(project, None, window),
                              ReportDialog(project, None, window), ImportAssistant(layer, window)]
    try:
        from workbench.dialogs.rf_profile import RfProfileDialog
    except ImportError:  # the dialog is optional in older trees
        pass
    else:
        dialogs.append(RfProfileDialog(project, window))
    registry = window.processing.controller.registry
    for algorithm_id in ("tools.buffer", "tools.filter", "demand.from_buildings", "coverage.rsrp", "siting.mclp"):
        try:
            dialogs.append(AlgorithmDialog(registry.get(algorithm_id), project, window))
        except KeyError:
            continue
    return dialogs


def test_every_shown_text_is_in_the_catalogue(qtbot, window, project):
    pieces = removable_pieces(catalogue_sources())
    from workbench.basemap.sources import OFFERED  # product names of tile services, shown as their makers name them

    data = project_data(project) + algorithm_codes(window.processing.controller.registry) + list(OFFERED)
    tops: list[QWidget] = [window, *dialogs_to_check(window, project)]
    missing: dict[str, str] = {}
    try:
        for top in tops:
            for where, text in shown_texts(top).items():
                left = untranslated(text, pieces, data)
                if left:
                    missing[f"{type(top).__name__} / {where}"] = left
    finally:
        for top in tops[1:]:
            top.close()
            top.deleteLater()
    report = "\n".join(f"  {where}  -> left: {left}" for where, left in sorted(missing.items()))
    assert not missing, f"{len(missing)} shown texts are not marked for translation:\n{report}"


def test_every_algorithm_reads_in_chinese():
    """Every algorithm of the toolbox, not only those whose dialogs the scan above opens: its name, description,
    parameter labels and help, choice labels and output descriptions come from the zh_CN catalogue (English left
    only in codes typed on the command line)."""
    from layers.expressions.functions import FUNCTIONS
    from layers.i18n import install_translator, translate
    from plugins.registry import default_registry
    from plugins.siting.decisions import ALIASES

    pieces = removable_pieces(catalogue_sources())
    install_translator(catalogue_translator(CATALOGUE))
    try:
        registry = default_registry()
        # Codes a help text names: expression functions, decision values, 3GPP's model names, products, and
        # whatever it quotes (field names, OSM keys) or points to (a docs/*.md file).
        data = algorithm_codes(registry) + sorted({*FUNCTIONS, *(word for group in ALIASES for word in group),
                                                   "decision", "UMi-Street Canyon", "UMi", "UMa", "WorldPop",
                                                   "Python"}, key=len,
                                                  reverse=True)
        missing: dict[str, str] = {}
        for algorithm in registry.algorithms():
            texts = {"name": translate("Algorithm", algorithm.name),
                     "description": translate("Algorithm", algorithm.description)}
            for parameter in algorithm.parameters():
                texts[parameter.name] = parameter.description
                texts[f"{parameter.name} help"] = parameter.help
                for option, label in getattr(parameter, "labels", {}).items():
                    texts[f"{parameter.name} = {option}"] = label
            texts.update({f"output {output.name}": output.description for output in algorithm.outputs()})
            for where, text in texts.items():
                text = QUOTED_OR_PATH.sub(" ", text)
                left = untranslated(text, pieces, data) if text else None
                if left:
                    missing[f"{algorithm.id} / {where}"] = left
    finally:
        install_translator(None)
    report = "\n".join(f"  {where}  -> left: {left}" for where, left in sorted(missing.items()))
    assert not missing, f"{len(missing)} algorithm texts read in English:\n{report}"


def test_the_guard_notices_an_unmarked_label(qtbot):
    """The rule itself: an English label not in the catalogue is reported; data and marked texts are not."""
    pieces = removable_pieces({"Layer &Properties — {name}", "Zoom to &Layer"})
    data = ["office_listings"]
    assert untranslated("Layer Properties — office_listings", pieces, data) is None
    assert untranslated("Zoom to Layer (Ctrl+Shift+L)", pieces, data) is None
    assert untranslated("EPSG:4547 — 50N, 120 m, 3 dBm", pieces, data) is None
    assert untranslated("Remove every pole", pieces, data) == "Remove every pole"
    assert untranslated("Zoom to Layer and then some", pieces, data) == "and then some"


def test_the_language_follows_lang_then_the_setting_then_the_locale(qapp, monkeypatch):
    from workbench.i18n.loader import chosen_language, set_language_setting

    assert normalise("zh_CN.UTF-8") == "zh_CN" and normalise("zh") == "zh_CN" and normalise("en_US") == "en"
    assert normalise("C") is None and normalise("") is None
    assert environment_language({"LANG": "zh_CN.UTF-8"}) == "zh_CN"
    assert environment_language({"LC_ALL": "en_GB.UTF-8", "LANG": "zh_CN.UTF-8"}) == "en"
    set_language_setting("zh_CN")
    assert chosen_language("en") == "en"  # --lang wins
    assert chosen_language(None) == "zh_CN"  # then the setting
    set_language_setting(None)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    assert chosen_language(None) in ("zh_CN", "en")  # QLocale.system() was read when Qt started


#: Started in a fresh process: installing a translator sends every live widget a LanguageChange event, and the
#: earlier tests' windows are still around in this one.
STARTED_IN_CHINESE = """
import sys
from pathlib import Path
from PyQt6.QtWidgets import QDialogButtonBox
from workbench import i18n
i18n.CATALOGUE_DIR = Path(sys.argv[1])
from layers.i18n import translate
from workbench.app import create_application
from workbench.main_window import MainWindow
app = create_application([], language=sys.argv[2])
window = MainWindow()
box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
print(window.menu("&File").title(), window.menu("&Help").title(), translate("Edits", "a field needs a name"),
      box.buttons()[0].text(), sep="|")
window.files.session.mark_clean()
"""


def test_a_catalogue_translates_the_interface_and_the_layers_messages(tmp_path):
    """A finished entry of a .ts reaches the window's menus (through the .ts reader when no .qm exists), layers'
    translate() and the command line's reader; unfinished entries and English leave the source text."""
    (tmp_path / "lamplight_zh_CN.ts").write_text(
        '<?xml version="1.0" encoding="utf-8"?><!DOCTYPE TS><TS version="2.1" language="zh_CN">'
        "<context><name>MainWindow</name><message><source>&amp;File</source><translation>文件(&amp;F)</translation>"
        "</message><message><source>&amp;Help</source><translation type=\"unfinished\" /></message></context>"
        "<context><name>Edits</name><message><source>a field needs a name</source>"
        "<translation>字段需要名称</translation></message></context></TS>", encoding="utf-8")
    assert read_catalogue(tmp_path / "lamplight_zh_CN.ts") == {("MainWindow", "&File"): "文件(&F)",
                                                               ("Edits", "a field needs a name"): "字段需要名称"}
    cli = catalogue_translator(tmp_path / "lamplight_zh_CN.ts")
    assert cli("MainWindow", "&File") == "文件(&F)" and cli("MainWindow", "&Help") == "&Help"
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    shown = {}
    for language in ("zh_CN", "en"):
        run = subprocess.run([sys.executable, "-c", STARTED_IN_CHINESE, str(tmp_path), language], cwd=ROOT,
                             env=environment, capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stderr
        shown[language] = run.stdout.strip().splitlines()[-1].split("|")
    assert shown["zh_CN"][:3] == ["文件(&F)", "&Help", "字段需要名称"]
    assert shown["zh_CN"][3] == "取消"  # Qt's own catalogue: standard buttons
    assert shown["en"][:3] == ["&File", "&Help", "a field needs a name"]


def test_the_chinese_catalogue_has_no_unfinished_entries():
    """Every string of the interface has its Chinese translation (run scripts/update_translations.sh after adding
    strings, then translate the new type="unfinished" entries)."""
    root = ElementTree.parse(CATALOGUE).getroot()
    unfinished = [m.findtext("source") for m in root.iter("message")
                  if (m.find("translation") is not None and m.find("translation").get("type") == "unfinished")]
    assert not unfinished, f"{len(unfinished)} unfinished entries, e.g. {unfinished[:5]}"


def test_every_chinese_translation_keeps_the_sources_placeholders():
    """A translation that drops or renames a {placeholder} or a %(name)s raises KeyError, or loses a file name, at the
    moment a Chinese planner meets that message; the format spec may differ (a Chinese date has no zero padding)."""
    names = re.compile(r"\{(\w*)[^{}]*\}|%\((\w+)\)[sdr]|%[sdr]")
    root = ElementTree.parse(CATALOGUE).getroot()
    different = []
    for message in root.iter("message"):
        translation = message.find("translation")
        if translation is None or translation.get("type") in ("vanished", "obsolete", "unfinished"):
            continue
        source = message.findtext("source") or ""
        if sorted(map(str, names.findall(source))) != sorted(map(str, names.findall(translation.text or ""))):
            different.append(source)
    assert not different, f"{len(different)} translations change the placeholders, e.g. {different[:5]}"


def test_the_command_line_prints_algorithms_in_the_chosen_language(tmp_path, monkeypatch, capsys):
    """``lamplight --lang zh_CN list/help`` translates names and help from the .ts (no Qt); LANG does the same;
    ``--lang en`` and an unfinished entry print English."""
    from lamplight.cli import main
    from layers.i18n import install_translator
    from workbench import i18n

    (tmp_path / "lamplight_zh_CN.ts").write_text(
        '<?xml version="1.0" encoding="utf-8"?><!DOCTYPE TS><TS version="2.1" language="zh_CN">'
        "<context><name>Algorithm</name><message><source>Buffer</source><translation>缓冲区</translation></message>"
        "<message><source>Vector tools</source><translation>矢量工具</translation></message>"
        "<message><source>Parameters:</source><translation>参数：</translation></message>"
        "<message><source>Clip</source><translation type=\"unfinished\" /></message></context>"
        "<context><name>Buffer</name><message><source>Buffer distance</source><translation>缓冲距离</translation>"
        "</message></context></TS>", encoding="utf-8")
    monkeypatch.setattr(i18n, "CATALOGUE_DIR", tmp_path)
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    try:
        assert main(["--lang", "zh_CN", "list"]) == 0
        listing = capsys.readouterr().out
        assert "\n矢量工具\n" in listing and re.search(r"tools\.buffer +缓冲区\n", listing)
        assert re.search(r"tools\.clip +Clip\n", listing)  # unfinished: English
        assert main(["--lang", "zh_CN", "help", "tools.buffer"]) == 0
        help_text = capsys.readouterr().out
        assert help_text.startswith("缓冲区 (tools.buffer)") and "参数：" in help_text
        assert "--distance  缓冲距离" in help_text
        monkeypatch.setenv("LANG", "zh_CN.UTF-8")
        assert main(["help", "tools.buffer"]) == 0
        assert capsys.readouterr().out.startswith("缓冲区 (tools.buffer)")
        assert main(["--lang", "en", "help", "tools.buffer"]) == 0
        assert capsys.readouterr().out.startswith("Buffer (tools.buffer)")
    finally:
        install_translator(None)


def test_view_language_remembers_the_choice_for_the_next_start(qtbot, window, monkeypatch):
    """View > Language > 简体中文 stores the setting (the next start reads it) and says a restart applies it."""
    from workbench.i18n import menu as language_menu
    from workbench.i18n.loader import chosen_language

    told = []
    monkeypatch.setattr(language_menu.QMessageBox, "information", lambda *args: told.append(args[2]))
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    entries = window.language_menu.language_actions
    assert entries[""].isChecked() and [a.text() for a in entries.values()] == ["Follow the System", "English",
                                                                                 "简体中文"]
    entries["zh_CN"].trigger()
    assert chosen_language(None) == "zh_CN" and chosen_language("en") == "en"
    assert told and "started again" in told[0]
    entries[""].trigger()
    assert chosen_language(None) in ("en", "zh_CN")  # the system's again (QLocale read at Qt's start)
    assert language_menu.user_settings().value("language", "", type=str) == ""
