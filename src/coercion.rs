//! Coerced permissions: the code that receives a runtime-permission result and what it does
//! when the user says no (issue 19; Yuhang fact 2, MIIT 2019 4.2, notice 164 item 3).
//!
//! Owns the callback table (`rules/data/permission-libraries.toml`), the per-DEX pass that
//! analyses candidate handlers' bytecode while the DEX is in memory ([`DenialScan`], with
//! [`denial`] finding the denial branch), and, once the call graph exists, following the denial
//! branch's calls to what they lead to: the app ends or leaves the screen, a dialog the user can
//! only leave by granting or through the settings screen, the same request again; plus requests
//! reached from `onResume`. It fills `denial_handlers` and `resume_permission_requests`. It must
//! not judge (rules do) nor build the graph (`piaudit-graph` does).

pub mod denial;

use std::collections::{HashMap, HashSet, VecDeque};

use piaudit_dex::Dex;
use piaudit_graph::{ConsentSite, EdgeKind, Graph, MethodId};
use serde::Deserialize;

use crate::facts::{
    AppFacts, ChainFrame, DenialHandler, DenialOutcome, DeniedPermission, ResumeRequest,
};
use denial::{Denial, Grant};

/// The embedded callback table.
pub const PERMISSION_LIBRARIES_TOML: &str = include_str!("../rules/data/permission-libraries.toml");

/// App frames followed from a denial branch (and from `onResume`).
const MAX_DEPTH: usize = 4;
/// Methods visited per walk.
const MAX_VISITED: usize = 512;
/// Forwarding steps followed from a handler into the helpers it hands the result to.
const MAX_FORWARD_ROUNDS: usize = 3;

/// One callback of `rules/data/permission-libraries.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Library {
    pub id: String,
    pub name: String,
    pub callback: String,
    pub grant: String,
    #[serde(default)]
    pub param: Option<usize>,
    #[serde(default)]
    pub granted_calls: Vec<String>,
    #[serde(default)]
    pub registered_by: Vec<String>,
    pub source: Vec<String>,
}

impl Library {
    /// (class descriptor or `*`, method name, prototype) of the callback.
    fn parts(&self) -> Option<(&str, &str, &str)> {
        let (class, rest) = self.callback.split_once("->")?;
        let paren = rest.find('(')?;
        Some((class, &rest[..paren], &rest[paren..]))
    }

    fn grant(&self) -> Option<Grant> {
        Some(match self.grant.as_str() {
            "int-array" => Grant::IntArray,
            "granted" => Grant::Granted,
            "boolean-object" => Grant::BooleanObject,
            "denied" => Grant::Denied,
            "granted-call" => Grant::Denied,
            _ => return None,
        })
    }

    /// The parameters the analysis starts from.
    fn params(&self) -> Vec<(usize, Grant)> {
        match (self.grant.as_str(), self.grant(), self.param) {
            ("granted-call", _, _) => Vec::new(),
            (_, Some(Grant::Denied), _) => vec![(usize::MAX, Grant::Denied)],
            (_, Some(g), Some(p)) => vec![(p, g)],
            _ => Vec::new(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LibraryFile {
    schema_version: u32,
    library: Vec<Library>,
}

/// The callback table.
#[derive(Debug, Clone, Default)]
pub struct Libraries {
    pub list: Vec<Library>,
}

impl Libraries {
    /// The embedded table (checked by the tests; an invalid embedded table is a build defect
    /// and gives an empty one).
    pub fn embedded() -> &'static Libraries {
        static TABLE: std::sync::OnceLock<Libraries> = std::sync::OnceLock::new();
        TABLE.get_or_init(|| Libraries::from_toml(PERMISSION_LIBRARIES_TOML).unwrap_or_default())
    }

    /// Parses and checks the table: schema 1, every callback `Lpkg/Cls;->name(args)ret` (or
    /// `*->...`), a known grant kind with the parameter it needs, a source each.
    pub fn from_toml(text: &str) -> Result<Libraries, String> {
        let file: LibraryFile = toml::from_str(text).map_err(|e| e.to_string())?;
        if file.schema_version != 1 {
            return Err(format!(
                "unsupported schema_version {}",
                file.schema_version
            ));
        }
        for l in &file.library {
            let Some((class, _, proto)) = l.parts() else {
                return Err(format!(
                    "library {}: `{}` is not Lpkg/Cls;->name(args)ret",
                    l.id, l.callback
                ));
            };
            if !(class == "*" || class.starts_with('L') && class.ends_with(';')) {
                return Err(format!("library {}: bad class in `{}`", l.id, l.callback));
            }
            let Some(g) = l.grant() else {
                return Err(format!("library {}: unknown grant `{}`", l.id, l.grant));
            };
            let params = denial::parameters(proto).len();
            let needs_param = matches!(g, Grant::IntArray | Grant::Granted | Grant::BooleanObject)
                && l.grant != "granted-call";
            if needs_param && l.param.is_none_or(|p| p >= params) {
                return Err(format!(
                    "library {}: grant `{}` needs a param of the callback",
                    l.id, l.grant
                ));
            }
            if l.grant == "granted-call" && l.granted_calls.is_empty() {
                return Err(format!(
                    "library {}: granted-call needs granted_calls",
                    l.id
                ));
            }
            if l.source.is_empty() {
                return Err(format!("library {}: source is required", l.id));
            }
        }
        Ok(Libraries { list: file.library })
    }
}

/// A handler (or a helper it handed the result to) analysed while its DEX was in memory.
#[derive(Debug, Clone)]
pub struct Analysed {
    /// `Lpkg/Cls;->name(args)ret`.
    pub method: String,
    /// Index into the table.
    pub library: usize,
    /// The analysed method that handed the result here (`None` for a callback).
    pub parent: Option<usize>,
    pub denial: Denial,
}

/// The per-DEX pass (see the module docs).
#[derive(Debug, Default)]
pub struct DenialScan {
    pub found: Vec<Analysed>,
    /// Helpers a grant value was handed to in the DEX file being read: method index →
    /// (parent, parameter, grant).
    pending: HashMap<u32, Forward>,
    /// `onResume` methods that read no stored boolean (no "asked already" guard).
    pub resume_unguarded: HashSet<String>,
}

/// A grant value handed on: (the analysed method that handed it, the callee's declared
/// parameter, what it carries).
type Forward = (usize, usize, Grant);

/// Analysed methods kept per app at most.
const MAX_ANALYSED: usize = 4096;

impl DenialScan {
    /// Analyses the candidate handlers of one DEX file, and the helpers in the same file they
    /// hand the result to.
    pub fn add_dex(&mut self, dex: &Dex<'_>, libs: &Libraries) {
        let mut names: HashMap<&[u8], Vec<usize>> = HashMap::new();
        for (i, l) in libs.list.iter().enumerate() {
            if let Some((_, name, _)) = l.parts() {
                names.entry(name.as_bytes()).or_default().push(i);
            }
        }
        let firsts: Vec<u8> = names
            .keys()
            .filter_map(|n| n.first().copied())
            .chain([b'o'])
            .collect();
        // Candidates by name, from the method table.
        let mut todo: Vec<(u32, Option<Forward>)> = Vec::new();
        for idx in 0..dex.method_ref_count() {
            let Ok(r) = dex.method_ref(idx) else {
                continue;
            };
            let Ok(name) = dex.string_bytes(r.name_idx) else {
                continue;
            };
            if name.first().is_some_and(|b| firsts.contains(b))
                && (names.contains_key(name) || name == b"onResume")
            {
                todo.push((idx, None));
            }
        }
        self.pending.clear();
        for _round in 0..=MAX_FORWARD_ROUNDS {
            if todo.is_empty() {
                break;
            }
            let wanted: HashMap<u32, Option<Forward>> = todo.drain(..).collect();
            let classes: HashSet<u32> = wanted
                .keys()
                .filter_map(|&idx| dex.method_ref(idx).ok().map(|r| r.class_idx))
                .collect();
            let defs: Vec<_> = dex
                .class_defs()
                .filter(|d| classes.contains(&d.class_idx))
                .collect();
            for m in defs.iter().flat_map(|d| dex.class_methods(d)) {
                let Some(forwarded) = wanted.get(&m.method_idx) else {
                    continue;
                };
                if m.code_off == 0 || self.found.len() >= MAX_ANALYSED {
                    continue;
                }
                self.analyse_method(dex, libs, &names, &m, *forwarded);
            }
            todo.extend(self.pending.drain().map(|(idx, f)| (idx, Some(f))));
        }
    }

    fn analyse_method(
        &mut self,
        dex: &Dex<'_>,
        libs: &Libraries,
        names: &HashMap<&[u8], Vec<usize>>,
        m: &piaudit_dex::MethodCode,
        forwarded: Option<Forward>,
    ) {
        let Ok(r) = dex.method_ref(m.method_idx) else {
            return;
        };
        let Ok(name) = dex.string_bytes(r.name_idx) else {
            return;
        };
        let Ok(display) = dex.method_ref_display(m.method_idx) else {
            return;
        };
        let Some(paren) = display.find('(') else {
            return;
        };
        let proto = display[paren..].to_owned();
        let Ok(code) = dex.code_item(m.code_off) else {
            return;
        };
        let is_static = m.access_flags & 0x8 != 0;
        if let Some((parent, param, grant)) = forwarded {
            let denial = denial::analyse(dex, &code, is_static, &proto, &[(param, grant)], &[]);
            let library = self.found.get(parent).map_or(0, |a| a.library);
            self.push(display, library, Some(parent), denial);
            return;
        }
        if name == b"onResume"
            && self.resume_unguarded.len() < 4096
            && !denial::reads_boolean(dex, &code)
        {
            self.resume_unguarded.insert(display.clone());
        }
        for &i in names.get(name).map(Vec::as_slice).unwrap_or_default() {
            let lib = &libs.list[i];
            if lib.parts().is_none_or(|(_, _, p)| p != proto) {
                continue;
            }
            let denial = denial::analyse(
                dex,
                &code,
                is_static,
                &proto,
                &lib.params(),
                &lib.granted_calls,
            );
            self.push(display.clone(), i, None, denial);
        }
    }

    fn push(&mut self, method: String, library: usize, parent: Option<usize>, denial: Denial) {
        if self.found.len() >= MAX_ANALYSED {
            return;
        }
        let at = self.found.len();
        // A helper's own helpers are followed too, up to a depth.
        let mut depth = 0;
        let mut p = parent;
        while let Some(i) = p {
            depth += 1;
            p = self.found.get(i).and_then(|a| a.parent);
            if depth > MAX_FORWARD_ROUNDS {
                break;
            }
        }
        if depth < MAX_FORWARD_ROUNDS {
            for (callee, idx, param, grant) in &denial.forwards {
                if !self.found.iter().any(|a| &a.method == callee) && self.pending.len() < 256 {
                    self.pending.entry(*idx).or_insert((at, *param, *grant));
                }
            }
        }
        self.found.push(Analysed {
            method,
            library,
            parent,
            denial,
        });
    }
}

fn dotted(descriptor: &str) -> String {
    piaudit_dex::descriptor_to_java(descriptor)
}

fn frame(method: String, via: &str) -> ChainFrame {
    ChainFrame {
        method,
        via: via.to_owned(),
    }
}

/// What one call means here.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Call {
    Exit,
    Finish,
    Request,
    Positive,
    OtherButton,
    Cancelable,
    Other,
}

fn judge(smali: &str) -> Call {
    let Some((class, rest)) = smali.split_once("->") else {
        return Call::Other;
    };
    let name = rest.split('(').next().unwrap_or("");
    let proto = &rest[name.len()..];
    match (class, name, proto) {
        ("Ljava/lang/System;", "exit", _)
        | ("Ljava/lang/Runtime;", "exit" | "halt", _)
        | ("Landroid/os/Process;", "killProcess", _) => Call::Exit,
        (_, "finishAffinity" | "finishAndRemoveTask", "()V") | (_, "moveTaskToBack", "(Z)Z")
            if class.contains("Activity") =>
        {
            Call::Exit
        }
        (_, "finish", "()V") => Call::Finish,
        (_, "requestPermissions", _) => Call::Request,
        (_, "setPositiveButton", _) => Call::Positive,
        (_, "setNegativeButton" | "setNeutralButton", _) => Call::OtherButton,
        (_, "setCancelable", "(Z)Landroid/app/AlertDialog$Builder;")
        | (_, "setCancelable", "(Z)Landroidx/appcompat/app/AlertDialog$Builder;")
        | (_, "setCancelable", "(Z)V") => Call::Cancelable,
        _ if name.starts_with("request") && class.contains("Permission") => Call::Request,
        _ => Call::Other,
    }
}

/// Follows denial branches and `onResume` through the graph.
struct Walker<'g> {
    g: &'g Graph,
    activities: HashSet<String>,
    launcher: Option<String>,
}

impl Walker<'_> {
    /// Whether a `finish()` call on `class` ends the app: the launcher's own finish.
    fn finish_kind(&self, class: &str, in_method: &str) -> (&'static str, bool) {
        let launcher = self.launcher.as_deref();
        let target = if self.activities.contains(class) {
            class
        } else {
            in_method
        };
        if launcher.is_some_and(|l| l == target) {
            ("exit-app", true)
        } else {
            ("leave-screen", false)
        }
    }

    /// Outcomes of one list of calls (a denial branch or a whole method body) made in
    /// `class` (descriptor): what they do directly, and the dialog they build.
    fn outcomes_of(
        &self,
        calls: &[String],
        class: &str,
        positive_handlers: &[MethodId],
        strings: &[String],
        chain: &[ChainFrame],
        out: &mut Vec<DenialOutcome>,
    ) {
        let mut positive = None;
        let mut other_button = false;
        let mut cancelable = false;
        for callee in calls {
            let kind = match judge(callee) {
                Call::Exit => Some(("exit-app", true)),
                Call::Finish => {
                    let on = callee.split_once("->").map_or("", |(c, _)| c);
                    Some(self.finish_kind(on, class))
                }
                Call::Request => Some(("request-again", true)),
                Call::Positive => {
                    positive.get_or_insert(callee.clone());
                    None
                }
                Call::OtherButton => {
                    other_button = true;
                    None
                }
                Call::Cancelable => {
                    cancelable = true;
                    None
                }
                Call::Other => None,
            };
            if let Some((kind, blocks_use)) = kind {
                push_outcome(out, kind, blocks_use, callee, chain);
            }
        }
        if let Some(api) = positive
            && !other_button
        {
            let to_settings = strings.iter().any(|s| s.starts_with("android.settings."))
                || positive_handlers
                    .iter()
                    .any(|&h| self.leads_to_settings_or_request(h));
            if cancelable || to_settings {
                push_outcome(out, "blocking-dialog", true, &api, chain);
            }
        }
    }

    /// Whether a button handler opens a settings screen or asks again (itself or one call
    /// down).
    fn leads_to_settings_or_request(&self, handler: MethodId) -> bool {
        let g = self.g;
        let mut todo = vec![(handler, 0)];
        let mut seen = HashSet::new();
        while let Some((m, depth)) = todo.pop() {
            if !seen.insert(m) || seen.len() > 64 {
                continue;
            }
            if !g.settings_actions(m).is_empty() {
                return true;
            }
            for (t, kind) in g.calls_of(m) {
                if matches!(kind, EdgeKind::Clinit | EdgeKind::Service) {
                    continue;
                }
                if judge(&g.display(t)) == Call::Request {
                    return true;
                }
                if depth < 2 {
                    todo.extend(
                        g.call_targets(t, kind, 8)
                            .into_iter()
                            .map(|c| (c, depth + 1)),
                    );
                }
            }
        }
        false
    }

    fn positive_handlers(&self, m: MethodId) -> Vec<MethodId> {
        self.g
            .consent_sites()
            .iter()
            .filter_map(|s| match s {
                ConsentSite::PositiveButton {
                    method, handlers, ..
                } if *method == m => Some(handlers.clone()),
                _ => None,
            })
            .flatten()
            .collect()
    }

    /// Walks from `starts` (call targets named by the code, with the chain that led to each)
    /// at most [`MAX_DEPTH`] app frames, collecting outcomes.
    fn walk(&self, starts: Vec<(u32, EdgeKind, Vec<ChainFrame>)>, out: &mut Vec<DenialOutcome>) {
        let g = self.g;
        let mut queue: VecDeque<(MethodId, usize, Vec<ChainFrame>)> = VecDeque::new();
        let mut seen: HashSet<MethodId> = HashSet::new();
        for (t, kind, chain) in starts {
            for m in g.call_targets(t, kind, 8) {
                let mut c = chain.clone();
                c.push(frame(g.display(m), kind.label()));
                queue.push_back((m, 1, c));
            }
        }
        while let Some((m, depth, chain)) = queue.pop_front() {
            if !seen.insert(m) || seen.len() > MAX_VISITED {
                continue;
            }
            let calls = g.calls_of(m);
            let names: Vec<String> = calls
                .iter()
                .filter(|(_, k)| {
                    !matches!(k, EdgeKind::Clinit | EdgeKind::Service | EdgeKind::Async)
                })
                .map(|&(t, _)| g.display(t))
                .collect();
            let strings: Vec<String> = g
                .settings_actions(m)
                .into_iter()
                .map(str::to_owned)
                .collect();
            self.outcomes_of(
                &names,
                &dotted(g.class_of(m)),
                &self.positive_handlers(m),
                &strings,
                &chain,
                out,
            );
            if depth >= MAX_DEPTH {
                continue;
            }
            for (t, kind) in calls {
                if matches!(kind, EdgeKind::Clinit | EdgeKind::Service) {
                    continue;
                }
                for next in g.call_targets(t, kind, 8) {
                    if !seen.contains(&next) {
                        let mut c = chain.clone();
                        c.push(frame(g.display(next), kind.label()));
                        queue.push_back((next, depth + 1, c));
                    }
                }
            }
        }
    }
}

fn push_outcome(
    out: &mut Vec<DenialOutcome>,
    kind: &str,
    blocks_use: bool,
    api: &str,
    chain: &[ChainFrame],
) {
    if out.iter().any(|o| o.kind == kind) || out.len() >= 8 {
        return;
    }
    let mut chain = chain.to_vec();
    let via = if api.contains("->") { "call" } else { "" };
    chain.push(frame(api.to_owned(), via));
    out.push(DenialOutcome {
        kind: kind.to_owned(),
        blocks_use,
        api: api.to_owned(),
        chain,
    });
}

/// Kind label of an invoke opcode.
fn invoke_label(opcode: u8) -> &'static str {
    match opcode {
        0x6f | 0x75 => "invoke-super",
        0x70 | 0x76 => "invoke-direct",
        0x71 | 0x77 => "invoke-static",
        0x72 | 0x78 => "invoke-interface",
        _ => "invoke-virtual",
    }
}

fn edge_of(opcode: u8) -> EdgeKind {
    match opcode {
        0x6f | 0x75 => EdgeKind::Super,
        0x70 | 0x76 => EdgeKind::Direct,
        0x71 | 0x77 => EdgeKind::Static,
        0x72 | 0x78 => EdgeKind::Interface,
        _ => EdgeKind::Virtual,
    }
}

/// Fills `denial_handlers` and `resume_permission_requests` from the scan and the graph.
pub fn analyse(g: &Graph, facts: &mut AppFacts, scan: &DenialScan, libs: &Libraries) {
    let activities: HashSet<String> = facts
        .components
        .iter()
        .filter(|c| c.kind == "activity")
        .map(|c| c.name.clone())
        .collect();
    let launcher = facts
        .components
        .iter()
        .find(|c| c.launcher)
        .map(|c| c.target.clone().unwrap_or_else(|| c.name.clone()));
    let walker = Walker {
        g,
        activities,
        launcher,
    };
    let declared: HashSet<&str> = facts.permissions.iter().map(|p| p.name.as_str()).collect();
    // Registering methods per library with `registered_by`: the classes they instantiate.
    let mut registered: HashMap<usize, HashSet<String>> = HashMap::new();
    let needs: Vec<usize> = libs
        .list
        .iter()
        .enumerate()
        .filter(|(_, l)| !l.registered_by.is_empty())
        .map(|(i, _)| i)
        .collect();
    if !needs.is_empty() && scan.found.iter().any(|a| needs.contains(&a.library)) {
        // The registering APIs the code names, by id: (library, method).
        let mut apis: HashMap<MethodId, Vec<usize>> = HashMap::new();
        for &i in &needs {
            for prefix in &libs.list[i].registered_by {
                let Some((class, name)) = prefix.split_once("->") else {
                    continue;
                };
                let name = name.split('(').next().unwrap_or(name);
                for m in g.find_methods_named(class, name) {
                    apis.entry(m).or_default().push(i);
                }
            }
        }
        let ids: HashSet<MethodId> = apis.keys().copied().collect();
        for m in g.callers_of(&ids) {
            let calls = g.calls_of(m);
            let libraries: Vec<usize> = calls
                .iter()
                .filter(|(_, k)| !matches!(k, EdgeKind::Clinit | EdgeKind::Async))
                .filter_map(|(t, _)| apis.get(t))
                .flatten()
                .copied()
                .collect();
            for i in libraries {
                let set = registered.entry(i).or_default();
                for (t, k) in &calls {
                    if *k == EdgeKind::Clinit {
                        set.insert(g.type_name(*t).to_owned());
                    }
                }
            }
        }
    }

    let mut handlers = Vec::new();
    for (idx, a) in scan.found.iter().enumerate() {
        if a.parent.is_some() || handlers.len() >= 256 {
            continue;
        }
        let Some(lib) = libs.list.get(a.library) else {
            continue;
        };
        let Some((cb_class, _, _)) = lib.parts() else {
            continue;
        };
        let class = a.method.split_once("->").map_or("", |(c, _)| c);
        if cb_class != "*" && !g.is_subclass_of(class, cb_class) {
            continue;
        }
        if !lib.registered_by.is_empty()
            && !registered
                .get(&a.library)
                .is_some_and(|s| s.contains(class))
        {
            continue;
        }
        // The handler and the helpers it handed the result to, with the chain to each.
        let mut parts: Vec<(usize, Vec<ChainFrame>)> = vec![(
            idx,
            vec![frame(a.method.clone(), "permission result callback")],
        )];
        let mut k = 0;
        while k < parts.len() && parts.len() < 16 {
            let (at, chain) = parts[k].clone();
            for (j, child) in scan.found.iter().enumerate() {
                if child.parent == Some(at) {
                    let mut c = chain.clone();
                    c.push(frame(child.method.clone(), "grant result passed on"));
                    parts.push((j, c));
                }
            }
            k += 1;
        }
        let tested = parts.iter().any(|(j, _)| scan.found[*j].denial.tested);
        let mut outcomes = Vec::new();
        let mut names: Vec<String> = Vec::new();
        for (j, chain) in &parts {
            let part = &scan.found[*j];
            let d = &part.denial;
            names.extend(
                d.strings
                    .iter()
                    .filter(|s| !s.starts_with("android.settings."))
                    .cloned(),
            );
            if let Some(m) = g.find_method(&part.method) {
                names.extend(g.permission_strings(m).into_iter().map(str::to_owned));
            }
            if d.calls.is_empty() {
                continue;
            }
            let mut branch = chain.clone();
            if let Some(last) = branch.last_mut() {
                last.via = format!("{} (denial branch)", last.via);
            }
            let part_class = dotted(part.method.split_once("->").map_or("", |(c, _)| c));
            let positive = g
                .find_method(&part.method)
                .map(|m| walker.positive_handlers(m))
                .unwrap_or_default();
            let callees: Vec<String> = d.calls.iter().map(|c| c.callee.clone()).collect();
            let mut direct = Vec::new();
            walker.outcomes_of(
                &callees,
                &part_class,
                &positive,
                &d.strings,
                &branch,
                &mut direct,
            );
            for o in &mut direct {
                if let (Some(last), Some(call)) = (
                    o.chain.last_mut(),
                    d.calls.iter().find(|c| c.callee == o.api),
                ) {
                    last.via = format!("{} at |{:04x}", invoke_label(call.opcode), call.offset);
                }
            }
            outcomes.extend(direct);
            let starts: Vec<(u32, EdgeKind, Vec<ChainFrame>)> = d
                .calls
                .iter()
                .filter_map(|c| {
                    let t = g.find_method(&c.callee)?;
                    Some((t, edge_of(c.opcode), branch.clone()))
                })
                .collect();
            walker.walk(starts, &mut outcomes);
        }
        let mut seen_kinds = HashSet::new();
        outcomes.retain(|o| seen_kinds.insert(o.kind.clone()));
        // Permissions: named by the handler's code, else by its class's (and outer class's)
        // request sites.
        if names.is_empty() {
            let outer = class.split('$').next().unwrap_or(class);
            let outer = if outer.ends_with(';') {
                outer.to_owned()
            } else {
                format!("{outer};")
            };
            let mut methods = g.methods_of_class(class);
            if outer != class {
                methods.extend(g.methods_of_class(&outer));
            }
            for m in methods {
                names.extend(g.permission_strings(m).into_iter().map(str::to_owned));
            }
        }
        names.sort();
        names.dedup();
        if !declared.is_empty() {
            names.retain(|n| declared.contains(n.as_str()));
        }
        let permissions = names
            .into_iter()
            .take(32)
            .map(|name| DeniedPermission {
                name,
                pi_type: None,
                high_risk: false,
                necessity: None,
            })
            .collect();
        handlers.push(DenialHandler {
            method: a.method.clone(),
            class: dotted(class),
            library: lib.id.clone(),
            tested,
            permissions,
            outcomes: if tested { outcomes } else { Vec::new() },
        });
    }
    facts.denial_handlers = handlers;

    // Requests on every resume.
    let mut resumes = Vec::new();
    // Only a request made by `onResume` itself, with no stored boolean read there that could
    // remember an earlier answer, counts: deeper chains and guarded ones are not judged.
    for c in facts.components.iter().filter(|c| c.kind == "activity") {
        let descriptor = format!("L{};", c.name.replace('.', "/"));
        for m in g.class_methods_named(&descriptor, &["onResume"]) {
            if !scan.resume_unguarded.contains(&g.display(m)) {
                continue;
            }
            let mut found = Vec::new();
            walker.outcomes_of(
                &g.calls_of(m)
                    .into_iter()
                    .filter(|(_, k)| {
                        !matches!(k, EdgeKind::Clinit | EdgeKind::Service | EdgeKind::Async)
                    })
                    .map(|(t, _)| g.display(t))
                    .collect::<Vec<_>>(),
                &c.name,
                &[],
                &[],
                &[frame(g.display(m), "entry point")],
                &mut found,
            );
            if let Some(o) = found.into_iter().find(|o| o.kind == "request-again") {
                let mut permissions: Vec<String> = o
                    .chain
                    .iter()
                    .filter_map(|f| g.find_method(&f.method))
                    .flat_map(|m| g.permission_strings(m))
                    .map(str::to_owned)
                    .collect();
                permissions.sort();
                permissions.dedup();
                resumes.push(ResumeRequest {
                    activity: c.name.clone(),
                    api: o.api,
                    permissions,
                    chain: o.chain,
                });
            }
            if resumes.len() >= 64 {
                break;
            }
        }
    }
    facts.resume_permission_requests = resumes;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_table_parses_and_every_entry_is_usable() {
        let libs = Libraries::from_toml(PERMISSION_LIBRARIES_TOML).expect("valid");
        assert!(libs.list.iter().any(|l| l.id == "platform"));
        for l in &libs.list {
            assert!(l.parts().is_some() && l.grant().is_some(), "{}", l.id);
        }
    }

    #[test]
    fn bad_entries_are_refused() {
        let entry = |body: &str| {
            format!(
                "schema_version = 1\n[[library]]\nid = \"x\"\nname = \"x\"\nsource = [\"s\"]\n{body}"
            )
        };
        for bad in [
            "callback = \"Lx;->f\"\ngrant = \"denied\"",
            "callback = \"Lx;->f(Z)V\"\ngrant = \"granted\"",
            "callback = \"Lx;->f(Z)V\"\ngrant = \"granted\"\nparam = 1",
            "callback = \"Lx;->f(Z)V\"\ngrant = \"maybe\"",
            "callback = \"Lx;->f(Z)V\"\ngrant = \"granted-call\"",
            "callback = \"x->f(Z)V\"\ngrant = \"denied\"",
        ] {
            assert!(Libraries::from_toml(&entry(bad)).is_err(), "{bad}");
        }
        assert!(
            Libraries::from_toml(&entry(
                "callback = \"Lx;->f(Z)V\"\ngrant = \"granted\"\nparam = 0"
            ))
            .is_ok()
        );
    }

    #[test]
    fn calls_are_judged_by_class_name_and_prototype() {
        assert!(judge("Ljava/lang/System;->exit(I)V") == Call::Exit);
        assert!(judge("Lcom/a/MainActivity;->finishAffinity()V") == Call::Exit);
        assert!(judge("Lcom/a/Tracker;->finishAffinity()V") == Call::Other);
        assert!(judge("Lcom/a/MainActivity;->finish()V") == Call::Finish);
        assert!(
            judge(
                "Landroidx/core/app/ActivityCompat;->requestPermissions(Landroid/app/Activity;[Ljava/lang/String;I)V"
            ) == Call::Request
        );
        assert!(
            judge(
                "Lcom/hjq/permissions/XXPermissions;->request(Lcom/hjq/permissions/OnPermissionCallback;)V"
            ) == Call::Request
        );
        assert!(
            judge(
                "Landroid/app/AlertDialog$Builder;->setNegativeButton(Ljava/lang/CharSequence;Landroid/content/DialogInterface$OnClickListener;)Landroid/app/AlertDialog$Builder;"
            ) == Call::OtherButton
        );
        assert!(judge("garbage") == Call::Other);
    }
}
