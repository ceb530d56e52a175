"""The reporting register below the CLI: deadlines and lateness (dates by hand), who is expected, submitting and
reopening with nothing written when refused, the special zones, coverage in evaluation, the 6-month evaluation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from lhtl_desktop.cli import main
from lhtl_desktop.errors import RefusedError, ValidationError
from lhtl_desktop.model.periods import Period
from lhtl_desktop.model.reporting import (
    SubmissionMark,
    UnitStatus,
    coverage_of,
    deadline_of,
    is_late,
    local_date,
    merge_mark,
    parse_day_month,
)
from lhtl_desktop.model.targets import Status
from lhtl_desktop.reference.units import load_province, provinces
from lhtl_desktop.services import entry, installation, reporting
from lhtl_desktop.services.evaluation import evaluate, result_as_json
from lhtl_desktop.services.institutions import add_institution
from lhtl_desktop.storage import Store, open_store
from lhtl_desktop.sync.keys import generate_key

SPECIAL_ZONES = {"11948": "Bạch Long Vĩ", "19742": "Cồn Cỏ", "20333": "Hoàng Sa", "21548": "Lý Sơn",
                 "26732": "Côn Đảo"}


# -- deadlines and lateness (pure) ------------------------------------------------------------------------
def test_default_deadlines_are_15_12_for_the_year_and_14_06_for_the_half() -> None:
    assert deadline_of(Period(2025), reporting.DEFAULT_DEADLINES["year"]) == dt.date(2025, 12, 15)
    assert deadline_of(Period(2025, 1), reporting.DEFAULT_DEADLINES["half"]) == dt.date(2025, 6, 14)


def test_lateness_is_decided_by_the_date_in_vietnam() -> None:
    deadline = dt.date(2025, 12, 15)
    # 16:59 UTC on the 15th is 23:59 in Vietnam: on time; 17:00 UTC is already the 16th there: late.
    assert local_date("2025-12-15T16:59:59.000Z") == dt.date(2025, 12, 15)
    assert not is_late(deadline, "2025-12-15T16:59:59.000Z", dt.date(2026, 3, 1))
    assert is_late(deadline, "2025-12-15T17:00:00.000Z", dt.date(2026, 3, 1))
    # Not submitted: on the deadline day not yet late, the day after late.
    assert not is_late(deadline, None, dt.date(2025, 12, 15))
    assert is_late(deadline, None, dt.date(2025, 12, 16))


@pytest.mark.parametrize("text", ["31/02", "32/01", "15-12", "15/13", "", "１５/12", "0/5", "15/12/2025"])
def test_a_bad_deadline_is_refused(text: str) -> None:
    with pytest.raises(ValidationError):
        parse_day_month(text)


def test_coverage_counts_by_hand() -> None:
    cov = coverage_of(["A", "B", "C", "D"], ["B", "A", "X"], ["C", "B", "Y"])
    assert (cov.expected, cov.submitted, cov.with_data, cov.missing_units) == (4, 2, 2, ("C", "D"))
    assert not cov.complete
    assert coverage_of(["A"], ["A"], []).complete


def _mark(vv: dict[str, int], created: str, edit_id: str, submitted: bool = True) -> SubmissionMark:
    return SubmissionMark("14389", "2025", submitted, vv, "k1", "14389", "An", created, edit_id)


def test_marks_merge_like_records() -> None:
    first = _mark({"k1": 1}, "2025-12-01T00:00:00Z", "a")
    reopened = _mark({"k1": 2}, "2025-12-02T00:00:00Z", "b", submitted=False)
    assert merge_mark(None, first) == first
    assert merge_mark(first, reopened) == reopened  # dominates
    assert merge_mark(reopened, first) is None  # an older mark never wins
    assert merge_mark(first, first) is None
    hub = _mark({"k1": 1, "k2": 1}, "2025-12-03T00:00:00Z", "c")
    # Concurrent (the commune reopened while the hub recorded the paper copy): the later one, everywhere.
    assert merge_mark(reopened, hub) == hub and merge_mark(hub, reopened) is None


# -- set-up helpers -------------------------------------------------------------------------------------------
def _init(tmp_path: Path, unit: str, officer: str = "Cán bộ thử") -> Store:
    store = open_store(tmp_path / f"{unit}.sqlite3")
    installation.init_installation(store, unit, officer, generate_key(None))
    return store


def test_province_sets_deadlines_others_cannot(tmp_path: Path) -> None:
    province = _init(tmp_path, "37")
    assert reporting.deadline_for(province, Period(2025)) == dt.date(2025, 12, 15)
    reporting.set_deadline(province, "year", "31/12")
    reporting.set_deadline(province, "half", "30/6")
    assert reporting.deadline_for(province, Period(2025)) == dt.date(2025, 12, 31)
    assert reporting.deadline_for(province, Period(2026, 1)) == dt.date(2026, 6, 30)
    changes = [(c["field"], c["old_value"], c["new_value"]) for c in province.unit_changes()]
    assert ("deadline_year", None, "31/12") in changes and ("deadline_half", None, "30/06") in changes
    before = province.dump()
    with pytest.raises(ValidationError):
        reporting.set_deadline(province, "year", "31/02")
    with pytest.raises(ValidationError):
        reporting.set_deadline(province, "quarter", "31/03")
    assert province.dump() == before
    hub = _init(tmp_path, "372")
    before = hub.dump()
    with pytest.raises(RefusedError):
        reporting.set_deadline(hub, "year", "01/12")
    assert hub.dump() == before


def test_register_lateness_against_the_deadline(tmp_path: Path) -> None:
    hub = _init(tmp_path, "372", "Lê Văn Cụm")
    reporting.submit(hub, "2025", unit="14389", empty=True)
    submitted_at = reporting.submission(hub, "2025", "14389").created_at  # type: ignore[union-attr]
    submitted_day = local_date(submitted_at)
    before = reporting.register(hub, "2025", today=dt.date(2025, 12, 15))
    after = reporting.register(hub, "2025", today=dt.date(2025, 12, 16))
    late_before = {r.unit for r in before.rows if r.late}
    late_after = {r.unit for r in after.rows if r.late}
    assert late_before == ({"14389"} if submitted_day > dt.date(2025, 12, 15) else set())
    assert late_after == {r.unit for r in after.rows if r.unit != "14389"} | late_before
    assert after.rows[-1].unit == "14389"  # late ones first, the submitted one last
    assert (before.count(UnitStatus.SUBMITTED), before.count(UnitStatus.NONE)) == (1, 7)


def test_submit_refusals_write_nothing(tmp_path: Path) -> None:
    commune = _init(tmp_path, "14389", "Nguyễn Văn An")
    lib = add_institution(commune, "14389", "lib_commune", "Thư viện xã Gia Lâm").id
    before = commune.dump()
    with pytest.raises(RefusedError, match="--empty"):
        reporting.submit(commune, "2025")
    with pytest.raises(RefusedError, match="ngoài phạm vi"):
        reporting.submit(commune, "2025", unit="14401", empty=True)
    with pytest.raises(ValidationError, match="chưa đến"):
        reporting.submit(commune, str(dt.date.today().year + 1), empty=True)
    with pytest.raises(RefusedError, match="chưa nộp"):
        reporting.reopen(commune, "2025")
    with pytest.raises(ValidationError):
        reporting.submit(commune, "2025-H2", empty=True)
    assert commune.dump() == before
    # With values it needs no --empty; a reopen before anything was sent needs no reason.
    entry.set_values(commune, lib, "2025", {"LIB_VISITS": "10"})
    assert reporting.submit(commune, "2025").changed
    assert reporting.reopen(commune, "2025").mark.submitted is False
    assert reporting.submit(commune, "2025").mark.submitted is True


def test_reopen_after_sending_needs_a_reason(tmp_path: Path) -> None:
    from lhtl_desktop.sync import exporter

    commune = _init(tmp_path, "14389", "Nguyễn Văn An")
    reporting.submit(commune, "2025", empty=True)
    exporter.export_bundle(commune, tmp_path / "out.lhtl")
    before = commune.dump()
    with pytest.raises(RefusedError, match="lý do"):
        reporting.reopen(commune, "2025")
    assert commune.dump() == before
    mark = reporting.reopen(commune, "2025", why="Thiếu số liệu nhà văn hóa thôn").mark
    assert (mark.submitted, mark.reason) == (False, "Thiếu số liệu nhà văn hóa thôn")


def test_cli_undo_without_why_after_sending(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "c.sqlite3"
    assert main(["--db", str(db), "init", "--unit", "14389", "--officer", "Nguyễn Văn An"]) == 0
    assert main(["--db", str(db), "submit", "--period", "2025", "--empty"]) == 0
    assert main(["--db", str(db), "export", "--out", str(tmp_path / "x.lhtl"), "--to", "372"]) == 0
    capsys.readouterr()
    store = open_store(db)
    before = store.dump()
    assert main(["--db", str(db), "submit", "--period", "2025", "--undo"]) == 2
    err = capsys.readouterr().err
    assert "lý do (--why)" in err and err.count("\n") == 1
    assert main(["--db", str(db), "submit", "--period", "2025", "--why", "x"]) == 2  # --why only with --undo
    assert store.dump() == before
    assert main(["--db", str(db), "submit", "--period", "2025", "--undo", "--why", "Sửa số liệu"]) == 0
    assert "Đã mở lại báo cáo năm 2025 của Xã Gia Lâm" in capsys.readouterr().out


# -- who must report; the special zones ------------------------------------------------------------------
def test_every_commune_level_unit_of_the_country_is_listed_once() -> None:
    communes: dict[str, str] = {}
    for code, _name in provinces():
        ref = load_province(code)
        listed = [u for u in ref.all_units() if u.level == "commune"]
        assert len(listed) == len({u.code for u in listed}) == len(ref.communes)
        communes.update({u.code: u.name for u in listed})
    assert len(communes) == 3321
    for code, name in SPECIAL_ZONES.items():
        assert communes[code] == f"Đặc khu {name}"


def test_a_special_zone_can_be_set_up_and_is_expected(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "con-dao.sqlite3"
    assert main(["--db", str(db), "init", "--unit", "26732", "--officer", "Nguyễn Văn Đảo", "--json"]) == 0
    out = capsys.readouterr().out
    assert '"name": "Đặc khu Côn Đảo"' in out and '"parent": "79"' in out  # reports to Hồ Chí Minh City
    province = _init(tmp_path, "79")
    expected = reporting.expected_units(province, "79")
    assert "26732" in expected and len(expected) == len(load_province("79").communes)
    reg = reporting.register(province, "2025")
    row = next(r for r in reg.rows if r.unit == "26732")
    assert (row.status, row.hub) == (UnitStatus.NONE, "79")


def test_a_hub_with_institutions_of_its_own_is_expected_too(tmp_path: Path) -> None:
    hub = _init(tmp_path, "372")
    communes = [u.code for u in hub.units().values() if u.parent == "372"]
    assert reporting.expected_units(hub, "372") == sorted(communes)
    add_institution(hub, "372", "lib_district", "Thư viện huyện Nho Quan (cũ)")
    assert reporting.expected_units(hub, "372") == sorted([*communes, "372"])


# -- coverage in the evaluation; the 6-month report ---------------------------------------------------------
def test_evaluation_is_incomplete_until_every_expected_unit_submits(tmp_path: Path) -> None:
    hub = _init(tmp_path, "372", "Lê Văn Cụm")
    lib = add_institution(hub, "14389", "lib_commune", "Thư viện xã Gia Lâm").id
    entry.set_values(hub, lib, "2025", {"LIB_SKILL_CLASSES": "1"}, why="Theo báo cáo giấy")
    r = {x.target: x for x in evaluate(hub, 2025).results}["LIB_COMM_LLL"]
    assert (r.numerator, r.denominator, r.value, r.met) == (1, 1, 100.0, True)
    assert (r.status, r.measured_status) == (Status.INCOMPLETE, Status.MET)
    assert r.coverage is not None and (r.coverage.expected, r.coverage.submitted, r.coverage.with_data) == (8, 0, 1)
    for code in reporting.expected_units(hub, "372"):
        reporting.submit(hub, "2025", unit=code, empty=True)
    r = {x.target: x for x in evaluate(hub, 2025).results}["LIB_COMM_LLL"]
    assert r.status == Status.MET and r.coverage is not None and r.coverage.missing_units == ()
    # One reopened: incomplete again, and that unit is named.
    reporting.reopen(hub, "2025", unit="14401")
    r = {x.target: x for x in evaluate(hub, 2025).results}["LIB_COMM_LLL"]
    assert r.status == Status.INCOMPLETE and r.coverage is not None and r.coverage.missing_units == ("14401",)


def test_six_month_evaluation_reads_the_half_years(tmp_path: Path) -> None:
    """2025-H1: LIB_COMM_LLL 1 of 2 libraries = 50 % (≥ 40 %); LIB_VISITS_GROWTH (600 / 500 − 1) × 100 = 20 %
    from the two 6-month reports — the yearly figures (2025: 9.000 visits) play no part."""
    commune = _init(tmp_path, "14389", "Nguyễn Văn An")
    a = add_institution(commune, "14389", "lib_commune", "Thư viện A").id
    b = add_institution(commune, "14389", "lib_commune", "Thư viện B").id
    entry.set_values(commune, a, "2025-H1", {"LIB_SKILL_CLASSES": "1", "LIB_VISITS": "400"})
    entry.set_values(commune, b, "2025-H1", {"LIB_READING_EVENTS": "0", "LIB_VISITS": "200"})
    entry.set_values(commune, a, "2024-H1", {"LIB_VISITS": "500"})
    entry.set_values(commune, a, "2025", {"LIB_VISITS": "9000", "LIB_SKILL_CLASSES": "0"})
    ev = evaluate(commune, "2025-H1")
    assert ev.period == "2025-H1" and ev.half_year
    r = {x.target: x for x in ev.results}
    lib, growth = r["LIB_COMM_LLL"], r["LIB_VISITS_GROWTH"]
    assert (lib.numerator, lib.denominator, lib.value) == (1, 2, 50.0)
    assert (growth.numerator, growth.denominator) == (600, 500) and growth.value == pytest.approx(20.0)
    assert lib.status == Status.INCOMPLETE  # the 6-month report is not submitted yet
    assert ev.coverage is not None and ev.coverage.with_data == 1
    reporting.submit(commune, "2025-H1")
    assert reporting.submission(commune, "2025") is None  # the 6-month mark is not the year's
    ev = evaluate(commune, "2025-H1")
    j = {x["target"]: x for x in (result_as_json(x) for x in ev.results)}
    assert j["LIB_COMM_LLL"]["status"] == "met" and j["LIB_COMM_LLL"]["provisional"] is True
    assert j["LIB_COMM_LLL"]["status_label"] == "Đạt (tạm tính 6 tháng)" and j["LIB_COMM_LLL"]["period"] == "2025-H1"
    # The year is still judged on its own values and its own (missing) submission.
    year = {x.target: x for x in evaluate(commune, 2025).results}
    assert year["LIB_COMM_LLL"].status == Status.INCOMPLETE and year["LIB_COMM_LLL"].numerator == 0
    reg = reporting.register(commune, "2025-H1")
    assert reg.deadline == dt.date(2025, 6, 14) and reg.rows[0].status == UnitStatus.SUBMITTED



def test_a_six_month_sheet_names_its_periods_not_years(tmp_path: Path) -> None:
    """The sheet of 2025-H1 says «6 tháng đầu năm 2025» where it lists the figures and the missing data, and its
    growth note compares with «6 tháng đầu năm 2024» (what the evaluation read), never «năm 2025» / «năm 2024»."""
    import subprocess

    from lhtl_desktop.services import reports

    commune = _init(tmp_path, "14389", "Nguyễn Văn An")
    a = add_institution(commune, "14389", "lib_commune", "Thư viện A").id
    entry.set_values(commune, a, "2025-H1", {"LIB_SKILL_CLASSES": "1", "LIB_VISITS": "400"})
    pdf = tmp_path / "h1.pdf"
    reports.write_report(commune, "2025-H1", None, pdf)
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, encoding="utf-8",
                                   check=True).stdout.split())
    assert "Số liệu của các thiết chế 6 tháng đầu năm 2025" in text
    assert "tử số là tổng 6 tháng đầu năm 2025, mẫu số là tổng 6 tháng đầu năm 2024" in text
    assert "thiết chế năm 2025" not in text and "tổng năm 2024" not in text

# -- marks converge whatever the order of delivery (Hypothesis) -----------------------------------------------
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_marks = st.lists(
    st.builds(
        lambda counters, minute, n, submitted: SubmissionMark(
            "14389", "2025", submitted, {k: v for k, v in zip(("k1", "k2", "k3"), counters, strict=True) if v},
            "k1", "14389", "", f"2025-12-01T00:{minute:02d}:00.000Z", f"e{n}"),
        st.lists(st.integers(0, 3), min_size=3, max_size=3).filter(any), st.integers(0, 59), st.integers(0, 9),
        st.booleans()),
    min_size=1, max_size=6, unique_by=lambda m: m.edit_id)


@settings(max_examples=200, deadline=None)
@given(_marks, st.randoms(use_true_random=False))
def test_marks_converge_whatever_the_order(marks: list[SubmissionMark], rnd) -> None:  # type: ignore[no-untyped-def]
    def deliver(order: list[SubmissionMark]) -> SubmissionMark | None:
        held: SubmissionMark | None = None
        for m in order:
            chosen = merge_mark(held, m)
            if chosen is not None:
                held = chosen
        return held

    first = deliver(marks)
    shuffled = list(marks) * 2  # repeated delivery changes nothing
    rnd.shuffle(shuffled)
    assert deliver(shuffled) == first


def test_the_receipt_line_reads_as_the_officer_expects() -> None:
    """«Cụm Nho Quan đã nhận gói số 5 lúc 14:32 ngày 03/01/2026: 118 giá trị, 2 xung đột» (07:32 UTC = 14:32)."""
    row = reporting.OutboxRow("b", 5, "372", "Cụm Nho Quan", "2026-01-02T01:00:00.000Z", "f.lhtl", 118,
                              "2026-01-03T07:32:10.000Z",
                              {"new": 100, "changed": 10, "unchanged": 6, "stale": 0, "conflicts": 2, "refused": 0}, ())
    assert row.receipt_text() == "Cụm Nho Quan đã nhận gói số 5 lúc 14:32 ngày 03/01/2026: 118 giá trị, 2 xung đột"
    stale = reporting.OutboxRow("b", 6, "372", "Cụm Nho Quan", "", "", 3, "2026-01-03T17:05:00.000Z",
                                {"new": 0, "changed": 0, "unchanged": 1, "stale": 2, "conflicts": 0, "refused": 0}, ())
    assert stale.receipt_text() == "Cụm Nho Quan đã nhận gói số 6 lúc 00:05 ngày 04/01/2026: 3 giá trị, 2 cũ hơn"
    waiting = reporting.OutboxRow("b", 7, "372", "Cụm Nho Quan", "", "", 3, None, None, ())
    assert waiting.receipt_text() == "Cụm Nho Quan: chưa có biên nhận gói số 7" and not waiting.acknowledged


def test_the_register_is_refused_outside_my_scope(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "c.sqlite3"
    assert main(["--db", str(db), "init", "--unit", "14389", "--officer", "Nguyễn Văn An"]) == 0
    capsys.readouterr()
    assert main(["--db", str(db), "reporting", "--period", "2025", "--scope", "372"]) == 2
    assert "chỉ xem tình hình báo cáo của đơn vị mình" in capsys.readouterr().err
    assert main(["--db", str(db), "reporting", "--period", "2025-H3"]) == 2
    assert "không hợp lệ" in capsys.readouterr().err
    assert main(["--db", str(db), "reporting", "--period", "2025", "--json"]) == 0
    [row] = __import__("json").loads(capsys.readouterr().out)
    assert (row["unit"], row["status"], row["deadline"]) == ("14389", "none", "2025-12-15")
