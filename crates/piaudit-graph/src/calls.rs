//! One method's calls as the graph recorded them, and where each may dispatch: for callers
//! that follow a few calls from a point inside a method (the denial branch of a permission
//! handler) rather than walking from entry points. Owns no storage; it must not decode DEX.

use crate::classify::CALLBACK_NAMES;
use crate::graph::{ArgConst, CONST_INT, CONST_STR, EdgeKind, Graph, MethodId, NONE};

impl Graph {
    /// The calls `m`'s body records, in instruction order (static initialiser and async
    /// entries name a class's type, see [`EdgeKind`]); reflection edges found after the walk
    /// come last.
    pub fn calls_of(&self, m: MethodId) -> Vec<(u32, EdgeKind)> {
        let Some(&b) = self.body_of.get(m as usize) else {
            return Vec::new();
        };
        let Some(body) = self.bodies.get(b as usize) else {
            return Vec::new();
        };
        let mut out: Vec<(u32, EdgeKind)> = (body.start..body.end)
            .filter_map(|i| {
                Some((
                    *self.call_target.get(i as usize)?,
                    EdgeKind::from_u8(*self.call_kind.get(i as usize)?),
                ))
            })
            .collect();
        if let Some(extra) = self.extra.get(&b) {
            out.extend(extra.iter().map(|&(t, k)| (t, EdgeKind::from_u8(k))));
        }
        out
    }

    /// The app methods a call entry may run: the definition up the hierarchy, and for
    /// virtual and interface calls the overriding definitions in subclasses (at most `cap`);
    /// for async hand-offs the class's callback methods. Platform methods are not listed.
    pub fn call_targets(&self, target: u32, kind: EdgeKind, cap: usize) -> Vec<MethodId> {
        let mut out = Vec::new();
        match kind {
            EdgeKind::Async => return self.methods_named(target, CALLBACK_NAMES),
            EdgeKind::Clinit | EdgeKind::Service => return Vec::new(),
            EdgeKind::Reflection | EdgeKind::Entry => {
                if self.is_defined(target) {
                    out.push(target);
                }
                return out;
            }
            _ => {}
        }
        let Some(&[class, name, proto]) = self.methods.get(target as usize) else {
            return out;
        };
        if let Some(up) = self
            .resolve_up(class, name, proto)
            .filter(|&m| self.is_defined(m))
        {
            out.push(up);
        }
        if matches!(kind, EdgeKind::Virtual | EdgeKind::Interface) {
            let mut stack: Vec<u32> = self.subtypes(class).to_vec();
            let mut seen = std::collections::HashSet::new();
            while let Some(s) = stack.pop() {
                if out.len() >= cap || seen.len() > 4096 || !seen.insert(s) {
                    continue;
                }
                if let Some(&m) = self.method_ids.get(&[s, name, proto])
                    && self.is_defined(m)
                    && !out.contains(&m)
                {
                    out.push(m);
                }
                stack.extend_from_slice(self.subtypes(s));
            }
        }
        out
    }

    /// The class descriptor of a type id (as [`Graph::calls_of`] gives for class entries).
    pub fn type_name(&self, t: u32) -> &str {
        if t == NONE {
            return "?";
        }
        self.types.text(t)
    }

    /// Whether class `descriptor` is `ancestor` or extends or implements it, through the
    /// supertypes the app's classes declare.
    pub fn is_subclass_of(&self, descriptor: &str, ancestor: &str) -> bool {
        let (Some(t), Some(a)) = (self.type_of(descriptor), self.type_of(ancestor)) else {
            return false;
        };
        let mut stack = vec![t];
        let mut seen = std::collections::HashSet::new();
        while let Some(c) = stack.pop() {
            if c == a {
                return true;
            }
            if seen.len() > 256 || !seen.insert(c) {
                continue;
            }
            stack.extend(self.supertypes(c));
        }
        false
    }
}

impl Graph {
    /// The methods whose bodies call one of `targets` (as the code names them), in id order.
    pub fn callers_of(&self, targets: &std::collections::HashSet<MethodId>) -> Vec<MethodId> {
        let mut out = Vec::new();
        if targets.is_empty() {
            return out;
        }
        for (m, &b) in self.body_of.iter().enumerate() {
            let Some(body) = self.bodies.get(b as usize) else {
                continue;
            };
            let calls = self
                .call_target
                .get(body.start as usize..body.end as usize)
                .unwrap_or_default();
            let kinds = self
                .call_kind
                .get(body.start as usize..body.end as usize)
                .unwrap_or_default();
            if calls
                .iter()
                .zip(kinds)
                .any(|(t, &k)| k <= EdgeKind::Interface as u8 && targets.contains(t))
            {
                out.push(m as MethodId);
            }
        }
        out
    }

    /// The methods class `descriptor` defines.
    pub fn methods_of_class(&self, descriptor: &str) -> Vec<MethodId> {
        self.type_of(descriptor)
            .map(|t| self.own_methods(t).to_vec())
            .unwrap_or_default()
    }

    /// The settings-screen actions (`android.settings.*`) the method loads as constant strings.
    pub fn settings_actions(&self, method: MethodId) -> Vec<&str> {
        let Some(&body) = self.body_of.get(method as usize) else {
            return Vec::new();
        };
        self.permission_strings
            .get(&body)
            .map(|ids| {
                ids.iter()
                    .map(|&n| self.names.text(n))
                    .filter(|s| s.starts_with("android.settings."))
                    .collect()
            })
            .unwrap_or_default()
    }
}

impl Graph {
    /// Every method the code names (app-defined or platform) whose name is `name`, any class.
    pub fn methods_with_name(&self, name: &str) -> Vec<MethodId> {
        let Some(n) = self.names.get(name) else {
            return Vec::new();
        };
        self.methods
            .iter()
            .enumerate()
            .filter(|(_, m)| m[1] == n)
            .filter_map(|(i, _)| u32::try_from(i).ok())
            .collect()
    }

    /// The calls of `m` whose constant arguments the graph keeps (sensor lookups by type,
    /// intents and components aimed at a package or class: see `classify::CONST_ARGS`), as
    /// (position among [`Graph::calls_of`]`(m)`, callee, arguments in register order, the
    /// receiver first for instance calls). A constant is the last one loaded into the register
    /// before the call in instruction order, with any other write in between clearing it.
    pub fn const_calls(&self, m: MethodId) -> Vec<(usize, MethodId, Vec<ArgConst<'_>>)> {
        let Some(body) = self
            .body_of
            .get(m as usize)
            .and_then(|&b| self.bodies.get(b as usize))
        else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for i in body.start..body.end {
            let Some(args) = self.call_consts.get(&i) else {
                continue;
            };
            let Some(&target) = self.call_target.get(i as usize) else {
                continue;
            };
            let args = args
                .iter()
                .map(|&(tag, v)| match tag {
                    CONST_INT => ArgConst::Int(v as i32),
                    CONST_STR => ArgConst::Str(self.names.text(v)),
                    _ => ArgConst::Unknown,
                })
                .collect();
            out.push(((i - body.start) as usize, target, args));
        }
        out
    }
}

impl Graph {
    /// Every class descriptor the code names (defines, extends, implements, instantiates, or
    /// names in a call, field access or constant), platform classes included.
    pub fn type_names(&self) -> impl Iterator<Item = &str> {
        self.types.iter()
    }

    /// The string constants kept as arguments of the calls [`Graph::const_calls`] reports
    /// (intent actions and packages, intent-filter actions, parsed URIs), in no set order.
    pub fn const_strings(&self) -> impl Iterator<Item = &str> {
        self.call_consts
            .values()
            .flat_map(|args| args.iter())
            .filter(|(tag, _)| *tag == CONST_STR)
            .map(|&(_, v)| self.names.text(v))
    }
}
