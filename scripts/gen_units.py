#!/usr/bin/env python3
"""Generate the administrative-unit tables data/units.csv and data/unit_successors.csv.

Run from the repository root (Python 3.11+, network access to PyPI only):

    python3 scripts/gen_units.py              # fetch the source, write both CSVs, self-check
    python3 scripts/gen_units.py --check-only # only re-run the self-check on the committed CSVs
    python3 scripts/gen_units.py --source DIR # use an already unpacked `vietnamadminunits`
                                              # package directory instead of fetching it

Source: the MIT-licensed PyPI package `vietnamadminunits==1.0.4` (Hieu Tran,
https://github.com/tranngocminhhieu/vietnamadminunits). It is installed with pip into a throwaway
temporary directory (`--no-deps --require-hashes`, nothing is imported from it); the script reads
its bundled `data/dataset.db` (SQLite: tables `admin_units_legacy` = 63 provinces / 696 districts /
10,035 communes until 30 Jun 2025, `admin_units` = 34 provinces / 3,321 communes from 1 Jul 2025)
and `data/converter_2025.json` (old -> new mapping of 1 Jul 2025).

Only codes and names are taken. The source also carries latitude/longitude, bounds and geocoder
addresses: those columns are never selected and never written (see NOTICE).

The change of 30 Apr 2026 (Đồng Nai becomes a centrally-run city, ten of its xã become phường) is
not in the package and is added by hand below (DONG_NAI_2026), with its sources.

Output is deterministic: rerunning produces byte-identical files. See data/README.md.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path

# --------------------------------------------------------------------------------------------
# Source pin
# --------------------------------------------------------------------------------------------
PACKAGE = "vietnamadminunits"
VERSION = "1.0.4"
# sha256 of vietnamadminunits-1.0.4-py3-none-any.whl as published on PyPI.
WHEEL_SHA256 = "737ee3662e877290386c1c45ed4d71f2e5fae34ab6fb9c64bfb4cb74b216ea35"

REPO_ROOT = Path(__file__).resolve().parent.parent
UNITS_CSV = REPO_ROOT / "data" / "units.csv"
SUCCESSORS_CSV = REPO_ROOT / "data" / "unit_successors.csv"

UNITS_HEADER = ["id", "code", "name", "kind", "level", "parent_id", "valid_from", "valid_to"]
SUCCESSORS_HEADER = ["old_id", "new_id", "old_code", "new_code"]

REFORM_2025 = "2025-07-01"  # Resolution 202/2025/QH15; code list Decision 19/2025/QĐ-TTg

# --------------------------------------------------------------------------------------------
# Hand-added change: Đồng Nai, 30 Apr 2026
# --------------------------------------------------------------------------------------------
# Resolution 30/2026/QH16 of the National Assembly establishes "Thành phố Đồng Nai", a
# centrally-run city on the unchanged territory of Tỉnh Đồng Nai (code 75), effective 30 Apr 2026.
# Resolution 237/NQ-UBTVQH16 (14 Apr 2026, "Về việc thành lập 10 phường thuộc tỉnh Đồng Nai")
# turns ten of its xã into phường with unchanged territory and codes, same effective date.
#   https://xaydungchinhsach.chinhphu.vn/nghi-quyet-so-30-2026-qh16-thanh-lap-thanh-pho-dong-nai-119260430102336551.htm
#   https://vanban.chinhphu.vn/?pageid=27160&docid=217876&classid=2  (237/NQ-UBTVQH16)
# The list of ten was not read from the resolution text itself (not reachable from here); it was
# taken from two independent secondary compilations that agree code for code: the 2026 amendment
# table of the GSO catalogue (danhmuchanhchinh.nso.gov.vn, as transcribed in the open-source
# vietnam-address-kit data/source/current-amendments-2026.json) and a baochinhphu.vn report on the
# resolution. Counts agree with the published result: 95 units = 33 phường + 62 xã.
# The script asserts that every code below exists in province 75 as a xã with exactly this name.
DONG_NAI_2026 = {
    "date": "2026-04-30",
    "province_code": "75",
    "province_kind": "Thành phố",
    "new_wards": {  # code -> name (all were "Xã" from 1 Jul 2025, become "Phường")
        "25270": "Lộc Ninh",
        "25357": "Tân Khai",
        "25363": "Đồng Phú",
        "26116": "Tân Phú",
        "26170": "Trị An",
        "26248": "Trảng Bom",
        "26326": "Dầu Giây",
        "26368": "Long Thành",
        "26425": "Xuân Lộc",
        "26485": "Nhơn Trạch",
    },
}

# Kind words, canonical spelling. Longest first so that prefix matching is unambiguous.
KINDS_BY_LEVEL = {
    "province": ("Thành phố", "Tỉnh"),
    "district": ("Thành phố", "Thị xã", "Huyện", "Quận"),
    "commune": ("Thị trấn", "Đặc khu", "Phường", "Xã"),
}
LEVEL_RANK = {"province": 0, "district": 1, "commune": 2}
CODE_LEN = {"province": 2, "district": 3, "commune": 5}

# Real names that begin with a kind word (Huế: "Phường Phường Đúc" = ward named "Phường Đúc").
NAMES_STARTING_WITH_KIND = {"Phường Đúc"}

WARNINGS: set[str] = set()


def warn(msg: str) -> None:
    WARNINGS.add(msg)


def nfc(s: str) -> str:
    """NFC, with runs of whitespace collapsed and ends trimmed."""
    return " ".join(unicodedata.normalize("NFC", s).split())


def split_kind(full: str, level: str, type_col: str | None, what: str) -> tuple[str, str]:
    """'Thị Trấn Óc Eo' -> ('Thị trấn', 'Óc Eo'). The kind is read from the full name, which the
    source gets right where its separate type column is wrong (e.g. 'Phường Việt Hòa' typed Xã)."""
    full = nfc(full)
    for kind in KINDS_BY_LEVEL[level]:
        if full.casefold().startswith(kind.casefold() + " "):
            name = full[len(kind) + 1:].strip()
            if type_col is not None and nfc(type_col).casefold() != kind.casefold():
                warn(f"{what}: type column says {type_col!r} but full name is {full!r}; using {kind!r}")
            if not name:
                raise SystemExit(f"{what}: empty name in {full!r}")
            return kind, name
    raise SystemExit(f"{what}: no known {level} kind at the start of {full!r}")


# --------------------------------------------------------------------------------------------
# Fetching the source
# --------------------------------------------------------------------------------------------
def install_package(tmp: Path) -> Path:
    req = tmp / "requirements.txt"
    req.write_text(f"{PACKAGE}=={VERSION} --hash=sha256:{WHEEL_SHA256}\n", encoding="utf-8")
    target = tmp / "site"
    cmd = [
        sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
        "--no-deps", "--only-binary=:all:", "--require-hashes", "--no-compile",
        "--target", str(target), "-r", str(req),
    ]
    print("+", " ".join(cmd), file=sys.stderr)
    subprocess.run(cmd, check=True, env={**os.environ, "PIP_ROOT_USER_ACTION": "ignore"})
    return target / PACKAGE


def check_package(pkg: Path) -> None:
    metas = list(pkg.parent.glob(f"{PACKAGE}-*.dist-info/METADATA"))
    if metas:
        meta = metas[0].read_text(encoding="utf-8")
        if f"\nVersion: {VERSION}\n" not in meta:
            raise SystemExit(f"{metas[0]}: expected version {VERSION}")
    for f in ("data/dataset.db", "data/converter_2025.json"):
        if not (pkg / f).is_file():
            raise SystemExit(f"{pkg / f} missing: is {pkg} the `{PACKAGE}` package directory?")


# --------------------------------------------------------------------------------------------
# Model
# --------------------------------------------------------------------------------------------
@dataclass
class Row:
    key: tuple            # internal identity, e.g. ("C", "2025", "18322")
    code: str
    name: str
    kind: str
    level: str
    parent_key: tuple | None
    valid_from: str = ""  # "" = unbounded
    valid_to: str = ""
    id: int = 0


@dataclass
class Build:
    rows: dict = field(default_factory=dict)       # key -> Row
    succ: set = field(default_factory=set)         # (old_key, new_key)

    def add(self, row: Row) -> Row:
        if row.key in self.rows:
            raise SystemExit(f"duplicate internal key {row.key}")
        self.rows[row.key] = row
        return row


def load(pkg: Path) -> Build:
    db = sqlite3.connect(f"file:{pkg / 'data' / 'dataset.db'}?mode=ro", uri=True)
    conv = json.loads((pkg / "data" / "converter_2025.json").read_text(encoding="utf-8"))
    b = Build()

    # ---- old era (until 30 Jun 2025). Coordinates are never selected. ----
    legacy = db.execute(
        "SELECT provinceCode, province, provinceKey, districtCode, district, districtType, districtKey,"
        " wardCode, ward, wardType, wardKey FROM admin_units_legacy"
    ).fetchall()
    old_prov: dict[str, tuple] = {}       # code -> (kind, name, key)
    old_dist: dict[str, tuple] = {}       # code -> (kind, name, province code)
    old_comm: dict[str, tuple] = {}       # code -> (kind, name, district code)
    old_key_index: dict[str, tuple] = {}  # converter key "prov_dist_ward" -> row key
    for pc, p, pk, dc, d, dt, dk, wc, w, wt, wk in legacy:
        pv = (*split_kind(p, "province", None, f"province {pc}"), pk)
        if old_prov.setdefault(pc, pv) != pv:
            raise SystemExit(f"old province {pc} has two names: {old_prov[pc]} / {pv}")
        dv = (*split_kind(d, "district", dt, f"district {dc}"), pc)
        if old_dist.setdefault(dc, dv) != dv:
            raise SystemExit(f"district {dc} has two names: {old_dist[dc]} / {dv}")
        if wc is None:  # island districts without communes (Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Lý Sơn, Côn Đảo)
            old_key_index[f"{pk}_{dk}_"] = ("D", dc)
            continue
        if wc in old_comm:
            raise SystemExit(f"old commune code {wc} appears twice")
        old_comm[wc] = (*split_kind(w, "commune", wt, f"old commune {wc}"), dc)
        old_key_index[f"{pk}_{dk}_{wk}"] = ("C", "old", wc)

    # ---- new era (from 1 Jul 2025) ----
    new_prov: dict[str, tuple] = {}
    new_comm: dict[str, tuple] = {}       # code -> (kind, name, province code)
    new_key_index: dict[tuple, str] = {}  # (province key, ward key) -> code
    for pc, p, pk, wc, w, wt, wk in db.execute(
        "SELECT provinceCode, province, provinceKey, wardCode, ward, wardType, wardKey FROM admin_units"
    ).fetchall():
        pv = (*split_kind(p, "province", None, f"province {pc}"), pk)
        if new_prov.setdefault(pc, pv) != pv:
            raise SystemExit(f"new province {pc} has two names: {new_prov[pc]} / {pv}")
        if wc in new_comm:
            raise SystemExit(f"new commune code {wc} appears twice")
        new_comm[wc] = (*split_kind(w, "commune", wt, f"new commune {wc}"), pc)
        new_key_index[(pk, wk)] = wc
    db.close()

    # ---- provinces: one shared row for those not touched by the 2025 reform ----
    old_pkey_code = {v[2]: c for c, v in old_prov.items()}
    new_pkey_code = {v[2]: c for c, v in new_prov.items()}
    if set(conv["DICT_PROVINCE"]) != set(new_pkey_code):
        raise SystemExit("converter provinces differ from the new province list")
    unchanged: set[str] = set()
    for npk, opks in conv["DICT_PROVINCE"].items():
        nc = new_pkey_code[npk]
        if len(opks) == 1:
            oc = old_pkey_code[opks[0]]
            if oc == nc and old_prov[oc][:2] == new_prov[nc][:2]:
                unchanged.add(nc)
    old_pkey = {}
    new_pkey = {}
    for c, (kind, name, _) in old_prov.items():
        if c in unchanged:
            old_pkey[c] = new_pkey[c] = b.add(Row(("P", "both", c), c, name, kind, "province", None)).key
        else:
            old_pkey[c] = b.add(Row(("P", "old", c), c, name, kind, "province", None, "", REFORM_2025)).key
    for c, (kind, name, _) in new_prov.items():
        if c not in unchanged:
            new_pkey[c] = b.add(Row(("P", "new", c), c, name, kind, "province", None, REFORM_2025, "")).key

    for c, (kind, name, pc) in old_dist.items():
        b.add(Row(("D", c), c, name, kind, "district", old_pkey[pc], "", REFORM_2025))
    for c, (kind, name, dc) in old_comm.items():
        b.add(Row(("C", "old", c), c, name, kind, "commune", ("D", dc), "", REFORM_2025))
    for c, (kind, name, pc) in new_comm.items():
        b.add(Row(("C", "new", c), c, name, kind, "commune", new_pkey[pc], REFORM_2025, ""))

    # ---- successors of 1 Jul 2025 ----
    for npk, opks in conv["DICT_PROVINCE"].items():
        nc = new_pkey_code[npk]
        for opk in opks:
            oc = old_pkey_code[opk]
            if nc not in unchanged:
                b.succ.add((old_pkey[oc], new_pkey[nc]))
    old_to_newprov = {old_pkey_code[o]: new_pkey_code[n]
                      for n, os_ in conv["DICT_PROVINCE"].items() for o in os_}

    def link(old_conv_key: str, npk: str, nwk: str) -> None:
        okey = old_key_index[old_conv_key]
        ncode = new_key_index[(npk, nwk)]
        orow = b.rows[okey]
        odist = orow.code if orow.level == "district" else old_comm[orow.code][2]
        if old_to_newprov[old_dist[odist][2]] != new_pkey_code[npk]:
            raise SystemExit(f"{old_conv_key} -> {npk}/{nwk} crosses provinces")
        b.succ.add((okey, ("C", "new", ncode)))

    for npk, wards in conv["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for nwk, olds in wards.items():
            for ok in olds:
                link(ok, npk, nwk)
    for npk, olds in conv["DICT_PROVINCE_WARD_DIVIDED"].items():
        for ok, parts in olds.items():
            for part in parts:  # only the key is used; the part's lat/lon/area are ignored
                link(ok, npk, part["newWardKey"])

    apply_dong_nai_2026(b)
    return b


def apply_dong_nai_2026(b: Build) -> None:
    """Split Đồng Nai (province 75) and all its communes at 2026-04-30 (see DONG_NAI_2026)."""
    day, pc = DONG_NAI_2026["date"], DONG_NAI_2026["province_code"]
    p1 = b.rows.get(("P", "new", pc))
    if p1 is None or p1.name != "Đồng Nai" or p1.kind != "Tỉnh" or p1.valid_to:
        raise SystemExit(f"expected a new-era row 'Tỉnh Đồng Nai' with code {pc}; got {p1}")
    p1.valid_to = day
    p2 = b.add(replace(p1, key=("P", day, pc), kind=DONG_NAI_2026["province_kind"], valid_from=day, valid_to=""))
    b.succ.add((p1.key, p2.key))
    todo = dict(DONG_NAI_2026["new_wards"])
    children = [r for r in b.rows.values() if r.parent_key == p1.key]
    for c1 in sorted(children, key=lambda r: r.code):
        c1.valid_to = day
        kind = c1.kind
        if c1.code in todo:
            if c1.kind != "Xã" or c1.name != todo[c1.code]:
                raise SystemExit(f"Đồng Nai 2026: {c1.code} is {c1.kind} {c1.name}, expected Xã {todo[c1.code]}")
            kind = "Phường"
            del todo[c1.code]
        c2 = b.add(replace(c1, key=("C", day, c1.code), kind=kind, parent_key=p2.key, valid_from=day, valid_to=""))
        b.succ.add((c1.key, c2.key))
    if todo:
        raise SystemExit(f"Đồng Nai 2026: codes not found under province {pc}: {sorted(todo)}")


def assign_ids(b: Build) -> list[Row]:
    """Ids follow (valid_from, level, code): each era is a contiguous block, so a later change
    only appends ids and never renumbers earlier rows."""
    rows = sorted(b.rows.values(), key=lambda r: (r.valid_from, LEVEL_RANK[r.level], r.code, r.valid_to))
    for i, r in enumerate(rows, 1):
        r.id = i
    return rows


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------
def write_csv(path: Path, header: list[str], records: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        w.writerow(header)
        w.writerows(records)
    os.replace(tmp, path)


def write(b: Build, rows: list[Row]) -> None:
    by_key = b.rows
    write_csv(UNITS_CSV, UNITS_HEADER, [
        [str(r.id), r.code, r.name, r.kind, r.level,
         str(by_key[r.parent_key].id) if r.parent_key else "", r.valid_from, r.valid_to]
        for r in rows
    ])
    succ = sorted((by_key[o].id, by_key[n].id) for o, n in b.succ)
    id_row = {r.id: r for r in rows}
    write_csv(SUCCESSORS_CSV, SUCCESSORS_HEADER, [
        [str(o), str(n), id_row[o].code, id_row[n].code] for o, n in succ
    ])


# --------------------------------------------------------------------------------------------
# Self-check (reads the files back; exits non-zero on any failure)
# --------------------------------------------------------------------------------------------
def self_check() -> dict:
    failures: list[str] = []

    def check(cond: bool, msg: str) -> None:
        if not cond:
            failures.append(msg)

    with open(UNITS_CSV, encoding="utf-8", newline="") as f:
        rd = csv.reader(f)
        header = next(rd)
        units = [dict(zip(header, rec)) for rec in rd]
    check(header == UNITS_HEADER, f"units.csv header is {header}")
    with open(SUCCESSORS_CSV, encoding="utf-8", newline="") as f:
        rd = csv.reader(f)
        sheader = next(rd)
        succ = [dict(zip(sheader, rec)) for rec in rd]
    check(sheader == SUCCESSORS_HEADER, f"unit_successors.csv header is {sheader}")

    by_id = {}
    for i, u in enumerate(units, 1):
        check(len(u) == len(UNITS_HEADER), f"row {i}: wrong field count")
        check(u["id"] == str(i), f"row {i}: id {u['id']} is not {i}")
        by_id[u["id"]] = u
        lvl = u["level"]
        check(lvl in CODE_LEN, f"id {u['id']}: bad level {lvl!r}")
        if lvl not in CODE_LEN:
            continue
        check(u["code"].isdigit() and len(u["code"]) == CODE_LEN[lvl], f"id {u['id']}: bad code {u['code']!r}")
        check(u["kind"] in KINDS_BY_LEVEL[lvl], f"id {u['id']}: bad kind {u['kind']!r} for {lvl}")
        check(u["name"] != "" and u["name"] == nfc(u["name"]), f"id {u['id']}: name not NFC/trimmed {u['name']!r}")
        check(u["name"] in NAMES_STARTING_WITH_KIND
              or not any(u["name"].casefold().startswith(k.casefold() + " ") for ks in KINDS_BY_LEVEL.values() for k in ks),
              f"id {u['id']}: name {u['name']!r} starts with a kind word")
        for k in ("valid_from", "valid_to"):
            v = u[k]
            check(v == "" or (len(v) == 10 and v[4] == "-" and v[7] == "-" and v.replace("-", "").isdigit()),
                  f"id {u['id']}: bad {k} {v!r}")
        check(not (u["valid_from"] and u["valid_to"]) or u["valid_from"] < u["valid_to"], f"id {u['id']}: empty interval")

    def valid_on(u: dict, day: str) -> bool:
        return (u["valid_from"] == "" or u["valid_from"] <= day) and (u["valid_to"] == "" or day < u["valid_to"])

    # Uniqueness and non-overlap per (code, level).
    seen = Counter((u["code"], u["level"], u["valid_from"]) for u in units)
    check(all(n == 1 for n in seen.values()), f"duplicate (code, level, valid_from): {[k for k, n in seen.items() if n > 1][:5]}")
    versions = defaultdict(list)
    for u in units:
        versions[(u["code"], u["level"])].append(u)
    for key, vs in versions.items():
        vs = sorted(vs, key=lambda u: u["valid_from"])
        for a, c in zip(vs, vs[1:]):
            check(a["valid_to"] != "" and a["valid_to"] <= c["valid_from"], f"{key}: overlapping versions")

    # Parents exist, have the right level and cover the child's whole interval.
    for u in units:
        pid = u["parent_id"]
        if u["level"] == "province":
            check(pid == "", f"id {u['id']}: province with a parent")
            continue
        p = by_id.get(pid)
        check(p is not None, f"id {u['id']}: parent_id {pid!r} does not exist")
        if p is None:
            continue
        want = "province" if u["level"] == "district" or u["valid_from"] >= REFORM_2025 else "district"
        check(p["level"] == want, f"id {u['id']}: parent is a {p['level']}, expected {want}")
        check(p["valid_from"] <= u["valid_from"], f"id {u['id']}: parent starts after the child")
        check(p["valid_to"] == "" or (u["valid_to"] != "" and u["valid_to"] <= p["valid_to"]),
              f"id {u['id']}: parent ends before the child")

    def count(level: str, day: str | None = None, **kw) -> int:
        return sum(1 for u in units if u["level"] == level and (day is None or valid_on(u, day))
                   and all(u[k] == v for k, v in kw.items()))

    stats = {
        "rows": len(units),
        "provinces on 2025-01-01": count("province", "2025-01-01"),
        "provinces on 2025-08-01": count("province", "2025-08-01"),
        "provinces on 2026-05-01": count("province", "2026-05-01"),
        "province rows valid in both eras": count("province", valid_from="", valid_to=""),
        "districts": count("district"),
        "old communes (valid_to 2025-07-01)": count("commune", valid_from="", valid_to=REFORM_2025),
        "communes on 2025-08-01": count("commune", "2025-08-01"),
        "communes on 2026-05-01": count("commune", "2026-05-01"),
        "successor rows": len(succ),
    }
    check(stats["provinces on 2025-01-01"] == 63, "expected 63 provinces on 2025-01-01")
    check(stats["provinces on 2025-08-01"] == 34, "expected 34 provinces on 2025-08-01")
    check(stats["provinces on 2026-05-01"] == 34, "expected 34 provinces on 2026-05-01")
    check(stats["province rows valid in both eras"] == 11, "expected 11 provinces untouched in 2025")
    check(stats["districts"] == 696, "expected 696 districts")
    check(stats["old communes (valid_to 2025-07-01)"] == 10035, "expected 10,035 old communes")
    check(stats["communes on 2025-08-01"] == 3321, "expected 3,321 communes on 2025-08-01")
    check(stats["communes on 2026-05-01"] == 3321, "expected 3,321 communes on 2026-05-01")
    kinds_2025 = Counter(u["kind"] for u in units if u["level"] == "commune" and valid_on(u, "2025-08-01"))
    check(kinds_2025 == {"Xã": 2621, "Phường": 687, "Đặc khu": 13}, f"2025 commune kinds {dict(kinds_2025)}")
    kinds_2026 = Counter(u["kind"] for u in units if u["level"] == "commune" and valid_on(u, "2026-05-01"))
    check(kinds_2026 == {"Xã": 2611, "Phường": 697, "Đặc khu": 13}, f"2026 commune kinds {dict(kinds_2026)}")

    # Hà Tĩnh (42): one row across both eras; 12 districts, 209 old communes, 69 new communes.
    ht = [u for u in units if u["level"] == "province" and u["code"] == "42"]
    check(len(ht) == 1 and ht[0]["name"] == "Hà Tĩnh" and ht[0]["valid_from"] == ht[0]["valid_to"] == "",
          "Hà Tĩnh (42) must be a single row with both dates empty")
    if ht:
        hid = ht[0]["id"]
        dists = [u for u in units if u["parent_id"] == hid and u["level"] == "district"]
        dist_ids = {u["id"] for u in dists}
        stats["Hà Tĩnh districts"] = len(dists)
        stats["Hà Tĩnh old communes"] = sum(1 for u in units if u["parent_id"] in dist_ids)
        stats["Hà Tĩnh communes on 2025-08-01"] = sum(
            1 for u in units if u["parent_id"] == hid and u["level"] == "commune" and valid_on(u, "2025-08-01"))
        check(stats["Hà Tĩnh districts"] == 12, "Hà Tĩnh must have 12 districts")
        check(stats["Hà Tĩnh old communes"] == 209, "Hà Tĩnh must have 209 old communes")
        check(stats["Hà Tĩnh communes on 2025-08-01"] == 69, "Hà Tĩnh must have 69 communes on 2025-08-01")

    # Đồng Nai (75) on 2026-05-01: Thành phố, 95 communes of which 33 phường (23 on 2025-08-01).
    dn = {d: [u for u in units if u["level"] == "province" and u["code"] == "75" and valid_on(u, d)]
          for d in ("2025-08-01", "2026-05-01")}
    check(all(len(v) == 1 for v in dn.values()), "Đồng Nai must have one version on each day")
    if all(len(v) == 1 for v in dn.values()):
        check(dn["2025-08-01"][0]["kind"] == "Tỉnh" and dn["2026-05-01"][0]["kind"] == "Thành phố", "Đồng Nai kinds")
        for d, want in (("2025-08-01", 23), ("2026-05-01", 33)):
            kids = [u for u in units if u["parent_id"] == dn[d][0]["id"] and valid_on(u, d)]
            check(len(kids) == 95, f"Đồng Nai must have 95 communes on {d}")
            check(sum(u["kind"] == "Phường" for u in kids) == want, f"Đồng Nai must have {want} phường on {d}")

    # Successors.
    pairs = set()
    for s in succ:
        o, n = by_id.get(s["old_id"]), by_id.get(s["new_id"])
        check(o is not None and n is not None, f"successor {s}: unknown id")
        if o is None or n is None:
            continue
        check((o["code"], n["code"]) == (s["old_code"], s["new_code"]), f"successor {s}: codes do not match the rows")
        check(o["valid_to"] != "" and o["valid_to"] == n["valid_from"], f"successor {s}: old row does not end when new row starts")
        check((s["old_id"], s["new_id"]) not in pairs, f"successor {s}: duplicate")
        pairs.add((s["old_id"], s["new_id"]))
    has_succ = {o for o, _ in pairs}
    has_pred = {n for _, n in pairs}
    for u in units:
        if u["valid_to"] and u["level"] != "district":
            check(u["id"] in has_succ, f"id {u['id']} ({u['level']} {u['code']}) ends without a successor")
        if u["valid_from"] and u["level"] != "district":
            check(u["id"] in has_pred, f"id {u['id']} ({u['level']} {u['code']}) starts without a predecessor")

    def preds(new_code: str, day: str = REFORM_2025) -> set:
        return {(by_id[o]["code"], by_id[o]["name"]) for o, n in pairs
                if by_id[n]["level"] == "commune" and by_id[n]["code"] == new_code and by_id[n]["valid_from"] == day}

    for new_code, new_name, want in (
        ("18322", "Mai Hoa", {("18322", "Đức Lĩnh"), ("18316", "Ân Phú"), ("18319", "Đức Giang")}),
        ("18832", "Hoành Sơn", {("18847", "Kỳ Nam")}),
        ("18547", "Phúc Trạch", {("18553", "Hương Trạch")}),
    ):
        got = preds(new_code)
        target = [u for u in units if u["level"] == "commune" and u["code"] == new_code and u["valid_from"] == REFORM_2025]
        check(len(target) == 1 and target[0]["name"] == new_name, f"{new_code} should be {new_name}")
        check(want <= got, f"{new_name} {new_code}: predecessors {sorted(got)} lack {sorted(want - got)}")
    check(preds("18322") == {("18322", "Đức Lĩnh"), ("18316", "Ân Phú"), ("18319", "Đức Giang")},
          "Mai Hoa must have exactly three predecessors")

    if failures:
        for m in failures[:50]:
            print("CHECK FAILED:", m, file=sys.stderr)
        print(f"{len(failures)} check(s) failed", file=sys.stderr)
        raise SystemExit(1)
    return stats


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--source", type=Path, help=f"unpacked `{PACKAGE}` package directory (skips pip)")
    ap.add_argument("--check-only", action="store_true", help="only self-check the existing CSV files")
    args = ap.parse_args()

    if not args.check_only:
        with tempfile.TemporaryDirectory(prefix="gen_units_") as tmp:
            pkg = args.source.resolve() if args.source else install_package(Path(tmp))
            check_package(pkg)
            b = load(pkg)
        rows = assign_ids(b)
        write(b, rows)
        for w in sorted(WARNINGS):
            print("source fix:", w, file=sys.stderr)
        print(f"wrote {UNITS_CSV.relative_to(REPO_ROOT)} and {SUCCESSORS_CSV.relative_to(REPO_ROOT)}")

    stats = self_check()
    for k, v in stats.items():
        print(f"  {k}: {v:,}")
    print("self-check: all checks passed")


if __name__ == "__main__":
    main()
