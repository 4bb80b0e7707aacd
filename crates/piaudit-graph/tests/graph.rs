//! The graph over DEX files built by javac + dx from samples/behaviour (see its build.sh).

use piaudit_dex::Dex;
use piaudit_graph::{Builder, Caps, ConsentSite, Entry, Graph};

fn graph(name: &str) -> Graph {
    let path = format!("{}/tests/data/{name}.dex", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(path).expect("test DEX");
    let dex = Dex::parse(&bytes).expect("parses");
    let mut builder = Builder::new(Caps::default());
    builder.add_dex(&dex);
    builder.finish()
}

fn entries(g: &Graph, class: &str, names: &[&str]) -> Vec<Entry> {
    g.class_methods_named(class, names)
        .into_iter()
        .map(|method| Entry {
            method,
            label: format!("{class} {}", g.name_of(method)),
        })
        .collect()
}

#[test]
fn a_read_behind_handler_post_and_an_executor_is_reached_with_its_chain() {
    let g = graph("async-device-id");
    let roots = entries(&g, "Lcom/example/async/MainActivity;", &["onCreate"]);
    assert_eq!(roots.len(), 1);
    let reach = g.reach(&roots);
    let api = g
        .find_method("Landroid/telephony/TelephonyManager;->getDeviceId()Ljava/lang/String;")
        .expect("named by the code");
    assert!(reach.is_reached(api) && reach.before_gate(api));
    let chain: Vec<String> = reach
        .chain(&g, api, 16)
        .iter()
        .map(|f| format!("{} {}", f.via, f.method))
        .collect();
    assert_eq!(
        chain,
        [
            "entry point Lcom/example/async/MainActivity;->onCreate(Landroid/os/Bundle;)V",
            "invoke-static Lcom/example/async/Collector;->schedule(Landroid/content/Context;)V",
            "async hand-off Lcom/example/async/Collector$1;->run()V",
            "async hand-off Lcom/example/async/Collector$1$1;->run()V",
            "invoke-virtual Landroid/telephony/TelephonyManager;->getDeviceId()Ljava/lang/String;",
        ]
    );
    // The consent dialog's handlers are not run by anything at start-up.
    let handler = g
        .find_method(
            "Lcom/example/async/MainActivity$2;->onClick(Landroid/content/DialogInterface;I)V",
        )
        .unwrap();
    assert!(!reach.is_reached(handler));
    let button = g.consent_sites().iter().find_map(|s| match s {
        ConsentSite::PositiveButton {
            text,
            handlers,
            mentions_privacy,
            ..
        } => Some((text.clone(), handlers.clone(), *mentions_privacy)),
        _ => None,
    });
    assert_eq!(button, Some((Some("同意".to_owned()), vec![handler], true)));
    assert!(!g.limits().truncated);
}

#[test]
fn a_call_behind_a_stored_consent_flag_read_through_a_helper_is_gated() {
    let g = graph("gate-on-flag");
    let roots = entries(&g, "Lcom/example/gated/App;", &["onCreate"]);
    let reach = g.reach(&roots);
    let init = g
        .find_method("Lcom/umeng/commonsdk/UMConfigure;->init(Landroid/content/Context;Ljava/lang/String;Ljava/lang/String;ILjava/lang/String;)V")
        .unwrap();
    let pre = g
        .find_method("Lcom/umeng/commonsdk/UMConfigure;->preInit(Landroid/content/Context;Ljava/lang/String;Ljava/lang/String;)V")
        .unwrap();
    assert!(reach.before_gate(pre));
    assert!(reach.is_reached(init) && !reach.before_gate(init));
    assert!(g.consent_sites().iter().any(|s| matches!(s,
        ConsentSite::FlagRead { key, tested: true, .. } if key == "privacy_agreed")));
}

#[test]
fn hostile_bytes_never_panic() {
    let bytes = std::fs::read(format!(
        "{}/tests/data/async-device-id.dex",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let mut state = 0x2545_f491_4f6c_dd1du64;
    for round in 0..300 {
        let mut b = bytes.clone();
        for _ in 0..(1 + round % 16) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let at = 0x70 + (state as usize) % (b.len() - 0x70);
            b[at] = (state >> 32) as u8;
        }
        if let Ok(dex) = Dex::parse(&b) {
            let mut builder = Builder::new(Caps {
                fanout: 4,
                ..Caps::default()
            });
            builder.add_dex(&dex);
            builder.add_dex(&dex);
            let g = builder.finish();
            let all: Vec<Entry> = (0..g.node_count() as u32)
                .map(|method| Entry {
                    method,
                    label: String::new(),
                })
                .collect();
            let reach = g.reach(&all);
            for m in reach.order() {
                let _ = reach.chain(&g, *m, 8);
            }
        }
    }
}

/// Whether the call of `api` by a method reached from `roots` is before, unsure or after.
fn gate_of(g: &Graph, roots: &[Entry], api: &str) -> (bool, bool) {
    let reach = g.reach(roots);
    let target = g.find_method(api).expect("named by the code");
    let hits = reach.calls_to(g, &std::collections::HashSet::from([target]));
    assert!(!hits.is_empty(), "{api} not called");
    (
        hits.iter().any(|h| h.before_gate),
        hits.iter().any(|h| h.unsure),
    )
}

#[test]
fn a_call_after_the_consent_branches_join_is_not_gated() {
    let g = graph("gate-join");
    let roots = entries(&g, "Lcom/example/gatejoin/App;", &["onCreate"]);
    let collect = |class: &str| {
        format!("Lcom/example/gatejoin/{class};->collect(Landroid/content/Context;)V")
    };
    // Runs whether or not the flag says agreed.
    assert_eq!(gate_of(&g, &roots, &collect("DeviceInfo")), (true, false));
    // Behind a flag whose key does not say which value means agreed.
    assert_eq!(gate_of(&g, &roots, &collect("SimInfo")), (false, true));
    let init = "Lcom/umeng/commonsdk/UMConfigure;->init(Landroid/content/Context;Ljava/lang/String;Ljava/lang/String;ILjava/lang/String;)V";
    assert_eq!(gate_of(&g, &roots, init), (false, false));
}

#[test]
fn calls_the_agreed_side_dominates_are_gated() {
    let g = graph("gate-dominates");
    let roots = entries(&g, "Lcom/example/gatedom/App;", &["onCreate"]);
    for class in ["DeviceInfo", "LineInfo"] {
        let api = format!("Lcom/example/gatedom/{class};->collect(Landroid/content/Context;)V");
        assert_eq!(gate_of(&g, &roots, &api), (false, false), "{class}");
    }
    // `boolean notAgreed = !Consent.agreed(prefs); if (notAgreed) return;`: javac's two
    // constants, tested after the sides join, are not followed: unsure, never before.
    let sim = "Lcom/example/gatedom/SimInfo;->collect(Landroid/content/Context;)V";
    assert_eq!(gate_of(&g, &roots, sim), (false, true));
    let pre = "Lcom/umeng/commonsdk/UMConfigure;->preInit(Landroid/content/Context;Ljava/lang/String;Ljava/lang/String;)V";
    assert_eq!(gate_of(&g, &roots, pre), (true, false));
}

#[test]
fn hostile_bytes_in_methods_with_consent_branches_never_panic() {
    let bytes = std::fs::read(format!(
        "{}/tests/data/gate-dominates.dex",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    for round in 0..300 {
        let mut b = bytes.clone();
        for _ in 0..(1 + round % 16) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let at = 0x70 + (state as usize) % (b.len() - 0x70);
            b[at] = (state >> 32) as u8;
        }
        if let Ok(dex) = Dex::parse(&b) {
            let mut builder = Builder::new(Caps::default());
            builder.add_dex(&dex);
            let g = builder.finish();
            let all: Vec<Entry> = (0..g.node_count() as u32)
                .map(|method| Entry {
                    method,
                    label: String::new(),
                })
                .collect();
            let reach = g.reach(&all);
            let targets = reach.order().iter().copied().collect();
            let _ = reach.calls_to(&g, &targets);
        }
    }
}
