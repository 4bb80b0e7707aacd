//! What the app's DEX code shows: class names, URLs in string pools, call sites of sensitive
//! APIs with their calling classes, which SDKs' code is invoked from outside the SDK, and the
//! permission requests made on the start-up path.
//!
//! Owns one pass over each DEX file (through `piaudit-dex`), keeping only compact results; it
//! must not attribute classes to SDKs itself (it asks a [`ClassOwner`]) nor judge anything.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use piaudit_dex::{CodeRefKind, Dex, descriptor_to_java};

use crate::facts::{Anomaly, AppFacts};

/// Caps on what one app's code contributes to the facts.
const MAX_URLS: usize = 2_000;
const MAX_CLASS_NAMES: usize = 2_000_000;

/// The sensitive APIs to look for, indexed by declaring class for a cheap first test.
#[derive(Debug, Default)]
pub struct ApiIndex {
    /// class descriptor → [(method name, proto "(args)ret", api id)]
    by_class: HashMap<String, Vec<(String, String, usize)>>,
    /// The full smali references, by api id.
    refs: Vec<String>,
}

impl ApiIndex {
    /// Builds the index from smali references `Lpkg/Cls;->name(args)ret`. Field references
    /// (`Lpkg/Cls;->NAME:type`) are not invoked and are ignored here.
    pub fn new<'s>(refs: impl IntoIterator<Item = &'s str>) -> ApiIndex {
        let mut index = ApiIndex::default();
        for r in refs {
            let Some((class, rest)) = r.split_once("->") else {
                continue;
            };
            let Some(paren) = rest.find('(') else {
                continue;
            };
            let id = index.refs.len();
            index.refs.push(r.to_owned());
            index.by_class.entry(class.to_owned()).or_default().push((
                rest[..paren].to_owned(),
                rest[paren..].to_owned(),
                id,
            ));
        }
        index
    }

    /// The smali reference of an api id.
    pub fn reference(&self, id: usize) -> &str {
        self.refs.get(id).map_or("", String::as_str)
    }

    fn lookup(&self, dex: &Dex<'_>, method_idx: u32) -> Option<usize> {
        let m = dex.method_ref(method_idx).ok()?;
        let class = dex.type_descriptor(m.class_idx).ok()?;
        let candidates = self.by_class.get(class.as_ref())?;
        let name = dex.string(m.name_idx).ok()?;
        let mut proto = String::new();
        for (n, p, id) in candidates {
            if n == name.as_ref() {
                if proto.is_empty() {
                    dex.write_proto(m.proto_idx, &mut proto).ok()?;
                }
                if *p == proto {
                    return Some(*id);
                }
            }
        }
        None
    }
}

/// Tells which SDK (by index in the caller's catalogue) a dotted class name belongs to.
pub trait ClassOwner {
    fn owner_of(&self, dotted_class: &str) -> Option<usize>;
}

/// No catalogue: nothing belongs to an SDK.
pub struct NoOwners;

impl ClassOwner for NoOwners {
    fn owner_of(&self, _: &str) -> Option<usize> {
        None
    }
}

/// A sensitive API's use by one calling class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiUse {
    pub api: usize,
    pub caller: String,
    pub call_sites: u64,
}

/// A permission request on the start-up path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartupRequest {
    pub component: String,
    /// `launcher-activity` or `application`.
    pub kind: &'static str,
    pub method: String,
    pub api: String,
    pub permissions: Vec<String>,
}

/// The accumulated results of scanning every DEX of one app.
#[derive(Debug, Default)]
pub struct CodeFacts {
    /// Every class defined, dotted (`com.a.B$C`), in load order, first definition wins.
    pub classes: Vec<String>,
    pub urls: BTreeSet<String>,
    /// (api id, caller class) → call-site count.
    pub api_uses: BTreeMap<(usize, String), u64>,
    /// SDK index → (call sites from code outside that SDK, up to 5 example calling classes).
    pub sdk_calls: BTreeMap<usize, (u64, BTreeSet<String>)>,
    pub startup_requests: Vec<StartupRequest>,
}

/// One app's code scan in progress.
pub struct CodeScan<'c> {
    apis: &'c ApiIndex,
    owners: &'c dyn ClassOwner,
    /// The start-up classes (dotted) and their kind.
    startup: Vec<(String, &'static str)>,
    seen_classes: HashSet<String>,
    pub facts: CodeFacts,
}

impl<'c> CodeScan<'c> {
    /// `startup` lists the classes whose `onCreate` runs before the user does anything
    /// (launcher activity, Application subclass), with their kind.
    pub fn new(
        apis: &'c ApiIndex,
        owners: &'c dyn ClassOwner,
        startup: Vec<(String, &'static str)>,
    ) -> CodeScan<'c> {
        CodeScan {
            apis,
            owners,
            startup,
            seen_classes: HashSet::new(),
            facts: CodeFacts::default(),
        }
    }

    /// Sets the start-up classes (known once the base manifest is decoded).
    pub fn set_startup(&mut self, startup: Vec<(String, &'static str)>) {
        self.startup = startup;
    }

    /// Scans one DEX file; defects become anomalies and problems in `facts`.
    pub fn add_dex(&mut self, name: &str, bytes: &[u8], facts: &mut AppFacts) {
        let mut offset = 0usize;
        let mut part = 0u32;
        // A v41 container holds several DEX files back to back.
        loop {
            let dex = match Dex::parse_at(bytes, offset) {
                Ok(d) => d,
                Err(e) => {
                    facts.problem("dex", format!("{name}: {e}"));
                    return;
                }
            };
            if part == 0 {
                facts.dex.files.push(name.to_owned());
            }
            self.scan(name, &dex, facts);
            part += 1;
            match dex.next_in_container() {
                Some(next) if next > offset && part < 64 => offset = next,
                _ => break,
            }
        }
    }

    fn scan(&mut self, name: &str, dex: &Dex<'_>, facts: &mut AppFacts) {
        for a in dex.anomalies() {
            facts.anomalies.push(Anomaly {
                source: "dex".to_owned(),
                kind: crate::resources::anomaly_kind(&format!("{:?}", a.kind)),
                detail: format!("{name}: {a}"),
                severity: "low".to_owned(),
            });
        }
        facts.dex.class_count += u64::from(dex.class_count());
        facts.dex.method_ref_count += u64::from(dex.method_ref_count());

        // Owners of types, computed on demand: index = type idx.
        let type_count = dex.type_count() as usize;
        let mut type_owner: Vec<Option<Option<usize>>> = vec![None; type_count];
        let owner_of_type = |t: u32, cache: &mut Vec<Option<Option<usize>>>| -> Option<usize> {
            let slot = cache.get_mut(t as usize)?;
            if let Some(known) = *slot {
                return known;
            }
            let owner = dex
                .type_descriptor(t)
                .ok()
                .and_then(|d| self.owners.owner_of(&descriptor_to_java(&d)));
            *slot = Some(owner);
            owner
        };

        // Class definitions.
        let class_count = dex.class_count() as usize;
        let mut class_type: Vec<u32> = Vec::with_capacity(class_count);
        let mut startup_defs: HashMap<u32, usize> = HashMap::new();
        for def in dex.class_defs() {
            class_type.push(def.class_idx);
            let Ok(desc) = dex.type_descriptor(def.class_idx) else {
                continue;
            };
            let dotted = descriptor_to_java(&desc);
            if let Some(pos) = self.startup.iter().position(|(c, _)| *c == dotted) {
                startup_defs.insert(def.index, pos);
            }
            if self.facts.classes.len() < MAX_CLASS_NAMES
                && self.seen_classes.insert(dotted.clone())
            {
                self.facts.classes.push(dotted);
            }
        }

        // Sensitive method references, found once per method_id.
        let mut sensitive: HashMap<u32, usize> = HashMap::new();
        if !self.apis.by_class.is_empty() {
            for idx in 0..dex.method_ref_count() {
                if let Some(api) = self.apis.lookup(dex, idx) {
                    sensitive.insert(idx, api);
                }
            }
        }

        // One pass over all code.
        let mut per_class_api: HashMap<(usize, u32), u64> = HashMap::new();
        let mut startup_calls: HashMap<u32, Vec<(u32, u32)>> = HashMap::new(); // caller method → (callee, class_def)
        let mut startup_strings: HashMap<u32, Vec<u32>> = HashMap::new();
        let mut startup_methods: HashMap<u32, u32> = HashMap::new(); // method idx → class_def
        let mut call_sites = 0u64;
        let summary = dex.visit_code_refs(|method, code_ref| {
            let in_startup = startup_defs.contains_key(&method.class_def_idx);
            if in_startup {
                startup_methods.insert(method.method_idx, method.class_def_idx);
            }
            match code_ref.kind {
                CodeRefKind::Invoke { method_idx } => {
                    call_sites += 1;
                    if let Some(&api) = sensitive.get(&method_idx) {
                        *per_class_api
                            .entry((api, method.class_def_idx))
                            .or_default() += 1;
                    }
                    if in_startup {
                        startup_calls
                            .entry(method.method_idx)
                            .or_default()
                            .push((method_idx, method.class_def_idx));
                    }
                    // SDK use: a call into an SDK's class from a class outside that SDK.
                    if let Ok(callee) = dex.method_ref(method_idx) {
                        if let Some(sdk) = owner_of_type(callee.class_idx, &mut type_owner) {
                            let caller_type =
                                class_type.get(method.class_def_idx as usize).copied();
                            let caller_owner =
                                caller_type.and_then(|t| owner_of_type(t, &mut type_owner));
                            if caller_owner != Some(sdk) {
                                let (count, examples) =
                                    self.facts.sdk_calls.entry(sdk).or_default();
                                *count += 1;
                                if examples.len() < 5 {
                                    if let Some(d) =
                                        caller_type.and_then(|t| dex.type_descriptor(t).ok())
                                    {
                                        examples.insert(descriptor_to_java(&d));
                                    }
                                }
                            }
                        }
                    }
                }
                CodeRefKind::ConstString { string_idx } if in_startup => {
                    startup_strings
                        .entry(method.method_idx)
                        .or_default()
                        .push(string_idx);
                }
                _ => {}
            }
        });
        facts.dex.call_site_count += call_sites;
        if summary.methods_skipped > 0 {
            facts.problem(
                "dex",
                format!(
                    "{name}: {} methods with malformed code were skipped",
                    summary.methods_skipped
                ),
            );
        }

        for ((api, class_def), n) in per_class_api {
            let caller = class_type
                .get(class_def as usize)
                .and_then(|&t| dex.type_descriptor(t).ok())
                .map(|d| descriptor_to_java(&d))
                .unwrap_or_default();
            *self.facts.api_uses.entry((api, caller)).or_default() += n;
        }

        self.collect_startup(
            dex,
            &startup_defs,
            &startup_methods,
            &startup_calls,
            &startup_strings,
        );

        // URLs in the string pool.
        for s in dex.strings().flatten() {
            if self.facts.urls.len() >= MAX_URLS {
                break;
            }
            if s.contains("http://") || s.contains("https://") {
                for url in extract_urls(&s) {
                    if self.facts.urls.len() < MAX_URLS {
                        self.facts.urls.insert(url);
                    }
                }
            }
        }
    }

    /// Finds permission requests reachable from a start-up class's `onCreate` (and
    /// `attachBaseContext`), following calls to methods of the same class.
    fn collect_startup(
        &mut self,
        dex: &Dex<'_>,
        startup_defs: &HashMap<u32, usize>,
        methods: &HashMap<u32, u32>,
        calls: &HashMap<u32, Vec<(u32, u32)>>,
        strings: &HashMap<u32, Vec<u32>>,
    ) {
        for (&class_def, &pos) in startup_defs {
            let (component, kind) = self.startup[pos].clone();
            let roots: Vec<u32> = methods
                .iter()
                .filter(|&(_, &cd)| cd == class_def)
                .map(|(&m, _)| m)
                .filter(|&m| {
                    dex.method_ref(m)
                        .ok()
                        .and_then(|r| dex.string(r.name_idx).ok())
                        .is_some_and(|n| n == "onCreate" || n == "attachBaseContext")
                })
                .collect();
            for root in roots {
                let root_name = dex
                    .method_ref(root)
                    .ok()
                    .and_then(|r| dex.string(r.name_idx).ok())
                    .map(|n| n.into_owned())
                    .unwrap_or_default();
                // Same-class closure from the root.
                let mut seen = HashSet::from([root]);
                let mut stack = vec![root];
                let mut request_api = None;
                let mut perms = BTreeSet::new();
                while let Some(m) = stack.pop() {
                    for s in strings.get(&m).into_iter().flatten() {
                        if let Ok(text) = dex.string(*s) {
                            if text.starts_with("android.permission.")
                                || text.contains(".permission.")
                            {
                                perms.insert(text.into_owned());
                            }
                        }
                    }
                    for &(callee, _) in calls.get(&m).into_iter().flatten() {
                        if request_api.is_none() && is_permission_request(dex, callee) {
                            request_api = dex.method_ref_display(callee).ok();
                        }
                        if methods.get(&callee) == Some(&class_def)
                            && seen.len() < 10_000
                            && seen.insert(callee)
                        {
                            stack.push(callee);
                        }
                    }
                }
                if let Some(api) = request_api {
                    self.facts.startup_requests.push(StartupRequest {
                        component: component.clone(),
                        kind,
                        method: root_name,
                        api,
                        permissions: perms.into_iter().collect(),
                    });
                }
            }
        }
    }

    /// Writes the DEX-derived summary fields into the facts.
    pub fn finish(&mut self, facts: &mut AppFacts) {
        let mut urls: BTreeSet<String> = facts.urls.iter().cloned().collect();
        urls.extend(self.facts.urls.iter().cloned());
        facts.urls = urls.into_iter().take(MAX_URLS).collect();
    }

    /// Callers of each sensitive API, grouped: api id → [(caller, call sites)].
    pub fn api_callers(&self) -> BTreeMap<usize, Vec<(String, u64)>> {
        let mut out: BTreeMap<usize, Vec<(String, u64)>> = BTreeMap::new();
        for ((api, caller), n) in &self.facts.api_uses {
            out.entry(*api).or_default().push((caller.clone(), *n));
        }
        out
    }
}

/// Whether a method reference asks the user for runtime permissions: the platform and
/// support-library `requestPermissions`, and the `request*` methods of the permission
/// libraries apps commonly wrap them in (RxPermissions, XXPermissions, PermissionX, ...).
fn is_permission_request(dex: &Dex<'_>, method_idx: u32) -> bool {
    let Ok(m) = dex.method_ref(method_idx) else {
        return false;
    };
    let Ok(name) = dex.string(m.name_idx) else {
        return false;
    };
    if name == "requestPermissions" {
        return true;
    }
    if !name.starts_with("request") {
        return false;
    }
    dex.type_descriptor(m.class_idx)
        .is_ok_and(|c| c.contains("Permission"))
}

/// http(s) URLs inside a string, trimmed of trailing punctuation.
pub fn extract_urls(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(pos) = rest.find("http") {
        let cand = &rest[pos..];
        if cand.starts_with("http://") || cand.starts_with("https://") {
            let end = cand
                .find(|c: char| {
                    c.is_whitespace()
                        || matches!(
                            c,
                            '"' | '\'' | '<' | '>' | '`' | '\\' | '，' | '。' | '）' | '」' | '》'
                        )
                })
                .unwrap_or(cand.len());
            let url = cand[..end].trim_end_matches(['.', ',', ';', ')', ']', '}', '!', '?']);
            if url.len() > "https://".len() + 3 && url.len() <= 2048 {
                out.push(url.to_owned());
            }
            rest = &cand[end.max(4)..];
        } else {
            rest = &cand[4..];
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::extract_urls;

    #[test]
    fn urls_are_cut_at_delimiters_and_trailing_punctuation() {
        assert_eq!(
            extract_urls("see https://a.example.com/privacy.html, or http://b.cn/x）"),
            vec!["https://a.example.com/privacy.html", "http://b.cn/x"]
        );
        assert!(extract_urls("http://").is_empty());
        assert!(extract_urls("httpx https:/").is_empty());
    }
}
