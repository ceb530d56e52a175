"""One unit, one active key: a second installation of a commune (another PC, another key) is not enrolled beside
the first unless the officer declares it a replacement; then the old key is retired at its marks."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from lhtl_desktop.cli import main
from lhtl_desktop.services import institutions
from lhtl_desktop.sync import enrolment
from lhtl_desktop.sync.importer import import_file
from lhtl_desktop.ui.context import AppContext
from lhtl_desktop.ui.sync_page import SyncPage
from tests.sync.conftest import Net, make_node


def _statuses(net: Net) -> dict[str, str]:
    return {k.key_id: k.status for k in enrolment.trusted_keys(net.hub.store) if k.unit == "14389"}


def test_a_second_key_for_a_unit_is_refused_without_replace(net: Net, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    other_pc = make_node(tmp_path / "other-pc", "14389", "Nguyễn Văn A")
    path = other_pc.enrolment_file()
    fp = str(other_pc.store.key(other_pc.key_id)["fingerprint"])  # type: ignore[index]
    before = net.hub.store.dump()
    rc = main(["--db", str(net.hub.store.path), "key", "enroll", str(path), "--fingerprint", fp])
    err = capsys.readouterr().err
    assert rc == 2 and "đã có khóa đang dùng" in err and net.a.key_id[:8] in err and "--replace" in err
    assert net.hub.store.dump() == before
    assert _statuses(net) == {net.a.key_id: "active"}
    # …and so a bundle of that installation stays in quarantine: its library is not counted twice.
    lib = institutions.add_institution(other_pc.store, "14389", "lib_commune", "Thư viện xã (máy thứ hai)")
    other_pc.set(lib.id, "2025", LIB_VISITS=5)
    assert import_file(net.hub.store, other_pc.export()).status == "quarantined"
    other_pc.store.close()


def test_replace_retires_the_old_key_at_its_marks(net: Net, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert import_file(net.hub.store, net.a.export()).status == "accepted"  # the old PC's last bundle
    other_pc = make_node(tmp_path / "other-pc", "14389", "Nguyễn Văn A")
    path = other_pc.enrolment_file()
    fp = str(other_pc.store.key(other_pc.key_id)["fingerprint"])  # type: ignore[index]
    rc = main(["--db", str(net.hub.store.path), "key", "enroll", str(path), "--fingerprint", fp, "--replace"])
    out = capsys.readouterr().out
    assert rc == 0 and "được ghi là đã thay" in out
    assert _statuses(net) == {net.a.key_id: "retired", other_pc.key_id: "active"}
    # The old PC's edits after the replacement are refused; those before stay.
    net.a.set("lib", "2025", LIB_VISITS=4321)
    late = import_file(net.hub.store, net.a.export())
    assert late.status == "rejected" and "đã thay" in late.reason
    values = {r.value for r in net.hub.store.current_records(net.a.institutions["lib"], "2025")
              if r.indicator == "LIB_VISITS"}
    assert values == {1000}
    other_pc.store.close()


def test_a_declared_replacement_needs_no_question(net: Net) -> None:
    """`key new` on the same PC declares the old key in its enrolment file: enrolled as before."""
    result = enrolment.new_own_key(net.a.store)
    fp = result.fingerprint
    enrolled = enrolment.enrol_key(net.hub.store, enrolment.export_enrolment(net.a.store, net.a.folder / "new.lhtl"), fp)
    assert enrolled.retired == (result.old_key_id,)
    assert _statuses(net)[result.old_key_id] == "retired"


def test_the_window_asks_the_same_question(qtbot, qapp: QApplication, net: Net, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    other_pc = make_node(tmp_path / "other-pc", "14389", "Nguyễn Văn A")
    page = SyncPage(AppContext(net.hub.store))
    qtbot.addWidget(page)
    page.refresh()
    questions: list[str] = []
    answers = [False, True]

    def ask(text: str) -> bool:
        questions.append(text)
        return answers.pop(0)

    page.ask_replace_key = ask  # type: ignore[method-assign]
    page.enrol_file.setText(str(other_pc.enrolment_file()))
    page.enrol_fingerprint.setText(str(other_pc.store.key(other_pc.key_id)["fingerprint"]))  # type: ignore[index]
    before = net.hub.store.dump()
    page.enrol()  # a write on the window's writer: its answer comes back through the event loop
    qtbot.waitUntil(lambda: "giữ nguyên" in page.enrol_message.text(), timeout=20_000)
    assert len(questions) == 1 and "đã có khóa đang dùng" in questions[0]
    page.ctx.ops.wait_idle()
    assert net.hub.store.dump() == before
    page.enrol()
    qtbot.waitUntil(lambda: "Đã đăng ký khóa" in page.enrol_message.text(), timeout=20_000)
    page.ctx.ops.wait_idle()
    assert len(questions) == 2
    assert _statuses(net) == {net.a.key_id: "retired", other_pc.key_id: "active"}
    other_pc.store.close()
