"""DSSE v1 envelopes, strict JSON and bounded gunzip: the first steps of reading a bundle (ARCHITECTURE.md §3.1–3.2).

A file is one UTF-8 JSON object `{"payloadType", "payload", "signatures": [{"keyid", "sig"}]}`; the
Ed25519 signature covers DSSE's PAE(payloadType, payload bytes), so the exact signed bytes are checked and
no canonical JSON is needed. PAE is a dozen lines, written here over `cryptography`'s Ed25519 so that the
reader stays strict (duplicate keys, sizes, one signature); a test verifies our files with securesystemslib's
independent DSSE implementation.

Nothing here decompresses or parses a payload: `open_envelope` only splits the file, the caller looks the
key up and calls `verify_envelope` before `gunzip_bounded` and `strict_json` ever see the payload.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import json
import re
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from lhtl_desktop.errors import BundleError
from lhtl_desktop.i18n import _
from lhtl_desktop.storage import files
from lhtl_desktop.sync.keys import verify_signature

BUNDLE_TYPE = "application/vnd.lhtl.bundle.v1+json+gzip"
ENROLMENT_TYPE = "application/vnd.lhtl.enrolment.v1+json+gzip"
CERTIFICATE_TYPE = "application/vnd.lhtl.certificate.v1+json"
KNOWN_TYPES = (BUNDLE_TYPE, ENROLMENT_TYPE)
EXTENSION = ".lhtl"

MAX_FILE_BYTES = 32 * 1024 * 1024  # a province snapshot of 129 communes is a few MB
MAX_PAYLOAD_BYTES = 256 * 1024 * 1024  # after gunzip: the bomb guard
MAX_DEPTH = 12
MAX_NUMBER_CHARS = 20
_KEYID_RE = re.compile(r"[0-9a-f]{32}", re.ASCII)


def pae(payload_type: str, payload: bytes) -> bytes:
    """DSSE v1 pre-authentication encoding: "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body."""
    t = payload_type.encode("utf-8")
    return b"DSSEv1 %d %s %d %s" % (len(t), t, len(payload), payload)


@dataclass(frozen=True)
class Envelope:
    payload_type: str
    payload: bytes  # still gzipped for bundles: not to be opened before verify_envelope()
    keyid: str
    sig: bytes
    raw_size: int


# -- writing ---------------------------------------------------------------------------------------
def seal(payload_type: str, body: dict[str, Any], keyid: str, private: Ed25519PrivateKey, *,
         sort_keys: bool = True) -> bytes:
    """Sign gzip(JSON body) and return the envelope bytes (UTF-8 JSON). A caller whose objects already hold
    their keys in order passes sort_keys=False: the same bytes, without sorting every object again."""
    raw = json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=sort_keys, allow_nan=False)
    # Level 3: a hub re-exports its whole subtree, so compression time adds up; level 6 made bundles ~15 %
    # smaller (a commune year ≈ 9 kB either way) for twice the time. mtime=0: the same body, the same bytes.
    payload = gzip.compress(raw.encode("utf-8"), compresslevel=3, mtime=0)
    sig = private.sign(pae(payload_type, payload))
    envelope = {
        "payloadType": payload_type,
        "payload": base64.b64encode(payload).decode("ascii"),
        "signatures": [{"keyid": keyid, "sig": base64.b64encode(sig).decode("ascii")}],
    }
    return json.dumps(envelope, separators=(",", ":")).encode("utf-8")


def write_atomic(path: Path, data: bytes) -> Path:
    """The whole bundle or nothing (`storage.files.write_atomic`: temp file, fsync, rename, fsync of the
    folder): a pulled USB stick leaves the old file or the whole new one, never half a bundle."""
    try:
        return files.write_atomic(path, data)
    except OSError as exc:
        if exc.errno == 28:
            raise BundleError(_("Ổ đĩa đầy: không ghi được tệp «{path}».").format(path=path)) from exc
        raise BundleError(_("Không ghi được tệp «{path}»: {err}").format(path=path, err=exc.strerror or exc)) from exc


# -- reading ---------------------------------------------------------------------------------------
def read_file_capped(path: Path) -> bytes:
    """Refuse a file over the size cap by stat, before reading a byte of it."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise BundleError(_("Không đọc được tệp «{name}»: {err}").format(name=path.name, err=exc.strerror or exc)) from exc
    if size > MAX_FILE_BYTES:
        raise BundleError(_("Tệp «{name}» quá lớn ({mb} MB, tối đa {cap} MB): không phải gói dữ liệu hợp lệ.").format(
            name=path.name, mb=size // (1024 * 1024), cap=MAX_FILE_BYTES // (1024 * 1024)))
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise BundleError(_("Không đọc được tệp «{name}»: {err}").format(name=path.name, err=exc.strerror or exc)) from exc
    if len(data) > MAX_FILE_BYTES:  # grew between stat and read
        raise BundleError(_("Tệp «{name}» quá lớn: không phải gói dữ liệu hợp lệ.").format(name=path.name))
    return data


def _damaged() -> BundleError:
    return BundleError(_("Tệp bị hỏng hoặc không phải gói dữ liệu của chương trình (có thể bị cắt ngắn hoặc sửa "
                         "đổi khi gửi). Hãy xin đơn vị gửi xuất và gửi lại tệp."))


def open_envelope(data: bytes) -> Envelope:
    """Strictly split an envelope: exact keys, known payloadType, strict base64, one Ed25519 signature."""
    if len(data) > MAX_FILE_BYTES:
        raise BundleError(_("Tệp quá lớn: không phải gói dữ liệu hợp lệ."))
    try:
        doc = strict_json(data, max_depth=4)
    except BundleError:
        raise _damaged() from None
    if not isinstance(doc, dict) or set(doc) != {"payloadType", "payload", "signatures"}:
        raise _damaged()
    payload_type, payload_b64, signatures = doc["payloadType"], doc["payload"], doc["signatures"]
    if not isinstance(payload_type, str) or not isinstance(payload_b64, str) or not isinstance(signatures, list):
        raise _damaged()
    if payload_type not in KNOWN_TYPES:
        raise BundleError(_("Tệp có loại nội dung «{type}» mà chương trình không nhận (không phải gói dữ liệu "
                            "hay tệp đăng ký khóa).").format(type=payload_type[:80]))
    if len(signatures) != 1 or not isinstance(signatures[0], dict) or set(signatures[0]) != {"keyid", "sig"}:
        raise _damaged()
    keyid, sig_b64 = signatures[0]["keyid"], signatures[0]["sig"]
    if not isinstance(keyid, str) or not _KEYID_RE.fullmatch(keyid) or not isinstance(sig_b64, str):
        raise _damaged()
    try:
        payload = base64.b64decode(payload_b64.encode("ascii"), validate=True)
        sig = base64.b64decode(sig_b64.encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        raise _damaged() from None
    if len(sig) != 64 or not payload:
        raise _damaged()
    return Envelope(payload_type, payload, keyid, sig, len(data))


def verify_envelope(env: Envelope, public_b64: str) -> None:
    if not verify_signature(public_b64, env.sig, pae(env.payload_type, env.payload)):
        raise BundleError(_("Chữ ký của gói không hợp lệ: tệp đã bị sửa đổi hoặc hỏng trên đường gửi. Không nhập "
                            "gì cả; hãy xin đơn vị gửi xuất và gửi lại."))


def gunzip_bounded(payload: bytes, limit: int | None = None) -> bytes:
    """Decompress one gzip member, refusing more than `limit` bytes of output (a 'zip bomb') or trailing data."""
    limit = MAX_PAYLOAD_BYTES if limit is None else limit
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = bytearray()
    chunk = 1024 * 1024
    try:
        data = inflater.decompress(payload, chunk)
        while True:
            out += data
            if len(out) > limit:
                raise BundleError(_("Nội dung gói giải nén ra quá lớn (trên {mb} MB): gói bị từ chối để bảo vệ "
                                    "máy.").format(mb=limit // (1024 * 1024)))
            if not inflater.unconsumed_tail:
                break
            data = inflater.decompress(inflater.unconsumed_tail, chunk)
        if not inflater.eof:
            tail = inflater.flush()
            out += tail
            if not inflater.eof or len(out) > limit:
                raise _damaged()
    except zlib.error:
        raise _damaged() from None
    if inflater.unused_data:
        raise _damaged()
    return bytes(out)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _value in pairs:
            if key in seen:
                raise ValueError(f"duplicate key {key!r}")
            seen.add(key)
    return out


def _no_constant(name: str) -> Any:
    raise ValueError(f"constant {name} not allowed")


def _bounded_int(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise ValueError("number too long")
    return int(text)


def _no_float(text: str) -> Any:
    raise ValueError("decimals not allowed")


# A string can hold a surrogate only through a \\uD800–\\uDFFF escape: the UTF-8 decoder already refuses encoded
# surrogates. Only a text with such an escape needs its decoded strings looked at.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def strict_json(data: bytes, *, max_depth: int = MAX_DEPTH) -> Any:
    """Valid UTF-8, no duplicate keys, no NaN/Infinity, no decimals, bounded numbers and depth, no lone
    surrogates. Any breach is a BundleError."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise BundleError(_("Nội dung gói không phải văn bản UTF-8 hợp lệ.")) from None
    try:
        doc = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant,
                         parse_int=_bounded_int, parse_float=_no_float)
    except RecursionError:
        raise BundleError(_("Nội dung gói lồng nhau quá sâu.")) from None
    except ValueError as exc:
        raise BundleError(_("Nội dung gói không đúng định dạng JSON chặt chẽ ({err}).").format(err=str(exc)[:120])) from None
    if _too_deep(doc, max_depth):
        raise BundleError(_("Nội dung gói lồng nhau quá sâu."))
    if _SURROGATE_ESCAPE.search(text):
        try:  # the whole document at once: strict UTF-8 refuses a lone surrogate in any key or string
            json.dumps(doc, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise BundleError(_("Nội dung gói có ký tự không hợp lệ (nửa cặp surrogate).")) from None
    return doc


def _too_deep(doc: Any, max_depth: int) -> bool:
    """Is any node (scalars included; the root is at depth 1) deeper than max_depth? Only containers are
    visited: a container's children sit one level below it."""
    if type(doc) is not dict and type(doc) is not list:
        return max_depth < 1
    stack: list[tuple[Any, int]] = [(doc, 1)]
    pop, push = stack.pop, stack.append
    while stack:
        node, depth = pop()
        children = node.values() if type(node) is dict else node
        if not children:
            continue
        if depth >= max_depth:
            return True
        depth += 1
        for child in children:
            kind = type(child)
            if kind is dict or kind is list:
                push((child, depth))
    return False
