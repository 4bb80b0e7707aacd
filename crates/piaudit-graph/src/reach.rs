//! Walking the graph from entry points: dispatch resolved on demand (and remembered),
//! breadth-first so each reached method keeps one shortest chain, in three phases: first
//! only through calls no consent branch dominates (what runs before the user agrees), then
//! also through calls whose gating is unsure, then through every call. Owns resolution and chains; it must not decide what an entry
//! point is (callers name them).

use std::collections::{HashSet, VecDeque};

use crate::classify::CALLBACK_NAMES;
use crate::gate;
use crate::graph::{EdgeKind, Graph, MethodId, NONE};

/// What Android runs of a service it starts or binds (the targets of a service-start edge).
pub const SERVICE_CALLBACKS: &[&str] = &[
    "<clinit>",
    "<init>",
    "onCreate",
    "onStartCommand",
    "onStart",
    "onHandleIntent",
    "onBind",
    "onHandleWork",
];

/// A framework entry point: a method the system calls, with a name for the evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub method: MethodId,
    /// E.g. `application com.a.App.onCreate`.
    pub label: String,
}

/// One frame of a chain: a method, and how the previous frame led to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// `Lpkg/Cls;->name(args)ret`, or `…` for frames left out of a long chain.
    pub method: String,
    /// `entry point`, `invoke-virtual`, `async hand-off`, ...
    pub via: &'static str,
}

/// Unreached / reached before any consent gate / reached only through calls whose gating is
/// unsure / reached only through a gate.
const UNREACHED: u8 = 0;
const BEFORE_GATE: u8 = 1;
const UNSURE_GATE: u8 = 2;
const THROUGH_GATE: u8 = 3;

/// Dispatch results remembered across walks of one graph (see [`Graph::reach_with`]).
#[derive(Debug, Default)]
pub struct Resolver {
    /// Per (target, resolution kind): 1 + index into `ranges` (0: not resolved yet). Method
    /// targets use slots `target * 3 + kind` (kinds 0, 1, 5), class targets the same in
    /// `by_type` (kinds 2, 3, 4); sized on first use.
    by_method: Vec<u32>,
    by_type: Vec<u32>,
    ranges: Vec<(u32, u32)>,
    arena: Vec<u32>,
    /// Visit stamps of types for the subtype walks of dispatch, and the current stamp.
    stamps: Vec<u32>,
    stamp: u32,
    /// Virtual or interface calls whose fan-out hit the cap.
    pub fanout_capped: u64,
}

impl Resolver {
    /// A fresh stamp for a walk over types (`stamps` sized to `types`).
    fn next_stamp(&mut self, types: usize) -> u32 {
        if self.stamps.len() < types {
            self.stamps.resize(types, 0);
        }
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.stamps.iter_mut().for_each(|s| *s = 0);
            self.stamp = 1;
        }
        self.stamp
    }
}

/// The result of [`Graph::reach`].
#[derive(Debug, Default)]
pub struct Reach {
    parent: Vec<u32>,
    via: Vec<u8>,
    root: Vec<u32>,
    phase: Vec<u8>,
    order: Vec<u32>,
    entries: Vec<Entry>,
    /// Call edges followed (after dispatch).
    pub edges: u64,
    /// Virtual or interface calls met on the walk whose fan-out hit the cap.
    pub fanout_capped: u64,
}

/// A call of one of a set of methods by a reached method (see [`Reach::calls_to`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallHit {
    /// The method called (as the code names it, or the platform method it inherits).
    pub target: MethodId,
    /// The reached method making the call.
    pub caller: MethodId,
    /// Whether the call runs before any branch on a stored consent flag, on the caller's
    /// chain and inside the caller.
    pub before_gate: bool,
    /// The invoke kind of the call.
    pub via: EdgeKind,
    /// Whether it could not be decided if the call runs before consent (`before_gate` is then
    /// false).
    pub unsure: bool,
}

impl Reach {
    /// Calls of any of `targets` made by reached methods, in walk order (shortest chains
    /// first). A call naming a method the app's class inherits from the platform counts as a
    /// call of the platform method when that is in `targets`.
    pub fn calls_to(&self, g: &Graph, targets: &HashSet<MethodId>) -> Vec<CallHit> {
        let mut out = Vec::new();
        if targets.is_empty() {
            return out;
        }
        // The set as a table by method id: one test per call recorded.
        let mut wanted = vec![false; g.methods.len()];
        for &t in targets {
            if let Some(w) = wanted.get_mut(t as usize) {
                *w = true;
            }
        }
        let is_target = |m: u32| wanted.get(m as usize).copied().unwrap_or(false);
        for &m in &self.order {
            let Some((b, body)) = g
                .body_of
                .get(m as usize)
                .and_then(|&b| Some((b, g.bodies.get(b as usize)?)))
            else {
                continue;
            };
            for i in body.start..body.end {
                let (t, kind) = (g.call_target[i as usize], g.call_kind[i as usize]);
                if kind > EdgeKind::Interface as u8 {
                    continue;
                }
                let target = if is_target(t) {
                    t
                } else if !g.is_defined(t)
                    && g.class(g.methods[t as usize][0]).is_some_and(|c| c.defined)
                {
                    let [c, n, p] = g.methods[t as usize];
                    match g.resolve_up(c, n, p) {
                        Some(up) if is_target(up) => up,
                        _ => continue,
                    }
                } else {
                    continue;
                };
                let state = g.gate_state(b, i - body.start);
                let phase = self.phase[m as usize];
                let before_gate = phase == BEFORE_GATE && state == gate::BEFORE;
                out.push(CallHit {
                    target,
                    caller: m,
                    before_gate,
                    via: EdgeKind::from_u8(kind),
                    unsure: !before_gate && phase <= UNSURE_GATE && state != gate::GATED,
                });
            }
        }
        out
    }

    /// The methods of `m`'s chain, entry first.
    pub fn path(&self, m: MethodId) -> Vec<MethodId> {
        let mut rev = Vec::new();
        let mut at = m;
        while self.is_reached(at) && rev.len() <= self.parent.len() {
            rev.push(at);
            let p = self.parent[at as usize];
            if p == at {
                break;
            }
            at = p;
        }
        rev.reverse();
        rev
    }

    /// Whether `m` runs from some entry point.
    pub fn is_reached(&self, m: MethodId) -> bool {
        self.phase.get(m as usize).is_some_and(|&p| p != UNREACHED)
    }

    /// Whether `m` runs from some entry point without passing a branch on a stored consent
    /// flag.
    pub fn before_gate(&self, m: MethodId) -> bool {
        self.phase.get(m as usize) == Some(&BEFORE_GATE)
    }

    /// Whether `m` is reached, not [`Reach::before_gate`], and some chain to it passes only
    /// calls whose gating could not be decided (it may run before consent).
    pub fn gate_unsure(&self, m: MethodId) -> bool {
        self.phase.get(m as usize) == Some(&UNSURE_GATE)
    }

    /// The entry point of `m`'s chain.
    pub fn entry_of(&self, m: MethodId) -> Option<&Entry> {
        let r = *self.root.get(m as usize)?;
        self.entries.get(r as usize)
    }

    /// Reached methods in the order the walk met them (shortest chains first).
    pub fn order(&self) -> &[u32] {
        &self.order
    }

    /// Length of `m`'s chain in frames (0 when unreached).
    pub fn depth(&self, m: MethodId) -> usize {
        let mut n = 0;
        let mut at = m;
        while self.is_reached(at) && n <= self.parent.len() {
            n += 1;
            let p = self.parent[at as usize];
            if p == at {
                break;
            }
            at = p;
        }
        n
    }

    /// The shortest chain found from an entry point to `m` (entry first), at most
    /// `max_frames` frames: a longer one keeps its first and last frames around a `…` frame.
    pub fn chain(&self, g: &Graph, m: MethodId, max_frames: usize) -> Vec<Frame> {
        let mut rev = Vec::new();
        let mut at = m;
        while self.is_reached(at) && rev.len() <= self.parent.len() {
            rev.push(at);
            let p = self.parent[at as usize];
            if p == at {
                break;
            }
            at = p;
        }
        rev.reverse();
        let frame = |m: u32| Frame {
            method: g.display(m),
            via: EdgeKind::from_u8(self.via[m as usize]).label(),
        };
        let max = max_frames.max(3);
        if rev.len() <= max {
            return rev.into_iter().map(frame).collect();
        }
        let head = max / 2;
        let tail = max - head - 1;
        let mut out: Vec<Frame> = rev[..head].iter().map(|&m| frame(m)).collect();
        out.push(Frame {
            method: format!("… {} frames …", rev.len() - head - tail),
            via: "",
        });
        out.extend(rev[rev.len() - tail..].iter().map(|&m| frame(m)));
        out
    }
}

impl Graph {
    /// The method `class.name(proto)` dispatches to: the first definition in the class or
    /// its superclasses the app defines; past them, the reference on the first class the app
    /// does not define (a platform method), if the code names it.
    pub(crate) fn resolve_up(&self, class: u32, name: u32, proto: u32) -> Option<u32> {
        let mut t = class;
        for _ in 0..64 {
            let found = self.method_ids.get(&[t, name, proto]).copied();
            let defined = self.class(t).is_some_and(|c| c.defined);
            if !defined {
                return found;
            }
            if let Some(m) = found.filter(|&m| self.is_defined(m)) {
                return Some(m);
            }
            t = self.class(t)?.superclass;
            if t == NONE {
                return None;
            }
        }
        None
    }

    /// Defined methods of `t` or its app superclasses whose name is one of `names` (the
    /// nearest definition of each name and prototype).
    pub fn methods_named(&self, t: u32, names: &[&str]) -> Vec<MethodId> {
        let mut out: Vec<MethodId> = Vec::new();
        let mut seen: Vec<[u32; 2]> = Vec::new();
        let mut at = t;
        for _ in 0..64 {
            if !self.class(at).is_some_and(|c| c.defined) {
                break;
            }
            for &m in self.own_methods(at) {
                let [_, n, p] = self.methods[m as usize];
                if names.contains(&self.names.text(n)) && !seen.contains(&[n, p]) {
                    seen.push([n, p]);
                    out.push(m);
                }
            }
            at = self.class(at).map_or(NONE, |c| c.superclass);
            if at == NONE {
                break;
            }
        }
        out
    }

    /// Methods the framework may call back: every method but static initialisers of app
    /// classes that extend or implement a platform type other than `java.lang.Object`,
    /// directly or through app superclasses (activities, listeners, runnables, views, ...).
    /// With the start-up entry points, the roots of "live" code.
    pub fn callback_roots(&self) -> Vec<MethodId> {
        const UNKNOWN: u8 = 0;
        const YES: u8 = 1;
        const NO: u8 = 2;
        let object = self.type_of("Ljava/lang/Object;");
        let mut state = vec![UNKNOWN; self.classes.len()];
        let mut out = Vec::new();
        let clinit = self.names.get("<clinit>");
        // One stack and one table of visit stamps (the class walked from) for every walk.
        let mut stack = Vec::new();
        let mut seen = vec![NONE; self.classes.len()];
        for t in 0..self.classes.len() as u32 {
            if !self.classes[t as usize].defined {
                continue;
            }
            // Walk up through app classes, iteratively (depth-capped).
            let mut derived = false;
            stack.clear();
            stack.push((t, 0u32));
            while let Some((c, depth)) = stack.pop() {
                if derived || depth > 64 {
                    continue;
                }
                match seen.get_mut(c as usize) {
                    Some(stamp) if *stamp == t => continue,
                    Some(stamp) => *stamp = t,
                    None => continue,
                }
                match state.get(c as usize).copied() {
                    Some(YES) => derived = true,
                    Some(NO) => {}
                    _ => {
                        for s in self.supertypes(c) {
                            let defined = self.class(s).is_some_and(|k| k.defined);
                            if !defined && Some(s) != object {
                                derived = true;
                            } else if defined {
                                stack.push((s, depth + 1));
                            }
                        }
                    }
                }
            }
            state[t as usize] = if derived { YES } else { NO };
            if derived {
                out.extend(
                    self.own_methods(t)
                        .iter()
                        .copied()
                        .filter(|&m| Some(self.methods[m as usize][1]) != clinit),
                );
            }
        }
        out
    }

    /// Like [`Graph::methods_named`] for a class descriptor (`Lpkg/Cls;`).
    pub fn class_methods_named(&self, descriptor: &str, names: &[&str]) -> Vec<MethodId> {
        self.type_of(descriptor)
            .map(|t| self.methods_named(t, names))
            .unwrap_or_default()
    }

    /// Every class the app defines that extends or implements `descriptor`, transitively
    /// (at most `cap`).
    pub fn subclasses_of(&self, descriptor: &str, cap: usize) -> Vec<String> {
        let Some(t) = self.type_of(descriptor) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        let mut stack = vec![t];
        while let Some(c) = stack.pop() {
            for &s in self.subtypes(c) {
                if out.len() < cap && seen.insert(s) {
                    out.push(self.types.text(s).to_owned());
                    stack.push(s);
                }
            }
        }
        out
    }

    /// Virtual / interface dispatch of `callee` by class-hierarchy analysis.
    fn dispatch(&self, callee: u32, r: &mut Resolver) -> Vec<u32> {
        let [class, name, proto] = self.methods[callee as usize];
        let up = self.resolve_up(class, name, proto).unwrap_or(callee);
        let mut out = vec![up];
        if up != callee && !self.is_defined(callee) {
            // Keep the named platform method too (the evidence names it).
            out.push(callee);
        }
        let stamp = r.next_stamp(self.classes.len());
        let mut stack: Vec<u32> = self.subtypes(class).to_vec();
        let mut visited = 0usize;
        while let Some(s) = stack.pop() {
            match r.stamps.get_mut(s as usize) {
                Some(seen) if *seen == stamp => continue,
                Some(seen) => *seen = stamp,
                None => continue,
            }
            visited += 1;
            if visited > 4096 || out.len() > self.fanout_cap {
                r.fanout_capped += 1;
                break;
            }
            if let Some(&m) = self.method_ids.get(&[s, name, proto])
                && self.is_defined(m)
                && !out.contains(&m)
            {
                out.push(m);
            }
            stack.extend_from_slice(self.subtypes(s));
        }
        out
    }

    /// The methods a call entry may run, computed once per (target, kind of resolution):
    /// a range of the resolver's arena.
    fn targets(&self, target: u32, kind: u8, r: &mut Resolver) -> (u32, u32) {
        let k = EdgeKind::from_u8(kind);
        let class_of_kind: usize = match k {
            EdgeKind::Static | EdgeKind::Direct | EdgeKind::Super => 0,
            EdgeKind::Virtual | EdgeKind::Interface => 1,
            EdgeKind::Async => 2,
            EdgeKind::Clinit => 3,
            EdgeKind::Service => 4,
            EdgeKind::Reflection | EdgeKind::Entry => 5,
        };
        let (table, slot) = match class_of_kind {
            0 | 1 => (&mut r.by_method, target as usize * 3 + class_of_kind),
            5 => (&mut r.by_method, target as usize * 3 + 2),
            k => (&mut r.by_type, target as usize * 3 + (k - 2)),
        };
        let rows = if (2..=4).contains(&class_of_kind) {
            self.classes.len()
        } else {
            self.methods.len()
        };
        if table.len() < rows * 3 {
            table.resize(rows * 3, 0);
        }
        if let Some(&known) = table.get(slot)
            && known != 0
        {
            return r.ranges[known as usize - 1];
        }
        let found: Vec<u32> = match class_of_kind {
            0 => {
                let [class, name, proto] = self.methods[target as usize];
                let up = self.resolve_up(class, name, proto).unwrap_or(target);
                if up != target && !self.is_defined(target) {
                    vec![up, target]
                } else {
                    vec![up]
                }
            }
            1 => self.dispatch(target, r),
            2 => self.methods_named(target, CALLBACK_NAMES),
            3 => self
                .methods_named(target, &["<clinit>"])
                .into_iter()
                .take(1)
                .collect(),
            4 => self.methods_named(target, SERVICE_CALLBACKS),
            _ => vec![target],
        };
        let start = r.arena.len() as u32;
        r.arena.extend_from_slice(&found);
        let range = (start, r.arena.len() as u32);
        r.ranges.push(range);
        let id = r.ranges.len() as u32;
        let table = if (2..=4).contains(&class_of_kind) {
            &mut r.by_type
        } else {
            &mut r.by_method
        };
        if let Some(cell) = table.get_mut(slot) {
            *cell = id;
        }
        range
    }

    /// Walks from `entries` (see the module docs).
    pub fn reach(&self, entries: &[Entry]) -> Reach {
        self.reach_with(entries, &mut Resolver::default())
    }

    /// Walks from `entries` (see the module docs), remembering dispatch in `resolver` for
    /// further walks of the same graph. Entries whose method id is out of range are ignored.
    pub fn reach_with(&self, entries: &[Entry], resolver: &mut Resolver) -> Reach {
        let n = self.methods.len();
        let mut r = Reach {
            parent: vec![NONE; n],
            via: vec![EdgeKind::Entry as u8; n],
            root: vec![NONE; n],
            phase: vec![UNREACHED; n],
            order: Vec::new(),
            entries: entries.to_vec(),
            edges: 0,
            fanout_capped: 0,
        };
        let capped_before = resolver.fanout_capped;
        let mut queue: VecDeque<(u32, bool)> = VecDeque::new();
        for (i, e) in entries.iter().enumerate() {
            let m = e.method as usize;
            if m < n && r.phase[m] == UNREACHED {
                r.phase[m] = BEFORE_GATE;
                r.parent[m] = e.method;
                r.root[m] = i as u32;
                r.order.push(e.method);
                queue.push_back((e.method, false));
            }
        }
        for phase in [BEFORE_GATE, UNSURE_GATE, THROUGH_GATE] {
            if phase != BEFORE_GATE {
                // Resume from every method reached so far, with only the calls this phase
                // newly allows.
                queue.extend(r.order.iter().map(|&m| (m, true)));
            }
            while let Some((m, tail_only)) = queue.pop_front() {
                let Some(&b) = self.body_of.get(m as usize) else {
                    continue;
                };
                let Some(body) = self.bodies.get(b as usize) else {
                    continue;
                };
                // The gate states this phase follows: all of them for a newly reached method,
                // only the newly allowed one for a resumed method.
                let allowed = |state: u8| -> bool {
                    let state = state + 1;
                    if tail_only {
                        state == phase
                    } else {
                        state <= phase
                    }
                };
                let states = if body.has_gates {
                    self.gates.get(&b)
                } else {
                    None
                };
                if tail_only && states.is_none() {
                    // Every call is before any gate: the first phase followed them all.
                    continue;
                }
                let extra = if tail_only || !body.has_extra {
                    &[][..]
                } else {
                    self.extra.get(&b).map_or(&[][..], Vec::as_slice)
                };
                let calls = (body.start..body.end)
                    .filter(|&i| {
                        allowed(
                            states
                                .and_then(|s| s.get((i - body.start) as usize).copied())
                                .unwrap_or(gate::BEFORE),
                        )
                    })
                    .map(|i| (self.call_target[i as usize], self.call_kind[i as usize]))
                    .chain(extra.iter().copied());
                for (target, kind) in calls {
                    let (a, z) = self.targets(target, kind, resolver);
                    for i in a..z {
                        let t = resolver.arena[i as usize];
                        r.edges += 1;
                        let slot = t as usize;
                        if slot < n && r.phase[slot] == UNREACHED {
                            r.phase[slot] = phase;
                            r.parent[slot] = m;
                            r.via[slot] = kind;
                            r.root[slot] = r.root[m as usize];
                            r.order.push(t);
                            queue.push_back((t, false));
                        }
                    }
                }
            }
        }
        r.fanout_capped = resolver.fanout_capped - capped_before;
        r
    }
}
