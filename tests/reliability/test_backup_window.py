"""The backup panel and the start-up rescue dialog, as real widgets (offscreen)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from rel_support import check_workload, workload_transaction

from lhtl_desktop.errors import DatabaseCorruptError
from lhtl_desktop.services import backups
from lhtl_desktop.storage import backup as backup_store
from lhtl_desktop.storage import open_store
from lhtl_desktop.ui.backup_dialog import (
    BackupDialog,
    BackupPanel,
    StartupRecoveryDialog,
    install_exit_backup,
)
from lhtl_desktop.ui.context import AppContext
from lhtl_desktop.ui.ops import Changes


@pytest.fixture
def ctx(workload_db: Path, qtbot):  # type: ignore[no-untyped-def]
    context = AppContext(open_store(workload_db))
    yield context
    context.ops.close()


def test_usb_backup_from_the_panel(ctx: AppContext, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    panel = BackupPanel(ctx)
    qtbot.addWidget(panel)
    suggested: list[str] = []

    def pick(name: str) -> str:
        suggested.append(name)
        return str(tmp_path / "usb" / name)

    panel.choose_save_path = pick
    (tmp_path / "usb").mkdir()
    qtbot.mouseClick(panel.usb_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Đã sao lưu vào" in panel.message.text(), timeout=10_000)
    out = tmp_path / "usb" / suggested[0]
    assert suggested[0].startswith("saoluu-Xa-Gia-Lam-14389-")
    assert out.exists() and check_workload(out) == 0
    assert "Đã sao lưu vào" in panel.message.text()


def test_restore_from_a_file_replaces_and_reopens(ctx: AppContext, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    saved = backups.export_backup(ctx.ops.writer_store(), tmp_path / "saoluu.sqlite3")
    workload_transaction(ctx.ops.writer_store(), 1)
    panel = BackupPanel(ctx)
    qtbot.addWidget(panel)
    panel.choose_open_path = lambda: str(saved)
    questions: list[str] = []
    panel.ask = lambda title, text: questions.append(text) or True
    old_store = ctx.ops.writer_store()
    with qtbot.waitSignal(ctx.ops.changed, timeout=10_000) as signal:
        assert panel.restore_from_file()
    assert signal.args == [Changes.RESTORE, None]
    assert ctx.ops.writer_store() is not old_store
    assert "Xã Gia Lâm (14389)" in questions[0] and "được giữ lại" in questions[0]
    assert check_workload(ctx.db_path) == 0
    assert "Đã khôi phục Xã Gia Lâm" in panel.message.text()
    assert ctx.ops.writer_store().get_meta("workload_step") == "0"  # the reopened store reads the restored data
    assert ctx.ops.read_now(lambda s: s.get_meta("workload_step")) == "0"  # and so do the pages


def test_refused_restore_leaves_everything(ctx: AppContext, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"PK\x03\x04 a zip file, not a database" * 100)
    db = Path(ctx.ops.writer_store().path)
    before = ctx.ops.writer_store().dump()
    panel = BackupPanel(ctx)
    qtbot.addWidget(panel)
    panel.choose_open_path = lambda: str(junk)
    panel.ask = lambda title, text: pytest.fail("nothing to confirm for a bad file")  # type: ignore[func-returns-value]
    assert not panel.restore_from_file()
    assert "không phải cơ sở dữ liệu" in panel.message.text() or "hỏng" in panel.message.text()
    assert ctx.ops.writer_store().dump() == before and not (db.parent / "backups").exists()


def test_declining_the_confirmation_changes_nothing(ctx: AppContext, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    saved = backups.export_backup(ctx.ops.writer_store(), tmp_path / "s.sqlite3")
    workload_transaction(ctx.ops.writer_store(), 1)
    panel = BackupPanel(ctx)
    qtbot.addWidget(panel)
    panel.ask = lambda title, text: False
    assert not panel.restore_file(saved)
    assert ctx.ops.writer_store().get_meta("workload_step") == "1"


def test_rolling_backups_listed_and_restorable(ctx: AppContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    backup_store.rolling_backup(ctx.ops.writer_store(), "import", now=datetime(2025, 5, 1, 8, 0, tzinfo=UTC))
    workload_transaction(ctx.ops.writer_store(), 1)
    dialog = BackupDialog(ctx)
    qtbot.addWidget(dialog)
    panel = dialog.panel
    assert panel.table.rowCount() == 1
    assert panel.table.item(0, 1).text() == "trước khi nhập gói"
    assert not panel.restore_selected_button.isEnabled()
    panel.table.selectRow(0)
    assert panel.restore_selected_button.isEnabled()
    panel.ask = lambda title, text: True
    assert panel.restore_selected()
    qtbot.waitUntil(lambda: "Đã khôi phục" in panel.message.text(), timeout=10_000)
    assert ctx.ops.writer_store().get_meta("workload_step") == "0"


def _damage(path: Path) -> None:
    data = bytearray(path.read_bytes())
    for offset in range(4096 * 2, len(data), 4096):
        data[offset: offset + 16] = b"\x07" * 16
    path.write_bytes(bytes(data))


def test_startup_rescue_restores_the_newest_good_backup(workload_db: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    store = open_store(workload_db)
    workload_transaction(store, 1)
    backup_store.rolling_backup(store, "exit")
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    _damage(workload_db)
    broken = hashlib.sha256(workload_db.read_bytes()).hexdigest()
    with pytest.raises(DatabaseCorruptError) as caught:
        open_store(workload_db)
    dialog = StartupRecoveryDialog(workload_db, caught.value)
    qtbot.addWidget(dialog)
    assert dialog.restore_button.isEnabled()
    assert "Xã Gia Lâm" in dialog.offer.text()
    assert dialog.restore_newest()
    assert check_workload(workload_db) == 1
    kept = dialog.result_info.kept_aside if dialog.result_info else None
    assert kept is not None
    assert hashlib.sha256((kept / workload_db.name).read_bytes()).hexdigest() == broken


def test_startup_rescue_without_backups_offers_a_file(workload_db: Path, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store = open_store(workload_db)
    usb = backups.export_backup(store, tmp_path / "usb.sqlite3")
    store.close()
    _damage(workload_db)
    with pytest.raises(DatabaseCorruptError) as caught:
        open_store(workload_db)
    dialog = StartupRecoveryDialog(workload_db, caught.value)
    qtbot.addWidget(dialog)
    assert not dialog.restore_button.isEnabled()
    assert "Không tìm thấy bản sao lưu tốt" in dialog.offer.text()
    dialog.choose_open_path = lambda: str(tmp_path / "nothing-here.sqlite3")
    assert not dialog.restore_other()
    assert "Không tìm thấy tệp" in dialog.message.text()
    dialog.choose_open_path = lambda: str(usb)
    assert dialog.restore_other()
    assert check_workload(workload_db) == 0


def test_exit_backup_hook(ctx: AppContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QCoreApplication

    app = QCoreApplication.instance()
    assert app is not None
    slot = install_exit_backup(app, lambda: ctx.ops)
    try:
        app.aboutToQuit.emit()
    finally:
        app.aboutToQuit.disconnect(slot)
    assert [b.reason for b in backups.list_backups(ctx.db_path)] == ["exit"]
