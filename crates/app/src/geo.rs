//! Boundaries for maps, bundled into the binary (no tile server, no network): the 34
//! provinces and each province's communes since 1 Jul 2025, made by `scripts/geo.py` (source
//! and licence in NOTICE). Features carry `code` (the unit's official code) and `name`.

use std::collections::HashMap;
use std::sync::LazyLock;

const COMMUNES: &str = include_str!("../data/geo/communes.json");
const PROVINCES: &str = include_str!("../data/geo/provinces.geojson");

static BY_PROVINCE: LazyLock<HashMap<String, serde_json::Value>> =
    LazyLock::new(|| serde_json::from_str(COMMUNES).unwrap_or_default());
static BY_PROVINCE_TEXT: LazyLock<HashMap<String, String>> =
    LazyLock::new(|| BY_PROVINCE.iter().map(|(k, v)| (k.clone(), v.to_string())).collect());
static PROVINCES_VALUE: LazyLock<serde_json::Value> =
    LazyLock::new(|| serde_json::from_str(PROVINCES).unwrap_or(serde_json::Value::Null));

/// The communes of a province as a GeoJSON FeatureCollection.
pub fn communes(province_code: &str) -> Option<&'static str> {
    BY_PROVINCE_TEXT.get(province_code).map(String::as_str)
}

/// The provinces as a GeoJSON FeatureCollection.
pub fn provinces() -> &'static str {
    PROVINCES
}

/// A unit's outline: its code and its polygons' outer rings (longitude, latitude).
pub struct Shape {
    pub code: String,
    pub name: String,
    pub rings: Vec<Vec<(f64, f64)>>,
}

fn shapes(fc: &serde_json::Value) -> Vec<Shape> {
    let ring = |r: &serde_json::Value| -> Vec<(f64, f64)> {
        r.as_array()
            .map(|pts| pts.iter().filter_map(|p| Some((p.get(0)?.as_f64()?, p.get(1)?.as_f64()?))).collect())
            .unwrap_or_default()
    };
    let mut out = Vec::new();
    for f in fc["features"].as_array().into_iter().flatten() {
        let g = &f["geometry"];
        let rings = match g["type"].as_str() {
            Some("Polygon") => g["coordinates"].get(0).map(|r| vec![ring(r)]).unwrap_or_default(),
            Some("MultiPolygon") => g["coordinates"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|poly| poly.get(0).map(ring))
                .collect(),
            _ => vec![],
        };
        out.push(Shape {
            code: f["properties"]["code"].as_str().unwrap_or_default().to_string(),
            name: f["properties"]["name"].as_str().unwrap_or_default().to_string(),
            rings,
        });
    }
    out
}

/// The communes of a province as outlines (for maps drawn in a PDF).
pub fn commune_shapes(province_code: &str) -> Vec<Shape> {
    BY_PROVINCE.get(province_code).map(shapes).unwrap_or_default()
}

/// The provinces as outlines.
pub fn province_shapes() -> Vec<Shape> {
    shapes(&PROVINCES_VALUE)
}

#[cfg(test)]
mod tests {
    #[test]
    fn ha_tinh_has_its_communes() {
        let s = super::commune_shapes("42");
        assert!(s.len() > 60, "{}", s.len());
        assert!(s.iter().all(|x| x.code.len() == 5 && !x.rings.is_empty()));
        assert_eq!(super::province_shapes().len(), 34);
        assert!(super::communes("42").is_some_and(|t| t.contains("FeatureCollection")));
    }
}
