"""Run the real window with `LHTL_LANG=en` and print, as JSON, every text it shows and the data names it holds.

    LHTL_LANG=en QT_QPA_PLATFORM=offscreen python -m tests.i18n.english_window OUT.json

A commune, a hub and a province installation are made through the services; every page of each window is
shown, every tab of every page visited, and the texts of every widget (labels, buttons, group titles, tab
titles, placeholders, tooltips, menus, table headers and cells, combo items) are collected. The test in
test_english_window.py then asks that none of them is Vietnamese once names (data) are taken out.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path


def _samples(folder: Path) -> dict[str, Path]:
    from lhtl_desktop.services.entry import set_values
    from lhtl_desktop.services.installation import init_installation, set_hub
    from lhtl_desktop.services.institutions import add_institution, add_village_houses
    from lhtl_desktop.storage import open_store
    from lhtl_desktop.sync.keys import generate_key

    paths = {name: folder / f"{name}.sqlite3" for name in ("commune", "hub", "province")}
    store = open_store(paths["commune"])
    init_installation(store, "14389", "Nguyễn Thị Hoa", generate_key(None))
    lib = add_institution(store, "14389", "lib_commune", "Thư viện xã Gia Lâm")
    cc = add_institution(store, "14389", "cc_commune", "Trung tâm Văn hóa – Thể thao xã Gia Lâm")
    houses = add_village_houses(store, "14389", ["Thôn Đông Sơn", "Thôn Tây Hà"])
    set_values(store, lib.id, "2024", {"LIB_VISITS": 3120, "LIB_READERS": 410, "LIB_SKILL_CLASSES": 2})
    set_values(store, lib.id, "2025", {"LIB_VISITS": 3480, "LIB_READERS": 1800, "LIB_SKILL_CLASSES": 4})
    set_values(store, cc.id, "2025", {"CC_CLUBS": 6, "CC_ACTIVITIES": 18})
    set_values(store, houses[0].id, "2025", {"CC_CLUBS": 1, "CC_ACTIVITIES": 12})
    store.close()
    store = open_store(paths["hub"])
    init_installation(store, "372", "Lê Văn Cường", generate_key(None))
    store.close()
    store = open_store(paths["province"])
    init_installation(store, "37", "Trần Văn Bình", generate_key(None))
    plib = add_institution(store, "37", "lib_province", "Thư viện tỉnh Ninh Bình")
    museum = add_institution(store, "37", "museum", "Bảo tàng tỉnh Ninh Bình")
    for year, visits in (("2024", 110500), ("2025", 118000)):
        set_values(store, plib.id, year, {"LIB_VISITS": visits, "LIB_SKILL_CLASSES": 24, "LIB_DIGITAL_SERVICE": 1})
        set_values(store, museum.id, year, {"MUS_VISITS": 60000, "MUS_LEARNING_VISITS": 9000,
                                            "MUS_EDU_PROGRAMMES": 5, "MUS_DIGITAL_EXHIBITS": 2})
    set_hub(store, "14389", "372")
    store.close()
    return paths


def _texts_of(root) -> list[str]:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractItemView,
        QComboBox,
        QGroupBox,
        QLabel,
        QLineEdit,
        QMenu,
        QPlainTextEdit,
        QTabWidget,
        QTextEdit,
        QWidget,
    )

    out: list[str] = []
    widgets = [root, *root.findChildren(QWidget)]
    for w in widgets:
        out += [w.toolTip(), w.windowTitle() if w.isWindow() else ""]
        if isinstance(w, (QLabel, QAbstractButton)):
            out.append(w.text())
        elif isinstance(w, QGroupBox):
            out.append(w.title())
        elif isinstance(w, QLineEdit):
            out += [w.placeholderText(), w.text()]
        elif isinstance(w, QPlainTextEdit):
            out += [w.placeholderText(), w.toPlainText()]
        elif isinstance(w, QTextEdit):
            out.append(w.toPlainText())
        elif isinstance(w, QComboBox):
            out += [w.itemText(i) for i in range(w.count())]
        elif isinstance(w, QTabWidget):
            out += [w.tabText(i) for i in range(w.count())]
        elif isinstance(w, QMenu):
            out += [a.text() for a in w.actions()]
        if isinstance(w, QAbstractItemView) and w.model() is not None:
            model = w.model()
            root_index = w.rootIndex()
            rows = min(model.rowCount(root_index), 60)
            try:
                columns = model.columnCount(root_index)
            except TypeError:  # a list model: one column, and Qt keeps its columnCount private
                columns = 1
            for orientation in (Qt.Orientation.Horizontal, Qt.Orientation.Vertical):
                count = columns if orientation == Qt.Orientation.Horizontal else rows
                for i in range(count):
                    header = model.headerData(i, orientation, Qt.ItemDataRole.DisplayRole)
                    if isinstance(header, str):
                        out.append(header)
            for r in range(rows):
                for c in range(columns):
                    for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                        value = model.data(model.index(r, c, root_index), role)
                        if isinstance(value, str):
                            out.append(value)
    for action in root.findChildren(QMenu):
        out.append(action.title())
    return [t for t in out if t]


def _names(paths: dict[str, Path]) -> list[str]:
    from lhtl_desktop.reference.units import load_province, provinces
    from lhtl_desktop.storage import open_store

    ref = load_province("37")
    names = [u.name for u in ref.all_units()] + [u.short_name for u in ref.all_units()]
    names += [name for _code, name in provinces()]
    names += [n.upper() for n in names]  # sheet-style headings
    names += ["Nguyễn Thị Hoa", "Lê Văn Cường", "Trần Văn Bình", "Nguyễn Văn An", "UBND tỉnh Ninh Bình"]  # people, the plan's issuer
    for path in paths.values():
        store = open_store(path)
        try:
            names += [i.name for i in store.institutions()]
            names += [i.village for i in store.institutions() if i.village]
        finally:
            store.close()
    return names


def main(out_file: str) -> int:
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QTabWidget

    from lhtl_desktop.storage import open_store
    from lhtl_desktop.ui.app import create_application
    from lhtl_desktop.ui.main_window import build_main_window
    from lhtl_desktop.ui.wizard import SetupWizard

    app = create_application(["lhtl"])

    def settle(ms: int = 150) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    shown: dict[str, list[str]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        paths = _samples(Path(tmp))
        wizard = SetupWizard(open_store(Path(tmp) / "new.sqlite3"))
        wizard.show()
        settle()
        texts = _texts_of(wizard)
        for button in (wizard.WizardButton.NextButton, wizard.WizardButton.CancelButton,
                       wizard.WizardButton.BackButton):
            texts.append(wizard.buttonText(button))
        shown["wizard"] = texts
        wizard.close()
        for level, path in paths.items():
            window = build_main_window(open_store(path))
            window.resize(1366, 700)
            window.show()
            for key in window.keys:
                page = window.show_page(key)
                settle()
                tabs = page.findChildren(QTabWidget)
                texts = _texts_of(window)
                for tab in tabs:
                    for i in range(tab.count()):
                        tab.setCurrentIndex(i)
                        settle(60)
                        texts += _texts_of(tab.widget(i))
                shown[f"{level}/{key}"] = texts
            window.close()
        names = _names(paths)
    app.processEvents()
    Path(out_file).write_text(json.dumps({"shown": shown, "names": names}, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
