"""The repository: one object owns the connection and every query (like calibre's `Cache`).

Services call these methods with and get back plain model objects; no SQL leaves this package.
Writes run inside `atomic()` (BEGIN IMMEDIATE … COMMIT; sqlite-utils' savepoints when nested).

The store holds a plain sqlite3 connection; the sqlite-utils `Database` over it (`store.db`) is built, and
sqlite-utils imported, on first use. Reads go straight to the connection, so that the window can open a
database and draw itself without importing sqlite-utils (≈80 ms with click, dateutil and pluggy); writes
(`table(...).insert*`, `atomic()`) and the modules that use `store.db` are unchanged.
"""

from __future__ import annotations

import json
import operator
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lhtl_desktop.errors import (
    DiskFullError,
    sqlite_environment_error,
)
from lhtl_desktop.i18n import _
from lhtl_desktop.model.catalogue import Indicator, InstitutionType
from lhtl_desktop.model.institutions import Institution
from lhtl_desktop.model.records import ValueRecord
from lhtl_desktop.model.targets import TargetDefinition, TargetKind
from lhtl_desktop.model.units import Unit

if TYPE_CHECKING:
    import sqlite_utils

_KEY_OF_ROW = operator.itemgetter(0, 1, 2)  # (institution_id, period, indicator) of a grouped_values row
_RECORD_COLUMNS = (
    "edit_id, institution_id, unit_code, period, indicator, value, vv, author_key, author_unit, "
    "author_name, created_at, reason, warning"
)


def is_disk_full(exc: BaseException) -> bool:
    """sqlite3's "database or disk is full" (SQLITE_FULL: the disk, or PRAGMA max_page_count)."""
    code = getattr(exc, "sqlite_errorcode", None)
    return isinstance(exc, sqlite3.Error) and code is not None and code & 0xFF == sqlite3.SQLITE_FULL


def _environment_code(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    return isinstance(code, int) and code & 0xFF in (
        sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_IOERR,
        sqlite3.SQLITE_CANTOPEN)


def disk_full_error() -> DiskFullError:
    return DiskFullError(
        _("Không lưu được vì ổ đĩa đầy; cơ sở dữ liệu vẫn như trước khi lưu, không mất gì. "
          "Hãy xóa bớt tệp hoặc giải phóng chỗ trống trên ổ đĩa rồi thử lại.")
    )


def _record(row: Mapping[str, Any]) -> ValueRecord:
    return ValueRecord(
        edit_id=row["edit_id"],
        institution_id=row["institution_id"],
        unit_code=row["unit_code"],
        period=row["period"],
        indicator=row["indicator"],
        value=row["value"],
        vv=json.loads(row["vv"]),
        author_key=row["author_key"],
        author_unit=row["author_unit"],
        created_at=row["created_at"],
        reason=row["reason"],
        warning=row["warning"],
        author_name=row["author_name"],
    )


def _record_row(rec: ValueRecord) -> dict[str, Any]:
    return {
        "edit_id": rec.edit_id,
        "institution_id": rec.institution_id,
        "unit_code": rec.unit_code,
        "period": rec.period,
        "indicator": rec.indicator,
        "value": rec.value,
        "vv": json.dumps(dict(sorted(rec.vv.items())), separators=(",", ":")),
        "author_key": rec.author_key,
        "author_unit": rec.author_unit,
        "author_name": rec.author_name,
        "created_at": rec.created_at,
        "reason": rec.reason,
        "warning": rec.warning,
    }


def _institution(row: Mapping[str, Any]) -> Institution:
    return Institution(
        id=row["id"],
        unit_code=row["unit_code"],
        type=row["type"],
        name=row["name"],
        village=row["village"],
        opened_year=row["opened_year"],
        closed_year=row["closed_year"],
        ref=row.get("ref"),
    )


class Store:
    def __init__(self, db: sqlite_utils.Database | sqlite3.Connection, path: Path) -> None:
        """`db`: the open connection (sqlite-utils is then imported on first write), or a sqlite-utils
        `Database` over it."""
        if isinstance(db, sqlite3.Connection):
            self._conn = db
            self._db: sqlite_utils.Database | None = None
        else:
            self._conn = db.conn
            self._db = db
        self.path = path
        self._units: dict[str, Unit] | None = None

    # -- connection -------------------------------------------------------------------------------
    @property
    def db(self) -> sqlite_utils.Database:
        """The sqlite-utils `Database` over the store's connection, built on first use."""
        if self._db is None:
            import sqlite_utils

            # No sqlite-utils plugins on our connection (their entry-point scan costs ~15 ms).
            self._db = sqlite_utils.Database(self._conn, execute_plugins=False)
        return self._db

    @property
    def conn(self) -> sqlite3.Connection:
        """The plain sqlite3 connection (the same one `db` wraps)."""
        return self._conn

    def _query(self, sql: str, params: Sequence[Any] = ()) -> Iterator[dict[str, Any]]:
        """Rows as dicts, like sqlite-utils' `db.query`, on the plain connection."""
        cursor = self._conn.execute(sql, params)
        names = [d[0] for d in cursor.description]
        for row in cursor:
            yield dict(zip(names, row, strict=True))

    @contextmanager
    def atomic(self) -> Iterator[Store]:
        """One transaction (a savepoint when nested). A full disk becomes DiskFullError after the rollback.

        The outermost level is `BEGIN IMMEDIATE`: the write lock is taken at once, so another program's
        transaction is waited for (busy_timeout) instead of failing half-way when a read turns into a write.
        """
        if self._conn.in_transaction:
            with self.db.atomic():  # a savepoint
                yield self
            return
        try:
            _ = self.db  # sqlite-utils built before the transaction, so that inserts inside it share it
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise
            try:
                self._conn.execute("COMMIT")
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise
        except sqlite3.OperationalError as exc:
            if is_disk_full(exc):
                raise disk_full_error() from exc
            if _environment_code(exc):  # busy past the timeout, read-only file or folder, disk I/O
                raise sqlite_environment_error(exc, self.path) from exc  # type: ignore[misc]
            raise

    def close(self) -> None:
        self._conn.close()

    def integrity_check(self) -> str:
        return str(self._conn.execute("PRAGMA quick_check").fetchone()[0])

    def schema_version(self) -> int:
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def dump(self) -> str:
        """Every row of every table as text: tests compare it before and after a refused action."""
        return "\n".join(self._conn.iterdump())

    # -- meta -------------------------------------------------------------------------------------
    def get_meta(self, key: str, default: str | None = None) -> str | None:
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute(
            "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, value],
        )

    def meta(self) -> dict[str, str]:
        return {k: v for k, v in self._conn.execute("SELECT key, value FROM meta").fetchall()}

    # -- reference data ---------------------------------------------------------------------------
    def insert_units(self, units: Sequence[Unit]) -> None:
        self.db.table("units").insert_all(
            (
                {"code": u.code, "name": u.name, "level": u.level, "parent": u.parent,
                 "division_type": u.division_type, "sort_order": i}
                for i, u in enumerate(units)
            ),
        )
        self._units = None

    def insert_lineage(self, rows: Iterable[Mapping[str, str]]) -> None:
        self.db.table("unit_lineage").insert_all(dict(r) for r in rows)

    def insert_catalogue(self, types: Sequence[InstitutionType], indicators: Sequence[Indicator]) -> None:
        self.db.table("institution_types").insert_all(
            {"code": t.code, "label": t.source_label, "family": t.family, "levels": json.dumps(sorted(t.levels))}
            for t in types
        )
        self.db.table("indicators").insert_all(
            {"code": i.code, "label": i.source_label, "unit": i.source_unit, "family": i.family, "kind": str(i.kind),
             "help": i.source_help, "sort_order": n}
            for n, i in enumerate(indicators)
        )

    def insert_targets(self, targets: Sequence[TargetDefinition]) -> None:
        self.db.table("targets").insert_all(
            {"code": t.code, "kind": str(t.kind), "label": t.source_label, "types": json.dumps(list(t.types)),
             "criterion": t.criterion, "indicator": t.indicator, "sort_order": n}
            for n, t in enumerate(targets)
        )
        self.db.table("target_milestones").insert_all(
            {"target_code": t.code, "year": y, "threshold": thr}
            for t in targets
            for y, thr in sorted(t.milestones.items())
        )

    # -- units ------------------------------------------------------------------------------------
    def units(self) -> dict[str, Unit]:
        if self._units is None:
            rows = self._conn.execute(
                "SELECT code, name, level, parent, division_type FROM units ORDER BY sort_order"
            ).fetchall()
            self._units = {r[0]: Unit(r[0], r[1], r[2], r[3], r[4]) for r in rows}
        return self._units

    def unit(self, code: str) -> Unit | None:
        return self.units().get(code)

    def lineage(self, unit_code: str) -> list[dict[str, Any]]:
        return list(self._query(
            "SELECT * FROM unit_lineage WHERE unit_code = ? ORDER BY legacy_code", [unit_code]
        ))

    def set_unit_parent(self, code: str, parent: str, changed_by: str, changed_at: str) -> None:
        old = self.units()[code].parent
        self.db.execute("UPDATE units SET parent = ? WHERE code = ?", [parent, code])
        self.log_unit_change(code, "parent", old, parent, changed_by, changed_at)
        self._units = None

    def log_unit_change(self, code: str, field: str, old: str | None, new: str | None, changed_by: str,
                        changed_at: str) -> None:
        self.db.table("unit_changes").insert(
            {"unit_code": code, "field": field, "old_value": old, "new_value": new,
             "changed_by": changed_by, "changed_at": changed_at}
        )

    def unit_changes(self) -> list[dict[str, Any]]:
        return list(self._query("SELECT * FROM unit_changes ORDER BY id"))

    # -- catalogue as stored ----------------------------------------------------------------------
    def indicator_rows(self) -> list[dict[str, Any]]:
        return list(self._query("SELECT * FROM indicators ORDER BY sort_order"))

    def target_definitions(self) -> list[TargetDefinition]:
        milestones: dict[str, dict[int, float | None]] = {}
        for code, year, thr in self._conn.execute(
            "SELECT target_code, year, threshold FROM target_milestones ORDER BY year"
        ).fetchall():
            milestones.setdefault(code, {})[year] = thr
        return [
            TargetDefinition(
                code=r["code"], kind=TargetKind(r["kind"]), source_label=r["label"], types=tuple(json.loads(r["types"])),
                criterion=r["criterion"], indicator=r["indicator"], milestones=milestones.get(r["code"], {}),
            )
            for r in self._query("SELECT * FROM targets ORDER BY sort_order")
        ]

    def set_threshold(self, target: str, year: int, threshold: float | None, changed_by: str,
                      changed_at: str) -> None:
        row = self._conn.execute(
            "SELECT threshold FROM target_milestones WHERE target_code = ? AND year = ?", [target, year]
        ).fetchone()
        old = row[0] if row else None
        self.db.execute(
            "INSERT INTO target_milestones(target_code, year, threshold) VALUES (?, ?, ?) "
            "ON CONFLICT(target_code, year) DO UPDATE SET threshold = excluded.threshold",
            [target, year, threshold],
        )
        self.db.table("threshold_changes").insert(
            {"target_code": target, "year": year, "old_threshold": old, "new_threshold": threshold,
             "changed_by": changed_by, "changed_at": changed_at}
        )

    def threshold_changes(self) -> list[dict[str, Any]]:
        return list(self._query("SELECT * FROM threshold_changes ORDER BY id"))

    # -- keys -------------------------------------------------------------------------------------
    def insert_key(self, row: Mapping[str, Any]) -> None:
        self.db.table("keys").insert(dict(row))

    def key(self, key_id: str) -> dict[str, Any] | None:
        rows = list(self._query("SELECT * FROM keys WHERE key_id = ?", [key_id]))
        return rows[0] if rows else None

    def own_key(self) -> dict[str, Any] | None:
        rows = list(self._query("SELECT * FROM keys WHERE status = 'own' ORDER BY created_at DESC LIMIT 1"))
        return rows[0] if rows else None

    def keys(self) -> list[dict[str, Any]]:
        return list(self._query("SELECT * FROM keys ORDER BY created_at"))

    # -- institutions -----------------------------------------------------------------------------
    def insert_institution(self, inst: Institution, *, created_at: str, vv: Mapping[str, int],
                           author_key: str, edit_id: str) -> None:
        self.db.table("institutions").insert(
            {"id": inst.id, "unit_code": inst.unit_code, "type": inst.type, "name": inst.name,
             "village": inst.village, "opened_year": inst.opened_year, "closed_year": inst.closed_year,
             "ref": inst.ref, "created_at": created_at, "updated_at": created_at, "vv": json.dumps(dict(vv)),
             "author_key": author_key, "edit_id": edit_id}
        )

    def update_institution(self, inst: Institution, *, updated_at: str, vv: Mapping[str, int],
                           author_key: str, edit_id: str) -> None:
        self.db.execute(
            "UPDATE institutions SET type = ?, name = ?, village = ?, opened_year = ?, closed_year = ?, "
            "updated_at = ?, vv = ?, author_key = ?, edit_id = ? WHERE id = ?",
            [inst.type, inst.name, inst.village, inst.opened_year, inst.closed_year, updated_at,
             json.dumps(dict(vv)), author_key, edit_id, inst.id],
        )

    def institution(self, inst_id: str) -> Institution | None:
        row = self._conn.execute("SELECT * FROM institutions WHERE id = ?", [inst_id]).fetchone()
        if row is None:
            return None
        cols = [d[0] for d in self._conn.execute("SELECT * FROM institutions LIMIT 0").description]
        return _institution(dict(zip(cols, row, strict=True)))

    def institution_vv(self, inst_id: str) -> dict[str, int]:
        row = self._conn.execute("SELECT vv FROM institutions WHERE id = ?", [inst_id]).fetchone()
        return json.loads(row[0]) if row else {}

    def institutions(self, unit_codes: Iterable[str] | None = None) -> list[Institution]:
        sql = "SELECT id, unit_code, type, name, village, opened_year, closed_year, ref FROM institutions"
        params: list[str] = []
        if unit_codes is not None:
            codes = list(unit_codes)
            sql += f" WHERE unit_code IN ({','.join('?' * len(codes))})"
            params = codes
        sql += " ORDER BY unit_code, type, name COLLATE NOCASE, id"
        # Positional rows (not sqlite-utils' dicts): a province reads thousands of institutions per evaluation.
        return [Institution(*row) for row in self._conn.execute(sql, params).fetchall()]

    # -- value records ----------------------------------------------------------------------------
    def current_records(self, inst_id: str, period: str) -> list[ValueRecord]:
        return [
            _record(r) for r in self._query(
                f"SELECT {_RECORD_COLUMNS} FROM value_records WHERE institution_id = ? AND period = ? "
                "ORDER BY indicator, created_at",
                [inst_id, period],
            )
        ]

    def institution_record_count(self, inst_id: str) -> int:
        """Current records (deletions included: they travel too) of one institution, over every period."""
        row = self._conn.execute("SELECT count(*) FROM value_records WHERE institution_id = ?", [inst_id]).fetchone()
        return int(row[0])

    def records_for_key(self, inst_id: str, period: str, indicator: str) -> list[ValueRecord]:
        return [
            _record(r) for r in self._query(
                f"SELECT {_RECORD_COLUMNS} FROM value_records "
                "WHERE institution_id = ? AND period = ? AND indicator = ? ORDER BY created_at",
                [inst_id, period, indicator],
            )
        ]

    def supersede(self, edit_ids: Iterable[str], superseded_at: str) -> None:
        """Move dominated records to the history table (audit), out of the current set."""
        ids = list(edit_ids)
        if not ids:
            return
        marks = ",".join("?" * len(ids))
        self.db.execute(
            f"INSERT OR IGNORE INTO value_history ({_RECORD_COLUMNS}, superseded_at) "
            f"SELECT {_RECORD_COLUMNS}, ? FROM value_records WHERE edit_id IN ({marks})",
            [superseded_at, *ids],
        )
        self.db.execute(f"DELETE FROM value_records WHERE edit_id IN ({marks})", ids)

    def insert_record(self, rec: ValueRecord) -> None:
        self.db.table("value_records").insert(_record_row(rec))

    def records_in_history(self, inst_id: str, period: str, indicator: str) -> list[ValueRecord]:
        return [
            _record(r) for r in self._query(
                f"SELECT {_RECORD_COLUMNS} FROM value_history "
                "WHERE institution_id = ? AND period = ? AND indicator = ? ORDER BY created_at",
                [inst_id, period, indicator],
            )
        ]

    def records_for(self, unit_codes: Sequence[str], periods: Sequence[str],
                    indicators: Sequence[str] | None = None) -> list[ValueRecord]:
        """Current records of institutions in these units for these periods (and indicators)."""
        sql = (
            f"SELECT {_RECORD_COLUMNS} FROM value_records WHERE unit_code IN ({','.join('?' * len(unit_codes))}) "
            f"AND period IN ({','.join('?' * len(periods))})"
        )
        params: list[Any] = [*unit_codes, *periods]
        if indicators is not None:
            sql += f" AND indicator IN ({','.join('?' * len(indicators))})"
            params += list(indicators)
        return [_record(r) for r in self._query(sql, params)]

    def grouped_values(
        self, unit_codes: Sequence[str] | None, periods: Sequence[str], indicators: Sequence[str] | None = None
    ) -> tuple[list[tuple[str, str, str, int | None]], list[ValueRecord]]:
        """Current values of institutions in these units (None: every unit) for these periods (and indicators),
        grouped by key.

        Returns (singles, conflicted): (institution_id, period, indicator, value) for every key with exactly one
        current record (value None: a tombstone), and the full records of every key with more than one (an open
        conflict), so that `choose_provisional` decides those. Reads four columns and no version vector: reports
        and evaluation read tens of thousands of keys, and conflicts are rare. (The grouping is a set of keys
        here, not SQL's GROUP BY: its temporary B-tree doubled the time of the query.)
        """
        if (unit_codes is not None and not unit_codes) or not periods or (indicators is not None and not indicators):
            return [], []
        # Served from the covering index value_records_read (migration 3) without visiting the table.
        sql = (f"SELECT institution_id, period, indicator, value FROM value_records "
               f"WHERE period IN ({','.join('?' * len(periods))})")
        params: list[Any] = list(periods)
        if indicators is not None:
            sql += f" AND indicator IN ({','.join('?' * len(indicators))})"
            params += list(indicators)
        if unit_codes is not None:
            sql += f" AND unit_code IN ({','.join('?' * len(unit_codes))})"
            params += list(unit_codes)
        rows: list[tuple[str, str, str, int | None]] = self._conn.execute(sql, params).fetchall()
        if len(set(map(_KEY_OF_ROW, rows))) == len(rows):
            return rows, []  # the usual case: no open conflict
        counts: dict[tuple[str, str, str], int] = {}
        for row in rows:
            key = _KEY_OF_ROW(row)
            counts[key] = counts.get(key, 0) + 1
        singles = [row for row in rows if counts[_KEY_OF_ROW(row)] == 1]
        conflicted = [key for key, n in counts.items() if n > 1]
        return singles, self.records_for_keys(conflicted)

    def records_for_keys(self, keys: Sequence[tuple[str, str, str]]) -> list[ValueRecord]:
        """Current records of these (institution_id, period, indicator) keys, by key then creation time."""
        out: list[ValueRecord] = []
        chunk = 300  # 900 parameters a statement, well under SQLite's limit
        for start in range(0, len(keys), chunk):
            part = keys[start:start + chunk]
            out.extend(
                _record(r) for r in self._query(
                    f"SELECT {_RECORD_COLUMNS} FROM value_records WHERE (institution_id, period, indicator) "
                    f"IN (VALUES {','.join(['(?, ?, ?)'] * len(part))}) "
                    "ORDER BY institution_id, period, indicator, created_at",
                    [x for key in part for x in key],
                )
            )
        return out

    def next_period_with_data(self, indicators: Sequence[str], after: str | None = None) -> str | None:
        """The first period (in text order) after `after` in which any of these indicators has a current
        record, in any unit; None when there is none. One step of the (period, indicator) index: callers that
        look for the first year with data read years one at a time from here."""
        if not indicators:
            return None
        row = self._conn.execute(
            f"SELECT MIN(period) FROM value_records WHERE period > ? "
            f"AND indicator IN ({','.join('?' * len(indicators))})",
            [after or "", *indicators],
        ).fetchone()
        return row[0] if row else None

    def years_with_data(self, unit_codes: Sequence[str], indicators: Sequence[str]) -> list[int]:
        rows = self._conn.execute(
            f"SELECT DISTINCT period FROM value_records WHERE unit_code IN ({','.join('?' * len(unit_codes))}) "
            f"AND indicator IN ({','.join('?' * len(indicators))}) AND value IS NOT NULL",
            [*unit_codes, *indicators],
        ).fetchall()
        return sorted(int(p) for (p,) in rows if p.isdigit())

    def conflict_keys(self, unit_codes: Sequence[str] | None = None) -> list[tuple[str, str, str]]:
        sql = "SELECT institution_id, period, indicator FROM value_records"
        params: list[str] = []
        if unit_codes is not None:
            sql += f" WHERE unit_code IN ({','.join('?' * len(unit_codes))})"
            params = list(unit_codes)
        sql += " GROUP BY institution_id, period, indicator HAVING COUNT(*) > 1"
        return [tuple(r) for r in self._conn.execute(sql, params).fetchall()]  # type: ignore[misc]
