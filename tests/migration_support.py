"""For tests that rewind a database to just before one migration: what the later migrations made."""

from __future__ import annotations

import sqlite3

import sqlite_utils

from lhtl_desktop.storage.migrations import MIGRATIONS


def objects_made_after(version: int) -> list[tuple[str, str]]:
    """(type, name) of the schema objects the migrations after `version` create, indexes first."""

    def schema(upto: int) -> set[tuple[str, str]]:
        db = sqlite_utils.Database(memory=True)
        for migration in MIGRATIONS[:upto]:
            migration(db)
        return {(t, n) for t, n in db.execute("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")}

    later = schema(len(MIGRATIONS)) - schema(version)
    return sorted(later, key=lambda o: o[0] != "index")


def rewind_to(conn: sqlite3.Connection, version: int) -> None:
    """Set `user_version` and drop what later migrations made, as if they had never run."""
    conn.execute(f"PRAGMA user_version = {version}")
    for kind, name in objects_made_after(version):
        conn.execute(f'DROP {kind.upper()} IF EXISTS "{name}"')
