//! What the app's DEX code shows: class names, URLs in string pools, call sites of sensitive
//! APIs with their calling classes, which SDKs' code is invoked from outside the SDK, and the
//! permission requests made on the start-up path.
//!
//! Owns one pass over each DEX file (through `piaudit-dex`), keeping only compact results; it
//! must not attribute classes to SDKs itself (it asks a [`ClassOwner`]) nor judge anything.

use std::collections::hash_map::{Entry, RandomState};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};
use std::ops::ControlFlow;

use memchr::memmem;
use piaudit_dex::{CodeRefKind, Dex, MethodCode, decode_mutf8, descriptor_to_java, push_java_name};

use crate::facts::{Anomaly, AppFacts};

/// Caps on what one app's code contributes to the facts.
const MAX_URLS: usize = 2_000;
const MAX_CLASS_NAMES: usize = 2_000_000;

/// One indexed API: (method name, proto "(args)ret", api id).
type Candidate = (String, String, usize);

/// The sensitive APIs to look for, indexed by declaring class for a cheap first test.
#[derive(Debug, Default)]
pub struct ApiIndex {
    /// Class descriptor (UTF-8 bytes) → its indexed methods. The keys are fixed by the rules,
    /// never by scanned input, so a fast unkeyed hash is fine.
    by_class: HashMap<Box<[u8]>, Vec<Candidate>, rustc_hash::FxBuildHasher>,
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
            index
                .by_class
                .entry(class.as_bytes().into())
                .or_default()
                .push((rest[..paren].to_owned(), rest[paren..].to_owned(), id));
        }
        index
    }

    /// The api id of method `name` with descriptor `descriptor` (`(args)ret`, the same text in
    /// DEX protos and Java class files) of the class with descriptor `Lpkg/Cls;`.
    pub fn find(&self, class_descriptor: &str, name: &str, descriptor: &str) -> Option<usize> {
        self.candidates(class_descriptor.as_bytes())?
            .iter()
            .find(|(n, proto, _)| n == name && proto == descriptor)
            .map(|(_, _, id)| *id)
    }

    /// Every indexed smali reference, by api id.
    pub fn references(&self) -> impl Iterator<Item = &str> {
        self.refs.iter().map(String::as_str)
    }

    /// The smali reference of an api id.
    pub fn reference(&self, id: usize) -> &str {
        self.refs.get(id).map_or("", String::as_str)
    }

    /// The indexed methods of the class whose raw MUTF-8 descriptor is `descriptor`, looked up
    /// by its decoded text ([`decode_mutf8`]). The raw bytes are tried first: a hit is valid
    /// UTF-8, which decodes to itself, and an ASCII miss decodes to itself too; only other
    /// misses are decoded and looked up again.
    fn candidates(&self, descriptor: &[u8]) -> Option<&[Candidate]> {
        if self.by_class.is_empty() {
            return None;
        }
        if let Some(found) = self.by_class.get(descriptor) {
            return Some(found);
        }
        if descriptor.is_ascii() {
            return None;
        }
        let text = decode_mutf8(descriptor);
        if text.as_bytes() == descriptor {
            return None;
        }
        self.by_class.get(text.as_bytes()).map(Vec::as_slice)
    }

    /// The api id among `candidates` (the entries of the method's class) matching the
    /// method's name and proto; `proto` is an empty scratch buffer.
    fn match_method(
        dex: &Dex<'_>,
        m: piaudit_dex::MethodRef,
        candidates: &[Candidate],
        proto: &mut String,
    ) -> Option<usize> {
        let name = dex.string(m.name_idx).ok()?;
        for (n, p, id) in candidates {
            if n == name.as_ref() {
                if proto.is_empty() {
                    dex.write_proto(m.proto_idx, proto).ok()?;
                }
                if p == proto {
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
    /// Class-level call edges (caller → callee, indexes into `edge_classes`) whose callee is
    /// neither an SDK's class nor the platform's: what class ownership propagates over.
    pub class_edges: HashSet<(u32, u32)>,
    /// The class names `class_edges` refers to.
    pub edge_classes: Vec<String>,
    /// The whole-program call graph (after [`CodeScan::finish`]; `None` when no DEX was read).
    pub graph: Option<piaudit_graph::Graph>,
    /// Time spent building the graph, in microseconds.
    pub graph_micros: u64,
    /// Permission-result handlers analysed while their DEX was read (see `coercion`).
    pub denials: crate::coercion::DenialScan,
}

impl CodeFacts {
    /// The class-level call edges into unknown classes, as (caller, callee) names.
    pub fn unknown_callee_edges(&self) -> impl Iterator<Item = (&str, &str)> {
        self.class_edges.iter().filter_map(|&(from, to)| {
            Some((
                self.edge_classes.get(from as usize)?.as_str(),
                self.edge_classes.get(to as usize)?.as_str(),
            ))
        })
    }
}

/// One app's code scan in progress.
pub struct CodeScan<'c> {
    apis: &'c ApiIndex,
    owners: &'c dyn ClassOwner,
    /// The start-up classes (dotted) and their kind.
    startup: Vec<(String, &'static str)>,
    seen_classes: SeenClasses,
    /// Class name → index in `facts.edge_classes`.
    edge_ids: HashMap<String, u32>,
    /// Finds `://`, which every http(s) URL contains, in raw string bytes.
    url_marker: memmem::Finder<'static>,
    /// The call graph under construction (see `piaudit-graph`).
    graph: Option<piaudit_graph::Builder>,
    pub facts: CodeFacts,
}

/// Marks "nothing" in the per-index tables of one DEX's scan.
const NONE: u32 = u32::MAX;

/// What one DEX's scan needs to know about callees, computed on first use: per type, its
/// owning SDK (asked of the [`ClassOwner`]) and its indexed sensitive methods; per method
/// reference, whether invokes of it are of interest and which sensitive API it is.
struct Callees<'d, 'c> {
    dex: &'d Dex<'d>,
    owners: &'c dyn ClassOwner,
    apis: &'c ApiIndex,
    /// Index = type idx.
    by_type: Vec<Option<TypeInfo<'c>>>,
    /// Index = method idx: 0 (not classified yet) or [`KNOWN`] with [`SENSITIVE`] and
    /// [`SDK_OWNED`] as they apply.
    by_method: Vec<u8>,
    /// Index = method idx: the api id of a [`SENSITIVE`] method ([`NONE`] otherwise).
    api: Vec<u32>,
    /// Scratch buffer for dotted class names.
    dotted: String,
    /// Scratch buffer for protos.
    proto: String,
}

/// What [`Callees`] knows about one type.
#[derive(Clone, Copy)]
struct TypeInfo<'c> {
    owner: Option<usize>,
    /// Neither an SDK's class nor the platform's (ownership may propagate to it).
    unknown: bool,
    candidates: Option<&'c [Candidate]>,
}

/// Flags of [`Callees::by_method`]: classified; a sensitive API; a method of an SDK's class; a
/// method of a class of unknown owner.
const KNOWN: u8 = 1;
const SENSITIVE: u8 = 2;
const SDK_OWNED: u8 = 4;
const UNKNOWN_OWNER: u8 = 8;

/// Most class-level edges kept per app (a hostile DEX cannot make the set unbounded).
const MAX_CLASS_EDGES: usize = 4_000_000;

/// Most memory the callee tables of one DEX file may take (the scan holds one DEX's at a
/// time): ~12 M method ids. Real DEX files have at most 65,536 (the invoke index is 16-bit).
const MAX_CALLEE_TABLE_BYTES: usize = 64 << 20;

impl<'d, 'c> Callees<'d, 'c> {
    /// What [`Callees::new`] allocates for `dex`.
    fn table_bytes(dex: &Dex<'_>) -> usize {
        let methods = dex.method_ref_count() as usize;
        let types = dex.type_count() as usize;
        methods
            .saturating_mul(1 + std::mem::size_of::<u32>())
            .saturating_add(types.saturating_mul(std::mem::size_of::<Option<TypeInfo<'_>>>()))
    }

    fn new(dex: &'d Dex<'d>, owners: &'c dyn ClassOwner, apis: &'c ApiIndex) -> Self {
        let methods = dex.method_ref_count() as usize;
        Callees {
            dex,
            owners,
            apis,
            by_type: vec![None; dex.type_count() as usize],
            by_method: vec![0; methods],
            api: if apis.by_class.is_empty() {
                Vec::new()
            } else {
                vec![NONE; methods]
            },
            dotted: String::new(),
            proto: String::new(),
        }
    }

    /// What is known of type `type_idx` (`None` past the end of the table).
    fn type_info(&mut self, type_idx: u32) -> Option<TypeInfo<'c>> {
        let slot = self.by_type.get_mut(type_idx as usize)?;
        if let Some(known) = *slot {
            return Some(known);
        }
        let info = match self.dex.type_descriptor_bytes(type_idx) {
            Ok(bytes) => {
                self.dotted.clear();
                push_java_name(&decode_mutf8(bytes), &mut self.dotted);
                let owner = self.owners.owner_of(&self.dotted);
                TypeInfo {
                    owner,
                    unknown: owner.is_none()
                        && bytes.starts_with(b"L")
                        && !piaudit_sdk::is_platform_class(&self.dotted),
                    candidates: self.apis.candidates(bytes),
                }
            }
            Err(_) => TypeInfo {
                owner: None,
                unknown: false,
                candidates: None,
            },
        };
        *slot = Some(info);
        Some(info)
    }

    /// The owner of type `type_idx`.
    fn of(&mut self, type_idx: u32) -> Option<usize> {
        self.type_info(type_idx)?.owner
    }

    /// The flags of method reference `method_idx` (0 when there is no such method).
    fn flags(&mut self, method_idx: u32) -> u8 {
        match self.by_method.get(method_idx as usize).copied() {
            None => 0,
            Some(0) => self.classify(method_idx),
            Some(flags) => flags,
        }
    }

    /// Whether invokes of `method_idx` are of interest: a sensitive API, an SDK's method or a
    /// method of a class of unknown owner.
    fn is_interesting(&mut self, method_idx: u32) -> bool {
        self.flags(method_idx) & (SENSITIVE | SDK_OWNED | UNKNOWN_OWNER) != 0
    }

    /// The class (type idx) of `method_idx` when its owner is unknown.
    fn unknown_class_of(&mut self, method_idx: u32) -> Option<u32> {
        if self.flags(method_idx) & UNKNOWN_OWNER == 0 {
            return None;
        }
        Some(self.dex.method_ref(method_idx).ok()?.class_idx)
    }

    /// The api id of `method_idx`, if it is a sensitive API.
    fn api_of(&mut self, method_idx: u32) -> Option<usize> {
        if self.flags(method_idx) & SENSITIVE == 0 {
            return None;
        }
        self.api.get(method_idx as usize).map(|&api| api as usize)
    }

    /// The owner of the class of method reference `method_idx`.
    fn of_method_class(&mut self, method_idx: u32) -> Option<usize> {
        if self.flags(method_idx) & SDK_OWNED == 0 {
            return None;
        }
        let class_idx = self.dex.method_ref(method_idx).ok()?.class_idx;
        self.of(class_idx)
    }

    /// Computes and stores the flags of an existing, unclassified method reference.
    fn classify(&mut self, method_idx: u32) -> u8 {
        let mut flags = KNOWN;
        if let Ok(m) = self.dex.method_ref(method_idx)
            && let Some(info) = self.type_info(m.class_idx)
        {
            if info.owner.is_some() {
                flags |= SDK_OWNED;
            }
            if info.unknown {
                flags |= UNKNOWN_OWNER;
            }
            if let Some(candidates) = info.candidates {
                self.proto.clear();
                let api = ApiIndex::match_method(self.dex, m, candidates, &mut self.proto)
                    .and_then(|id| u32::try_from(id).ok())
                    .filter(|&id| id != NONE);
                if let (Some(api), Some(slot)) = (api, self.api.get_mut(method_idx as usize)) {
                    *slot = api;
                    flags |= SENSITIVE;
                }
            }
        }
        if let Some(slot) = self.by_method.get_mut(method_idx as usize) {
            *slot = flags;
        }
        flags
    }
}

/// The dotted class names already listed, by a keyed hash (inputs cannot choose collisions):
/// hash → index in the list of the first name with that hash. Names whose hash is taken by a
/// different name (practically never) are kept in `colliding`. Saves a copy of every name.
#[derive(Default)]
struct SeenClasses {
    hasher: RandomState,
    first: HashMap<u64, u32, BuildHasherDefault<PreHashed>>,
    colliding: HashSet<String>,
}

impl SeenClasses {
    fn reserve(&mut self, additional: usize) {
        self.first.reserve(additional);
    }

    /// Appends `dotted` to `classes` unless it is already there.
    fn push_new(&mut self, classes: &mut Vec<String>, dotted: String) {
        let hash = self.hasher.hash_one(dotted.as_str());
        let Ok(index) = u32::try_from(classes.len()) else {
            return;
        };
        match self.first.entry(hash) {
            Entry::Vacant(slot) => {
                slot.insert(index);
                classes.push(dotted);
            }
            Entry::Occupied(slot) => {
                let known = classes.get(*slot.get() as usize) == Some(&dotted);
                if !known && self.colliding.insert(dotted.clone()) {
                    classes.push(dotted);
                }
            }
        }
    }
}

/// Hasher for keys that already are keyed hashes: passes a `u64` through.
#[derive(Default)]
struct PreHashed(u64);

impl Hasher for PreHashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}

/// What the code of one DEX's start-up classes refers to (few methods: maps are fine here).
#[derive(Default)]
struct StartupCode {
    /// Method idx → class_def of the start-up class whose code defines it (the last one seen).
    methods: HashMap<u32, u32>,
    /// The keys of `methods` in the order they were first seen.
    order: Vec<u32>,
    /// Method idx → the methods it invokes, in code order.
    calls: HashMap<u32, Vec<u32>>,
    /// Method idx → the strings it loads, in code order.
    strings: HashMap<u32, Vec<u32>>,
}

impl StartupCode {
    /// Records the invokes and string loads (`refs`, in code order) of `method`, a method of a
    /// start-up class whose code was scanned completely (methods without references are left
    /// out).
    fn add_method(&mut self, method: &MethodCode, refs: &[CodeRefKind]) {
        if refs.is_empty() {
            return;
        }
        let method_idx = method.method_idx;
        if self
            .methods
            .insert(method_idx, method.class_def_idx)
            .is_none()
        {
            self.order.push(method_idx);
        }
        for code_ref in refs {
            match *code_ref {
                CodeRefKind::Invoke { method_idx: callee } => {
                    self.calls.entry(method_idx).or_default().push(callee);
                }
                CodeRefKind::ConstString { string_idx } => {
                    self.strings.entry(method_idx).or_default().push(string_idx);
                }
                CodeRefKind::InvokeCustom { .. } => {}
            }
        }
    }
}

/// The code facts' share of the graph builder's walk over one DEX file (see
/// [`piaudit_graph::CodeVisitor`]): per method, the invokes counted, the callees of interest
/// kept (sensitive APIs, SDK classes, classes of unknown owner), and for start-up classes every
/// invoke and string load; each method's share is taken only once its code proved complete.
struct FactsVisitor<'s, 'd, 'c> {
    dex: &'d Dex<'d>,
    owners: Callees<'d, 'c>,
    /// Type idx of each class_def.
    class_type: &'s [u32],
    /// Whether each class_def is a start-up class (empty when there is none).
    is_startup_def: &'s [bool],
    sdk_calls: &'s mut BTreeMap<usize, (u64, BTreeSet<String>)>,
    per_class_api: HashMap<(usize, u32), u64>,
    /// (caller class_def, callee type idx) for callees of unknown owner.
    unknown_edges: HashSet<(u32, u32)>,
    startup: StartupCode,
    call_sites: u64,
    methods_skipped: u32,
    /// The current method: invokes counted, callees kept, whether it is a start-up class's
    /// and then its references.
    invokes: u32,
    kept: Vec<u32>,
    in_startup: bool,
    startup_refs: Vec<CodeRefKind>,
}

impl piaudit_graph::CodeVisitor for FactsVisitor<'_, '_, '_> {
    fn begin_method(&mut self, method: &MethodCode) {
        self.invokes = 0;
        self.kept.clear();
        self.startup_refs.clear();
        self.in_startup = self
            .is_startup_def
            .get(method.class_def_idx as usize)
            .copied()
            .unwrap_or(false);
    }

    fn invoke(&mut self, method_idx: u32) {
        self.invokes = self.invokes.saturating_add(1);
        if self.owners.is_interesting(method_idx) {
            self.kept.push(method_idx);
        }
        if self.in_startup {
            self.startup_refs.push(CodeRefKind::Invoke { method_idx });
        }
    }

    fn const_string(&mut self, string_idx: u32) {
        if self.in_startup {
            self.startup_refs
                .push(CodeRefKind::ConstString { string_idx });
        }
    }

    fn end_method(&mut self, method: &MethodCode, complete: bool) {
        if !complete {
            self.methods_skipped += 1;
            return;
        }
        self.call_sites += u64::from(self.invokes);
        if self.in_startup {
            self.startup.add_method(method, &self.startup_refs);
        }
        if self.kept.is_empty() {
            return;
        }
        let class_def = method.class_def_idx;
        let caller_type = self.class_type.get(class_def as usize).copied();
        let owners = &mut self.owners;
        // The caller's owner and dotted name, computed on first need.
        let mut caller_owner: Option<Option<usize>> = None;
        let mut caller_name: Option<Option<String>> = None;
        for &method_idx in &self.kept {
            if let Some(api) = owners.api_of(method_idx) {
                *self.per_class_api.entry((api, class_def)).or_default() += 1;
            }
            if let Some(callee) = owners.unknown_class_of(method_idx)
                && caller_type != Some(callee)
                && self.unknown_edges.len() < MAX_CLASS_EDGES
            {
                self.unknown_edges.insert((class_def, callee));
            }
            // SDK use: a call into an SDK's class from a class outside that SDK.
            let Some(sdk) = owners.of_method_class(method_idx) else {
                continue;
            };
            let caller_sdk =
                *caller_owner.get_or_insert_with(|| caller_type.and_then(|t| owners.of(t)));
            if caller_sdk == Some(sdk) {
                continue;
            }
            let (count, examples) = self.sdk_calls.entry(sdk).or_default();
            *count += 1;
            if examples.len() < 5
                && let Some(caller) = caller_name
                    .get_or_insert_with(|| {
                        caller_type
                            .and_then(|t| self.dex.type_descriptor(t).ok())
                            .map(|d| descriptor_to_java(&d))
                    })
                    .as_ref()
                && !examples.contains(caller)
            {
                examples.insert(caller.clone());
            }
        }
    }
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
            seen_classes: SeenClasses::default(),
            edge_ids: HashMap::new(),
            url_marker: memmem::Finder::new(b"://").into_owned(),
            graph: None,
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

        // Class definitions: index = class_def idx (every index below the count is readable).
        let class_count = dex.class_count() as usize;
        let mut class_type: Vec<u32> = Vec::with_capacity(class_count);
        // (class_def, position in `self.startup`), in class_def order.
        let mut startup_defs: Vec<(u32, usize)> = Vec::new();
        self.seen_classes.reserve(class_count.min(MAX_CLASS_NAMES));
        for def in dex.class_defs() {
            class_type.push(def.class_idx);
            let Ok(desc) = dex.type_descriptor(def.class_idx) else {
                continue;
            };
            let dotted = descriptor_to_java(&desc);
            if let Some(pos) = self.startup.iter().position(|(c, _)| *c == dotted) {
                startup_defs.push((def.index, pos));
            }
            if self.facts.classes.len() < MAX_CLASS_NAMES {
                self.seen_classes.push_new(&mut self.facts.classes, dotted);
            }
        }
        // Whether each class_def is a start-up class (empty when there is none).
        let mut is_startup_def = Vec::new();
        if !startup_defs.is_empty() {
            is_startup_def = vec![false; class_count];
            for &(def, _) in &startup_defs {
                if let Some(flag) = is_startup_def.get_mut(def as usize) {
                    *flag = true;
                }
            }
        }

        // One pass over all code, one method at a time. Only invokes of sensitive methods or of
        // SDK-owned classes are kept; all are counted. Callees are classified on first sight.
        // The callee tables are sized by the id counts, which a file may inflate far past what
        // its code uses (the counts are bounded by the bytes present, not by real methods).
        let table_bytes = Callees::table_bytes(dex);
        if table_bytes > MAX_CALLEE_TABLE_BYTES {
            facts.problem(
                "dex",
                format!(
                    "{name}: {} method ids and {} type ids would need {} MiB of tables, over the \
                     budget of {} MiB: its code was not scanned",
                    dex.method_ref_count(),
                    dex.type_count(),
                    table_bytes >> 20,
                    MAX_CALLEE_TABLE_BYTES >> 20
                ),
            );
            return;
        }
        // One walk over all code, one method at a time, shared with the call graph (see
        // `FactsVisitor`). Only invokes of sensitive methods or of SDK-owned classes are
        // kept; all are counted. Callees are classified on first sight.
        let mut visitor = FactsVisitor {
            dex,
            owners: Callees::new(dex, self.owners, self.apis),
            class_type: &class_type,
            is_startup_def: &is_startup_def,
            sdk_calls: &mut self.facts.sdk_calls,
            per_class_api: HashMap::new(),
            unknown_edges: HashSet::new(),
            startup: StartupCode::default(),
            call_sites: 0,
            methods_skipped: 0,
            invokes: 0,
            kept: Vec::new(),
            in_startup: false,
            startup_refs: Vec::new(),
        };
        let started = std::time::Instant::now();
        self.graph
            .get_or_insert_with(|| piaudit_graph::Builder::new(piaudit_graph::Caps::default()))
            .add_dex_with(dex, &mut visitor);
        self.facts.graph_micros += started.elapsed().as_micros() as u64;
        let FactsVisitor {
            per_class_api,
            unknown_edges,
            startup,
            call_sites,
            methods_skipped,
            ..
        } = visitor;
        facts.dex.call_site_count += call_sites;
        if methods_skipped > 0 {
            facts.problem(
                "dex",
                format!("{name}: {methods_skipped} methods with malformed code were skipped"),
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

        self.collect_edges(dex, &class_type, unknown_edges);
        self.collect_startup(dex, &startup_defs, &startup);
        self.collect_urls(dex);
        self.facts
            .denials
            .add_dex(dex, crate::coercion::Libraries::embedded());
    }

    /// Adds one DEX's class-level edges into unknown classes to the facts, by class name.
    fn collect_edges(&mut self, dex: &Dex<'_>, class_type: &[u32], edges: HashSet<(u32, u32)>) {
        let mut names: HashMap<u32, Option<u32>> = HashMap::new();
        let classes = &mut self.facts.edge_classes;
        let ids = &mut self.edge_ids;
        let mut id_of = |type_idx: u32| -> Option<u32> {
            *names.entry(type_idx).or_insert_with(|| {
                let name = descriptor_to_java(&dex.type_descriptor(type_idx).ok()?);
                if let Some(&id) = ids.get(&name) {
                    return Some(id);
                }
                let id = u32::try_from(classes.len()).ok()?;
                classes.push(name.clone());
                ids.insert(name, id);
                Some(id)
            })
        };
        let room = MAX_CLASS_EDGES.saturating_sub(self.facts.class_edges.len());
        let pairs: Vec<(u32, u32)> = edges
            .into_iter()
            .take(room)
            .filter_map(|(class_def, callee)| {
                let caller_type = *class_type.get(class_def as usize)?;
                Some((id_of(caller_type)?, id_of(callee)?))
            })
            .collect();
        self.facts.class_edges.extend(pairs);
    }

    /// http(s) URLs in the string pool. Only strings whose raw bytes could decode to text
    /// containing a URL are decoded: those containing `://`, and those with an overlong MUTF-8
    /// sequence that may decode to a URL character (see [`has_overlong_ascii`]). Every other
    /// ASCII character of the decoded text is the same byte of the raw string, and raw bytes
    /// between two of them decode to at least one other character.
    fn collect_urls(&mut self, dex: &Dex<'_>) {
        let marker = &self.url_marker;
        let urls = &mut self.facts.urls;
        // Marks where `://` or a byte that may start an overlong sequence is: only strings
        // holding one can pass `may_hold_url`.
        let marks = |block| {
            merge_ascending(
                marker.find_iter(block),
                memchr::memchr3_iter(0xc0, 0xc1, 0xe0, block),
            )
        };
        dex.visit_marked_strings(marks, |_, bytes| {
            if urls.len() >= MAX_URLS {
                return ControlFlow::Break(());
            }
            if !may_hold_url(marker, bytes) {
                return ControlFlow::Continue(());
            }
            let s = decode_mutf8(bytes);
            if s.contains("http://") || s.contains("https://") {
                for url in extract_urls(&s) {
                    if urls.len() < MAX_URLS {
                        urls.insert(url);
                    }
                }
            }
            ControlFlow::Continue(())
        });
    }

    /// Finds permission requests reachable from a start-up class's `onCreate` (and
    /// `attachBaseContext`), following calls to methods of the same class. Start-up classes
    /// are taken in class_def order, their roots in code order.
    fn collect_startup(
        &mut self,
        dex: &Dex<'_>,
        startup_defs: &[(u32, usize)],
        code: &StartupCode,
    ) {
        for &(class_def, pos) in startup_defs {
            let Some((component, kind)) = self.startup.get(pos).cloned() else {
                continue;
            };
            let roots: Vec<u32> = code
                .order
                .iter()
                .copied()
                .filter(|m| code.methods.get(m) == Some(&class_def))
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
                    for s in code.strings.get(&m).into_iter().flatten() {
                        if let Ok(text) = dex.string(*s) {
                            if text.starts_with("android.permission.")
                                || text.contains(".permission.")
                            {
                                perms.insert(text.into_owned());
                            }
                        }
                    }
                    for &callee in code.calls.get(&m).into_iter().flatten() {
                        if request_api.is_none() && is_permission_request(dex, callee) {
                            request_api = dex.method_ref_display(callee).ok();
                        }
                        if code.methods.get(&callee) == Some(&class_def)
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
        if let Some(builder) = self.graph.take() {
            let started = std::time::Instant::now();
            self.facts.graph = Some(builder.finish());
            self.facts.graph_micros += started.elapsed().as_micros() as u64;
        }
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

/// The positions of `a` and `b`, both ascending, in one ascending sequence.
fn merge_ascending(
    a: impl Iterator<Item = usize>,
    b: impl Iterator<Item = usize>,
) -> impl Iterator<Item = usize> {
    let (mut a, mut b) = (a.peekable(), b.peekable());
    std::iter::from_fn(move || match (a.peek(), b.peek()) {
        (Some(x), Some(y)) if y < x => b.next(),
        (Some(_), _) => a.next(),
        (None, _) => b.next(),
    })
}

/// Whether MUTF-8 `bytes` may decode to text containing `http://` or `https://`; `marker`
/// finds `://`. False only when the decoded text cannot contain them.
fn may_hold_url(marker: &memmem::Finder<'_>, bytes: &[u8]) -> bool {
    marker.find(bytes).is_some() || has_overlong_ascii(bytes)
}

/// Whether MUTF-8 `bytes` may hold an overlong sequence that `decode_mutf8` turns into an ASCII
/// character other than NUL: `C1 xx`, `C0 xx` except the MUTF-8 NUL `C0 80`, and `E0 80 xx` or
/// `E0 81 xx`. Bytes `C0`, `C1` and `E0` are never continuation bytes, so each starts a
/// character. Errs on the side of `true` (the caller then decodes and checks).
fn has_overlong_ascii(bytes: &[u8]) -> bool {
    memchr::memchr3_iter(0xc0, 0xc1, 0xe0, bytes).any(|at| {
        let lead = bytes.get(at).copied().unwrap_or(0);
        let next = bytes.get(at + 1).copied().unwrap_or(0);
        match lead {
            0xc0 => next != 0x80,
            0xe0 => matches!(next, 0x80 | 0x81),
            _ => true,
        }
    })
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
    use super::{ApiIndex, extract_urls, has_overlong_ascii};
    use piaudit_dex::decode_mutf8;

    #[test]
    fn candidates_by_raw_bytes_match_the_decoded_lookup() {
        let index = ApiIndex::new([
            "Lcom/a/B;->b(I)V",
            "Lcom/a/B;->c()V",
            "L隐私/政策;->d()V",
            "La\u{0}b;->e()V",
            "La;->f()V",
            "Landroid/telephony/TelephonyManager;->getDeviceId()Ljava/lang/String;",
        ]);
        // The lookup it replaces: decode, then compare the text.
        let decoded = |bytes: &[u8]| {
            let text = decode_mutf8(bytes);
            index
                .by_class
                .get(text.as_bytes())
                .map(|c| c.iter().map(|e| e.2).collect::<Vec<_>>())
        };
        let raw = |bytes: &[u8]| {
            index
                .candidates(bytes)
                .map(|c| c.iter().map(|e| e.2).collect::<Vec<_>>())
        };
        let descriptors: &[&[u8]] = &[
            b"Lcom/a/B;",
            b"Lcom/a/C;",
            "L隐私/政策;".as_bytes(),
            b"La\xc0\x80b;",
            b"La\x00b;",
            b"L\xc1\xa1;",
            b"L\xe0\x81\xa1;",
            b"La;",
            b"La;\xff",
            b"L\xed\xa0\xbd;",
            b"",
            b"Landroid/telephony/TelephonyManager;",
            b"Landroid/telephony/TelephonyManager",
        ];
        for &bytes in descriptors {
            assert_eq!(raw(bytes), decoded(bytes), "{bytes:02x?}");
        }
        assert_eq!(raw(b"Lcom/a/B;"), Some(vec![0, 1]));
        assert_eq!(raw(b"La\xc0\x80b;"), Some(vec![3]));
        assert_eq!(raw(b"L\xc1\xa1;"), Some(vec![4]));
        assert!(ApiIndex::default().candidates(b"La;").is_none());
    }

    #[test]
    fn overlong_ascii_is_detected_and_the_mutf8_nul_is_not() {
        assert!(!has_overlong_ascii(b"plain http text"));
        assert!(!has_overlong_ascii("隐私政策".as_bytes()));
        assert!(!has_overlong_ascii(b"a\xc0\x80b\xc0\x80"));
        assert!(!has_overlong_ascii(b"\xe0\xa4\xb9")); // U+0939, Devanagari
        // C1 A8 and E0 81 A8 both decode to 'h', C0 BA to ':'.
        for hidden in [
            &b"\xc1\xa8ttp://x.cn/a"[..],
            b"\xe0\x81\xa8ttp",
            b"http\xc0\xba//x",
        ] {
            assert!(has_overlong_ascii(hidden), "{hidden:02x?}");
        }
        assert!(decode_mutf8(b"http\xc0\xba//a.example.com").contains("http://"));
        assert!(has_overlong_ascii(b"\xc1"));
    }

    #[test]
    fn the_url_prefilter_never_drops_a_string_that_decodes_to_a_url() {
        let marker = memchr::memmem::Finder::new(b"://");
        // Pieces of URLs, plain and overlong ('h', 't', 'p', ':', '/' as C1 A8, C1 B4, C1 B0,
        // C0 BA, C0 AF, E0 81 A8), the MUTF-8 NUL, other characters and stray bytes.
        let tokens: &[&[u8]] = &[
            b"h",
            b"t",
            b"p",
            b"s",
            b":",
            b"/",
            b"http",
            b"://",
            b"x",
            b"\xc1\xa8",
            b"\xc1\xb4",
            b"\xc1\xb0",
            b"\xc0\xba",
            b"\xc0\xaf",
            b"\xe0\x81\xa8",
            b"\xc0\x80",
            b"\xe4\xb8\xad",
            b"\xed\xa0\xbd",
            b"\x80",
            b"\xc0",
            b"\xe0",
        ];
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut hidden = 0;
        for _ in 0..300_000 {
            let len = (next() % 9) as usize;
            let bytes: Vec<u8> = (0..len)
                .flat_map(|_| {
                    tokens[(next() % tokens.len() as u64) as usize]
                        .iter()
                        .copied()
                })
                .collect();
            let text = decode_mutf8(&bytes);
            if text.contains("http://") || text.contains("https://") {
                assert!(super::may_hold_url(&marker, &bytes), "{bytes:02x?}");
                hidden += usize::from(marker.find(&bytes).is_none());
            }
        }
        assert!(
            hidden > 0,
            "no URL hidden by overlong sequences was generated"
        );
    }

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
