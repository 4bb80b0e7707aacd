//! String-resource classification, policy URLs, PolicyDoc records and analyzer behaviours that
//! users depend on (word boundaries, negation, purposes, evidence, hostile sizes).

use piaudit_policy::{
    Analyzer, DocKind, Lang, PolicyDoc, PolicyTables, SdkName, StringClass, classify_document,
    classify_string, decode, normalise, normalised_sha256, policy_urls, sha256_hex,
};

fn analyzer() -> Analyzer {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../rules/data/policy.toml");
    let source = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{e}"));
    let tables = PolicyTables::from_toml(&source).unwrap_or_else(|e| panic!("{e}"));
    let sdks = vec![SdkName {
        id: "amap".into(),
        names: vec!["高德".into(), "AMap".into()],
    }];
    Analyzer::new(&tables, sdks).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn titles_and_link_labels_are_titles() {
    let a = analyzer();
    for (name, value) in [
        ("privacy_title", "隐私政策"),
        ("link", "《用户协议》和《隐私政策》"),
        ("settings_privacy", "Privacy Policy"),
        (
            "about_link",
            "<a href=\"https://example.com/privacy.html\">《隐私政策》</a>",
        ),
    ] {
        assert_eq!(
            classify_string(name, value, &a),
            Some(StringClass::Title),
            "{value}"
        );
    }
}

#[test]
fn consent_dialogs_are_dialogs() {
    let a = analyzer();
    let zh = "欢迎使用好运天气！我们依据《隐私政策》和《用户协议》处理您的个人信息。为向您提供天气服务，我们会在您授权后获取位置信息。请您点击“同意”开始使用，如不同意，您可以点击“暂不使用”。";
    assert_eq!(
        classify_string("dialog_content", zh, &a),
        Some(StringClass::Dialog)
    );
    let checkbox = "我已阅读并同意《用户协议》和《隐私政策》";
    assert_eq!(
        classify_string("agree_tip", checkbox, &a),
        Some(StringClass::Dialog)
    );
    let en = "Please read our Privacy Policy and Terms of Service. Tap Agree to continue or Decline to exit.";
    assert_eq!(
        classify_string("consent", en, &a),
        Some(StringClass::Dialog)
    );
}

#[test]
fn urls_are_urls_only_when_marked() {
    let a = analyzer();
    assert_eq!(
        classify_string("x", "https://h5.example.com/yinsi.html", &a),
        Some(StringClass::Url)
    );
    assert_eq!(
        classify_string("privacy_url", "https://h5.example.com/p/123", &a),
        Some(StringClass::Url)
    );
    assert_eq!(
        classify_string("cdn_base", "https://cdn.example.com/static/", &a),
        None
    );
}

#[test]
fn unrelated_strings_are_ignored() {
    let a = analyzer();
    for value in [
        "",
        "   ",
        "确定",
        "Settings",
        "请允许相机权限以扫描二维码",
        "Version 3.2.1",
    ] {
        assert_eq!(classify_string("s", value, &a), None, "{value}");
    }
}

#[test]
fn policy_urls_by_path_and_by_context() {
    let a = analyzer();
    let text = "详见 https://www.example.com/legal/privacy.html。另见《用户协议》：https://m.example.cn/p/8812），\
                客服 https://help.example.com/faq, 隐私 https://a.cn/%E9%9A%90%E7%A7%81 ，帮助 https://a.cn/help";
    assert_eq!(
        policy_urls(text, &a),
        vec![
            "https://www.example.com/legal/privacy.html",
            "https://m.example.cn/p/8812",
            "https://a.cn/%E9%9A%90%E7%A7%81",
        ]
    );
    assert!(policy_urls("no links here", &a).is_empty());
}

#[test]
fn english_word_boundaries_hold() {
    let a = analyzer();
    let d = a.analyze("The bitmap cache stores thumbnails. Use Carriers2 API and a childish tone.");
    assert!(
        d.pi_types.is_empty(),
        "{:?}",
        d.pi_types.iter().map(|p| &p.id).collect::<Vec<_>>()
    );
    let d = a.analyze("We read your GPS position. 我们使用GPS定位。");
    assert!(d.mentions_pi_type("precise_location") && d.mentions_pi_type("location"));
}

#[test]
fn negation_marks_but_keeps_the_mention() {
    let a = analyzer();
    let d = a.analyze("我们不会收集您的通讯录、短信。为了推荐附近门店，我们会收集您的位置信息。");
    let get = |id: &str| {
        d.pi_types
            .iter()
            .find(|p| p.id == id)
            .unwrap_or_else(|| panic!("{id} missing"))
    };
    assert!(get("contacts").negated_only && get("sms").negated_only);
    assert!(!get("location").negated_only);
    assert!(get("location").purpose_stated);
    assert!(!get("contacts").purpose_stated);
}

#[test]
fn evidence_is_short_verbatim_and_points_into_the_normalised_text() {
    let a = analyzer();
    let raw = "隐私政策\n\n  我们会收集您的ＩＭＥＩ用于安全风控。".repeat(5);
    let d = a.analyze(&raw);
    let device = d
        .pi_types
        .iter()
        .find(|p| p.id == "device_id")
        .unwrap_or_else(|| panic!("no device_id"));
    assert_eq!(device.mentions, 5);
    assert_eq!(device.evidence.len(), 3);
    let normalised: Vec<char> = normalise(&raw).chars().collect();
    let span = &device.evidence[0];
    let quoted: String = normalised[span.start..span.end].iter().collect();
    assert_eq!(quoted, "ＩＭＥＩ");
    assert!(
        span.excerpt.contains("收集您的ＩＭＥＩ用于安全风控"),
        "{}",
        span.excerpt
    );
}

#[test]
fn sdk_names_are_reported_by_id() {
    let a = analyzer();
    let d = a.analyze("我们接入了高德地图SDK（AMap），用于为您提供定位服务。");
    assert_eq!(d.named_sdks.len(), 1);
    assert_eq!(d.named_sdks[0].id, "amap");
    assert_eq!(d.named_sdks[0].mentions, 2);
    assert!(d.named_sdks[0].purpose_stated);
}

#[test]
fn empty_and_hostile_texts_are_safe() {
    let a = analyzer();
    let d = a.analyze("");
    assert_eq!(d.chars, 0);
    assert!(d.pi_types.is_empty() && d.elements.values().all(|e| !e.present));
    assert_eq!(d.missing_elements.len(), d.elements.len());
    // Many matches: the analysis stops at the hit cap instead of growing without bound.
    let flood = "位置".repeat(300_000);
    let d = a.analyze(&flood);
    assert!(d.hit_cap_reached);
    assert!(d.pi_types.iter().all(|p| p.evidence.len() <= 3));
}

#[test]
fn policy_doc_records_are_consistent() {
    let a = analyzer();
    let text = "隐私政策\n更新日期：2024年1月1日\n本应用由示例网络科技有限公司运营。\n\
                为了向您推荐附近门店，我们会在您授权后收集您的位置信息；您可以在系统设置中随时关闭位置权限。\n\
                为保障账号安全，我们会收集设备标识（Android ID）。我们仅在实现目的所需的最短时间内保存您的个人信息。\n\
                您可以查阅、更正或删除您的个人信息。联系邮箱：a@example.com";
    let decoded = decode(text.as_bytes());
    let doc = classify_document("assets/privacy.txt", &decoded, &a)
        .unwrap_or_else(|| panic!("not a policy"));
    assert_eq!(doc.kind, DocKind::Text);
    assert_eq!(doc.lang, Lang::Zh);
    // The hash of the bytes as stored (what sha256sum prints for the file), and separately
    // that of the normalised text the spans point into.
    assert_eq!(doc.sha256, sha256_hex(text.as_bytes()));
    assert_eq!(
        doc.text_sha256.as_deref(),
        Some(normalised_sha256(text).as_str())
    );
    assert_eq!(doc.encoding.as_deref(), Some("utf-8"));
    assert_eq!(doc.chars, normalise(text).chars().count());
    let json = serde_json::to_value(&doc).unwrap_or_default();
    assert_eq!(json["kind"], "text");
    assert_eq!(json["lang"], "zh");
    assert!(
        json["disclosures"]["elements"]["contact"]["present"]
            .as_bool()
            .unwrap_or(false)
    );

    let url = PolicyDoc::url("string:privacy_url", "https://example.com/privacy");
    assert_eq!((url.kind, url.disclosures.is_none()), (DocKind::Url, true));
    let dialog = PolicyDoc::dialog("string:dialog", "请阅读《隐私政策》，点击同意继续。", &a);
    assert_eq!(dialog.kind, DocKind::Dialog);
    assert_eq!(
        serde_json::to_value(&dialog).unwrap_or_default()["kind"],
        "dialog"
    );
}

#[test]
fn short_or_untitled_texts_are_not_documents() {
    let a = analyzer();
    let short = decode("隐私政策：我们收集位置信息。".as_bytes());
    assert!(classify_document("assets/privacy.txt", &short, &a).is_none());
    let changelog = decode(
        "版本 3.2.1 更新说明\n1. 修复了扫一扫在部分机型上无法打开相机的问题。\n2. 优化了相册图片加载速度。\n3. 新增夜间模式。\n\
         4. 修复了若干已知问题，提升了稳定性。感谢您的支持，如有问题请在应用内反馈。我们会持续改进产品体验，欢迎您提出宝贵意见。"
            .as_bytes(),
    );
    assert!(classify_document("assets/changelog.txt", &changelog, &a).is_none());
}

/// The cheap title filter in front of the phrase scan must never hide a title that
/// normalisation and folding would reveal (line breaks inside Chinese, full-width letters,
/// upper case), and short UI strings without one are still ignored.
#[test]
fn the_title_filter_never_hides_a_title() {
    let a = analyzer();
    for title in [
        "《隐私\n政策》",
        "《隐私 政策》",
        "PRIVACY POLICY",
        "Privacy\u{200B} Policy",
        "ＰＲＩＶＡＣＹ　ＰＯＬＩＣＹ",
        "ｐｒｉｖａｃｙ ｐｏｌｉｃｙ",
        "Terms of\nService",
    ] {
        assert!(
            matches!(classify_string("link", title, &a), Some(StringClass::Title)),
            "{title:?}"
        );
    }
    for label in [
        "设置",
        "Settings",
        "确定",
        "Calculate 1 + 2",
        "Present the previous process",
        "Tell the user about terms",
    ] {
        assert_eq!(classify_string("label", label, &a), None, "{label:?}");
    }
}
