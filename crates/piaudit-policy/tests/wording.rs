//! How real policies word what they must say, in Simplified and Traditional Chinese and in
//! English, and what they mention without saying it. Every text here is written for the test
//! (an invented app and company); none is copied from a real policy.

use piaudit_policy::{Analyzer, PolicyTables, SdkName, classify_document, decode};

fn analyzer() -> Analyzer {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../rules/data/policy.toml");
    let source = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{e}"));
    let tables = PolicyTables::from_toml(&source).unwrap_or_else(|e| panic!("{e}"));
    Analyzer::new(&tables, Vec::<SdkName>::new()).unwrap_or_else(|e| panic!("{e}"))
}

/// Asserts that each text has (or lacks) the element.
fn check(a: &Analyzer, element: &str, present: &[&str], absent: &[&str]) {
    for text in present {
        let d = a.analyze(text);
        assert!(d.has_element(element), "{element} not found in: {text}");
    }
    for text in absent {
        let d = a.analyze(text);
        assert!(
            !d.has_element(element),
            "{element} wrongly found in: {text}\n{:?}",
            d.elements.get(element)
        );
    }
}

#[test]
fn dates_in_brackets_or_after_a_cue() {
    check(
        &analyzer(),
        "update_and_effective_date",
        &[
            "更新日期：【2023】年【3】月【15】日",
            "生效日期：2021年【11】月【2】日",
            "发布时间：2020-06-30",
            "本政策于2024年2月1日更新。",
            "隱私政策 更新日期：2022年5月20日 生效日期：2022年5月27日",
            "Updated on: March 3, 2023",
        ],
        &["我们会不定期更新本政策，更新后的政策将在应用内公布。"],
    );
}

#[test]
fn retention_worded_with_a_period_noun_or_an_end() {
    check(
        &analyzer(),
        "retention",
        &[
            "我们仅在实现本政策所述目的所必需的期间内保留您的个人信息。",
            "您的订单信息仅在法律规定的时限内存储。",
            "您注销账户后，我们将在15个工作日内删除您的个人信息。",
            "在您使用本服务期间，我们会持续保存您的登录记录。",
            "備份檔案會保留在您的雲端帳戶中，直到您自行刪除。",
            "We retain your diary entries until you delete them.",
            "We keep your account data for as long as your account is active.",
        ],
        &["We may change this policy from time to time."],
    );
}

#[test]
fn contact_channels_short_hotlines_spaced_numbers_and_urls() {
    check(
        &analyzer(),
        "contact",
        &[
            "如有疑问，请拨打客服电话：95566。",
            "客服热线 400 - 812 - 3456（工作日9:00-18:00）",
            "联系方式：https://support.example.org/feedback",
            "You can contact us at https://example.org/contact for any question.",
            "聯絡電話：(02) 2345-6789",
        ],
        &[
            "我们会收集您的姓名、通讯地址和联系方式用于配送商品。",
            "请在应用内“设置-意见反馈”提交您的问题。",
        ],
    );
}

#[test]
fn cancellation_as_deleting_the_account() {
    check(
        &analyzer(),
        "account_cancellation",
        &[
            "您可以在“我的-设置”中删除您的帐号。",
            "您可以隨時註銷帳戶，註銷後我們將刪除您的資料。",
            "You can delete your account in the settings at any time.",
            "after you have deleted your user account we erase your data",
        ],
        &["在您注销账号时，我们将停止使用并删除上述信息。"],
    );
}

#[test]
fn sensitive_pi_and_separate_consent() {
    check(
        &analyzer(),
        "sensitive_pi_separate_consent",
        &[
            "在调用摄像头等敏感权限前，我们会单独征得您的同意。",
            "对于人脸等敏感个人信息，我们将在处理前单独明示征求您的授权同意。",
        ],
        &["涉及敏感信息时，我们会征得您的明示同意。"],
    );
}

#[test]
fn sdk_lists_worded_many_ways() {
    check(
        &analyzer(),
        "third_party_sdk_list",
        &[
            "附：SDK列表（名称、提供方、收集的信息）",
            "我们在下表中逐项列举了接入的第三方代码及其用途。",
            "崩溃信息由 Crashlytix SDK收集。",
            "Third-party services: Crashlytix, MapKitty",
            "第三方服务：推送、地图",
        ],
        &[
            "本应用不使用任何第三方服务。",
            "The data we collect can include SDK/API/JS code version and browser type.",
        ],
    );
}

#[test]
fn sharing_worded_as_fenxiang_recipients_or_not_shared() {
    check(
        &analyzer(),
        "sharing_and_disclosure",
        &[
            "未经您同意，我们不会与任何第三方分享您的个人信息。",
            "这些记录只保存在本机，不会被上传或共享。",
            "我們會要求接收方按照本政策履行保密義務。",
            "We require recipients of your data to keep it confidential.",
            "Your notes are never uploaded or shared.",
        ],
        &["如个人信息共享、转让或公开披露的主要对象发生变化，我们将通知您。"],
    );
}

#[test]
fn storage_in_mainland_china_is_a_cross_border_statement() {
    check(
        &analyzer(),
        "cross_border",
        &[
            "我们在中华人民共和国境内收集的个人信息将存储在中华人民共和国境内。",
            "您的資料存放於中國境內的伺服器。",
            "Our service provider is U.S.-based and processes crash reports there.",
            "We may transfer your data to countries outside the European Economic Area.",
        ],
        &["我们会在您授权后收集位置信息，用于推荐附近的门店。"],
    );
}

#[test]
fn handlers_without_ltd_or_written_with_spaces() {
    check(
        &analyzer(),
        "handler_identity",
        &[
            "本应用由 Lanting Studio 提供。",
            "“记账本”是一款由 shanshui2048 （以下简称“我们”）开发的软件。",
            "This app was created by Northfield Institute of Botany.",
            "星河软件工作室（以下简称“我们”）重视您的隐私。",
        ],
        &[
            "本应用是一款由 A有限公司（以下简称“我们”）提供的产品。",
            "推送服务由极光推送SDK提供。",
            "某些服务将由授权合作伙伴提供。",
            "数据存储在我们购买的云计算有限公司的云服务器中。",
            "本政策适用于由本服务提供商、运营商（以下简称“我们”）提供的服务。",
        ],
    );
}

#[test]
fn english_inflections_and_common_wording() {
    let a = analyzer();
    check(
        &a,
        "complaint",
        &[
            "If you think we broke the law, you can complain to the regulators.",
            "You may lodge a complaint with your local authority.",
        ],
        &["We may update this notice if our contact details and complaint channels change."],
    );
    check(
        &a,
        "security_measures",
        &[
            "All messages are encrypted end to end.",
            "We maintain physical, electronic and procedural safeguards.",
            "The app talks to our server only over HTTPS.",
        ],
        &["Read the full text at https://example.org/privacy."],
    );
}

#[test]
fn traditional_chinese_throughout() {
    let a = analyzer();
    let text = "隱私權政策\n更新日期：2023年8月1日\n\
        本應用由星河科技股份有限公司（以下簡稱「我們」）營運。\n\
        為了向您推薦附近的店家，我們會在您授權後收集您的位置資訊。\n\
        我們僅在實現目的所需的期限內保存您的個人資料。您可以查閱、更正或刪除您的個人資料，並可隨時註銷帳戶。\n\
        如有疑問，請透過 privacy@xinghe.example 與我們聯絡；您亦可向主管機關申訴。\n\
        我們採取加密等安全措施保護您的資料。";
    let decoded = decode(text.as_bytes());
    let doc = classify_document("assets/privacy_tw.html", &decoded, &a)
        .unwrap_or_else(|| panic!("a Traditional-Chinese policy is a policy"));
    let d = doc.disclosures.unwrap_or_else(|| panic!("analysed"));
    for element in [
        "handler_identity",
        "contact",
        "pi_types_and_purposes",
        "retention",
        "rights",
        "account_cancellation",
        "complaint",
        "update_and_effective_date",
        "security_measures",
    ] {
        assert!(
            d.has_element(element),
            "{element}: {:?}",
            d.missing_elements
        );
    }
    assert!(d.mentions_pi_type("location"));
    // Excerpts quote the text as written, in Traditional characters.
    let retention = &d.elements["retention"].evidence[0].excerpt;
    assert!(retention.contains("個人資料"), "{retention}");
}

#[test]
fn what_is_not_said_is_not_read() {
    let a = analyzer();
    // negated and hypothetical mentions
    let d = a.analyze("我们不会收集您的通讯录。We do not collect your contacts.");
    let contacts = d.pi_types.iter().find(|p| p.id == "contacts");
    assert!(contacts.is_some_and(|c| c.negated_only), "{contacts:?}");
    // a verification code sent by SMS is not access to the user's messages
    let d = a.analyze(
        "注册时我们会向您的手机号发送短信验证码。We send an SMS code to verify your number.",
    );
    assert!(!d.mentions_pi_type("sms"), "{:?}", d.pi_types);
    assert!(d.mentions_pi_type("phone_number"));
    // complaints as data collected or as an IP complainant are not a complaint channel
    check(
        &a,
        "complaint",
        &["您可以向网信、公安等监管部门进行投诉或举报。"],
        &[
            "为处理您的投诉，我们会记录您的联系方式和投诉内容。",
            "如您是适格的知识产权投诉人并已提起投诉，我们可能向被投诉人披露必要信息。",
            "根据政府主管部门的强制性要求，我们可能会共享您的信息。",
        ],
    );
    // top-ups by minors are not a minors section
    check(
        &a,
        "minors",
        &["若您是未满14周岁的未成年人，请在监护人陪同下阅读本政策。"],
        &["未成年人充值的退款规则见充值页面。"],
    );
}

#[test]
fn a_policy_that_collects_no_pi_states_its_pi_types() {
    check(
        &analyzer(),
        "pi_types_and_purposes",
        &[
            "本应用完全离线运行，不收集任何个人信息。",
            "This app does not collect any personal information.",
        ],
        &["本应用完全离线运行。"],
    );
}

#[test]
fn gbk_html_opening_with_ascii_markup_is_read_by_its_meta_charset() {
    let a = analyzer();
    let head = format!(
        "<html><head><meta http-equiv=Content-Type content=\"text/html; charset=gb2312\">\
         <style>{}</style></head><body>",
        "p.MsoNormal { margin: 0cm; font-size: 10.5pt; font-family: Calibri; }\n".repeat(40)
    );
    let body = "<h1>隐私政策</h1><p>更新日期：2022年3月1日。为了提供定位服务，我们会收集您的位置信息。\
                您可以查阅、更正或删除您的个人信息，也可以在设置中注销账号。我们仅在实现目的所需的最短时间内保存您的个人信息，\
                并采取加密等安全措施保护您的个人信息。如有疑问，请发送邮件至 help@example.cn 与我们联系。本政策适用于本应用提供的全部服务。</p></body></html>";
    let page = format!("{head}{body}");
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&page);
    assert!(!unmappable);
    let decoded = decode(&gbk);
    assert_eq!(decoded.encoding, "gb18030");
    assert!(decoded.text.contains("隐私政策"), "{}", decoded.text);
    assert!(classify_document("assets/yinsi.html", &decoded, &a).is_some());
}

#[test]
fn an_untitled_short_notice_in_a_privacy_file_is_a_policy() {
    let a = analyzer();
    let text = "Data we collect\nThe app collects your device ID and IP address to count \
                installations and to improve stability. Northwind Games Inc. operates the app; \
                write to privacy@northwind.example with questions.";
    let decoded = decode(text.as_bytes());
    assert!(classify_document("assets/privacy_policy.txt", &decoded, &a).is_some());
    // The same text in a file not named as a policy is not enough to call it one.
    assert!(classify_document("assets/notes.txt", &decoded, &a).is_none());
}
