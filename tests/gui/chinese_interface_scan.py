"""Run as ``python -m tests.gui.chinese_interface_scan PROJECT``: start the workbench in Chinese on PROJECT, and
print (one JSON line) every shown text of the window and the main dialogs that still holds an English word.

Used by ``test_chinese_interface`` in a fresh process (installing a translator re-translates every live widget of
a test session). What is not English prose is taken out first: the project's data, the algorithms' codes, the
expression language's function names and words, quoted examples, ``field=value`` and snake_case names, file
extensions, and the names in ``CODES``.
"""

from __future__ import annotations

import json
import re
import sys

#: Shown as they are in a Chinese interface: names of solvers, models and data sets (3GPP TR 38.901's scenario
#: names as the standard spells them), the expression language's words (typed in English whatever the interface
#: language), the bounding-box format's coordinate names, and the values a decision field may hold.
CODES = ["HiGHS", "UMi-Street Canyon", "UMi", "UMa", "WorldPop", "Python", "QML", "and", "or", "not", "in", "is",
         "None", "true", "false", "if", "then", "else", "minx", "miny", "maxx", "maxy", "tk", "approved", "rejected"]
#: Quoted examples and values, file paths, --options, $variables, field=value, snake_case and
#: <placeholder>_suffix names, file extensions.
CODE_TEXT = re.compile(r"'[^']*'|\"[^\"]*\"|“[^”]*”|‘[^’]*’|(?:\w+:)?[\w.{}-]*/[\w./{}-]+|--[\w-]+|\$\w+|\b\w+=\w+"
                       r"|\b[A-Za-z]\w*_\w*|<\w+>\w*|(?<!\w)\.[a-z]{2,4}\b")


def english_left(project_path: str) -> dict[str, str]:
    from workbench.app import create_application

    app = create_application([], language="zh_CN")  # kept: the widgets below need it alive
    from layers import Project
    from layers.expressions.functions import FUNCTIONS
    from tests.gui.test_translatable import (
        algorithm_codes,
        dialogs_to_check,
        project_data,
        shown_texts,
        untranslated,
    )
    from workbench.basemap.sources import OFFERED
    from workbench.main_window import MainWindow

    project = Project.load(project_path)
    window = MainWindow(project)
    window.resize(1280, 800)
    window.show()
    for _ in range(20):
        app.processEvents()
    data = (project_data(project) + algorithm_codes(window.processing.controller.registry) + list(OFFERED)
            + sorted(FUNCTIONS) + CODES)
    left: dict[str, str] = {}
    for top in [window, *dialogs_to_check(window, project)]:
        for where, text in shown_texts(top).items():
            words = untranslated(CODE_TEXT.sub(" ", text), [], data)
            if words:
                left[f"{type(top).__name__} / {where}"] = words
    window.files.session.mark_clean()
    return left


if __name__ == "__main__":
    print(json.dumps(english_left(sys.argv[1]), ensure_ascii=False))
