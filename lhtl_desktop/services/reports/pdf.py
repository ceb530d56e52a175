"""Writes a laid-out sheet as PDF with fpdf2 (pure Python, embeds subset TrueType fonts, no Qt).

fpdf2 was chosen over reportlab because the layout is our own (`layout.py`, shared with the printer), so only
drawing primitives are needed; fpdf2 has them, embeds and subsets TrueType fonts (Vietnamese glyphs), is
actively maintained, LGPL-3.0 (compatible with the project's GPL-3.0) and needs no C extension of its own.
"""

from __future__ import annotations

from fpdf import FPDF

from lhtl_desktop import __version__
from lhtl_desktop.services.reports.layout import Document, LineOp, RectOp, TextOp

MAIN, MARKS = "SheetSerif", "SheetMarks"


def render_pdf(doc: Document) -> bytes:
    pdf = FPDF(unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    for style, face in doc.fonts.faces.items():
        pdf.add_font(MAIN, style, str(face.path))
    pdf.add_font(MARKS, "", str(doc.fonts.marks.path))
    pdf.set_title(doc.title)
    pdf.set_subject(doc.subject)
    pdf.set_creator(f"lhtl {__version__}")
    pdf.set_lang("vi")
    pdf.set_draw_color(0, 0, 0)
    pdf.set_text_color(0, 0, 0)
    pdf.set_fill_color(0, 0, 0)
    current: tuple[str, str, float] | None = None
    line_width: float | None = None
    for page in doc.pages:
        pdf.add_page(orientation="L" if page.landscape else "P")
        for op in page.ops:
            if isinstance(op, TextOp):
                font = (MARKS if op.marks else MAIN, "" if op.marks else op.style, op.size)
                if font != current:
                    pdf.set_font(*font)
                    current = font
                pdf.text(op.x, op.y, op.text)
            elif isinstance(op, LineOp):
                if op.width != line_width:
                    pdf.set_line_width(op.width)
                    line_width = op.width
                pdf.line(op.x1, op.y1, op.x2, op.y2)
            elif isinstance(op, RectOp):
                pdf.rect(op.x, op.y, op.w, op.h, style="F")
    return bytes(pdf.output())
