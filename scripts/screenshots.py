"""`make screenshots`: the real window under a virtual 1366×768 screen, one PNG per page in docs/screenshots/.

Builds sample databases through the services (a commune with institutions and two years of values, and a
province for the hub settings and thresholds), opens the window as `main.py` does, and grabs the screen.
Re-runs itself under `xvfb-run` when there is no display. With `LHTL_LANG=en` (the second pass of
`make screenshots`) it writes the English window's main pages as `en-*.png`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
WIDTH, HEIGHT = 1366, 768
# A maximised window on a 1366×768 Windows screen: 40 px taskbar, ~28 px title bar. Xvfb has no window
# manager (no title bar, no maximise), so the window is given that client area and the PNG shows exactly it.
CLIENT_HEIGHT = 700
sys.path.insert(0, str(ROOT))
LIBRARY_ID: list[str] = []
# The English pass keeps the pages an English reader meets first, under English names.
ENGLISH = {"wizard-1-unit": "en-wizard-1-unit", "01-tong-quan": "en-01-dashboard", "03-nhap-so-lieu": "en-03-entry",
           "04-dong-bo": "en-04-sync", "05-bao-cao": "en-05-reports", "06-cai-dat": "en-06-settings",
           "07-tong-quan-tinh": "en-07-province-dashboard", "10-tinh-hinh-bao-cao": "en-10-reporting-register"}


def reexec_under_xvfb() -> int:
    xvfb = shutil.which("xvfb-run")
    if xvfb is None:
        print("Cần xvfb-run (apt-get install -y xvfb xauth libxcb-icccm4 libxcb-keysyms1)", file=sys.stderr)
        return 1
    env = dict(os.environ, LHTL_SCREENSHOTS_CHILD="1", QT_QPA_PLATFORM="xcb")
    return subprocess.call([xvfb, "-a", "-s", f"-screen 0 {WIDTH}x{HEIGHT}x24", sys.executable, __file__],
                           env=env)


def commune_sample(path: Path) -> None:
    from lhtl_desktop.services.entry import set_values
    from lhtl_desktop.services.installation import init_installation
    from lhtl_desktop.services.institutions import add_institution, add_village_houses
    from lhtl_desktop.storage import open_store
    from lhtl_desktop.sync.keys import generate_key

    store = open_store(path)
    init_installation(store, "14389", "Nguyễn Thị Hoa", generate_key(None))
    lib = add_institution(store, "14389", "lib_commune", "Thư viện xã Gia Lâm")
    LIBRARY_ID.append(lib.id)
    cc = add_institution(store, "14389", "cc_commune", "Trung tâm Văn hóa – Thể thao xã Gia Lâm")
    school = add_institution(store, "14389", "lib_school", "Thư viện Trường THCS Gia Lâm")
    houses = add_village_houses(store, "14389", ["Thôn Đông Sơn", "Thôn Tây Hà", "Thôn Trung Đồng",
                                                 "Thôn Bãi Sậy", "Thôn Hòa Bình", "Thôn Đồng Tâm"])
    set_values(store, lib.id, "2024", {"LIB_VISITS": 3120, "LIB_READERS": 410, "LIB_HOLDINGS": 5200,
                                       "LIB_SKILL_CLASSES": 2, "LIB_READING_EVENTS": 4, "LIB_LLL_PARTICIPANTS": 380,
                                       "LIB_DIGITAL_SERVICE": 0, "LIB_MOBILE_RUNS": 6})
    set_values(store, lib.id, "2025", {"LIB_VISITS": 3480, "LIB_READERS": 455, "LIB_HOLDINGS": 5600,
                                       "LIB_SKILL_CLASSES": 4, "LIB_READING_EVENTS": 5})
    set_values(store, school.id, "2024", {"LIB_VISITS": 5400, "LIB_READING_EVENTS": 3})
    set_values(store, school.id, "2025", {"LIB_VISITS": 5900, "LIB_READING_EVENTS": 6, "LIB_SKILL_CLASSES": 2})
    for year, acts in (("2024", 14), ("2025", 18)):
        set_values(store, cc.id, year, {"CC_TALENT_CLASSES": 3, "CC_CLUBS": 6, "CC_INTEREST_GROUPS": 4,
                                        "CC_MEMBERS": 240, "CC_ACTIVITIES": acts, "CC_PARTICIPANTS": 5200})
    for n, house in enumerate(houses):
        set_values(store, house.id, "2024", {"CC_CLUBS": 1 + n % 2, "CC_ACTIVITIES": 10 + n, "CC_PARTICIPANTS": 600})
        if n < 4:
            set_values(store, house.id, "2025", {"CC_CLUBS": 2, "CC_ACTIVITIES": 11 + 2 * n,
                                                 "CC_PARTICIPANTS": 650 + 40 * n})
    store.close()


def province_sample(path: Path) -> None:
    from lhtl_desktop.services.entry import set_values
    from lhtl_desktop.services.installation import init_installation, set_hub
    from lhtl_desktop.services.institutions import add_institution
    from lhtl_desktop.services.settings import set_threshold
    from lhtl_desktop.storage import open_store
    from lhtl_desktop.sync.keys import generate_key

    store = open_store(path)
    init_installation(store, "37", "Trần Văn Bình", generate_key(None))
    lib = add_institution(store, "37", "lib_province", "Thư viện tỉnh Ninh Bình")
    museum = add_institution(store, "37", "museum", "Bảo tàng tỉnh Ninh Bình")
    museum2 = add_institution(store, "37", "museum", "Bảo tàng Nam Định")
    for year, visits, learn in (("2021", 88000, 9000), ("2022", 95000, 10100), ("2023", 101000, 11500),
                                ("2024", 110500, 12800), ("2025", 118000, 13300)):
        set_values(store, lib.id, year, {"LIB_VISITS": visits, "LIB_SKILL_CLASSES": 24, "LIB_DIGITAL_SERVICE": 1})
        set_values(store, museum.id, year, {"MUS_VISITS": learn * 6, "MUS_LEARNING_VISITS": learn,
                                            "MUS_EDU_PROGRAMMES": 5, "MUS_DIGITAL_EXHIBITS": 2})
        set_values(store, museum2.id, year, {"MUS_VISITS": learn * 3, "MUS_LEARNING_VISITS": learn // 2,
                                             "MUS_EDU_PROGRAMMES": 2, "MUS_DIGITAL_EXHIBITS": 0})
    set_threshold(store, "LIB_COMM_LLL", 2030, "65")
    set_hub(store, "14389", "372")
    store.close()


def receipt_sample(commune_db: Path, folder: Path) -> None:
    """The commune's bundle goes to its hub, which imports it and sends the receipt back down."""
    from lhtl_desktop.services.installation import init_installation
    from lhtl_desktop.storage import open_store
    from lhtl_desktop.sync import enrolment, exporter
    from lhtl_desktop.sync.importer import import_file
    from lhtl_desktop.sync.keys import generate_key

    commune = open_store(commune_db)
    hub = open_store(folder / "receipt-hub.sqlite3")
    init_installation(hub, "372", "Lê Văn Cường", generate_key(None))
    for parent, child in ((hub, commune), (commune, hub)):
        path = enrolment.export_enrolment(child, folder / f"enrol-{child.get_meta('unit_code')}.lhtl")
        enrolment.enrol_key(parent, path, str(child.own_key()["fingerprint"]))  # type: ignore[index]
    import_file(hub, exporter.export_bundle(commune, folder / "up.lhtl").path, backup=False)
    import_file(commune, exporter.export_bundle(hub, folder / "down.lhtl", to_unit="14389").path, backup=False)
    hub.close()
    commune.close()


def hub_sample(path: Path) -> None:
    """Hub 372 (Nho Quan) holding three communes' figures: two submitted (one late), one with values only."""
    from lhtl_desktop.services import reporting
    from lhtl_desktop.services.entry import set_values
    from lhtl_desktop.services.installation import init_installation
    from lhtl_desktop.services.institutions import add_institution
    from lhtl_desktop.storage import open_store
    from lhtl_desktop.sync.keys import generate_key

    store = open_store(path)
    init_installation(store, "372", "Lê Văn Cường", generate_key(None))
    why = "Theo báo cáo giấy của xã"
    for unit, name, visits in (("14389", "Thư viện xã Gia Lâm", 3480), ("14401", "Thư viện xã Gia Tường", 2100),
                               ("14404", "Thư viện xã Cúc Phương", 900)):
        lib = add_institution(store, unit, "lib_commune", name)
        set_values(store, lib.id, "2025", {"LIB_VISITS": visits, "LIB_SKILL_CLASSES": 2}, why=why)
    reporting.submit(store, "2025", unit="14389")
    reporting.submit(store, "2025", unit="14401")
    store.close()


def main() -> int:
    if os.environ.get("LHTL_SCREENSHOTS_CHILD") != "1" and not os.environ.get("DISPLAY"):
        return reexec_under_xvfb()
    from PySide6.QtCore import QDate, QEventLoop, QTimer
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication, QWidget

    from lhtl_desktop.storage import open_store
    from lhtl_desktop.ui.app import create_application
    from lhtl_desktop.ui.main_window import build_main_window
    from lhtl_desktop.ui.wizard import SetupWizard

    create_application([sys.argv[0]])
    OUT.mkdir(parents=True, exist_ok=True)
    year = QDate.currentDate().year()

    def settle(ms: int = 400) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    from lhtl_desktop.i18n import is_english

    def grab(name: str, full: bool = False) -> None:
        if is_english():
            if name not in ENGLISH:
                return
            name = ENGLISH[name]
        settle()
        screen = QGuiApplication.primaryScreen()
        pixmap = screen.grabWindow(0) if full else screen.grabWindow(0, 0, 0, WIDTH, CLIENT_HEIGHT)
        pixmap.save(str(OUT / f"{name}.png"))
        print(f"{OUT / name}.png  {pixmap.width()}×{pixmap.height()}")

    def show_client(window: QWidget) -> None:
        window.setGeometry(0, 0, WIDTH, CLIENT_HEIGHT)
        window.show()

    with tempfile.TemporaryDirectory() as tmp:
        # First run: the wizard on an empty database.
        wizard = SetupWizard(open_store(Path(tmp) / "new.sqlite3"))
        wizard.show()
        wizard.unit_page.search.setText("gia lam")
        grab("wizard-1-unit", full=True)
        wizard.next()
        wizard.officer_page.officer.setText("Nguyễn Thị Hoa")
        wizard.next()
        wizard.next()  # creates the key and the installation in the background
        for _ in range(50):
            if wizard.currentPage() is wizard.fingerprint_page:
                break
            settle(100)
        grab("wizard-4-fingerprint", full=True)
        wizard.close()

        commune_db = Path(tmp) / "commune.sqlite3"
        commune_sample(commune_db)
        receipt_sample(commune_db, Path(tmp))
        window = build_main_window(open_store(commune_db))
        show_client(window)
        dashboard = window.show_page("dashboard")
        dashboard.set_year(year - 1 if year > 2025 else 2025)  # type: ignore[attr-defined]
        grab("01-tong-quan")
        window.show_page("institutions")
        grab("02-thiet-che")
        entry = window.show_page("entry")
        entry.set_period("2025")  # type: ignore[attr-defined]
        entry.select_institution(LIBRARY_ID[0])  # type: ignore[attr-defined]
        reader = entry.current_form().rows["LIB_READERS"].edit  # type: ignore[attr-defined]
        reader.setFocus()
        reader.setText("1800")  # a ×3 jump: saved, with the warning under the field
        entry.commit("LIB_READERS")  # type: ignore[attr-defined]
        bad = entry.current_form().rows["LIB_LLL_PARTICIPANTS"].edit  # type: ignore[attr-defined]
        bad.setText("12a")  # refused in place, nothing saved
        entry.commit("LIB_LLL_PARTICIPANTS")  # type: ignore[attr-defined]
        grab("03-nhap-so-lieu")
        sync = window.show_page("sync")
        grab("04-dong-bo")
        sync.tabs.setCurrentIndex(4)  # type: ignore[attr-defined]
        grab("04b-dong-bo-khoa")
        window.show_page("reports")
        grab("05-bao-cao")
        own_settings = window.show_page("settings")
        grab("06-cai-dat")
        from lhtl_desktop.services.backups import make_backup

        make_backup(window.ctx.ops.writer_store(), "manual")
        own_settings.tabs.setCurrentIndex(1)  # type: ignore[attr-defined]
        own_settings.refresh()  # type: ignore[attr-defined]
        grab("06b-cai-dat-sao-luu")
        own_settings.tabs.setCurrentIndex(2)  # type: ignore[attr-defined]
        grab("06c-cai-dat-the-thuc")
        own_settings.tabs.setCurrentWidget(own_settings.rules_panel)  # type: ignore[attr-defined]
        grab("06c-cai-dat-quy-dinh")  # the province's rules, read-only at a commune
        window.close()

        province_db = Path(tmp) / "province.sqlite3"
        province_sample(province_db)
        pwindow = build_main_window(open_store(province_db))
        show_client(pwindow)
        pdash = pwindow.show_page("dashboard")
        pdash.set_year(2025)  # type: ignore[attr-defined]
        for r in range(pdash.model.rowCount()):  # type: ignore[attr-defined]
            if pdash.model.row_at(r).target == "LIB_VISITS_GROWTH":  # type: ignore[attr-defined]
                pdash.table.selectRow(r)  # type: ignore[attr-defined]
        grab("07-tong-quan-tinh")
        settings = pwindow.show_page("settings")
        settings.tabs.setCurrentIndex(3)  # type: ignore[attr-defined]
        grab("08-cai-dat-cum")
        settings.tabs.setCurrentIndex(4)  # type: ignore[attr-defined]
        grab("09-cai-dat-nguong")
        settings.tabs.setCurrentWidget(settings.rules_panel)  # type: ignore[attr-defined]
        grab("10-cai-dat-quy-dinh-tinh")
        pwindow.close()

        hub_db = Path(tmp) / "hub.sqlite3"
        hub_sample(hub_db)
        hwindow = build_main_window(open_store(hub_db))
        show_client(hwindow)
        register = hwindow.show_page("reporting")
        register.year.setValue(2025)  # type: ignore[attr-defined]
        grab("10-tinh-hinh-bao-cao")
        hdash = hwindow.show_page("dashboard")
        hdash.set_year(2025)  # type: ignore[attr-defined]
        grab("11-tong-quan-cum")
        hwindow.close()
    QApplication.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
