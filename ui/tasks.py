"""Long work off the GUI thread: workspace Tasks on a worker thread, with a progress bar and Cancel."""

from collections import deque
from pathlib import Path

from PySide6.QtCore import QObject, QThreadPool, Signal
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QToolButton

WAIT_ON_CLOSE_MS = 10_000


class TaskRunner(QObject):
    """Runs Tasks one at a time on a worker thread, showing their progress in a status bar.

    The window stays usable meanwhile; `on_done(task)` is called on the GUI thread when a task
    ends (finished, failed or cancelled).
    """

    progressed = Signal(int, int, str)  # done, total, what is being done (from the worker)
    ended = Signal()  # the worker finished the current task

    def __init__(self, status_bar: QStatusBar, parent: QObject | None = None):
        super().__init__(parent)
        self.label = QLabel()
        self.label.setObjectName("taskLabel")
        self.bar = QProgressBar()
        self.bar.setObjectName("taskProgress")
        self.bar.setMaximumWidth(220)
        self.cancel_button = QToolButton()
        self.cancel_button.setObjectName("taskCancel")
        self.cancel_button.setText("Cancel")
        self.cancel_button.setToolTip("Stop after the current item; what is done stays done")
        self.cancel_button.clicked.connect(self.cancel)
        for widget in (self.label, self.bar, self.cancel_button):
            status_bar.addPermanentWidget(widget)
            widget.hide()
        self.progressed.connect(self._show_progress)
        self.ended.connect(self._ended)
        self._queue: deque = deque()
        self._current = None  # (task, on_done)

    def busy(self) -> bool:
        """Whether a task is running or waiting."""
        return self._current is not None or bool(self._queue)

    def start(self, task, on_done) -> None:
        """Run task after those already waiting; call on_done(task) on the GUI thread when it ends."""
        self._queue.append((task, on_done))
        if self._current is None:
            self._next()

    def cancel(self) -> None:
        """Ask the running task to stop and drop those waiting."""
        self._queue.clear()
        if self._current is not None:
            self._current[0].cancel()
            self.label.setText(f"{self._current[0].label}: stopping…")
            self.cancel_button.setEnabled(False)

    def stop(self) -> None:
        """Cancel everything and wait for the worker (the window is closing)."""
        self.cancel()
        QThreadPool.globalInstance().waitForDone(WAIT_ON_CLOSE_MS)

    def _next(self) -> None:
        task, on_done = self._current = self._queue.popleft()
        task.events.progress.connect(self._relay)
        self.label.setText(task.label + "…")
        self.bar.setRange(0, 0)  # busy until the first report
        self.cancel_button.setEnabled(True)
        for widget in (self.label, self.bar, self.cancel_button):
            widget.show()
        QThreadPool.globalInstance().start(self._work)

    def _relay(self, progress: tuple[int, int, str]) -> None:
        self.progressed.emit(*progress)  # from the worker: Qt queues it to the GUI thread

    def _work(self) -> None:
        self._current[0].run()
        self.ended.emit()

    def _show_progress(self, done: int, total: int, text: str) -> None:
        if self._current is None or self._current[0].cancelled:
            return
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)
        name = Path(text).name if text and "://" not in text else text
        self.label.setText(f"{self._current[0].label}: {done} of {total}" + (f" · {name}" if name else ""))

    def _ended(self) -> None:
        task, on_done = self._current
        task.events.progress.disconnect(self._relay)
        self._current = None
        for widget in (self.label, self.bar, self.cancel_button):
            widget.hide()
        on_done(task)
        if self._queue:
            self._next()
