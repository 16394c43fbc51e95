//! Configuration, layered: command-line flags > environment (`ANSINH_…`) > TOML file
//! (`--config FILE` or `ANSINH_CONFIG`) > defaults. clap resolves the first two; values still
//! unset are taken from the file.

use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Keys of the optional TOML file (all optional).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub database: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub listen: Option<String>,
    pub public_url: Option<String>,
    pub secure_cookies: Option<bool>,
    #[serde(default)]
    pub trusted_origins: Vec<String>,
}

impl FileConfig {
    pub fn load(path: Option<&Path>) -> anyhow::Result<FileConfig> {
        let Some(path) = path else { return Ok(FileConfig::default()) };
        let text = std::fs::read_to_string(path).map_err(|e| {
            anyhow::anyhow!("không đọc được tệp cấu hình {} / cannot read config file: {e}", path.display())
        })?;
        toml::from_str(&text).map_err(|e| {
            anyhow::anyhow!("tệp cấu hình {} không hợp lệ / invalid config file: {e}", path.display())
        })
    }
}

pub const DEFAULT_DATA_DIR: &str = "./ansinh-data";
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

/// The database URL: given, or SQLite in the data directory (created if missing).
pub fn database_url(given: Option<String>, data_dir: &Path) -> anyhow::Result<String> {
    if let Some(url) = given.filter(|u| !u.is_empty()) {
        if let Some(path) = url.strip_prefix("sqlite:") {
            let path = path.trim_start_matches("//");
            if let Some(parent) = Path::new(path.split('?').next().unwrap_or(path)).parent()
                && !parent.as_os_str().is_empty()
            {
                std::fs::create_dir_all(parent)?;
            }
        }
        return Ok(url);
    }
    std::fs::create_dir_all(data_dir).map_err(|e| {
        anyhow::anyhow!("không tạo được thư mục dữ liệu {} / cannot create data dir: {e}", data_dir.display())
    })?;
    Ok(format!("sqlite:{}", data_dir.join("ansinh.db").display()))
}
