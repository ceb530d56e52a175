"""Synthetic but realistic commune data for `make bench`, independent of the program itself.

What a Vietnamese commune (xã, phường) typically has: a culture-and-sports centre, a library or reading
room, one or two school libraries, sometimes a community bookshelf or a small display house, and one
cultural house per village (thôn, xóm, tổ dân phố) — about 20 institutions. Their yearly figures grow a few
per cent a year with noise; a few institution-years are not reported. Everything is drawn from a seeded
`random.Random`, so every run of the benchmark sees the same data.

Also here: the two "status quo" formats the benchmark compares against — one Excel workbook per commune (as
communes send them today) and a DHIS2 `dataValueSet` JSON document (the national health-statistics exchange
format) — and the reader a province would use on the workbooks.
"""

from __future__ import annotations

import json
import random
import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

YEARS = tuple(range(2020, 2026))  # six years of history
MISSING_SHARE = 0.02  # institution-years nobody reported

# Base values (the first year) per indicator: (low, high). Shares are handled in `yearly_values`.
BASE_RANGES: dict[str, tuple[int, int]] = {
    "LIB_VISITS": (900, 12_000),
    "LIB_READERS": (80, 1_500),
    "LIB_HOLDINGS": (1_500, 16_000),
    "LIB_SKILL_CLASSES": (0, 12),
    "LIB_READING_EVENTS": (0, 18),
    "LIB_MOBILE_RUNS": (0, 30),
    "MUS_VISITS": (1_500, 30_000),
    "MUS_EDU_PROGRAMMES": (0, 6),
    "MUS_STUDENT_PARTICIPANTS": (200, 5_000),
    "MUS_DIGITAL_EXHIBITS": (0, 3),
    "CC_TALENT_CLASSES": (0, 6),
    "CC_CLUBS": (0, 8),
    "CC_INTEREST_GROUPS": (0, 6),
    "CC_MEMBERS": (20, 400),
    "CC_ACTIVITIES": (4, 40),
    "CC_PARTICIPANTS": (200, 6_000),
}
# Parts that may not exceed their whole (the program refuses them): part → (whole, share range).
PARTS: dict[str, tuple[str, tuple[float, float]]] = {
    "LIB_LLL_PARTICIPANTS": ("LIB_VISITS", (0.05, 0.4)),
    "MUS_LEARNING_VISITS": ("MUS_VISITS", (0.1, 0.5)),
}
FLAGS = {"LIB_DIGITAL_SERVICE"}

VILLAGE_WORDS = ("Đông", "Đoài", "Nam", "Bắc", "Thượng", "Hạ", "Trung", "Tiền", "Hậu", "Yên", "Phú", "Lạc",
                 "An", "Bình", "Hòa", "Thịnh", "Vân", "Đình", "Chùa", "Mới", "Cầu", "Bến", "Đồng", "Gò")


@dataclass(frozen=True)
class InstitutionSpec:
    type: str
    name: str
    village: str | None = None


def village_names(rng: random.Random, count: int, ward: bool) -> list[str]:
    """Names of villages (xã) or residential groups (phường), unique within the commune."""
    if ward:
        return [f"Tổ dân phố {n}" for n in range(1, count + 1)]
    names: list[str] = []
    words = list(VILLAGE_WORDS)
    rng.shuffle(words)
    for n in range(count):
        kind = rng.choice(("Thôn", "Thôn", "Xóm"))
        names.append(f"{kind} {words[n]}" if n < len(words) else f"{kind} {n + 1}")
    return names


def commune_institutions(rng: random.Random, short_name: str, ward: bool = False) -> list[InstitutionSpec]:
    """About 20 institutions of one commune, in the order an officer would add them."""
    level = "phường" if ward else "xã"
    specs = [InstitutionSpec("cc_commune", f"Trung tâm Văn hóa – Thể thao {level} {short_name}")]
    if rng.random() < 0.9:
        specs.append(InstitutionSpec("lib_commune", f"Thư viện {level} {short_name}"))
    specs.append(InstitutionSpec("lib_school", f"Thư viện Trường THCS {short_name}"))
    if rng.random() < 0.6:
        specs.append(InstitutionSpec("lib_school", f"Thư viện Trường Tiểu học {short_name}"))
    if rng.random() < 0.3:
        specs.append(InstitutionSpec("lib_community", f"Tủ sách cộng đồng {short_name}"))
    if rng.random() < 0.03:
        specs.append(InstitutionSpec("museum", f"Nhà trưng bày truyền thống {short_name}"))
    for village in village_names(rng, rng.randint(14, 18), ward):
        specs.append(InstitutionSpec("village_house", f"Nhà văn hóa {village}", village))
    return specs


def yearly_values(rng: random.Random, codes: Sequence[str], years: Sequence[int] = YEARS,
                  missing_share: float = MISSING_SHARE) -> dict[int, dict[str, int]]:
    """Values of one institution per year: a base, a yearly trend of −2…+12 %, ±8 % noise, parts ≤ wholes.
    A year may be missing (not reported) with probability `missing_share`."""
    base = {c: rng.randint(*BASE_RANGES[c]) for c in codes if c in BASE_RANGES}
    shares = {c: rng.uniform(*PARTS[c][1]) for c in codes if c in PARTS}
    trend = rng.uniform(0.98, 1.12)
    digital_from = rng.choice([*years, None])
    out: dict[int, dict[str, int]] = {}
    for n, year in enumerate(years):
        if rng.random() < missing_share:
            continue
        values: dict[str, int] = {}
        for code in codes:
            if code in FLAGS:
                values[code] = int(digital_from is not None and year >= digital_from)
            elif code in base:
                values[code] = max(0, round(base[code] * trend**n * rng.uniform(0.92, 1.08)))
        for code, share in shares.items():
            whole = PARTS[code][0]
            values[code] = int(values.get(whole, 0) * share)
        out[year] = values
    return out


# -- the status quo: one Excel workbook per commune ------------------------------------------------------
def write_commune_workbook(path: Path, commune_code: str, commune_name: str, codes: Sequence[str],
                           rows: Iterable[tuple[str, str, str | None, int, Mapping[str, int]]]) -> None:
    """The commune's yearly sheet as it is e-mailed today: a title, a header, one row per institution-year
    (name, type, village, year, then one column per indicator)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Bieu tong hop"
    ws.append([f"BIỂU TỔNG HỢP SỐ LIỆU HỌC TẬP SUỐT ĐỜI — {commune_name} ({commune_code})"])
    ws.append(["STT", "Tên thiết chế", "Loại", "Thôn, tổ dân phố", "Năm", *codes])
    for n, (name, type_code, village, year, values) in enumerate(rows, start=1):
        ws.append([n, name, type_code, village or "", year, *(values.get(c) for c in codes)])
    wb.save(path)


def read_commune_workbooks(paths: Sequence[Path]) -> list[tuple[str, str, int, str, int]]:
    """What a province does with the e-mailed workbooks: open each, read every row, collect the values as
    (commune, institution name, year, indicator, value)."""
    from openpyxl import load_workbook

    out: list[tuple[str, str, int, str, int]] = []
    for path in paths:
        wb = load_workbook(path, read_only=True, data_only=True)
        ws = wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        title = next(rows)[0]
        commune = str(title).rsplit("(", 1)[-1].rstrip(")")
        header = next(rows)
        codes = header[5:]
        for row in rows:
            name, year = row[1], int(row[4])
            for code, value in zip(codes, row[5:], strict=True):
                if value is not None:
                    out.append((commune, str(name), year, str(code), int(value)))
        wb.close()
    return out


# -- DHIS2 dataValueSet ----------------------------------------------------------------------------------
_UID_CHARS = string.ascii_letters + string.digits
DEFAULT_COMBO = "HllvX50cXC0"  # DHIS2's built-in "default" category option combo


def dhis2_uid(rng: random.Random) -> str:
    """An 11-character DHIS2 identifier (a letter, then letters and digits)."""
    return rng.choice(string.ascii_letters) + "".join(rng.choice(_UID_CHARS) for _ in range(10))


def dhis2_data_value_set(rng: random.Random, org_unit: str, period: str, officer: str, stamp: str,
                         values: Iterable[tuple[str, str, int]]) -> dict[str, Any]:
    """The same values as DHIS2 would exchange them (POST /api/dataValueSets): one org unit per institution,
    one data element per indicator, the default category combos, who stored it and when."""
    elements: dict[str, str] = {}
    units: dict[str, str] = {}
    data_values = []
    for institution, code, value in values:
        data_values.append({
            "dataElement": elements.setdefault(code, dhis2_uid(rng)),
            "period": period,
            "orgUnit": units.setdefault(institution, dhis2_uid(rng)),
            "categoryOptionCombo": DEFAULT_COMBO,
            "attributeOptionCombo": DEFAULT_COMBO,
            "value": str(value),
            "storedBy": officer,
            "created": stamp,
            "lastUpdated": stamp,
            "followup": False,
        })
    return {"dataSet": dhis2_uid(rng), "completeDate": stamp[:10], "period": period, "orgUnit": org_unit,
            "attributeOptionCombo": DEFAULT_COMBO, "dataValues": data_values}


def dhis2_json_bytes(doc: Mapping[str, Any]) -> bytes:
    return json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8")
