"""The PNG reader used where Pillow is absent (the packaged program) gives Pillow's grey, and the QR codes of a
rendered sheet decode from it."""

from __future__ import annotations

import builtins
import shutil
import subprocess
from pathlib import Path

import pytest
import segno
from PIL import Image

from lhtl_desktop.errors import BundleError
from lhtl_desktop.sync import sheet_codes
from lhtl_desktop.sync.png_gray import decode_png_gray


@pytest.mark.parametrize("mode", ["L", "RGB", "RGBA", "P", "1", "LA", "I;16"])
def test_every_colour_type_reads_like_pillow(tmp_path: Path, mode: str) -> None:
    q = segno.make(b"LHTL thu doc anh", error="m", mode="byte")
    src = tmp_path / "q.png"
    q.save(src, kind="png", scale=3, border=4)
    img = Image.open(src).convert("RGB")
    # some grey levels too, so filters and sample packing are exercised beyond black and white
    for x in range(0, img.width, 7):
        img.putpixel((x, 1), (x % 256, (3 * x) % 256, (7 * x) % 256))
    path = tmp_path / f"{mode.replace(';', '')}.png"
    if mode == "I;16":  # full 16-bit range, as a scanner writes it
        img.convert("L").convert("I").point(lambda v: v * 257).convert("I;16").save(path)
        expected = img.convert("L")
    else:
        img.convert(mode).save(path)
        expected = Image.open(path).convert("L")
    width, height, grey = decode_png_gray(path.read_bytes())
    assert (width, height) == expected.size
    if mode in ("L", "1", "LA", "I;16"):
        assert grey == expected.tobytes()
    else:  # colour weighting: Pillow rounds, we truncate
        assert max(abs(a - b) for a, b in zip(grey, expected.tobytes(), strict=True)) <= 1
    assert sheet_codes.decode_image_bytes(memoryview(grey).cast("B", shape=[height, width])) == [b"LHTL thu doc anh"]


def test_damaged_png_is_refused_in_vietnamese() -> None:
    with pytest.raises(BundleError, match="Ảnh PNG hỏng"):
        decode_png_gray(b"\x89PNG\r\n\x1a\n" + b"\0" * 40)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_a_sheet_reads_without_pillow(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from lhtl_desktop.services.reports import layout_report, render_pdf, with_codes
    from lhtl_desktop.services.reports.sheet import build_report
    from lhtl_desktop.storage import open_store
    from tests.reports.data import GIA_LAM, build_local

    store = open_store(tmp_path / "xa.sqlite3")
    build_local(store, GIA_LAM, "Nguyễn Văn An")
    frame = sheet_codes._frame(sheet_codes.DATA, b"abcd", 0, 1, b"x" * 900)
    report = with_codes(build_report(store, 2025), [("Số liệu 1/1", frame)])
    pdf = tmp_path / "xa.pdf"
    pdf.write_bytes(render_pdf(layout_report(report)))
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), str(tmp_path / "p")], check=True)
    real_import = builtins.__import__

    def no_pillow(name: str, *args, **kwargs):  # type: ignore[no-untyped-def]
        if name == "PIL" or name.startswith("PIL."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pillow)
    found = [f for p in sorted(tmp_path.glob("p-*.png")) for f in _frames(p)]
    assert [f.chunk for f in found] == [b"x" * 900]
    jpeg = tmp_path / "anh.jpg"
    jpeg.write_bytes(b"\xff\xd8\xff\xe0" + b"\0" * 100)
    with pytest.raises(BundleError, match="chỉ đọc ảnh PNG"):
        sheet_codes.read_image(jpeg)
    store.close()


def _frames(path: Path) -> list[sheet_codes.Frame]:
    try:
        return sheet_codes.read_image(path)
    except BundleError:
        return []
