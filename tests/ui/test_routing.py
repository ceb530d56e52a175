"""Typed changes reach exactly the pages that depend on them; every write of the window runs on the writer.

Real window, real pages, real writes through the pages' own buttons (offscreen)."""

from __future__ import annotations

import threading
from collections import Counter

import pytest

from lhtl_desktop.services.institutions import list_institutions
from lhtl_desktop.ui.main_window import PAGE_KEYS, MainWindow, build_main_window
from lhtl_desktop.ui.ops import Changes, WriteOp

from .conftest import settled


@pytest.fixture
def window(qtbot, commune) -> MainWindow:  # type: ignore[no-untyped-def]
    w = build_main_window(commune.store)
    qtbot.addWidget(w)
    w.resize(1366, 700)
    w.show()
    qtbot.waitExposed(w)
    for key in PAGE_KEYS:  # every page built and loaded once
        w.show_page(key)
    return w


def _count_loads(window: MainWindow) -> Counter[str]:
    """How often each page loads (a background load that calls refresh() itself counts once)."""
    loads: Counter[str] = Counter()
    inside: set[str] = set()
    for key, page in window.pages.items():
        for name in ("refresh", "refresh_in_background"):
            real = getattr(page, name)

            def counted(real=real, key=key) -> None:  # type: ignore[no-untyped-def]
                if key not in inside:
                    loads[key] += 1
                inside.add(key)
                try:
                    real()
                finally:
                    inside.discard(key)

            setattr(page, name, counted)
    return loads


def test_an_institution_closed_on_its_page_marks_only_the_dependent_pages(qtbot, window, commune, monkeypatch):  # type: ignore[no-untyped-def]
    page = window.show_page("institutions")
    loads = _count_loads(window)
    monkeypatch.setattr("lhtl_desktop.ui.institutions_page.CloseDialog.exec",
                        lambda self: self.year.setValue(2026) or 1)
    page.select_id(commune.houses[1].id)
    page.close_selected()  # type: ignore[attr-defined]
    settled(qtbot, window.ctx)
    assert {i.id: i for i in list_institutions(commune.store)}[commune.houses[1].id].closed_year == 2026
    assert loads == Counter({"institutions": 1})  # the page that wrote showed it itself; nothing hidden loaded
    stale = set(PAGE_KEYS) - window._fresh  # noqa: SLF001
    assert stale == {"dashboard", "entry", "reports"}  # they count institutions; sync and settings do not
    for key in PAGE_KEYS:
        window.show_page(key)
    assert loads == Counter({"institutions": 1, "dashboard": 1, "entry": 1, "reports": 1})


def test_a_change_from_elsewhere_reloads_the_visible_dependent_page_at_once(qtbot, window, commune):  # type: ignore[no-untyped-def]
    window.show_page("entry")
    loads = _count_loads(window)
    lib = commune.library.id
    from lhtl_desktop.services.entry import set_values

    # a write that is not the entry page's own (a conflict resolved on the sync page, say)
    window.ctx.ops.write(WriteOp(lambda s: set_values(s, lib, "2025", {"LIB_READERS": 321}), Changes.VALUES))
    settled(qtbot, window.ctx)
    assert loads == Counter({"entry": 1})
    assert set(PAGE_KEYS) - window._fresh == {"dashboard", "sync", "reports"}  # noqa: SLF001
    window.ctx.ops.write(WriteOp(lambda s: None, Changes.RESTORE))
    settled(qtbot, window.ctx)
    assert loads == Counter({"entry": 2})  # a restore: the visible page at once, every other one stale
    assert window._fresh == {"entry"}  # noqa: SLF001


def test_every_write_of_the_window_runs_on_the_writer_thread(qtbot, window, commune, monkeypatch):  # type: ignore[no-untyped-def]
    """Saves on the entry page, an institution closed, the officer renamed: each statement that writes ran on
    the writer thread, never on the UI thread (a test that fails if a page writes itself)."""
    from PySide6.QtCore import Qt

    from .conftest import commit_text, press

    writers: set[int | None] = set()
    commune.store.conn.set_trace_callback(
        lambda sql: writers.add(threading.get_ident())
        if sql.split()[0].upper() in ("INSERT", "UPDATE", "DELETE", "BEGIN") else None)
    entry = window.show_page("entry")
    entry.set_period("2025")  # type: ignore[attr-defined]
    entry.select_institution(commune.library.id)  # type: ignore[attr-defined]
    form = entry.current_form()  # type: ignore[attr-defined]
    for code, text in (("LIB_VISITS", "1500"), ("LIB_READERS", "160"), ("LIB_SKILL_CLASSES", "4")):
        edit = form.rows[code].edit
        edit.setFocus()
        qtbot.waitUntil(edit.hasFocus)
        edit.selectAll()
        commit_text(edit, text)
        press(edit, Qt.Key.Key_Tab)
    monkeypatch.setattr("lhtl_desktop.ui.institutions_page.CloseDialog.exec", lambda self: 1)
    inst_page = window.show_page("institutions")
    inst_page.select_id(commune.houses[0].id)  # type: ignore[attr-defined]
    inst_page.close_selected()  # type: ignore[attr-defined]
    settings = window.show_page("settings")
    settings.officer.selectAll()  # type: ignore[attr-defined]
    commit_text(settings.officer, "Lê Thị Thu")  # type: ignore[attr-defined]
    settings.save_officer()  # type: ignore[attr-defined]
    settled(qtbot, window.ctx)
    commune.store.conn.set_trace_callback(None)
    assert writers == {window.ctx.ops.writer_ident}
    assert threading.main_thread().ident not in writers
    assert "Lê Thị Thu" in window.identity.text()  # the settings change reached the window's identity line
