//! What the app does before the user agrees: the behaviour layer's facts, from the call graph
//! (`piaudit-graph`) rooted at the entry points the manifest names.
//!
//! Owns choosing the entry points (Application, providers and androidx.startup initialisers,
//! launcher activity, boot and connectivity receivers), locating the consent point (stored
//! consent flags, the consent dialog's positive button, SDK vendors' consent APIs from
//! `rules/data/consent-apis.toml`) and turning reachability into the facts `reachability`,
//! `consent`, `sdk_inits`, and the reachability fields of `api_refs`, `sdks` and
//! `startup_permission_requests`. It must not judge (rules do) nor decode bytes (the graph does).

use std::collections::{HashMap, HashSet};

use piaudit_graph::{CallHit, ConsentSite, Entry, Graph, MethodId, Reach};
use serde::Deserialize;

use crate::facts::{
    AppFacts, ChainFrame, Consent, ConsentPoint, EntryPoint, GraphLimit, Reachability, SdkInit,
    StartupRequest,
};

/// The embedded vendor consent table.
pub const CONSENT_APIS_TOML: &str = include_str!("../rules/data/consent-apis.toml");

/// Frames kept in one chain.
pub const MAX_CHAIN_FRAMES: usize = 12;

/// One SDK's consent and initialisation APIs (`rules/data/consent-apis.toml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsentApi {
    pub id: String,
    pub init: Vec<String>,
    pub consent: Vec<String>,
    #[serde(default)]
    pub safe: Vec<String>,
    pub source: Vec<String>,
    pub status: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConsentFile {
    schema_version: u32,
    sdk: Vec<ConsentApi>,
}

/// The vendor consent table.
#[derive(Debug, Clone, Default)]
pub struct ConsentApis {
    pub sdks: Vec<ConsentApi>,
}

impl ConsentApis {
    /// Parses and checks the table: schema 1, every API `Lpkg/Cls;->name`, a source each.
    pub fn from_toml(text: &str) -> Result<ConsentApis, String> {
        let file: ConsentFile = toml::from_str(text).map_err(|e| e.to_string())?;
        if file.schema_version != 1 {
            return Err(format!(
                "unsupported schema_version {}",
                file.schema_version
            ));
        }
        for sdk in &file.sdk {
            if sdk.source.is_empty() || sdk.init.is_empty() {
                return Err(format!("sdk {}: init and source are required", sdk.id));
            }
            for api in sdk.init.iter().chain(&sdk.consent).chain(&sdk.safe) {
                if split_api(api).is_none() {
                    return Err(format!("sdk {}: `{api}` is not Lpkg/Cls;->name", sdk.id));
                }
            }
        }
        Ok(ConsentApis { sdks: file.sdk })
    }
}

/// `Lpkg/Cls;->name` → (`Lpkg/Cls;`, `name`).
fn split_api(api: &str) -> Option<(&str, &str)> {
    let (class, name) = api.split_once("->")?;
    (class.starts_with('L') && class.ends_with(';') && !name.is_empty() && !name.contains('('))
        .then_some((class, name))
}

/// Where a call runs from, for one (API, caller class).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    pub reachable_from: String,
    pub before_consent: Option<bool>,
    pub chain: Vec<ChainFrame>,
}

/// The analysis of one app, kept for the auditor's later stages.
pub struct Behaviour<'g> {
    graph: &'g Graph,
    reach: Reach,
    consent_found: bool,
    /// (target, caller class dotted) → the best call (before a gate first, then shortest).
    sites: HashMap<(MethodId, String), CallHit>,
    /// SDK index → (some method of it live, some reached from start-up before any consent
    /// gate).
    sdk_reach: HashMap<usize, (bool, bool)>,
    /// (target, caller class dotted) of calls made by live code (reached from start-up or
    /// from any framework callback).
    live: HashSet<(MethodId, String)>,
}

fn dotted(descriptor: &str) -> String {
    piaudit_dex::descriptor_to_java(descriptor)
}

fn descriptor(dotted: &str) -> String {
    format!("L{};", dotted.replace('.', "/"))
}

const BOOT_ACTIONS: &[&str] = &[
    "android.intent.action.BOOT_COMPLETED",
    "android.intent.action.LOCKED_BOOT_COMPLETED",
    "android.intent.action.QUICKBOOT_POWERON",
    "android.intent.action.MY_PACKAGE_REPLACED",
    "android.intent.action.USER_PRESENT",
];
const CONNECTIVITY_ACTIONS: &[&str] = &[
    "android.net.conn.CONNECTIVITY_CHANGE",
    "android.net.wifi.STATE_CHANGE",
    "android.net.wifi.WIFI_STATE_CHANGED",
];

const STARTUP_PROVIDER: &str = "androidx.startup.InitializationProvider";
const STARTUP_INITIALIZER: &str = "Landroidx/startup/Initializer;";
/// Initialisers followed per app at most.
const MAX_INITIALIZERS: usize = 512;

/// The `androidx.startup` initialisers `InitializationProvider` runs (descriptors, in the order
/// found): those its `<meta-data android:value="androidx.startup">` children name in the
/// merged manifest (an initialiser removed there with `tools:node="remove"` is not listed, so
/// does not run), and, transitively, the classes their `dependencies()` load as constants.
fn startup_initializers(provider: &crate::facts::Component, g: &Graph) -> Vec<String> {
    let mut out: Vec<String> = provider
        .meta_data
        .iter()
        .filter(|m| m.value.as_deref() == Some("androidx.startup"))
        .map(|m| descriptor(&m.name))
        .collect();
    out.dedup();
    let mut at = 0;
    while at < out.len() && out.len() < MAX_INITIALIZERS {
        let deps: Vec<String> = g
            .class_methods_named(&out[at], &["dependencies"])
            .into_iter()
            .flat_map(|m| g.const_classes(m))
            .filter(|c| g.is_subclass_of(c, STARTUP_INITIALIZER))
            .map(str::to_owned)
            .collect();
        for d in deps {
            if !out.contains(&d) && out.len() < MAX_INITIALIZERS {
                out.push(d);
            }
        }
        at += 1;
    }
    out
}

/// The framework entry points of the app, in the order Android runs them at start-up.
fn entry_points(facts: &AppFacts, g: &Graph) -> Vec<(EntryPoint, Entry)> {
    let mut out = Vec::new();
    let mut add = |kind: &str, class: &str, names: &[&str]| {
        for method in g.class_methods_named(&descriptor(class), names) {
            let name = g.name_of(method).to_owned();
            out.push((
                EntryPoint {
                    kind: kind.to_owned(),
                    component: class.to_owned(),
                    method: g.display(method),
                },
                Entry {
                    method,
                    label: format!("{kind} {class}.{name}"),
                },
            ));
        }
    };
    let app = facts.application_class.clone();
    if let Some(app) = &app {
        add(
            "application",
            app,
            &["<clinit>", "<init>", "attachBaseContext"],
        );
    }
    for c in facts.components.iter().filter(|c| c.kind == "provider") {
        if c.name == STARTUP_PROVIDER {
            // Its own code runs the initialisers its meta-data lists, by reflection; walking
            // it would reach every Initializer's `create` through the interface call.
            for class in startup_initializers(c, g) {
                add(
                    "startup-initializer",
                    &dotted(&class),
                    &["<clinit>", "<init>", "dependencies", "create"],
                );
            }
            continue;
        }
        add(
            "provider",
            &c.name,
            &["<clinit>", "<init>", "attachInfo", "onCreate"],
        );
    }
    if let Some(app) = &app {
        add("application", app, &["onCreate"]);
    }
    if let Some(launcher) = facts.components.iter().find(|c| c.launcher) {
        let class = launcher
            .target
            .clone()
            .unwrap_or_else(|| launcher.name.clone());
        add(
            "launcher-activity",
            &class,
            &[
                "<clinit>",
                "<init>",
                "attachBaseContext",
                "onCreate",
                "onStart",
                "onPostCreate",
                "onResume",
            ],
        );
    }
    for c in facts.components.iter().filter(|c| c.kind == "receiver") {
        let kind = if c.actions.iter().any(|a| BOOT_ACTIONS.contains(&a.as_str())) {
            "boot-receiver"
        } else if c
            .actions
            .iter()
            .any(|a| CONNECTIVITY_ACTIONS.contains(&a.as_str()))
        {
            "connectivity-receiver"
        } else {
            continue;
        };
        add(kind, &c.name, &["<clinit>", "<init>", "onReceive"]);
    }
    out
}

/// Whether `m` is an app-defined `main(String[])`, a process entry point.
fn is_main_method(g: &Graph, m: MethodId) -> bool {
    g.is_defined(m)
        && g.name_of(m) == "main"
        && g.display(m).ends_with("->main([Ljava/lang/String;)V")
}

/// How likely a call runs before consent: before a gate (2), unsure (1), after one (0).
fn gate_rank(hit: &CallHit) -> u8 {
    if hit.before_gate {
        2
    } else {
        u8::from(hit.unsure)
    }
}

/// Whether a method the code names asks the user for runtime permissions: the platform and
/// support-library `requestPermissions`, and the `request*` methods of permission libraries.
fn is_permission_request(g: &Graph, m: MethodId) -> bool {
    let name = g.name_of(m);
    (name == "requestPermissions" && !g.is_defined(m))
        || (name.starts_with("request") && g.class_of(m).contains("Permission") && !g.is_defined(m))
}

impl<'g> Behaviour<'g> {
    /// Builds the facts `reachability`, `consent` and `sdk_inits` of `facts` from `graph`;
    /// `owner` gives the SDK (catalogue index) owning a dotted class; `apis` lists the
    /// sensitive API references to locate; `agree_texts` the string resources whose text is
    /// an agree button's (id, name, text); `build_micros` is the graph's build time.
    pub fn analyse(
        graph: &'g Graph,
        facts: &mut AppFacts,
        table: &ConsentApis,
        apis: &[&str],
        owner: &dyn Fn(&str) -> Option<usize>,
        agree_texts: &[(u32, String, String)],
        build_micros: u64,
    ) -> Behaviour<'g> {
        let started = std::time::Instant::now();
        let g = graph;
        let entries = entry_points(facts, g);
        let mut resolver = piaudit_graph::Resolver::default();
        let reach = g.reach_with(
            &entries.iter().map(|(_, e)| e.clone()).collect::<Vec<_>>(),
            &mut resolver,
        );

        // Targets: sensitive APIs, SDK init and consent APIs, permission requests.
        let mut targets: HashSet<MethodId> = apis.iter().filter_map(|a| g.find_method(a)).collect();
        let named = |api: &str| -> Vec<MethodId> {
            split_api(api)
                .map(|(c, n)| g.find_methods_named(c, n))
                .unwrap_or_default()
        };
        for sdk in &table.sdks {
            for api in sdk.init.iter().chain(&sdk.consent) {
                targets.extend(named(api));
            }
        }
        let permission_targets: HashSet<MethodId> = (0..g.node_count() as u32)
            .filter(|&m| is_permission_request(g, m))
            .collect();
        targets.extend(&permission_targets);
        let hits = reach.calls_to(g, &targets);
        // Live code: start-up plus every framework callback (UI handlers, other components).
        let mut live_entries: Vec<Entry> = entries.iter().map(|(_, e)| e.clone()).collect();
        live_entries.extend(g.callback_roots().into_iter().map(|method| Entry {
            method,
            label: "callback".to_owned(),
        }));
        // `static main(String[])`: run by `app_process` or `am instrument` tooling (apps with
        // no component at all, like screen-capture agents, start there).
        live_entries.extend(
            (0..g.node_count() as u32)
                .filter(|&m| is_main_method(g, m))
                .map(|method| Entry {
                    method,
                    label: "main".to_owned(),
                }),
        );
        let live_reach = g.reach_with(&live_entries, &mut resolver);
        let live: HashSet<(MethodId, String)> = live_reach
            .calls_to(g, &targets)
            .iter()
            .map(|h| (h.target, dotted(g.class_of(h.caller))))
            .collect();

        // The consent point.
        let mut points = Vec::new();
        for site in g.consent_sites() {
            match site {
                ConsentSite::PositiveButton {
                    method,
                    text,
                    resource,
                    handlers,
                    mentions_privacy,
                } => {
                    // The text: a constant, or a string resource resolved through the table
                    // (default, Chinese and English configurations).
                    let resolved = resource.and_then(|id| {
                        agree_texts
                            .iter()
                            .find(|(r, _, _)| *r == id)
                            .map(|(_, name, text)| format!("{text} (@string/{name})"))
                    });
                    let agree = match (text, &resolved) {
                        (Some(t), _) => piaudit_graph::is_agree_text(t),
                        (None, Some(_)) => true,
                        (None, None) => *mentions_privacy,
                    };
                    if agree {
                        let at = handlers.first().copied().unwrap_or(*method);
                        points.push(ConsentPoint {
                            kind: "dialog-positive-button".to_owned(),
                            location: g.display(at),
                            detail: text.clone().or(resolved).unwrap_or_else(|| {
                                "(text from a resource; the dialog names the policy)".to_owned()
                            }),
                        });
                    }
                }
                ConsentSite::FlagRead {
                    method,
                    key,
                    tested: true,
                } => points.push(ConsentPoint {
                    kind: "stored-flag".to_owned(),
                    location: g.display(*method),
                    detail: key.clone(),
                }),
                ConsentSite::FlagRead { .. } => {}
            }
        }
        for sdk in &table.sdks {
            for api in &sdk.consent {
                for m in named(api) {
                    if g.is_invoked(m) {
                        let caller = hits
                            .iter()
                            .find(|h| h.target == m)
                            .map(|h| g.display(h.caller));
                        points.push(ConsentPoint {
                            kind: "sdk-consent-api".to_owned(),
                            location: caller.unwrap_or_else(|| api.clone()),
                            detail: format!("{} {api}", sdk.id),
                        });
                    }
                }
            }
        }
        points.sort_by_key(|p| match p.kind.as_str() {
            "dialog-positive-button" => 0,
            "stored-flag" => 1,
            _ => 2,
        });
        points.dedup();
        points.truncate(50);
        let consent_found = !points.is_empty();
        facts.consent = Consent {
            found: consent_found,
            kind: points.first().map(|p| p.kind.clone()),
            location: points.first().map(|p| p.location.clone()),
            points,
        };

        let mut sites: HashMap<(MethodId, String), CallHit> = HashMap::new();
        for hit in &hits {
            let key = (hit.target, dotted(g.class_of(hit.caller)));
            // Keep the call most likely before consent: before, then unsure, then after.
            match sites.get(&key) {
                Some(best) if gate_rank(best) >= gate_rank(hit) => {}
                _ => {
                    sites.insert(key, *hit);
                }
            }
        }

        // SDK code reached.
        let mut sdk_reach: HashMap<usize, (bool, bool)> = HashMap::new();
        let mut owners: HashMap<&str, Option<usize>> = HashMap::new();
        for &m in live_reach.order() {
            if !g.is_defined(m) {
                continue;
            }
            let class = g.class_of(m);
            let sdk = *owners.entry(class).or_insert_with(|| owner(&dotted(class)));
            if let Some(sdk) = sdk {
                let e = sdk_reach.entry(sdk).or_default();
                e.0 = true;
                e.1 |= reach.before_gate(m);
            }
        }
        drop(live_reach);

        let behaviour = Behaviour {
            graph,
            reach,
            consent_found,
            sites,
            sdk_reach,
            live,
        };

        // SDK initialisations.
        let present: HashSet<&str> = facts.sdks.iter().map(|s| s.id.as_str()).collect();
        let mut inits = Vec::new();
        for sdk in &table.sdks {
            let init_methods: Vec<MethodId> = sdk.init.iter().flat_map(|a| named(a)).collect();
            let called = init_methods.iter().any(|&m| g.is_invoked(m));
            if !called && !present.contains(sdk.id.as_str()) {
                continue;
            }
            let consent_methods: Vec<MethodId> =
                sdk.consent.iter().flat_map(|a| named(a)).collect();
            let best = hits
                .iter()
                .filter(|h| init_methods.contains(&h.target))
                .max_by_key(|h| {
                    (
                        gate_rank(h),
                        std::cmp::Reverse(behaviour.reach.depth(h.caller)),
                    )
                })
                .copied();
            let site = best.map(|h| behaviour.site_of(&h));
            inits.push(SdkInit {
                sdk: sdk.id.clone(),
                api: best.map_or_else(|| sdk.init.join(", "), |h| g.display(h.target)),
                called,
                reachable: Some(best.is_some()),
                reachable_from: site
                    .as_ref()
                    .map(|s| vec![s.reachable_from.clone()])
                    .unwrap_or_default(),
                before_consent: site.as_ref().map_or(Some(false), |s| s.before_consent),
                chain: site.map(|s| s.chain).unwrap_or_default(),
                consent_apis: sdk.consent.clone(),
                consent_api_called: consent_methods.iter().any(|&m| g.is_invoked(m)),
                consent_api_at_startup: hits
                    .iter()
                    .any(|h| h.before_gate && consent_methods.contains(&h.target)),
            });
        }
        facts.sdk_inits = inits;

        // Permission requests from start-up.
        let mut requests: Vec<StartupRequest> = Vec::new();
        let mut seen = HashSet::new();
        for hit in hits
            .iter()
            .filter(|h| permission_targets.contains(&h.target))
        {
            let Some(entry) = behaviour.reach.entry_of(hit.caller) else {
                continue;
            };
            let Some((point, _)) = entries.iter().find(|(_, e)| e.method == entry.method) else {
                continue;
            };
            let api = g.display(hit.target);
            if !seen.insert((point.component.clone(), point.method.clone(), api.clone())) {
                continue;
            }
            let mut permissions: Vec<String> = behaviour
                .reach
                .path(hit.caller)
                .iter()
                .flat_map(|&m| g.permission_strings(m))
                .map(str::to_owned)
                .collect();
            permissions.sort();
            permissions.dedup();
            let site = behaviour.site_of(hit);
            requests.push(StartupRequest {
                api,
                component: point.component.clone(),
                kind: point.kind.clone(),
                method: g.name_of(entry.method).to_owned(),
                permissions,
                reachable_from: vec![site.reachable_from],
                before_consent: site.before_consent,
                chain: site.chain,
            });
        }
        if !entries.is_empty() && facts.packers.is_empty() {
            facts.startup_permission_requests = requests;
        }

        // What the graph covered and could not see.
        let l = g.limits();
        let mut limits = Vec::new();
        for (kind, count) in [
            ("native-methods", l.native_methods),
            ("native-loads", l.native_loads),
            ("dynamic-loading", l.dynamic_loading),
            ("reflection-computed", l.reflection_computed),
            ("fanout-capped", behaviour.reach.fanout_capped),
            ("malformed-methods", l.malformed_methods),
            ("truncated", u64::from(l.truncated)),
            ("packed", facts.packers.len() as u64),
        ] {
            if count > 0 {
                limits.push(GraphLimit {
                    kind: kind.to_owned(),
                    count,
                });
            }
        }
        facts.reachability = Reachability {
            // Without entry points (no manifest, components elsewhere) or with a packer, what
            // is not reached says nothing.
            analysed: !entries.is_empty() && facts.packers.is_empty(),
            live_analysed: facts.manifest_read
                && facts.packers.is_empty()
                && !matches!(facts.container.as_str(), "jar" | "aar" | "dex"),
            entry_points: entries.into_iter().map(|(p, _)| p).collect(),
            nodes: g.node_count() as u64,
            edges: g.edge_count() as u64,
            reached: behaviour.reach.order().len() as u64,
            millis: (build_micros + started.elapsed().as_micros() as u64) / 1000,
            limits,
        };
        behaviour
    }

    /// Whether any consent point was found.
    pub fn consent_found(&self) -> bool {
        self.consent_found
    }

    fn site_of(&self, hit: &CallHit) -> Site {
        let g = self.graph;
        let mut chain: Vec<ChainFrame> = self
            .reach
            .chain(g, hit.caller, MAX_CHAIN_FRAMES - 1)
            .into_iter()
            .map(|f| ChainFrame {
                method: f.method,
                via: f.via.to_owned(),
            })
            .collect();
        chain.push(ChainFrame {
            method: g.display(hit.target),
            via: hit.via.label().to_owned(),
        });
        Site {
            reachable_from: self
                .reach
                .entry_of(hit.caller)
                .map(|e| e.label.clone())
                .unwrap_or_default(),
            before_consent: if hit.unsure || (hit.before_gate && !self.consent_found) {
                None
            } else {
                Some(hit.before_gate)
            },
            chain,
        }
    }

    /// Where the calls of sensitive API `api` (smali reference) by class `caller` run from;
    /// `None` when no reached code of that class calls it.
    pub fn api_site(&self, api: &str, caller: &str) -> Option<Site> {
        let target = self.graph.find_method(api)?;
        let hit = self.sites.get(&(target, caller.to_owned()))?;
        Some(self.site_of(hit))
    }

    /// Whether live code (start-up or any framework callback) of class `caller` calls
    /// sensitive API `api`: false means present but not reached from anything the framework
    /// runs.
    pub fn api_live(&self, api: &str, caller: &str) -> bool {
        self.graph
            .find_method(api)
            .is_some_and(|t| self.live.contains(&(t, caller.to_owned())))
    }

    /// Calls of `targets` made by code reached from a start-up entry point, shortest chains
    /// first: (caller, target, where it runs from).
    pub fn startup_calls(&self, targets: &HashSet<MethodId>) -> Vec<(MethodId, MethodId, Site)> {
        self.reach
            .calls_to(self.graph, targets)
            .iter()
            .map(|h| (h.caller, h.target, self.site_of(h)))
            .collect()
    }

    /// Whether live code (start-up or any framework callback) asks for runtime permissions.
    pub fn permission_request_live(&self) -> bool {
        self.live
            .iter()
            .any(|(t, _)| is_permission_request(self.graph, *t))
    }

    /// (live: reached from start-up or any framework callback, reached from start-up before any
    /// consent gate) for an SDK.
    pub fn sdk_reached(&self, sdk: usize) -> (bool, bool) {
        self.sdk_reach.get(&sdk).copied().unwrap_or_default()
    }
}

/// The chains of `facts` as text for a person to follow (`inspect --chains`): the entry points,
/// the consent point, then one block per chain, one frame a line with how it was reached
/// (frames are `Lpkg/Cls;->name(args)ret`, as `dexdump -d` names them with `.` and `:`).
pub fn chains_text(facts: &AppFacts) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let r = &facts.reachability;
    let _ = writeln!(
        out,
        "call graph: {} (nodes {}, edges {}, reached {}, {} ms)",
        if r.analysed {
            "analysed"
        } else {
            "not analysed (no entry points, or packed)"
        },
        r.nodes,
        r.edges,
        r.reached,
        r.millis
    );
    for l in &r.limits {
        let _ = writeln!(out, "  not seen: {} ×{}", l.kind, l.count);
    }
    let _ = writeln!(out, "entry points:");
    for e in &r.entry_points {
        let _ = writeln!(out, "  {:<20} {}", e.kind, e.method);
    }
    match (&facts.consent.kind, &facts.consent.location) {
        (Some(kind), Some(at)) => {
            let _ = writeln!(out, "consent point: {kind} at {at}");
        }
        _ => {
            let _ = writeln!(
                out,
                "consent point: none found (before consent is not judged; context for MIIT 2019 1.2, not proof)"
            );
        }
    }
    let before = |b: Option<bool>| match b {
        Some(true) => "before consent",
        Some(false) => "after consent",
        None => "consent unknown",
    };
    let mut block = |title: String, chain: &[ChainFrame]| {
        if chain.is_empty() {
            return;
        }
        let _ = writeln!(out, "\n{title}");
        for (i, f) in chain.iter().enumerate() {
            let _ = writeln!(out, "  {i:>2}. [{}] {}", f.via, f.method);
        }
    };
    for a in &facts.api_refs {
        block(
            format!(
                "{} ({}, {}): {}",
                a.api,
                a.pi_type,
                a.attributed_to,
                before(a.before_consent)
            ),
            &a.chain,
        );
    }
    for i in &facts.sdk_inits {
        block(
            format!("SDK {} initialised: {}", i.sdk, before(i.before_consent)),
            &i.chain,
        );
    }
    for p in &facts.startup_permission_requests {
        block(
            format!(
                "permission request {}: {}",
                p.permissions.join(", "),
                before(p.before_consent)
            ),
            &p.chain,
        );
    }
    out
}
