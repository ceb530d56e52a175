"""Backups and restore, for the window and the CLI alike (issue: reliability).

- `make_backup(store, reason)`: a rolling backup beside the database (the importer calls it before writing).
- `backup_on_exit(store)`: the window calls it when it closes; skipped when nothing changed since the newest one.
- `export_backup(store, dest)`: "Sao lưu ra USB" — a consistent copy to a chosen file or folder.
- `check_restore(db_path, file)` → `RestorePlan`: what the file is, whether it may replace this database, and
  why not (a Vietnamese reason), without touching anything.
- `restore(db_path, file, confirm_other_unit=False)`: the current database is kept aside first, then swapped.
- `newest_good_backup(db_path)`: at start-up, when the database fails its check, the backup to offer.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from lhtl_desktop import logs
from lhtl_desktop.errors import DatabaseError, DatabaseTooNewError, LhtlError, RefusedError
from lhtl_desktop.i18n import _
from lhtl_desktop.model.text import ascii_slug
from lhtl_desktop.storage import Store, version_marks
from lhtl_desktop.storage import backup as backup_store
from lhtl_desktop.storage.backup import BackupInfo, DatabaseFileInfo
from lhtl_desktop.storage.location import require_safe_location
from lhtl_desktop.storage.migrations import SCHEMA_VERSION
from lhtl_desktop.storage.output_paths import check_output_path

__all__ = [
    "BackupInfo", "DatabaseFileInfo", "RestorePlan", "RestoreResult", "backup_on_exit", "check_restore",
    "export_backup", "list_backups", "make_backup", "newest_good_backup", "restore", "suggested_backup_name",
]


def make_backup(store: Store, reason: str) -> Path:
    """A rolling backup in `backups/<database name>/` beside the database (its newest 10 are kept)."""
    return backup_store.rolling_backup(store, reason)


def _last_change(db_path: Path) -> float:
    times = []
    for p in backup_store.database_files(db_path):
        with contextlib.suppress(OSError):
            times.append(p.stat().st_mtime)
    return max(times, default=0.0)


def backup_on_exit(store: Store) -> Path | None:
    """Backup when the window closes. None when the newest backup is already newer than every change.

    Never raises: a failed backup must not stop the program from closing (the error is returned to the log
    by the caller through `last_exit_error`)."""
    global last_exit_error
    last_exit_error = None
    try:
        newest = list_backups(store.path)
        if newest and newest[0].taken_at.timestamp() >= _last_change(Path(store.path)):
            return None
        return backup_store.rolling_backup(store, "exit")
    except LhtlError as exc:
        last_exit_error = exc
        return None


last_exit_error: LhtlError | None = None


def list_backups(db_path: Path | str) -> list[BackupInfo]:
    """Rolling backups of the database at `db_path`, newest first: its own folder, then any left in the
    shared `backups/` folder by a version that kept one folder for all (restore still checks their unit)."""
    own = backup_store.list_backups(backup_store.backup_dir_for(db_path))
    legacy = backup_store.list_backups(backup_store.backup_root(db_path))
    return own + legacy


def taken_at(path: Path) -> datetime | None:
    """When a rolling backup was taken (from its name), or None for another file."""
    info = backup_store.parse_backup_name(Path(path))
    return info.taken_at if info else None


def suggested_backup_name(store: Store, now: datetime | None = None) -> str:
    """e.g. `saoluu-Xa-Gia-Lam-14389-20250131-1705.sqlite3` (ASCII: USB sticks are often FAT32)."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M")
    code = store.get_meta("unit_code") or ""
    name = ascii_slug(store.get_meta("unit_name") or "")
    parts = [p for p in ("saoluu", name, code, stamp) if p]
    return "-".join(parts) + backup_store.BACKUP_SUFFIX


def export_backup(store: Store, dest: Path | str, *, now: datetime | None = None) -> Path:
    """A consistent copy to `dest` (a file, or a folder where a named file is made). The destination may be
    a USB stick: only the working database is refused there."""
    target = Path(dest)
    if isinstance(dest, str) and dest.endswith(("/", os.sep)):
        check_output_path(target / suggested_backup_name(store, now), store.path)  # before making the folder
        target.mkdir(parents=True, exist_ok=True)
    if target.is_dir():
        target = target / suggested_backup_name(store, now)
    check_output_path(target, store.path)
    return backup_store.backup_to(store, target)


# -- restore -------------------------------------------------------------------------------------------
@dataclass
class RestorePlan:
    """The verdict on a file before anything is touched."""

    file: Path
    info: DatabaseFileInfo | None
    current: DatabaseFileInfo | None
    problems: list[str] = field(default_factory=list)  # refusals: restoring is impossible
    confirm: list[str] = field(default_factory=list)  # allowed only with the officer's confirmation

    @property
    def allowed(self) -> bool:
        return not self.problems

    def describe(self) -> str:
        """One Vietnamese paragraph: what the backup holds."""
        if self.info is None:
            return ""
        return _("{unit} ({code}) — cán bộ {officer}; {inst} thiết chế, {rec} bản ghi số liệu; "
                 "lần nhập cuối {last}.").format(
            unit=self.info.unit_name or _("(không rõ đơn vị)"), code=self.info.unit_code or "?",
            officer=self.info.meta.get("officer", "?"), inst=self.info.institutions, rec=self.info.records,
            last=_format_time(self.info.last_edit),
        )


@dataclass(frozen=True)
class RestoreResult:
    file: Path
    db_path: Path
    kept_aside: Path | None
    info: DatabaseFileInfo


def _format_time(iso: str | None) -> str:
    if not iso:
        return _("chưa có")
    try:
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.strftime("%d/%m/%Y %H:%M")


def _current_info(db_path: Path) -> DatabaseFileInfo | None:
    """The database now in place, read-only; None if there is none or SQLite cannot read it."""
    if not db_path.exists():
        return None
    try:
        return backup_store.inspect_database_file(db_path)
    except LhtlError:
        return None


def _judge(file: Path, info: DatabaseFileInfo, current: DatabaseFileInfo | None) -> RestorePlan:
    plan = RestorePlan(file=file, info=info, current=current)
    if info.schema_version > SCHEMA_VERSION:
        plan.problems.append(_(
            "Bản sao lưu «{file}» do phiên bản mới hơn của chương trình tạo (lược đồ {found}, phiên bản này "
            "hiểu đến {known}). Hãy cập nhật chương trình trước khi khôi phục."
        ).format(file=file.name, found=info.schema_version, known=SCHEMA_VERSION))
        return plan
    if info.check != "ok":
        plan.problems.append(_("Bản sao lưu «{file}» bị hỏng ({detail}); hãy chọn bản khác.").format(
            file=file.name, detail=info.check))
        return plan
    if not info.is_ours or info.schema_version < 1:
        plan.problems.append(_("Tệp «{file}» không phải bản sao lưu của chương trình này.").format(file=file.name))
        return plan
    if info.schema:
        plan.problems.append(_(
            "Bản sao lưu «{file}» có cấu trúc khác với cấu trúc chương trình tạo ra ({detail}): tệp có thể đã bị "
            "sửa bằng công cụ khác; không khôi phục. Hãy chọn bản khác."
        ).format(file=file.name, detail=info.schema.describe()))
        return plan
    if not info.unit_code:
        plan.problems.append(_("Bản sao lưu «{file}» chưa được thiết lập cho đơn vị nào; không có gì để khôi phục.")
                             .format(file=file.name))
        return plan
    if current is not None and current.ok and current.unit_code:
        if current.unit_code != info.unit_code:
            plan.confirm.append(_(
                "Bản sao lưu là của {other} ({other_code}), không phải của {me} ({me_code}) đang dùng trên máy này."
            ).format(other=info.unit_name, other_code=info.unit_code, me=current.unit_name,
                     me_code=current.unit_code))
        elif current.meta.get("created_at") != info.meta.get("created_at"):
            plan.confirm.append(_(
                "Bản sao lưu là của một lần thiết lập khác của {me} (thiết lập lúc {then}, còn máy này lúc {now})."
            ).format(me=info.unit_name, then=_format_time(info.meta.get("created_at")),
                     now=_format_time(current.meta.get("created_at"))))
    return plan


def _require_backup_file(source: Path) -> None:
    """A regular file, never opened when it is anything else (a FIFO would block the copy forever)."""
    if source.is_symlink() and not source.exists():
        raise DatabaseError(_("«{path}» là liên kết tới tệp không còn tồn tại.").format(path=source))
    if not source.exists():
        raise DatabaseError(_("Không tìm thấy tệp «{path}».").format(path=source))
    if not source.is_file():
        raise DatabaseError(_("«{path}» không phải tệp thông thường (thư mục, ống dẫn hay thiết bị): không đọc.")
                            .format(path=source))


def check_restore(db_path: Path | str, file: Path | str) -> RestorePlan:
    """Read `file` (through a staged copy; the original is never written) and judge it against the database at
    `db_path`. Raises DatabaseError only when the file cannot be read at all."""
    db = Path(db_path)
    source = Path(file)
    _require_backup_file(source)
    staged = backup_store.stage_copy(source, db.resolve().parent)
    try:
        info = backup_store.inspect_database_file(staged)
    finally:
        backup_store.discard_staged(staged)
    return _judge(source, info, _current_info(db))


def restore(db_path: Path | str, file: Path | str, *, confirm_other_unit: bool = False,
            allow_unsafe_location: bool | None = None) -> RestoreResult:
    """Replace the database at `db_path` with the backup `file`, keeping the current one aside first.

    Every connection to `db_path` must be closed (the window closes its store, restores, reopens).
    Refused (nothing touched): an unreadable, damaged or foreign file, a newer schema, and — unless
    `confirm_other_unit` — a backup of another unit or another installation."""
    db = Path(db_path)
    source = Path(file)
    require_safe_location(db, allow=allow_unsafe_location)
    _require_backup_file(source)
    if db.exists() and source.resolve() == db.resolve():
        raise RefusedError(_("Tệp được chọn chính là cơ sở dữ liệu đang dùng."))
    directory = db.resolve().parent
    staged = backup_store.stage_copy(source, directory)
    try:
        info = backup_store.inspect_database_file(staged)
        plan = _judge(source, info, _current_info(db))
        if plan.problems:
            if info.schema_version > SCHEMA_VERSION:
                raise DatabaseTooNewError(plan.problems[0])
            raise RefusedError(plan.problems[0])
        if plan.confirm and not confirm_other_unit:
            raise RefusedError(
                plan.confirm[0] + " " + _("Nếu chắc chắn muốn khôi phục, hãy xác nhận (dòng lệnh: "
                                          "--confirm-other-unit).")
            )
        aside = backup_store.swap_in(staged, db, now=datetime.now(UTC))
        # The restored database's numbers are behind what was already sent: jump ahead (storage.version_marks).
        version_marks.jump_after_restore(db)
    finally:
        backup_store.discard_staged(staged)  # no-op after a successful swap (the file was renamed)
    _branch_after_restore(db, allow_unsafe_location)
    logs.event("restore", unit=info.unit_code or "?", file=source.name, records=info.records,
               kept_aside=aside or "-")
    return RestoreResult(file=source, db_path=db, kept_aside=aside, info=info)


def _branch_after_restore(db: Path, allow_unsafe_location: bool | None) -> None:
    """My key's history branches at the restored state: its edit counter jumps ahead and the branch is noted
    for the receivers (storage.version_marks.begin_branch_after_restore)."""
    from lhtl_desktop.model.records import new_id
    from lhtl_desktop.storage import open_store

    store = open_store(db, allow_unsafe_location=allow_unsafe_location)
    try:
        key_id = store.get_meta("own_key_id")
        if key_id:
            version_marks.begin_branch_after_restore(store, key_id, new_id())
    finally:
        store.close()


def newest_good_backup(db_path: Path | str) -> DatabaseFileInfo | None:
    """The newest rolling backup that passes its check and has a newer-or-equal known schema, or None."""
    for candidate in list_backups(db_path):
        try:
            info = backup_store.inspect_database_file(candidate.path)
        except LhtlError:
            continue
        if info.ok and info.unit_code and 1 <= info.schema_version <= SCHEMA_VERSION:
            return info
    return None
