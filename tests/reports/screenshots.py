"""Re-create docs/screenshots/report-*.png: `python -m tests.reports.screenshots` (needs poppler's pdftoppm;
LibreOffice for the workbook's page).

Each sheet is made by its own installation (commune, hub, province) from the test data, dated 05/01/2026,
with its QR codes as `lhtl report` prints them. Rendered at 80 dpi: the first page, the page of the closing
block («Nơi nhận», signatures) and the page of the QR codes; the province sheet's second page shows the
repeated header; the hub before most of its communes have submitted shows the page of «Đơn vị chưa báo cáo».
The workbook's «Chỉ tiêu» sheet as LibreOffice prints it after recalculating.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import tempfile
from pathlib import Path

from lhtl_desktop.cli.report_commands import code_maker
from lhtl_desktop.services import reporting, reports
from lhtl_desktop.services.reports.formalities import set_formalities
from lhtl_desktop.storage import open_store
from tests.reports.data import GIA_LAM, HUB_NHO_QUAN, build_local, build_province

ROOT = Path(__file__).resolve().parents[2]
DATE = dt.date(2026, 1, 5)


def pages_of(pdf: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    return int(next(line for line in out.splitlines() if line.startswith("Pages:")).split()[1])


def page_with(pdf: Path, words: str) -> int:
    for page in range(1, pages_of(pdf) + 1):
        text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"], check=True,
                              capture_output=True, text=True).stdout
        if words in text:
            return page
    raise AssertionError(words)


def render(pdf: Path, page: int, target: Path, work: Path) -> None:
    stem = work / f"{pdf.stem}-{page}"
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", str(page), "-l", str(page), "-singlefile",
                    str(pdf), str(stem)], check=True)
    shutil.copyfile(stem.with_suffix(".png"), target)
    print(target.relative_to(ROOT))


def main() -> None:
    out = ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        sheets = []
        commune = open_store(work / "commune.sqlite3")
        build_local(commune, GIA_LAM, "Nguyễn Văn An")
        set_formalities(commune, number="12", signer_title=["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"],
                        signer_name="Phạm Văn Đức")
        sheets.append(("commune", commune))
        hub = open_store(work / "hub.sqlite3")
        build_local(hub, HUB_NHO_QUAN, "Lê Văn Cường")
        sheets.append(("hub", hub))
        # The same hub before most of its communes have submitted: «Chưa đủ đơn vị báo cáo» and the list of
        # units that have not reported, with the deadline and lateness.
        waiting = open_store(work / "hub-incomplete.sqlite3")
        build_local(waiting, HUB_NHO_QUAN, "Lê Văn Cường")
        for code in reporting.expected_units(waiting, HUB_NHO_QUAN):
            if code not in (GIA_LAM, HUB_NHO_QUAN):
                reporting.reopen(waiting, "2025", unit=code)
        sheets.append(("hub-incomplete", waiting))
        province = open_store(work / "province.sqlite3")
        build_province(province)
        set_formalities(province, signer_title=["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"], signer_name="Đinh Thị Hòa")
        sheets.append(("province", province))
        for name, store in sheets:
            pdf = work / f"{name}.pdf"
            reports.write_report(store, 2025, None, pdf, DATE, codes=code_maker(store, None))
            render(pdf, 1, out / f"report-{name}.png", work)
            if name == "province":
                render(pdf, 2, out / f"report-{name}-page2.png", work)
            if name == "hub-incomplete":
                page = page_with(pdf, "Đơn vị chưa báo cáo")
                render(pdf, page, out / f"report-{name}-page{page}.png", work)
            else:
                render(pdf, page_with(pdf, "Nơi nhận:"), out / f"report-{name}-closing.png", work)
                render(pdf, page_with(pdf, "Mã QR:"), out / f"report-{name}-qr.png", work)
            if name == "province" and shutil.which("soffice"):
                from tests.reports.libreoffice import make_profile, to_pdf

                book = work / "so-lieu.xlsx"
                reports.write_report(store, 2025, None, book, DATE)
                printed = to_pdf(book, make_profile(work / "lo-profile"), work / "lo")
                render(printed, page_with(printed, "Mã chỉ tiêu"), out / "workbook-chi-tieu.png",
                       work)
            store.close()


if __name__ == "__main__":
    main()
