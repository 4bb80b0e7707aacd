//! Language of a policy text by script share.
//!
//! Counts Han ideographs (`h`) and ASCII letters (`l`). An English text needs roughly three to
//! four letters for what Chinese says in one character, and Chinese policies carry Latin
//! letters of their own (IMEI, SDK names, URLs, e-mail addresses), so the thresholds are:
//! fewer than [`MIN_LETTERS`] counted characters → `Unknown`; `h / (h + l) >= 0.35` → `Zh`;
//! `h / (h + l) <= 0.05` → `En`; otherwise `Mixed` (a bilingual text with equal content in both
//! languages lands near 0.2). Must not look at anything but characters.

use serde::{Deserialize, Serialize};

use crate::text::is_han;

/// Fewer Han + Latin letters than this: `Unknown`.
pub const MIN_LETTERS: usize = 16;
/// Han share at or above which a text is `Zh` (in percent).
pub const ZH_MIN_PERCENT: usize = 35;
/// Han share at or below which a text is `En` (in percent).
pub const EN_MAX_PERCENT: usize = 5;

/// Detected language of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Chinese.
    Zh,
    /// English (or another Latin-script language).
    En,
    /// Substantial parts in both.
    Mixed,
    /// Too little text to tell.
    Unknown,
}

/// Detects the language of `text` (see the module documentation for the thresholds).
pub fn lang(text: &str) -> Lang {
    let (mut han, mut latin) = (0usize, 0usize);
    for c in text.chars() {
        if is_han(c) {
            han += 1;
        } else if c.is_ascii_alphabetic() || ('\u{FF21}'..='\u{FF5A}').contains(&c) {
            latin += 1;
        }
    }
    let total = han + latin;
    if total < MIN_LETTERS {
        return Lang::Unknown;
    }
    let han_percent = han.saturating_mul(100) / total;
    if han_percent >= ZH_MIN_PERCENT {
        Lang::Zh
    } else if han_percent <= EN_MAX_PERCENT {
        Lang::En
    } else {
        Lang::Mixed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_with_identifiers_is_zh() {
        assert_eq!(
            lang(
                "为保障账号与交易安全，我们会收集您的设备标识（IMEI、OAID、Android ID）用于安全风控；如有疑问，请发送邮件至 privacy@example.com 与我们联系。"
            ),
            Lang::Zh
        );
    }

    #[test]
    fn english_is_en() {
        assert_eq!(
            lang("We collect your precise location to show nearby stores."),
            Lang::En
        );
    }

    #[test]
    fn bilingual_is_mixed() {
        assert_eq!(
            lang(
                "我们会收集您的位置信息用于推荐附近门店。We collect your location information to recommend nearby stores."
            ),
            Lang::Mixed
        );
    }

    #[test]
    fn short_is_unknown() {
        assert_eq!(lang("OK 好"), Lang::Unknown);
        assert_eq!(lang(""), Lang::Unknown);
    }
}
