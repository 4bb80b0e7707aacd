//! Code-level self-start and associated start-up (MIIT notice 164 item 4; issue 18): intents
//! the code aims at another app's package by a constant name and then starts, binds or
//! broadcasts ("alliance wake-up"), and work scheduled (JobScheduler, AlarmManager,
//! WorkManager) by code reached from a start-up entry point. Each is attributed to the app or
//! an SDK.
//!
//! Owns reading these from the call graph (kept constants of intent calls, calls in
//! instruction order) and from the behaviour layer's start-up reachability, and the table of
//! system packages (`rules/data/system-packages.toml`). It must not judge (rules do) nor decode
//! bytes.

use std::collections::{BTreeMap, HashSet};

use piaudit_graph::{ArgConst, Graph, MethodId};
use serde::Deserialize;

use crate::behaviour::Behaviour;
use crate::facts::{AppFacts, CrossAppStart, ScheduledWork};

/// The embedded table of system packages.
pub const SYSTEM_PACKAGES_TOML: &str = include_str!("../rules/data/system-packages.toml");

/// Records kept of each kind.
const MAX_RECORDS: usize = 50;

/// Calls that hand an intent to another component, by name (platform `Context` methods and
/// their inherited forms; LocalBroadcastManager's are app-defined and stay in the app).
const START_CALLS: &[&str] = &[
    "startService",
    "startForegroundService",
    "bindService",
    "bindIsolatedService",
    "sendBroadcast",
    "sendOrderedBroadcast",
    "sendStickyBroadcast",
];

/// Scheduling APIs: (class, method names).
const SCHEDULERS: &[(&str, &[&str])] = &[
    ("Landroid/app/job/JobScheduler;", &["schedule", "enqueue"]),
    (
        "Landroid/app/AlarmManager;",
        &[
            "set",
            "setRepeating",
            "setInexactRepeating",
            "setExact",
            "setAndAllowWhileIdle",
            "setExactAndAllowWhileIdle",
            "setWindow",
            "setAlarmClock",
        ],
    ),
    (
        "Landroidx/work/WorkManager;",
        &["enqueue", "enqueueUniqueWork", "enqueueUniquePeriodicWork"],
    ),
    ("Landroidx/work/WorkContinuation;", &["enqueue"]),
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PackagesFile {
    schema_version: u32,
    source: Vec<String>,
    packages: Vec<String>,
}

/// Packages of the system, Google Play and phone makers' system services.
#[derive(Debug, Clone, Default)]
pub struct SystemPackages {
    entries: Vec<String>,
}

impl SystemPackages {
    /// The embedded table (checked by the tests; invalid gives an empty table).
    pub fn embedded() -> &'static SystemPackages {
        static TABLE: std::sync::OnceLock<SystemPackages> = std::sync::OnceLock::new();
        TABLE.get_or_init(|| SystemPackages::from_toml(SYSTEM_PACKAGES_TOML).unwrap_or_default())
    }

    /// Parses and checks the table: schema 1, a source, package names or prefixes.
    pub fn from_toml(text: &str) -> Result<SystemPackages, String> {
        let file: PackagesFile = toml::from_str(text).map_err(|e| e.to_string())?;
        if file.schema_version != 1 || file.source.is_empty() {
            return Err("schema_version 1 and a source are required".to_owned());
        }
        if let Some(p) = file
            .packages
            .iter()
            .find(|p| !is_package_name(p.trim_end_matches('.')))
        {
            return Err(format!("`{p}` is not a package name or prefix"));
        }
        Ok(SystemPackages {
            entries: file.packages,
        })
    }

    /// Whether `package` is a system package.
    pub fn contains(&self, package: &str) -> bool {
        self.entries.iter().any(|e| {
            if e.ends_with('.') {
                package.starts_with(e.as_str())
            } else {
                package == e
            }
        })
    }
}

/// A Java package name: dot-separated identifiers (`android` alone is one).
pub fn is_package_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 255
        && s.split('.').all(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
}

fn dotted(descriptor: &str) -> String {
    piaudit_dex::descriptor_to_java(descriptor)
}

/// The (package, component class) an intent call aims at, when its arguments are constants
/// naming another package (`setPackage(pkg)`, `setClassName(pkg, cls)`,
/// `new ComponentName(pkg, cls)`).
fn target_of(
    g: &Graph,
    callee: MethodId,
    args: &[ArgConst<'_>],
) -> Option<(String, Option<String>)> {
    let class = g.class_of(callee);
    let name = g.name_of(callee);
    let shown = g.display(callee);
    let two_strings = shown
        .ends_with("(Ljava/lang/String;Ljava/lang/String;)Landroid/content/Intent;")
        || shown.ends_with("(Ljava/lang/String;Ljava/lang/String;)V");
    let (package, component) = match (class, name) {
        ("Landroid/content/Intent;", "setPackage") => (args.get(1)?, None),
        ("Landroid/content/Intent;", "setClassName")
        | ("Landroid/content/ComponentName;", "<init>")
            if two_strings =>
        {
            (args.get(1)?, args.get(2))
        }
        _ => return None,
    };
    let ArgConst::Str(package) = package else {
        return None;
    };
    let component = match component {
        Some(ArgConst::Str(c)) => Some((*c).to_owned()),
        _ => None,
    };
    is_package_name(package).then(|| ((*package).to_owned(), component))
}

/// Fills `facts.cross_app_starts`: methods that aim an intent at another, non-system app by a
/// constant package name and then (later in the same method) start, bind or broadcast.
/// `party` gives (attributed_to, SDK id) for a dotted class.
pub fn cross_app_starts(
    g: &Graph,
    facts: &mut AppFacts,
    system: &SystemPackages,
    party: &dyn Fn(&str) -> (String, Option<String>),
) {
    let starts: HashSet<MethodId> = START_CALLS
        .iter()
        .flat_map(|n| g.methods_with_name(n))
        .filter(|&m| !g.is_defined(m))
        .collect();
    let own = facts.package.clone().unwrap_or_default();
    let mut out: Vec<CrossAppStart> = Vec::new();
    for m in g.callers_of(&starts) {
        let calls = g.calls_of(m);
        for (pos, callee, args) in g.const_calls(m) {
            let Some((package, component)) = target_of(g, callee, &args) else {
                continue;
            };
            if package == own || system.contains(&package) {
                continue;
            }
            let mut after: Vec<String> = calls
                .iter()
                .skip(pos + 1)
                .filter(|(t, _)| starts.contains(t))
                .map(|(t, _)| g.name_of(*t).to_owned())
                .collect();
            after.sort();
            after.dedup();
            if after.is_empty() {
                continue;
            }
            let method = g.display(m);
            if out
                .iter()
                .any(|o| o.method == method && o.package == package && o.component == component)
            {
                continue;
            }
            let (attributed_to, sdk) = party(&dotted(g.class_of(m)));
            out.push(CrossAppStart {
                package,
                component,
                calls: after,
                method,
                attributed_to,
                sdk,
            });
            if out.len() >= MAX_RECORDS {
                facts.cross_app_starts = out;
                return;
            }
        }
    }
    facts.cross_app_starts = out;
}

/// Fills `facts.startup_schedules`: scheduling calls reached from a start-up entry point, one
/// per (API, party), with its shortest chain.
pub fn startup_schedules(
    g: &Graph,
    b: &Behaviour<'_>,
    facts: &mut AppFacts,
    party: &dyn Fn(&str) -> (String, Option<String>),
) {
    let targets: HashSet<MethodId> = SCHEDULERS
        .iter()
        .flat_map(|(class, names)| names.iter().flat_map(|n| g.find_methods_named(class, n)))
        .collect();
    let mut seen: BTreeMap<(String, String, Option<String>), ()> = BTreeMap::new();
    let mut out = Vec::new();
    for (caller, target, site) in b.startup_calls(&targets) {
        let api = g.display(target);
        let (attributed_to, sdk) = party(&dotted(g.class_of(caller)));
        if seen
            .insert((api.clone(), attributed_to.clone(), sdk.clone()), ())
            .is_some()
        {
            continue;
        }
        out.push(ScheduledWork {
            api,
            attributed_to,
            sdk,
            reachable_from: site.reachable_from,
            before_consent: site.before_consent,
            chain: site.chain,
        });
        if out.len() >= MAX_RECORDS {
            break;
        }
    }
    facts.startup_schedules = out;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_packages_match_exactly_or_by_prefix() {
        let system = SystemPackages::from_toml(SYSTEM_PACKAGES_TOML).expect("embedded table");
        for p in [
            "android",
            "com.android.vending",
            "com.google.android.gms",
            "com.huawei.hwid",
            "com.heytap.openid",
            "com.mdid.msa",
        ] {
            assert!(system.contains(p), "{p}");
        }
        for p in [
            "com.tencent.mm",
            "androidx",
            "com.android",
            "com.partner.news",
            "com.mdid.msax",
        ] {
            assert!(!system.contains(p), "{p}");
        }
        assert!(
            SystemPackages::from_toml("schema_version = 1\nsource = []\npackages = []").is_err()
        );
        assert!(
            SystemPackages::from_toml(
                "schema_version = 1\nsource = [\"x\"]\npackages = [\"com..x\"]"
            )
            .is_err()
        );
    }

    #[test]
    fn package_names_are_dotted_java_identifiers() {
        for ok in ["com.partner.news", "a_b.c1", "android"] {
            assert!(is_package_name(ok), "{ok}");
        }
        for bad in [
            "",
            "com.",
            ".com",
            "1com.x",
            "com.x-y",
            "http://x.y",
            "com x",
        ] {
            assert!(!is_package_name(bad), "{bad}");
        }
    }
}
