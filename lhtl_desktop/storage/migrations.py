"""Versioned schema migrations, tracked in `PRAGMA user_version`.

Each entry of MIGRATIONS upgrades from version i to i+1 inside one transaction. Append only: never edit a
released step. A database whose user_version is beyond len(MIGRATIONS) was written by a newer program and
is refused untouched (see db.open_store).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported by whoever runs a migration (db.migrate), not by every start of the program
    import sqlite_utils

Migration = Callable[["sqlite_utils.Database"], None]


def split_statements(script: str) -> list[str]:
    """The complete SQL statements of `script`, split where SQLite itself says a statement ends.

    `sqlite3.complete_statement` knows string literals, quoted names, comments and trigger bodies, so a
    `DEFAULT 'x;y'` or a `CREATE TRIGGER … BEGIN …; …; END` stays one statement (a split on «;» broke both).
    """
    statements: list[str] = []
    pending = ""
    pieces = script.split(";")
    for n, piece in enumerate(pieces):
        pending += piece if n == len(pieces) - 1 else piece + ";"
        if n < len(pieces) - 1 and sqlite3.complete_statement(pending):
            if _has_sql(pending):
                statements.append(pending.strip())
            pending = ""
    if _has_sql(pending):  # a last statement without its «;»
        if not sqlite3.complete_statement(pending + ";"):
            raise ValueError(f"incomplete SQL statement at the end of a migration: {pending.strip()[:80]!r}")
        statements.append(pending.strip())
    return statements


def _has_sql(text: str) -> bool:
    return any(line.strip() and not line.strip().startswith("--") for line in text.splitlines())


def run_script(db: sqlite_utils.Database, script: str) -> None:
    """Run DDL statement by statement: sqlite3's executescript() would COMMIT the migration's transaction."""
    for statement in split_statements(script):
        db.execute(statement)


def _v1_initial(db: sqlite_utils.Database) -> None:
    run_script(
        db,
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);

        CREATE TABLE units (
            code TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            level TEXT NOT NULL CHECK (level IN ('province', 'district', 'commune')),
            parent TEXT REFERENCES units(code),
            division_type TEXT NOT NULL DEFAULT '',
            sort_order INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX units_parent ON units(parent);

        CREATE TABLE unit_lineage (
            unit_code TEXT NOT NULL REFERENCES units(code),
            legacy_code TEXT NOT NULL,
            legacy_name TEXT NOT NULL,
            legacy_district_code TEXT NOT NULL,
            legacy_district_name TEXT NOT NULL,
            PRIMARY KEY (unit_code, legacy_code)
        );

        CREATE TABLE unit_changes (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            unit_code TEXT NOT NULL REFERENCES units(code),
            field TEXT NOT NULL,
            old_value TEXT,
            new_value TEXT,
            changed_by TEXT NOT NULL,
            changed_at TEXT NOT NULL
        );

        CREATE TABLE institution_types (
            code TEXT PRIMARY KEY,
            label TEXT NOT NULL,
            family TEXT NOT NULL,
            levels TEXT NOT NULL
        );

        CREATE TABLE indicators (
            code TEXT PRIMARY KEY,
            label TEXT NOT NULL,
            unit TEXT NOT NULL,
            family TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('count', 'flag')),
            help TEXT NOT NULL,
            sort_order INTEGER NOT NULL
        );

        CREATE TABLE targets (
            code TEXT PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('share', 'growth')),
            label TEXT NOT NULL,
            types TEXT NOT NULL,
            criterion TEXT,
            indicator TEXT,
            sort_order INTEGER NOT NULL
        );

        CREATE TABLE target_milestones (
            target_code TEXT NOT NULL REFERENCES targets(code),
            year INTEGER NOT NULL,
            threshold REAL,
            PRIMARY KEY (target_code, year)
        );

        CREATE TABLE threshold_changes (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            target_code TEXT NOT NULL REFERENCES targets(code),
            year INTEGER NOT NULL,
            old_threshold REAL,
            new_threshold REAL,
            changed_by TEXT NOT NULL,
            changed_at TEXT NOT NULL
        );

        CREATE TABLE keys (
            key_id TEXT PRIMARY KEY,
            unit_code TEXT NOT NULL,
            public_key TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('own', 'trusted', 'retired', 'revoked')),
            private_key TEXT,
            officer TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        );

        CREATE TABLE institutions (
            id TEXT PRIMARY KEY,
            unit_code TEXT NOT NULL REFERENCES units(code),
            type TEXT NOT NULL REFERENCES institution_types(code),
            name TEXT NOT NULL,
            village TEXT,
            opened_year INTEGER,
            closed_year INTEGER,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            vv TEXT NOT NULL DEFAULT '{}',
            author_key TEXT NOT NULL DEFAULT '',
            edit_id TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX institutions_unit ON institutions(unit_code);

        -- Only the current (non-dominated) records of a key live here; more than one is an open conflict.
        CREATE TABLE value_records (
            edit_id TEXT PRIMARY KEY,
            institution_id TEXT NOT NULL REFERENCES institutions(id),
            unit_code TEXT NOT NULL REFERENCES units(code),
            period TEXT NOT NULL,
            indicator TEXT NOT NULL REFERENCES indicators(code),
            value INTEGER,
            vv TEXT NOT NULL,
            author_key TEXT NOT NULL,
            author_unit TEXT NOT NULL,
            author_name TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            reason TEXT,
            warning TEXT
        );
        CREATE INDEX value_records_key ON value_records(institution_id, period, indicator);
        CREATE INDEX value_records_period ON value_records(period, indicator);

        -- Records that a later edit dominated: kept for audit, never read by reports.
        CREATE TABLE value_history (
            edit_id TEXT PRIMARY KEY,
            institution_id TEXT NOT NULL,
            unit_code TEXT NOT NULL,
            period TEXT NOT NULL,
            indicator TEXT NOT NULL,
            value INTEGER,
            vv TEXT NOT NULL,
            author_key TEXT NOT NULL,
            author_unit TEXT NOT NULL,
            author_name TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            reason TEXT,
            warning TEXT,
            superseded_at TEXT NOT NULL
        );
        CREATE INDEX value_history_key ON value_history(institution_id, period, indicator);
        """
    )


MIGRATIONS: list[Migration] = [_v1_initial]
SCHEMA_VERSION = len(MIGRATIONS)


def _v2_sync(db: sqlite_utils.Database) -> None:
    """Sync bookkeeping (ARCHITECTURE.md §3): certificates, imported and exported bundles, quarantine."""
    run_script(
        db,
        """
        -- Key certificates: issued here (enrolment, retire, revoke) or received inside bundles. For one
        -- (subject, issuer) only the highest version is kept: the registry only moves forward.
        CREATE TABLE sync_certificates (
            subject_key_id TEXT NOT NULL,
            issuer_key_id TEXT NOT NULL,
            subject_unit TEXT NOT NULL,
            issuer_unit TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('active', 'retired', 'revoked')),
            version INTEGER NOT NULL,
            issued_at TEXT NOT NULL,
            body TEXT NOT NULL,
            sig TEXT NOT NULL,
            PRIMARY KEY (subject_key_id, issuer_key_id)
        );

        -- Bundles imported here (the inbox). Re-delivery of the same bundle or payload is a no-op.
        CREATE TABLE sync_bundles (
            bundle_id TEXT PRIMARY KEY,
            payload_hash TEXT NOT NULL UNIQUE,
            from_unit TEXT NOT NULL,
            from_key TEXT NOT NULL,
            to_unit TEXT NOT NULL,
            seq INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            imported_at TEXT NOT NULL,
            file_name TEXT NOT NULL DEFAULT '',
            counts TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX sync_bundles_from ON sync_bundles(from_key, seq);

        -- Bundles written here, numbered per signing key.
        CREATE TABLE sync_exports (
            bundle_id TEXT PRIMARY KEY,
            key_id TEXT NOT NULL,
            seq INTEGER NOT NULL,
            to_unit TEXT NOT NULL,
            created_at TEXT NOT NULL,
            file_name TEXT NOT NULL DEFAULT '',
            records INTEGER NOT NULL DEFAULT 0,
            UNIQUE (key_id, seq)
        );

        -- Files signed by a key nobody here has enrolled yet: kept whole, listed, re-imported after enrolment.
        CREATE TABLE sync_quarantine (
            payload_hash TEXT PRIMARY KEY,
            key_id TEXT NOT NULL,
            file_name TEXT NOT NULL,
            received_at TEXT NOT NULL,
            content BLOB NOT NULL
        );
        """
    )


MIGRATIONS.append(_v2_sync)
SCHEMA_VERSION = len(MIGRATIONS)


def _v3_covering_read_index(db: sqlite_utils.Database) -> None:
    """Evaluation and reports read (institution, period, indicator, value) of one or two years: an index that
    holds those columns serves the read without visiting the table (the 2025 province read: 18 → 7 ms). It
    replaces the (period, indicator) index, which is its prefix, so writes keep one index of this kind."""
    run_script(
        db,
        """
        DROP INDEX value_records_period;
        CREATE INDEX value_records_read ON value_records(period, indicator, unit_code, institution_id, value);
        """,
    )


MIGRATIONS.append(_v3_covering_read_index)
SCHEMA_VERSION = len(MIGRATIONS)


def _institution_short_refs(db: sqlite_utils.Database) -> None:
    """Short references for institutions («14389-3», see storage/institution_refs.py). The installation's own
    unit numbers its existing institutions in the order they were created; every other institution keeps
    NULL until a bundle from its own unit brings the number that unit gave it (numbers are never invented
    here for another unit's institutions, so the same institution has the same number everywhere)."""
    run_script(
        db,
        """
        ALTER TABLE institutions ADD COLUMN ref TEXT;
        CREATE INDEX institutions_ref ON institutions(ref);
        """,
    )
    row = db.execute("SELECT value FROM meta WHERE key = 'unit_code'").fetchone()
    if row is None:
        return
    unit = row[0]
    ids = [r[0] for r in db.execute(
        "SELECT id FROM institutions WHERE unit_code = ? ORDER BY created_at, id", [unit]).fetchall()]
    db.conn.executemany("UPDATE institutions SET ref = ? WHERE id = ?",
                        [(f"{unit}-{n}", inst_id) for n, inst_id in enumerate(ids, start=1)])


MIGRATIONS.append(_institution_short_refs)


def _forms_and_history(db: sqlite_utils.Database) -> None:
    """Excel return forms and the figures from before the program (issue 13).

    form_imports: one row per imported form file (by SHA-256), with who imported it; form_records: which value
    records a form gave (its provenance; the record's `reason` carries the same words, so it travels up).
    history_totals: yearly totals per former commune or former district (vietnam-provinces' legacy codes),
    kept apart from institutions' values and read only as growth bases where a scope has no value of its own.
    """
    run_script(
        db,
        """
        CREATE TABLE form_imports (
            sha256 TEXT PRIMARY KEY,
            file_name TEXT NOT NULL,
            unit_code TEXT NOT NULL,
            period TEXT NOT NULL,
            form_id TEXT NOT NULL,
            imported_at TEXT NOT NULL,
            imported_by TEXT NOT NULL,
            counts TEXT NOT NULL DEFAULT '{}'
        );
        CREATE TABLE form_records (
            edit_id TEXT PRIMARY KEY,
            sha256 TEXT NOT NULL REFERENCES form_imports(sha256)
        );
        CREATE TABLE history_totals (
            legacy_code TEXT NOT NULL,
            level TEXT NOT NULL CHECK (level IN ('commune', 'district')),
            year INTEGER NOT NULL,
            indicator TEXT NOT NULL REFERENCES indicators(code),
            value INTEGER NOT NULL,
            file_name TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            imported_at TEXT NOT NULL,
            imported_by TEXT NOT NULL,
            PRIMARY KEY (legacy_code, year, indicator)
        );
        """,
    )


MIGRATIONS.append(_forms_and_history)
def _official_spellings(db: sqlite_utils.Database) -> None:
    """Reference names with the official tone-mark placement («Giao Hoà» → «Giao Hòa», «Thuỷ» → «Thủy»,
    «Uý» → «Úy»; model.spelling), as set-up now writes them. Only reference names change: units and their
    lineage; names officers typed (institutions, villages) are theirs and stay as typed."""
    from lhtl_desktop.model.spelling import official_spelling

    conn = db.conn
    for (code, name) in conn.execute("SELECT code, name FROM units").fetchall():
        fixed = official_spelling(name)
        if fixed != name:
            conn.execute("UPDATE units SET name = ? WHERE code = ?", [fixed, code])
    rows = conn.execute(
        "SELECT unit_code, legacy_code, legacy_name, legacy_district_name FROM unit_lineage").fetchall()
    for unit_code, legacy_code, legacy_name, district_name in rows:
        new_name, new_district = official_spelling(legacy_name), official_spelling(district_name)
        if (new_name, new_district) != (legacy_name, district_name):
            conn.execute(
                "UPDATE unit_lineage SET legacy_name = ?, legacy_district_name = ? "
                "WHERE unit_code = ? AND legacy_code = ?", [new_name, new_district, unit_code, legacy_code])


MIGRATIONS.append(_official_spellings)
SCHEMA_VERSION = len(MIGRATIONS)


def _province_rules(db: sqlite_utils.Database) -> None:
    """The province's rules document (ARCHITECTURE.md §3.7), every version kept. At the province a version is
    written when the rules change and signed when it first leaves in a bundle (the key's passphrase is asked
    then); below the province only signed versions received from above are stored."""
    run_script(
        db,
        """
        CREATE TABLE province_rules (
            version INTEGER PRIMARY KEY,
            issued_at TEXT NOT NULL,
            issued_by TEXT NOT NULL DEFAULT '',
            officer TEXT NOT NULL DEFAULT '',
            content TEXT NOT NULL,
            body TEXT,
            sig TEXT,
            received_at TEXT NOT NULL,
            from_unit TEXT NOT NULL DEFAULT ''
        );
        """,
    )


MIGRATIONS.append(_province_rules)
SCHEMA_VERSION = len(MIGRATIONS)


def _restore_lineage(db: sqlite_utils.Database) -> None:
    """Branches of a sending key's history after restores (sync.lineage): where each branch left the older
    history (the last bundle number and edit counter the restored database held) and where its own numbers
    start. Read by the importer to tell a value the sender never saw from one it replaced."""
    run_script(
        db,
        """
        CREATE TABLE key_epochs (
            key_id TEXT NOT NULL,
            epoch TEXT NOT NULL,
            base_seq INTEGER NOT NULL,
            base_counter INTEGER NOT NULL,
            first_counter INTEGER NOT NULL,
            received_at TEXT NOT NULL,
            PRIMARY KEY (key_id, epoch)
        );
        """,
    )


MIGRATIONS.append(_restore_lineage)
SCHEMA_VERSION = len(MIGRATIONS)


def _import_effects(db: sqlite_utils.Database) -> None:
    """What each imported bundle did to the values (the records it made current and those it replaced), so
    that one file can be reverted (services.revert), and the reverts done."""
    run_script(
        db,
        """
        -- One row per imported bundle: the edit ids it made current and those it sent to history, one per line
        -- (a row per record cost a province import of 94,000 records a second; reverts are rare and read few).
        CREATE TABLE import_effects (
            bundle_id TEXT PRIMARY KEY,
            inserted TEXT NOT NULL,
            superseded TEXT NOT NULL
        );

        CREATE TABLE bundle_reverts (
            bundle_id TEXT PRIMARY KEY,
            reverted_at TEXT NOT NULL,
            reason TEXT NOT NULL,
            corrections INTEGER NOT NULL
        );
        """,
    )


MIGRATIONS.append(_import_effects)
SCHEMA_VERSION = len(MIGRATIONS)


def _institution_siblings(db: sqlite_utils.Database) -> None:
    """Concurrent edits of an institution (name, village, type, status) kept side by side (sync.institution_merge):
    the `institutions` row holds the version shown (the later edit), this table the others — an open conflict
    until a local edit that saw them all replaces them."""
    run_script(
        db,
        """
        CREATE TABLE institution_siblings (
            edit_id TEXT PRIMARY KEY,
            id TEXT NOT NULL REFERENCES institutions(id),
            unit_code TEXT NOT NULL,
            type TEXT NOT NULL,
            name TEXT NOT NULL,
            village TEXT,
            opened_year INTEGER,
            closed_year INTEGER,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            vv TEXT NOT NULL,
            author_key TEXT NOT NULL
        );
        CREATE INDEX institution_siblings_id ON institution_siblings(id);
        """,
    )


MIGRATIONS.append(_institution_siblings)
SCHEMA_VERSION = len(MIGRATIONS)


def _reporting_register(db: sqlite_utils.Database) -> None:
    """Submissions and receipts (ARCHITECTURE.md §3.8): one mark per (unit, period) with its version vector
    and the marks it replaced (audit); receipts of my own exported bundles that came back from their receiver."""
    run_script(
        db,
        """
        CREATE TABLE submissions (
            unit_code TEXT NOT NULL REFERENCES units(code),
            period TEXT NOT NULL,
            submitted INTEGER NOT NULL CHECK (submitted IN (0, 1)),
            vv TEXT NOT NULL,
            author_key TEXT NOT NULL,
            author_unit TEXT NOT NULL,
            author_name TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            edit_id TEXT NOT NULL UNIQUE,
            reason TEXT,
            PRIMARY KEY (unit_code, period)
        );
        CREATE TABLE submission_history (
            unit_code TEXT NOT NULL,
            period TEXT NOT NULL,
            submitted INTEGER NOT NULL,
            vv TEXT NOT NULL,
            author_key TEXT NOT NULL,
            author_unit TEXT NOT NULL,
            author_name TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            edit_id TEXT NOT NULL PRIMARY KEY,
            reason TEXT,
            superseded_at TEXT NOT NULL
        );

        -- What the receiver of one of my bundles said it did with it (carried back down in its next bundle).
        CREATE TABLE sync_receipts (
            bundle_id TEXT PRIMARY KEY,
            by_unit TEXT NOT NULL,
            seq INTEGER NOT NULL,
            received_at TEXT NOT NULL,
            counts TEXT NOT NULL DEFAULT '{}',
            reasons TEXT NOT NULL DEFAULT '[]',
            arrived_at TEXT NOT NULL
        );
        """,
    )


MIGRATIONS.append(_reporting_register)
SCHEMA_VERSION = len(MIGRATIONS)
