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
