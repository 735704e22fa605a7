"""Live preview of a print layout: the page painted by ``compose_layout`` at the widget's size, off the GUI thread.

Each change of the options starts a new render after a short pause; an older render still running is told to
stop (the renderer polls ``cancelled``) and its late result is dropped, so typing a title stays fluid.
"""

from __future__ import annotations

import threading
from dataclasses import replace

from PyQt6.QtCore import QObject, QRectF, Qt, QTimer, pyqtSignal
from PyQt6.QtGui import QColor, QImage, QPainter, QPaintEvent
from PyQt6.QtWidgets import QSizePolicy, QWidget

from workbench.export.layout import LayoutOptions
from workbench.export.layout_export import layout_image
from workbench.export.layout_geometry import MM_PER_INCH


class _Result(QObject):
    ready = pyqtSignal(int, object, str)  # generation, QImage or None, error message


class LayoutPreview(QWidget):
    """Shows the page for ``(project, options)``; call ``show_layout`` whenever either changes."""

    rendered = pyqtSignal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(360, 260)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._project = None
        self._options: LayoutOptions | None = None
        self._image: QImage | None = None
        self._message = ""
        self._generation = 0  # counted in the GUI thread only; render threads just compare against it
        self._result = _Result(self)
        self._result.ready.connect(self._finished)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(300)
        self._timer.timeout.connect(self._start)

    @property
    def image(self) -> QImage | None:
        return self._image

    def show_layout(self, project, options: LayoutOptions) -> None:
        self._project, self._options = project, options
        self._timer.start()

    def _page_rect(self) -> QRectF:
        width_mm, height_mm = self._options.page_size()
        scale = min((self.width() - 24) / width_mm, (self.height() - 24) / height_mm)
        width, height = width_mm * scale, height_mm * scale
        return QRectF((self.width() - width) / 2, (self.height() - height) / 2, width, height)

    def _start(self) -> None:
        if self._project is None or self._options is None or self.width() < 50:
            return
        self._generation += 1
        generation = self._generation
        rect = self._page_rect()
        ratio = self.devicePixelRatioF()
        dpi = rect.width() * ratio / self._options.page_size()[0] * MM_PER_INCH
        options = replace(self._options, dpi=max(1, int(round(dpi))))
        project = self._project
        self._message = "Rendering…"
        self.update()

        def stale() -> bool:
            return generation != self._generation

        def work() -> None:
            try:
                image = layout_image(project, options, cancelled=stale)
                self._result.ready.emit(generation, image, "")
            except Exception as exc:  # shown in the preview instead of the page
                self._result.ready.emit(generation, None, str(exc))

        threading.Thread(target=work, name="lamplight-layout-preview", daemon=True).start()

    def _finished(self, generation: int, image: QImage | None, error: str) -> None:
        if generation != self._generation:
            return
        self._image = image
        self._message = error
        self.update()
        self.rendered.emit()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._timer.start()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#d9dde2"))
        if self._options is not None:
            page = self._page_rect()
            painter.fillRect(page.translated(3, 3), QColor(0, 0, 0, 60))
            painter.fillRect(page, Qt.GlobalColor.white)
            if self._image is not None:
                painter.drawImage(page, self._image)
        if self._message:
            painter.setPen(QColor("#1f2a36"))
            painter.drawText(self.rect().adjusted(12, 12, -12, -12),
                             int(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft) |
                             int(Qt.TextFlag.TextWordWrap), self._message)
        painter.end()
