#!/usr/bin/env python3
"""Copy the boundaries the product draws maps with into crates/app/data/geo/.

Reads ../shared/geo/vn-provinces.geojson and vn-communes.geojson (source, licence and how they
were made: ../shared/geo/README.md and NOTICE) and data/units.csv, and writes

  crates/app/data/geo/provinces.geojson   34 provinces, properties {code, name}
  crates/app/data/geo/communes.json       {province code: FeatureCollection of its communes}

Communes are grouped by their parent province in data/units.csv (post-2025 units), matched on
the code, never on the name. Ba Chẽ (Quảng Ninh) is 06978 in the boundaries and 06970 in the
units: the units' code is used. Every commune of the boundaries must match a unit; the script
fails otherwise. Run: python3 scripts/geo.py [path/to/shared/geo]
"""
import csv
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "geo")
OUT = os.path.join(ROOT, "crates", "app", "data", "geo")
FIX = {"06978": "06970"}

units = {}
with open(os.path.join(ROOT, "data", "units.csv"), encoding="utf-8") as f:
    rows = list(csv.DictReader(f))
by_id = {r["id"]: r for r in rows}
for r in rows:
    if r["level"] == "commune" and not r["valid_to"]:
        parent = by_id.get(r["parent_id"])
        if parent and parent["level"] == "province":
            units[r["code"]] = parent["code"]

def slim(feature, code):
    return {"type": "Feature", "geometry": feature["geometry"],
            "properties": {"code": code, "name": feature["properties"]["fullName"]}}

with open(os.path.join(SRC, "vn-provinces.geojson"), encoding="utf-8") as f:
    prov = json.load(f)
provinces = {"type": "FeatureCollection",
             "features": [slim(x, x["properties"]["code"]) for x in prov["features"]]}

with open(os.path.join(SRC, "vn-communes.geojson"), encoding="utf-8") as f:
    com = json.load(f)
out = {}
missing = []
for x in com["features"]:
    code = FIX.get(x["properties"]["code"], x["properties"]["code"])
    p = units.get(code)
    if p is None:
        missing.append(code)
        continue
    out.setdefault(p, {"type": "FeatureCollection", "features": []})["features"].append(slim(x, code))
if missing:
    sys.exit(f"communes without a unit in data/units.csv: {missing[:20]} ({len(missing)})")

os.makedirs(OUT, exist_ok=True)
with open(os.path.join(OUT, "provinces.geojson"), "w", encoding="utf-8") as f:
    json.dump(provinces, f, ensure_ascii=False, separators=(",", ":"))
with open(os.path.join(OUT, "communes.json"), "w", encoding="utf-8") as f:
    json.dump(out, f, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
print(f"{len(provinces['features'])} provinces, {sum(len(v['features']) for v in out.values())} communes "
      f"in {len(out)} provinces; {len(units)} communes in the units")
