"""QR codes drawn on a sheet: bytes in (made and signed by sync.sheet_codes), a module matrix out (segno).

The layout draws a code as black runs of modules, `MODULE_MM` wide, with the 4-module quiet zone QR asks for.
Error correction M (15 %) survives a fold, a stamp's edge or a smudge; byte mode holds the frames as they are.
`MODULE_MM` is the smallest module that the program's own renderings decode reliably at 150 dpi with margin to
spare (see docs/QR.md for the measurements, `scripts/qr_capacity.py` to repeat them).
"""

from __future__ import annotations

from dataclasses import dataclass

MODULE_MM = 0.45
QUIET = 4  # modules of white around a code


@dataclass(frozen=True)
class SheetCode:
    label: str  # printed under the code
    rows: tuple[tuple[tuple[int, int], ...], ...]  # per row of modules: (first, length) of each black run
    size: int  # modules per side, without the quiet zone

    @property
    def width_mm(self) -> float:
        return (self.size + 2 * QUIET) * MODULE_MM


def make_code(label: str, data: bytes) -> SheetCode:
    import segno

    qr = segno.make(data, error="m", mode="byte", boost_error=False, micro=False)
    rows: list[tuple[tuple[int, int], ...]] = []
    for line in qr.matrix:
        runs: list[tuple[int, int]] = []
        start = None
        for x, dark in enumerate([*line, 0]):
            if dark and start is None:
                start = x
            elif not dark and start is not None:
                runs.append((start, x - start))
                start = None
        rows.append(tuple(runs))
    return SheetCode(label, tuple(rows), len(qr.matrix))
