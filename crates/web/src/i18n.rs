//! Vietnamese first, English second: Fluent catalogues `i18n/vi.ftl` and `i18n/en.ftl`,
//! compiled into the binary. A test checks that both have exactly the same keys and that every
//! key a template uses exists.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use std::sync::LazyLock;

pub const VI_FTL: &str = include_str!("../i18n/vi.ftl");
pub const EN_FTL: &str = include_str!("../i18n/en.ftl");

/// Ngôn ngữ — display language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Vi,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "vi" => Some(Lang::Vi),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

fn bundle(lang: &str, src: &'static str) -> FluentBundle<FluentResource> {
    let res = FluentResource::try_new(src.to_string()).unwrap_or_else(|(_, e)| panic!("{lang}.ftl: {e:?}"));
    let mut b = FluentBundle::new_concurrent(vec![lang.parse().expect("language id")]);
    b.set_use_isolating(false);
    b.add_resource(res).unwrap_or_else(|e| panic!("{lang}.ftl: {e:?}"));
    b
}

static VI: LazyLock<FluentBundle<FluentResource>> = LazyLock::new(|| bundle("vi", VI_FTL));
static EN: LazyLock<FluentBundle<FluentResource>> = LazyLock::new(|| bundle("en", EN_FTL));

/// The text of `key` in `lang`, with arguments; the key itself (and a warning in the log) if it
/// is missing. Keys are literals at every call, so the i18n test can check them all.
pub fn tr_args(lang: Lang, key: &str, args: Option<&FluentArgs>) -> String {
    let b: &FluentBundle<FluentResource> = match lang {
        Lang::Vi => &VI,
        Lang::En => &EN,
    };
    let Some(msg) = b.get_message(key).and_then(|m| m.value()) else {
        // The i18n test keeps this from happening with literal keys; say so if it does.
        tracing::warn!(key, "missing message");
        return key.to_string();
    };
    let mut errors = Vec::new();
    b.format_pattern(msg, args, &mut errors).into_owned()
}

pub fn tr(lang: Lang, key: &str) -> String {
    tr_args(lang, key, None)
}

/// Message ids defined in a Fluent source (for the completeness test).
pub fn keys(src: &str) -> Vec<String> {
    src.lines()
        .filter(|l| !l.starts_with(['#', ' ', '\t', '.']) && l.contains(" ="))
        .filter_map(|l| l.split(" =").next().map(|k| k.trim().to_string()))
        .collect()
}
