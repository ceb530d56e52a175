"""Fill a return form inside LibreOffice itself, through its UNO API (run by the system python3, which has
`uno`): find the institution's row and the indicator's column by the text a person sees, type the numbers into
the cells, add a new institution in an empty row, and save as Excel 2007–365 (.xlsx) with LibreOffice's own filter.

Usage: python3 lo_fill.py SOFFICE PROFILE_DIR FORM.xlsx OUT.xlsx  (JSON on stdin: {"sheet": {"row name":
{"column heading": value}}, "new": [{"sheet", "type", "name", "village", "values": {heading: value}}]})
"""

import contextlib
import json
import os
import subprocess
import sys
import time

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def main() -> int:
    soffice, profile, src, out = sys.argv[1:5]
    spec = json.load(sys.stdin)
    pipe = f"lhtl_fill_{os.getpid()}"
    proc = subprocess.Popen([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                             "--nologo", f"--accept=pipe,name={pipe};urp;"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        for _ in range(240):
            try:
                ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:  # not listening yet
                time.sleep(0.25)
        else:
            raise SystemExit("LibreOffice did not start")
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(os.path.abspath(src)), "_blank", 0,
                                           (prop("Hidden", True),))
        sheets = doc.Sheets

        def columns(sheet):
            heads = {}
            for col in range(0, 40):
                text = sheet.getCellByPosition(col, 3).getString()  # row 4: the headings a person reads
                if text:
                    heads[text] = col
            return heads

        def find_row(sheet, col, text):
            for row in range(5, 200):
                if sheet.getCellByPosition(col, row).getString() == text:
                    return row
            raise SystemExit(f"no row {text!r}")

        for sheet_name, rows in spec.get("rows", {}).items():
            sheet = sheets.getByName(sheet_name)
            heads = columns(sheet)
            for name, values in rows.items():
                row = find_row(sheet, heads["Tên thiết chế"], name)
                for heading, value in values.items():
                    cell = sheet.getCellByPosition(heads[heading], row)
                    if isinstance(value, str) and value.startswith("="):
                        cell.setFormula(value)  # LibreOffice computes it and saves the value with the formula
                    else:
                        cell.setValue(value)
        for new in spec.get("new", []):
            sheet = sheets.getByName(new["sheet"])
            heads = columns(sheet)
            row = 5
            while sheet.getCellByPosition(heads["Tên thiết chế"], row).getString() or \
                    sheet.getCellByPosition(heads["Loại thiết chế"], row).getString():
                row += 1
            sheet.getCellByPosition(heads["Loại thiết chế"], row).setString(new["type"])
            sheet.getCellByPosition(heads["Tên thiết chế"], row).setString(new["name"])
            sheet.getCellByPosition(heads["Thôn, tổ dân phố"], row).setString(new["village"])
            for heading, value in new["values"].items():
                sheet.getCellByPosition(heads[heading], row).setValue(value)
        doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(out)), (prop("FilterName", "Calc MS Excel 2007 XML"),))
        doc.close(True)
        with contextlib.suppress(Exception):  # the bridge goes away as LibreOffice quits
            desktop.terminate()
    finally:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
