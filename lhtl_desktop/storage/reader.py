"""A second, read-only connection to an open database, for reading on a worker thread.

The window writes through one connection on its writer thread (`ui.ops`). Work that only reads and may take longer than a
frame (the dashboard's evaluation of a province) runs on a worker with its own connection: in WAL mode it
reads one consistent snapshot while the UI thread keeps saving, and the two never share a transaction
(the pattern of a single writer beside read connections, as in Datasette). The result is the same `Store`
API, so services run on it unchanged; `PRAGMA query_only` makes any write an error.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from lhtl_desktop.storage.sqlite_errors import BUSY_TIMEOUT_MS
from lhtl_desktop.storage.store import Store


def open_reader(path: Path | str) -> Store:
    """A read-only `Store` on an existing, already opened (and migrated) database file. Close it after use."""
    db_path = Path(path)
    conn = sqlite3.connect(str(db_path), isolation_level=None, check_same_thread=False)
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA query_only = ON")
    except sqlite3.Error:
        conn.close()
        raise
    return Store(conn, db_path)
