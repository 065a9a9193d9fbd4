"""Build pipeline/rules/provinces.json and pipeline/rules/districts.json from `vietnamadminunits`.

Run once by hand when the data should change; the output is committed and the pipeline
never imports this script or the package (pipeline/gazetteer.py reads the JSON only):

    python -m venv /tmp/gz && /tmp/gz/bin/pip install vietnamadminunits==1.0.4
    /tmp/gz/bin/python tools/build_gazetteers.py

What comes from the package (its bundled SQLite `data/dataset.db` and
`data/converter_2025.json`): the 63 provinces before the 1 July 2025 merger and the 34
after, their codes and representative lat/lon, the old -> new province mapping, and the
district-level units before 2025. What is written here by hand: the spelling the project
uses (GOLD.md), the socio-economic region, the spelling variants printed in the press and
the few context rules in EXTRA_RULES. pipeline/rules/outlets.json is maintained by hand, not here.
"""
from __future__ import annotations

import collections
import json
import re
import sqlite3
import sys
import unicodedata
from pathlib import Path

import vietnamadminunits

PACKAGE = "vietnamadminunits"
PACKAGE_VERSION = "1.0.4"
OUT = Path(__file__).resolve().parents[1] / "pipeline" / "rules"
PKG_DIR = Path(vietnamadminunits.__file__).resolve().parent


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


# The package's legacy table already calls Thừa Thiên Huế "Huế" (a centrally-run city from
# 1 January 2025); before 2025 the project writes it "Thừa Thiên Huế" (GOLD.md).
PRE_NAME_FIX = {"Huế": "Thừa Thiên Huế"}

REGIONS = {
    "Trung du và miền núi phía Bắc": [
        "Hà Giang", "Cao Bằng", "Bắc Kạn", "Tuyên Quang", "Lào Cai", "Điện Biên", "Lai Châu",
        "Sơn La", "Yên Bái", "Hòa Bình", "Thái Nguyên", "Lạng Sơn", "Bắc Giang", "Phú Thọ",
    ],
    "Đồng bằng sông Hồng": [
        "Hà Nội", "Vĩnh Phúc", "Bắc Ninh", "Quảng Ninh", "Hải Dương", "Hải Phòng", "Hưng Yên",
        "Thái Bình", "Hà Nam", "Nam Định", "Ninh Bình",
    ],
    "Bắc Trung Bộ và duyên hải miền Trung": [
        "Thanh Hóa", "Nghệ An", "Hà Tĩnh", "Quảng Bình", "Quảng Trị", "Thừa Thiên Huế",
        "Đà Nẵng", "Quảng Nam", "Quảng Ngãi", "Bình Định", "Phú Yên", "Khánh Hòa",
        "Ninh Thuận", "Bình Thuận",
    ],
    "Tây Nguyên": ["Kon Tum", "Gia Lai", "Đắk Lắk", "Đắk Nông", "Lâm Đồng"],
    "Đông Nam Bộ": [
        "Bình Phước", "Tây Ninh", "Bình Dương", "Đồng Nai", "Bà Rịa - Vũng Tàu", "Hồ Chí Minh",
    ],
    "Đồng bằng sông Cửu Long": [
        "Long An", "Tiền Giang", "Bến Tre", "Trà Vinh", "Vĩnh Long", "Đồng Tháp", "An Giang",
        "Kiên Giang", "Cần Thơ", "Hậu Giang", "Sóc Trăng", "Bạc Liêu", "Cà Mau",
    ],
}
REGION_OF = {p: r for r, ps in REGIONS.items() for p in ps}
# A post-2025 unit takes the region of the pre-2025 unit whose name (seat) it keeps.
POST_REGION_FROM = {"Huế": "Thừa Thiên Huế"}

# Variants printed in the press, besides the name itself and its new-style tone placement
# (generated below). Matching is case-sensitive on each word's first letter; a variant
# word written lower-case here matches either case ("thành phố" / "Thành phố").
EXTRA_VARIANTS = {
    "Hồ Chí Minh": [
        "TP.HCM", "TP HCM", "TPHCM", "Tp.HCM", "TP.Hồ Chí Minh", "TP Hồ Chí Minh",
        "Tp Hồ Chí Minh", "thành phố Hồ Chí Minh", "Sài Gòn",
    ],
    "Thừa Thiên Huế": [
        "Thừa Thiên - Huế", "Thừa Thiên-Huế", "TT-Huế", "TT Huế", "TT.Huế", "TTHuế",
    ],
    "Huế": ["TP Huế", "TP.Huế", "thành phố Huế", "Cố đô Huế"],
    "Bà Rịa - Vũng Tàu": ["Bà Rịa-Vũng Tàu", "Bà Rịa – Vũng Tàu", "Bà Rịa Vũng Tàu", "BR-VT", "BRVT"],
    "Đắk Lắk": ["Đăk Lăk", "Đắc Lắc", "Đắk Lăk", "Đăk Lắk", "ĐắkLắk", "Đắklắk", "Dak Lak", "Daklak", "Đaklak"],
    "Đắk Nông": ["Đăk Nông", "Đak Nông", "Đắc Nông", "ĐắkNông", "Dak Nong", "Daknong"],
    "Bắc Kạn": ["Bắc Cạn"],
    "Kon Tum": ["KonTum", "Kontum", "Công Tum"],
    "Hà Nội": ["TP Hà Nội", "TP.Hà Nội"],
    "Đà Nẵng": ["TP Đà Nẵng", "TP.Đà Nẵng"],
    "Hải Phòng": ["TP Hải Phòng", "TP.Hải Phòng"],
    "Cần Thơ": ["TP Cần Thơ", "TP.Cần Thơ"],
}
# Names that are not the province when printed bare: Hồ Chí Minh is also the President's
# name ("tư tưởng Hồ Chí Minh", "Đoàn TNCS Hồ Chí Minh"); the city needs a "TP"/"thành
# phố" form, which EXTRA_VARIANTS lists.
BARE_NAME_UNSAFE = {"Hồ Chí Minh"}
# Context rules: the match is dropped when the next word (not_before) or the previous word
# (not_after) is one of these, as printed (first letter's case matters).
EXTRA_RULES = {
    "Thái Bình": {"not_before": ["Dương"]},  # Thái Bình Dương: the Pacific Ocean
    "Bình Dương": {"not_after": ["Thái"]},
    "Điện Biên": {"not_before": ["Phủ"]},  # Điện Biên Phủ: the battle, streets in every city
    "Đồng Tháp": {"not_before": ["Mười"]},  # Đồng Tháp Mười: the plain, three provinces
    "Hà Nam": {"not_before": ["Ninh"]},  # Hà Nam Ninh: the former (1975-1991) province
    "Huế": {"not_after": ["Thị", "Văn", "Kim", "Thu", "Minh", "Ngọc", "Xuân"]},  # given name
}

# Old-style (Hòa) -> new-style (Hoà) tone placement, to list the variants people print.
_OLD_TO_NEW = {}
for a, b in (("o", "a"), ("o", "e"), ("u", "y")):
    for mark in ("\u0300", "\u0301", "\u0309", "\u0303", "\u0323"):
        for up in (False, True):
            x, y = (a.upper(), b) if up else (a, b)
            _OLD_TO_NEW[nfc(x + mark) + y] = x + nfc(y + mark)


def vi_key(s: str) -> tuple:
    """Sort key in Vietnamese alphabetical order, roughly: base letters first (đ after d),
    then the accented spelling as a tie-break."""
    base = "".join(c for c in unicodedata.normalize("NFD", s.replace("đ", "d\uffff").replace("Đ", "D\uffff"))
                   if not unicodedata.combining(c))
    return (base.lower(), s)


def new_style(name: str) -> str:
    out = name
    for old, new in _OLD_TO_NEW.items():
        out = re.sub(rf"(?<![qQ]){re.escape(old)}(?!\w)", new, out)
    return out


def province_rows(con, table):
    rows = con.execute(
        f"select distinct province, provinceShort, provinceCode, provinceLat, provinceLon from {table}"
    ).fetchall()
    return [tuple(nfc(x) if isinstance(x, str) else x for x in r) for r in rows]


def key_to_short(con):
    """Package province key ("tinhbentre") -> short name, for the legacy table."""
    rows = con.execute("select distinct provinceKey, provinceShort from admin_units_legacy").fetchall()
    return {k: nfc(s) for k, s in rows}


def variants_for(name: str) -> list[str]:
    out = [] if name in BARE_NAME_UNSAFE else [name]
    ns = new_style(name)
    if ns != name and name not in BARE_NAME_UNSAFE:
        out.append(ns)
    for v in EXTRA_VARIANTS.get(name, []):
        v = nfc(v)
        out.append(v)
        nv = new_style(v)
        if nv != v:
            out.append(nv)
    seen, res = set(), []
    for v in out:
        if v not in seen:
            seen.add(v)
            res.append(v)
    return res


def build_provinces(con) -> list[dict]:
    legacy = province_rows(con, "admin_units_legacy")
    new = province_rows(con, "admin_units")
    assert len(legacy) == 63 and len(new) == 34, (len(legacy), len(new))
    conv = json.loads((PKG_DIR / "data" / "converter_2025.json").read_text(encoding="utf-8"))
    legacy_short = key_to_short(con)
    new_key_short = {
        k: nfc(s)
        for k, s in con.execute("select distinct provinceKey, provinceShort from admin_units").fetchall()
    }
    succ, preds = {}, collections.defaultdict(list)
    for new_key, old_keys in conv["DICT_PROVINCE"].items():
        new_name = new_key_short[new_key]
        for ok in old_keys:
            old_name = PRE_NAME_FIX.get(legacy_short[ok], legacy_short[ok])
            succ[old_name] = new_name
            preds[new_name].append(old_name)
    entries = []
    for full, short, code, lat, lon in legacy:
        name = PRE_NAME_FIX.get(short, short)
        full_name = "Tỉnh Thừa Thiên Huế" if name == "Thừa Thiên Huế" else full
        entries.append(_entry(name, "pre2025", full_name, code, lat, lon,
                              REGION_OF[name], successor=succ[name]))
    for full, short, code, lat, lon in new:
        entries.append(_entry(short, "post2025", full, code, lat, lon,
                              REGION_OF[POST_REGION_FROM.get(short, short)],
                              successor=short, predecessors=sorted(preds[short])))
    assert len(succ) == 63, len(succ)
    entries.sort(key=lambda e: (e["era"] != "pre2025", vi_key(e["name"])))
    return entries


def _entry(name, era, full_name, code, lat, lon, region, successor, predecessors=None):
    e = {
        "name": name,
        "era": era,
        "full_name": full_name,
        "type": "thành phố trực thuộc trung ương" if full_name.startswith("Thành phố") else "tỉnh",
        "code": code,
        "region": region,
        "successor": successor,
    }
    if predecessors is not None:
        e["predecessors"] = predecessors
    e["lat"] = round(lat, 6) if lat is not None else None
    e["lon"] = round(lon, 6) if lon is not None else None
    e["match_bare_name"] = name not in BARE_NAME_UNSAFE
    e["variants"] = variants_for(name)
    rules = EXTRA_RULES.get(name, {})
    e["not_before"] = rules.get("not_before", [])
    e["not_after"] = rules.get("not_after", [])
    return e


# District-level units the package's snapshot (taken after 1 January 2025) no longer has.
EXTRA_DISTRICTS = [
    # Huế was a city under Thừa Thiên Huế until it became centrally-run on 2025-01-01
    # (its area is now quận Thuận Hóa and quận Phú Xuân).
    {"name": "Huế", "full_name": "Thành phố Huế", "type": "Thành phố", "province": "Thừa Thiên Huế",
     "code": None, "lat": 16.463712, "lon": 107.590863, "source": "hand"},
]
# Other spellings of district names seen in the press -> the package's name.
DISTRICT_ALIASES = {
    "Buôn Mê Thuột": "Buôn Ma Thuột",
    "Plei Ku": "Pleiku",
    "Kbang": "KBang",
}


def build_districts(con) -> list[dict]:
    rows = con.execute(
        "select distinct provinceShort, district, districtShort, districtType, districtCode,"
        " districtLat, districtLon from admin_units_legacy"
    ).fetchall()
    out = []
    for prov, full, short, typ, code, lat, lon in rows:
        prov, full, short, typ = nfc(prov), nfc(full), nfc(short), nfc(typ)
        name = re.sub(r"\s*\([^)]*\)$", "", short)  # "Kỳ Anh (Huyện)" -> "Kỳ Anh"
        out.append({
            "name": name, "full_name": full, "type": typ,
            "province": PRE_NAME_FIX.get(prov, prov), "code": code,
            "lat": round(lat, 6) if lat is not None else None,
            "lon": round(lon, 6) if lon is not None else None,
            "source": PACKAGE,
        })
    out.extend(EXTRA_DISTRICTS)
    by_name = collections.defaultdict(set)
    for d in out:
        by_name[d["name"].lower()].add(d["province"])
    for d in out:
        provs = sorted(by_name[d["name"].lower()])
        d["ambiguous"] = len(provs) > 1
        d["provinces"] = provs
        d["aliases"] = sorted(a for a, t in DISTRICT_ALIASES.items() if t == d["name"])
    out.sort(key=lambda d: (vi_key(d["name"]), vi_key(d["province"]), d["full_name"]))
    return out


def dump(path: Path, data) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=1)
    path.write_text(nfc(text) + "\n", encoding="utf-8")


def main() -> int:
    installed = getattr(vietnamadminunits, "__version__", None)
    con = sqlite3.connect(PKG_DIR / "data" / "dataset.db")
    provinces = build_provinces(con)
    districts = build_districts(con)
    dump(OUT / "provinces.json", provinces)
    dump(OUT / "districts.json", districts)
    print(f"{PACKAGE} {installed or PACKAGE_VERSION}: {sum(e['era'] == 'pre2025' for e in provinces)} pre2025, "
          f"{sum(e['era'] == 'post2025' for e in provinces)} post2025 provinces; {len(districts)} districts "
          f"({sum(d['ambiguous'] for d in districts)} ambiguous)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
