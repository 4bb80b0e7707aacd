//! Catalogue validation: every malformed entry is refused with the line and entry named.

use piaudit_sdk::{Catalog, CatalogError, EntryProblem, PackerCatalog};

const HEADER: &str = "schema_version = 1\n";

fn entry(id: &str, extra: &str) -> String {
    format!(
        r#"
[[sdk]]
id = "{id}"
name = {{ zh = "测试", en = "Test" }}
vendor = {{ zh = "厂商", en = "Vendor" }}
category = "analytics"
policy_names = {{ zh = ["测试"] }}
source = ["test"]
status = "unverified"
{extra}
"#
    )
}

fn load(entries: &[String]) -> Result<Catalog, CatalogError> {
    let text = format!("{HEADER}{}", entries.concat());
    Catalog::from_toml(&text)
}

fn entry_problem(result: Result<Catalog, CatalogError>) -> (usize, String, EntryProblem) {
    match result {
        Err(CatalogError::Entry { line, id, problem }) => (line, id, problem),
        Err(other) => panic!("expected an entry error, got {other}"),
        Ok(_) => panic!("expected an entry error, the catalogue loaded"),
    }
}

#[test]
fn a_valid_minimal_catalogue_loads() {
    let catalog = load(&[entry("test-sdk", r#"classes = ["com.example.sdk"]"#)]).unwrap();
    assert_eq!(catalog.sdks().len(), 1);
    assert_eq!(catalog.sdks()[0].line, 4);
}

#[test]
fn unknown_fields_are_refused_with_a_line_number() {
    let error = load(&[entry(
        "test-sdk",
        "classes = [\"com.example.sdk\"]\nclass = [\"x.y\"]",
    )])
    .err()
    .unwrap();
    let message = error.to_string();
    assert!(matches!(error, CatalogError::Syntax(_)));
    assert!(message.contains("class"), "{message}");
    assert!(message.contains("line 12"), "{message}");
}

#[test]
fn unknown_pi_type_and_category_slugs_are_refused() {
    let bad_pi = load(&[entry(
        "test-sdk",
        "classes = [\"com.example.sdk\"]\npi_types = [\"imei\"]",
    )]);
    let message = bad_pi.err().unwrap().to_string();
    assert!(message.contains("imei"), "{message}");

    let text = format!(
        "{HEADER}{}",
        entry("test-sdk", "classes = [\"com.example.sdk\"]")
    )
    .replace("\"analytics\"", "\"tracking\"");
    let message = Catalog::from_toml(&text).err().unwrap().to_string();
    assert!(message.contains("tracking"), "{message}");
}

#[test]
fn duplicate_ids_name_both_lines() {
    let (line, id, problem) = entry_problem(load(&[
        entry("test-sdk", r#"classes = ["com.example.one"]"#),
        entry("test-sdk", r#"classes = ["com.example.two"]"#),
    ]));
    assert_eq!(id, "test-sdk");
    assert_eq!(line, 14);
    assert_eq!(problem, EntryProblem::DuplicateId { first_line: 4 });
}

#[test]
fn bad_ids_are_refused() {
    for bad in ["Test", "test_sdk", "-x", "x"] {
        let (_, id, problem) =
            entry_problem(load(&[entry(bad, r#"classes = ["com.example.sdk"]"#)]));
        assert_eq!(id, bad);
        assert_eq!(problem, EntryProblem::BadId);
    }
}

#[test]
fn entries_without_signatures_or_policy_names_are_refused() {
    let (_, _, problem) = entry_problem(load(&[entry("test-sdk", "")]));
    assert_eq!(problem, EntryProblem::NoSignature);

    let no_names = entry("test-sdk", r#"classes = ["com.example.sdk"]"#).replace(
        r#"policy_names = { zh = ["测试"] }"#,
        r#"policy_names = { zh = [" "], en = [] }"#,
    );
    let (_, _, problem) = entry_problem(load(&[no_names]));
    assert_eq!(problem, EntryProblem::NoPolicyName);
}

#[test]
fn over_broad_or_malformed_signatures_are_refused() {
    for (field_line, field) in [
        (r#"classes = ["com.tencent"]"#, "classes"),
        (r#"components = ["com.dv"]"#, "components"),
        (r#"classes = ["com"]"#, "classes"),
        (r#"classes = ["androidx.core"]"#, "classes"),
        (r#"components = ["com.example.*"]"#, "components"),
        (r#"native_libs = ["lib*"]"#, "native_libs"),
        (r#"native_libs = ["lib/arm64/libx.so"]"#, "native_libs"),
        (r#"meta_data = ["HAS SPACE"]"#, "meta_data"),
        (r#"assets = ["gdt_plugin/x.jar"]"#, "assets"),
        (r#"domains = ["https://umeng.com"]"#, "domains"),
        (r#"domains = ["qq.com"]"#, "domains"),
        (r#"domains = ["com.cn"]"#, "domains"),
    ] {
        let (_, _, problem) = entry_problem(load(&[entry("test-sdk", field_line)]));
        match problem {
            EntryProblem::BadSignature { field: got, .. } => assert_eq!(got, field, "{field_line}"),
            other => panic!("{field_line}: unexpected {other}"),
        }
    }
}

#[test]
fn a_signature_claimed_by_two_entries_is_refused() {
    let (_, id, problem) = entry_problem(load(&[
        entry("first-sdk", r#"meta_data = ["APPKEY_X"]"#),
        entry("second-sdk", r#"meta_data = ["APPKEY_X"]"#),
    ]));
    assert_eq!(id, "second-sdk");
    assert_eq!(
        problem,
        EntryProblem::DuplicateSignature {
            field: "meta_data",
            value: "APPKEY_X".into(),
            other_id: "first-sdk".into()
        }
    );
}

#[test]
fn duplicate_pi_types_and_blank_names_are_refused() {
    let (_, _, problem) = entry_problem(load(&[entry(
        "test-sdk",
        "classes = [\"com.example.sdk\"]\npi_types = [\"location\", \"location\"]",
    )]));
    assert_eq!(problem, EntryProblem::DuplicatePiType("location"));

    let blank = entry("test-sdk", r#"classes = ["com.example.sdk"]"#)
        .replace(r#"en = "Test""#, r#"en = "  ""#);
    let (_, _, problem) = entry_problem(load(&[blank]));
    assert_eq!(problem, EntryProblem::Empty { field: "name.en" });
}

#[test]
fn wrong_schema_version_and_oversized_text_are_refused() {
    let text = format!(
        "schema_version = 2\n{}",
        entry("test-sdk", r#"classes = ["com.example.sdk"]"#)
    );
    assert!(matches!(
        Catalog::from_toml(&text),
        Err(CatalogError::SchemaVersion { found: 2, .. })
    ));
    let huge = " ".repeat(17 * 1024 * 1024);
    assert!(matches!(
        Catalog::from_toml(&huge),
        Err(CatalogError::TooLarge { .. })
    ));
}

#[test]
fn packer_catalogue_is_validated_the_same_way() {
    let text = r#"
schema_version = 1

[[packer]]
id = "some-packer"
name = { zh = "加固", en = "Packer" }
vendor = { zh = "厂商", en = "Vendor" }
native_libs = ["libpacker.so"]
unknown = 1
source = ["test"]
status = "verified"
"#;
    let message = PackerCatalog::from_toml(text).err().unwrap().to_string();
    assert!(message.contains("unknown"), "{message}");

    let no_signature = text.replace("native_libs = [\"libpacker.so\"]\nunknown = 1\n", "");
    match PackerCatalog::from_toml(&no_signature) {
        Err(CatalogError::Entry {
            line: 5,
            id,
            problem: EntryProblem::NoSignature,
        }) => assert_eq!(id, "some-packer"),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn a_short_prefix_needs_a_strong_signature_of_the_same_entry() {
    for alone in [
        r#"classes = ["com.loc"]"#,
        "classes = [\"com.loc\"]\nmeta_data = [\"AMAP_KEY\"]\ndomains = [\"amap.example.com\"]",
    ] {
        let (_, _, problem) = entry_problem(load(&[entry("test-sdk", alone)]));
        assert_eq!(
            problem,
            EntryProblem::Uncorroborated {
                value: "com.loc".into()
            },
            "{alone}"
        );
    }
    for backed in [
        r#"classes = ["com.loc", "com.amap.api.location"]"#,
        "classes = [\"com.loc\"]\ncomponents = [\"com.amap.api.location.APSService\"]",
        "classes = [\"com.loc\"]\nnative_libs = [\"libAMapSDK_Location.so\"]",
    ] {
        assert!(load(&[entry("test-sdk", backed)]).is_ok(), "{backed}");
    }
}

#[test]
fn carried_packages_must_belong_to_another_entry() {
    let host = |carries: &str| {
        entry(
            "host-sdk",
            &format!("classes = [\"cn.host.core\"]\ncarries = [\"{carries}\"]"),
        )
    };
    let product = entry("product-sdk", r#"classes = ["cn.product.api"]"#);
    assert!(load(&[host("cn.product.api.service"), product.clone()]).is_ok());
    assert!(load(&[host("cn.product.api"), product.clone()]).is_ok());
    for (carries, why) in [
        ("cn.nobody.owns", "covers"),
        ("cn.host.core.inner", "carrier's own"),
        ("com.pgl", "short"),
    ] {
        let (_, id, problem) = entry_problem(load(&[host(carries), product.clone()]));
        assert_eq!(id, "host-sdk");
        match problem {
            EntryProblem::BadCarried { value, reason } => {
                assert_eq!(value, carries);
                assert!(reason.contains(why), "{carries}: {reason}");
            }
            other => panic!("{carries}: unexpected {other}"),
        }
    }
}

#[test]
fn vendor_may_be_unknown_but_not_blank() {
    let unknown = entry("test-sdk", r#"classes = ["com.example.sdk"]"#)
        .replace("vendor = { zh = \"厂商\", en = \"Vendor\" }\n", "");
    let catalog = load(&[unknown]).unwrap();
    assert!(catalog.sdks()[0].vendor.is_none());
    let blank = entry("test-sdk", r#"classes = ["com.example.sdk"]"#)
        .replace("zh = \"厂商\"", "zh = \" \"");
    let (_, _, problem) = entry_problem(load(&[blank]));
    assert_eq!(problem, EntryProblem::Empty { field: "vendor.zh" });
}
