"""At the window's minimum size every page still fits: no widget drawn over another, no label cut
(un-maximised, «Năm» was drawn over the scope box and the page title was cut)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QAbstractScrollArea, QLabel, QTabWidget, QWidget

from lhtl_desktop.ui.main_window import PAGE_KEYS, MainWindow, build_main_window


def layout_children(parent: QWidget) -> list[QWidget]:
    return [w for w in parent.findChildren(QWidget, options=_direct()) if w.isVisible() and not w.isWindow()]


def _direct():  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    return Qt.FindChildOption.FindDirectChildrenOnly


def problems(root: QWidget) -> list[str]:
    """Overlapping siblings and cut labels below `root` (inside scroll areas only the overlap counts)."""
    found: list[str] = []
    stack = [root]
    while stack:
        parent = stack.pop()
        children = layout_children(parent)
        managed = [w for w in children if parent.layout() is not None and parent.layout().indexOf(w) >= 0
                   or _in_sub_layout(parent, w)]
        for i, a in enumerate(managed):
            for b in managed[i + 1:]:
                overlap: QRect = a.geometry().intersected(b.geometry())
                if overlap.width() > 1 and overlap.height() > 1:
                    found.append(f"{_name(a)} over {_name(b)} in {_name(parent)}")
        for w in children:
            if isinstance(w, QLabel) and w.text() and not _inside_scroll(w, root):
                if w.wordWrap():
                    if w.heightForWidth(w.width()) > w.height() + 1:
                        found.append(f"label cut (height): {w.text()[:40]!r}")
                elif w.width() + 1 < w.sizeHint().width():
                    found.append(f"label cut: {w.text()[:40]!r} {w.width()} < {w.sizeHint().width()}")
            if not isinstance(w, QAbstractScrollArea) or w.viewport() is not None:
                stack.append(w)
    return found


def _in_sub_layout(parent: QWidget, w: QWidget) -> bool:
    layout = parent.layout()
    if layout is None:
        return False
    todo = [layout]
    while todo:
        lay = todo.pop()
        for i in range(lay.count()):
            item = lay.itemAt(i)
            if item.widget() is w:
                return True
            if item.layout() is not None:
                todo.append(item.layout())
    return False


def _inside_scroll(w: QWidget, root: QWidget) -> bool:
    p = w.parentWidget()
    while p is not None and p is not root:
        if isinstance(p, QAbstractScrollArea):
            return True
        p = p.parentWidget()
    return False


def _name(w: QWidget) -> str:
    text = getattr(w, "text", None)
    label = text() if callable(text) else ""
    return f"{type(w).__name__}({w.objectName() or label!s:.30})"


@pytest.fixture
def window(qtbot, commune) -> MainWindow:  # type: ignore[no-untyped-def]
    w = build_main_window(commune.store)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    for key in PAGE_KEYS:  # every page built: the minimum is the largest page's
        w.show_page(key)
    return w


@pytest.fixture
def province_window(qtbot, app, tmp_path):  # type: ignore[no-untyped-def]
    """A province's window: the register page, and the settings' hub and threshold tabs, a commune has not."""
    from lhtl_desktop.services.installation import init_installation
    from lhtl_desktop.storage import open_store
    from lhtl_desktop.sync.keys import generate_key

    store = open_store(tmp_path / "province.sqlite3")
    init_installation(store, "37", "Trần Văn Bình", generate_key(None))
    w = build_main_window(store)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    for key in w.keys:
        w.show_page(key)
    yield w
    w.close()
    w.ctx.ops.close()


def tab_problems(window: MainWindow, page: QWidget, qtbot) -> list[str]:  # type: ignore[no-untyped-def]
    """`problems` on every tab of the page in turn (each tab is what the officer sees when it is chosen)."""
    found = []
    for tabs in page.findChildren(QTabWidget):
        for i in range(tabs.count()):
            if tabs.isTabEnabled(i) and tabs.isVisibleTo(page):
                tabs.setCurrentIndex(i)
                window.resize(window.minimumSize())  # a tab shown for the first time may raise the minimum
                qtbot.wait(10)
                found += [f"{tabs.tabText(i)}: {p}" for p in problems(page)]
    return found


def test_minimum_size_fits_a_1366x768_screen(window: MainWindow) -> None:
    minimum = window.minimumSize()
    assert minimum.width() <= 1366 and minimum.height() <= 720, minimum


@pytest.mark.parametrize("key", PAGE_KEYS)
def test_at_the_minimum_size_nothing_overlaps_and_no_label_is_cut(window: MainWindow, key: str, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.resize(window.minimumSize())
    page = window.show_page(key)
    qtbot.wait(20)
    assert window.size() == window.minimumSize()
    assert problems(page) == []


def test_the_checker_sees_a_squeezed_page(window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    """Squeezed below the layout's minimum (what a too small declared minimum allowed), it complains."""
    page = window.show_page("dashboard")
    window.setMinimumSize(400, 300)
    window.resize(400, 300)
    qtbot.wait(20)
    assert problems(page)


@pytest.mark.parametrize("key", PAGE_KEYS)
def test_at_the_minimum_size_every_tab_fits(window: MainWindow, key: str, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.resize(window.minimumSize())
    page = window.show_page(key)
    qtbot.wait(20)
    assert tab_problems(window, page, qtbot) == []


def test_a_provinces_pages_and_tabs_fit_at_its_minimum_size(province_window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    minimum = province_window.minimumSize()
    assert minimum.width() <= 1366 and minimum.height() <= 720, minimum
    for key in province_window.keys:
        page = province_window.show_page(key)
        province_window.resize(province_window.minimumSize())
        qtbot.wait(20)
        assert province_window.size() == province_window.minimumSize()
        assert problems(page) == [], key
        assert tab_problems(province_window, page, qtbot) == [], key


def test_the_tab_checker_sees_a_squeezed_tab(window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    page = window.show_page("sync")
    window.setMinimumSize(400, 300)
    window.resize(400, 300)
    qtbot.wait(20)
    window.minimumSize = lambda: window.size()  # type: ignore[method-assign]  # stay squeezed between tabs
    found = tab_problems(window, page, qtbot)
    assert any(p.startswith("Nhận gói: ") for p in found) and any(p.startswith("Tệp cách ly: ") for p in found)
