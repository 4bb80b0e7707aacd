//! Building the graph: one walk over each DEX file's classes and code. Owns interning across
//! files, the per-instruction bookkeeping (calls in order, classes instantiated, constant
//! strings and classes, the branch on a stored consent flag) and the size caps; it must not
//! resolve dispatch (`reach.rs`).

use piaudit_dex::{CodeItem, CodeRefKind, Dex, MethodCode, decode_mutf8};

use crate::classify::{self, *};
use crate::gate::{self, Cfg, Dominance, Side};
use crate::graph::*;

/// Size caps for one app's graph; reaching one sets [`Limits::truncated`].
#[derive(Debug, Clone, Copy)]
pub struct Caps {
    /// Interned methods.
    pub max_methods: usize,
    /// Interned classes (types).
    pub max_classes: usize,
    /// Call entries.
    pub max_calls: usize,
    /// Targets of one virtual or interface call resolved by class-hierarchy analysis.
    pub fanout: usize,
}

impl Default for Caps {
    fn default() -> Self {
        Caps {
            max_methods: 4_000_000,
            max_classes: 1_000_000,
            max_calls: 40_000_000,
            fanout: 64,
        }
    }
}

/// What other scans need from the bytecode of one DEX file, fed by the builder's walk (see
/// [`Builder::add_dex_with`]) so that each method's code is decoded once for all of them.
/// Indices are the DEX file's own. Every method of [`Dex::methods`] with code of its own (not
/// sharing an earlier method's code item) is visited, in that order, including those the graph
/// leaves out (classes defined again by a later file, methods past the caps).
pub trait CodeVisitor {
    /// A method's code begins.
    fn begin_method(&mut self, _method: &MethodCode) {}
    /// A method invoke (`invoke-*`, `invoke-*/range`, `invoke-polymorphic`; not
    /// `invoke-custom`) of method reference `method_idx`.
    fn invoke(&mut self, _method_idx: u32) {}
    /// A `const-string` or `const-string/jumbo` of string `string_idx`.
    fn const_string(&mut self, _string_idx: u32) {}
    /// The method's code ends; `complete` is false when it is malformed (what was reported
    /// since [`CodeVisitor::begin_method`] is then void).
    fn end_method(&mut self, _method: &MethodCode, _complete: bool) {}
}

/// No other scan.
impl CodeVisitor for () {}

/// Builds one app's [`Graph`] from its DEX files (see the crate docs).
#[derive(Debug, Default)]
pub struct Builder {
    g: Graph,
    caps: Caps,
    /// App booleans tested by a branch, kept until the wrappers of stored flags are known.
    tested: Vec<Tested>,
    /// Methods returning a stored consent flag, with which value means "agreed" (`None`:
    /// unknown).
    wrappers: Vec<(u32, Option<bool>)>,
    /// (body, interned constant strings, also calls getMethod) of methods calling forName.
    reflective: Vec<(u32, Vec<u32>, bool)>,
}

/// A branch on the result of an app method returning a boolean.
#[derive(Debug)]
struct Tested {
    body: u32,
    callee: u32,
    caller: u32,
    /// The branch opcode.
    opcode: u8,
    /// Whether the tested value is the result negated.
    negated: bool,
    dominance: Dominance,
}

/// Per-DEX caches from local indices to global ids, each stored plus one (0: not yet
/// computed, or invalid): zeroed tables cost no page until written.
struct Local {
    types: Vec<u32>,
    protos: Vec<u32>,
    methods: Vec<u32>,
    /// By string index: name ids (method names are shared by many method references).
    names: Vec<u32>,
    flags: Vec<u16>,
}

/// The id cached in a [`Local`] slot, if any.
fn cached(slot: u32) -> Option<u32> {
    slot.checked_sub(1)
}

/// Per-method scratch state of the walk, reused across methods.
#[derive(Default)]
struct Scratch {
    instantiated: Vec<u32>,
    clinits: Vec<u32>,
    const_classes: Vec<u32>,
    strings: Vec<u32>,
    /// Register → string index of the last `const-string` into it.
    reg_string: Vec<(u16, u32)>,
    /// Register → the last resource-id-like literal loaded into it.
    reg_literal: Vec<(u16, u32)>,
    /// Registers holding a stored consent flag, with which value means "agreed".
    flag_regs: Vec<(u16, Option<bool>)>,
    /// Registers holding the result of an app method returning a boolean: (callee, negated).
    bool_regs: Vec<(u16, (u32, bool))>,
    /// (instruction index, callee, branch opcode, negated) of app-boolean results tested by a
    /// branch.
    tested: Vec<(u32, u32, u8, bool)>,
    /// (instruction index, agreed side) of branches on a stored consent flag.
    gates: Vec<(u32, Side)>,
    /// Calls recorded before each instruction.
    marks: Vec<u32>,
    /// Which value means "agreed" for a stored consent flag the method returns.
    returns_flag: Option<Option<bool>>,
    flag_sites: Vec<(String, bool)>,
    buttons: Vec<(Option<String>, Option<u32>, Vec<u32>)>,
    /// Register → the constant last loaded into it (`CONST_INT` value, or `CONST_STR` with a
    /// DEX string index), cleared by any other write to the register.
    reg_const: Vec<(u16, (u8, u32))>,
}

impl Scratch {
    fn clear(&mut self) {
        self.instantiated.clear();
        self.clinits.clear();
        self.const_classes.clear();
        self.strings.clear();
        self.reg_string.clear();
        self.reg_literal.clear();
        self.flag_regs.clear();
        self.bool_regs.clear();
        self.tested.clear();
        self.gates.clear();
        self.marks.clear();
        self.returns_flag = None;
        self.flag_sites.clear();
        self.buttons.clear();
        self.reg_const.clear();
    }
}

/// What the previous instruction left for a `move-result` to pick up.
#[derive(Clone, Copy)]
enum Pending {
    None,
    /// A stored consent flag, with which value means "agreed".
    Flag(Option<bool>),
    AppBool(u32),
}

fn set_reg<T: Copy>(regs: &mut Vec<(u16, T)>, reg: u16, value: T) {
    if let Some(slot) = regs.iter_mut().find(|(r, _)| *r == reg) {
        slot.1 = value;
    } else if regs.len() < 256 {
        regs.push((reg, value));
    }
}

fn get_reg<T: Copy>(regs: &[(u16, T)], reg: u16) -> Option<T> {
    regs.iter().find(|(r, _)| *r == reg).map(|(_, v)| *v)
}

/// A branch testing registers `regs` (instruction `index`, `opcode`): a stored consent flag
/// makes it a gate; an app boolean is kept for [`Builder::finish`].
fn branch(s: &mut Scratch, regs: &[u16], index: u32, opcode: u8) {
    for &r in regs {
        if let Some(agreed) = get_reg(&s.flag_regs, r) {
            if s.gates.len() < 64 {
                s.gates.push((index, Side::of(opcode, agreed)));
            }
            if let Some(site) = s.flag_sites.last_mut() {
                site.1 = true;
            }
        } else if let Some((callee, negated)) = get_reg(&s.bool_regs, r)
            && s.tested.len() < 64
        {
            s.tested.push((index, callee, opcode, negated));
        }
    }
}

/// Follows a stored flag or an app boolean through `move` and `!` (`xor-int/lit 1`), and forgets
/// it in a register the instruction overwrites.
fn track_writes(s: &mut Scratch, op: u8, u0: u16, u1: u16) {
    let (a4, aa, b4) = ((u0 >> 8) & 0xf, u0 >> 8, u0 >> 12);
    let dest = match op {
        0x01
        | 0x04
        | 0x07
        | 0x12
        | 0x20
        | 0x21
        | 0x23
        | 0x52..=0x58
        | 0x7b..=0x8f
        | 0xb0..=0xd7 => a4,
        0x02
        | 0x05
        | 0x08
        | 0x0a..=0x0d
        | 0x13..=0x1c
        | 0x1f
        | 0x22
        | 0x2d..=0x31
        | 0x44..=0x4a
        | 0x60..=0x66
        | 0x90..=0xaf
        | 0xd8..=0xe2
        | 0xfe
        | 0xff => aa,
        0x03 | 0x06 | 0x09 => u1,
        _ => return,
    };
    let source = match op {
        0x01 => Some((b4, false)),
        0x02 => Some((u1, false)),
        // xor-int/lit16 vA, vB, #1 and xor-int/lit8 vAA, vBB, #1: `!`.
        0xd7 if u1 == 1 => Some((b4, true)),
        0xdf if u1 >> 8 == 1 => Some((u1 & 0xff, true)),
        _ => None,
    };
    let flag = source.and_then(|(r, not)| get_reg(&s.flag_regs, r).map(|a| a.map(|v| v != not)));
    let boolean = source.and_then(|(r, not)| get_reg(&s.bool_regs, r).map(|(c, n)| (c, n != not)));
    s.flag_regs.retain(|(r, _)| *r != dest);
    s.bool_regs.retain(|(r, _)| *r != dest);
    if let Some(agreed) = flag {
        set_reg(&mut s.flag_regs, dest, agreed);
    }
    if let Some(value) = boolean {
        set_reg(&mut s.bool_regs, dest, value);
    }
}

fn push_unique(list: &mut Vec<u32>, value: u32) {
    if value != NONE && !list.contains(&value) && list.len() < 64 {
        list.push(value);
    }
}

impl Builder {
    /// A builder with the given caps.
    pub fn new(caps: Caps) -> Builder {
        Builder {
            g: Graph {
                fanout_cap: caps.fanout,
                ..Graph::default()
            },
            caps,
            tested: Vec::new(),
            wrappers: Vec::new(),
            reflective: Vec::new(),
        }
    }

    /// Adds one DEX file: its classes not defined by an earlier file, and their code.
    pub fn add_dex(&mut self, dex: &Dex<'_>) {
        self.add_dex_with(dex, &mut ());
    }

    /// Like [`Builder::add_dex`], feeding `visitor` from the same walk (see [`CodeVisitor`]).
    pub fn add_dex_with<V: CodeVisitor>(&mut self, dex: &Dex<'_>, visitor: &mut V) {
        let mut local = Local {
            types: vec![0; dex.type_count() as usize],
            protos: vec![0; dex.proto_count() as usize],
            methods: vec![0; dex.method_ref_count() as usize],
            names: vec![0; dex.string_count() as usize],
            flags: vec![0; dex.method_ref_count() as usize],
        };
        let mut own = vec![false; dex.class_count() as usize];
        for def in dex.class_defs() {
            let t = self.type_id(dex, &mut local, def.class_idx);
            if t == NONE {
                continue;
            }
            if self.g.classes[t as usize].defined {
                self.g.limits.duplicate_classes += 1;
                continue;
            }
            let superclass = def
                .superclass_idx
                .map_or(NONE, |s| self.type_id(dex, &mut local, s));
            let start = self.g.interface_list.len() as u32;
            if let Ok(list) = dex.type_list(def.interfaces_off) {
                for i in list.iter().take(256) {
                    let it = self.type_id(dex, &mut local, i);
                    if it != NONE {
                        self.g.interface_list.push(it);
                    }
                }
            }
            let end = self.g.interface_list.len() as u32;
            self.g.classes[t as usize] = Class {
                defined: true,
                superclass,
                interfaces: (start, end),
            };
            if let Some(flag) = own.get_mut(def.index as usize) {
                *flag = true;
            }
        }
        // (code_off, body) of each body walked; indexed only if some method shares code.
        let mut walked: Vec<(u32, u32)> = Vec::new();
        let mut shared: Option<Map<u32, u32>> = None;
        let mut scratch = Scratch::default();
        for m in dex.methods() {
            let has_code = m.code_off != 0 && !m.shares_code;
            let mid = if own.get(m.class_def_idx as usize).copied().unwrap_or(false) {
                self.method_id(dex, &mut local, m.method_idx)
            } else {
                NONE
            };
            let fresh = mid != NONE && self.g.method_flags[mid as usize] & DEFINED == 0;
            if !fresh {
                if has_code {
                    visit_only(dex, &m, visitor);
                }
                continue;
            }
            let slot = mid as usize;
            self.g.method_flags[slot] |= DEFINED;
            if m.access_flags & 0x100 != 0 {
                self.g.limits.native_methods += 1;
            }
            if m.code_off == 0 {
                continue;
            }
            if m.shares_code {
                let index = shared.get_or_insert_with(|| walked.iter().copied().collect());
                if let Some(&body) = index.get(&m.code_off) {
                    self.g.body_of[slot] = body;
                }
                continue;
            }
            let Ok(code) = dex.code_item(m.code_off) else {
                self.g.limits.malformed_methods += 1;
                visitor.begin_method(&m);
                visitor.end_method(&m, false);
                continue;
            };
            if let Some(body) = self.walk(dex, &mut local, mid, &m, code, &mut scratch, visitor) {
                self.g.body_of[slot] = body;
                walked.push((m.code_off, body));
                if let Some(index) = shared.as_mut() {
                    index.insert(m.code_off, body);
                }
            }
        }
    }

    /// The finished graph.
    pub fn finish(mut self) -> Graph {
        self.g.index_hierarchy();
        self.resolve_wrappers();
        self.resolve_reflection();
        self.resolve_handlers();
        self.g
    }

    /// A branch on the result of an app method that returns a stored consent flag (the
    /// register it returns holds the flag) gates its caller too: the calls the branch's
    /// agreed side dominates (see `gate.rs`).
    fn resolve_wrappers(&mut self) {
        let g = &mut self.g;
        let mut wrappers = std::mem::take(&mut self.wrappers);
        wrappers.sort_unstable_by_key(|w| w.0);
        wrappers.dedup_by_key(|w| w.0);
        if wrappers.is_empty() {
            return;
        }
        for t in std::mem::take(&mut self.tested) {
            let Some(&[class, name, proto]) = g.methods.get(t.callee as usize) else {
                continue;
            };
            let Some(target) = g.resolve_up(class, name, proto) else {
                continue;
            };
            let Ok(w) = wrappers.binary_search_by_key(&target, |w| w.0) else {
                continue;
            };
            let agreed = wrappers[w].1.map(|v| v != t.negated);
            if let Some(b) = g.bodies.get_mut(t.body as usize) {
                b.has_gates = true;
                let calls = b.end.saturating_sub(b.start) as usize;
                let states = g.gates.entry(t.body).or_insert_with(|| vec![0; calls]);
                t.dominance.apply(Side::of(t.opcode, agreed), states);
            }
            let key = g
                .consent_sites
                .iter()
                .find_map(|s| match s {
                    ConsentSite::FlagRead { method, key, .. } if *method == target => {
                        Some(key.clone())
                    }
                    _ => None,
                })
                .unwrap_or_default();
            if g.consent_sites.len() < 10_000 {
                g.consent_sites.push(ConsentSite::FlagRead {
                    method: t.caller,
                    key,
                    tested: true,
                });
            }
        }
    }

    /// `Class.forName` with a constant naming an app class: edges to the methods named by the
    /// method's other constants (with `getMethod`), else to the class's constructors.
    fn resolve_reflection(&mut self) {
        let g = &mut self.g;
        for (body, strings, get_method) in std::mem::take(&mut self.reflective) {
            let mut edges = Vec::new();
            for &s in &strings {
                let name = g.names.text(s);
                if !name.contains('.') || name.contains(' ') {
                    continue;
                }
                let descriptor = format!("L{};", name.replace('.', "/"));
                let Some(t) = g
                    .type_of(&descriptor)
                    .filter(|&t| g.class(t).is_some_and(|c| c.defined))
                else {
                    continue;
                };
                edges.push((t, EdgeKind::Clinit as u8));
                for &m in g.own_methods(t) {
                    let mname = g.methods[m as usize][1];
                    let wanted = if get_method {
                        strings.contains(&mname)
                    } else {
                        g.names.text(mname) == "<init>"
                    };
                    if wanted && edges.len() < 64 {
                        edges.push((m, EdgeKind::Reflection as u8));
                    }
                }
            }
            if edges.is_empty() {
                g.limits.reflection_computed += 1;
            } else {
                g.extra.entry(body).or_default().extend(edges);
                if let Some(b) = g.bodies.get_mut(body as usize) {
                    b.has_extra = true;
                }
            }
        }
    }

    /// The `onClick` methods of the listener classes each positive button was given.
    fn resolve_handlers(&mut self) {
        let mut sites = std::mem::take(&mut self.g.consent_sites);
        for site in &mut sites {
            if let ConsentSite::PositiveButton { handlers, .. } = site {
                let classes = std::mem::take(handlers);
                for c in classes {
                    for &m in self.g.own_methods(c) {
                        if self.g.names.text(self.g.methods[m as usize][1]) == "onClick" {
                            handlers.push(m);
                        }
                    }
                }
            }
        }
        self.g.consent_sites = sites;
    }

    fn type_id(&mut self, dex: &Dex<'_>, local: &mut Local, type_idx: u32) -> u32 {
        let Some(&known) = local.types.get(type_idx as usize) else {
            return NONE;
        };
        if let Some(id) = cached(known) {
            return id;
        }
        let Ok(bytes) = dex.type_descriptor_bytes(type_idx) else {
            return NONE;
        };
        let text = decode_mutf8(bytes);
        let id = match self.g.types.intern(&text, self.caps.max_classes) {
            Some(id) => id,
            None => {
                self.g.limits.truncated = true;
                return NONE;
            }
        };
        if self.g.classes.len() <= id as usize {
            self.g.classes.resize(id as usize + 1, Class::default());
        }
        local.types[type_idx as usize] = id + 1;
        id
    }

    fn proto_id(&mut self, dex: &Dex<'_>, local: &mut Local, proto_idx: u32) -> u32 {
        let Some(&known) = local.protos.get(proto_idx as usize) else {
            return NONE;
        };
        if let Some(id) = cached(known) {
            return id;
        }
        let mut text = String::new();
        if dex.write_proto(proto_idx, &mut text).is_err() {
            return NONE;
        }
        let Some(id) = self.g.protos.intern(&text, self.caps.max_methods) else {
            self.g.limits.truncated = true;
            return NONE;
        };
        local.protos[proto_idx as usize] = id + 1;
        id
    }

    /// The name id of string `string_idx` (a method name).
    fn name_id(&mut self, dex: &Dex<'_>, local: &mut Local, string_idx: u32) -> u32 {
        let Some(&known) = local.names.get(string_idx as usize) else {
            return NONE;
        };
        if let Some(id) = cached(known) {
            return id;
        }
        let Some(id) = dex
            .string(string_idx)
            .ok()
            .and_then(|n| self.g.names.intern(&n, self.caps.max_methods))
        else {
            return NONE;
        };
        local.names[string_idx as usize] = id + 1;
        id
    }

    fn method_id(&mut self, dex: &Dex<'_>, local: &mut Local, method_idx: u32) -> u32 {
        let Some(&known) = local.methods.get(method_idx as usize) else {
            return NONE;
        };
        if let Some(id) = cached(known) {
            return id;
        }
        let Ok(r) = dex.method_ref(method_idx) else {
            return NONE;
        };
        let class = self.type_id(dex, local, r.class_idx);
        let proto = self.proto_id(dex, local, r.proto_idx);
        let name = self.name_id(dex, local, r.name_idx);
        if class == NONE || proto == NONE || name == NONE {
            return NONE;
        }
        let key = [class, name, proto];
        let id = match self.g.method_ids.get(&key) {
            Some(&id) => id,
            None => {
                if self.g.methods.len() >= self.caps.max_methods {
                    self.g.limits.truncated = true;
                    return NONE;
                }
                let id = self.g.methods.len() as u32;
                self.g.methods.push(key);
                self.g.method_flags.push(0);
                self.g.body_of.push(NONE);
                self.g.method_ids.insert(key, id);
                id
            }
        };
        local.methods[method_idx as usize] = id + 1;
        id
    }

    fn flags(&mut self, dex: &Dex<'_>, local: &mut Local, method_idx: u32) -> u16 {
        let Some(&known) = local.flags.get(method_idx as usize) else {
            return 0;
        };
        if known != 0 {
            return known;
        }
        let flags = dex
            .method_ref(method_idx)
            .ok()
            .and_then(|r| {
                let class = dex.type_descriptor_bytes(r.class_idx).ok()?;
                let name = dex.string_bytes(r.name_idx).ok()?;
                let ret = dex
                    .proto(r.proto_idx)
                    .and_then(|p| dex.type_descriptor_bytes(p.return_type_idx))
                    .ok()?;
                Some(classify::classify(class, name, ret))
            })
            .unwrap_or(KNOWN);
        local.flags[method_idx as usize] = flags;
        flags
    }

    fn push_call(&mut self, target: u32, kind: EdgeKind) {
        if target == NONE {
            return;
        }
        if self.g.call_target.len() >= self.caps.max_calls {
            self.g.limits.truncated = true;
            return;
        }
        self.g.call_target.push(target);
        self.g.call_kind.push(kind as u8);
    }

    fn clinit(&mut self, scratch: &mut Scratch, t: u32) {
        if t != NONE && !scratch.clinits.contains(&t) && scratch.clinits.len() < 64 {
            scratch.clinits.push(t);
            self.push_call(t, EdgeKind::Clinit);
        }
    }

    /// Walks one method's code, appending its calls. `None` when the code is malformed (its
    /// calls are then dropped).
    #[allow(clippy::too_many_arguments)]
    fn walk<V: CodeVisitor>(
        &mut self,
        dex: &Dex<'_>,
        local: &mut Local,
        mid: u32,
        method: &MethodCode,
        code: CodeItem<'_>,
        s: &mut Scratch,
        visitor: &mut V,
    ) -> Option<u32> {
        s.clear();
        visitor.begin_method(method);
        let start = self.g.call_target.len();
        let mut has_for_name = false;
        let mut has_get_method = false;
        let mut pending = Pending::None;
        for insn in code.instructions() {
            let Ok(insn) = insn else {
                self.g.call_target.truncate(start);
                self.g.call_kind.truncate(start);
                self.g.limits.malformed_methods += 1;
                visitor.end_method(method, false);
                return None;
            };
            let op = insn.opcode;
            let u0 = insn.unit(0).unwrap_or(0);
            let aa = u0 >> 8;
            let last = std::mem::replace(&mut pending, Pending::None);
            let calls_here = (self.g.call_target.len() - start) as u32;
            let index = s.marks.len() as u32;
            s.marks.push(calls_here);
            track_writes(s, op, u0, insn.unit(1).unwrap_or(0));
            track_constants(&mut s.reg_const, op, u0, insn.unit(1), insn.unit(2));
            match op {
                0x6e..=0x72 | 0x74..=0x78 | 0xfa | 0xfb => {
                    let idx = u32::from(insn.unit(1).unwrap_or(0));
                    visitor.invoke(idx);
                    let kind = match op {
                        0x6f | 0x75 => EdgeKind::Super,
                        0x70 | 0x76 => EdgeKind::Direct,
                        0x71 | 0x77 => EdgeKind::Static,
                        0x72 | 0x78 => EdgeKind::Interface,
                        _ => EdgeKind::Virtual,
                    };
                    let target = self.method_id(dex, local, idx);
                    if let Some(f) = self.g.method_flags.get_mut(target as usize) {
                        *f |= INVOKED;
                    }
                    if kind == EdgeKind::Static
                        && let Some(&[class, _, _]) = self.g.methods.get(target as usize)
                    {
                        self.clinit(s, class);
                    }
                    let before = self.g.call_target.len();
                    self.push_call(target, kind);
                    let flags = self.flags(dex, local, idx);
                    // Argument register `n` of this invoke (35c: C D E F G; 3rc: CCCC + n).
                    let arg = |n: u16| -> Option<u16> {
                        let u2 = insn.unit(2)?;
                        if matches!(op, 0x74..=0x78 | 0xfb) {
                            Some(u2.wrapping_add(n))
                        } else if n < (u0 >> 12).min(5) {
                            Some(if n < 4 {
                                (u2 >> (4 * n)) & 0xf
                            } else {
                                (u0 >> 8) & 0xf
                            })
                        } else {
                            None
                        }
                    };
                    if flags & HANDOFF != 0 {
                        let classes = s.instantiated.clone();
                        for c in classes {
                            self.push_call(c, EdgeKind::Async);
                        }
                        if let Some(&[class, _, _]) = self.g.methods.get(target as usize) {
                            self.push_call(class, EdgeKind::Async);
                        }
                    }
                    has_for_name |= flags & FOR_NAME != 0;
                    has_get_method |= flags & GET_METHOD != 0;
                    if flags & DYNAMIC_LOAD != 0 {
                        self.g.limits.dynamic_loading += 1;
                    }
                    if flags & NATIVE_LOAD != 0 {
                        self.g.limits.native_loads += 1;
                    }
                    let first_arg = u16::from(kind != EdgeKind::Static);
                    if flags & FLAG_READ != 0
                        && let Some(key) = arg(first_arg)
                            .and_then(|r| get_reg(&s.reg_string, r))
                            .and_then(|i| dex.string(i).ok())
                        && classify::is_consent_key(&key)
                        && s.flag_sites.len() < 8
                    {
                        pending = Pending::Flag(gate::agreed_when_true(&key));
                        s.flag_sites.push((key.into_owned(), false));
                    } else if flags & APP_BOOLEAN != 0 {
                        pending = Pending::AppBool(target);
                    }
                    if flags & POSITIVE_BUTTON != 0 && s.buttons.len() < 8 {
                        let text_reg = arg(first_arg);
                        let text = text_reg
                            .and_then(|r| get_reg(&s.reg_string, r))
                            .and_then(|i| dex.string(i).ok())
                            .map(|t| t.chars().take(200).collect());
                        let resource = text_reg.and_then(|r| get_reg(&s.reg_literal, r));
                        s.buttons.push((text, resource, s.instantiated.clone()));
                    }
                    if flags & CONST_ARGS != 0 && self.g.call_target.len() > before {
                        let count = if matches!(op, 0x74..=0x78 | 0xfb) {
                            aa
                        } else {
                            u0 >> 12
                        };
                        self.keep_constants(dex, s, before as u32, (0..count.min(6)).map(arg));
                    }
                    if flags & START_SERVICE != 0 {
                        let classes = s.const_classes.clone();
                        for c in classes {
                            self.push_call(c, EdgeKind::Service);
                        }
                    }
                }
                // move-result, move-result-wide, move-result-object
                0x0a..=0x0c => {
                    match last {
                        Pending::Flag(agreed) => set_reg(&mut s.flag_regs, aa, agreed),
                        Pending::AppBool(callee) => set_reg(&mut s.bool_regs, aa, (callee, false)),
                        Pending::None => {}
                    }
                    s.reg_string.retain(|(r, _)| *r != aa);
                }
                // if-eqz, if-nez
                0x38 | 0x39 => branch(s, &[aa], index, op),
                // if-eq .. if-le
                0x32..=0x37 => branch(s, &[aa & 0xf, aa >> 4], index, op),
                // return vAA
                0x0f => {
                    if let Some(agreed) = get_reg(&s.flag_regs, aa) {
                        s.returns_flag = Some(match s.returns_flag {
                            Some(before) if before != agreed => None,
                            _ => agreed,
                        });
                    }
                }
                0x1a | 0x1b => {
                    let idx = if op == 0x1a {
                        insn.unit(1).map(u32::from)
                    } else {
                        insn.unit(1)
                            .zip(insn.unit(2))
                            .map(|(lo, hi)| u32::from(lo) | (u32::from(hi) << 16))
                    };
                    if let Some(idx) = idx {
                        visitor.const_string(idx);
                        set_reg(&mut s.reg_string, aa, idx);
                        if s.strings.len() < 256 {
                            s.strings.push(idx);
                        }
                    }
                }
                // const vAA, #+BBBBBBBB; const/high16
                0x14 | 0x15 => {
                    let value = if op == 0x14 {
                        insn.unit(1)
                            .zip(insn.unit(2))
                            .map(|(lo, hi)| u32::from(lo) | (u32::from(hi) << 16))
                    } else {
                        insn.unit(1).map(|hi| u32::from(hi) << 16)
                    };
                    if let Some(v) = value.filter(|v| v >> 24 == 0x7f) {
                        set_reg(&mut s.reg_literal, aa, v);
                    }
                }
                0x1c => {
                    let t = self.type_id(dex, local, u32::from(insn.unit(1).unwrap_or(0)));
                    push_unique(&mut s.const_classes, t);
                }
                0x22 => {
                    let t = self.type_id(dex, local, u32::from(insn.unit(1).unwrap_or(0)));
                    push_unique(&mut s.instantiated, t);
                    self.clinit(s, t);
                }
                0x60..=0x6d => {
                    if let Ok(field) = dex.field_ref(u32::from(insn.unit(1).unwrap_or(0))) {
                        let owner = self.type_id(dex, local, field.class_idx);
                        self.clinit(s, owner);
                        if op == 0x62 {
                            let t = self.type_id(dex, local, field.type_idx);
                            push_unique(&mut s.instantiated, t);
                        }
                    }
                }
                _ => {}
            }
        }
        visitor.end_method(method, true);
        let end = self.g.call_target.len();
        let body = u32::try_from(self.g.bodies.len()).ok()?;
        self.g.bodies.push(Body {
            start: start as u32,
            end: end as u32,
            has_extra: false,
            has_gates: false,
        });
        self.gates(&code, mid, body, (end - start) as u32, s);
        self.after_walk(dex, mid, body, s, has_for_name, has_get_method);
        Some(body)
    }

    /// Keeps the constants in a flagged call's argument registers (at call entry `call`).
    fn keep_constants(
        &mut self,
        dex: &Dex<'_>,
        s: &Scratch,
        call: u32,
        regs: impl Iterator<Item = Option<u16>>,
    ) {
        let mut args = Vec::new();
        for reg in regs {
            let value = match reg.and_then(|r| get_reg(&s.reg_const, r)) {
                Some((CONST_STR, idx)) => dex
                    .string(idx)
                    .ok()
                    .filter(|t| t.len() <= 256)
                    .and_then(|t| self.g.names.intern(&t, self.caps.max_methods))
                    .map_or((CONST_NONE, 0), |id| (CONST_STR, id)),
                Some(c) => c,
                None => (CONST_NONE, 0),
            };
            args.push(value);
        }
        if args.iter().any(|&(tag, _)| tag != CONST_NONE) && self.g.call_consts.len() < 1_000_000 {
            self.g.call_consts.insert(call, args.into_boxed_slice());
        }
    }

    /// The gate states of the method's calls (branches on a stored consent flag), and the
    /// dominance of its branches on app booleans, kept for [`Builder::finish`].
    fn gates(&mut self, code: &CodeItem<'_>, mid: u32, body: u32, calls: u32, s: &Scratch) {
        if let Some(agreed) = s.returns_flag {
            self.wrappers.push((mid, agreed));
        }
        if s.gates.is_empty() && s.tested.is_empty() {
            return;
        }
        let too_many = s.gates.len() + s.tested.len() > gate::MAX_BRANCHES;
        let cfg = if too_many { None } else { Cfg::build(code) };
        let dominance = |branch: u32| match &cfg {
            Some(cfg) => cfg.dominance(branch, &s.marks, calls),
            None => gate::unsure(),
        };
        if !s.gates.is_empty() {
            let mut states = vec![gate::BEFORE; calls as usize];
            for &(branch, side) in &s.gates {
                dominance(branch).apply(side, &mut states);
            }
            if states.iter().any(|&x| x != gate::BEFORE) {
                self.g.gates.insert(body, states);
                if let Some(b) = self.g.bodies.get_mut(body as usize) {
                    b.has_gates = true;
                }
            }
        }
        for &(branch, callee, opcode, negated) in &s.tested {
            let dominance = dominance(branch);
            if dominance.is_empty() {
                continue;
            }
            self.tested.push(Tested {
                body,
                callee,
                caller: mid,
                opcode,
                negated,
                dominance,
            });
        }
    }

    /// Records what the walk of one method found beyond its calls.
    fn after_walk(
        &mut self,
        dex: &Dex<'_>,
        mid: u32,
        body: u32,
        s: &Scratch,
        has_for_name: bool,
        has_get_method: bool,
    ) {
        for (key, tested) in &s.flag_sites {
            self.g.consent_sites.push(ConsentSite::FlagRead {
                method: mid,
                key: key.clone(),
                tested: *tested,
            });
        }
        let texts = || {
            s.strings
                .iter()
                .filter_map(|&i| dex.string(i).ok())
                .collect::<Vec<_>>()
        };
        if !s.buttons.is_empty() {
            let mentions_privacy = texts().iter().any(|t| {
                let l = t.to_lowercase();
                ["隐私", "privacy", "协议", "同意", "agree", "policy"]
                    .iter()
                    .any(|w| l.contains(w))
            });
            for (text, resource, listeners) in &s.buttons {
                self.g.consent_sites.push(ConsentSite::PositiveButton {
                    method: mid,
                    text: text.clone(),
                    resource: *resource,
                    handlers: listeners.clone(),
                    mentions_privacy,
                });
            }
        }
        let mut perms = Vec::new();
        for &i in &s.strings {
            if let Ok(bytes) = dex.string_bytes(i)
                && (bytes.starts_with(b"android.permission.")
                    || bytes.starts_with(b"android.settings.")
                    || bytes.windows(12).any(|w| w == b".permission."))
                && let Some(id) = self
                    .g
                    .names
                    .intern(&decode_mutf8(bytes), self.caps.max_methods)
            {
                perms.push(id);
            }
        }
        if !perms.is_empty() {
            self.g.permission_strings.insert(body, perms);
        }
        if !s.const_classes.is_empty() {
            self.g.const_classes.insert(body, s.const_classes.clone());
        }
        if has_for_name {
            let strings: Vec<u32> = texts()
                .iter()
                .filter(|t| t.len() < 256)
                .filter_map(|t| self.g.names.intern(t, self.caps.max_methods))
                .collect();
            self.reflective.push((body, strings, has_get_method));
        }
    }
}

/// Follows constants into registers for [`Graph::const_calls`]: clears the register(s) any
/// instruction writes, then records `const*` and `const-string` loads. Wide and arithmetic
/// writes clear the next register too (conservative: a lost constant is only a miss).
fn track_constants(
    regs: &mut Vec<(u16, (u8, u32))>,
    op: u8,
    u0: u16,
    u1: Option<u16>,
    u2: Option<u16>,
) {
    let a4 = (u0 >> 8) & 0xf;
    let aa = u0 >> 8;
    let dest: Option<(u16, bool)> = match op {
        0x01 | 0x07 | 0x12 | 0x20 | 0x21 | 0x23 | 0x52..=0x58 => Some((a4, false)),
        0x04 | 0x7b..=0x8f | 0xb0..=0xd7 => Some((a4, true)),
        0x02
        | 0x08
        | 0x0a
        | 0x0c
        | 0x0d
        | 0x13..=0x15
        | 0x1a..=0x1c
        | 0x22
        | 0x2d..=0x31
        | 0x44..=0x4a
        | 0x60..=0x66
        | 0xfe
        | 0xff => Some((aa, matches!(op, 0x45 | 0x61))),
        0x05 | 0x0b | 0x16..=0x19 | 0x90..=0xaf | 0xd8..=0xe2 => Some((aa, true)),
        0x03 | 0x09 => u1.map(|r| (r, false)),
        0x06 => u1.map(|r| (r, true)),
        _ => None,
    };
    let Some((reg, wide)) = dest else {
        return;
    };
    regs.retain(|(r, _)| *r != reg && !(wide && *r == reg.wrapping_add(1)));
    let value = match op {
        0x12 => Some((CONST_INT, ((i32::from(u0 as i16) << 16) >> 28) as u32)),
        0x13 => u1.map(|v| (CONST_INT, i32::from(v as i16) as u32)),
        0x14 => u1
            .zip(u2)
            .map(|(lo, hi)| (CONST_INT, u32::from(lo) | (u32::from(hi) << 16))),
        0x15 => u1.map(|hi| (CONST_INT, u32::from(hi) << 16)),
        0x1a => u1.map(|i| (CONST_STR, u32::from(i))),
        0x1b => u1
            .zip(u2)
            .map(|(lo, hi)| (CONST_STR, u32::from(lo) | (u32::from(hi) << 16))),
        _ => None,
    };
    if let Some(value) = value {
        set_reg(regs, reg, value);
    }
}

/// Feeds `visitor` the code of a method the graph leaves out (see [`CodeVisitor`]).
fn visit_only<V: CodeVisitor>(dex: &Dex<'_>, method: &MethodCode, visitor: &mut V) {
    visitor.begin_method(method);
    let Ok(code) = dex.code_item(method.code_off) else {
        visitor.end_method(method, false);
        return;
    };
    for insn in code.instructions() {
        match insn.map(|i| i.code_ref()) {
            Ok(Some(CodeRefKind::Invoke { method_idx })) => visitor.invoke(method_idx),
            Ok(Some(CodeRefKind::ConstString { string_idx })) => visitor.const_string(string_idx),
            Ok(_) => {}
            Err(_) => {
                visitor.end_method(method, false);
                return;
            }
        }
    }
    visitor.end_method(method, true);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit0(op: u8, a: u16) -> u16 {
        (a << 8) | u16::from(op)
    }

    #[test]
    fn constants_follow_loads_and_any_other_write_clears_them() {
        let mut regs = Vec::new();
        // const/4 v1, #-1 (B = 0xf in the top nibble)
        track_constants(&mut regs, 0x12, (0xf << 12) | (1 << 8) | 0x12, None, None);
        assert_eq!(get_reg(&regs, 1), Some((CONST_INT, -1i32 as u32)));
        // const/16 v2, #10
        track_constants(&mut regs, 0x13, unit0(0x13, 2), Some(10), None);
        assert_eq!(get_reg(&regs, 2), Some((CONST_INT, 10)));
        // const v3, #0x12345
        track_constants(&mut regs, 0x14, unit0(0x14, 3), Some(0x2345), Some(1));
        assert_eq!(get_reg(&regs, 3), Some((CONST_INT, 0x12345)));
        // const-string v4, string@7
        track_constants(&mut regs, 0x1a, unit0(0x1a, 4), Some(7), None);
        assert_eq!(get_reg(&regs, 4), Some((CONST_STR, 7)));
        // move-result-object v4 replaces the string; iget v2 (vA = 2) replaces the int.
        track_constants(&mut regs, 0x0c, unit0(0x0c, 4), None, None);
        track_constants(&mut regs, 0x52, unit0(0x52, 2), Some(0), None);
        assert_eq!(get_reg(&regs, 4), None);
        assert_eq!(get_reg(&regs, 2), None);
        // A wide write to v0 clears v1 too; invokes and branches write nothing.
        track_constants(&mut regs, 0x6e, unit0(0x6e, 0x20), Some(0), Some(0x10));
        assert_eq!(get_reg(&regs, 1), Some((CONST_INT, -1i32 as u32)));
        track_constants(&mut regs, 0x16, unit0(0x16, 0), Some(1), None);
        assert_eq!(get_reg(&regs, 1), None);
        assert_eq!(get_reg(&regs, 3), Some((CONST_INT, 0x12345)));
    }
}
