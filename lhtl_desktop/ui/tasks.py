"""Work off the UI thread that does not touch the database (STYLE.md: Anki's taskman).

Database work goes through the operation runner (`ui.ops`: WriteOps on the writer, ReadOps on readers),
which uses `run_in_background` for its reads. `run_task` is for the rest (the first-run wizard's unit list
from the reference package; its set-up itself is a WriteOp): a plain function on the global thread pool, `on_done(result)` or `on_error(exception)` back on the main thread, behind a progress dialog.
Widgets are only touched on the main thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from lhtl_desktop.ui.dialogs import plain_text_labels

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
