"""«Hoàn tác gói…» in the Đồng bộ page's import history: preview before → after, a reason, the corrections
written on the writer; a refused revert writes nothing and says why."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from lhtl_desktop.services import entry
from lhtl_desktop.sync.importer import import_file
from lhtl_desktop.ui.import_history import RevertDialog
from tests.sync.conftest import Net
from tests.sync.test_sync_page import cell, page_for, settled


@pytest.fixture
def app(qapp: QApplication) -> QApplication:
    from lhtl_desktop.ui.app import create_application

    return create_application(["lhtl"])


def test_revert_button_previews_and_writes_corrections(qtbot, app, net: Net) -> None:  # type: ignore[no-untyped-def]
    hub, a = net.hub, net.a
    import_file(hub.store, a.export(), backup=False)
    a.set("lib", "2025", LIB_VISITS=1500)
    import_file(hub.store, a.export(), backup=False)
    page = page_for(qtbot, hub)
    panel = page.import_history
    assert panel.model.rowCount() == 2 and cell(panel.model, 0, 1) == "2"  # newest first
    panel.revert_button.click()
    assert "Hãy chọn một gói" in panel.message.text()

    shown: list[RevertDialog] = []

    def open_dialog(plan):  # type: ignore[no-untyped-def]
        dialog = RevertDialog(page.ctx, plan, page)
        shown.append(dialog)
        assert [dialog.model.data(dialog.model.index(0, c)) for c in (2, 3, 4)] == ["LIB_VISITS", "1.500", "1.000"]
        before = page.ctx.ops.writer_store().dump()
        dialog.save()  # no reason: refused, nothing written
        settled(qtbot, page)
        assert "lý do" in dialog.message.text() and page.ctx.ops.writer_store().dump() == before
        dialog.reason.setText("Xã gửi nhầm số liệu")
        dialog.save()
        settled(qtbot, page)

    panel.open_dialog = open_dialog  # type: ignore[method-assign]
    panel.view.selectRow(0)
    panel.revert_button.click()
    assert shown and shown[0].result() == 1
    values = entry.current_values(page.ctx.ops.writer_store(), a.institutions["lib"], "2025")
    assert values["LIB_VISITS"].value == 1000 and "Xã gửi nhầm số liệu" in (values["LIB_VISITS"].record.reason or "")
    page.refresh()
    assert cell(page.import_history.model, 0, 5) != ""  # marked reverted
    # The older file's value was changed since: refused with the value named, nothing written.
    page.import_history.view.selectRow(1)
    page.import_history.revert_button.click()
    assert "đã được sửa sau khi nhập" in page.import_history.message.text()


def test_institution_conflict_settled_in_the_window(qtbot, app, net: Net) -> None:  # type: ignore[no-untyped-def]
    from lhtl_desktop.services import institutions
    from lhtl_desktop.sync.conflicts import institution_conflicts
    from tests.sync.conftest import enrol

    hub, a = net.hub, net.a
    enrol(a, hub)
    lib = a.institutions["lib"]
    import_file(hub.store, a.export(), backup=False)
    institutions.edit_institution(a.store, lib, name="Thư viện Gia Lâm")
    institutions.edit_institution(hub.store, lib, name="Thư viện xã Gia Lâm (cụm sửa)")
    import_file(hub.store, a.export(), backup=False)
    page = page_for(qtbot, hub)
    panel = page.institution_conflicts
    assert panel.model.rowCount() == 2 and page.tabs.tabText(3) == "Xung đột (1)"
    row = next(i for i in range(2) if cell(panel.model, i, 1) == "Thư viện Gia Lâm")
    panel.view.selectRow(row)
    panel.keep_selected()
    settled(qtbot, page)
    assert "Đã thống nhất" in panel.message.text()
    assert institution_conflicts(page.ctx.ops.writer_store()) == []
    assert page.ctx.ops.writer_store().institution(lib).name == "Thư viện Gia Lâm"
    # The settlement goes down and closes the conflict at the commune too (it had the hub's version by now).
    import_file(a.store, hub.export("14389"), backup=False)
    assert institution_conflicts(a.store) == [] and a.store.institution(lib).name == "Thư viện Gia Lâm"
