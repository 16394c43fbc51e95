//! Tabular files (CSV, XLSX) in and out.
