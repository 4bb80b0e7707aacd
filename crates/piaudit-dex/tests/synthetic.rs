//! Behaviour on well-formed DEX files made by the test builder: strings (MUTF-8 specials), types,
//! method display, class definitions, and the exact call sites and string constants found in
//! code with every invoke format and payloads in the middle of the instruction stream.

mod common;

use common::*;
use piaudit_dex::{CallSite, CodeRefKind, Dex, MethodCode, descriptor_to_java, is_dex};

const INVOKE_VIRTUAL: u8 = 0x6e;
const INVOKE_SUPER: u8 = 0x6f;
const INVOKE_DIRECT: u8 = 0x70;
const INVOKE_STATIC_RANGE: u8 = 0x77;
const INVOKE_INTERFACE: u8 = 0x72;
const INVOKE_POLYMORPHIC: u8 = 0xfa;

struct Sample {
    bytes: Vec<u8>,
    /// Expected (caller method, callee method, opcode, insn offset).
    sites: Vec<(u32, u32, u8, u32)>,
    /// Expected (caller method, string idx, insn offset).
    const_strings: Vec<(u32, u32, u32)>,
    on_create: u32,
    get_device_id: u32,
    nul_string: u32,
    emoji_string: u32,
    lone_surrogate_string: u32,
    chinese_string: u32,
}

/// Appends `units` to `code` and returns the offset (in code units) where they start.
fn emit(code: &mut Vec<u16>, units: Vec<u16>) -> u32 {
    let at = code.len() as u32;
    code.extend(units);
    at
}

fn build_sample(version: u16, reverse_string_data: bool) -> Sample {
    let mut b = DexBuilder::new(version);
    b.reverse_string_data = reverse_string_data;
    let activity = "Landroid/app/Activity;";
    let main = "Lcom/example/MainActivity;";
    let util = "Lcom/example/Util$Log;";
    let activity_init = b.method(activity, "<init>", "V", &[]);
    let activity_on_create = b.method(activity, "onCreate", "V", &["Landroid/os/Bundle;"]);
    let get_device_id = b.method(
        "Landroid/telephony/TelephonyManager;",
        "getDeviceId",
        "Ljava/lang/String;",
        &[],
    );
    let list_size = b.method("Ljava/util/List;", "size", "I", &[]);
    let invoke_exact = b.method(
        "Ljava/lang/invoke/MethodHandle;",
        "invokeExact",
        "Ljava/lang/Object;",
        &["[Ljava/lang/Object;"],
    );
    let log = b.method(
        util,
        "log",
        "V",
        &["Ljava/lang/String;", "Ljava/lang/String;", "[I"],
    );
    let main_init = b.method(main, "<init>", "V", &[]);
    let on_create = b.method(main, "onCreate", "V", &["Landroid/os/Bundle;"]);
    b.field(main, "tm", "Landroid/telephony/TelephonyManager;");
    let imei = b.string("imei");
    let nul_string = b.string_raw(b"a\xc0\x80b", 3);
    let emoji_string = b.string_raw(b"x\xed\xa0\xbd\xed\xb8\x80", 3);
    let lone_surrogate_string = b.string_raw(b"\xed\xa0\xbdz", 2);
    let chinese_string = b.string("隐私政策");
    let proto_for_poly = b.proto("Ljava/lang/Object;", &["[Ljava/lang/Object;"]);

    let mut sites = Vec::new();
    let mut const_strings = Vec::new();

    // MainActivity.<init>: invoke-direct {v0}, Activity.<init>
    let mut init_code = Vec::new();
    let at = emit(
        &mut init_code,
        invoke(INVOKE_DIRECT, activity_init as u16, &[0]),
    );
    sites.push((main_init, activity_init, INVOKE_DIRECT, at));
    emit(&mut init_code, return_void());

    // MainActivity.onCreate: every format, payloads in the middle.
    let mut code = Vec::new();
    let at = emit(
        &mut code,
        invoke(INVOKE_SUPER, activity_on_create as u16, &[0, 1]),
    );
    sites.push((on_create, activity_on_create, INVOKE_SUPER, at));
    let at = emit(&mut code, const_string(0, imei as u16));
    const_strings.push((on_create, imei, at));
    let at = emit(
        &mut code,
        invoke(INVOKE_VIRTUAL, get_device_id as u16, &[0]),
    );
    sites.push((on_create, get_device_id, INVOKE_VIRTUAL, at));
    let switch_at = emit(&mut code, packed_switch(0));
    let goto_at = emit(&mut code, goto16(0));
    if code.len() % 2 == 1 {
        emit(&mut code, vec![0x0000]); // nop to align the payload
    }
    let payload_at = emit(&mut code, packed_switch_payload(2, 3));
    code[switch_at as usize + 1] = (payload_at - switch_at) as u16;
    emit(&mut code, sparse_switch_payload(2));
    emit(&mut code, fill_array_payload(1, 3)); // 3 data bytes: rounds up to 2 units
    let after_payloads = code.len() as u32;
    code[goto_at as usize + 1] = (after_payloads - goto_at) as u16;
    let at = emit(
        &mut code,
        invoke_range(INVOKE_STATIC_RANGE, log as u16, 3, 0),
    );
    sites.push((on_create, log, INVOKE_STATIC_RANGE, at));
    let at = emit(&mut code, const_string_jumbo(1, chinese_string));
    const_strings.push((on_create, chinese_string, at));
    let at = emit(&mut code, invoke(INVOKE_INTERFACE, list_size as u16, &[0]));
    sites.push((on_create, list_size, INVOKE_INTERFACE, at));
    emit(&mut code, const_wide(0x6e6e_6e6e_6e6e_6e6e));
    let at = emit(
        &mut code,
        invoke_polymorphic(invoke_exact as u16, proto_for_poly as u16),
    );
    sites.push((on_create, invoke_exact, INVOKE_POLYMORPHIC, at));
    emit(&mut code, invoke_custom(0));
    emit(&mut code, return_void());

    let main_class = b.class(main, Some(activity));
    b.direct(main_class, main_init, Some(init_code));
    b.virtual_method(main_class, on_create, Some(code));
    let util_class = b.class(util, Some("Ljava/lang/Object;"));
    b.direct(util_class, log, None); // native: no code
    b.class("Lcom/example/Empty;", None);

    Sample {
        bytes: b.build(),
        sites,
        const_strings,
        on_create,
        get_device_id,
        nul_string,
        emoji_string,
        lone_surrogate_string,
        chinese_string,
    }
}

fn sorted<T: Ord>(mut v: Vec<T>) -> Vec<T> {
    v.sort();
    v
}

#[test]
fn parses_header_counts_and_has_no_anomalies() {
    let sample = build_sample(35, false);
    assert!(is_dex(&sample.bytes));
    let dex = Dex::parse(&sample.bytes).expect("valid synthetic DEX");
    assert_eq!(dex.version(), 35);
    assert_eq!(dex.class_count(), 3);
    assert_eq!(dex.method_ref_count(), 8);
    assert_eq!(dex.field_ref_count(), 1);
    assert!(dex.anomalies().is_empty(), "{:?}", dex.anomalies());
    assert!(dex.checksum_matches());
}

#[test]
fn decodes_mutf8_strings() {
    for reverse in [false, true] {
        let sample = build_sample(35, reverse);
        let dex = Dex::parse(&sample.bytes).unwrap();
        assert_eq!(dex.string(sample.nul_string).unwrap(), "a\u{0}b");
        assert_eq!(dex.string(sample.emoji_string).unwrap(), "x\u{1F600}");
        assert_eq!(
            dex.string(sample.lone_surrogate_string).unwrap(),
            "\u{FFFD}z"
        );
        assert_eq!(dex.string(sample.chinese_string).unwrap(), "隐私政策");
        let all: Vec<String> = dex.strings().map(|s| s.unwrap().into_owned()).collect();
        assert_eq!(all.len() as u32, dex.string_count());
        assert!(all.iter().any(|s| s == "imei"));
        assert!(
            all.iter()
                .any(|s| s == "Landroid/telephony/TelephonyManager;")
        );
    }
}

#[test]
fn resolves_types_methods_and_fields_in_smali_form() {
    let sample = build_sample(35, false);
    let dex = Dex::parse(&sample.bytes).unwrap();
    assert_eq!(
        dex.method_ref_display(sample.get_device_id).unwrap(),
        "Landroid/telephony/TelephonyManager;->getDeviceId()Ljava/lang/String;"
    );
    assert_eq!(
        dex.method_ref_display(sample.on_create).unwrap(),
        "Lcom/example/MainActivity;->onCreate(Landroid/os/Bundle;)V"
    );
    let displays: Vec<String> = (0..dex.method_ref_count())
        .map(|i| dex.method_ref_display(i).unwrap())
        .collect();
    assert!(displays.contains(
        &"Lcom/example/Util$Log;->log(Ljava/lang/String;Ljava/lang/String;[I)V".to_owned()
    ));
    assert_eq!(
        dex.field_ref_display(0).unwrap(),
        "Lcom/example/MainActivity;->tm:Landroid/telephony/TelephonyManager;"
    );
    let method = dex.method_ref(sample.get_device_id).unwrap();
    assert_eq!(
        dex.type_descriptor(method.class_idx).unwrap(),
        "Landroid/telephony/TelephonyManager;"
    );
    assert_eq!(dex.string(method.name_idx).unwrap(), "getDeviceId");
    assert!(dex.method_ref(dex.method_ref_count()).is_err());
    assert!(dex.type_descriptor(dex.type_count()).is_err());
}

#[test]
fn lists_class_defs_with_superclass_and_source() {
    let sample = build_sample(35, false);
    let dex = Dex::parse(&sample.bytes).unwrap();
    let classes: Vec<(String, Option<String>)> = dex
        .class_defs()
        .map(|c| {
            (
                descriptor_to_java(&dex.type_descriptor(c.class_idx).unwrap()),
                c.superclass_idx
                    .map(|s| dex.type_descriptor(s).unwrap().into_owned()),
            )
        })
        .collect();
    assert_eq!(
        classes,
        vec![
            (
                "com.example.MainActivity".to_owned(),
                Some("Landroid/app/Activity;".to_owned())
            ),
            (
                "com.example.Util$Log".to_owned(),
                Some("Ljava/lang/Object;".to_owned())
            ),
            ("com.example.Empty".to_owned(), None),
        ]
    );
    let first = dex.class_defs().next().unwrap();
    assert_eq!(
        dex.string(first.source_file_idx.unwrap()).unwrap(),
        "Source.java"
    );
    assert_eq!(dex.class_defs().nth(2).unwrap().class_data_off, 0);
}

#[test]
fn finds_exact_call_sites_across_formats_and_payloads() {
    let sample = build_sample(35, false);
    let dex = Dex::parse(&sample.bytes).unwrap();
    let mut found = Vec::new();
    let summary = dex.visit_call_sites(|site: CallSite| {
        found.push((
            site.caller_method_idx,
            site.callee_method_idx,
            site.opcode,
            site.insn_offset,
        ));
        assert_eq!(site.caller_class_def, 0);
    });
    assert_eq!(sorted(found), sorted(sample.sites.clone()));
    assert_eq!(summary.methods, 3);
    assert_eq!(summary.methods_scanned, 2);
    assert_eq!(summary.methods_skipped, 0);
    assert_eq!(summary.first_error, None);

    // The iterator form yields the same sites.
    let iterated: Vec<_> = dex
        .call_sites()
        .map(|s| {
            (
                s.caller_method_idx,
                s.callee_method_idx,
                s.opcode,
                s.insn_offset,
            )
        })
        .collect();
    assert_eq!(sorted(iterated), sorted(sample.sites.clone()));

    // And "what onCreate calls" reads naturally by name.
    let on_create = dex
        .methods()
        .find(|m| m.method_idx == sample.on_create)
        .unwrap();
    let callees: Vec<String> = dex
        .method_call_sites(&on_create)
        .unwrap()
        .map(|s| dex.method_ref_display(s.callee_method_idx).unwrap())
        .collect();
    assert!(callees.contains(
        &"Landroid/telephony/TelephonyManager;->getDeviceId()Ljava/lang/String;".to_owned()
    ));
    assert_eq!(callees.len(), 5);
}

#[test]
fn reports_const_strings_and_invoke_custom() {
    let sample = build_sample(38, false);
    let dex = Dex::parse(&sample.bytes).unwrap();
    let mut strings = Vec::new();
    dex.visit_const_strings(|s| {
        strings.push((s.caller_method_idx, s.string_idx, s.insn_offset));
    });
    assert_eq!(sorted(strings), sorted(sample.const_strings.clone()));
    let mut custom = 0;
    dex.visit_code_refs(|method, code_ref| {
        if let CodeRefKind::InvokeCustom { call_site_idx } = code_ref.kind {
            assert_eq!(call_site_idx, 0);
            assert_eq!(code_ref.opcode, 0xfc);
            assert_eq!(method.method_idx, sample.on_create);
            custom += 1;
        }
    });
    assert_eq!(custom, 1);
}

#[test]
fn invoke_walk_counts_every_invoke_and_keeps_the_filtered_ones() {
    let sample = build_sample(38, false);
    let dex = Dex::parse(&sample.bytes).unwrap();
    let mut counted = 0;
    let mut kept = Vec::new();
    let mut walk = dex.invoke_walk();
    while let Some(invokes) = walk.next_method(|m| m == sample.get_device_id) {
        counted += invokes.invoke_count as usize;
        kept.extend(invokes.kept.iter().map(|&m| (invokes.method.method_idx, m)));
    }
    assert_eq!(counted, sample.sites.len());
    let expected: Vec<(u32, u32)> = sample
        .sites
        .iter()
        .filter(|s| s.1 == sample.get_device_id)
        .map(|s| (s.0, s.1))
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(kept, expected);
    assert_eq!(walk.summary(), &dex.visit_call_sites(|_| {}));
}

#[test]
fn marked_strings_are_found_in_and_out_of_data_order() {
    for reverse in [false, true] {
        let sample = build_sample(35, reverse);
        let dex = Dex::parse(&sample.bytes).unwrap();
        let holds_colon = |b: &[u8]| b.contains(&b':');
        let mut visited = Vec::new();
        dex.visit_marked_strings(
            |block| {
                block
                    .iter()
                    .enumerate()
                    .filter(|&(_, &b)| b == b':')
                    .map(|(at, _)| at)
            },
            |idx, bytes| {
                if holds_colon(bytes) {
                    visited.push(idx);
                }
                std::ops::ControlFlow::Continue(())
            },
        );
        let expected: Vec<u32> = (0..dex.string_count())
            .filter(|&i| dex.string_bytes(i).is_ok_and(holds_colon))
            .collect();
        assert_eq!(visited, expected, "reverse {reverse}");
        // Breaking stops the visit.
        let mut calls = 0;
        dex.visit_marked_strings(
            |block| 0..block.len(),
            |_, _| {
                calls += 1;
                std::ops::ControlFlow::Break(())
            },
        );
        assert_eq!(calls, 1);
    }
}

#[test]
fn methods_iterator_lists_direct_then_virtual_with_code_offsets() {
    let sample = build_sample(35, false);
    let dex = Dex::parse(&sample.bytes).unwrap();
    let methods: Vec<MethodCode> = dex.methods().collect();
    assert_eq!(methods.len(), 3);
    let names: Vec<(String, bool, bool)> = methods
        .iter()
        .map(|m| {
            (
                dex.method_ref_display(m.method_idx).unwrap(),
                m.is_direct,
                m.code_off != 0,
            )
        })
        .collect();
    assert_eq!(
        names,
        vec![
            (
                "Lcom/example/MainActivity;-><init>()V".to_owned(),
                true,
                true
            ),
            (
                "Lcom/example/MainActivity;->onCreate(Landroid/os/Bundle;)V".to_owned(),
                false,
                true
            ),
            (
                "Lcom/example/Util$Log;->log(Ljava/lang/String;Ljava/lang/String;[I)V".to_owned(),
                true,
                false
            ),
        ]
    );
    // A method without code has no call sites, and that is not an error.
    assert_eq!(dex.method_call_sites(&methods[2]).unwrap().count(), 0);
    let code = dex.code_item(methods[0].code_off).unwrap();
    assert_eq!(code.insns_size(), 4);
    assert_eq!(code.registers_size, 16);
    let ops: Vec<u8> = code.instructions().map(|i| i.unwrap().opcode).collect();
    assert_eq!(ops, vec![0x70, 0x0e]);
}

#[test]
fn all_supported_versions_parse_and_others_are_rejected() {
    for version in 35..=41 {
        let sample = build_sample(version, false);
        let dex = Dex::parse(&sample.bytes).unwrap_or_else(|e| panic!("v{version}: {e}"));
        assert_eq!(dex.version(), version);
        assert!(
            dex.anomalies().is_empty(),
            "v{version}: {:?}",
            dex.anomalies()
        );
        assert_eq!(dex.call_sites().count(), sample.sites.len());
        assert_eq!(dex.next_in_container(), None);
    }
    for version in [9, 13, 34, 42, 99] {
        let sample = build_sample(version, false);
        assert_eq!(
            Dex::parse(&sample.bytes).unwrap_err(),
            piaudit_dex::DexError::UnsupportedVersion(version)
        );
        assert!(!is_dex(&sample.bytes));
    }
}

#[test]
fn multidex_files_resolve_independently() {
    // classes2.dex calls into a class defined in classes.dex through its own method_ids.
    let mut first = DexBuilder::new(35);
    let helper = first.method("Lcom/example/Helper;", "track", "V", &[]);
    let class = first.class("Lcom/example/Helper;", Some("Ljava/lang/Object;"));
    first.direct(class, helper, Some(return_void()));
    let mut second = DexBuilder::new(35);
    let caller = second.method("Lcom/example/Second;", "run", "V", &[]);
    let callee = second.method("Lcom/example/Helper;", "track", "V", &[]);
    let class = second.class("Lcom/example/Second;", Some("Ljava/lang/Object;"));
    second.direct(
        class,
        caller,
        Some(concat(&[invoke(0x71, callee as u16, &[]), return_void()])),
    );
    let (a, b) = (first.build(), second.build());
    let (dex_a, dex_b) = (Dex::parse(&a).unwrap(), Dex::parse(&b).unwrap());
    assert_eq!(dex_a.call_sites().count(), 0);
    let sites: Vec<String> = dex_b
        .call_sites()
        .map(|s| dex_b.method_ref_display(s.callee_method_idx).unwrap())
        .collect();
    assert_eq!(sites, vec!["Lcom/example/Helper;->track()V".to_owned()]);
    let defined: Vec<String> = dex_a
        .class_defs()
        .map(|c| dex_a.type_descriptor(c.class_idx).unwrap().into_owned())
        .collect();
    assert_eq!(defined, vec!["Lcom/example/Helper;".to_owned()]);
}

/// Writes the synthetic samples as fuzzing seeds into `fuzz/seeds/dex/` of the repository.
/// Run on demand: `cargo test -p piaudit-dex --test synthetic -- --ignored write_fuzz_seeds`.
#[test]
#[ignore]
fn write_fuzz_seeds() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/seeds/dex");
    std::fs::create_dir_all(&dir).unwrap();
    for version in [35, 38, 39, 41] {
        for reverse in [false, true] {
            let sample = build_sample(version, reverse);
            let name = format!(
                "synthetic-v{version}{}.dex",
                if reverse { "-rev" } else { "" }
            );
            std::fs::write(dir.join(name), &sample.bytes).unwrap();
        }
    }
    let empty = DexBuilder::new(35).build();
    std::fs::write(dir.join("empty.dex"), empty).unwrap();
}
