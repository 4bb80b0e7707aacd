//! The words a report shows for piaudit's identifiers: PI types, policy elements and app types
//! in Chinese and English, and [`Glossary::localize`], which rewrites an evidence or message
//! text for a language (identifiers to their names, the English fragments of API-reference
//! texts to Chinese).
//!
//! Names come from the data tables (`rules/data/policy.toml` names the PI types and policy
//! elements, `rules/data/app-types.toml` the app types); this module keeps no vocabulary of its
//! own beyond the few fixed fragments of `api_ref_text`. It must not judge anything.

use std::collections::HashMap;

use serde::Deserialize;

use crate::{Lang, Localized};

const POLICY_TOML: &str = include_str!("../../../rules/data/policy.toml");

#[derive(Deserialize)]
struct Named {
    zh: String,
    en: String,
}

#[derive(Deserialize, Default)]
struct PolicyNames {
    #[serde(default)]
    pi_types: HashMap<String, Named>,
    #[serde(default)]
    elements: HashMap<String, Named>,
}

/// Identifier → name in both languages.
#[derive(Debug, Clone, Default)]
pub struct Glossary {
    terms: HashMap<String, Localized>,
}

/// The fixed English fragments of an API-reference text (`api_ref_text`) and their Chinese.
const FRAGMENTS: [(&str, &str); 6] = [
    (" @ app (", " @ 应用自身代码 ("),
    (" @ app", " @ 应用自身代码"),
    (" @ third-party (", " @ 第三方代码 ("),
    (" @ platform (", " @ 系统/支持库 ("),
    (" call sites)", " 处调用)"),
    ("(permission names not resolved)", "（权限名称未能解析）"),
];

impl Glossary {
    /// The glossary of the embedded policy tables plus `app_types` (id, name).
    pub(crate) fn new<'a>(app_types: impl Iterator<Item = (&'a str, &'a Localized)>) -> Glossary {
        let names: PolicyNames = toml::from_str(POLICY_TOML).unwrap_or_default();
        let mut terms: HashMap<String, Localized> = names
            .pi_types
            .into_iter()
            .chain(names.elements)
            .map(|(id, n)| (id, Localized::new(n.zh, n.en)))
            .collect();
        for (id, name) in app_types {
            terms.insert(id.to_owned(), name.clone());
        }
        Glossary { terms }
    }

    /// The name of `id` in `lang`, if it is a known identifier.
    pub fn term(&self, id: &str, lang: Lang) -> Option<&str> {
        self.terms.get(id).map(|t| t.get(lang))
    }

    /// `text` for a reader of `lang`: in Chinese, every known identifier that stands as a
    /// whole word becomes its Chinese name, and API-reference fragments are translated. English
    /// text is returned as is (identifiers are the English vocabulary).
    pub fn localize(&self, text: &str, lang: Lang) -> String {
        if lang == Lang::En {
            return text.to_owned();
        }
        if let Some(t) = self.terms.get(text.trim()) {
            return t.zh.clone();
        }
        // `location ← …` (a PI source): the leading type.
        if let Some((head, rest)) = text.split_once(" ← ")
            && let Some(t) = self.terms.get(head)
        {
            return self.localize(&format!("{} ← {rest}", t.zh), lang);
        }
        // Elsewhere only snake_case words: plain English words (`activity`, `camera`) are
        // also component kinds and API names.
        let mut out = String::with_capacity(text.len());
        let mut word = String::new();
        let mut in_name = false;
        let flush = |word: &mut String, out: &mut String| {
            match self.terms.get(word.as_str()) {
                Some(t) if word.contains('_') => out.push_str(&t.zh),
                _ => out.push_str(word),
            }
            word.clear();
        };
        for c in text.chars() {
            let ident = c.is_ascii_alphanumeric() || c == '_';
            if ident && in_name {
                // Part of a dotted or slashed name (`com.x.app_list`): left alone.
                out.push(c);
            } else if ident {
                word.push(c);
            } else {
                flush(&mut word, &mut out);
                out.push(c);
                in_name = matches!(c, '.' | '/' | '$' | '-' | ':')
                    && out
                        .chars()
                        .rev()
                        .nth(1)
                        .is_some_and(|p| p.is_ascii_alphanumeric() || p == '_');
            }
        }
        flush(&mut word, &mut out);
        FRAGMENTS
            .iter()
            .fold(out, |text, (en, zh)| text.replace(en, zh))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glossary() -> Glossary {
        let name = Localized::new("实用工具类", "Utility tools");
        Glossary::new([("utility_tools", &name)].into_iter())
    }

    #[test]
    fn identifiers_become_chinese_names_only_as_whole_words() {
        let g = glossary();
        assert_eq!(
            g.localize(
                "app_list ← PackageManager.getInstalledPackages() @ app (a.b.C, 2 call sites)",
                Lang::Zh
            ),
            "软件安装列表 ← PackageManager.getInstalledPackages() @ 应用自身代码 (a.b.C, 2 处调用)"
        );
        assert_eq!(g.localize("handler_identity", Lang::Zh), "处理者名称");
        assert_eq!(g.localize("utility_tools", Lang::Zh), "实用工具类");
        // Part of a class or path name: untouched.
        assert_eq!(
            g.localize("com.x.app_list.Foo", Lang::Zh),
            "com.x.app_list.Foo"
        );
        assert_eq!(g.localize("assets/app_list", Lang::Zh), "assets/app_list");
        assert_eq!(
            g.localize("activity cn.x.Main", Lang::Zh),
            "activity cn.x.Main"
        );
        assert_eq!(g.localize("location", Lang::Zh), "位置信息");
        assert_eq!(g.localize("app_list", Lang::En), "app_list");
    }
}
