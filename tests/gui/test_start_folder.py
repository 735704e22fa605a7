"""File dialogs start where the planner works: the project's folder, the last folder used, else Documents;
never inside the bundled sample data."""

from __future__ import annotations

from workbench.window.start_folder import SAMPLE_FOLDER, documents_folder, remember_folder, start_folder


def test_a_saved_projects_folder_comes_first(tmp_path):
    assert start_folder(tmp_path / "plan.lamp") == tmp_path


def test_the_sample_project_never_makes_dialogs_start_in_sample_data(tmp_path):
    sample_project = SAMPLE_FOLDER / "tianhe" / "tianhe.lamp"
    assert sample_project.is_file()
    assert start_folder(sample_project) == documents_folder()
    remember_folder(tmp_path / "briefing.pdf")
    assert start_folder(sample_project) == tmp_path  # then the folder the planner last chose
    remember_folder(SAMPLE_FOLDER / "tianhe" / "x.pdf")  # a choice inside the sample is not remembered
    assert start_folder(None) == tmp_path
