"""QR codes on printed sheets: a signed verification payload on every sheet, and a commune's values of the year as
a signed bundle split over one or a few codes, so paper carries data the hub can import like a file.

Every code holds bytes (QR byte mode) in one frame:

    b"LHTL" | kind (b"V" verification, b"D" data) | version (1) | set id (4) | index (1) | total (1) | chunk

- **V** (one code): key id (16 bytes) | Ed25519 signature (64) | canonical JSON of
  `{"format": "lhtl-sheet-1", "scope", "year", "targets": {TARGET: [numerator, denominator]}, "code"}` — the
  sheet's verification code covers the institutions' values. The signature is over DSSE's
  PAE("application/vnd.lhtl.sheet.v1+json", JSON bytes), so it can never pass for a bundle's.
- **D** (a set of `total` codes): the chunks, in index order, make key id | signature | gzip(JSON body) of a real
  bundle (`application/vnd.lhtl.bundle.v1+json+gzip`, the same body as `export` writes, with the records of the
  sheet's year — and of the year before for the growth targets' indicators — and the institutions they belong
  to), numbered and recorded like any export. The set id is
  the first 4 bytes of SHA-256 over the whole. `envelope_from_codes` rebuilds the DSSE envelope from it, byte
  for byte what the signature covers, and the import goes through the sync reader unchanged: the same checks,
  keys, quarantine, dedup and merge as a file.

Reading: `read_image` decodes every code of a PNG/JPEG photo or scan (zxing-cpp) or of a PDF (rasterised at
150 dpi with poppler's `pdftoppm`). Damaged, partial, mixed or foreign sets are refused with one Vietnamese line.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lhtl_desktop.errors import BundleError
from lhtl_desktop.i18n import _
from lhtl_desktop.model.catalogue import CATALOG_VERSION
from lhtl_desktop.model.records import new_id, now_utc
from lhtl_desktop.storage import Store, sync_store
from lhtl_desktop.storage.migrations import SCHEMA_VERSION
from lhtl_desktop.sync.bundle import FORMAT, FORMAT_VERSION, institution_wire
from lhtl_desktop.sync.envelope import BUNDLE_TYPE, MAX_FILE_BYTES, pae
from lhtl_desktop.sync.keys import open_private, verify_signature
from lhtl_desktop.sync.local import load_local

MAGIC = b"LHTL"
VERIFY, DATA = b"V", b"D"
FRAME_VERSION = 1
HEADER = len(MAGIC) + 1 + 1 + 4 + 1 + 1
SHEET_TYPE = "application/vnd.lhtl.sheet.v1+json"
CHUNK_BYTES = 1000  # data per code: a version-26 code (121 modules) at error correction M, ≈ 19 values
MAX_DATA_CODES = 7  # with the verification code, eight 58 mm codes: one A4 landscape page (4 × 2)
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp")
MAX_PIXELS = 120_000_000  # a 600 dpi A4 scan is 35 M pixels


@dataclass(frozen=True)
class Frame:
    kind: bytes
    set_id: bytes
    index: int
    total: int
    chunk: bytes


def _frame(kind: bytes, set_id: bytes, index: int, total: int, chunk: bytes) -> bytes:
    return MAGIC + kind + bytes([FRAME_VERSION]) + set_id + bytes([index, total]) + chunk


def parse_frame(raw: bytes) -> Frame | None:
    """A frame of ours, or None for any other code (a URL on a poster, a product code)."""
    if len(raw) < HEADER or not raw.startswith(MAGIC):
        return None
    kind = raw[4:5]
    if kind not in (VERIFY, DATA) or raw[5] != FRAME_VERSION:
        return None
    index, total = raw[10], raw[11]
    if total < 1 or index >= total:
        return None
    return Frame(kind, raw[6:10], index, total, raw[HEADER:])


# -- writing ---------------------------------------------------------------------------------------------
def _own_private(store: Store, passphrase: str | None) -> tuple[str, Any]:
    local = load_local(store)
    return local.own_key_id, open_private(local.own_private_sealed(store), passphrase)


def verification_frame(store: Store, payload: dict[str, Any], passphrase: str | None = None) -> bytes:
    """The V code of a sheet: its verification payload (services.reports.verification_payload minus the
    values, plus the code that covers them), signed with this installation's key."""
    key_id, private = _own_private(store, passphrase)
    data = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")
    sig = private.sign(pae(SHEET_TYPE, data))
    whole = bytes.fromhex(key_id) + sig + data
    return _frame(VERIFY, hashlib.sha256(whole).digest()[:4], 0, 1, whole)


class TooManyCodes(BundleError):
    """The year's values need more codes than one page holds: the sheet carries the verification code only."""


def data_frames(store: Store, year: int, file_name: str, passphrase: str | None = None,
                chunk_bytes: int = CHUNK_BYTES, max_codes: int = MAX_DATA_CODES) -> list[bytes]:
    """A commune's values of `year` as a signed bundle to its parent, split into D codes. The bundle is numbered
    and recorded as an export (`outbox`), as the file it stands for."""
    local = load_local(store)
    target = local.parent()
    if target is None:
        raise BundleError(_("{unit} không có cấp trên để gửi số liệu.").format(unit=local.unit.name))
    key_id, private = _own_private(store, passphrase)
    scope = local.subtree(None)
    # The year's values, and the year before's of the growth targets' indicators (V_{Y−1}), so the receiver
    # evaluates every target of the sheet as the sender did.
    growth = {t.indicator for t in store.target_definitions() if t.indicator}
    rows = [r for r in sync_store.scope_record_rows(store, scope)
            if r[3] == str(year) or (r[3] == str(year - 1) and r[4] in growth)]
    used = {r[1] for r in rows}
    institutions = [r for r in sync_store.scope_institutions(store, scope) if r["id"] in used]
    bundle_id, created = new_id(), now_utc()
    with store.atomic():
        seq = sync_store.next_export_seq(store, key_id)
        body = {
            "format": FORMAT, "format_version": FORMAT_VERSION, "bundle_id": bundle_id,
            "from_unit": local.unit.code, "to_unit": target, "seq": seq, "created": created,
            "schema_version": SCHEMA_VERSION, "catalog_version": CATALOG_VERSION, "scope": scope,
            "institutions": [institution_wire(r, json.loads(r["vv"])) for r in institutions],
            "records": [_record_wire(r) for r in rows],
            "certificates": [],
        }
        raw = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
        payload = gzip.compress(raw.encode("utf-8"), compresslevel=9, mtime=0)
        sig = private.sign(pae(BUNDLE_TYPE, payload))
        whole = bytes.fromhex(key_id) + sig + payload
        chunks = [whole[i:i + chunk_bytes] for i in range(0, len(whole), chunk_bytes)]
        if len(chunks) > max_codes:  # raised inside the transaction: no bundle number is used up
            raise TooManyCodes(_("Số liệu năm {y} cần {n} mã QR, nhiều hơn một trang ({m} mã): biểu chỉ in mã kiểm "
                                 "tra; hãy gửi số liệu bằng tệp (lệnh «export»).").format(y=year, n=len(chunks),
                                                                                         m=max_codes))
        sync_store.record_export(store, {"bundle_id": bundle_id, "key_id": key_id, "seq": seq, "to_unit": target,
                                         "created_at": created, "file_name": file_name, "records": len(rows)})
    set_id = hashlib.sha256(whole).digest()[:4]
    return [_frame(DATA, set_id, i, len(chunks), c) for i, c in enumerate(chunks)]


def sheet_frames(store: Store, payload: dict[str, Any], *, carries_data: bool, file_name: str,
                 passphrase: str | None = None,
                 warn: Callable[[str], None] | None = None) -> list[tuple[str, bytes]]:
    """Every code of one sheet, with its caption: the verification code, then — on a commune's own sheet — the
    data codes of its year (unless they would not fit one page: then `warn` is told why)."""
    out = [(_("Mã kiểm tra"), verification_frame(store, payload, passphrase))]
    if carries_data:
        try:
            frames = data_frames(store, int(payload["year"]), file_name, passphrase)
        except TooManyCodes as exc:
            if warn is not None:
                warn(exc.message)
            return out
        out += [(_("Số liệu {i}/{n}").format(i=i, n=len(frames)), f) for i, f in enumerate(frames, 1)]
    return out


def _record_wire(row: tuple[Any, ...]) -> dict[str, Any]:
    (edit_id, institution_id, unit_code, period, indicator, value, vv, author_key, author_unit, author_name,
     created_at, reason, warning) = row
    return {"author_key": author_key, "author_name": author_name, "author_unit": author_unit,
            "created": created_at, "edit_id": edit_id, "indicator": indicator, "institution": institution_id,
            "period": period, "reason": reason, "unit": unit_code, "value": value, "vv": json.loads(vv),
            "warning": warning}


# -- reading ----------------------------------------------------------------------------------------------
def _no_codes(path: Path) -> BundleError:
    return BundleError(_("Không tìm thấy mã QR của chương trình trong «{name}»: chụp lại rõ, thẳng, đủ sáng, "
                         "đủ cả biểu.").format(name=path.name))


def decode_image_bytes(image: Any) -> list[bytes]:
    import zxingcpp

    results = zxingcpp.read_barcodes(image)
    return [bytes(r.bytes) for r in results if r.valid and r.format == zxingcpp.BarcodeFormat.QRCode]


def _decode_file(image_path: Path, shown: Path) -> list[bytes]:
    """The QR codes' bytes on one image file: through Pillow when installed, else PNG by png_gray."""
    try:
        from PIL import Image, UnidentifiedImageError
    except ImportError:
        from lhtl_desktop.sync.png_gray import SIGNATURE, decode_png_gray

        data = image_path.read_bytes()
        if not data.startswith(SIGNATURE):
            raise BundleError(_("«{name}»: bản chương trình này chỉ đọc ảnh PNG (hoặc tệp PDF); hãy lưu ảnh chụp "
                                "thành PNG rồi thử lại.").format(name=shown.name)) from None
        width, height, grey = decode_png_gray(data)
        return decode_image_bytes(memoryview(grey).cast("B", shape=[height, width]))
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(image_path) as img:
            img.load()
            return decode_image_bytes(img.convert("L"))
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError):
        raise BundleError(_("«{name}» không phải ảnh đọc được (PNG, JPG) hay tệp PDF.").format(
            name=shown.name)) from None


def read_image(path: Path) -> list[Frame]:
    """Every frame of ours on a photo, scan or PDF (each page), in the order found."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise BundleError(_("Không đọc được tệp «{name}»: {why}").format(name=path.name, why=exc.strerror)) from exc
    if size > MAX_FILE_BYTES:
        raise BundleError(_("Tệp «{name}» quá lớn để là ảnh một biểu.").format(name=path.name))
    images: list[Path] = []
    tmp: tempfile.TemporaryDirectory[str] | None = None
    if path.suffix.lower() == ".pdf":
        tool = shutil.which("pdftoppm")
        if tool is None:
            raise BundleError(_("Cần chương trình pdftoppm (poppler) để đọc mã trên tệp PDF; hãy dùng ảnh chụp "
                                "hoặc ảnh quét (PNG, JPG) của biểu."))
        tmp = tempfile.TemporaryDirectory(prefix="lhtl-qr-")
        try:
            subprocess.run([tool, "-r", "150", "-gray", "-png", str(path), str(Path(tmp.name) / "p")], check=True,
                           capture_output=True, timeout=300)
        except (subprocess.SubprocessError, OSError):
            tmp.cleanup()
            raise BundleError(_("«{name}» không phải tệp PDF đọc được.").format(name=path.name)) from None
        images = sorted(Path(tmp.name).glob("p*.png"))
    else:
        images = [path]
    frames: list[Frame] = []
    try:
        for image_path in images:
            frames += [f for f in (parse_frame(raw) for raw in _decode_file(image_path, path)) if f is not None]
    finally:
        if tmp is not None:
            tmp.cleanup()
    if not frames:
        raise _no_codes(path)
    return frames


def assemble(frames: Sequence[Frame], kind: bytes, path: Path) -> bytes:
    """The whole of one set of `kind` codes, checked complete and intact; anything else refused."""
    mine = [f for f in frames if f.kind == kind]
    if not mine:
        if kind == DATA:
            raise BundleError(_("«{name}» chỉ có mã kiểm tra, không có mã số liệu: chỉ biểu cấp xã mang số liệu "
                                "để nhập. Dùng «lhtl sheet verify» để đối chiếu biểu này.").format(name=path.name))
        raise _no_codes(path)
    sets = {f.set_id for f in mine}
    if len(sets) > 1:
        raise BundleError(_("«{name}» có mã QR của nhiều biểu khác nhau: mỗi lần chỉ nhập ảnh của một biểu.").format(
            name=path.name))
    total = mine[0].total
    chunks: dict[int, bytes] = {}
    for f in mine:
        if f.total != total or chunks.get(f.index, f.chunk) != f.chunk:
            raise BundleError(_("Mã QR trong «{name}» bị hỏng hoặc bị sửa: không nhập.").format(name=path.name))
        chunks[f.index] = f.chunk
    missing = [i + 1 for i in range(total) if i not in chunks]
    if missing:
        raise BundleError(_("Ảnh «{name}» chỉ đọc được {got}/{total} mã số liệu (thiếu mã số {which}): chụp lại "
                            "cho rõ đủ các mã.").format(name=path.name, got=len(chunks), total=total,
                                                        which=", ".join(map(str, missing))))
    whole = b"".join(chunks[i] for i in range(total))
    if hashlib.sha256(whole).digest()[:4] != mine[0].set_id or len(whole) < 16 + 64 + 1:
        raise BundleError(_("Mã QR trong «{name}» bị hỏng hoặc bị sửa: không nhập.").format(name=path.name))
    return whole


def envelope_from_codes(path: Path) -> bytes:
    """The DSSE bundle envelope a commune sheet's data codes carry, ready for the sync reader."""
    whole = assemble(read_image(path), DATA, path)
    key_id, sig, payload = whole[:16].hex(), whole[16:80], whole[80:]
    envelope = {"payloadType": BUNDLE_TYPE, "payload": base64.b64encode(payload).decode("ascii"),
                "signatures": [{"keyid": key_id, "sig": base64.b64encode(sig).decode("ascii")}]}
    return json.dumps(envelope, separators=(",", ":")).encode("utf-8")


def is_sheet_image(path: Path | str) -> bool:
    return Path(path).suffix.lower() in (*IMAGE_SUFFIXES, ".pdf")


def looks_like_envelope(path: Path) -> bool:
    """A bundle whatever its name (a chat app may rename it): the content decides, as for `.lhtl` files."""
    try:
        with open(path, "rb") as fh:
            return fh.read(64).lstrip().startswith(b"{")
    except OSError:
        return False


@dataclass(frozen=True)
class SignedSheet:
    key_id: str
    unit: str  # the signer's unit
    payload: dict[str, Any]


def read_verification(store: Store, path: Path) -> SignedSheet:
    """The V code of a sheet, its signature checked against a key this installation trusts."""
    from lhtl_desktop.sync.envelope import strict_json

    whole = assemble(read_image(path), VERIFY, path)
    if len(whole) < 16 + 64 + 2:
        raise BundleError(_("Mã QR trong «{name}» bị hỏng hoặc bị sửa.").format(name=path.name))
    key_id, sig, data = whole[:16].hex(), whole[16:80], whole[80:]
    local = load_local(store)
    trusted, _valid = local.trust()
    key = trusted.get(key_id)  # my own keys are among them
    if key is None:
        raise BundleError(_("Biểu được ký bằng khóa chưa đăng ký ở đây (mã khóa {key}): không đối chiếu được. "
                            "Hãy đăng ký khóa của đơn vị lập biểu trước.").format(key=key_id[:8]))
    if not verify_signature(key.public_key, sig, pae(SHEET_TYPE, data)):
        raise BundleError(_("Chữ ký trong mã QR của «{name}» không đúng: biểu đã bị sửa hoặc giả mạo.").format(
            name=path.name))
    doc = strict_json(data)
    if not isinstance(doc, dict) or doc.get("format") != "lhtl-sheet-1" or not isinstance(doc.get("targets"), dict):
        raise BundleError(_("Mã QR trong «{name}» không phải mã kiểm tra biểu của chương trình.").format(name=path.name))
    if key.status == "revoked":
        raise BundleError(_("Biểu được ký bằng khóa đã bị thu hồi: không tin được."))
    return SignedSheet(key_id, key.unit, doc)
