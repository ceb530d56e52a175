"""The window's operation runner: one writer thread, reads on reader connections, typed changes.

Every piece of database work the window does goes through `ctx.ops` (an `Ops`), as Anki's `CollectionOp`
and `QueryOp` do and as Datasette keeps one write thread:

- **Writes** are `WriteOp`s. One writer thread owns the window's only write connection (the `Store` the
  window was opened with) and runs the ops one at a time, in the order they were queued. An op is a plain
  function of the store (a service call); its result comes back to the UI thread by a queued signal, and
  so does the `Changes` it declares, which the main window routes to the pages that depend on them.
- **Reads** are `ReadOp`s: on a worker of the thread pool, with a read-only connection of its own (a WAL
  snapshot; never the writer's connection). `latest=` a `Latest` makes only the newest read of a page count.
  `read_now(fn)` is the quick, synchronous read a page does while the officer works (the entry form of the
  next institution): on the UI thread's own reader connection, after every write queued before it has run,
  so a page always reads what it has just saved.
- **Start-up check**: with `check=True` (the window) the writer's first job is `PRAGMA quick_check`; writes
  queued meanwhile wait for it and run once it has passed, or are refused with a Vietnamese message if it
  failed (`checked` then carries the error: the start-up leads the officer to the newest good backup).
- **Errors**: an op that fails hands its error to `on_error`, or, when there is none, to the one error
  path (`Ops.show_error`: a dialog with the Vietnamese text). SQLite's own errors (busy, I/O, read-only,
  cannot open, disk full, corrupt) arrive already typed (`storage.sqlite_errors`). Anything else is a bug:
  it is raised on the UI thread, where the crash dialog shows it.
- **Long ops**: `progress="Đang nhập…"` shows a modal progress dialog after 300 ms; with `control=Control()`
  the op reports steps (`control.report(done, total, text)`) and the dialog gets «Hủy», which sets
  `control.cancelled()` for the op to stop at its next step.

The API (stable; pages and new pages use only this)::

    from lhtl_desktop.ui.ops import Changes, Control, Latest, ReadOp, WriteOp

    ctx.ops.write(WriteOp(lambda store: set_values(store, inst, period, {code: text}),
                          Changes.VALUES, on_done=self._saved, on_error=self._refused, source=self))
    ctx.ops.read(ReadOp(lambda store: evaluate(store, year, scope), self._show, latest=self.reads))
    form = ctx.ops.read_now(lambda store: entry_form(store, inst, period))

`Changes` is a flag set: a new kind of change is one more member (and the pages that depend on it name it
in their `depends_on`). `source=` is the page that wrote: it updates itself in `on_done`; the main window
refreshes the *other* dependent pages. `Ops.changed` carries `(changes, source)` after `on_done`.
"""

from __future__ import annotations

import enum
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QApplication, QProgressDialog, QPushButton, QWidget

from lhtl_desktop.errors import DatabaseCorruptError, DatabaseError, LhtlError
from lhtl_desktop.i18n import _
from lhtl_desktop.storage import Store, open_store
from lhtl_desktop.storage.db import quick_check
from lhtl_desktop.storage.reader import open_reader
from lhtl_desktop.storage.sqlite_errors import typed_error

T = TypeVar("T")

__all__ = ["Changes", "Control", "Latest", "Ops", "ReadOp", "WriteOp"]


class Changes(enum.Flag):
    """What a write changed; pages name what they depend on (`depends_on`) and are refreshed for it."""

    NONE = 0
    VALUES = enum.auto()        # value records (entry, conflict resolution, imports)
    INSTITUTIONS = enum.auto()  # institutions added, edited, closed
    KEYS = enum.auto()          # own key, trusted keys, enrolments, quarantine
    SETTINGS = enum.auto()      # officer, two-tier mode, hubs, thresholds
    CONFIG = enum.auto()        # the province's rules document
    RESTORE = enum.auto()       # the whole database was replaced by a backup
    SUBMISSIONS = enum.auto()   # submission marks and receipts
    SYNC = enum.auto()          # bundles exported or imported (outbox, inbox, sequence numbers)


ALL_CHANGES = Changes(sum(c.value for c in Changes))


class Control(QObject):
    """Handed to a long op: `report()` moves its progress bar, `cancelled()` asks whether «Hủy» was pressed.

    Both are safe on the writer or a worker thread: the report is a queued signal, the flag a plain bool
    that only the UI thread sets."""

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


class Latest:
    """A page's newest-wins reads: a `ReadOp` with `latest=` this supersedes every earlier one; a result that
    arrives late is dropped. `loading` is true while the newest runs; `supersede()` drops the running one
    (the page has just shown something newer itself)."""

    def __init__(self, owner: QObject) -> None:
        self.owner = owner
        self.generation = 0
        self.loading = False

    def supersede(self) -> None:
        self.generation += 1
        self.loading = False


@dataclass
class WriteOp[T]:
    """One write, run on the writer thread in queue order. `changes` may be a function of the result (an
    import that was refused changed nothing)."""

    fn: Callable[[Store], T]
    changes: Changes | Callable[[T], Changes] = Changes.NONE
    on_done: Callable[[T], None] | None = None
    on_error: Callable[[LhtlError], None] | None = None  # None: the error dialog
    source: QObject | None = None  # the page that wrote (it updates itself in on_done)
    progress: str | None = None  # a modal progress dialog with this text (after 300 ms)
    control: Control | None = None  # with progress: a bar fed by control.report, and «Hủy»
    reopen: bool = False  # the op replaces the file (a restore): the writer closes its connection first
    #                       and opens the file again after the op, whatever happened


@dataclass
class ReadOp[T]:
    """One read on a worker with a reader connection of its own (never the writer's)."""

    fn: Callable[[Store], T]
    on_done: Callable[[T], None]
    on_error: Callable[[LhtlError], None] | None = None  # None: the error dialog
    latest: Latest | None = None
    progress: str | None = None
    control: Control | None = None


def _as_lhtl(exc: BaseException, path: Path) -> LhtlError | None:
    if isinstance(exc, LhtlError):
        return exc
    return typed_error(exc, path)


class _Bridge(QObject):
    """Carries what the writer thread finished back to the UI thread (queued: emitted off the UI thread)."""

    finished = Signal(object, object, object)  # job, result or exception, changes (None: failed)
    checked = Signal(object)  # None: the check passed; else the DatabaseError


class _Job:
    def __init__(self, op: WriteOp[Any], seq: int) -> None:
        self.op = op
        self.seq = seq
        self.dialog: QProgressDialog | None = None


def refused_by_check(error: LhtlError, path: Path) -> DatabaseError:
    """The refusal of a write queued while the start-up check ran and failed."""
    if isinstance(error, DatabaseCorruptError):
        return DatabaseCorruptError(
            _("Không lưu được: cơ sở dữ liệu không vượt qua bước kiểm tra khi mở, nên chương trình không "
              "ghi gì vào đó. {problem}").format(problem=error.message), path=str(path))
    return DatabaseError(_("Không lưu được: chưa kiểm tra được cơ sở dữ liệu khi mở, nên chương trình không "
                           "ghi gì vào đó. {problem}").format(problem=error.message))


class Ops(QObject):
    """The runner of one window (see the module docstring). `store` is handed over: from now on only the
    writer thread uses it. `check=True`: the writer's first job is the start-up check."""

    changed = Signal(object, object)  # Changes, the source page (or None)
    checked = Signal(object)  # after the start-up check: None (passed) or the DatabaseError

    def __init__(self, store: Store, *, check: bool = False, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self.path = Path(store.path)
        self._queue: queue.Queue[_Job | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Condition()
        self._queued = 0  # sequence number of the last write queued
        self._done = 0  # sequence number of the last write run (its function has returned or raised)
        self._open_jobs: set[_Job] = set()
        self._reader: Store | None = None  # the UI thread's reader, for read_now
        self._check_error: LhtlError | None = None
        self.check_passed: bool | None = True  # None while the start-up check runs; False when it failed
        self.writer_ident: int | None = None  # the writer thread's id (tests check every write ran there)
        self.show_error: Callable[[LhtlError], None] = self._show_error_dialog
        self._bridge = _Bridge()
        self._bridge.finished.connect(self._finished, Qt.ConnectionType.QueuedConnection)
        self._bridge.checked.connect(self._check_settled, Qt.ConnectionType.QueuedConnection)
        self._reads: set[object] = set()
        self._closed = False
        self._held = False  # True until start_check(): writes queue up behind the check
        if check:
            self.check_passed = None
            self._held = True
            self._queue.put(_Job(WriteOp(self._run_check), 0))

    def start_check(self) -> None:
        """Start the writer on its first job, the start-up check (the window calls this after its first
        paint, so that the check does not delay the drawing). Writes queued so far run after it."""
        if self._held:
            self._held = False
            self._start_thread()

    # -- writes ---------------------------------------------------------------------------------------
    def write(self, op: WriteOp[T]) -> QProgressDialog | None:
        """Queue `op`; it runs after every write queued before it. Callbacks come on the UI thread. Returns
        the op's progress dialog (with `progress=`), else None."""
        if self._closed:
            raise RuntimeError("the window's operations are closed")
        with self._lock:
            self._queued += 1
            job = _Job(op, self._queued)
        self._open_jobs.add(job)
        if op.progress is not None:
            job.dialog = self._progress_dialog(op.progress, op.control, op.source)
        self._queue.put(job)
        if not self._held:
            self._start_thread()
        return job.dialog

    @property
    def busy(self) -> bool:
        """True while a queued write has not reported back yet (its callbacks not yet run on the UI thread)."""
        return bool(self._open_jobs)

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Block until every write queued so far has run (not its callbacks: those need the event loop)."""
        self.start_check()
        with self._lock:
            target = self._queued
            return self._lock.wait_for(lambda: self._done >= target and self.check_passed is not None,
                                       timeout)

    def _start_thread(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._writer_loop, name="lhtl-writer", daemon=True)
            self._thread.start()

    def _writer_loop(self) -> None:
        self.writer_ident = threading.get_ident()
        while True:
            job = self._queue.get()
            if job is None:
                return
            result: object
            changes: Changes | None
            try:
                result, changes = self._run(job.op)
            except BaseException as exc:  # handed to the UI thread, which decides what to show
                result, changes = exc, None
            with self._lock:
                self._done = max(self._done, job.seq)
                self._lock.notify_all()
            if job.seq:  # the check (seq 0) reports through `checked`
                self._bridge.finished.emit(job, result, changes)

    def _run(self, op: WriteOp[Any]) -> tuple[object, Changes]:
        if self._check_error is not None:
            raise refused_by_check(self._check_error, self.path)
        if op.reopen:
            self._store.close()
            try:
                result = op.fn(self._store)
            finally:
                self._store = open_store(self.path, create=False)
        else:
            try:
                result = op.fn(self._store)
            except BaseException as exc:
                typed = _as_lhtl(exc, self.path)
                if typed is None or typed is exc:
                    raise
                raise typed from exc
        changes = op.changes(result) if callable(op.changes) else op.changes
        return result, changes

    def _run_check(self, store: Store) -> None:
        error: LhtlError | None = quick_check(store)
        with self._lock:
            self._check_error = error
            self.check_passed = error is None
            self._lock.notify_all()
        self._bridge.checked.emit(error)

    def _check_settled(self, error: object) -> None:
        self.checked.emit(error)

    def _finished(self, job: _Job, result: object, changes: object) -> None:
        self._open_jobs.discard(job)
        if job.dialog is not None and shiboken6.isValid(job.dialog):
            job.dialog.reset()
            job.dialog.deleteLater()
        op = job.op
        if changes is None:
            assert isinstance(result, BaseException)
            self._fail(result, op.on_error)
            return
        assert isinstance(changes, Changes)
        if op.reopen:
            self._close_reader()  # the file was replaced: read it anew
        if op.on_done is not None and (op.source is None or shiboken6.isValid(op.source)):
            op.on_done(result)
        if changes:
            self.changed.emit(changes, op.source)

    def _fail(self, exc: BaseException, on_error: Callable[[LhtlError], None] | None) -> None:
        typed = _as_lhtl(exc, self.path)
        if typed is None:
            raise exc  # our bug: the crash dialog
        (on_error or self.show_error)(typed)

    # -- reads ----------------------------------------------------------------------------------------
    def read_now(self, fn: Callable[[Store], T]) -> T:
        """Run `fn` now, on the UI thread's reader connection, after every write queued before this call."""
        with self._lock:
            target = self._queued
        if self._done < target:
            self.start_check()  # a write is waiting for the check: read after both
            with self._lock:
                self._lock.wait_for(lambda: self._done >= target, 30.0)
        if self._reader is None:
            self._reader = open_reader(self.path)
        try:
            return fn(self._reader)
        except BaseException as exc:
            typed = _as_lhtl(exc, self.path)
            if typed is None or typed is exc:
                raise
            raise typed from exc

    def read(self, op: ReadOp[T]) -> None:
        """Run `op` on a worker with a reader of its own; `on_done` on the UI thread (dropped when a newer
        read of the same `latest` has started, or when the page that asked is gone)."""
        latest = op.latest
        generation = 0
        if latest is not None:
            latest.generation += 1
            generation = latest.generation
            latest.loading = True
        path = self.path
        owner = latest.owner if latest is not None else None
        dialog = self._progress_dialog(op.progress, op.control, owner) if op.progress is not None else None
        from lhtl_desktop.ui.tasks import run_in_background

        def work() -> T:
            reader = open_reader(path)
            try:
                return op.fn(reader)
            finally:
                reader.close()

        def current() -> bool:
            return latest is None or (generation == latest.generation and shiboken6.isValid(latest.owner))

        def finish() -> None:
            if dialog is not None and shiboken6.isValid(dialog):
                dialog.reset()
                dialog.deleteLater()

        def done(result: T) -> None:
            if current():
                if latest is not None:
                    latest.loading = False
                op.on_done(result)

        def failed(exc: BaseException) -> None:
            if not current():
                return
            if latest is not None:
                latest.loading = False
            self._fail(exc, op.on_error)

        run_in_background(work, done, failed, finish)

    # -- progress -------------------------------------------------------------------------------------
    def _progress_dialog(self, label: str, control: Control | None, source: QObject | None) -> QProgressDialog:
        parent = source.window() if isinstance(source, QWidget) else QApplication.activeWindow()
        dialog = QProgressDialog(label, "", 0, 0, parent)
        dialog.setCancelButton(None)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        dialog.setWindowTitle(dialog.tr("Đang xử lý"))
        if control is not None:
            cancel = QPushButton(dialog.tr("Hủy"))
            dialog.setCancelButton(cancel)
            # The dialog must not close itself on «Hủy»: the op finishes its current step and then reports.
            dialog.canceled.disconnect()
            dialog.canceled.connect(control.cancel)
            dialog.canceled.connect(lambda: dialog.setLabelText(dialog.tr("Đang hủy, chờ xong bước hiện tại…")))

            def show(done: int, total: int, text: str) -> None:
                if shiboken6.isValid(dialog):
                    dialog.setMaximum(total)
                    dialog.setValue(done)
                    dialog.setLabelText(f"{label}\n{text}")

            control.progressed.connect(show, Qt.ConnectionType.QueuedConnection)
        return dialog

    def _show_error_dialog(self, exc: LhtlError) -> None:
        from lhtl_desktop.ui.dialogs import show_error

        show_error(QApplication.activeWindow(), exc)

    # -- end ------------------------------------------------------------------------------------------
    def _close_reader(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None

    def close(self, timeout: float = 60.0) -> None:
        """Let the queued writes finish, stop the writer and close every connection (the window closes)."""
        if self._closed:
            return
        self._closed = True
        if self._held:  # the check never started: nothing queued may run unchecked
            self._queue = queue.Queue()
            self._held = False
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout)
        QThreadPool.globalInstance().waitForDone(int(timeout * 1000))
        self._close_reader()
        self._store.close()

    def writer_store(self) -> Store:
        """The write connection's store, for what runs after the writer has stopped (the exit backup) and
        for tests. Pages never use it: they queue WriteOps."""
        return self._store
