"""Measure the sheet's QR codes: how many values a code carries, and the smallest printed module that the
program's own renderings still decode at 150 and 300 dpi (pdftoppm, then zxing-cpp, as `lhtl import` reads).

    python scripts/qr_capacity.py            # prints a Markdown table (docs/QR.md holds the last run)

Capacity: communes with 1…200 values of one year are built through the services; the data codes' payload
(key id, signature, gzip of the bundle body) is divided by the values it holds. Size: one data code of a full
chunk is drawn by the sheet layout at module sizes from 0.25 to 0.60 mm, written as PDF, rendered by pdftoppm
and decoded; a size passes when the code decodes on every one of several renders (seeded random offsets of the
code on the page, so module edges fall differently on the pixel grid).
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("LHTL_ALLOW_UNSAFE_LOCATION", "1")


def capacity(tmp: Path) -> list[tuple[int, int, int, float]]:
    from lhtl_desktop.services import entry, institutions
    from lhtl_desktop.services.installation import init_installation
    from lhtl_desktop.storage import open_store
    from lhtl_desktop.sync import sheet_codes
    from lhtl_desktop.sync.keys import generate_key

    rows = []
    rng = random.Random(16)
    for n_houses in (1, 5, 10, 20, 30):
        store = open_store(tmp / f"c{n_houses}.sqlite3")
        init_installation(store, "14389", "Nguyễn Văn An", generate_key(None))
        values = 0
        for k in range(n_houses):
            inst = institutions.add_institution(store, "14389", "village_house", f"Nhà văn hóa thôn {k}", f"Thôn {k}")
            vals = {"CC_CLUBS": rng.randint(0, 4), "CC_ACTIVITIES": rng.randint(0, 40),
                    "CC_PARTICIPANTS": rng.randint(0, 5000), "CC_MEMBERS": rng.randint(0, 300),
                    "CC_TALENT_CLASSES": rng.randint(0, 3), "CC_INTEREST_GROUPS": rng.randint(0, 5)}
            entry.set_values(store, inst.id, "2025", {c: str(v) for c, v in vals.items()})
            values += len(vals)
        frames = sheet_codes.data_frames(store, 2025, "x.pdf", chunk_bytes=10**9, max_codes=1)
        payload = len(frames[0]) - sheet_codes.HEADER
        per_code = sheet_codes.CHUNK_BYTES / (payload / values)
        rows.append((values, payload, -(-payload // sheet_codes.CHUNK_BYTES), per_code))
        store.close()
    return rows


def decodes_at(module_mm: float, dpi: int, tmp: Path, trials: int = 6) -> bool:
    from PIL import Image

    from lhtl_desktop.services.reports import qr
    from lhtl_desktop.services.reports.fonts import sheet_fonts
    from lhtl_desktop.services.reports.layout import Document, Page, qr_ops
    from lhtl_desktop.services.reports.pdf import render_pdf
    from lhtl_desktop.sync import sheet_codes

    rng = random.Random(int(module_mm * 1000) + dpi)
    frame = sheet_codes._frame(sheet_codes.DATA, b"abcd", 0, 1, bytes(rng.randrange(256)
                                                                     for _ in range(sheet_codes.CHUNK_BYTES)))
    code = qr.make_code("x", frame)
    for t in range(trials):
        page = Page(297.0, 210.0)
        page.ops += qr_ops(code, 30 + rng.random() * 3, 30 + rng.random() * 3, module_mm)
        pdf = tmp / f"m{module_mm}-{dpi}-{t}.pdf"
        pdf.write_bytes(render_pdf(Document([page], sheet_fonts(), "qr", "qr")))
        subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-singlefile", str(pdf), str(pdf.with_suffix(""))],
                       check=True)
        with Image.open(pdf.with_suffix(".png")) as img:
            found = sheet_codes.decode_image_bytes(img.convert("L"))
        if frame not in found:
            return False
    return True


def main() -> int:
    from lhtl_desktop.services.reports import qr
    from lhtl_desktop.sync import sheet_codes

    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        print(f"Data code: {sheet_codes.CHUNK_BYTES} bytes a code, error correction M, "
              f"{qr.make_code('x', b'L' * (sheet_codes.CHUNK_BYTES + sheet_codes.HEADER)).size} modules a side "
              f"(+ {2 * qr.QUIET} of quiet zone).\n")
        print("| values of the year | signed payload (bytes) | data codes | values per code |")
        print("|---:|---:|---:|---:|")
        for values, payload, codes, per_code in capacity(tmp):
            print(f"| {values} | {payload} | {codes} | {per_code:.0f} |")
        print("\n| module (mm) | code side (mm) | 150 dpi | 300 dpi |")
        print("|---:|---:|:---:|:---:|")
        side = qr.make_code("x", b"L" * (sheet_codes.CHUNK_BYTES + sheet_codes.HEADER)).size + 2 * qr.QUIET
        for module in (0.15, 0.18, 0.21, 0.25, 0.30, 0.34, 0.38, 0.42, 0.45, 0.50):
            marks = [("✓" if decodes_at(module, dpi, tmp) else "✗") + f" ({module * dpi / 25.4:.1f} px)"
                     for dpi in (150, 300)]
            print(f"| {module:.2f} | {side * module:.1f} | {marks[0]} | {marks[1]} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
