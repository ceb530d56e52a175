"""The verification code printed in a sheet's footer, so a receiving office can check paper against data.

The code is the first 12 hex digits (upper case, grouped 4-4-4) of SHA-256 over the UTF-8 bytes of this
canonical JSON (keys sorted, no spaces, non-ASCII kept as is):

    {"format": "lhtl-sheet-1", "scope": "<unit code>", "year": <year>,
     "targets": {"<TARGET>": [<numerator or null>, <denominator or null>], …},
     "values": {"<institution id>": {"<INDICATOR>": <value>, …}, …}}

`targets` holds every target's numerator and denominator as printed (share: institutions meeting /
active institutions; growth: the sums of year Y and Y−1); `values` holds every value of year Y of every
active institution in the scope that has one (the provisional value where a conflict is open). Thresholds,
statuses, the date and the issuing office are left out: they are settings or words, not data, so an office
that imported the same data computes the same code even with its own thresholds.

A receiver recomputes it with `lhtl report` / `verification_code(store, year, scope)` after importing the
sender's bundle, or by hand from `evaluate --json` and `get --json` with the recipe above.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lhtl_desktop.services.reports.sheet import Report
    from lhtl_desktop.storage import Store

CODE_FORMAT = "lhtl-sheet-1"


def verification_payload(report: Report) -> dict[str, Any]:
    return {
        "format": CODE_FORMAT,
        "scope": report.scope.code,
        "year": report.year,
        "targets": {t.code: [t.numerator, t.denominator] for t in report.targets},
        "values": {i.id: dict(i.values) for i in report.institutions if i.values},
    }


def sheet_code_payload(report: Report) -> dict[str, Any]:
    """What a sheet's verification QR code carries (signed by sync.sheet_codes): the payload above without the
    values (they would not fit a code), plus the verification code that covers them."""
    payload = verification_payload(report)
    del payload["values"]
    payload["code"] = report.code
    return payload


def canonical_json(payload: Any) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def code_of_payload(payload: Any) -> str:
    digest = hashlib.sha256(canonical_json(payload)).hexdigest()[:12].upper()
    return "-".join(digest[i:i + 4] for i in range(0, 12, 4))


def verification_code_of(report: Report) -> str:
    return code_of_payload(verification_payload(report))


def verification_code(store: Store, year: int | str, scope: str | None = None) -> str:
    """The code a sheet for (year, scope) prints — e.g. for showing beside an imported bundle."""
    from lhtl_desktop.services.reports.sheet import build_report

    return build_report(store, year, scope).code
