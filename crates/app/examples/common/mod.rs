//! What the benchmark examples share.

/// p50, p95 and p99 of `v` (nearest rank).
pub fn percentiles(mut v: Vec<f64>) -> (f64, f64, f64) {
    v.sort_by(|a, b| a.total_cmp(b));
    let at = |p: f64| v[((v.len() as f64 * p).ceil() as usize).clamp(1, v.len()) - 1];
    (at(0.50), at(0.95), at(0.99))
}
