//! UI evidence from the app's layouts and string resources: consent check boxes ticked by
//! default, "logging in means you agree" wording, consent dialogs with no way to refuse, and the
//! wording of account, account-cancellation, complaint and personalisation entries.
//!
//! Owns what a layout element or a string *shows* (which words name a policy, an agree or a
//! refuse control, an account entry) and the caps on how much UI is read. Decoding binary XML is
//! [`crate::manifest::parse_axml`]'s, resolving `@string/` references is [`Resources`]'s. It
//! must not judge anything: the rules in `rules/ui.toml` do, and text set in code or fetched from
//! a server is never seen here (an empty list means "not found", never "absent").

use std::collections::HashSet;
use std::sync::LazyLock;

use apk_info_xml::Element;
use regex::Regex;

use crate::facts::{UiEvidence, UiFacts};
use crate::resources::Resources;

/// Layout files decoded per app at most (large apps have thousands).
pub const MAX_LAYOUTS: usize = 4_000;
/// Bytes of layout XML decoded per app at most.
pub const MAX_LAYOUT_BYTES: u64 = 24 << 20;
/// Elements visited per layout at most.
const MAX_ELEMENTS: usize = 5_000;
/// Evidence items kept per list.
const MAX_EVIDENCE: usize = 20;
/// Characters of a text kept in evidence.
const MAX_TEXT: usize = 120;
/// Strings longer than this are documents (a policy, a licence), not UI labels.
const MAX_UI_STRING: usize = 400;

/// Whether `path` is a layout file (`res/layout/`, `res/layout-land/`, ...).
pub fn is_layout(path: &str) -> bool {
    let Some((dir, file)) = path
        .strip_prefix("res/layout")
        .and_then(|rest| rest.split_once('/'))
    else {
        return false;
    };
    (dir.is_empty() || dir.starts_with('-')) && !file.contains('/') && file.ends_with(".xml")
}

/// Words that name a privacy policy or a user agreement.
fn names_policy(text: &str) -> bool {
    const ZH: [&str; 6] = ["隐私", "协议", "条款", "个人信息保护", "政策", "服务声明"];
    const EN: [&str; 6] = [
        "privacy",
        "terms of",
        "terms and conditions",
        "terms & conditions",
        "user agreement",
        "eula",
    ];
    if ZH.iter().any(|w| text.contains(w)) {
        return true;
    }
    let lower = text.to_lowercase();
    EN.iter().any(|w| lower.contains(w))
}

/// "登录即代表同意", "注册即表示您同意", "继续使用即视为同意", "by signing up you agree".
static CONSENT_BY_USE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(登录|登陆|注册|使用|继续|进入)[^。！!？?\n]{0,12}?即(代表|表示|视为|默认|同意|确认|为)",
        r"|(登录|登陆|注册|使用|继续)[^。！!？?\n]{0,20}?视为(您)?(已)?(阅读|同意|接受)",
        r"|(?i)\bby (signing (up|in)|logging in|log(ging)? in|registering|creating an account|using)\b[^.]{0,80}?\byou (agree|accept|consent)",
    ))
    .unwrap_or_else(|e| panic!("consent-by-use pattern: {e}"))
});

/// Whether `text` treats logging in, signing up or using the app as consent. Tapping an agree
/// control ("点击“同意”即表示") is explicit consent and is left out: a match that quotes a
/// label, or whose trigger word follows a quoted label, does not count.
fn consent_by_use(text: &str) -> bool {
    CONSENT_BY_USE.find_iter(text).any(|m| {
        let before = text[..m.start()].trim_end();
        let after_label = before.ends_with(['”', '"', '」', '】']);
        let quoted = m.as_str().contains(['“', '”', '"', '「', '」', '【', '】']);
        !after_label && !quoted
    })
}

/// Labels of a control that agrees.
fn is_agree_label(text: &str) -> bool {
    const ZH: [&str; 12] = [
        "同意",
        "我同意",
        "同意并继续",
        "同意并使用",
        "同意并进入",
        "同意并开始使用",
        "我知道了",
        "知道了",
        "确定",
        "好的",
        "好",
        "我已知晓",
    ];
    const EN: [&str; 8] = [
        "agree",
        "i agree",
        "accept",
        "ok",
        "okay",
        "got it",
        "agree and continue",
        "continue",
    ];
    let t = text.trim();
    ZH.contains(&t) || EN.contains(&t.to_lowercase().as_str())
}

/// Text of a control (or any text) that refuses, exits or closes.
fn is_refuse_text(text: &str) -> bool {
    const ZH: [&str; 10] = [
        "不同意",
        "拒绝",
        "退出",
        "取消",
        "暂不",
        "关闭",
        "以后再说",
        "仅浏览",
        "不使用",
        "跳过",
    ];
    const EN: [&str; 10] = [
        "disagree",
        "decline",
        "reject",
        "refuse",
        "cancel",
        "exit",
        "quit",
        "not now",
        "no thanks",
        "close",
    ];
    if ZH.iter().any(|w| text.contains(w)) {
        return true;
    }
    let lower = text.to_lowercase();
    EN.iter().any(|w| lower.contains(w))
}

/// A view id (`@id/tv_disagree`) naming a refuse, cancel or close control.
fn is_refuse_id(id: &str) -> bool {
    const WORDS: [&str; 11] = [
        "close", "cancel", "disagree", "refuse", "reject", "exit", "negative", "deny", "quit",
        "decline", "no_agree",
    ];
    let lower = id.to_lowercase();
    WORDS.iter().any(|w| lower.contains(w))
}

/// Wording of an account-cancellation entry.
fn names_cancellation(text: &str) -> bool {
    const ZH: [&str; 9] = [
        "注销账号",
        "注销帐号",
        "账号注销",
        "帐号注销",
        "注销账户",
        "注销帐户",
        "账户注销",
        "帐户注销",
        "注销用户",
    ];
    const EN: [&str; 8] = [
        "delete account",
        "delete my account",
        "delete your account",
        "deactivate account",
        "close account",
        "close my account",
        "account deletion",
        "cancel account",
    ];
    if ZH.iter().any(|w| text.contains(w)) {
        return true;
    }
    let lower = text.to_lowercase();
    EN.iter().any(|w| lower.contains(w))
}

/// Wording of a complaint, report or feedback entry.
fn names_complaint(text: &str) -> bool {
    const ZH: [&str; 5] = ["投诉", "举报", "意见反馈", "反馈", "客服"];
    const EN: [&str; 6] = [
        "complaint",
        "report abuse",
        "feedback",
        "contact us",
        "customer service",
        "report a problem",
    ];
    if ZH.iter().any(|w| text.contains(w)) {
        return true;
    }
    let lower = text.to_lowercase();
    EN.iter().any(|w| lower.contains(w))
}

/// Wording of a personalised-recommendation setting.
fn names_personalization(text: &str) -> bool {
    const ZH: [&str; 5] = [
        "个性化推荐",
        "个性化内容推荐",
        "个性化广告",
        "个性化推送",
        "推荐管理",
    ];
    const EN: [&str; 5] = [
        "personalized recommendation",
        "personalised recommendation",
        "personalized ads",
        "personalised ads",
        "personalized content",
    ];
    if ZH.iter().any(|w| text.contains(w)) {
        return true;
    }
    let lower = text.to_lowercase();
    EN.iter().any(|w| lower.contains(w))
}

/// Wording of a way to withdraw consent.
fn names_withdrawal(text: &str) -> bool {
    const ZH: [&str; 7] = [
        "撤回同意",
        "撤销同意",
        "撤回授权",
        "撤销授权",
        "撤回隐私",
        "取消授权",
        "关闭授权",
    ];
    const EN: [&str; 3] = [
        "withdraw consent",
        "withdraw your consent",
        "revoke consent",
    ];
    if ZH.iter().any(|w| text.contains(w)) {
        return true;
    }
    let lower = text.to_lowercase();
    EN.iter().any(|w| lower.contains(w))
}

/// "需要获取您的位置权限，用于推荐附近门店", "We need camera permission to scan codes".
static PERMISSION_PURPOSE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"权限[^。！!？?\n]{0,30}?(用于|以便|为了|用来|便于|以实现|以提供)",
        r"|(用于|以便|为了|用来)[^。！!？?\n]{0,30}?权限",
        r"|使用[^。！!？?\n]{0,12}?功能时[^。！!？?\n]{0,20}?权限",
        r"|(?i)\bpermission\b[^.]{0,60}?\b(to|so that|in order to|for)\b",
    ))
    .unwrap_or_else(|e| panic!("permission-purpose pattern: {e}"))
});

/// "请开启存储权限，否则无法使用", "未获得权限，应用将退出".
static PERMISSION_REQUIRED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"权限[^。！!？?\n]{0,24}?((无法|不能)(正常)?(使用|运行|启动)(本|该)?(应用|软件|App|APP|app)|将退出|退出应用|(应用|软件|App|APP|app)(将)?(无法|不能)(正常)?(使用|运行|启动))",
        r"|(?i)\bpermissions?\b[^.]{0,60}?\b(the app (will exit|cannot (be used|run|work))|otherwise (you|the app) cannot use)",
    ))
    .unwrap_or_else(|e| panic!("permission-required pattern: {e}"))
});

/// "实名认证即可领取红包", "刷脸认证领积分": a reward offered for identity or biometric data.
static REWARD_FOR_PI: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(实名认证|实名|身份证|人脸|刷脸|面部|指纹|声纹)[^。！!？?\n]{0,16}?(领取|领|赢|得|送|奖励|积分|红包|现金|优惠券|金币|福利|抽奖)",
        r"|(领取|领|赢|奖励|积分|红包|现金|优惠券|金币|福利|抽奖)[^。！!？?\n]{0,10}?(完成|进行|上传)?(实名认证|身份证|人脸认证|刷脸|人脸识别)",
    ))
    .unwrap_or_else(|e| panic!("reward-for-PI pattern: {e}"))
});

/// A short label of a login or sign-up control.
fn is_account_label(text: &str) -> bool {
    const ZH: [&str; 14] = [
        "登录",
        "立即登录",
        "手机号登录",
        "账号登录",
        "帐号登录",
        "密码登录",
        "验证码登录",
        "一键登录",
        "注册",
        "立即注册",
        "登录/注册",
        "注册/登录",
        "登录注册",
        "注册登录",
    ];
    const EN: [&str; 8] = [
        "log in",
        "login",
        "sign in",
        "sign up",
        "register",
        "create account",
        "log in / sign up",
        "sign in / sign up",
    ];
    let t = text.trim();
    ZH.contains(&t) || EN.contains(&t.to_lowercase().as_str())
}

/// String names of libraries' own resources (AppCompat, Material, Play services, login and push
/// SDKs, ...): their texts say nothing about this app's UI.
fn is_library_string(name: &str) -> bool {
    const PREFIXES: [&str; 16] = [
        "abc_",
        "mtrl_",
        "material_",
        "m3_",
        "common_",
        "androidx_",
        "exo_",
        "fcm_",
        "gcm_",
        "com_facebook_",
        "tw__",
        "fui_",
        "appbar_",
        "bottomsheet_",
        "search_menu_",
        "status_bar_",
    ];
    PREFIXES.iter().any(|p| name.starts_with(p))
}

fn shorten(text: &str) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let flat = flat.trim();
    match flat.char_indices().nth(MAX_TEXT) {
        Some((at, _)) => format!("{}…", &flat[..at]),
        None => flat.to_owned(),
    }
}

fn push(list: &mut Vec<UiEvidence>, source: String, text: &str) {
    if list.len() < MAX_EVIDENCE && !list.iter().any(|e| e.source == source) {
        list.push(UiEvidence {
            source,
            text: shorten(text),
        });
    }
}

/// The last segment of a view class name (`androidx.appcompat.widget.AppCompatCheckBox` →
/// `AppCompatCheckBox`).
fn simple_name(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

fn is_check_box(name: &str) -> bool {
    matches!(
        simple_name(name),
        "CheckBox"
            | "AppCompatCheckBox"
            | "MaterialCheckBox"
            | "RadioButton"
            | "AppCompatRadioButton"
            | "MaterialRadioButton"
    )
}

/// A view that shows text and may be tapped: a button or a text view used as one.
fn is_text_control(name: &str) -> bool {
    let simple = simple_name(name);
    (simple.ends_with("Button") && !simple.ends_with("ImageButton") && !is_check_box(name))
        || simple.ends_with("TextView")
}

fn is_image_control(name: &str) -> bool {
    let simple = simple_name(name);
    simple.ends_with("ImageButton") || simple.ends_with("ImageView")
}

/// What a layout element's `android:text` shows, resolved; with the string name when it is a
/// reference.
struct Text {
    value: String,
    string_name: Option<String>,
}

fn text_of(el: &Element, resources: Option<&Resources<'_>>) -> Option<Text> {
    let raw = el.attr("text")?;
    if let Some(name) = raw.strip_prefix("@string/") {
        let value = resources.and_then(|r| r.resolve(raw))?;
        return Some(Text {
            value,
            string_name: Some(name.to_owned()),
        });
    }
    if raw.starts_with('@') || raw.starts_with('?') {
        return None;
    }
    Some(Text {
        value: raw.to_owned(),
        string_name: None,
    })
}

/// Collects UI evidence from one app's strings and layouts.
#[derive(Default)]
pub struct UiScan {
    facts: UiFacts,
    /// Strings whose wording reads as consent by use, with their evidence, judged at the end
    /// (a string used as a check box's label is a check box consent, not consent by use).
    by_use: Vec<(String, UiEvidence)>,
    /// String names shown on or next to a check box in some layout.
    check_box_texts: HashSet<String>,
    layout_bytes: u64,
}

impl UiScan {
    /// Whether another layout of `size` bytes may still be decoded.
    pub fn wants_layout(&self, size: u64) -> bool {
        (self.facts.layouts_read as usize) < MAX_LAYOUTS
            && self.layout_bytes.saturating_add(size) <= MAX_LAYOUT_BYTES
    }

    /// One string resource of a default, Chinese or English configuration.
    pub fn add_string(&mut self, name: &str, locale: &str, value: &str) {
        self.facts.strings_read = self.facts.strings_read.saturating_add(1);
        if value.chars().count() > MAX_UI_STRING || is_library_string(name) {
            return;
        }
        let source = || {
            if locale == "default" {
                format!("string:{name}")
            } else {
                format!("string:{name} ({locale})")
            }
        };
        if names_policy(value) && consent_by_use(value) && self.by_use.len() < MAX_EVIDENCE {
            self.by_use.push((
                name.to_owned(),
                UiEvidence {
                    source: source(),
                    text: shorten(value),
                },
            ));
        }
        self.add_text(source(), value);
        if is_account_label(value) {
            push(&mut self.facts.account_signals, source(), value);
        }
    }

    /// Wording any visible text may carry (a string or a literal text in a layout).
    fn add_text(&mut self, source: String, value: &str) {
        if names_cancellation(value) {
            push(&mut self.facts.account_cancellation, source.clone(), value);
        }
        if names_complaint(value) {
            push(&mut self.facts.complaint_entry, source.clone(), value);
        }
        if names_personalization(value) {
            push(
                &mut self.facts.personalization_switch,
                source.clone(),
                value,
            );
        }
        if names_withdrawal(value) {
            push(&mut self.facts.consent_withdrawal, source.clone(), value);
        }
        if PERMISSION_PURPOSE.is_match(value) {
            push(&mut self.facts.permission_purpose, source.clone(), value);
        }
        if PERMISSION_REQUIRED.is_match(value) {
            push(&mut self.facts.permission_required, source.clone(), value);
        }
        if REWARD_FOR_PI.is_match(value) {
            push(&mut self.facts.reward_for_pi, source, value);
        }
    }

    /// One decoded layout file.
    pub fn add_layout(
        &mut self,
        path: &str,
        size: u64,
        root: &Element,
        resources: Option<&Resources<'_>>,
    ) {
        self.facts.layouts_read += 1;
        self.layout_bytes = self.layout_bytes.saturating_add(size);
        let elements: Vec<&Element> = std::iter::once(root)
            .chain(root.descendants())
            .take(MAX_ELEMENTS)
            .collect();

        // Ticked check boxes next to text naming the policy: the check box's own text, or a
        // text of a sibling (same parent).
        for parent in &elements {
            let children: Vec<&Element> = parent.childrens().take(MAX_ELEMENTS).collect();
            for (i, child) in children.iter().enumerate() {
                if !is_check_box(child.name()) {
                    continue;
                }
                let near: Vec<Text> = std::iter::once(*child)
                    .chain(
                        children
                            .iter()
                            .enumerate()
                            .filter(|(j, _)| *j != i)
                            .map(|(_, c)| *c),
                    )
                    .filter_map(|el| text_of(el, resources))
                    .collect();
                self.check_box_texts
                    .extend(near.iter().filter_map(|t| t.string_name.clone()));
                let checked = child
                    .attr("checked")
                    .and_then(|v| {
                        let v = resources
                            .filter(|_| v.starts_with('@'))
                            .and_then(|r| r.resolve(v))
                            .unwrap_or_else(|| v.to_owned());
                        crate::manifest::parse_bool(&v)
                    })
                    .unwrap_or(false);
                if !checked {
                    continue;
                }
                if let Some(policy) = near.iter().find(|t| names_policy(&t.value)) {
                    let text = format!(
                        "{} android:checked=\"true\" next to \"{}\"",
                        simple_name(child.name()),
                        shorten(&policy.value)
                    );
                    push(&mut self.facts.prechecked_consent, path.to_owned(), &text);
                }
            }
        }

        // Literal texts count as UI wording too; a dialog's controls are judged together.
        let mut policy_text = None;
        let mut agree = None;
        let mut refuse = false;
        let mut unknown_control = false;
        for el in &elements {
            let name = el.name();
            if is_check_box(name) {
                // A check box consent page, not a dialog with buttons only.
                refuse = true;
            }
            if el.attr("id").is_some_and(is_refuse_id) {
                refuse = true;
            }
            if is_image_control(name) && el.attr("onClick").is_some() {
                refuse = true;
            }
            if simple_name(name).ends_with("ImageButton") {
                refuse = true;
            }
            let text = text_of(el, resources);
            if let Some(t) = &text {
                if t.string_name.is_none() {
                    self.add_text(path.to_owned(), &t.value);
                }
                if is_refuse_text(&t.value) {
                    refuse = true;
                }
            }
            if !is_text_control(name) {
                continue;
            }
            match text {
                Some(t) if is_agree_label(&t.value) => {
                    if simple_name(name).ends_with("Button") || el.attr("id").is_some() {
                        agree.get_or_insert(t.value);
                    }
                }
                Some(t) if names_policy(&t.value) => {
                    policy_text.get_or_insert(t.value);
                }
                Some(_) => {}
                // A control whose text is set in code may be the refuse button.
                None => unknown_control = true,
            }
        }
        if let (Some(policy), Some(agree), false, false) =
            (policy_text, agree, refuse, unknown_control)
        {
            let text = format!("\"{}\" with only \"{}\"", shorten(&policy), agree.trim());
            push(
                &mut self.facts.consent_without_refuse,
                path.to_owned(),
                &text,
            );
        }
    }

    /// The facts, once every string and layout is in.
    pub fn finish(mut self) -> UiFacts {
        for (name, evidence) in std::mem::take(&mut self.by_use) {
            if !self.check_box_texts.contains(&name) {
                push(
                    &mut self.facts.consent_by_use,
                    evidence.source,
                    &evidence.text,
                );
            }
        }
        self.facts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_paths() {
        assert!(is_layout("res/layout/main.xml"));
        assert!(is_layout("res/layout-land-v21/main.xml"));
        assert!(!is_layout("res/layout/a/b.xml"));
        assert!(!is_layout("res/xml/main.xml"));
        assert!(!is_layout("res/layout/main.png"));
    }

    #[test]
    fn consent_by_use_wording() {
        for yes in [
            "登录即代表您已阅读并同意《用户协议》和《隐私政策》",
            "未注册的手机号验证后自动注册，注册即表示同意《隐私政策》",
            "继续使用即视为您同意《隐私政策》",
            "点击登录即代表同意《隐私政策》",
            "By signing up, you agree to our Terms of Service and Privacy Policy",
        ] {
            assert!(consent_by_use(yes) && names_policy(yes), "{yes}");
        }
        for no in [
            "我已阅读并同意《用户协议》和《隐私政策》",
            "请阅读并同意隐私政策后使用",
            "登录后即可使用全部功能",
            "I agree to the Privacy Policy",
            "点击“同意”即表示您已阅读并同意上述协议",
            "By tapping Agree, you agree to the Privacy Policy",
        ] {
            assert!(!(consent_by_use(no) && names_policy(no)), "{no}");
        }
    }

    #[test]
    fn labels() {
        assert!(is_agree_label(" 同意 ") && is_agree_label("OK") && !is_agree_label("不同意"));
        assert!(
            is_refuse_text("不同意并退出") && is_refuse_text("Decline") && !is_refuse_text("同意")
        );
        assert!(is_refuse_id("@id/tv_disagree") && !is_refuse_id("@id/tv_agree"));
        assert!(names_cancellation("注销账号") && names_cancellation("Delete my account"));
        assert!(!names_cancellation("退出登录"));
        assert!(names_personalization("个性化推荐设置"));
        assert!(is_account_label("手机号登录") && !is_account_label("登录即代表同意"));
    }

    #[test]
    fn permission_wording() {
        assert!(PERMISSION_PURPOSE.is_match("需要获取您的位置权限，用于推荐附近门店"));
        assert!(PERMISSION_PURPOSE.is_match("We need camera permission to scan QR codes."));
        assert!(!PERMISSION_PURPOSE.is_match("权限设置"));
        assert!(PERMISSION_PURPOSE.is_match("我们会在您使用相应功能时申请位置、相机权限"));
        assert!(PERMISSION_REQUIRED.is_match("请开启存储权限，否则无法使用本应用"));
        assert!(PERMISSION_REQUIRED.is_match("未获得电话权限，应用将退出"));
        assert!(!PERMISSION_REQUIRED.is_match("需要相机权限才能拍照"));
        assert!(!PERMISSION_REQUIRED.is_match("未开启定位权限，导航无法正常使用"));
        assert!(names_withdrawal("撤回同意隐私政策") && !names_withdrawal("同意"));
        assert!(REWARD_FOR_PI.is_match("完成实名认证即可领取10元红包"));
        assert!(REWARD_FOR_PI.is_match("刷脸认证领积分"));
        assert!(!REWARD_FOR_PI.is_match("请完成实名认证"));
        assert!(!REWARD_FOR_PI.is_match("邀请好友领红包"));
    }

    #[test]
    fn shortening_keeps_whole_characters() {
        let long = "隐".repeat(300);
        let short = shorten(&long);
        assert_eq!(short.chars().count(), MAX_TEXT + 1);
        assert!(short.ends_with('…'));
    }
}
