"""`make guide`: «Hướng dẫn sử dụng», a Vietnamese PDF built from docs/guide/huong-dan.md and the screenshots.

The source is a small subset of Markdown (headings `#`/`##`, paragraphs, `1.` and `-` lists, `**bold**`,
`` `code` ``, images `![caption](path)`), rendered with fpdf2 in Be Vietnam Pro (the window's font), so the
guide reads like the program looks. Screenshots are embedded as JPEG (quality 64, at most 960 px wide) to keep the package small.
The PDF carries the SHA-256 of its text source and image names in its keywords; `tests/test_guide.py` fails
when the source changed and `make guide` was not run. The result is package data:
`lhtl_desktop/resources/guide/huong-dan-su-dung.pdf`, opened by F1 in the window.
"""

from __future__ import annotations

import hashlib
import io
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "docs" / "guide" / "huong-dan.md"
OUT = ROOT / "lhtl_desktop" / "resources" / "guide" / "huong-dan-su-dung.pdf"
sys.path.insert(0, str(ROOT))

GUIDE_IMAGE_WIDTH = 960
IMAGE_RE = re.compile(r"^!\[(?P<caption>[^\]]*)\]\((?P<path>[^)]+)\)\s*$")
LIST_RE = re.compile(r"^(?P<mark>\d+\.|-)\s+(?P<text>.*)$")


@dataclass(frozen=True)
class Block:
    kind: str  # "title", "heading", "para", "item", "image"
    text: str
    mark: str = ""


def parse(text: str) -> list[Block]:
    """Blocks of the guide's Markdown subset, in order (blank lines separate blocks)."""
    blocks: list[Block] = []
    for raw in text.splitlines():
        line = raw.rstrip()
        if not line:
            continue
        if line.startswith("# "):
            blocks.append(Block("title", line[2:].strip()))
        elif line.startswith("## "):
            blocks.append(Block("heading", line[3:].strip()))
        elif m := IMAGE_RE.match(line):
            blocks.append(Block("image", m["path"], m["caption"]))
        elif m := LIST_RE.match(line):
            blocks.append(Block("item", m["text"], m["mark"]))
        else:
            blocks.append(Block("para", line.strip()))
    return blocks


def source_digest(text: str) -> str:
    """What the guide was built from: its text and the names of the images it shows."""
    images = [b.text for b in parse(text) if b.kind == "image"]
    return hashlib.sha256((text + "\n" + "\n".join(images)).encode("utf-8")).hexdigest()


def _inline(text: str) -> str:
    """`code` → plain text; **bold** stays for fpdf2's markdown=True, whose «--» (underline) and «__» (italic)
    markers must not fire inside `--selftest` or a file name: they are escaped with fpdf2's backslash."""
    return re.sub(r"`([^`]+)`", lambda m: m[1].replace("--", "\\--").replace("__", "\\__"), text)


def _jpeg(path: Path) -> io.BytesIO:
    from PIL import Image

    with Image.open(path) as img:
        buf = io.BytesIO()
        rgb = img.convert("RGB")
        if rgb.width > GUIDE_IMAGE_WIDTH:  # 960 px drawn 174 mm wide is ~140 dpi, sharp on screen and paper; more only weighs on the package
            rgb = rgb.resize((GUIDE_IMAGE_WIDTH, round(rgb.height * GUIDE_IMAGE_WIDTH / rgb.width)), Image.LANCZOS)
        rgb.save(buf, "JPEG", quality=64, optimize=True)
    buf.seek(0)
    return buf


def build(source: Path = SOURCE, out: Path = OUT) -> Path:
    import fontpkg_be_vietnam_pro
    from fpdf import FPDF

    from lhtl_desktop import __version__

    text = source.read_text(encoding="utf-8")
    blocks = parse(text)
    fonts = Path(fontpkg_be_vietnam_pro.ROOT) / "files"

    class Guide(FPDF):
        def footer(self) -> None:
            if self.page_no() == 1:
                return
            self.set_y(-12)
            self.set_font("BVP", "", 8)
            self.set_text_color(110, 110, 110)
            self.cell(0, 6, f"Hướng dẫn sử dụng — lhtl {__version__}", align="L")
            self.cell(0, 6, f"Trang {self.page_no()}", align="R")
            self.set_text_color(0, 0, 0)

    pdf = Guide(format="A4", unit="mm")
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(True, margin=18)
    for style, name in (("", "Regular"), ("B", "Bold"), ("I", "Italic"), ("BI", "BoldItalic")):
        pdf.add_font("BVP", style, str(fonts / f"BeVietnamPro-{name}.ttf"))
    marks = ROOT / "lhtl_desktop" / "resources" / "fonts"
    pdf.add_font("Marks", "", str(marks / "LhtlMarks.ttf"))
    pdf.add_font("Tinos", "", str(marks / "Tinos-Regular.ttf"))
    pdf.set_fallback_fonts(["Tinos", "Marks"], exact_match=False)  # → and ⚠, which Be Vietnam Pro lacks
    pdf.set_title("Hướng dẫn sử dụng chương trình Học tập suốt đời")
    pdf.set_author("lhtl_desktop")
    pdf.set_keywords(f"source-sha256:{source_digest(text)}")
    pdf.set_creator(f"lhtl {__version__}")
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    for block in blocks:
        if block.kind == "title":
            pdf.set_font("BVP", "B", 20)
            pdf.multi_cell(width, 10, block.text, new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("BVP", "", 9)
            pdf.set_text_color(90, 90, 90)
            pdf.cell(width, 6, f"Phiên bản chương trình {__version__}", new_x="LMARGIN", new_y="NEXT")
            pdf.set_text_color(0, 0, 0)
            pdf.ln(4)
            pdf.set_font("BVP", "B", 11)
            pdf.cell(width, 7, "Nội dung", new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("BVP", "", 10)
            for heading in (b.text for b in blocks if b.kind == "heading"):
                pdf.cell(width, 6, heading, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(4)
        elif block.kind == "heading":
            if pdf.get_y() > pdf.h - 60:  # never a heading alone at the foot of a page
                pdf.add_page()
            pdf.ln(3)
            pdf.set_font("BVP", "B", 14)
            pdf.set_text_color(20, 60, 120)
            pdf.multi_cell(width, 8, block.text, new_x="LMARGIN", new_y="NEXT")
            pdf.set_text_color(0, 0, 0)
            pdf.ln(1)
        elif block.kind == "para":
            pdf.set_font("BVP", "", 10.5)
            pdf.multi_cell(width, 5.6, _inline(block.text), markdown=True, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        elif block.kind == "item":
            pdf.set_font("BVP", "", 10.5)
            mark = block.mark if block.mark != "-" else "•"
            pdf.cell(8, 5.6, mark)
            pdf.multi_cell(width - 8, 5.6, _inline(block.text), markdown=True, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif block.kind == "image":
            path = (source.parent / block.text).resolve()
            if not path.exists():
                raise SystemExit(f"missing image for the guide: {path}")
            from PIL import Image

            with Image.open(path) as img:
                w_px, h_px = img.size
            h = width * h_px / w_px
            if h > pdf.h - 70:  # a tall picture (the whole screen) is drawn narrower
                h = pdf.h - 70
            w = h * w_px / h_px
            if pdf.get_y() + h + 10 > pdf.h - pdf.b_margin:
                pdf.add_page()
            x = pdf.l_margin + (width - w) / 2
            pdf.image(_jpeg(path), x=x, y=pdf.get_y(), w=w, h=h)
            pdf.set_y(pdf.get_y() + h + 1)
            pdf.set_font("BVP", "I", 9)
            pdf.set_text_color(80, 80, 80)
            pdf.multi_cell(width, 5, f"Hình: {block.mark}", align="C", new_x="LMARGIN", new_y="NEXT")
            pdf.set_text_color(0, 0, 0)
            pdf.ln(3)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    pdf.output(str(tmp))
    tmp.replace(out)
    return out


if __name__ == "__main__":
    path = build()
    print(f"{path.relative_to(ROOT)}: {path.stat().st_size} bytes")
