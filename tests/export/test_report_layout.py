"""One layout, two renderers: the HTML page and the PDF show the same blocks (headings, key figures, table cells)
in the same order, the figures are report_data's, and every fixed text of the report goes through translate, so
a Chinese interface gets a Chinese report (labels looked up by key keep working) whose HTML carries its glyphs."""

from __future__ import annotations

import base64
import io
import re
import subprocess
from html.parser import HTMLParser

import pytest

from layers.i18n import catalogue_translator, install_translator
from layers.scenarios import Scenario
from tests.export.test_report import POPPLER, needs_poppler
from tests.export.test_report_data import COVERAGE_RUN
from tests.export.test_report_scenarios import compared_project
from workbench.export.report import ReportOptions, export_report
from workbench.export.report_data import collect_report_data, figure_values
from workbench.export.report_layout import DetailsBlock, FiguresBlock, TableBlock, report_blocks

OPTIONS = ReportOptions(notes="Draft for the district briefing.", date="2025-03-14")


class ReportPage(HTMLParser):
    """What a reader sees on the HTML report, by kind: headings, figure tiles, table rows, run lines."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.headings: list[str] = []
        self.figures: list[dict[str, str]] = []
        self.tables: list[list[list[str]]] = []
        self.details: list[str] = []
        self.svg_texts: list[str] = []
        self._open: list[tuple[str, str]] = []
        self._text = ""
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        if tag in ("meta", "img", "br"):    # no end tag
            return
        kind = dict(attrs).get("class") or ""
        if tag == "div" and kind == "figure":
            self.figures.append({})
        if tag == "table":
            self.tables.append([])
        if tag == "tr":
            self.tables[-1].append([])
        self._open.append((tag, kind))
        self._text = ""

    def handle_data(self, data):
        self._text += data

    def handle_endtag(self, tag):
        opened, kind = self._open.pop()
        assert opened == tag, f"<{opened}> closed by </{tag}>"
        text = self._text.strip()
        if tag in ("h1", "h2"):
            self.headings.append(text)
        elif tag == "div" and kind in ("value", "label", "note") and self.figures:
            self.figures[-1][kind] = text
        elif tag in ("th", "td"):
            self.tables[-1][-1].append(text)
        elif tag == "dt":
            self.details.append(text)
        elif tag == "text":
            self.svg_texts.append(text)
        self._text = ""


def full_project():
    """Every block the report has: figures, map, notes, three charts, runs, site table, scenarios."""
    project = compared_project()
    project.record_run(COVERAGE_RUN)
    return project


def pdf_text(path, *pages: int) -> str:
    first_last = ["-f", str(pages[0]), "-l", str(pages[-1])] if pages else []
    return subprocess.run([POPPLER / "pdftotext", "-layout", *first_last, path, "-"], check=True,
                          capture_output=True, text=True).stdout


def in_order(text: str, parts: list[str]) -> bool:
    """``parts`` appear in ``text`` one after another (other text between them allowed)."""
    at = 0
    for part in parts:
        at = text.find(part, at)
        if at < 0:
            return False
        at += len(part)
    return True


@needs_poppler
def test_html_and_pdf_show_the_same_blocks(tmp_path, qapp):
    project = full_project()
    export_report(project, tmp_path / "r.html", OPTIONS)
    export_report(project, tmp_path / "r.pdf", OPTIONS)
    page = ReportPage((tmp_path / "r.html").read_text(encoding="utf-8"))
    text = pdf_text(tmp_path / "r.pdf")
    blocks = report_blocks(project, collect_report_data(project), OPTIONS)

    # the figures are the one definition in report_data, in its order, in both formats
    figures = collect_report_data(project).figures
    assert [block.figures for block in blocks if isinstance(block, FiguresBlock)] == [figures]
    assert page.figures == [{"value": f.value, "label": f.label, **({"note": f.note} if f.note else {})}
                            for f in figures]
    assert figure_values(figures)["sites_selected"] == "8"      # the later run of compared_project: 8 sites
    assert all(f.value in text and f.label in text for f in figures)

    # the same sections in the same order: the HTML's headings are the PDF's, top to bottom
    headings = ["Zhujiang New Town small cells", "Key figures", "Map", "Charts", "Runs", "Selected sites (5)",
                "Scenarios compared with \u201cA: 5 sites\u201d"]
    assert page.headings == headings
    assert in_order(text, headings)
    assert in_order(text, ["Draft for the district briefing.", "Coverage vs number of sites", "Sites per phase",
                           "RSRP distribution"])

    # tables: the HTML shows every cell; the PDF each row on one line, its cells in order
    tables = [block.table for block in blocks if isinstance(block, TableBlock)]
    assert page.tables == [[table.headings, *table.rows] for table in tables]
    lines = text.splitlines()
    for table in tables:
        assert any(in_order(line, table.headings) for line in lines), table.headings
        for row in table.rows:
            # numbers and the first column whole; a note wider than the room left may be cut in the PDF
            shown = [row[0]] + [value for value, numeric in zip(row[1:], table.numeric[1:], strict=True) if numeric]
            assert any(in_order(line, shown) for line in lines), row
    details = next(block for block in blocks if isinstance(block, DetailsBlock)).lines
    assert page.details == [name.strip() for name, _ in details]
    assert all(any(in_order(line, [name.strip(), value]) for line in lines) for name, value in details)
    footer = "Lamplight briefing report · Zhujiang New Town small cells"
    pages = int(re.search(r"Page 1 of (\d+)", text).group(1))
    assert footer in (tmp_path / "r.html").read_text(encoding="utf-8") and text.count(footer) == pages  # each page


@needs_poppler
def test_many_scenarios_continue_over_pages(tmp_path, qapp):
    """The comparison is a table like the site table: more rows than a page holds go on, heading repeated (the
    PDF once cut them at one page)."""
    project = full_project()
    for i in range(3, 63):
        project.scenarios.add(Scenario(f"Variant {i:02d}", runs=["r1"], sites=["P1", "P2"]))
    path = tmp_path / "many.pdf"
    export_report(project, path, OPTIONS)
    text = pdf_text(path)
    assert all(f"Variant {i:02d}" in text for i in range(3, 63))
    assert re.search(r"Scenarios compared with \u201cA: 5 sites\u201d \(continued, from row \d+\)", text)


#: A few entries of the zh_CN catalogue, as the lead will translate them.
CATALOGUE = {
    "Report": {"Key figures": "关键指标", "Map": "地图", "Charts": "图表", "Runs": "运行记录",
               "Briefing report": "简报", "Selected sites ({count})": "选定站点（{count}）"},
    "ReportData": {"Sites selected": "选定站点数", "Total cost": "总成本"},
    "CoveredFigures": {"People covered": "覆盖人口"},
    "ReportCharts": {"Coverage vs number of sites": "覆盖率与站点数", "Sites per phase": "各期站点数"},
    "ReportTable": {"Rank": "排名"},
    "ReportScenarios": {"Scenario": "方案"},
    "ReportPdf": {"Page {page} of {pages}": "第 {page} 页，共 {pages} 页"},
}


@pytest.fixture()
def chinese(tmp_path):
    """The interface in Chinese for one test, from a tiny .ts catalogue read as the command line reads its own."""
    contexts = "".join(f"<context><name>{name}</name>" + "".join(
        f"<message><source>{source}</source><translation>{target}</translation></message>"
        for source, target in entries.items()) + "</context>" for name, entries in CATALOGUE.items())
    path = tmp_path / "tiny_zh_CN.ts"
    path.write_text(f"<?xml version='1.0' encoding='utf-8'?><TS version='2.1' language='zh_CN'>{contexts}</TS>",
                    encoding="utf-8")
    install_translator(catalogue_translator(path))
    yield
    install_translator(None)


@needs_poppler
def test_a_chinese_report_in_both_formats(tmp_path, qapp, chinese):
    from workbench.docks.dashboard import dashboard_numbers

    project = full_project()
    export_report(project, tmp_path / "r.html", OPTIONS)
    export_report(project, tmp_path / "r.pdf", OPTIONS)
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    page = ReportPage(html)
    text = pdf_text(tmp_path / "r.pdf")
    for shown in ("关键指标", "地图", "图表", "运行记录", "选定站点（5）"):
        assert shown in page.headings and shown in text, shown
    labels = {figure["label"] for figure in page.figures}
    assert {"选定站点数", "覆盖人口", "总成本"} <= labels
    assert all(label in text for label in ("选定站点数", "覆盖人口", "总成本", "简报", "第 1 页，共 3 页"))
    assert page.tables[0][0][0] == "排名" and page.tables[1][0][0] == "方案"
    assert {"覆盖率与站点数", "各期站点数"} <= set(page.svg_texts)   # chart titles, as text in the SVG
    # lookups by key do not depend on the language the labels are in
    figures = collect_report_data(project).figures
    assert figure_values(figures)["sites_selected"] == "8"
    numbers = dashboard_numbers(project)
    assert {f.key: f.label for f in numbers.run_figures}["sites_selected"] == "选定站点数"
    assert numbers.people_covered[0] == figure_values(figures)["people_covered"] == "79.3 %"


@needs_poppler
def test_chinese_text_carries_its_font(tmp_path, qapp, chinese):
    """The PDF embeds the CJK font its text falls back to; the HTML carries the same font's glyphs for every Han
    character on the page (body and charts), so it shows Chinese on a machine without a CJK font."""
    from fontTools.pens.boundsPen import BoundsPen
    from fontTools.ttLib import TTFont

    from workbench.export.report_fonts import cjk_font

    cjk = cjk_font()
    if cjk is None:
        pytest.skip("no CJK font installed: the report has none to carry")
    project = full_project()
    project.layer("Selected sites").name = "选定站点"
    export_report(project, tmp_path / "r.html", ReportOptions(title="珠江新城小基站规划", date="2025-03-14"))
    export_report(project, tmp_path / "r.pdf", ReportOptions(title="珠江新城小基站规划", date="2025-03-14"))
    fonts = subprocess.run([POPPLER / "pdffonts", tmp_path / "r.pdf"], check=True, capture_output=True,
                           text=True).stdout
    embedded = [line.split() for line in fonts.splitlines()[2:]]
    assert any(cjk.family.replace(" ", "") in row[0] and row[-5] == "yes" for row in embedded), fonts
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    face = re.search(r"@font-face \{ font-family: \"([^\"]+)\"; src: url\(data:font/ttf;base64,([^)]+)\)", html)
    assert face is not None and face.group(1) == cjk.family
    font = TTFont(io.BytesIO(base64.b64decode(face.group(2))))
    han = {char for char in html if "\u4e00" <= char <= "\u9fff"}
    assert {"珠", "选", "覆", "各"} <= han             # title, layer name in the caption, chart titles
    glyphs, names = font.getGlyphSet(), font.getBestCmap()
    for char in han:                       # an outline to draw (many are composites of carried parts)
        pen = BoundsPen(glyphs)
        glyphs[names[ord(char)]].draw(pen)
        assert pen.bounds is not None, char
    # the body and the chart text name it first (Chromium draws a web font reliably only there)
    assert re.search(r"body \{ font: 14px/1.45 \"" + re.escape(cjk.family) + "\"", html)
    assert re.search(r"\.charts svg text \{ font-family: \"" + re.escape(cjk.family) + "\"", html)


def test_every_fixed_text_goes_through_translate(tmp_path, qapp):
    """With a translator that brackets what it is given, every heading, label, caption, note, run name and table
    heading of the report is bracketed: nothing is left in English under another language. Left as they are:
    values, names from the data and headings made from field names (the sites' "Height (m)", "Status")."""
    install_translator(lambda context, text: f"⟦{text}⟧")
    try:
        project = full_project()
        project.remove_layer("RSRP")  # and the note that says what to run
        export_report(project, tmp_path / "r.html", OPTIONS)
    finally:
        install_translator(None)
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    page = ReportPage(html)
    marked = lambda text: text.startswith("⟦") and text.endswith("⟧")  # noqa: E731
    assert all(marked(heading) for heading in page.headings[1:])        # the first is the project's title
    assert all(marked(figure["label"]) for figure in page.figures)
    # a run's parameters are named by the plugin's translated descriptions, cut before a bracketed part
    assert all(name.startswith("⟦") for name in page.details)
    sites, scenarios = page.tables
    assert all(marked(heading) for heading in sites[0] if heading not in ("Height (m)", "Status"))
    assert all(marked(heading) for heading in scenarios[0])
    assert "⟦No RSRP raster in this project" in html and "⟦Map of the visible layers. Data:" in html
    assert "⟦BRIEFING REPORT⟧" not in html and "⟦Briefing report⟧" in html
    assert "⟦Lamplight briefing report · " in html
    # chart titles, axis titles and labels: every SVG text with a word in it
    assert all("⟦" in t or "⟧" in t for t in page.svg_texts if re.search("[A-Za-z]", t))
