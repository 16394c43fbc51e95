//! Closed lists of values (occupation, relation, model kind, visit outcome …): a stored key,
//! Vietnamese and English labels, and a parser that accepts the key, either label and folded
//! aliases, with an error naming the field and every choice.

use crate::text;

/// Lowercase, no diacritics, punctuation (`, / ; - _ & .`) as spaces, single spaces: the key
/// labels are matched on ("Nông, lâm, ngư nghiệp" → "nong lam ngu nghiep").
pub(crate) fn label_key(s: &str) -> String {
    let folded = text::fold(s);
    let spaced: String = folded.chars().map(|c| if ",/;-_&.()+".contains(c) { ' ' } else { c }).collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Declares a closed list of values with a stored key, Vietnamese and English labels, and a
/// parser that accepts the key, the labels and extra folded aliases.
macro_rules! labelled {
    (
        $(#[$meta:meta])*
        $name:ident, field = $field:literal, what_vi = $what_vi:literal, what_en = $what_en:literal;
        $( $(#[$vmeta:meta])* $variant:ident => $key:literal, $vi:literal, $en:literal, [$($alias:literal),*] );+ $(;)?
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $( $(#[$vmeta])* $variant ),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored key (`snake_case`).
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $key),+ }
            }

            pub fn label_vi(self) -> &'static str {
                match self { $($name::$variant => $vi),+ }
            }

            /// The value whose stored key is exactly `key` (reading a stored row).
            pub fn from_key(key: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|v| v.as_str() == key)
            }

            pub fn label_en(self) -> &'static str {
                match self { $($name::$variant => $en),+ }
            }

            /// Find a value by its key or Vietnamese label as written, then by the folded key
            /// against the key, both labels and the aliases.
            fn lookup(raw: &str) -> Option<$name> {
                static TABLE: std::sync::LazyLock<Vec<(String, $name)>> = std::sync::LazyLock::new(|| {
                    vec![
                        $(
                            ($crate::labels::label_key($key), $name::$variant),
                            ($crate::labels::label_key($vi), $name::$variant),
                            ($crate::labels::label_key($en), $name::$variant),
                            $( ($alias.to_string(), $name::$variant), )*
                        )+
                    ]
                });
                let raw = raw.trim();
                if let Some(v) = $name::ALL.iter().find(|v| v.as_str() == raw || v.label_vi() == raw) {
                    return Some(*v);
                }
                let key = $crate::labels::label_key(raw);
                TABLE.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
            }

            fn invalid(s: &str) -> $crate::Invalid {
                let vi: Vec<&str> = $name::ALL.iter().map(|v| v.label_vi()).collect();
                let en: Vec<&str> = $name::ALL.iter().map(|v| v.as_str()).collect();
                $crate::Invalid::new(
                    $field,
                    format!("{} «{}» không hợp lệ; ghi một trong: {}", $what_vi, s.trim(), vi.join(", ")),
                    format!("{} «{}» is not one of: {}", $what_en, s.trim(), en.join(", ")),
                )
            }
        }
    };
}

/// `parse` (key, either label or an alias; the error names the field and every choice) and the
/// `TryFrom<String>` the store reads a stored key back with, for a [`labelled!`] list that needs
/// nothing more.
macro_rules! parsed {
    ($($name:ident),+) => {$(
        impl $name {
            pub fn parse(s: &str) -> Result<$name, $crate::Invalid> {
                $name::lookup(s).ok_or_else(|| $name::invalid(s))
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::Invalid;
            fn try_from(s: String) -> Result<$name, $crate::Invalid> {
                $name::from_key(&s).ok_or_else(|| $name::invalid(&s))
            }
        }
    )+};
}
