//! Interface languages. Every user-facing sentence lives in `locales/<lang>.toml`; templates ask
//! for it by key. Simplified Chinese is the default for a domestic deployment; English is one click
//! away (`?lang=en`, remembered in a cookie).

use std::collections::HashMap;
use std::sync::OnceLock;

/// An interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    ZhCn,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::ZhCn, Lang::En];

    /// The BCP 47 tag, as used in `lang=` attributes and the `lang` cookie.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::En => "en",
        }
    }

    pub fn from_tag(tag: &str) -> Option<Lang> {
        match tag.trim().to_ascii_lowercase().as_str() {
            "zh-cn" | "zh" | "zh-hans" => Some(Lang::ZhCn),
            "en" | "en-us" | "en-gb" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language's own name, for the switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::ZhCn => "中文",
            Lang::En => "English",
        }
    }

    pub fn messages(self) -> &'static Messages {
        static ZH: OnceLock<Messages> = OnceLock::new();
        static EN: OnceLock<Messages> = OnceLock::new();
        match self {
            Lang::ZhCn => ZH.get_or_init(|| Messages::parse(include_str!("../locales/zh-CN.toml"))),
            Lang::En => EN.get_or_init(|| Messages::parse(include_str!("../locales/en.toml"))),
        }
    }
}

/// The messages of one language.
#[derive(Debug)]
pub struct Messages {
    map: HashMap<String, String>,
}

impl Messages {
    fn parse(text: &str) -> Self {
        // The files are part of the binary and checked by tests; a broken file is a build bug.
        let map: HashMap<String, String> = toml::from_str(text).unwrap_or_default();
        Self { map }
    }

    /// The message for `key`; the key itself when it is missing, so a gap shows instead of hiding.
    pub fn get<'a>(&'a self, key: &'a str) -> &'a str {
        self.map.get(key).map(String::as_str).unwrap_or(key)
    }

    /// The message for `key` with `{name}` placeholders filled in.
    pub fn fill(&self, key: &str, args: &[(&str, &str)]) -> String {
        let mut text = self.get(key).to_owned();
        for (name, value) in args {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.map.keys().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_the_same_keys() {
        let zh: std::collections::BTreeSet<&str> = Lang::ZhCn.messages().keys().collect();
        let en: std::collections::BTreeSet<&str> = Lang::En.messages().keys().collect();
        assert!(zh.len() > 20, "the zh-CN file parsed");
        assert_eq!(zh, en);
    }

    #[test]
    fn every_key_used_by_a_template_exists() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let mut used = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            for part in text
                .split("t.get(\"")
                .skip(1)
                .chain(text.split("t.fill(\"").skip(1))
            {
                if let Some(end) = part.find('"') {
                    used.push(part[..end].to_owned());
                }
            }
        }
        assert!(!used.is_empty());
        for key in used {
            for lang in Lang::ALL {
                assert_ne!(
                    lang.messages().get(&key),
                    key,
                    "{key} is missing in {}",
                    lang.tag()
                );
            }
        }
    }

    #[test]
    fn placeholders_fill() {
        assert_eq!(
            Lang::En.messages().fill("list.count", &[("n", "3")]),
            "3 in total"
        );
        assert_eq!(Lang::from_tag("EN"), Some(Lang::En));
        assert_eq!(Lang::from_tag("fr"), None);
    }
}
