"""The SQL of sync (ARCHITECTURE.md §3): snapshots for export, bulk merge writes, certificates, inbox,
outbox and quarantine. Functions take a Store; writes are set-based (`executemany`) so that a province can
import 129 commune bundles in seconds.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from typing import Any

from lhtl_desktop.errors import ConstraintError
from lhtl_desktop.i18n import _
from lhtl_desktop.model.institutions import Institution
from lhtl_desktop.model.records import ValueRecord
from lhtl_desktop.storage.store import (
    _RECORD_COLUMNS,
    Store,
    _institution,
    _record,
    disk_full_error,
    is_disk_full,
)

_INSERT_RECORD = (
    f"INSERT INTO value_records ({_RECORD_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_CHUNK = 500


def vv_text(vv: Mapping[str, int]) -> str:
    """The stored form of a version vector: compact JSON, keys sorted (the same text json.dumps gives)."""
    if len(vv) == 1:  # the usual record: its author's own counter only (the loop below would give the same)
        [(k, n)] = vv.items()
        if type(k) is str and type(n) is int and k.isascii() and k.isalnum():
            return f'{{"{k}":{n}}}'
    parts = []
    for k, n in sorted(vv.items()):
        # Key ids are hex and counters integers: written directly, as json.dumps would write them.
        if type(k) is not str or type(n) is not int or not (k.isascii() and k.isalnum()):
            return json.dumps(dict(sorted(vv.items())), separators=(",", ":"))
        parts.append(f'"{k}":{n}')
    return "{" + ",".join(parts) + "}"


def record_tuple(rec: ValueRecord) -> tuple[Any, ...]:
    return (rec.edit_id, rec.institution_id, rec.unit_code, rec.period, rec.indicator, rec.value, vv_text(rec.vv),
            rec.author_key, rec.author_unit, rec.author_name, rec.created_at, rec.reason, rec.warning)


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


@contextmanager
def immediate(store: Store) -> Iterator[Store]:
    """One `BEGIN IMMEDIATE` transaction: takes the write lock up front, so an import never half-runs.
    A broken constraint (an id already used) rolls it back and becomes ConstraintError, never a raw
    sqlite3 error."""
    conn = store.db.conn
    try:
        if conn.in_transaction:
            with store.atomic():
                yield store
            return
        yield from _begin_immediate(conn, store)
    except sqlite3.IntegrityError as exc:
        raise ConstraintError(_("Ghi vào cơ sở dữ liệu vi phạm ràng buộc ({detail}); đã hoàn tác, không ghi gì.")
                              .format(detail=str(exc)[:120])) from exc


def _begin_immediate(conn: sqlite3.Connection, store: Store) -> Iterator[Store]:
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield store
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        else:
            try:
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
    except sqlite3.OperationalError as exc:
        if is_disk_full(exc):  # rolled back above: say so in Vietnamese, as Store.atomic does
            raise disk_full_error() from exc
        raise


IMPORT_CHECKPOINT_PAGES = 4096


@contextmanager
def import_cache(store: Store, kib: int = 64 * 1024) -> Iterator[None]:
    """A larger page cache for the length of an import (restored after): a province import inserts about
    100,000 records and their index entries, most of them into pages it has just written.

    The WAL is also copied back into the database file less often while the import runs (every
    IMPORT_CHECKPOINT_PAGES pages instead of SQLite's 1,000), and once at its end: each file's commit writes
    and syncs its pages to the WAL as before (every file its own durable transaction); only the copies
    into the database file, and their syncs, are fewer — a page rewritten by several files is copied once."""
    conn = store.db.conn
    before = int(conn.execute("PRAGMA cache_size").fetchone()[0])
    checkpoint_before = int(conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0])
    conn.execute(f"PRAGMA cache_size = {-abs(int(kib))}")
    if checkpoint_before > 0:  # (0: this connection never checkpoints by itself; left so)
        conn.execute(f"PRAGMA wal_autocheckpoint = {max(checkpoint_before, IMPORT_CHECKPOINT_PAGES)}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size = {before}")
        if checkpoint_before > 0:
            conn.execute(f"PRAGMA wal_autocheckpoint = {checkpoint_before}")
            if not conn.in_transaction:
                # What the import left in the WAL, copied now, never waiting for a reader. A failure (a full
                # disk) is SQLite's own automatic checkpoint's: the committed pages stay in the WAL for later.
                with suppress(sqlite3.Error):
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)")


# -- who am I -----------------------------------------------------------------------------------------
def installation_meta(store: Store) -> dict[str, str]:
    return store.meta()


def key_rows(store: Store) -> list[dict[str, Any]]:
    return store.keys()


def set_key_status(store: Store, key_id: str, status: str) -> None:
    store.db.execute("UPDATE keys SET status = ? WHERE key_id = ?", [status, key_id])


def retire_own_key(store: Store, key_id: str) -> None:
    """An earlier key of this installation: kept (its public key verifies history), never signs again."""
    store.db.execute("UPDATE keys SET status = 'retired', private_key = NULL WHERE key_id = ?", [key_id])


def registry_version(store: Store) -> int:
    return int(store.get_meta("registry_version", "0") or "0")


def next_registry_version(store: Store) -> int:
    """The registry's version number, advanced by one (call inside a transaction)."""
    version = int(store.get_meta("registry_version", "0") or "0") + 1
    store.set_meta("registry_version", str(version))
    return version


# -- certificates ---------------------------------------------------------------------------------------
def certificate_rows(store: Store) -> list[dict[str, Any]]:
    return list(store.db.query("SELECT * FROM sync_certificates ORDER BY issued_at, subject_key_id"))


_RANK = "CASE {t}.status WHEN 'revoked' THEN 2 WHEN 'retired' THEN 1 ELSE 0 END"


def save_certificates(store: Store, rows: Iterable[Mapping[str, Any]]) -> int:
    """Insert certificates; an existing (subject, issuer) is replaced only by a worse status, or the same status
    at a higher version — never by a better status, whatever its version: the registry only moves forward."""
    params = [
        (r["subject_key_id"], r["issuer_key_id"], r["subject_unit"], r["issuer_unit"], r["status"], r["version"],
         r["issued_at"], r["body"], r["sig"])
        for r in rows
    ]
    before = store.db.conn.total_changes
    store.db.conn.executemany(
        "INSERT INTO sync_certificates (subject_key_id, issuer_key_id, subject_unit, issuer_unit, status, version, "
        "issued_at, body, sig) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(subject_key_id, issuer_key_id) DO UPDATE SET subject_unit = excluded.subject_unit, "
        "issuer_unit = excluded.issuer_unit, status = excluded.status, version = excluded.version, "
        "issued_at = excluded.issued_at, body = excluded.body, sig = excluded.sig "
        f"WHERE ({_RANK.format(t='excluded')}, excluded.version) > "
        f"({_RANK.format(t='sync_certificates')}, sync_certificates.version)",
        params,
    )
    return store.db.conn.total_changes - before


def stored_certificate_versions(store: Store) -> dict[tuple[str, str], int]:
    return {(s, i): v for s, i, v in store.db.execute(
        "SELECT subject_key_id, issuer_key_id, version FROM sync_certificates").fetchall()}


# -- snapshots for export ---------------------------------------------------------------------------------
def scope_institutions(store: Store, unit_codes: Sequence[str]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for chunk in _chunks(list(unit_codes)):
        out += list(store.db.query(
            f"SELECT * FROM institutions WHERE unit_code IN ({','.join('?' * len(chunk))}) ORDER BY id", list(chunk)))
    return out


def scope_records(store: Store, unit_codes: Sequence[str]) -> list[ValueRecord]:
    out: list[ValueRecord] = []
    for chunk in _chunks(list(unit_codes)):
        out += [_record(r) for r in store.db.query(
            f"SELECT {_RECORD_COLUMNS} FROM value_records WHERE unit_code IN ({','.join('?' * len(chunk))}) "
            "ORDER BY edit_id", list(chunk))]
    return out


def scope_record_rows(store: Store, unit_codes: Sequence[str]) -> list[tuple[Any, ...]]:
    """The same records as scope_records, as plain tuples in `_RECORD_COLUMNS` order (the vector as its
    stored text): an export of a whole province writes them out without building a record for each."""
    out: list[tuple[Any, ...]] = []
    conn = store.db.conn
    for chunk in _chunks(list(unit_codes)):
        out += conn.execute(
            f"SELECT {_RECORD_COLUMNS} FROM value_records WHERE unit_code IN ({','.join('?' * len(chunk))}) "
            "ORDER BY edit_id", list(chunk)).fetchall()
    return out


# -- merge: read what is stored, write the plan ---------------------------------------------------------
def institution_versions(store: Store, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for chunk in _chunks(list(ids)):
        for row in store.db.query(
                f"SELECT * FROM institutions WHERE id IN ({','.join('?' * len(chunk))})", list(chunk)):
            out[row["id"]] = row
    return out


def institution_from_row(row: Mapping[str, Any]) -> Institution:
    return _institution(row)


def current_siblings(store: Store, institution_ids: Sequence[str]) -> dict[tuple[str, str, str], list[ValueRecord]]:
    out: dict[tuple[str, str, str], list[ValueRecord]] = {}
    for chunk in _chunks(list(institution_ids)):
        for row in store.db.query(
                f"SELECT {_RECORD_COLUMNS} FROM value_records WHERE institution_id IN ({','.join('?' * len(chunk))})",
                list(chunk)):
            rec = _record(row)
            out.setdefault(rec.key, []).append(rec)
    return out


def upsert_institutions(store: Store, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert or replace institutions (all columns) in one statement per batch."""
    store.db.conn.executemany(
        "INSERT INTO institutions (id, unit_code, type, name, village, opened_year, closed_year, created_at, "
        "updated_at, vv, author_key, edit_id, ref) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(id) DO UPDATE SET type = excluded.type, name = excluded.name, village = excluded.village, "
        "opened_year = excluded.opened_year, closed_year = excluded.closed_year, updated_at = excluded.updated_at, "
        "vv = excluded.vv, author_key = excluded.author_key, edit_id = excluded.edit_id, "
        "ref = COALESCE(institutions.ref, excluded.ref)",  # a short reference, once known, never changes
        [(r["id"], r["unit_code"], r["type"], r["name"], r["village"], r["opened_year"], r["closed_year"],
          r["created_at"], r["updated_at"], r["vv"], r["author_key"], r["edit_id"], r.get("ref")) for r in rows],
    )


def apply_records(store: Store, inserts: Sequence[ValueRecord], supersede: Sequence[str], superseded_at: str) -> None:
    """Move superseded records to history and insert the new current ones (set-based)."""
    conn = store.db.conn
    if supersede:
        conn.executemany(
            f"INSERT OR IGNORE INTO value_history ({_RECORD_COLUMNS}, superseded_at) "
            f"SELECT {_RECORD_COLUMNS}, ? FROM value_records WHERE edit_id = ?",
            [(superseded_at, e) for e in supersede],
        )
        conn.executemany("DELETE FROM value_records WHERE edit_id = ?", [(e,) for e in supersede])
    if inserts:
        conn.executemany(_INSERT_RECORD, [record_tuple(r) for r in inserts])


def edit_ids_taken(store: Store, edit_ids: Sequence[str], *, superseded_only: bool = False) -> set[str]:
    """Those of `edit_ids` already used by a stored record, current or superseded (or superseded only: a
    current one is caught by the primary key on insert, so the import's fast path asks only the history)."""
    conn = store.db.conn
    if superseded_only and conn.execute("SELECT 1 FROM value_history LIMIT 1").fetchone() is None:
        return set()
    out: set[str] = set()
    for chunk in _chunks(list(edit_ids)):
        marks = ",".join("?" * len(chunk))
        sql = f"SELECT edit_id FROM value_history WHERE edit_id IN ({marks})"
        params = list(chunk)
        if not superseded_only:
            sql += f" UNION ALL SELECT edit_id FROM value_records WHERE edit_id IN ({marks})"
            params += chunk
        out.update(e for (e,) in conn.execute(sql, params).fetchall())
    return out


def max_counter_of(store: Store, key_id: str) -> int:
    """The highest edit counter of a key in any stored record (current or history) or institution version
    (shown, or kept beside it as a concurrent sibling)."""
    path = f'$."{key_id}"'
    row = store.db.execute(
        "SELECT MAX(n) FROM (SELECT json_extract(vv, ?) AS n FROM value_records "
        "UNION ALL SELECT json_extract(vv, ?) FROM value_history "
        "UNION ALL SELECT json_extract(vv, ?) FROM institutions "
        "UNION ALL SELECT json_extract(vv, ?) FROM institution_siblings)", [path, path, path, path]).fetchone()
    return int(row[0] or 0)


def records_by_author(store: Store) -> dict[str, int]:
    """How many current value records each key authored."""
    return {k: n for k, n in store.db.execute(
        "SELECT author_key, COUNT(*) FROM value_records GROUP BY author_key").fetchall()}


# -- inbox (imported bundles) -------------------------------------------------------------------------------
def bundle_seen(store: Store, bundle_id: str, payload_hash: str) -> bool:
    row = store.db.execute("SELECT 1 FROM sync_bundles WHERE bundle_id = ? OR payload_hash = ?",
                           [bundle_id, payload_hash]).fetchone()
    return row is not None


def record_bundle(store: Store, row: Mapping[str, Any]) -> None:
    store.db.execute(
        "INSERT INTO sync_bundles (bundle_id, payload_hash, from_unit, from_key, to_unit, seq, created_at, "
        "imported_at, file_name, counts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [row["bundle_id"], row["payload_hash"], row["from_unit"], row["from_key"], row["to_unit"], row["seq"],
         row["created_at"], row["imported_at"], row["file_name"], json.dumps(row.get("counts", {}))],
    )


def seq_taken(store: Store, key_id: str, seq: int, bundle_id: str) -> bool:
    """Whether another bundle of this key with this number was imported here (a sender restored a backup)."""
    row = store.db.execute("SELECT 1 FROM sync_bundles WHERE from_key = ? AND seq = ? AND bundle_id != ?",
                           [key_id, seq, bundle_id]).fetchone()
    return row is not None


def max_seq_from(store: Store, key_id: str) -> int:
    row = store.db.execute("SELECT MAX(seq) FROM sync_bundles WHERE from_key = ?", [key_id]).fetchone()
    return int(row[0] or 0)


def inbox_rows(store: Store) -> list[dict[str, Any]]:
    """Per sending key: its unit, the last bundle (the highest number received, whatever order the files
    arrived in: «gói cuối» after a late seq 3 is still 5), and every number seen (gaps lie below it)."""
    out: list[dict[str, Any]] = []
    for key_id, unit in store.db.execute(
            "SELECT from_key, from_unit FROM sync_bundles GROUP BY from_key, from_unit ORDER BY from_unit").fetchall():
        seqs = [s for (s,) in store.db.execute(
            "SELECT seq FROM sync_bundles WHERE from_key = ? ORDER BY seq", [key_id]).fetchall()]
        last = store.db.execute(
            "SELECT bundle_id, seq, created_at, imported_at, file_name FROM sync_bundles WHERE from_key = ? "
            "ORDER BY seq DESC, imported_at DESC LIMIT 1", [key_id]).fetchone()
        out.append({"key_id": key_id, "unit": unit, "seqs": seqs, "last_bundle": last[0], "last_seq": last[1],
                    "last_created": last[2], "last_imported": last[3], "last_file": last[4]})
    return out


# -- outbox (exported bundles) ------------------------------------------------------------------------------
def next_export_seq(store: Store, key_id: str) -> int:
    """The number of the next bundle signed with `key_id`: above every one this database recorded and every
    one handed out before a restore (storage.version_marks). Takes the number: call it once per export."""
    from lhtl_desktop.storage import version_marks

    return version_marks.next_number(store, version_marks.SEQ, key_id, max_export_seq(store, key_id))


def max_export_seq(store: Store, key_id: str) -> int:
    """The last bundle number this installation signed with a key (0: none)."""
    row = store.db.execute("SELECT MAX(seq) FROM sync_exports WHERE key_id = ?", [key_id]).fetchone()
    return int(row[0] or 0)


def record_export(store: Store, row: Mapping[str, Any]) -> None:
    store.db.execute(
        "INSERT INTO sync_exports (bundle_id, key_id, seq, to_unit, created_at, file_name, records) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [row["bundle_id"], row["key_id"], row["seq"], row["to_unit"], row["created_at"], row["file_name"],
         row["records"]],
    )


def export_rows(store: Store) -> list[dict[str, Any]]:
    return list(store.db.query("SELECT * FROM sync_exports ORDER BY created_at DESC"))


# -- quarantine -------------------------------------------------------------------------------------------
def quarantine_add(store: Store, payload_hash: str, key_id: str, file_name: str, received_at: str,
                   content: bytes) -> bool:
    cur = store.db.execute(
        "INSERT OR IGNORE INTO sync_quarantine (payload_hash, key_id, file_name, received_at, content) "
        "VALUES (?, ?, ?, ?, ?)", [payload_hash, key_id, file_name, received_at, content])
    return cur.rowcount == 1


def quarantine_rows(store: Store) -> list[dict[str, Any]]:
    return list(store.db.query(
        "SELECT payload_hash, key_id, file_name, received_at, length(content) AS size FROM sync_quarantine "
        "ORDER BY received_at"))


def quarantine_content(store: Store, payload_hash: str) -> bytes | None:
    row = store.db.execute("SELECT content FROM sync_quarantine WHERE payload_hash = ?", [payload_hash]).fetchone()
    return bytes(row[0]) if row else None


def quarantine_remove(store: Store, payload_hash: str) -> None:
    store.db.execute("DELETE FROM sync_quarantine WHERE payload_hash = ?", [payload_hash])
