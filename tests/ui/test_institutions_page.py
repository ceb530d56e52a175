"""Adding, editing and closing institutions through the page's dialogs; village houses from a pasted list."""

from __future__ import annotations

from lhtl_desktop.services.institutions import list_institutions
from lhtl_desktop.ui.institutions_page import InstitutionDialog, InstitutionsPage, VillageListDialog

from .conftest import commit_text, settled, type_text


def test_add_institution_typed_in_vietnamese(qtbot, commune):
    page = InstitutionsPage(commune.ctx)
    qtbot.addWidget(page)
    page.refresh()  # as the window does when it shows the page
    before = page.model.rowCount()
    dialog = InstitutionDialog(commune.ctx, None, page)
    qtbot.addWidget(dialog)
    dialog.type.setCurrentIndex(dialog.type.findData("lib_school"))
    dialog.name.setFocus()
    type_text(dialog.name, "Thư viện Trường Tiểu học ")
    commit_text(dialog.name, "Gia Lâm")
    dialog.save()
    settled(qtbot, commune.ctx)
    assert dialog.result() == dialog.DialogCode.Accepted
    names = {i.name: i for i in list_institutions(commune.store)}
    assert names["Thư viện Trường Tiểu học Gia Lâm"].type == "lib_school"
    page.refresh()
    assert page.model.rowCount() == before + 1


def test_empty_name_refused_with_message_nothing_written(qtbot, commune):
    dialog = InstitutionDialog(commune.ctx)
    qtbot.addWidget(dialog)
    before = commune.store.dump()
    dialog.save()
    settled(qtbot, commune.ctx)
    assert "Chưa nhập tên thiết chế" in dialog.message.text()
    assert dialog.result() != dialog.DialogCode.Accepted
    assert commune.store.dump() == before


def test_only_types_of_my_level_offered(qtbot, commune):
    dialog = InstitutionDialog(commune.ctx)
    qtbot.addWidget(dialog)
    codes = {dialog.type.itemData(i) for i in range(dialog.type.count())}
    assert "village_house" in codes and "lib_commune" in codes
    assert "lib_province" not in codes and "museum" in codes


def test_edit_institution_name(qtbot, commune):
    dialog = InstitutionDialog(commune.ctx, commune.library)
    qtbot.addWidget(dialog)
    dialog.name.selectAll()
    commit_text(dialog.name, "Thư viện – phòng đọc xã Gia Lâm")
    dialog.save()
    settled(qtbot, commune.ctx)
    inst = {i.id: i for i in list_institutions(commune.store)}[commune.library.id]
    assert inst.name == "Thư viện – phòng đọc xã Gia Lâm"


def test_village_list_pasted_adds_one_house_each(qtbot, commune):
    dialog = VillageListDialog(commune.ctx)
    qtbot.addWidget(dialog)
    dialog.text.setFocus()
    commit_text(dialog.text, "Thôn Bắc\nThôn Nam\n\nThôn Đông\n")  # Thôn Đông exists already
    dialog.save()
    settled(qtbot, commune.ctx)
    houses = [i for i in list_institutions(commune.store) if i.type == "village_house"]
    villages = sorted(i.village or "" for i in houses)
    assert villages == sorted(["Thôn Đông", "Thôn Tây", "Thôn Trung", "Thôn Bắc", "Thôn Nam"])
    assert [i.village for i in dialog.created] == ["Thôn Bắc", "Thôn Nam"]


def test_close_and_reopen_from_page(qtbot, commune, monkeypatch):
    page = InstitutionsPage(commune.ctx)
    qtbot.addWidget(page)
    page.refresh()  # as the window does when it shows the page
    page.select_id(commune.houses[1].id)
    assert page.close_button.isEnabled()
    monkeypatch.setattr("lhtl_desktop.ui.institutions_page.CloseDialog.exec", lambda self: self.year.setValue(2026) or 1)
    page.close_selected()
    settled(qtbot, commune.ctx)
    inst = {i.id: i for i in list_institutions(commune.store)}[commune.houses[1].id]
    assert inst.closed_year == 2026
    row = next(r for r in range(page.model.rowCount()) if page.model.row_at(r).id == inst.id)
    assert page.model.index(row, 4).data() == "Ngừng từ năm 2026"
    page.reopen_selected()
    settled(qtbot, commune.ctx)
    assert {i.id: i for i in list_institutions(commune.store)}[inst.id].closed_year is None
