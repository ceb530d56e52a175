"""Re-create the return forms' pictures: `python -m tests.forms.screenshots` (under Xvfb when there is no
display; needs poppler's pdftoppm).

- docs/screenshots/10-dong-bo-bieu-excel-loi.png: the «Đồng bộ» page of hub 372 after «Xem trước» of a filled
  Excel form with bad cells (the list of cells to fix) and of a good one (the preview, with a new village house);
- docs/screenshots/form-paper.png: the first page of the paper form of Xã Gia Lâm (80 dpi);
- docs/screenshots/form-excel-print.png: the Excel form's «Văn hóa, nhà văn hóa» sheet as LibreOffice prints it.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "screenshots"
WIDTH, HEIGHT, CLIENT_HEIGHT = 1366, 768, 700


def _paper(work: Path) -> None:
    from lhtl_desktop.services.forms import form_bytes
    from lhtl_desktop.services.forms.spec import build_form
    from tests.forms.support import GIA_LAM, hub_store

    store, _ids = hub_store(work / "paper.sqlite3")
    pdf = work / "bieu.pdf"
    pdf.write_bytes(form_bytes(build_form(store, GIA_LAM, "2025", dt.date(2026, 1, 5)), "pdf"))
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(OUT / "form-paper")], check=True)
    print(OUT / "form-paper.png")


def _excel_as_printed(work: Path) -> None:
    """The Excel form as LibreOffice prints it (its «Văn hóa, nhà văn hóa» sheet, 80 dpi)."""
    from lhtl_desktop.services.forms import export_forms
    from tests.forms.support import GIA_LAM, hub_store

    soffice = shutil.which("soffice")
    if soffice is None:
        print("(no soffice: form-excel-print.png not made)")
        return
    store, _ids = hub_store(work / "print.sqlite3")
    xlsx = export_forms(store, GIA_LAM, "2025", work / "bieu-in.xlsx")[0]
    subprocess.run([soffice, f"-env:UserInstallation=file://{work / 'lo-profile'}", "--headless", "--convert-to",
                    "pdf", "--outdir", str(work), str(xlsx)], check=True, capture_output=True, timeout=180)
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "4", "-l", "4", "-singlefile", str(work / "bieu-in.pdf"),
                    str(OUT / "form-excel-print")], check=True)
    print(OUT / "form-excel-print.png")


def _window(work: Path) -> None:
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtGui import QGuiApplication

    from lhtl_desktop.services.forms import export_forms
    from lhtl_desktop.storage import open_store
    from lhtl_desktop.ui.app import create_application
    from lhtl_desktop.ui.main_window import build_main_window
    from tests.forms.support import GIA_LAM, fill, hub_store

    create_application([sys.argv[0]])
    store, _ids = hub_store(work / "hub.sqlite3")
    form = export_forms(store, GIA_LAM, "2025", work / "bieu-14389-Gia-Lam-2025.xlsx")[0]
    store.close()
    bad = fill(form, work / "bieu-Gia-Lam-thon-gui.xlsx", "Thư viện", {"Thư viện xã Gia Lâm": {
        "LIB_VISITS": "1.234", "LIB_READERS": -3, "LIB_SKILL_CLASSES": "ba", "LIB_DIGITAL_SERVICE": 2}})
    bad = fill(bad, bad, "Văn hóa, nhà văn hóa", {"Nhà văn hóa thôn Đông": {"CC_ACTIVITIES": 12.5}},
               [{"type": "Nhà văn hóa – khu thể thao thôn, tổ dân phố", "name": "", "CC_CLUBS": 1}])
    good = fill(form, work / "bieu-Gia-Lam-da-sua.xlsx", "Thư viện", {"Thư viện xã Gia Lâm": {
        "LIB_VISITS": 1234, "LIB_READERS": 260, "LIB_SKILL_CLASSES": 3, "LIB_DIGITAL_SERVICE": 1}})
    good = fill(good, good, "Văn hóa, nhà văn hóa", {"Nhà văn hóa thôn Đông": {"CC_ACTIVITIES": 12}},
                [{"type": "Nhà văn hóa – khu thể thao thôn, tổ dân phố", "name": "Nhà văn hóa thôn Tây",
                  "village": "Thôn Tây", "CC_ACTIVITIES": 13, "CC_CLUBS": 1}])

    window = build_main_window(open_store(work / "hub.sqlite3"))
    window.setGeometry(0, 0, WIDTH, CLIENT_HEIGHT)
    window.show()
    sync = window.show_page("sync")
    sync.tabs.setCurrentIndex(1)  # type: ignore[attr-defined]
    sync.add_files([bad, good])  # type: ignore[attr-defined]
    sync.run_import(dry_run=True)  # type: ignore[attr-defined]
    for _ in range(100):
        if sync.form_section.last_results:  # type: ignore[attr-defined]
            break
        loop = QEventLoop()
        QTimer.singleShot(100, loop.quit)
        loop.exec()
    loop = QEventLoop()
    QTimer.singleShot(500, loop.quit)
    loop.exec()
    pixmap = QGuiApplication.primaryScreen().grabWindow(0, 0, 0, WIDTH, CLIENT_HEIGHT)
    pixmap.save(str(OUT / "10-dong-bo-bieu-excel-loi.png"))
    print(OUT / "10-dong-bo-bieu-excel-loi.png")
    window.close()


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("LHTL_ALLOW_UNSAFE_LOCATION", "1")
    if os.environ.get("LHTL_SCREENSHOTS_CHILD") != "1" and not os.environ.get("DISPLAY"):
        xvfb = shutil.which("xvfb-run")
        if xvfb is None:
            print("Cần xvfb-run (apt-get install -y xvfb xauth)", file=sys.stderr)
            return 1
        env = dict(os.environ, LHTL_SCREENSHOTS_CHILD="1", QT_QPA_PLATFORM="xcb")
        return subprocess.call([xvfb, "-a", "-s", f"-screen 0 {WIDTH}x{HEIGHT}x24", sys.executable, "-m",
                                "tests.forms.screenshots"], env=env, cwd=ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        _paper(Path(tmp))
        _excel_as_printed(Path(tmp))
        _window(Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
