"""Words, not codes (issue 18, item 3): local times in text (ISO UTC in JSON), a dry run that says nothing was
written, `key export` naming the right direction, a fingerprint mismatch that shows no digits."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from lhtl_desktop.i18n import fmt_local_time, valid_codes_hint
from tests.cli.helpers import local_time_zone, refused
from tests.sync.helpers import enrol, make_site

UTC7 = dt.timezone(dt.timedelta(hours=7))


def _local(iso: str) -> str:
    """UTC+7 by hand, independently of the code under test."""
    moment = dt.datetime.strptime(iso[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=dt.UTC)
    return moment.astimezone(UTC7).strftime("%d/%m/%Y %H:%M")


def test_local_time_format(monkeypatch: pytest.MonkeyPatch) -> None:
    with local_time_zone(monkeypatch):
        assert fmt_local_time("2026-01-15T02:30:00Z") == "15/01/2026 09:30"
        assert fmt_local_time("2026-12-31T20:05:59.123Z") == "01/01/2027 03:05"  # across the new year
        assert fmt_local_time(None) == "" and fmt_local_time("hôm qua") == "hôm qua"


def test_valid_codes_hint() -> None:
    assert valid_codes_hint("LIB_VISIT", ["LIB_VISITS", "LIB_READERS"]) == "Có phải: LIB_VISITS?"
    assert valid_codes_hint("QQQ", ["A1", "B2"]) == "Các mã hợp lệ: A1, B2."


def test_key_export_says_up_or_down(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    commune = make_site(tmp_path, capsys, "14389")
    hub = make_site(tmp_path, capsys, "372", "Lê Văn Cụm")
    province = make_site(tmp_path, capsys, "37", "Trần Thị Bình")
    out = tmp_path / "k.lhtl"
    assert "(đọc cho cấp trên qua điện thoại" in commune.ok("key", "export", "--out", str(out))
    assert "(đọc cho cấp dưới qua điện thoại" in province.ok("key", "export", "--out", str(out))
    assert "(đọc cho đơn vị nhận (cấp trên hoặc cấp dưới)" in hub.ok("key", "export", "--out", str(out))
    assert "(đọc cho cấp dưới qua điện thoại" in hub.ok("key", "export", "--out", str(out), "--to", "14389")
    assert "(đọc cho cấp trên qua điện thoại" in hub.ok("key", "export", "--out", str(out), "--to", "37")
    out.unlink()
    refused(commune, "key", "export", "--out", str(out), "--to", "14401", fragment="không phải cấp trên")
    refused(commune, "key", "export", "--out", str(out), "--to", "99999", fragment="99999")
    refused(commune, "key", "export", "--out", str(out), "--to", "1438", fragment="không hợp lệ")
    assert not out.exists()


def test_fingerprint_mismatch_shows_no_digits(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    commune = make_site(tmp_path, capsys, "14389")
    hub = make_site(tmp_path, capsys, "372", "Lê Văn Cụm")
    path = tmp_path / "enrol.lhtl"
    commune.ok("key", "export", "--out", str(path))
    right = commune.fingerprint().replace(" ", "")
    wrong = right[:-1] + ("0" if right[-1] != "0" else "1")
    err = refused(hub, "key", "enroll", str(path), "--fingerprint", wrong, fragment="Dấu vân tay không khớp")
    assert not re.search(r"\d", err), err  # neither the file's digits nor the typed ones
    assert all(k["unit"] != "14389" for k in hub.json("key", "list"))  # nothing trusted


def test_dry_run_inbox_and_quarantine_speak_local_time(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    commune = make_site(tmp_path, capsys, "14389")
    hub = make_site(tmp_path, capsys, "372", "Lê Văn Cụm")
    commune.add("lib_commune", "Thư viện xã Gia Lâm")
    commune.ok("set", "--institution", "14389-1", "--period", "2025", "LIB_VISITS=1200")
    bundle = tmp_path / "b1.lhtl"
    assert commune.ok("export", "--out", str(bundle)) == (
        f"Đã ghi gói số 1 gửi Huyện Nho Quan (cũ) (372): {bundle} (1 thiết chế, 1 giá trị).\n")

    # not enrolled yet: quarantined, listed with the local time it arrived
    code, _out, _err = hub.run("import", str(bundle))
    assert code == 3
    (row,) = hub.json("quarantine")
    with local_time_zone(monkeypatch):
        text = hub.ok("quarantine")
    assert _local(row["received_at"]) in text and row["received_at"] not in text

    enrol(hub, commune, tmp_path)
    before = hub.store().dump()
    dry = hub.ok("import", str(bundle), "--dry-run")
    assert dry.splitlines()[0] == f"{bundle}: xem trước — chưa ghi gì (sẽ nhập)"
    assert "đã nhập" not in dry and hub.store().dump() == before
    assert hub.ok("import", str(bundle)).splitlines()[0] == f"{bundle}: đã nhập"
    (box,) = hub.json("inbox")
    with local_time_zone(monkeypatch):
        text = hub.ok("inbox")
    assert f"gói cuối số 1, nhận lúc {_local(box['last_imported'])}" in text
    assert box["last_imported"].endswith("Z")  # JSON keeps ISO UTC


def test_a_wrong_unit_code_points_to_the_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    commune = make_site(tmp_path, capsys, "14389")
    refused(commune, "evaluate", "--period", "2025", "--scope", "99999", fragment="danh sách mã: «units»")
    refused(commune, "institution", "add-villages", "--unit", "99998", str(tmp_path), fragment="«units")
    refused(commune, "export", "--out", str(tmp_path), "--to", "99999", fragment="danh sách mã: «units»")
    assert not list(tmp_path.glob("*.lhtl"))
