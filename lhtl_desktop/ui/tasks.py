"""Slow work off the UI thread, with a progress dialog (ARCHITECTURE.md §4, STYLE.md: Anki's taskman).

`run_task` runs a plain function on the global thread pool and calls `on_done(result)` or
`on_error(exception)` back on the main thread. Widgets are only touched on the main thread.
`run_in_background` does the same without a dialog, for a page that fills itself while the window stays
usable (the page shows its own "being computed" state meanwhile).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QPushButton, QWidget

from lhtl_desktop.errors import LhtlError
from lhtl_desktop.storage import Store
from lhtl_desktop.storage.reader import open_reader
from lhtl_desktop.ui.dialogs import plain_text_labels

T = TypeVar("T")

_running: set[_Task] = set()


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any]) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.fn = fn
        self.signals = _Signals()

    def run(self) -> None:
        try:
            result = self.fn()
        except BaseException as exc:  # handed to the main thread, which decides what to show
            self.signals.failed.emit(exc)
        else:
            self.signals.done.emit(result)


def run_in_background(fn: Callable[[], Any], on_done: Callable[[Any], None],
                      on_error: Callable[[BaseException], None], finish: Callable[[], None] | None = None,
                      owner: QObject | None = None) -> None:
    """Run `fn` on the global thread pool; `finish()` then `on_done(result)` or `on_error(exc)` on the main
    thread. No dialog: the window stays usable, so `fn` must not share a transaction with the UI thread
    (a reader of its own — `storage.reader.open_reader` — not the window's store). When `owner` (the page
    that shows the result) is deleted before the work ends, the result is dropped."""
    task = _Task(fn)
    _running.add(task)

    def gone() -> bool:
        return owner is not None and not shiboken6.isValid(owner)

    def done(result: object) -> None:
        _running.discard(task)
        if finish is not None:
            finish()
        if not gone():
            on_done(result)

    def failed(exc: object) -> None:
        _running.discard(task)
        if finish is not None:
            finish()
        assert isinstance(exc, BaseException)
        if not gone():
            on_error(exc)

    task.signals.done.connect(done, Qt.ConnectionType.QueuedConnection)
    task.signals.failed.connect(failed, Qt.ConnectionType.QueuedConnection)
    QThreadPool.globalInstance().start(task)


def wait_for_background(msecs: int = 30_000) -> bool:
    """Wait until the work started here has finished (a closing window must not leave a reader open)."""
    return QThreadPool.globalInstance().waitForDone(msecs)


def run_task(parent: QWidget | None, label: str, fn: Callable[[], Any], on_done: Callable[[Any], None],
             on_error: Callable[[BaseException], None]) -> QProgressDialog:
    """Run `fn` in the background behind a modal, cancel-less progress dialog shown after 300 ms."""
    dialog = QProgressDialog(label, "", 0, 0, parent)
    plain_text_labels(dialog)  # the label names files the officer chose
    dialog.setCancelButton(None)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    dialog.setWindowTitle(dialog.tr("Đang xử lý"))

    def finish() -> None:
        dialog.reset()
        dialog.deleteLater()

    run_in_background(fn, on_done, on_error, finish)
    return dialog


class TaskControl(QObject):
    """Handed to a cancellable task: `report()` moves the progress bar, `cancelled()` asks if «Hủy» was pressed.

    Both are safe to call from the worker thread: the report is a queued signal, the flag a plain bool that
    only the main thread sets.
    """

    progressed = Signal(int, int, str)

    def __init__(self) -> None:
        super().__init__()
        self._cancelled = False

    def report(self, done: int, total: int, text: str) -> None:
        self.progressed.emit(done, total, text)

    def cancel(self) -> None:
        self._cancelled = True

    def cancelled(self) -> bool:
        return self._cancelled


def run_cancellable_task(parent: QWidget | None, label: str, fn: Callable[[TaskControl], Any],
                         on_done: Callable[[Any], None], on_error: Callable[[BaseException], None]
                         ) -> tuple[QProgressDialog, TaskControl]:
    """Like run_task, with a progress bar fed by `control.report` and a «Hủy» button that sets the flag."""
    control = TaskControl()
    dialog = run_task(parent, label, lambda: fn(control), on_done, on_error)
    cancel = QPushButton(dialog.tr("Hủy"))
    dialog.setCancelButton(cancel)
    # The dialog must not close itself on «Hủy»: the task finishes its current step and then reports back.
    dialog.canceled.disconnect()
    dialog.canceled.connect(control.cancel)
    dialog.canceled.connect(lambda: dialog.setLabelText(dialog.tr("Đang hủy, chờ xong bước hiện tại…")))

    def show(done: int, total: int, text: str) -> None:
        dialog.setMaximum(total)
        dialog.setValue(done)
        dialog.setLabelText(f"{label}\n{text}")

    control.progressed.connect(show, Qt.ConnectionType.QueuedConnection)
    return dialog, control


class LatestRead:
    """A page's background reads where only the newest counts (the dashboard's evaluation, the reports summary).

    `start()` computes on a worker with a read connection of its own (never the window's store, so it shares no
    transaction with a save) and supersedes every earlier read: a result that arrives late is dropped.
    `supersede()` does the same for a read the page does at once on the UI thread. `loading` is true while the
    newest read runs. A refusal (LhtlError) goes to `on_refused`; anything else is a bug and is raised.
    """

    def __init__(self, owner: QObject) -> None:
        self.owner = owner
        self.generation = 0
        self.loading = False

    def supersede(self) -> None:
        self.generation += 1
        self.loading = False

    def start(self, path: Path, compute: Callable[[Store], T], on_done: Callable[[T], None],
              on_refused: Callable[[LhtlError], None]) -> None:
        self.generation += 1
        generation = self.generation
        self.loading = True

        def work() -> T:
            reader = open_reader(path)
            try:
                return compute(reader)
            finally:
                reader.close()

        def done(result: T) -> None:
            if generation == self.generation:
                self.loading = False
                on_done(result)

        def failed(exc: BaseException) -> None:
            if generation != self.generation:
                return
            self.loading = False
            if not isinstance(exc, LhtlError):
                raise exc
            on_refused(exc)

        run_in_background(work, done, failed, owner=self.owner)
