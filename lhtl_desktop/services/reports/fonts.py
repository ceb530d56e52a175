"""Fonts of the printed sheet: Times New Roman where installed (Nghị định 30/2020/NĐ-CP), else bundled Tinos.

Both the PDF writer and the window's printer draw with the same font files and the same advance widths
(read here with fontTools), so a sheet looks the same on paper whichever way it was printed. A character
the text font lacks (⚠) is drawn from the small bundled marks font; anything neither has becomes "?",
never an empty box.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from fontTools.ttLib import TTFont

MM_PER_PT = 25.4 / 72
STYLES = ("", "B", "I", "BI")
# Letters a font must have before it may print Vietnamese (a font without them would show boxes).
VIETNAMESE_PROBE = "ẠạẶặẾếỆệỒồỰựỹĐđƠơƯưĂăÂâÊêÔô"


def bundled_font_dir() -> Path:
    """lhtl_desktop/resources/fonts: package data, so a wheel, an editable install and a PyInstaller build
    (which collects the package's data files) all carry the fonts."""
    return Path(str(resources.files("lhtl_desktop") / "resources" / "fonts"))


@dataclass(frozen=True)
class FontFace:
    """One font file: its name, vertical metrics and the advance width of every character it maps."""

    path: Path
    family: str
    style: str
    units_per_em: int
    ascent: int
    descent: int
    advances: dict[int, int] = field(repr=False, compare=False)

    def has(self, char: str) -> bool:
        return ord(char) in self.advances

    def width(self, text: str, size_pt: float) -> float:
        """Width in mm of `text` at `size_pt` (no kerning: neither writer applies it)."""
        get = self.advances.get
        units = sum(get(ord(c), 0) for c in text)
        return units * size_pt / self.units_per_em * MM_PER_PT


@cache
def load_face(path: str, style: str) -> FontFace:
    font = TTFont(path, lazy=True)
    cmap = font.getBestCmap() or {}
    metrics = font["hmtx"].metrics
    advances = {cp: metrics[glyph][0] for cp, glyph in cmap.items() if glyph in metrics}
    hhea = font["hhea"]
    family = font["name"].getBestFamilyName() or Path(path).stem
    face = FontFace(Path(path), family, style, font["head"].unitsPerEm, hhea.ascent, hhea.descent, advances)
    font.close()
    return face


@dataclass(frozen=True)
class FontSet:
    """The four styles of the text font plus the marks font."""

    faces: dict[str, FontFace]
    marks: FontFace
    source: str  # "system" (Times New Roman) or "bundled" (Tinos)

    @property
    def family(self) -> str:
        return self.faces[""].family

    def face(self, style: str) -> FontFace:
        return self.faces.get(style) or self.faces[""]

    def runs(self, text: str, style: str) -> list[tuple[bool, str]]:
        """Split text into (is_marks, text) runs: characters the text font lacks go to the marks font."""
        main = self.face(style)
        out: list[tuple[bool, str]] = []
        for ch in text:
            if main.has(ch) or ch in "\n\t":
                marks = False
            elif self.marks.has(ch):
                marks = True
            else:
                ch, marks = "?", False
            if out and out[-1][0] == marks:
                out[-1] = (marks, out[-1][1] + ch)
            else:
                out.append((marks, ch))
        return out

    def width(self, text: str, style: str, size_pt: float) -> float:
        main = self.face(style)
        return sum((self.marks if m else main).width(t, size_pt) for m, t in self.runs(text, style))


def _times_candidates() -> list[dict[str, Path]]:
    """Where Times New Roman lives on Windows, macOS and Linux (msttcorefonts, user fonts)."""
    win = Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"
    sets = [
        {"": win / "times.ttf", "B": win / "timesbd.ttf", "I": win / "timesi.ttf", "BI": win / "timesbi.ttf"},
    ]
    for folder in (Path("/System/Library/Fonts/Supplemental"), Path("/Library/Fonts")):
        sets.append({"": folder / "Times New Roman.ttf", "B": folder / "Times New Roman Bold.ttf",
                     "I": folder / "Times New Roman Italic.ttf", "BI": folder / "Times New Roman Bold Italic.ttf"})
    home = Path.home()
    for folder in (Path("/usr/share/fonts/truetype/msttcorefonts"), Path("/usr/share/fonts/TTF"),
                   home / ".fonts", home / ".local/share/fonts"):
        sets.append({"": folder / "Times_New_Roman.ttf", "B": folder / "Times_New_Roman_Bold.ttf",
                     "I": folder / "Times_New_Roman_Italic.ttf", "BI": folder / "Times_New_Roman_Bold_Italic.ttf"})
        sets.append({"": folder / "times.ttf", "B": folder / "timesbd.ttf", "I": folder / "timesi.ttf",
                     "BI": folder / "timesbi.ttf"})
    return sets


def _usable(paths: dict[str, Path]) -> dict[str, FontFace] | None:
    if not all(p.is_file() for p in paths.values()):
        return None
    try:
        faces = {style: load_face(str(p), style) for style, p in paths.items()}
    except Exception:  # a damaged or unreadable system font: fall back to the bundled one
        return None
    if not all(all(f.has(c) for c in VIETNAMESE_PROBE) for f in faces.values()):
        return None
    return faces


@cache
def sheet_fonts(prefer_system: bool = True) -> FontSet:
    """Times New Roman with Vietnamese glyphs if installed, else the bundled Tinos (metric-compatible)."""
    folder = bundled_font_dir()
    marks = load_face(str(folder / "LhtlMarks.ttf"), "")
    if prefer_system and os.environ.get("LHTL_SHEET_FONT") != "bundled":
        for paths in _times_candidates():
            faces = _usable(paths)
            if faces:
                return FontSet(faces, marks, "system")
    names = {"": "Regular", "B": "Bold", "I": "Italic", "BI": "BoldItalic"}
    faces = {style: load_face(str(folder / f"Tinos-{name}.ttf"), style) for style, name in names.items()}
    return FontSet(faces, marks, "bundled")
