"""Cancel pressed at a chosen poll: for tests that check a long phase stops at the first poll after Cancel."""

from __future__ import annotations

import threading

from plugins.api import Feedback


class CancelAfter(threading.Event):
    """A cancel flag that turns itself on at the ``after``-th poll and counts every poll."""

    def __init__(self, after: int) -> None:
        super().__init__()
        self.after, self.polls = after, 0

    def is_set(self) -> bool:
        self.polls += 1
        if self.polls >= self.after:
            self.set()
        return super().is_set()

    def __call__(self) -> bool:
        return self.is_set()


class CancellingFeedback(Feedback):
    """The runner's Feedback whose Cancel is pressed at the ``after``-th poll of the run."""

    def __init__(self, after: int) -> None:
        super().__init__()
        self._cancel = self.flag = CancelAfter(after)
