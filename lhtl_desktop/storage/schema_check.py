"""Schema-exact databases: a file holds exactly the tables, indexes, triggers and views our migrations make.

A trigger added with another tool (`AFTER INSERT ON value_records … SET value = value * 10`) would run inside
every one of our writes: the officer is told «Đã lưu 1.300», 13.000 is stored and signed into the next
bundle. A view or an extra table is less harmful but just as foreign. So a file whose `sqlite_master` differs
from what the migrations produce is refused — at open (`db.open_store`, or `db.deferred_check` for the window)
and before a restore (`backup.inspect_database_file`) — and its bytes are left as they were.

The reference is not a list written here: it is built by running `MIGRATIONS[:version]` on an in-memory
database (once per version, cached), so a migration appended tomorrow is part of it without a change here.
"""

from __future__ import annotations

import functools
import re
import sqlite3
from dataclasses import dataclass

from lhtl_desktop.i18n import _
from lhtl_desktop.storage.migrations import MIGRATIONS

# (type, name) → the object's SQL with its whitespace collapsed. SQLite's own objects (sqlite_sequence, the
# automatic indexes of UNIQUE and PRIMARY KEY, ANALYZE's sqlite_stat tables) follow from ours or are its own.
Schema = dict[tuple[str, str], str]

_KIND_LABELS = {"table": _("bảng"), "index": _("chỉ mục"), "trigger": _("trigger"), "view": _("view")}


def _normalised(sql: str | None) -> str:
    return re.sub(r"\s+", " ", sql or "").strip()


def schema_of(conn: sqlite3.Connection) -> Schema:
    """The objects of a connection's main database, as compared here."""
    rows = conn.execute("SELECT type, name, sql FROM main.sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")
    return {(str(kind), str(name)): _normalised(sql) for kind, name, sql in rows}


@functools.cache
def _reference(version: int) -> tuple[tuple[tuple[str, str], str], ...]:
    import sqlite_utils  # only when a file is checked: not on the window's first paint

    db = sqlite_utils.Database(memory=True)
    try:
        for migration in MIGRATIONS[:version]:
            with db.atomic():
                migration(db)
        return tuple(sorted(schema_of(db.conn).items()))
    finally:
        db.close()


def reference_schema(version: int | None = None) -> Schema:
    """What `MIGRATIONS[:version]` (default: all of them) produce on an empty database."""
    return dict(_reference(len(MIGRATIONS) if version is None else version))


@dataclass(frozen=True)
class SchemaDifference:
    extra: tuple[tuple[str, str], ...] = ()  # (type, name) present in the file, made by no migration
    missing: tuple[tuple[str, str], ...] = ()  # made by a migration, absent from the file
    changed: tuple[tuple[str, str], ...] = ()  # same name, other definition

    def __bool__(self) -> bool:
        return bool(self.extra or self.missing or self.changed)

    def describe(self) -> str:
        """«thừa trigger «x»; thiếu chỉ mục «y»; khác bảng «z»» — what an officer reads to an IT helper."""
        def names(items: tuple[tuple[str, str], ...]) -> str:
            return ", ".join(f"{_KIND_LABELS.get(kind, kind)} «{name}»" for kind, name in items)

        parts = []
        if self.extra:
            parts.append(_("thừa {objects}").format(objects=names(self.extra)))
        if self.missing:
            parts.append(_("thiếu {objects}").format(objects=names(self.missing)))
        if self.changed:
            parts.append(_("khác định nghĩa: {objects}").format(objects=names(self.changed)))
        return "; ".join(parts)


def compare_schema(conn: sqlite3.Connection, version: int) -> SchemaDifference:
    """How the file behind `conn` (at `PRAGMA user_version` = `version`) differs from the reference."""
    found = schema_of(conn)
    expected = reference_schema(version)
    return SchemaDifference(
        extra=tuple(sorted(k for k in found if k not in expected)),
        missing=tuple(sorted(k for k in expected if k not in found)),
        changed=tuple(sorted(k for k in found if k in expected and found[k] != expected[k])),
    )
