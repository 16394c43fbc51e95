//! The contracts that are files: the OpenAPI document and the message catalogue.

/// The OpenAPI document is part of the contract: changes show up in review.
/// Regenerate with `UPDATE_SNAPSHOTS=1 cargo test -p ansinh-web openapi`.
#[test]
fn openapi_snapshot() {
    use utoipa::OpenApi;
    let doc = serde_json::to_string_pretty(&ansinh_web::api::ApiDoc::openapi()).unwrap() + "\n";
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/openapi.json");
    if std::env::var("UPDATE_SNAPSHOTS").is_ok() {
        std::fs::write(path, &doc).unwrap();
    }
    let want = std::fs::read_to_string(path).expect("tests/openapi.json: run with UPDATE_SNAPSHOTS=1");
    assert_eq!(doc, want, "OpenAPI changed: review and run with UPDATE_SNAPSHOTS=1");
}

/// Every parameter the document puts in the path is in the path's template (a query struct
/// documented without `parameter_in = Query` lands in the path), and every operation answers
/// its error statuses in the documented body.
#[test]
fn openapi_parameters_are_where_they_are_sent() {
    use utoipa::OpenApi;
    let doc = serde_json::to_value(ansinh_web::api::ApiDoc::openapi()).unwrap();
    let mut wrong = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for p in op["parameters"].as_array().into_iter().flatten() {
                let name = p["name"].as_str().unwrap();
                if p["in"] == "path" && !path.contains(&format!("{{{name}}}")) {
                    wrong.push(format!("{method} {path}: {name}"));
                }
            }
            let responses = op["responses"].as_object().unwrap();
            assert!(responses.contains_key("503"), "{method} {path}: 503 busy is not documented");
            if op.get("requestBody").is_some() || op["parameters"].as_array().is_some_and(|p| !p.is_empty()) {
                assert!(responses.contains_key("422"), "{method} {path}: 422 is not documented");
            }
        }
    }
    assert!(wrong.is_empty(), "query parameters documented in the path: {wrong:?}");
}

/// Every message exists in both languages, and every key a template uses exists.
#[test]
fn i18n_complete() {
    use ansinh_web::i18n::{EN_FTL, VI_FTL, keys};
    let mut vi = keys(VI_FTL);
    let mut en = keys(EN_FTL);
    vi.sort();
    en.sort();
    assert!(vi.len() > 50);
    assert_eq!(vi, en, "vi.ftl and en.ftl must have the same keys");
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        for part in text.split("page.t(\"").skip(1) {
            let key = part.split('"').next().unwrap();
            assert!(vi.iter().any(|k| k == key), "{}: key «{key}» missing from vi.ftl", path.display());
        }
    }
    // Keys used from Rust: every literal passed to t / tr / tr_args / both, and no key built
    // at run time (a `format!` inside those calls).
    let mut files = Vec::new();
    let mut dirs = vec![std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/src"))];
    while let Some(d) = dirs.pop() {
        for entry in std::fs::read_dir(d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    let mut checked = 0;
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        for line in text.lines() {
            for call in [".t(", "tr(", "tr_args(", "both("] {
                let pieces: Vec<&str> = line.split(call).collect();
                for (i, part) in pieces.iter().enumerate().skip(1) {
                    // A whole name: `push_str(` is not `tr(`.
                    let before = pieces[i - 1].chars().last();
                    if !call.starts_with('.') && before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                        continue;
                    }
                    assert!(
                        !part.trim_start().starts_with("&format!"),
                        "{}: a message key built at run time: {line}",
                        path.display()
                    );
                    // The first string literal among the call's first two arguments.
                    let args: String = part.chars().take_while(|c| *c != ')').collect();
                    let Some(lit) = args.split('"').nth(1) else { continue };
                    let looks_like_key = lit.contains('-')
                        && lit.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
                    if looks_like_key && args.split(',').take(2).any(|a| a.contains('"')) {
                        checked += 1;
                        assert!(
                            vi.iter().any(|k| k == lit),
                            "{}: key «{lit}» missing from vi.ftl",
                            path.display()
                        );
                    }
                }
            }
        }
    }
    assert!(checked >= 10, "the scan found only {checked} keys in Rust code");
}
