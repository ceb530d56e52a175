"""Institution type changes never break sync: refused once values exist (the message offers «đóng và tạo mới»),
allowed before — and then the hub accepts the result; a stored value can always be cleared."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from lhtl_desktop.cli import main
from lhtl_desktop.errors import RefusedError
from lhtl_desktop.model.records import new_id, now_utc
from lhtl_desktop.model.version_vector import advance
from lhtl_desktop.services import entry, institutions
from lhtl_desktop.sync.importer import import_file
from lhtl_desktop.ui.context import AppContext
from lhtl_desktop.ui.institutions_page import InstitutionDialog
from tests.sync.conftest import Net


def test_a_type_change_once_values_exist_is_refused(net: Net, capsys: pytest.CaptureFixture[str]) -> None:
    lib = net.a.institutions["lib"]
    before = net.a.store.dump()
    rc = main(["--db", str(net.a.store.path), "institution", "edit", lib, "--type", "museum"])
    err = capsys.readouterr().err
    assert rc == 2 and "đóng và tạo mới" in err and "Bảo tàng" in err and err.count("\n") == 1
    assert net.a.store.dump() == before
    # The same rule for the hub editing a commune's institution.
    assert import_file(net.hub.store, net.a.export()).status == "accepted"
    hub_before = net.hub.store.dump()
    with pytest.raises(RefusedError, match="đóng và tạo mới"):
        institutions.edit_institution(net.hub.store, lib, type_code="museum")
    assert net.hub.store.dump() == hub_before
    # Other edits still work.
    assert institutions.edit_institution(net.a.store, lib, name="Thư viện xã Gia Lâm").type == "lib_commune"


def test_a_commune_with_a_changed_type_still_syncs_to_the_hub(net: Net) -> None:
    """Created as a commune library, sent up; retyped (no values yet) as a museum, values entered, sent again."""
    inst = institutions.add_institution(net.a.store, "14389", "lib_commune", "Nhà truyền thống xã")
    assert import_file(net.hub.store, net.a.export()).status == "accepted"
    assert net.hub.store.institution(inst.id).type == "lib_commune"  # type: ignore[union-attr]
    institutions.edit_institution(net.a.store, inst.id, type_code="museum")
    entry.set_values(net.a.store, inst.id, "2025", {"MUS_VISITS": "750"})
    result = import_file(net.hub.store, net.a.export())
    assert result.status == "accepted", result.reason
    assert net.hub.store.institution(inst.id).type == "museum"  # type: ignore[union-attr]
    assert [(r.indicator, r.value) for r in net.hub.store.current_records(inst.id, "2025")] == [("MUS_VISITS", 750)]
    # …and the close-and-create way for one with values: both travel and are accepted.
    institutions.close_institution(net.a.store, net.a.institutions["lib"], 2026)
    museum = institutions.add_institution(net.a.store, "14389", "museum", "Bảo tàng xã")
    entry.set_values(net.a.store, museum.id, "2026", {"MUS_VISITS": "10"})
    assert import_file(net.hub.store, net.a.export()).status == "accepted"
    assert net.hub.store.institution(net.a.institutions["lib"]).closed_year == 2026  # type: ignore[union-attr]


def test_a_stored_value_can_always_be_cleared(net: Net) -> None:
    """A database where an older version let the type change with values in it: the old values still clear."""
    store = net.a.store
    lib = store.institution(net.a.institutions["lib"])
    assert lib is not None
    retyped = institutions.Institution(lib.id, lib.unit_code, "museum", lib.name, lib.village)
    key = str(store.get_meta("own_key_id"))
    with store.atomic():
        store.update_institution(retyped, updated_at=now_utc(), vv=advance([store.institution_vv(lib.id)], key),
                                 author_key=key, edit_id=new_id())
    assert entry.clear_value(store, lib.id, "2025", "LIB_VISITS") is True
    assert [r.value for r in store.records_for_key(lib.id, "2025", "LIB_VISITS")] == [None]
    # A code never stored for it is still refused as not applying to a museum.
    with pytest.raises(Exception, match="không áp dụng"):
        entry.clear_value(store, lib.id, "2025", "LIB_READERS")


def test_the_edit_dialog_offers_close_and_create(qtbot, qapp: QApplication, net: Net) -> None:  # type: ignore[no-untyped-def]
    with_values = net.a.store.institution(net.a.institutions["lib"])
    empty = institutions.add_institution(net.a.store, "14389", "lib_commune", "Thư viện thôn")
    dialog = InstitutionDialog(AppContext(net.a.store), with_values)
    qtbot.addWidget(dialog)
    assert not dialog.type.isEnabled() and "đóng và tạo mới" in dialog.type_note.text()
    fresh = InstitutionDialog(AppContext(net.a.store), empty)
    qtbot.addWidget(fresh)
    assert fresh.type.isEnabled() and not hasattr(fresh, "type_note")
