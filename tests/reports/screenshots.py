"""Re-create docs/screenshots/report-*.png: `python -m tests.reports.screenshots` (needs poppler's pdftoppm).

Each sheet is made by its own installation (commune, hub, province) from the test data, dated 05/01/2026,
and its first page is rendered at 80 dpi; the province sheet's second page shows the repeated header.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import tempfile
from pathlib import Path

from lhtl_desktop.services import reporting, reports
from lhtl_desktop.storage import open_store
from tests.reports.data import GIA_LAM, HUB_NHO_QUAN, build_local, build_province

ROOT = Path(__file__).resolve().parents[2]
DATE = dt.date(2026, 1, 5)


def main() -> None:
    out = ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        sheets = []
        commune = open_store(work / "commune.sqlite3")
        build_local(commune, GIA_LAM, "Nguyễn Văn An")
        sheets.append(("commune", commune, None, [1]))
        hub = open_store(work / "hub.sqlite3")
        build_local(hub, HUB_NHO_QUAN, "Lê Văn Cường")
        sheets.append(("hub", hub, None, [1]))
        # The same hub before most of its communes have submitted: «Chưa đủ đơn vị báo cáo» and the list of
        # units that have not reported, with the deadline and lateness.
        waiting = open_store(work / "hub-incomplete.sqlite3")
        build_local(waiting, HUB_NHO_QUAN, "Lê Văn Cường")
        for code in reporting.expected_units(waiting, HUB_NHO_QUAN):
            if code not in (GIA_LAM, HUB_NHO_QUAN):
                reporting.reopen(waiting, "2025", unit=code)
        sheets.append(("hub-incomplete", waiting, None, [1, 3]))
        province = open_store(work / "province.sqlite3")
        build_province(province)
        sheets.append(("province", province, None, [1, 2]))
        for name, store, scope, pages in sheets:
            pdf = work / f"{name}.pdf"
            reports.write_report(store, 2025, scope, pdf, DATE)
            for page in pages:
                subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", str(page), "-l", str(page), "-singlefile",
                                str(pdf), str(work / f"{name}-{page}")], check=True)
                target = out / (f"report-{name}.png" if page == 1 else f"report-{name}-page{page}.png")
                shutil.copyfile(work / f"{name}-{page}.png", target)
                print(target.relative_to(ROOT))
            store.close()


if __name__ == "__main__":
    main()
