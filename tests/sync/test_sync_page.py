"""The «Đồng bộ» page with real widgets: export to a folder, drag-and-drop import with a preview, the inbox
with gaps, conflicts resolved by picking a side and giving a reason, enrolment and quarantined files."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QInputMethodEvent
from PySide6.QtWidgets import QApplication

from lhtl_desktop.services import institutions
from lhtl_desktop.storage import sync_store
from lhtl_desktop.sync.conflicts import open_conflicts
from lhtl_desktop.sync.importer import import_file
from lhtl_desktop.ui.context import AppContext
from lhtl_desktop.ui.sync_page import SyncPage
from tests.sync.conftest import Net, make_node


@pytest.fixture
def app(qapp: QApplication) -> QApplication:
    from lhtl_desktop.ui.app import create_application

    return create_application(["lhtl"])


def page_for(qtbot, node) -> SyncPage:  # type: ignore[no-untyped-def]
    page = SyncPage(AppContext(node.store))
    qtbot.addWidget(page)
    page.refresh()  # as the window does when it shows the page
    return page


def settled(qtbot, page: SyncPage) -> None:  # type: ignore[no-untyped-def]
    """Every write the page queued has run and reported back."""
    qtbot.waitUntil(lambda: not page.ctx.ops.busy, timeout=10_000)


def commit_text(widget, text: str) -> None:  # type: ignore[no-untyped-def]
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def drop(page: SyncPage, paths: list[Path]) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    page.dropEvent(event)


def cell(model, row: int, col: int) -> str:  # type: ignore[no-untyped-def]
    return str(model.data(model.index(row, col)))


def test_export_to_a_chosen_folder(qtbot, app, net: Net, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    usb = tmp_path / "usb"
    usb.mkdir()
    page = page_for(qtbot, net.a)
    page.ask_folder = lambda: str(usb)  # type: ignore[method-assign]
    assert page.recipient.currentData() == "372"  # my hub by default
    assert "14389" in page.file_name.text() and "den-372" in page.file_name.text()
    page._choose_folder()
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.last_export is not None, timeout=10_000)
    [written] = list(usb.iterdir())
    assert written.name.startswith("lhtl-14389-Gia-Lam-den-372-") and written.suffix == ".lhtl"
    assert "Đã ghi gói số 1" in page.export_result.text()
    assert import_file(net.hub.store, written).status == "accepted"


def test_export_without_folder_is_refused_with_a_message(qtbot, app, net: Net, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    shown = []
    monkeypatch.setattr("lhtl_desktop.ui.sync_page.show_error", lambda parent, exc: shown.append(exc.message))
    page = page_for(qtbot, net.a)
    before = net.a.store.dump()
    page.export()
    assert shown and "thư mục" in shown[0]
    assert net.a.store.dump() == before


def test_drop_preview_then_import(qtbot, app, net: Net) -> None:  # type: ignore[no-untyped-def]
    files = [net.a.export(), net.b.export()]
    page = page_for(qtbot, net.hub)
    drop(page, files)
    assert page.files.count() == 2
    before = net.hub.store.dump()
    page.run_import(dry_run=True)
    qtbot.waitUntil(lambda: len(page.last_results) == 2, timeout=10_000)
    assert net.hub.store.dump() == before  # a preview writes nothing
    assert "chưa ghi gì" in page.result_summary.text()
    assert [cell(page.results_model, r, 1) for r in range(2)] == ["sẽ nhập", "sẽ nhập"]
    assert page.preview_model.rowCount() == 2
    assert {cell(page.preview_model, r, 1) for r in range(2)} == {"Xã Gia Lâm", "Xã Gia Tường"}
    assert cell(page.preview_model, 0, 3) == "2"  # two new values

    page.last_results = []
    page.run_import(dry_run=False)
    qtbot.waitUntil(lambda: len(page.last_results) == 2, timeout=10_000)
    assert [r.status for r in page.last_results] == ["accepted", "accepted"]
    assert [cell(page.results_model, r, 1) for r in range(2)] == ["đã nhập", "đã nhập"]
    assert page.files.count() == 0
    assert page.inbox_model.rowCount() == 2
    assert {cell(page.inbox_model, r, 5) for r in range(2)} == {"đủ"}


def test_inbox_shows_a_missing_bundle(qtbot, app, net: Net) -> None:  # type: ignore[no-untyped-def]
    net.a.export()  # number 1 never reaches the hub
    net.a.set("lib", "2025", LIB_VISITS=1001)
    assert import_file(net.hub.store, net.a.export()).status == "accepted"
    page = page_for(qtbot, net.hub)
    assert cell(page.inbox_model, 0, 1) == "2"
    assert cell(page.inbox_model, 0, 5) == "thiếu gói số 1"


def test_conflict_resolved_by_picking_a_side_with_a_reason(qtbot, app, net: Net) -> None:  # type: ignore[no-untyped-def]
    assert import_file(net.hub.store, net.a.export()).status == "accepted"
    net.hub.set(net.a.institutions["lib"], "2025", why="Theo sổ theo dõi", LIB_VISITS=1500)
    net.a.set("lib", "2025", LIB_VISITS=1200)
    assert import_file(net.hub.store, net.a.export()).conflicts == 1
    page = page_for(qtbot, net.hub)
    assert page.conflicts_model.rowCount() == 1
    assert page.tabs.tabText(3) == "Xung đột (1)"
    assert cell(page.conflicts_model, 0, 4) == "1.500"  # the hub's value is provisional
    page.conflicts_view.setCurrentIndex(page.conflicts_model.index(0, 0))
    assert page.sides_model.rowCount() == 2
    sides = {(cell(page.sides_model, r, 0), cell(page.sides_model, r, 1), cell(page.sides_model, r, 3))
             for r in range(2)}
    assert sides == {("1.500", "372", "Theo sổ theo dõi"), ("1.200", "14389", "")}
    a_row = next(r for r in range(2) if cell(page.sides_model, r, 1) == "14389")
    page.sides_view.setCurrentIndex(page.sides_model.index(a_row, 0))
    page._pick_side()
    assert page.resolve_value.text() == "1200"

    before = net.hub.store.dump()
    page.resolve()  # no reason yet: refused, nothing written
    settled(qtbot, page)
    assert "lý do" in page.resolve_message.text()
    assert net.hub.store.dump() == before

    page.resolve_reason.setFocus()
    commit_text(page.resolve_reason, "Đã gọi điện thống nhất với xã Gia Lâm")
    page.resolve()
    settled(qtbot, page)
    assert open_conflicts(net.hub.store) == []
    assert page.conflicts_model.rowCount() == 0
    [rec] = net.hub.store.records_for_key(net.a.institutions["lib"], "2025", "LIB_VISITS")
    assert (rec.value, rec.reason) == (1200, "Đã gọi điện thống nhất với xã Gia Lâm")


def test_enrolment_and_quarantine(qtbot, app, net: Net, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    stranger = make_node(tmp_path / "s", "14404", "Đỗ Văn C")
    inst = institutions.add_institution(stranger.store, "14404", "lib_commune", "Thư viện xã Cúc Phương")
    stranger.set(inst.id, "2025", LIB_VISITS=9)
    page = page_for(qtbot, net.hub)
    drop(page, [stranger.export()])
    page.run_import(dry_run=False)
    qtbot.waitUntil(lambda: len(page.last_results) == 1, timeout=10_000)
    assert page.last_results[0].status == "quarantined"
    assert "cách ly" in cell(page.results_model, 0, 7)
    assert page.quarantine_model.rowCount() == 1 and page.requeue_button.isEnabled()

    page.enrol_file.setText(str(stranger.enrolment_file()))
    page.enrol_fingerprint.setText("1111 2222 3333 4444 5555 6666")
    before = net.hub.store.dump()
    page.enrol()
    settled(qtbot, page)
    assert "không khớp" in page.enrol_message.text()
    assert net.hub.store.dump() == before

    page.enrol_fingerprint.setText(str(stranger.store.key(stranger.key_id)["fingerprint"]))  # type: ignore[index]
    page.enrol()
    settled(qtbot, page)
    assert "Đã đăng ký khóa của Xã Cúc Phương" in page.enrol_message.text()
    assert "1 tệp đang cách ly" in page.enrol_message.text()
    assert any(cell(page.keys_model, r, 0).startswith("Xã Cúc Phương") for r in range(page.keys_model.rowCount()))

    page.last_results = []
    page.import_quarantined()
    qtbot.waitUntil(lambda: len(page.last_results) == 1, timeout=10_000)
    assert page.last_results[0].status == "accepted"
    assert sync_store.quarantine_rows(net.hub.store) == []
    assert page.quarantine_model.rowCount() == 0


def test_revoke_from_the_keys_list(qtbot, app, net: Net) -> None:  # type: ignore[no-untyped-def]
    page = page_for(qtbot, net.hub)
    row = next(r for r in range(page.keys_model.rowCount()) if "14389" in cell(page.keys_model, r, 0))
    page.keys_view.setCurrentIndex(page.keys_model.index(row, 0))
    page.change_status("revoked")
    settled(qtbot, page)
    row = next(r for r in range(page.keys_model.rowCount()) if "14389" in cell(page.keys_model, r, 0))
    assert cell(page.keys_model, row, 3) == "đã thu hồi"
    assert import_file(net.hub.store, net.a.export()).status == "rejected"


def test_cancelled_import_leaves_the_database_as_it_was(qtbot, app, net: Net, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from lhtl_desktop.ui.ops import Control as TaskControl

    files = [net.a.export(), net.b.export()]
    page = page_for(qtbot, net.hub)
    drop(page, files)
    before = net.hub.store.dump()
    asked: list[bool] = []

    def cancelled_after_first(self: TaskControl) -> bool:  # «Hủy» pressed while the first file was importing
        asked.append(True)
        return len(asked) > 1

    monkeypatch.setattr(TaskControl, "cancelled", cancelled_after_first)
    page.run_import(dry_run=False)
    qtbot.waitUntil(lambda: "Đã hủy nhập" in page.result_summary.text(), timeout=10_000)
    assert "1/2" in page.result_summary.text()
    assert net.hub.store.dump() == before  # the first file's writes were rolled back too
    assert page.files.count() == 2  # still listed, to import later


def test_window_stays_responsive_during_a_long_import_and_cancel_restores(qtbot, app, net: Net, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A long import runs off the UI thread: the event loop keeps turning, the progress bar moves, and «Hủy»
    (the dialog's own button) rolls the whole batch back."""
    import time

    from PySide6.QtCore import QTimer

    from lhtl_desktop.sync import importer as importer_module

    files = []
    for i in range(30):  # 30 snapshots, each newer than the last
        net.a.set("lib", "2025", LIB_VISITS=2000 + i)
        files.append(net.a.export())
    real_import_bytes = importer_module.import_bytes

    def slow_import_bytes(*args, **kwargs):  # type: ignore[no-untyped-def]
        time.sleep(0.05)  # stands in for a large commune file on an old PC
        return real_import_bytes(*args, **kwargs)

    monkeypatch.setattr(importer_module, "import_bytes", slow_import_bytes)
    page = page_for(qtbot, net.hub)
    drop(page, files)
    before = net.hub.store.dump()
    ticks: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start(10)
    page.run_import(dry_run=False)
    dialog, _control = page.import_task
    qtbot.waitUntil(lambda: dialog.value() >= 5, timeout=10_000)
    assert len(ticks) >= 10  # the UI thread kept handling events while files were imported
    assert "14389" in dialog.labelText()  # the file being imported is named
    from PySide6.QtWidgets import QPushButton

    button = dialog.findChild(QPushButton)
    assert button is not None and button.text() == "Hủy"
    button.click()
    qtbot.waitUntil(lambda: "Đã hủy nhập" in page.result_summary.text(), timeout=10_000)
    timer.stop()
    assert net.hub.store.dump() == before
    assert max(b - a for a, b in zip(ticks, ticks[1:], strict=False)) < 0.5  # never frozen for half a second
