"""One window per database: a second start brings the first window forward instead of opening a second writer.

The first window of a database holds a `QLockFile` beside it («lhtl.sqlite3.window-lock») and watches a
mailbox folder beside it («lhtl.sqlite3.window-inbox», `QFileSystemWatcher`). A second start on the same
database finds the lock held by a live process, leaves its request in the mailbox — nothing (come forward)
or the files it was given (`main.py FILE.lhtl`, what a double-click on a file from e-mail or Zalo does) —,
waits until the window has taken it, and exits. The window then raises itself and opens the import preview
of those files. Only QtCore is used (the package leaves QtNetwork out).

A lock whose process died is taken over (QLockFile's stale check). A window that does not take the request
within a few seconds (still starting, or hung) is reported to the officer rather than opening a second
writer.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QLockFile, QObject, QTimer, Signal

LOCK_SUFFIX = ".window-lock"
INBOX_SUFFIX = ".window-inbox"


class SingleInstance(QObject):
    """`acquire()` makes this process the database's window (True), or hands `files` to the window that
    already is (False; `answered` says whether it took them). `received` carries the files another start
    sent (an empty list: just come forward)."""

    received = Signal(list)

    def __init__(self, db_path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db_path = Path(db_path)
        folder = self.db_path.parent
        self.lock = QLockFile(str(folder / f"{self.db_path.name}{LOCK_SUFFIX}"))
        self.lock.setStaleLockTime(0)  # stale only when its process is gone, however long it has run
        self.inbox = folder / f"{self.db_path.name}{INBOX_SUFFIX}"
        self.watcher: QFileSystemWatcher | None = None
        self.answered = False

    def acquire(self, files: list[Path] | None = None, *, wait_seconds: float = 5.0) -> bool:
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        if self.lock.tryLock(0):
            # The mailbox is watched once the event loop runs (not before the window is drawn): a request
            # left meanwhile waits there and is taken then.
            QTimer.singleShot(0, self, self._listen)
            return True
        self.answered = self._send(files or [], wait_seconds)
        return False

    def release(self) -> None:
        if self.watcher is not None:
            self.watcher.directoryChanged.disconnect()
            self.watcher.removePaths(self.watcher.directories())
            self.watcher = None
        if self.lock.isLocked():
            self.lock.unlock()

    # -- the second start ---------------------------------------------------------------------------------
    def _send(self, files: list[Path], wait_seconds: float) -> bool:
        """Leave the request in the window's mailbox; True when the window took it in time."""
        # Imported here: only a second start writes a request; the window's own start does not need it.
        import uuid

        from lhtl_desktop.storage.files import write_atomic

        self.inbox.mkdir(exist_ok=True)
        request = self.inbox / f"{uuid.uuid4().hex}.json"
        write_atomic(request, json.dumps({"files": [str(f) for f in files]}).encode("utf-8"))
        deadline = time.monotonic() + wait_seconds
        while time.monotonic() < deadline:
            if not request.exists():
                return True
            time.sleep(0.05)
        request.unlink(missing_ok=True)  # not taken: nobody will act on it later by surprise
        return False

    # -- the running window -------------------------------------------------------------------------------
    def _listen(self) -> None:
        if not self.lock.isLocked():
            return  # released before the event loop ran
        self.inbox.mkdir(exist_ok=True)
        self.watcher = QFileSystemWatcher([str(self.inbox)])
        self.watcher.directoryChanged.connect(self._changed)
        self.take_requests()  # a start made while this window was opening (a sender that gave up removed its own)

    def _changed(self, _path: str) -> None:
        QTimer.singleShot(0, self, self.take_requests)  # once the writer's rename has settled

    def take_requests(self) -> None:
        """Read and remove every request in the mailbox (the sender sees it gone), then emit them."""
        for path in sorted(self.inbox.glob("*.json"), key=lambda p: p.stat().st_mtime if p.exists() else 0):
            try:
                message = json.loads(path.read_text(encoding="utf-8"))
                files = [Path(f) for f in message.get("files", []) if isinstance(f, str)]
            except (OSError, ValueError, AttributeError):
                files = []
            try:
                os.unlink(path)
            except FileNotFoundError:
                continue  # taken already (two signals for one change)
            self.received.emit(files)
