"""Validation of entered values and periods (DOMAIN.md §5–6): model, services and CLI.

Every refusal: exit 2 on the CLI, one Vietnamese line on stderr, and nothing written (store.dump() unchanged).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from lhtl_desktop.cli import main
from lhtl_desktop.errors import LhtlError, RefusedError, ValidationError
from lhtl_desktop.model.catalogue import INDICATORS_BY_CODE, MAX_VALUE
from lhtl_desktop.model.periods import Period, parse_period, parse_year
from lhtl_desktop.model.validation import check_consistency, indicator_for, jump_warning, parse_value
from lhtl_desktop.services import entry, institutions
from lhtl_desktop.services.installation import init_installation
from lhtl_desktop.storage import Store, open_store
from lhtl_desktop.sync.keys import generate_key

VIETNAMESE = set("ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ")
VISITS = INDICATORS_BY_CODE["MUS_VISITS"]
FLAG = INDICATORS_BY_CODE["LIB_DIGITAL_SERVICE"]


def is_vietnamese_line(text: str) -> bool:
    lines = text.strip().splitlines()
    return len(lines) == 1 and any(c in VIETNAMESE for c in lines[0].lower())


# -- model: values --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("abc", "không nhập chữ"),
        ("12a", "không nhập chữ"),
        ("1e3", "không nhập chữ"),
        ("12.5", "số thập phân"),
        ("1,200", "dấu phẩy"),
        ("1.200", "dấu chấm"),
        ("1 200", "dấu cách"),
        ("-5", "số âm"),
        ("١٢", "chữ số 0–9"),  # Arabic-Indic digits
        ("۱۲", "chữ số 0–9"),  # Extended Arabic-Indic
        ("１２", "chữ số 0–9"),  # full-width
        ("", "chưa nhập"),
        ("   ", "chưa nhập"),
        ("1000000001", "quá lớn"),
        ("9999999999", "quá lớn"),  # 10 digits
        ("12345678901", "quá lớn"),
        ("99999999999999999999999999999999999999", "quá lớn"),
    ],
)
def test_parse_value_refuses(text: str, fragment: str) -> None:
    with pytest.raises(ValidationError) as err:
        parse_value(VISITS, text)
    assert fragment in err.value.message
    assert VISITS.label in err.value.message  # names the field
    assert err.value.field == "MUS_VISITS"


@pytest.mark.parametrize(("text", "value"), [("0", 0), ("12", 12), (" 42 ", 42), ("1000000000", MAX_VALUE), (7, 7)])
def test_parse_value_accepts(text: str | int, value: int) -> None:
    assert parse_value(VISITS, text) == value


@pytest.mark.parametrize("text", ["2", "10", "-1", "01x"])
def test_flag_only_zero_or_one(text: str) -> None:
    with pytest.raises(ValidationError):
        parse_value(FLAG, text)
    assert parse_value(FLAG, "0") == 0 and parse_value(FLAG, "1") == 1


def test_flag_message() -> None:
    with pytest.raises(ValidationError, match="chỉ nhập 1"):
        parse_value(FLAG, "2")


def test_indicator_for_refuses_unknown_and_other_family() -> None:
    with pytest.raises(ValidationError, match="không áp dụng"):
        indicator_for("lib_commune", "MUS_VISITS")
    with pytest.raises(ValidationError, match="không áp dụng"):
        indicator_for("museum", "CC_CLUBS")
    with pytest.raises(ValidationError, match="Không có chỉ số"):
        indicator_for("museum", "NOPE")
    assert indicator_for("village_house", "CC_CLUBS").code == "CC_CLUBS"


def test_part_may_not_exceed_whole() -> None:
    check_consistency({"MUS_VISITS": 100, "MUS_LEARNING_VISITS": 100})
    check_consistency({"MUS_LEARNING_VISITS": 100})  # the whole not known: nothing to compare
    with pytest.raises(ValidationError, match="không được lớn hơn") as err:
        check_consistency({"MUS_VISITS": 1000, "MUS_LEARNING_VISITS": 1001})
    assert "1.001" in err.value.message and "1.000" in err.value.message  # Vietnamese grouping
    with pytest.raises(ValidationError, match="không được lớn hơn"):
        check_consistency({"LIB_VISITS": 10, "LIB_LLL_PARTICIPANTS": 11})


@pytest.mark.parametrize(
    ("value", "previous", "warned"),
    [(301, 100, True), (300, 100, False), (34, 100, False), (33, 100, True), (0, 100, True),
     (100, 0, False), (100, None, False), (100, 100, False)],
)
def test_jump_warning(value: int, previous: int | None, warned: bool) -> None:
    w = jump_warning("MUS_VISITS", value, previous)
    assert (w is not None) == warned
    if w:
        assert "3 lần" in w.message and w.previous == previous


# -- model: periods -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["2025-H3", "2025-H2", "25", "２０２５", "٢٠٢٥", "2025-", "2025H1", "", "abc",
                                  "1999", "2101", "20255"])
def test_parse_period_refuses(text: str) -> None:
    with pytest.raises(ValidationError) as err:
        parse_period(text)
    assert err.value.field == "period"
    assert any(c in VIETNAMESE for c in err.value.message.lower())


def test_parse_period_accepts() -> None:
    assert parse_period("2025") == Period(2025)
    assert parse_period(" 2025-H1 ") == Period(2025, 1)
    assert parse_period("2025-H1").key == "2025-H1"
    assert parse_period("2025-H1").previous().key == "2024-H1"
    assert parse_year("2027") == 2027
    with pytest.raises(ValidationError, match="theo năm"):
        parse_year("2025-H1")


# -- services and CLI -----------------------------------------------------------------------------------------
@pytest.fixture
def setup(tmp_path: Path) -> Iterator[tuple[Store, Path, str, str]]:
    """A commune installation (Xã Gia Lâm) with a museum and a commune library."""
    path = tmp_path / "v.sqlite3"
    store = open_store(path)
    init_installation(store, "14389", "Nguyễn Thị Lan", generate_key(None))
    museum = institutions.add_institution(store, "14389", "museum", "Bảo tàng Gia Lâm").id
    library = institutions.add_institution(store, "14389", "lib_commune", "Thư viện xã Gia Lâm").id
    yield store, path, museum, library
    store.close()


BAD_SETS = [
    ("museum", "2025", {"MUS_VISITS": "abc"}),
    ("museum", "2025", {"MUS_VISITS": "12.5"}),
    ("museum", "2025", {"MUS_VISITS": "1,200"}),
    ("museum", "2025", {"MUS_VISITS": "-3"}),
    ("museum", "2025", {"MUS_VISITS": "١٢٣"}),
    ("museum", "2025", {"MUS_VISITS": "１２３"}),
    ("museum", "2025", {"MUS_VISITS": ""}),
    ("museum", "2025", {"MUS_VISITS": "1000000001"}),
    ("museum", "2025", {"MUS_VISITS": "9999999999"}),
    ("library", "2025", {"LIB_DIGITAL_SERVICE": "2"}),
    ("museum", "2025", {"MUS_VISITS": "100", "MUS_LEARNING_VISITS": "101"}),
    ("library", "2025", {"LIB_VISITS": "100", "LIB_LLL_PARTICIPANTS": "150"}),
    ("library", "2025", {"MUS_VISITS": "5"}),  # not applicable to a library
    ("library", "2025", {"NOT_A_CODE": "5"}),
    ("museum", "2025-H3", {"MUS_VISITS": "5"}),
    ("museum", "25", {"MUS_VISITS": "5"}),
    ("museum", "２０２５", {"MUS_VISITS": "5"}),
    # one bad value refuses the whole entry, good ones included
    ("museum", "2025", {"MUS_EDU_PROGRAMMES": "3", "MUS_VISITS": "x"}),
]


@pytest.mark.parametrize(("which", "period", "values"), BAD_SETS)
def test_service_refuses_and_writes_nothing(setup, which: str, period: str, values: dict[str, str]) -> None:
    store, _path, museum, library = setup
    inst = museum if which == "museum" else library
    before = store.dump()
    with pytest.raises(ValidationError) as err:
        entry.set_values(store, inst, period, values)
    assert is_vietnamese_line(err.value.message)
    assert store.dump() == before


@pytest.mark.parametrize(("which", "period", "values"), BAD_SETS)
def test_cli_refuses_and_writes_nothing(setup, capsys, which: str, period: str, values: dict[str, str]) -> None:
    store, path, museum, library = setup
    inst = museum if which == "museum" else library
    before = store.dump()
    args = ["--db", str(path), "set", "--institution", inst, "--period", period,
            *(f"{k}={v}" for k, v in values.items())]
    assert main(args) == 2
    out = capsys.readouterr()
    assert out.out == ""
    assert is_vietnamese_line(out.err), out.err
    assert store.dump() == before


def test_learning_visits_checked_against_visits_saved_earlier(setup, capsys) -> None:
    store, path, museum, _library = setup
    entry.set_values(store, museum, "2025", {"MUS_VISITS": "1000"})
    before = store.dump()
    with pytest.raises(ValidationError, match="không được lớn hơn"):
        entry.set_values(store, museum, "2025", {"MUS_LEARNING_VISITS": "1500"})
    assert store.dump() == before
    assert main(["--db", str(path), "set", "--institution", museum, "--period", "2025",
                 "MUS_LEARNING_VISITS=1500"]) == 2
    assert "không được lớn hơn" in capsys.readouterr().err
    assert store.dump() == before
    # lowering the whole below the part saved earlier is refused the same way
    entry.set_values(store, museum, "2025", {"MUS_LEARNING_VISITS": "800"})
    before = store.dump()
    with pytest.raises(ValidationError, match="không được lớn hơn"):
        entry.set_values(store, museum, "2025", {"MUS_VISITS": "700"})
    assert store.dump() == before
    # a different period is not compared
    entry.set_values(store, museum, "2025-H1", {"MUS_LEARNING_VISITS": "1500"})


def test_cli_malformed_assignment_and_unknown_institution(setup, capsys) -> None:
    store, path, museum, _library = setup
    before = store.dump()
    for args in (["MUS_VISITS"], ["=5"], ["MUS_VISITS=1", "mus_visits=2"]):
        assert main(["--db", str(path), "set", "--institution", museum, "--period", "2025", *args]) == 2
        assert is_vietnamese_line(capsys.readouterr().err)
    assert main(["--db", str(path), "set", "--institution", "no-such-id", "--period", "2025", "MUS_VISITS=1"]) == 2
    assert "Không có thiết chế" in capsys.readouterr().err
    assert store.dump() == before


def test_jump_warnings_saved_with_the_value(setup, capsys) -> None:
    store, path, museum, _library = setup
    entry.set_values(store, museum, "2024", {"MUS_VISITS": "1000", "MUS_EDU_PROGRAMMES": "9"})
    result = entry.set_values(store, museum, "2025", {"MUS_VISITS": "3001", "MUS_EDU_PROGRAMMES": "3"})
    assert result.saved == {"MUS_VISITS": 3001, "MUS_EDU_PROGRAMMES": 3}
    assert [w.indicator for w in result.warnings] == ["MUS_VISITS"]  # 3 = 9/3 exactly: no warning
    current = entry.current_values(store, museum, "2025")
    assert current["MUS_VISITS"].value == 3001
    assert current["MUS_VISITS"].record.warning and "3 lần" in current["MUS_VISITS"].record.warning
    assert current["MUS_EDU_PROGRAMMES"].record.warning is None
    # less than a third, through the CLI: saved (exit 0), the warning on stderr
    assert main(["--db", str(path), "set", "--institution", museum, "--period", "2025", "MUS_EDU_PROGRAMMES=2"]) == 0
    out = capsys.readouterr()
    assert "Đã lưu MUS_EDU_PROGRAMMES = 2" in out.out
    assert out.err.startswith("Cảnh báo:")
    assert entry.current_values(store, museum, "2025")["MUS_EDU_PROGRAMMES"].record.warning


def test_every_refusal_is_an_lhtl_error_with_exit_code_2() -> None:
    assert ValidationError("x").exit_code == 2
    assert RefusedError("x").exit_code == 2
    assert issubclass(ValidationError, LhtlError)


# -- diacritics folded in one place (model.text) --------------------------------------------------------------
def test_fold_matches_and_slug_share_one_rule() -> None:
    from lhtl_desktop.model.text import ascii_slug, fold, matches

    assert fold("  Xã  Gia Lâm ") == "xa gia lam"
    assert fold("Phường Đông Hải") == "phuong dong hai"
    assert matches("gia lam", "Xã Gia Lâm") and matches("ĐÔNG", "Phường Đông Hải")
    assert not matches("gia lam", "Xã Gia Vân")
    assert ascii_slug("Xã Gia Lâm") == "Xa-Gia-Lam"
    assert ascii_slug("Thị trấn Đồng Văn (cũ)") == "Thi-tran-Dong-Van-cu"
    assert ascii_slug("—", empty="x") == "x"
    assert len(ascii_slug("Thư viện " * 20)) == 40
