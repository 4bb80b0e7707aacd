//! The words a report shows for piaudit's identifiers: PI types, policy elements and app types
//! in Chinese and English, and [`Glossary::localize`], which rewrites an evidence or message
//! text for a language (identifiers to their names, the fixed English phrases evidence texts
//! are built from to Chinese; class names, permissions, API signatures and the app's own
//! strings stay as they are).
//!
//! Names come from the data tables (`rules/data/policy.toml` names the PI types and policy
//! elements, `rules/data/app-types.toml` the app types); this module keeps no vocabulary of its
//! own beyond the fixed phrases of the evidence texts ([`PHRASES`]). It must not judge anything.

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

/// A fixed English phrase the evidence texts are built from, and its Chinese.
struct Phrase {
    en: &'static str,
    zh: &'static str,
    /// What must follow: the same word in an app's own strings, which evidence quotes, stays as
    /// it is.
    follows: Follows,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Follows {
    Anything,
    /// A class, method or source name (`com.x.App.onCreate`, `Lcom/x;->m()V`, `string:NAME`).
    Name,
    /// A method name (`startService`).
    Call,
}

const fn phrase(en: &'static str, zh: &'static str) -> Phrase {
    Phrase {
        en,
        zh,
        follows: Follows::Anything,
    }
}

const fn kind(en: &'static str, zh: &'static str) -> Phrase {
    Phrase {
        en,
        zh,
        follows: Follows::Name,
    }
}

const fn before_call(en: &'static str, zh: &'static str) -> Phrase {
    Phrase {
        en,
        zh,
        follows: Follows::Call,
    }
}

/// The fixed English words of the evidence texts (`api_ref_text`, the rules' `evidence`
/// expressions, entry-point, component and denial-outcome kinds of the facts) in Chinese. Kinds
/// that are Android classes keep the class name. A phrase is replaced only as a whole (not
/// inside a longer identifier).
const PHRASES: &[Phrase] = &[
    // api_ref_text
    phrase(" @ app (", " @ 应用自身代码 ("),
    phrase(" @ app", " @ 应用自身代码"),
    phrase(" @ third-party (", " @ 第三方代码 ("),
    phrase(" @ platform (", " @ 系统/支持库 ("),
    phrase(" call sites)", " 处调用)"),
    phrase("(permission names not resolved)", "（权限名称未能解析）"),
    // Entry points (`EntryPoint.kind`) and manifest components, before their class.
    kind("launcher-activity ", "启动 Activity "),
    kind("startup-initializer ", "启动初始化器 "),
    kind("boot-receiver ", "开机广播接收器 "),
    kind("connectivity-receiver ", "网络变化广播接收器 "),
    kind("application ", "Application "),
    kind("provider ", "ContentProvider "),
    kind("activity ", "Activity "),
    kind("service ", "Service "),
    kind("receiver ", "BroadcastReceiver "),
    // Permission-denial handling (`DenialOutcome.kind`, the handler's library, necessity).
    phrase(" (platform)", "（系统回调）"),
    phrase("exit-app", "退出应用"),
    phrase("leave-screen", "关闭页面"),
    phrase("blocking-dialog", "无法取消的对话框"),
    phrase("request-again", "再次申请"),
    phrase(
        "[necessity not judged: no app type]",
        "[未判断必要性：未指定应用类型]",
    ),
    phrase("[not_necessary]", "[非必要]"),
    phrase("[on_demand]", "[按需]"),
    phrase("[justified]", "[必要]"),
    phrase("on denial: ", "拒绝时："),
    phrase("on every resume: ", "每次恢复页面时："),
    // SDK initialisation at start-up.
    phrase(" runs at start-up (", " 在启动时运行（"),
    phrase(") and its vendor consent API (", "），其厂商隐私同意接口（"),
    phrase(") is never called", "）从未被调用"),
    // Manifest defaults and network security configuration.
    phrase(" absent, targetSdk ", " 未声明，targetSdk "),
    phrase(
        ": no base-config setting, targetSdk ",
        "：未设置 base-config，targetSdk ",
    ),
    // Identity, layouts and policies.
    phrase(" characters)", " 个字符）"),
    phrase(" (foreground ", "（前景图 "),
    phrase("\" next to \"", "\" 旁边的文字 \""),
    phrase("\" with only \"", "\" 仅有按钮 \""),
    phrase(
        "personalised-recommendation wording: none in ",
        "个性化推荐相关文字：未见于 ",
    ),
    phrase(" strings and ", " 条字符串和 "),
    phrase(" layouts", " 个布局"),
    phrase("not fetched: ", "未获取："),
    // Cross-app starts (`target via startService in Lcom/x;->m()V`) and motion sensors.
    before_call(" via ", " 经 "),
    kind(" in ", "，位于 "),
    phrase("accelerometer", "加速度计"),
    phrase("gyroscope", "陀螺仪"),
    phrase("linear_acceleration", "线性加速度传感器"),
    kind("dialog: ", "同意弹窗："),
    kind("url: ", "政策链接："),
    kind("text: ", "政策文本："),
];

/// Whether `c` continues an identifier, a dotted name or a path.
fn continues_name(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '$' | '/' | '-')
}

/// `text` with each whole occurrence of `p.en` replaced.
fn replace_phrase(text: &str, p: &Phrase) -> String {
    let starts_word =
        p.en.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '[');
    let ends_word = p.en.ends_with(|c: char| c.is_ascii_alphanumeric());
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (at, _) in text.match_indices(p.en) {
        if at < last {
            continue;
        }
        let end = at + p.en.len();
        let before = text[..at].chars().next_back();
        let after = &text[end..];
        let joined_before = starts_word && before.is_some_and(continues_name);
        let joined_after = ends_word && after.chars().next().is_some_and(continues_name);
        let whole = !joined_before && !joined_after;
        let next = after
            .split(|c: char| c.is_whitespace() || matches!(c, ',' | ')' | '）' | '、'))
            .next()
            .unwrap_or("");
        let starts_alphabetic = next.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
        let follows = match p.follows {
            Follows::Anything => true,
            Follows::Name => starts_alphabetic && next.contains(['.', ':', '/']),
            // lowerCamelCase, as Java methods are named.
            Follows::Call => {
                next.starts_with(|c: char| c.is_ascii_lowercase())
                    && next.chars().any(|c| c.is_ascii_uppercase())
                    && next.chars().all(|c| c.is_ascii_alphanumeric())
            }
        };
        if whole && follows {
            out.push_str(&text[last..at]);
            out.push_str(p.zh);
            last = end;
        }
    }
    out.push_str(&text[last..]);
    out
}

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
        // A plain-word identifier in parentheses names a PI type (`CAMERA (camera)`).
        let out = self.terms.iter().fold(out, |text, (id, name)| {
            text.replace(&format!(" ({id})"), &format!("（{}）", name.zh))
        });
        PHRASES
            .iter()
            .fold(out, |text, phrase| replace_phrase(&text, phrase))
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
        // A component or entry kind before its class: the Android class name.
        assert_eq!(
            g.localize("activity cn.x.Main", Lang::Zh),
            "Activity cn.x.Main"
        );
        assert_eq!(g.localize("location", Lang::Zh), "位置信息");
        assert_eq!(g.localize("app_list", Lang::En), "app_list");
    }

    #[test]
    fn evidence_phrases_become_chinese_but_names_and_app_strings_stay() {
        let g = glossary();
        let zh = |text: &str| g.localize(text, Lang::Zh);
        assert_eq!(
            zh(
                "a.b.Main (platform), android.permission.READ_CONTACTS [necessity not judged: no app type]: exit-app — La/b/Main;->finish()V"
            ),
            "a.b.Main（系统回调）, android.permission.READ_CONTACTS [未判断必要性：未指定应用类型]: 退出应用 — La/b/Main;->finish()V"
        );
        assert_eq!(
            zh(
                "umeng: La/U;->init()V runs at start-up (application a.b.App.onCreate) and its vendor consent API (La/U;->agree) is never called"
            ),
            "umeng: La/U;->init()V 在启动时运行（Application a.b.App.onCreate），其厂商隐私同意接口（La/U;->agree）从未被调用"
        );
        assert_eq!(
            zh("allowBackup absent, targetSdk 30 < 31"),
            "allowBackup 未声明，targetSdk 30 < 31"
        );
        assert_eq!(
            zh("launcher-activity a.b.Main.onCreate: La/b/Main;->onCreate()V"),
            "启动 Activity a.b.Main.onCreate: La/b/Main;->onCreate()V"
        );
        assert_eq!(
            zh("dialog: string:login_agree"),
            "同意弹窗：string:login_agree"
        );
        assert_eq!(
            zh("com.b/com.b.Svc via startService in Lcom/a/App;->wake()V @ app"),
            "com.b/com.b.Svc 经 startService，位于 Lcom/a/App;->wake()V @ 应用自身代码"
        );
        assert_eq!(
            zh("SDK pangle: accelerometer, gyroscope — La/S;->start()V"),
            "SDK pangle: 加速度计, 陀螺仪 — La/S;->start()V"
        );
        assert_eq!(
            zh("string:x: sent via mail in time"),
            "string:x: sent via mail in time"
        );
        // Not a kind before a class, or part of a longer name: untouched.
        assert_eq!(
            zh("string:x: Open the application now"),
            "string:x: Open the application now"
        );
        assert_eq!(zh("com.exit-app.Foo"), "com.exit-app.Foo");
        assert_eq!(zh("my-exit-app"), "my-exit-app");
        assert_eq!(zh("string:x: dialog: yes"), "string:x: dialog: yes");
        // English is never rewritten.
        assert_eq!(
            g.localize("allowBackup absent, targetSdk 30 < 31", Lang::En),
            "allowBackup absent, targetSdk 30 < 31"
        );
    }
}
