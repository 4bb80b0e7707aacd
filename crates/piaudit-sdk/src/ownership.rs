//! Ownership of one app's code, decided once per app: each class belongs to the app, to one
//! detected SDK, to the platform, or to unknown third-party code.
//!
//! The catalogue's prefixes give the first answer, adjusted by what was detected in this app: a
//! short prefix (`com.loc`) owns classes only when its SDK was detected, and a package a host's
//! jar carries (`cn.jpush.android.service` in JCore) belongs to the host when its product is only
//! embedded there. Then [`Ownership::propagate`] gives unknown third-party classes (obfuscated
//! internals such as Umeng 5.x's `u.aly`, `com.alipay.security.mobile`) to the one SDK whose code
//! alone reaches them, over class-level call edges (caller class → callee class) that any source
//! may supply: the code scan's kept edges or a whole-program call graph.
//!
//! This module must not read DEX files nor decide compliance.

use std::collections::HashMap;

use crate::attribution::{Attribution, FirstParty};
use crate::catalog::{Catalog, SdkHit, SdkIdx};
use crate::evidence::Weight;
use crate::pattern::is_platform_class;

/// Who reaches an unknown class through unknown classes only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    Nobody,
    /// Only the app's own code.
    App,
    /// Only this SDK's code.
    Sdk(SdkIdx),
    /// Code of more than one owner: stays unknown third-party.
    Mixed,
}

impl Reach {
    fn join(self, other: Reach) -> Reach {
        match (self, other) {
            (Reach::Nobody, x) | (x, Reach::Nobody) => x,
            (a, b) if a == b => a,
            _ => Reach::Mixed,
        }
    }
}

/// The owner of every class of one app (see the module documentation).
#[derive(Debug)]
pub struct Ownership<'c> {
    catalog: &'c Catalog,
    first_party: FirstParty,
    /// Per SDK of the catalogue: detected in this app, and the host it is embedded in.
    detected: Vec<Option<Option<SdkIdx>>>,
    /// Unknown classes given to an SDK by [`Ownership::propagate`].
    inherited: HashMap<Box<str>, SdkIdx>,
}

impl<'c> Ownership<'c> {
    /// Ownership by package prefixes, given the app's first-party prefixes and the SDKs
    /// detected in it.
    pub fn new(catalog: &'c Catalog, first_party: FirstParty, hits: &[SdkHit]) -> Ownership<'c> {
        let mut detected = vec![None; catalog.sdks().len()];
        for hit in hits {
            let host = hit.embedded_in.as_deref().and_then(|id| catalog.find(id));
            if let Some(slot) = detected.get_mut(hit.index.get()) {
                *slot = Some(host);
            }
        }
        Ownership {
            catalog,
            first_party,
            detected,
            inherited: HashMap::new(),
        }
    }

    /// The owner of `class` (dotted) by prefixes and detection, before propagation.
    fn by_prefix(&self, class: &str) -> Attribution {
        if is_platform_class(class) {
            return Attribution::Platform;
        }
        let sdk = self.catalog.class_match(class).and_then(|hit| {
            let owner = SdkIdx::new(hit.owner);
            let state = self.detected.get(owner.get()).copied().flatten();
            match (hit.weight, hit.carrier) {
                // A short prefix owns nothing unless its SDK was detected on its own evidence.
                (Weight::Corroborating, _) => match state {
                    Some(None) => Some((owner, hit.depth)),
                    _ => None,
                },
                // A carried package is the host's code unless its product is integrated.
                (Weight::Carried, Some(carrier)) => match state {
                    Some(None) => Some((owner, hit.depth)),
                    _ => Some((SdkIdx::new(carrier), hit.depth)),
                },
                _ => Some((owner, hit.depth)),
            }
        });
        match (self.first_party.depth(class), sdk) {
            (Some(app_depth), Some((index, sdk_depth))) if sdk_depth > app_depth => {
                Attribution::Sdk(index)
            }
            (Some(_), _) => Attribution::App,
            (None, Some((index, _))) => Attribution::Sdk(index),
            (None, None) => Attribution::ThirdParty,
        }
    }

    /// The owner of `class` (dotted).
    pub fn owner(&self, class: &str) -> Attribution {
        match self.by_prefix(class) {
            Attribution::ThirdParty => self
                .inherited
                .get(class)
                .map_or(Attribution::ThirdParty, |sdk| Attribution::Sdk(*sdk)),
            owner => owner,
        }
    }

    /// How many unknown classes [`Ownership::propagate`] gave to an SDK.
    pub fn inherited_count(&self) -> usize {
        self.inherited.len()
    }

    /// Gives each unknown third-party class reachable only from one SDK's code (directly or
    /// through other unknown classes) to that SDK. A class the app's own code reaches, or that
    /// two SDKs reach, stays unknown. `edges` are class-level call edges (caller → callee,
    /// dotted names); duplicates and self-edges are harmless. Runs in time linear in the edges.
    pub fn propagate<'e>(&mut self, edges: impl IntoIterator<Item = (&'e str, &'e str)>) {
        // Unknown classes get dense ids; their successors among unknown classes and the
        // owners whose code calls them directly are gathered in one pass.
        let mut ids: HashMap<&'e str, u32> = HashMap::new();
        let mut names: Vec<&'e str> = Vec::new();
        let mut reach: Vec<Reach> = Vec::new();
        let mut successors: Vec<Vec<u32>> = Vec::new();
        let mut owner_cache: HashMap<&'e str, Attribution> = HashMap::new();
        let mut owner_of = |class: &'e str, this: &Self| {
            *owner_cache
                .entry(class)
                .or_insert_with(|| this.by_prefix(class))
        };
        let mut id_of = |class: &'e str,
                         names: &mut Vec<&'e str>,
                         reach: &mut Vec<Reach>,
                         successors: &mut Vec<Vec<u32>>| {
            *ids.entry(class).or_insert_with(|| {
                names.push(class);
                reach.push(Reach::Nobody);
                successors.push(Vec::new());
                u32::try_from(names.len() - 1).unwrap_or(u32::MAX)
            })
        };
        for (caller, callee) in edges {
            if caller == callee || owner_of(callee, self) != Attribution::ThirdParty {
                continue;
            }
            let to = id_of(callee, &mut names, &mut reach, &mut successors);
            let source = match owner_of(caller, self) {
                Attribution::App => Reach::App,
                Attribution::Sdk(sdk) => Reach::Sdk(sdk),
                Attribution::Platform => continue,
                Attribution::ThirdParty => {
                    let from = id_of(caller, &mut names, &mut reach, &mut successors);
                    if let Some(list) = successors.get_mut(from as usize) {
                        list.push(to);
                    }
                    continue;
                }
            };
            if let Some(slot) = reach.get_mut(to as usize) {
                *slot = slot.join(source);
            }
        }
        // Worklist to a fixed point: a class's reach only moves up Nobody → one owner → Mixed,
        // so each class is queued at most three times.
        let mut queue: Vec<u32> = (0..reach.len())
            .filter_map(|i| u32::try_from(i).ok())
            .filter(|&i| reach.get(i as usize) != Some(&Reach::Nobody))
            .collect();
        while let Some(from) = queue.pop() {
            let Some(&source) = reach.get(from as usize) else {
                continue;
            };
            let Some(next) = successors.get(from as usize) else {
                continue;
            };
            for &to in next {
                if let Some(slot) = reach.get_mut(to as usize) {
                    let joined = slot.join(source);
                    if joined != *slot {
                        *slot = joined;
                        queue.push(to);
                    }
                }
            }
        }
        for (name, reach) in names.iter().zip(&reach) {
            if let Reach::Sdk(sdk) = reach {
                self.inherited.insert((*name).into(), *sdk);
            }
        }
    }
}
