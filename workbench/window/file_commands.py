"""The File menu's work: new, open, save, save as, add layers, recent projects, dropped files, unsaved prompt.

Every failure becomes a readable dialog (the message from ``LayerError`` names the file and the problem);
the window and the current project stay as they were. Project files are read and written in a worker thread
(``project_io``), with a busy cursor and a status message; the window keeps painting meanwhile.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PyQt6.QtCore import QObject, Qt
from PyQt6.QtGui import QAction
from PyQt6.QtWidgets import QApplication, QFileDialog, QMenu, QMessageBox

from layers import Layer, LayerError, Project, VectorLayer
from layers.crs import describe_crs
from layers.edits import AddLayers, CommandGroup, RemoveLayer
from layers.field_suggestions import Suggestion
from layers.io.formats import read_filters
from layers.project import PROJECT_SUFFIX
from layers.project_file import relink_missing
from workbench.dialogs import autosave_recovery
from workbench.dialogs.autosave_recovery import Recovery
from workbench.dialogs.errors import show_error
from workbench.dialogs.import_assistant import ImportAssistant
from workbench.window.layer_loading import LayerLoader, LoadResult, is_project_file
from workbench.window.project_io import RelinkPlan, load_for_display
from workbench.window.project_session import ProjectSession, newer_autosave, recent_projects, remember_project
from workbench.window.start_folder import remember_folder, start_folder

if TYPE_CHECKING:
    from workbench.main_window import MainWindow

PROJECT_FILTER = f"Lamplight project (*{PROJECT_SUFFIX})"


class FileCommands(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.session = ProjectSession(window.bridge, self)
        self.loader = LayerLoader(self)
        self.loader.started.connect(self._loading_started)
        self.loader.finished.connect(self._loading_finished)
        #: The import assistant shown, and the loaded layers waiting for theirs.
        self.assistant: ImportAssistant | None = None
        self._assist_queue: list[tuple[Layer, Suggestion]] = []
        window.bridge.project_replaced.connect(lambda project: self._drop_assistants())

    @property
    def project(self) -> Project:
        return self.window.bridge.project

    # -- projects ------------------------------------------------------------------------------------------
    def new_project(self) -> bool:
        if not self.confirm_unsaved():
            return False
        self.window.set_project(Project())
        return True

    def choose_and_open_project(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, self.tr("Open Project"), self._folder(), PROJECT_FILTER)
        if path:
            remember_folder(path)
            self.open_project(path)

    def open_project(self, path: str | Path, *, ask: bool = True) -> bool:
        """Replace the current project by the one in ``path``; False (with a dialog) when it cannot be read.

        When an autosaved copy is newer than the file, the user chooses: restore the copy (as unsaved changes of
        this project, so the file is replaced only on save), open the saved file, or cancel.
        """
        if ask and not self.confirm_unsaved():
            return False
        path = Path(path)
        source, restoring = path, False
        autosave = newer_autosave(path)
        if autosave is not None:
            choice = autosave_recovery.ask_recovery(self.window, path, autosave)
            if choice is Recovery.CANCEL:
                return False
            source, restoring = (autosave, True) if choice is Recovery.RESTORE else (path, False)
        project = self._load(source)
        if project is None:
            return False
        if restoring:
            project.path = path  # the copy belongs to this project: Save writes the project file, not the copy
        self.window.set_project(project)
        self.session.io.wait_for(remember_project, path)  # reads and writes the settings file: in the worker
        if restoring:
            self.session.mark_dirty()
            self.window.statusBar().showMessage(
                self.tr("Restored the autosaved copy {name}; save to keep it").format(name=autosave.name), 15000)
        if project.load_problems:
            kept = "\n\n" + self.tr("Layers linked to a data file that is missing or unreadable stay in the project "
                                     "when you save it. If the data moved, use File > Find Missing Data Files… to "
                                     "point at its new folder.") if project.unavailable else ""
            show_error(self.window, self.tr("Some layers could not be restored"),
                       self.tr("The project opened without these layers:") + "\n\n" + "\n".join(project.load_problems)
                       + kept)
        return True

    def _load(self, path: Path) -> Project | None:
        """The project in ``path`` (read in the worker), or None after telling the user why it cannot be read."""
        QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
        self.window.statusBar().showMessage(self.tr("Opening {name}…").format(name=path.name))
        try:
            return self.session.io.wait_for(load_for_display, path)
        except LayerError as exc:
            show_error(self.window, self.tr("Cannot open project"), str(exc))
        except Exception as exc:  # a damaged archive can fail in ways the reader did not foresee
            show_error(self.window, self.tr("Cannot open project"), f"{path}: {type(exc).__name__}: {exc}")
        finally:
            QApplication.restoreOverrideCursor()
            self.window.statusBar().clearMessage()
        return None

    def save(self) -> bool:
        if self.project.path is None:
            return self.save_as()
        return self.save_to(self.project.path)

    def save_as(self) -> bool:
        suggested = str(Path(self._folder()) / f"{self.project.title}{PROJECT_SUFFIX}")
        path, _ = QFileDialog.getSaveFileName(self.window, self.tr("Save Project As"), suggested, PROJECT_FILTER)
        if not path:
            return False
        if not path.lower().endswith(PROJECT_SUFFIX):
            path += PROJECT_SUFFIX
        remember_folder(path)
        return self.save_to(path)

    def save_to(self, path: str | Path) -> bool:
        """Save atomically; on failure the old file is intact and the user reads why."""
        self.window.canvas.store_view()
        if self.project.title == "Untitled project":
            self.project.title = Path(path).stem
        QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
        self.window.statusBar().showMessage(self.tr("Saving {name}…").format(name=Path(path).name))
        try:
            target = self.session.save(path)
        except LayerError as exc:
            show_error(self.window, self.tr("Project not saved"),
                       f"{exc}\n\n" + self.tr("The previous file, if any, is unchanged."))
            return False
        except OSError as exc:
            show_error(self.window, self.tr("Project not saved"),
                       f"{path}: {exc}\n\n" + self.tr("The previous file, if any, is unchanged."))
            return False
        finally:
            QApplication.restoreOverrideCursor()
            self.window.statusBar().clearMessage()
        self.window.statusBar().showMessage(self.tr("Saved {file}").format(file=target), 5000)
        self.window.update_title()
        return True

    def confirm_unsaved(self) -> bool:
        """Ask before unsaved edits would be lost: True to go on (saved or discarded), False to stay."""
        if not self.session.dirty:
            return True
        answer = QMessageBox.question(
            self.window, self.tr("Unsaved changes"),
            self.tr("The project \u201c{title}\u201d has unsaved changes. Save them first?").format(
                title=self.project.title),
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def find_missing_files(self) -> None:
        """Ask for the folder the data moved to and restore the layers whose files are found there (by name)."""
        missing = len(self.project.unavailable)
        if not missing:
            self.window.statusBar().showMessage(self.tr("Every layer of the project has its data file"), 8000)
            return
        folder = QFileDialog.getExistingDirectory(
            self.window, self.tr("Folder holding the missing data files ({count})").format(count=missing),
            self._folder())
        if not folder:
            return
        project, plan = self.project, RelinkPlan(self.project)
        QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
        self.window.statusBar().showMessage(self.tr("Looking for the missing data files in {folder}…").format(
            folder=folder))
        try:
            restored, problems = self.session.io.wait_for(relink_missing, plan, Path(folder))   # search and read
        except OSError as exc:
            show_error(self.window, self.tr("Cannot search the folder"), f"{folder}: {exc}")
            return
        finally:
            QApplication.restoreOverrideCursor()
        if project is not self.project:         # another project was opened meanwhile
            return
        plan.apply(project)
        restored_text = self.tr("Restored {restored} of {missing} layers").format(restored=len(restored),
                                                                                   missing=missing)
        self.window.statusBar().showMessage(
            self.tr("{restored} from {folder}").format(restored=restored_text, folder=folder), 15000)
        if problems:
            show_error(self.window, self.tr("Some data files were not found"),
                       self.tr("{restored}. Still missing:").format(restored=restored_text) + "\n\n"
                       + "\n".join(problems))

    # -- layers ----------------------------------------------------------------------------------------------
    def choose_and_add_layers(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self.window,
            self.tr("Add Layer"), self._folder(), ";;".join(read_filters()))
        if paths:
            remember_folder(paths[0])
            self.add_files(paths)

    def add_files(self, paths: list[str]) -> None:
        """Open files in the background: a .lamp among them opens as the project, the rest become layers."""
        projects = [p for p in paths if is_project_file(p)]
        data = [p for p in paths if not is_project_file(p)]
        if projects:
            self.open_project(projects[0])
        if data:
            self.loader.load(data)

    def _loading_started(self, paths: list[str]) -> None:
        names = ", ".join(Path(p).name for p in paths[:3]) + ("…" if len(paths) > 3 else "")
        self.window.statusBar().showMessage(self.tr("Reading {names}…").format(names=names))
        QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)

    def _loading_finished(self, result: LoadResult) -> None:
        QApplication.restoreOverrideCursor()
        had_crs = self.project.crs is not None
        self.project.add_layers(result.layers)
        noted = sum(1 for layer in result.layers if layer.notes)
        message = self.tr("Added {count} layer(s)").format(count=len(result.layers))
        if noted:
            message += self.tr("; {count} with load notes (Layer Properties shows them)").format(count=noted)
        if not had_crs and self.project.crs is not None:  # the first data chose the local metric CRS
            message += self.tr("; project CRS {crs} (Project > Properties changes it)").format(
                crs=describe_crs(self.project.crs))
        self.window.statusBar().showMessage(message, 8000)
        retried = self._offer_project_crs(result.need_crs)
        errors = [e for e in result.errors if not any(e.startswith(path) for path in retried)]
        if errors:
            show_error(self.window, self.tr("Some files could not be opened"), "\n\n".join(errors))
        self._assist_queue += result.assist
        self._next_assistant()

    # -- import assistant -------------------------------------------------------------------------------------
    def map_fields(self, layer: Layer, suggestion: Suggestion | None = None) -> ImportAssistant | None:
        """Open the import assistant on ``layer`` (non-modal: the map and the attribute table stay usable)."""
        if not isinstance(layer, VectorLayer):
            self.window.statusBar().showMessage(self.tr("Only vector layers have fields to map"), 5000)
            return None
        dialog = ImportAssistant(layer, self.window, suggestion)
        dialog.applied.connect(lambda mapped, old=layer: self.replace_layer(old, mapped))
        dialog.finished.connect(self._assistant_closed)
        self.assistant = dialog
        dialog.show()
        return dialog

    def replace_layer(self, old: Layer, new: Layer) -> None:
        """Put ``new`` where ``old`` is, as one undoable step (or on top when ``old`` was removed meanwhile)."""
        project = self.project
        add = AddLayers(project, [new])
        steps: list = [add]
        if any(layer is old for layer in project):
            add.indices = [project.index_of(old)]
            steps.insert(0, RemoveLayer(project, old))
        command = CommandGroup(self.tr("Map fields of '{layer}'").format(layer=old.name), steps)
        editing = getattr(self.window, "editing", None)     # the undo stack, once editing is installed
        history = editing.history if editing is not None else None
        if history is not None:
            history.push(command)
        else:
            command.apply()
        self.window.statusBar().showMessage(self.tr("'{layer}' loaded as {kind}").format(
            layer=new.name, kind=new.kind or self.tr("a layer without a kind")), 8000)

    def _drop_assistants(self) -> None:
        """Another project: its layers are not the ones the assistants were mapping."""
        self._assist_queue.clear()
        if self.assistant is not None:
            self.assistant.reject()

    def _assistant_closed(self) -> None:
        dialog = self.sender()
        if self.assistant is dialog:
            self.assistant = None
        dialog.deleteLater()
        self._next_assistant()

    def _next_assistant(self) -> None:
        """One assistant at a time: the next layer that looks like a kind (and is still in the project)."""
        while self._assist_queue and self.assistant is None:
            layer, suggestion = self._assist_queue.pop(0)
            if any(candidate is layer for candidate in self.project):
                self.map_fields(layer, suggestion)

    def _offer_project_crs(self, paths: list[str]) -> list[str]:
        """Tables in metres that name no CRS: offer to read them in the project's CRS; the paths read again."""
        crs = self.project.crs
        if not paths or crs is None or not crs.is_projected:
            return []
        code = crs.to_string()
        names = ", ".join(Path(p).name for p in paths)
        answer = QMessageBox.question(
            self.window, self.tr("Coordinates in metres"),
            self.tr("{names}: the coordinates look projected (metres), not longitude/latitude, and the file names "
                    "no coordinate system.\n\nRead them in the project's coordinate system, {crs} ({code})?").format(
                names=names, crs=crs.name, code=code))
        if answer != QMessageBox.StandardButton.Yes:
            return []
        self.loader.load(paths, crs=code)
        return paths

    # -- recent projects ------------------------------------------------------------------------------------
    def fill_recent_menu(self, menu: QMenu) -> None:
        menu.clear()
        paths = recent_projects()
        for i, path in enumerate(paths, start=1):
            action = QAction(f"&{i % 10} {Path(path).name}", menu)
            action.setToolTip(path)
            action.setStatusTip(path)
            action.triggered.connect(lambda checked=False, p=path: self.open_project(p))
            menu.addAction(action)
        if not paths:
            empty = menu.addAction(self.tr("No recent projects"))
            empty.setEnabled(False)

    def _folder(self) -> str:
        return str(start_folder(self.project.path))
