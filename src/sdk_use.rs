//! Code ownership and SDK use from the call graph: the graph's calls resolved once per app, the
//! class-level edges [`Ownership::propagate`] gives obfuscated SDK internals their owner over,
//! which SDKs the app's own code reaches (`sdks[].used`), and which code outside each SDK calls
//! into it (`sdks[].usage`).
//!
//! Calls are resolved as the graph records them: direct, static and super calls up the class
//! hierarchy, virtual and interface calls by class-hierarchy analysis, async hand-offs to the
//! handed class's callbacks, first use of a class to its static initialiser, a started service to
//! its lifecycle methods. One exception, on purpose: a virtual or interface call through a type the
//! app does not define (`Runnable.run`, `Object.toString`) is not spread to every app class that
//! overrides it. The caller never names those classes; whoever made the object did, and that
//! constructor call is an edge of its own. Spreading them would let any code "reach" every SDK.
//! The walk for `used` goes further (rapid type analysis): a virtual or interface call runs an
//! override only once a constructor of its class has been reached, so a host SDK's call through
//! its own plugin interface does not reach a bundled plugin nobody created. Usage counts a
//! virtual or interface call for the SDK whose class it names, not for every override.
//!
//! Reads the graph through its public queries only (its internals change for speed); it must not
//! decode DEX (the graph does) nor decide owners itself ([`Ownership`] does).

use std::collections::{BTreeSet, HashMap, HashSet};

use piaudit_graph::{EdgeKind, Graph, MethodId};
use piaudit_sdk::{Attribution, Ownership, SdkIdx};

/// Most app methods one virtual or interface call is taken to dispatch to.
const FANOUT_CAP: usize = 64;

/// Most resolved targets kept for one app (64 MB of ids): past it, further distinct calls
/// resolve to nothing, so a hostile DEX cannot make the table unbounded.
const MAX_RESOLVED_TARGETS: usize = 16 << 20;

/// What Android runs of a service it starts or binds.
const SERVICE_METHODS: &[&str] = piaudit_graph::SERVICE_CALLBACKS;

/// Most calling classes kept per SDK in `usage.example_callers`.
const MAX_EXAMPLE_CALLERS: usize = 5;

/// "No class": the method is not defined by the app.
const NONE: u32 = u32::MAX;

/// Each defined method's calls, resolved to the app methods they may run.
pub struct Calls {
    /// Dotted names of the classes that define methods, by class id.
    classes: Vec<String>,
    /// Method id → class id ([`NONE`] for methods the app does not define).
    method_class: Vec<u32>,
    /// Method id → its first entry in `calls` (one more slot than methods).
    call_start: Vec<u32>,
    /// Per call entry of a defined method: its resolution (index into `resolved`).
    calls: Vec<u32>,
    /// Per distinct (target, kind): how it was resolved.
    resolved: Vec<Resolved>,
    arena: Vec<MethodId>,
    /// Method id → whether it is a constructor (`<init>`).
    constructor: Vec<bool>,
}

/// One distinct call entry (target, kind), resolved.
#[derive(Debug, Clone, Copy)]
struct Resolved {
    /// The methods it may run: a range of `Calls::arena`.
    start: u32,
    end: u32,
    /// Virtual or interface dispatch (runs an override only on an instance of its class).
    dispatch: bool,
    /// The class the call names (class id, [`NONE`] when unknown).
    named: u32,
}

/// Which SDKs the app uses, and how code outside each calls into it.
#[derive(Debug, Default)]
pub struct SdkUse {
    /// SDKs with a method reached from the app's own code or its developer-chosen components.
    pub used: HashSet<SdkIdx>,
    /// Per SDK: call entries in code not owned by it that run one of its methods, and up to
    /// five such calling classes (sorted).
    pub usage: HashMap<SdkIdx, (u64, BTreeSet<String>)>,
}

impl Calls {
    /// Resolves every call of every method `graph` defines (see the module documentation).
    pub fn new(graph: &Graph) -> Calls {
        let n = graph.node_count();
        let mut class_ids: HashMap<&str, u32> = HashMap::new();
        let mut classes = Vec::new();
        fn intern<'g>(
            ids: &mut HashMap<&'g str, u32>,
            classes: &mut Vec<String>,
            class: &'g str,
        ) -> u32 {
            *ids.entry(class).or_insert_with(|| {
                classes.push(piaudit_dex::descriptor_to_java(class));
                u32::try_from(classes.len() - 1).unwrap_or(NONE)
            })
        }
        let mut method_class = vec![NONE; n];
        let mut constructor = vec![false; n];
        for (m, (slot, init)) in (0u32..).zip(method_class.iter_mut().zip(&mut constructor)) {
            if !graph.is_defined(m) {
                continue;
            }
            *slot = intern(&mut class_ids, &mut classes, graph.class_of(m));
            *init = graph.name_of(m) == "<init>";
        }
        let mut memo: HashMap<(u32, u8), u32> = HashMap::new();
        let mut defined: HashMap<&str, bool> = HashMap::new();
        let mut calls = Vec::new();
        let mut call_start = Vec::with_capacity(n + 1);
        let mut resolved = Vec::new();
        let mut arena: Vec<MethodId> = Vec::new();
        for (m, &class) in (0u32..).zip(&method_class) {
            call_start.push(u32::try_from(calls.len()).unwrap_or(u32::MAX));
            if class == NONE {
                continue;
            }
            for (target, kind) in graph.calls_of(m) {
                let id = *memo.entry((target, kind as u8)).or_insert_with(|| {
                    let targets = resolve(graph, target, kind, &mut defined);
                    let start = u32::try_from(arena.len()).unwrap_or(u32::MAX);
                    let room = MAX_RESOLVED_TARGETS.saturating_sub(arena.len());
                    arena.extend(targets.into_iter().take(room));
                    let named = match kind {
                        EdgeKind::Async | EdgeKind::Clinit | EdgeKind::Service => {
                            graph.type_name(target)
                        }
                        _ => graph.class_of(target),
                    };
                    resolved.push(Resolved {
                        start,
                        end: u32::try_from(arena.len()).unwrap_or(u32::MAX),
                        dispatch: matches!(kind, EdgeKind::Virtual | EdgeKind::Interface),
                        named: intern(&mut class_ids, &mut classes, named),
                    });
                    u32::try_from(resolved.len() - 1).unwrap_or(u32::MAX)
                });
                if resolved.get(id as usize).is_some_and(|r| r.start < r.end) {
                    calls.push(id);
                }
            }
        }
        call_start.push(u32::try_from(calls.len()).unwrap_or(u32::MAX));
        Calls {
            classes,
            method_class,
            call_start,
            calls,
            resolved,
            arena,
            constructor,
        }
    }

    /// The call entries of `m`: each resolution, and the methods it may run.
    fn entries_of(&self, m: usize) -> impl Iterator<Item = (Resolved, &[MethodId])> {
        let from = self.call_start.get(m).copied().unwrap_or(0) as usize;
        let to = self.call_start.get(m + 1).copied().unwrap_or(0) as usize;
        self.calls
            .get(from..to)
            .unwrap_or_default()
            .iter()
            .filter_map(|&id| {
                let r = *self.resolved.get(id as usize)?;
                Some((r, self.arena.get(r.start as usize..r.end as usize)?))
            })
    }

    /// The methods call entries of `m` may run, one slice per entry.
    fn calls_of(&self, m: usize) -> impl Iterator<Item = &[MethodId]> {
        self.entries_of(m).map(|(_, targets)| targets)
    }

    fn class_of(&self, m: MethodId) -> Option<u32> {
        self.method_class
            .get(m as usize)
            .copied()
            .filter(|&c| c != NONE)
    }

    /// Class-level call edges (caller → callee, dotted names), each once.
    pub fn class_edges(&self) -> Vec<(&str, &str)> {
        let mut seen: HashSet<(u32, u32)> = HashSet::new();
        for (m, &from) in self.method_class.iter().enumerate() {
            if from == NONE {
                continue;
            }
            for targets in self.calls_of(m) {
                for &t in targets {
                    if let Some(to) = self.class_of(t).filter(|&to| to != from) {
                        seen.insert((from, to));
                    }
                }
            }
        }
        let name = |c: u32| self.classes.get(c as usize).map_or("", String::as_str);
        let mut edges: Vec<(&str, &str)> = seen
            .into_iter()
            .map(|(from, to)| (name(from), name(to)))
            .collect();
        edges.sort_unstable();
        edges
    }

    /// SDK use under `ownership`. The roots are every method of the app's own classes and of
    /// `chosen` classes (dotted: the Application class and the launcher activity, which the
    /// developer names in the manifest whoever wrote them); an SDK is used when a walk from them,
    /// through any code, reaches one of its methods. Components an SDK merges into the manifest
    /// are not roots: they run because the SDK is bundled, not because the app uses it. Without
    /// the app's package (a bare DEX) its code cannot be told from unknown code:
    /// `unknown_is_app` makes unknown third-party classes roots too.
    pub fn sdk_use(
        &self,
        ownership: &Ownership<'_>,
        chosen: &[&str],
        unknown_is_app: bool,
    ) -> SdkUse {
        let owners: Vec<Attribution> = self.classes.iter().map(|c| ownership.owner(c)).collect();
        let owner_of = |m: MethodId| {
            self.class_of(m)
                .and_then(|c| owners.get(c as usize).copied())
        };
        let chosen: HashSet<&str> = chosen.iter().copied().collect();
        let mut out = SdkUse::default();

        // Who calls into each SDK from outside it.
        for (m, &class) in self.method_class.iter().enumerate() {
            let Some(&caller) = owners.get(class as usize) else {
                continue;
            };
            for (resolution, targets) in self.entries_of(m) {
                let named = [resolution.named];
                let callees: Box<dyn Iterator<Item = Option<Attribution>>> = if resolution.dispatch
                {
                    Box::new(named.iter().map(|&c| owners.get(c as usize).copied()))
                } else {
                    Box::new(targets.iter().map(|&t| owner_of(t)))
                };
                let mut called: Vec<SdkIdx> = callees
                    .filter_map(|owner| match owner {
                        Some(Attribution::Sdk(sdk)) if caller != Attribution::Sdk(sdk) => Some(sdk),
                        _ => None,
                    })
                    .collect();
                called.sort_unstable();
                called.dedup();
                for sdk in called {
                    let (count, examples) = out.usage.entry(sdk).or_default();
                    *count += 1;
                    if let Some(name) = self.classes.get(class as usize) {
                        examples.insert(name.clone());
                        if examples.len() > MAX_EXAMPLE_CALLERS {
                            examples.pop_last();
                        }
                    }
                }
            }
        }

        // What the app's own code reaches.
        let roots = (0u32..).zip(&self.method_class).filter_map(|(m, &class)| {
            let root = match owners.get(class as usize) {
                Some(Attribution::App) => true,
                Some(Attribution::ThirdParty) => unknown_is_app,
                _ => false,
            } || self
                .classes
                .get(class as usize)
                .is_some_and(|name| chosen.contains(name.as_str()));
            root.then_some(m)
        });
        out.used = self.sdks_reached(roots, &owners);
        out
    }

    /// The SDKs (under `ownership`) whose code a walk from `roots` reaches: at start-up, from the
    /// framework's entry points, the SDKs' own providers and receivers included.
    pub fn reached_from(
        &self,
        ownership: &Ownership<'_>,
        roots: impl IntoIterator<Item = MethodId>,
    ) -> HashSet<SdkIdx> {
        let owners: Vec<Attribution> = self.classes.iter().map(|c| ownership.owner(c)).collect();
        self.sdks_reached(roots, &owners)
    }

    /// The walk (rapid type analysis, see the module documentation) from `roots`; `owners` by
    /// class id.
    fn sdks_reached(
        &self,
        roots: impl IntoIterator<Item = MethodId>,
        owners: &[Attribution],
    ) -> HashSet<SdkIdx> {
        let mut reached = HashSet::new();
        let mut seen = vec![false; self.method_class.len()];
        let mut stack: Vec<MethodId> = Vec::new();
        let visit = |t: MethodId, seen: &mut Vec<bool>, stack: &mut Vec<MethodId>| {
            if let Some(slot) = seen.get_mut(t as usize)
                && !*slot
            {
                *slot = true;
                stack.push(t);
            }
        };
        for m in roots {
            visit(m, &mut seen, &mut stack);
        }
        // Classes with a constructor reached, and overrides waiting for one.
        let mut created = vec![false; self.classes.len()];
        let mut waiting: HashMap<u32, Vec<MethodId>> = HashMap::new();
        // Each override waits once, however many calls name it.
        let mut deferred = vec![false; self.method_class.len()];
        while let Some(m) = stack.pop() {
            let class = self.class_of(m);
            if let Some(Attribution::Sdk(sdk)) = class.and_then(|c| owners.get(c as usize)) {
                reached.insert(*sdk);
            }
            if self.constructor.get(m as usize) == Some(&true)
                && let Some(class) = class
                && let Some(flag) = created.get_mut(class as usize)
                && !*flag
            {
                *flag = true;
                for t in waiting.remove(&class).unwrap_or_default() {
                    visit(t, &mut seen, &mut stack);
                }
            }
            for (resolution, targets) in self.entries_of(m as usize) {
                for &t in targets {
                    if resolution.dispatch
                        && let Some(class) = self.class_of(t)
                        && !created.get(class as usize).copied().unwrap_or(false)
                    {
                        if let Some(flag) = deferred.get_mut(t as usize)
                            && !*flag
                        {
                            *flag = true;
                            waiting.entry(class).or_default().push(t);
                        }
                        continue;
                    }
                    visit(t, &mut seen, &mut stack);
                }
            }
        }
        reached
    }
}

/// The app methods one call entry may run (see the module documentation).
fn resolve<'g>(
    graph: &'g Graph,
    target: u32,
    kind: EdgeKind,
    defined: &mut HashMap<&'g str, bool>,
) -> Vec<MethodId> {
    match kind {
        EdgeKind::Clinit => graph.class_methods_named(graph.type_name(target), &["<clinit>"]),
        EdgeKind::Service => graph.class_methods_named(graph.type_name(target), SERVICE_METHODS),
        EdgeKind::Virtual | EdgeKind::Interface => {
            let class = graph.class_of(target);
            let named_by_app = *defined
                .entry(class)
                .or_insert_with(|| graph.defines_class(class));
            if named_by_app {
                graph.call_targets(target, kind, FANOUT_CAP)
            } else {
                Vec::new()
            }
        }
        _ => graph.call_targets(target, kind, FANOUT_CAP),
    }
}
