"""The entry page saves a field when it is left, refuses bad input in place and writes nothing then."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from lhtl_desktop.services.entry import current_values
from lhtl_desktop.ui.entry_page import EntryPage

from .conftest import commit_text, press, settled, type_text


def open_page(qtbot, commune, inst, period="2025") -> EntryPage:
    page = EntryPage(commune.ctx)
    qtbot.addWidget(page)
    page.resize(1176, 680)
    page.show()
    qtbot.waitExposed(page)
    page.set_period(period)
    page.select_institution(inst.id)
    assert page.form_data is not None and page.form_data.institution.id == inst.id
    return page


def field(page: EntryPage, code: str):
    form = page.current_form()
    assert form is not None
    return form.rows[code]


def focus(qtbot, widget) -> None:
    widget.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(widget.hasFocus)


def test_typed_value_saved_on_tab_with_status(qtbot, commune):
    page = open_page(qtbot, commune, commune.library)
    row = field(page, "LIB_READERS")
    focus(qtbot, row.edit)
    type_text(row.edit, "455")
    press(row.edit, Qt.Key.Key_Tab)
    assert page.status.text() == "Đang lưu…"  # at once, while the writer saves
    settled(qtbot, commune.ctx)
    assert current_values(commune.store, commune.library.id, "2025")["LIB_READERS"].value == 455
    assert page.status.text().startswith("Đã lưu lúc ")
    assert not row.edit.hasFocus()  # Tab moved on


def test_enter_saves_and_moves_to_next_field(qtbot, commune):
    page = open_page(qtbot, commune, commune.library)
    first = field(page, "LIB_VISITS")
    focus(qtbot, first.edit)
    first.edit.selectAll()
    commit_text(first.edit, "1250")  # an input method's commit replaces the selection
    press(first.edit, Qt.Key.Key_Return)
    settled(qtbot, commune.ctx)
    assert current_values(commune.store, commune.library.id, "2025")["LIB_VISITS"].value == 1250
    assert QApplication.focusWidget() is field(page, "LIB_READERS").edit


def test_invalid_input_refused_in_place_nothing_written(qtbot, commune):
    page = open_page(qtbot, commune, commune.library)
    row = field(page, "LIB_VISITS")
    before = commune.store.dump()
    for bad, words in (("12a", "không nhập chữ"), ("1.234", "không dùng dấu chấm"), ("-5", "số âm"),
                       ("１２", "chữ số 0–9 thông thường"), ("99999999999", "quá lớn")):
        focus(qtbot, row.edit)
        row.edit.selectAll()
        commit_text(row.edit, bad)
        press(row.edit, Qt.Key.Key_Tab)
        settled(qtbot, commune.ctx)
        assert row.message.isVisible() or row.message.text()  # shown in place
        assert words in row.message.text(), (bad, row.message.text())
        assert row.edit.property("invalid") is True
        assert row.edit.text() == bad  # kept for correction, not silently reverted
        assert page.status.text().startswith("Chưa lưu")
    assert commune.store.dump() == before


def test_cross_field_rule_refused(qtbot, commune):
    page = open_page(qtbot, commune, commune.library)
    row = field(page, "LIB_LLL_PARTICIPANTS")
    before = commune.store.dump()
    focus(qtbot, row.edit)
    type_text(row.edit, "5000")  # more than LIB_VISITS = 1100
    press(row.edit, Qt.Key.Key_Tab)
    settled(qtbot, commune.ctx)
    assert "không được lớn hơn" in row.message.text()
    assert commune.store.dump() == before


def test_jump_warning_shown_but_saved(qtbot, commune):
    page = open_page(qtbot, commune, commune.library)
    row = field(page, "LIB_READERS")  # 100 last year
    assert "Năm trước: 100" in row.previous.text()
    focus(qtbot, row.edit)
    type_text(row.edit, "900")
    press(row.edit, Qt.Key.Key_Tab)
    settled(qtbot, commune.ctx)
    assert current_values(commune.store, commune.library.id, "2025")["LIB_READERS"].value == 900
    assert "chênh lệch quá 3 lần" in row.message.text()
    assert row.edit.property("warning") is True


def test_six_month_period_and_clearing(qtbot, commune):
    page = open_page(qtbot, commune, commune.centre, period="2025-H1")
    assert page.period == "2025-H1"
    row = field(page, "CC_CLUBS")
    assert row.edit.text() == ""  # the year's value is not the half-year's
    focus(qtbot, row.edit)
    type_text(row.edit, "2")
    press(row.edit, Qt.Key.Key_Tab)
    settled(qtbot, commune.ctx)
    assert current_values(commune.store, commune.centre.id, "2025-H1")["CC_CLUBS"].value == 2
    assert current_values(commune.store, commune.centre.id, "2025")["CC_CLUBS"].value == 3
    focus(qtbot, row.edit)
    row.edit.selectAll()
    press(row.edit, Qt.Key.Key_Backspace)  # emptied by the officer, then left
    press(row.edit, Qt.Key.Key_Tab)
    settled(qtbot, commune.ctx)
    assert "CC_CLUBS" not in current_values(commune.store, commune.centre.id, "2025-H1")


def test_list_shows_completeness_and_updates_after_save(qtbot, commune):
    page = open_page(qtbot, commune, commune.houses[2])
    r = page.list_model.row_of(commune.houses[2].id)
    assert page.list_model.index(r, 1).data().startswith("Chưa nhập")
    row = field(page, "CC_ACTIVITIES")
    focus(qtbot, row.edit)
    type_text(row.edit, "12")
    press(row.edit, Qt.Key.Key_Tab)
    settled(qtbot, commune.ctx)
    assert page.list_model.index(r, 1).data() == "Nhập dở (1/6)"


def test_switching_institution_keeps_values_apart(qtbot, commune):
    page = open_page(qtbot, commune, commune.houses[0])
    assert field(page, "CC_ACTIVITIES").edit.text() == "12"
    page.select_institution(commune.houses[1].id)
    assert field(page, "CC_ACTIVITIES").edit.text() == "4"
    page.next_institution()
    assert page.form_data is not None and page.form_data.institution.id != commune.houses[1].id


def test_hub_correction_refused_without_reason_saved_once_the_reason_is_given(qtbot, tmp_path, app):
    """At a hub, a figure typed before the reason is refused in place; typing the reason and leaving its box
    saves that figure with the reason, without retyping it."""
    from lhtl_desktop.services.installation import init_installation
    from lhtl_desktop.services.institutions import add_institution
    from lhtl_desktop.storage import open_store
    from lhtl_desktop.sync.keys import generate_key
    from lhtl_desktop.ui.context import AppContext

    store = open_store(tmp_path / "hub.sqlite3")
    try:
        init_installation(store, "372", "Lê Văn Cụm", generate_key(None))
        lib = add_institution(store, "14389", "lib_commune", "Thư viện xã Gia Lâm")
        ctx = AppContext(store)
        page = EntryPage(ctx)
        qtbot.addWidget(page)
        page.resize(1176, 680)
        page.show()
        qtbot.waitExposed(page)
        page.set_period("2025")
        page.select_institution(lib.id)
        row = field(page, "LIB_VISITS")
        focus(qtbot, row.edit)
        type_text(row.edit, "900")
        before = store.dump()
        press(row.edit, Qt.Key.Key_Tab)
        settled(qtbot, ctx)
        assert store.dump() == before  # refused: no reason yet
        assert page.reason.isVisible()
        focus(qtbot, page.reason)
        commit_text(page.reason, "Theo báo cáo giấy của xã")
        press(page.reason, Qt.Key.Key_Tab)
        settled(qtbot, ctx)
        saved = current_values(store, lib.id, "2025")["LIB_VISITS"]
        assert saved.value == 900
        assert saved.record.reason == "Theo báo cáo giấy của xã"
        assert saved.record.author_unit == "372"
    finally:
        store.close()
