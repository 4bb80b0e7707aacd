//! The graph's storage: interned classes, names, prototypes and methods shared by every DEX
//! file of the app, method bodies as ranges of one call array, the class hierarchy, and what
//! the walk could not see. Owns ids and lookups; it must not decode DEX files (`build.rs`) or
//! walk the graph (`reach.rs`).

use std::collections::HashMap;

/// Hash maps keyed by input-derived data: aHash with per-process random keys (fast, and
/// collisions cannot be chosen by the input).
pub(crate) type Map<K, V> = HashMap<K, V, ahash::RandomState>;

/// "No such id".
pub const NONE: u32 = u32::MAX;

/// A method of the app or of the platform, by global id (interned across DEX files).
pub type MethodId = u32;

/// How a call entry leads to its targets (also how a chain frame was reached).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum EdgeKind {
    /// `invoke-static`.
    Static = 0,
    /// `invoke-direct` (constructors, private methods).
    Direct = 1,
    /// `invoke-super`.
    Super = 2,
    /// `invoke-virtual` (and `invoke-polymorphic`), by class-hierarchy analysis.
    Virtual = 3,
    /// `invoke-interface`, by class-hierarchy analysis.
    Interface = 4,
    /// A callback object handed to a thread, handler, executor or coroutine builder: the
    /// target is a class, whose callback methods run.
    Async = 5,
    /// First use of a class: the target is a class, whose static initialiser runs.
    Clinit = 6,
    /// `Class.forName` / `getMethod` with constant names.
    Reflection = 7,
    /// A service started or bound with an explicit class: the target is the service class.
    Service = 8,
    /// The start of a chain: a framework entry point.
    Entry = 9,
}

impl EdgeKind {
    pub(crate) fn from_u8(kind: u8) -> EdgeKind {
        match kind {
            0 => EdgeKind::Static,
            1 => EdgeKind::Direct,
            2 => EdgeKind::Super,
            3 => EdgeKind::Virtual,
            4 => EdgeKind::Interface,
            5 => EdgeKind::Async,
            6 => EdgeKind::Clinit,
            7 => EdgeKind::Reflection,
            8 => EdgeKind::Service,
            _ => EdgeKind::Entry,
        }
    }

    /// Short name, as printed in chains.
    pub fn label(self) -> &'static str {
        match self {
            EdgeKind::Static => "invoke-static",
            EdgeKind::Direct => "invoke-direct",
            EdgeKind::Super => "invoke-super",
            EdgeKind::Virtual => "invoke-virtual",
            EdgeKind::Interface => "invoke-interface",
            EdgeKind::Async => "async hand-off",
            EdgeKind::Clinit => "static initialiser",
            EdgeKind::Reflection => "reflection",
            EdgeKind::Service => "service start",
            EdgeKind::Entry => "entry point",
        }
    }
}

/// What the graph could not see, or cut short, in one app.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Limits {
    /// App methods declared `native` (their bodies are machine code the graph does not read).
    pub native_methods: u64,
    /// Calls of `System.loadLibrary` / `System.load`.
    pub native_loads: u64,
    /// Class loaders created over code the APK does not show (`DexClassLoader`, ...), or
    /// `DexFile.loadDex`.
    pub dynamic_loading: u64,
    /// Methods calling `Class.forName` / `loadClass` with no constant naming an app class.
    pub reflection_computed: u64,
    /// Virtual or interface calls whose class-hierarchy fan-out hit the cap.
    pub fanout_capped: u64,
    /// Methods whose code is malformed and was left out.
    pub malformed_methods: u64,
    /// Classes defined again by a later DEX file (the first definition wins).
    pub duplicate_classes: u64,
    /// The graph reached a size cap and stopped growing (the rest of the code is not in it).
    pub truncated: bool,
}

/// Tags of [`Graph::call_consts`] values.
pub(crate) const CONST_NONE: u8 = 0;
pub(crate) const CONST_INT: u8 = 1;
pub(crate) const CONST_STR: u8 = 2;

/// One argument of a call, as far as the walk tracked constants into its register.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgConst<'g> {
    /// Not a constant loaded in the same method (a parameter, a field, a computed value).
    Unknown,
    /// An integer constant (`const/4`, `const/16`, `const`, `const/high16`).
    Int(i32),
    /// A string constant (`const-string`).
    Str(&'g str),
}

/// An interner of strings to dense ids: every text once in one buffer, the table holding
/// only ids (one allocation per growth, not two per string).
#[derive(Debug, Default)]
pub(crate) struct Interner {
    hasher: ahash::RandomState,
    /// Ids, found by the hash of their text.
    table: hashbrown::HashTable<u32>,
    /// Every text, back to back.
    text: String,
    /// End of each id's text in `text` (it starts where the previous one ends).
    ends: Vec<u32>,
}

impl Interner {
    fn span(&self, id: u32) -> Option<&str> {
        let end = *self.ends.get(id as usize)? as usize;
        let start = match id.checked_sub(1) {
            Some(prev) => *self.ends.get(prev as usize)? as usize,
            None => 0,
        };
        self.text.get(start..end)
    }

    pub(crate) fn get(&self, s: &str) -> Option<u32> {
        let hash = self.hasher.hash_one(s);
        self.table
            .find(hash, |&id| self.span(id) == Some(s))
            .copied()
    }

    /// The id of `s`, new if needed; `None` once `cap` ids exist (or the texts would pass
    /// 4 GiB).
    pub(crate) fn intern(&mut self, s: &str, cap: usize) -> Option<u32> {
        let hash = self.hasher.hash_one(s);
        let (ends, text) = (&self.ends, &self.text);
        let span = |id: u32| {
            let end = *ends.get(id as usize)? as usize;
            let start = id
                .checked_sub(1)
                .map_or(Some(0), |p| ends.get(p as usize).map(|&e| e as usize))?;
            text.get(start..end)
        };
        if let Some(&id) = self.table.find(hash, |&id| span(id) == Some(s)) {
            return Some(id);
        }
        if self.ends.len() >= cap {
            return None;
        }
        let id = u32::try_from(self.ends.len()).ok()?;
        let end = u32::try_from(self.text.len().checked_add(s.len())?).ok()?;
        self.text.push_str(s);
        self.ends.push(end);
        let hasher = &self.hasher;
        let (ends, text) = (&self.ends, &self.text);
        self.table.insert_unique(hash, id, |&other| {
            let end = ends.get(other as usize).map_or(0, |&e| e as usize);
            let start = other
                .checked_sub(1)
                .and_then(|p| ends.get(p as usize))
                .map_or(0, |&e| e as usize);
            hasher.hash_one(text.get(start..end).unwrap_or_default())
        });
        Some(id)
    }

    pub(crate) fn text(&self, id: u32) -> &str {
        self.span(id).unwrap_or("?")
    }

    /// Every text, in id order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.ends.len() as u32).map(|id| self.text(id))
    }
}

/// Flags of [`Graph::method_flags`].
pub(crate) const DEFINED: u8 = 1;
pub(crate) const INVOKED: u8 = 2;

/// One class (by type id): whether the app defines it, and its supertypes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Class {
    pub(crate) defined: bool,
    pub(crate) superclass: u32,
    pub(crate) interfaces: (u32, u32),
}

impl Default for Class {
    fn default() -> Self {
        Class {
            defined: false,
            superclass: NONE,
            interfaces: (0, 0),
        }
    }
}

/// One method body: its calls are `call_target[start..end]`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Body {
    pub(crate) start: u32,
    pub(crate) end: u32,
    /// Whether [`Graph::extra`] holds calls of this body (saves a lookup per body walked).
    pub(crate) has_extra: bool,
    /// Whether [`Graph::gates`] holds gate states of this body.
    pub(crate) has_gates: bool,
}

/// A place where the code reads a stored consent flag or wires a dialog's positive button.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConsentSite {
    /// A stored boolean read with a key naming agreement, privacy or the first run.
    FlagRead {
        /// The reading method.
        method: MethodId,
        /// The key.
        key: String,
        /// Whether a branch tests the value in the same method.
        tested: bool,
    },
    /// `setPositiveButton(text, listener)` with the listener classes instantiated in the
    /// same method.
    PositiveButton {
        /// The method wiring the button.
        method: MethodId,
        /// The button text, when it is a constant string.
        text: Option<String>,
        /// The button text's resource id, when it is a constant resource id.
        resource: Option<u32>,
        /// The `onClick` methods of listener classes instantiated in the method.
        handlers: Vec<MethodId>,
        /// The method's constant strings mention the privacy policy or agreement.
        mentions_privacy: bool,
    },
}

/// The call graph of one app (see the crate docs).
#[derive(Debug, Default)]
pub struct Graph {
    pub(crate) types: Interner,
    pub(crate) names: Interner,
    pub(crate) protos: Interner,
    /// Per method id: (class type id, name id, proto id).
    pub(crate) methods: Vec<[u32; 3]>,
    pub(crate) method_ids: Map<[u32; 3], u32>,
    pub(crate) method_flags: Vec<u8>,
    /// Per method id: its body index, or [`NONE`].
    pub(crate) body_of: Vec<u32>,
    pub(crate) bodies: Vec<Body>,
    pub(crate) call_target: Vec<u32>,
    pub(crate) call_kind: Vec<u8>,
    /// Per type id.
    pub(crate) classes: Vec<Class>,
    pub(crate) interface_list: Vec<u32>,
    /// Subtypes (subclasses and implementors) of each type: `sub_list[sub_start[t]..sub_start[t + 1]]`.
    pub(crate) sub_start: Vec<u32>,
    pub(crate) sub_list: Vec<u32>,
    /// Defined methods of each type: `own_list[own_start[t]..own_start[t + 1]]`.
    pub(crate) own_start: Vec<u32>,
    pub(crate) own_list: Vec<u32>,
    /// Calls found after the walk (reflection with constant names), per body.
    pub(crate) extra: Map<u32, Vec<(u32, u8)>>,
    /// Permission names and settings-screen actions (`android.settings.*`) loaded as constants, per body.
    pub(crate) permission_strings: Map<u32, Vec<u32>>,
    pub(crate) consent_sites: Vec<ConsentSite>,
    /// Per body with a branch on a stored consent flag: the gate state of each call
    /// (`gate::BEFORE`, `UNSURE`, `GATED`); bodies not listed run every call before.
    pub(crate) gates: Map<u32, Vec<u8>>,
    /// Classes loaded as constants (`const-class`), per body.
    pub(crate) const_classes: Map<u32, Vec<u32>>,
    /// Constant arguments of the calls [`Graph::const_calls`] reports, by call entry index:
    /// per argument register, [`CONST_NONE`], [`CONST_INT`] or [`CONST_STR`] with its value.
    pub(crate) call_consts: Map<u32, Box<[(u8, u32)]>>,
    pub(crate) limits: Limits,
    pub(crate) fanout_cap: usize,
}

impl Graph {
    /// Methods (app-defined and referenced platform methods) in the graph.
    pub fn node_count(&self) -> usize {
        self.methods.len()
    }

    /// Call entries recorded (before dispatch is resolved).
    pub fn edge_count(&self) -> usize {
        self.call_target.len() + self.extra.values().map(Vec::len).sum::<usize>()
    }

    /// Classes the app defines.
    pub fn class_count(&self) -> usize {
        self.classes.iter().filter(|c| c.defined).count()
    }

    /// What the graph could not see.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Stored consent flags and dialog buttons found in the code.
    pub fn consent_sites(&self) -> &[ConsentSite] {
        &self.consent_sites
    }

    /// Whether the app defines `method` (it has a class_data entry in some DEX file).
    pub fn is_defined(&self, method: MethodId) -> bool {
        self.method_flags
            .get(method as usize)
            .is_some_and(|f| f & DEFINED != 0)
    }

    /// Whether some code of the app invokes `method`.
    pub fn is_invoked(&self, method: MethodId) -> bool {
        self.method_flags
            .get(method as usize)
            .is_some_and(|f| f & INVOKED != 0)
    }

    /// Whether the app defines the class with this descriptor (`Lpkg/Cls;`).
    pub fn defines_class(&self, descriptor: &str) -> bool {
        self.types
            .get(descriptor)
            .and_then(|t| self.classes.get(t as usize))
            .is_some_and(|c| c.defined)
    }

    /// The method of smali reference `Lpkg/Cls;->name(args)ret`, if the app's code names it.
    pub fn find_method(&self, smali: &str) -> Option<MethodId> {
        let (class, rest) = smali.split_once("->")?;
        let paren = rest.find('(')?;
        let key = [
            self.types.get(class)?,
            self.names.get(&rest[..paren])?,
            self.protos.get(&rest[paren..])?,
        ];
        self.method_ids.get(&key).copied()
    }

    /// Every method the code names whose class is `class` (a descriptor) and whose name is
    /// `name`, any prototype.
    pub fn find_methods_named(&self, class: &str, name: &str) -> Vec<MethodId> {
        let (Some(t), Some(n)) = (self.types.get(class), self.names.get(name)) else {
            return Vec::new();
        };
        let mut found: Vec<MethodId> = self
            .methods
            .iter()
            .enumerate()
            .filter(|(_, m)| m[0] == t && m[1] == n)
            .filter_map(|(i, _)| u32::try_from(i).ok())
            .collect();
        found.sort_unstable();
        found
    }

    /// `Lpkg/Cls;->name(args)ret` of a method.
    pub fn display(&self, method: MethodId) -> String {
        let Some(&[class, name, proto]) = self.methods.get(method as usize) else {
            return "?".to_owned();
        };
        format!(
            "{}->{}{}",
            self.types.text(class),
            self.names.text(name),
            self.protos.text(proto)
        )
    }

    /// The class descriptor (`Lpkg/Cls;`) of a method.
    pub fn class_of(&self, method: MethodId) -> &str {
        self.methods
            .get(method as usize)
            .map_or("?", |m| self.types.text(m[0]))
    }

    /// The name of a method.
    pub fn name_of(&self, method: MethodId) -> &str {
        self.methods
            .get(method as usize)
            .map_or("?", |m| self.names.text(m[1]))
    }

    /// The permission names the method loads as constant strings.
    pub fn permission_strings(&self, method: MethodId) -> Vec<&str> {
        let Some(&body) = self.body_of.get(method as usize) else {
            return Vec::new();
        };
        self.permission_strings
            .get(&body)
            .map(|ids| {
                ids.iter()
                    .map(|&n| self.names.text(n))
                    .filter(|s| !s.starts_with("android.settings."))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The classes the method loads as constants (`const-class`), as descriptors.
    pub fn const_classes(&self, method: MethodId) -> Vec<&str> {
        let Some(&body) = self.body_of.get(method as usize) else {
            return Vec::new();
        };
        self.const_classes
            .get(&body)
            .map(|ts| ts.iter().map(|&t| self.types.text(t)).collect())
            .unwrap_or_default()
    }

    /// The gate state (`gate::BEFORE`, `UNSURE`, `GATED`) of call `i` of body `body`.
    pub(crate) fn gate_state(&self, body: u32, i: u32) -> u8 {
        self.gates
            .get(&body)
            .and_then(|s| s.get(i as usize).copied())
            .unwrap_or(crate::gate::BEFORE)
    }

    /// The type id of a class descriptor.
    pub(crate) fn type_of(&self, descriptor: &str) -> Option<u32> {
        self.types.get(descriptor)
    }

    pub(crate) fn class(&self, t: u32) -> Option<&Class> {
        self.classes.get(t as usize)
    }

    /// The direct supertypes of type `t` (superclass first).
    pub(crate) fn supertypes(&self, t: u32) -> impl Iterator<Item = u32> + '_ {
        let class = self.class(t).copied().unwrap_or_default();
        let interfaces = self
            .interface_list
            .get(class.interfaces.0 as usize..class.interfaces.1 as usize)
            .unwrap_or_default();
        std::iter::once(class.superclass)
            .filter(|&s| s != NONE)
            .chain(interfaces.iter().copied())
    }

    /// The direct subtypes of type `t`.
    pub(crate) fn subtypes(&self, t: u32) -> &[u32] {
        let (Some(&a), Some(&b)) = (
            self.sub_start.get(t as usize),
            self.sub_start.get(t as usize + 1),
        ) else {
            return &[];
        };
        self.sub_list
            .get(a as usize..b as usize)
            .unwrap_or_default()
    }

    /// The methods type `t` defines.
    pub(crate) fn own_methods(&self, t: u32) -> &[u32] {
        let (Some(&a), Some(&b)) = (
            self.own_start.get(t as usize),
            self.own_start.get(t as usize + 1),
        ) else {
            return &[];
        };
        self.own_list
            .get(a as usize..b as usize)
            .unwrap_or_default()
    }

    /// Builds the subtype and own-method indexes (after the last DEX file).
    pub(crate) fn index_hierarchy(&mut self) {
        let n = self.classes.len();
        let mut counts = vec![0u32; n + 1];
        for t in 0..n as u32 {
            if self.classes[t as usize].defined {
                for s in self.supertypes(t).collect::<Vec<_>>() {
                    if let Some(c) = counts.get_mut(s as usize) {
                        *c += 1;
                    }
                }
            }
        }
        self.sub_start = prefix_sums(&counts);
        let mut fill = self.sub_start.clone();
        self.sub_list = vec![0; *self.sub_start.last().unwrap_or(&0) as usize];
        for t in 0..n as u32 {
            if self.classes[t as usize].defined {
                for s in self.supertypes(t).collect::<Vec<_>>() {
                    if let Some(at) = fill.get_mut(s as usize) {
                        if let Some(slot) = self.sub_list.get_mut(*at as usize) {
                            *slot = t;
                        }
                        *at += 1;
                    }
                }
            }
        }
        let mut counts = vec![0u32; n + 1];
        for (m, key) in self.methods.iter().enumerate() {
            if self.method_flags[m] & DEFINED != 0
                && let Some(c) = counts.get_mut(key[0] as usize)
            {
                *c += 1;
            }
        }
        self.own_start = prefix_sums(&counts);
        let mut fill = self.own_start.clone();
        self.own_list = vec![0; *self.own_start.last().unwrap_or(&0) as usize];
        for (m, key) in self.methods.iter().enumerate() {
            if self.method_flags[m] & DEFINED != 0
                && let Some(at) = fill.get_mut(key[0] as usize)
            {
                if let Some(slot) = self.own_list.get_mut(*at as usize) {
                    *slot = m as u32;
                }
                *at += 1;
            }
        }
    }
}

/// `[0, c0, c0 + c1, ...]` (the last count is the padding slot, not summed).
fn prefix_sums(counts: &[u32]) -> Vec<u32> {
    let mut out = Vec::with_capacity(counts.len());
    let mut sum = 0u32;
    out.push(0);
    for &c in counts.iter().take(counts.len().saturating_sub(1)) {
        sum = sum.saturating_add(c);
        out.push(sum);
    }
    out
}
