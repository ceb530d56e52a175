"""Settings: officer name, passphrase change (scrypt off the UI thread), hubs and thresholds at the province."""

from __future__ import annotations

import pytest

from lhtl_desktop.errors import RefusedError
from lhtl_desktop.services.account import own_key
from lhtl_desktop.services.installation import init_installation, installation, parent_of
from lhtl_desktop.sync.keys import generate_key, is_protected, open_private
from lhtl_desktop.ui.context import AppContext
from lhtl_desktop.ui.ops import Changes
from lhtl_desktop.ui.settings_page import PassphraseDialog, SettingsPage

from .conftest import commit_text, settled, type_text


def test_officer_name_typed_and_saved(qtbot, commune):
    page = SettingsPage(commune.ctx)
    qtbot.addWidget(page)
    page.refresh()  # as the window does when it shows the page
    assert page.tabs.count() == 4  # a commune has no hub or threshold settings (its rules: read-only)
    page.officer.selectAll()
    type_text(page.officer, "Phạm Thị ")
    commit_text(page.officer, "Hường")
    with qtbot.waitSignal(commune.ctx.ops.changed) as signal:
        page.save_officer()
    assert signal.args == [Changes.SETTINGS, page]
    assert page.officer_message.text() == "Đã lưu."
    assert installation(commune.store).officer == "Phạm Thị Hường"


def test_empty_officer_refused(qtbot, commune):
    page = SettingsPage(commune.ctx)
    qtbot.addWidget(page)
    page.refresh()  # as the window does when it shows the page
    before = commune.store.dump()
    page.officer.clear()
    page.save_officer()
    settled(qtbot, commune.ctx)
    assert "Chưa nhập tên cán bộ" in page.officer_message.text()
    assert commune.store.dump() == before


def test_passphrase_change(qtbot, commune):
    assert not is_protected(own_key(commune.store).sealed)
    dialog = PassphraseDialog(commune.ctx)
    qtbot.addWidget(dialog)
    type_text(dialog.new, "khóa bí mật 1")
    type_text(dialog.again, "khóa bí mật 2")
    dialog.save()
    assert "không khớp" in dialog.message.text()
    dialog.again.clear()
    type_text(dialog.again, "khóa bí mật 1")
    with qtbot.waitSignal(dialog.accepted, timeout=15000):
        dialog.save()
    sealed = own_key(commune.store).sealed
    assert is_protected(sealed)
    open_private(sealed, "khóa bí mật 1")
    with pytest.raises(RefusedError):
        open_private(sealed, "sai")

    second = PassphraseDialog(commune.ctx)
    qtbot.addWidget(second)
    before = commune.store.dump()
    type_text(second.old, "sai mật khẩu")
    type_text(second.new, "mật khẩu mới 3")
    type_text(second.again, "mật khẩu mới 3")
    second.save()
    qtbot.waitUntil(lambda: "không đúng" in second.message.text(), timeout=15000)
    assert commune.store.dump() == before


@pytest.fixture
def province_ctx(store, app):
    init_installation(store, "37", "Trần Văn Bình", generate_key(None))
    return AppContext(store)


def test_province_thresholds_and_history(qtbot, province_ctx):
    page = SettingsPage(province_ctx)
    qtbot.addWidget(page)
    page.refresh()  # as the window does when it shows the page
    assert page.tabs.count() == 6  # officer, data, formalities, rules, hubs, thresholds
    page.threshold_target.setCurrentIndex(page.threshold_target.findData("LIB_COMM_LLL"))
    page.threshold_year.setValue(2030)
    before = province_ctx.ops.writer_store().dump()
    type_text(page.threshold_value, "12,5,")
    page.save_threshold()
    settled(qtbot, province_ctx)
    assert "không hợp lệ" in page.threshold_message.text()
    assert province_ctx.ops.writer_store().dump() == before
    page.threshold_value.clear()
    type_text(page.threshold_value, "65")
    page.save_threshold()
    settled(qtbot, province_ctx)
    target = next(t for t in province_ctx.ops.writer_store().target_definitions() if t.code == "LIB_COMM_LLL")
    assert target.milestones[2030] == 65.0
    history = [page.history_model.index(0, c).data() for c in range(6)]
    assert history[1] == "Trần Văn Bình" and history[3] == "2030"
    assert history[4] == "60,0 %" and history[5] == "65,0 %"


def test_province_hub_reassignment_and_two_tier(qtbot, province_ctx):
    page = SettingsPage(province_ctx)
    qtbot.addWidget(page)
    page.refresh()  # as the window does when it shows the page
    store = province_ctx.ops.writer_store()
    row = page._hub_codes.index("14389")
    page.hub_table.selectRow(row)
    page.hub_choice.setCurrentIndex(page.hub_choice.findData("370"))
    page.apply_hub()
    settled(qtbot, province_ctx)
    assert parent_of(store, "14389") == "370"
    page.two_tier.setChecked(True)
    settled(qtbot, province_ctx)
    assert installation(store).two_tier
    assert parent_of(store, "14389") == "37"
    assert page.hub_model.index(row, 3).data() == "Tỉnh"


def test_settings_page_backs_up_to_usb(qtbot, commune, tmp_path):
    """The «Dữ liệu và sao lưu» tab carries the real backup panel: a USB backup is a readable copy."""
    from lhtl_desktop.storage import open_store

    page = SettingsPage(commune.ctx)
    qtbot.addWidget(page)
    page.refresh()
    usb = tmp_path / "usb"
    usb.mkdir()
    page.backup_panel.choose_save_path = lambda name: str(usb / name)
    page.backup_panel.usb_button.click()
    qtbot.waitUntil(lambda: "Đã sao lưu vào" in page.backup_panel.message.text(), timeout=10_000)
    copies = list(usb.iterdir())
    assert len(copies) == 1
    copy = open_store(copies[0])
    try:
        assert installation(copy).unit.code == installation(commune.store).unit.code
    finally:
        copy.close()
