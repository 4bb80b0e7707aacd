//! Whether the code uses each dangerous permission the app declares, and whether it ever asks
//! Android if a rationale should be shown before a runtime-permission request (issue 18).
//!
//! Owns reading `rules/data/permission-apis.toml` and matching it against what the call graph
//! names (classes, invoked methods, kept constant strings, defined WebView callbacks), the
//! manifest's receivers and the sensitive-API table's required permissions; it fills
//! `permission_use` and `permission_rationale`. It must not judge (rules do), decode bytes (the
//! graph does) nor say "unused" when code is hidden: then `judged` is false.

use std::collections::{BTreeMap, BTreeSet};

use piaudit_graph::{ArgConst, Graph};
use serde::Deserialize;

use crate::facts::{AppFacts, PermissionRationale, PermissionUsage, PermissionUse};

/// The embedded table.
pub const PERMISSION_APIS_TOML: &str = include_str!("../rules/data/permission-apis.toml");

/// Uses kept per permission.
const MAX_USES: usize = 5;

/// One group of permissions and what uses them (see the table's header).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PermissionApi {
    pub names: Vec<String>,
    #[serde(default)]
    pub classes: Vec<String>,
    #[serde(default)]
    pub calls: Vec<String>,
    #[serde(default)]
    pub strings: Vec<String>,
    #[serde(default)]
    pub receivers: Vec<String>,
    #[serde(default)]
    pub webview: Vec<String>,
    #[serde(default)]
    pub computed_uri: bool,
    pub source: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TableFile {
    schema_version: u32,
    permission: Vec<PermissionApi>,
}

/// The table of permission-needing APIs.
#[derive(Debug, Clone, Default)]
pub struct PermissionApis {
    pub groups: Vec<PermissionApi>,
}

impl PermissionApis {
    /// The embedded table (checked by the tests; an invalid embedded table is a build defect
    /// and gives an empty one, which judges nothing).
    pub fn embedded() -> &'static PermissionApis {
        static TABLE: std::sync::OnceLock<PermissionApis> = std::sync::OnceLock::new();
        TABLE.get_or_init(|| PermissionApis::from_toml(PERMISSION_APIS_TOML).unwrap_or_default())
    }

    /// Parses and checks the table: schema 1, `android.permission.*` names, calls as
    /// `Lpkg/Cls;->name`, classes as descriptors, a source each.
    pub fn from_toml(text: &str) -> Result<PermissionApis, String> {
        let file: TableFile = toml::from_str(text).map_err(|e| e.to_string())?;
        if file.schema_version != 1 {
            return Err(format!(
                "unsupported schema_version {}",
                file.schema_version
            ));
        }
        for g in &file.permission {
            let first = g.names.first().cloned().unwrap_or_default();
            if g.source.is_empty() || g.names.is_empty() {
                return Err(format!("{first}: names and source are required"));
            }
            if let Some(n) = g
                .names
                .iter()
                .find(|n| !n.starts_with("android.permission."))
            {
                return Err(format!("{n}: not an android.permission name"));
            }
            if let Some(c) = g.classes.iter().find(|c| !c.starts_with('L')) {
                return Err(format!("{first}: class `{c}` is not a descriptor"));
            }
            if let Some(c) = g.calls.iter().find(|c| split_call(c).is_none()) {
                return Err(format!("{first}: call `{c}` is not Lpkg/Cls;->name"));
            }
        }
        Ok(PermissionApis {
            groups: file.permission,
        })
    }
}

/// `Lpkg/Cls;->name` → (`Lpkg/Cls;`, `name`).
fn split_call(call: &str) -> Option<(&str, &str)> {
    let (class, name) = call.split_once("->")?;
    (class.starts_with('L') && class.ends_with(';') && !name.is_empty() && !name.contains('('))
        .then_some((class, name))
}

/// Whether descriptor `t` matches a table class (`…;` exact, else a prefix).
fn class_matches(pattern: &str, t: &str) -> bool {
    if pattern.ends_with(';') {
        t == pattern
    } else {
        t.starts_with(pattern)
    }
}

/// What hides code from the graph, so that "no use found" says nothing.
///
/// Conservative on purpose: any sign of code the graph did not read stops the judgement.
fn hidden_by(graph: Option<&Graph>, facts: &AppFacts) -> Vec<String> {
    let mut out = Vec::new();
    if !facts.packers.is_empty() {
        out.push("packed".to_owned());
    }
    if !facts.native_libs.is_empty() {
        out.push("native-libraries".to_owned());
    }
    let Some(g) = graph else {
        out.push("no-code".to_owned());
        return out;
    };
    // Components the manifest names whose classes the code does not define: code lives in
    // splits or feature modules not read, or is unpacked at run time.
    let missing = facts
        .components
        .iter()
        .filter(|c| c.kind != "activity-alias")
        .map(|c| c.name.as_str())
        .chain(facts.application_class.as_deref())
        .any(|class| !g.defines_class(&format!("L{};", class.replace('.', "/"))));
    if missing {
        out.push("components-without-code".to_owned());
    }
    let l = g.limits();
    for (kind, count) in [
        ("native-methods", l.native_methods),
        ("native-loads", l.native_loads),
        ("dynamic-loading", l.dynamic_loading),
        ("reflection-computed", l.reflection_computed),
        ("malformed-methods", l.malformed_methods),
        ("truncated", u64::from(l.truncated)),
    ] {
        if count > 0 {
            out.push(kind.to_owned());
        }
    }
    out
}

/// Whether some code computes a content URI at run time and hands URIs to a content resolver:
/// then any provider may be read.
fn computed_content_uri(g: &Graph) -> bool {
    let resolver = g.type_names().any(|t| {
        matches!(
            t,
            "Landroid/content/ContentResolver;"
                | "Landroid/content/ContentProviderClient;"
                | "Landroid/content/CursorLoader;"
                | "Landroidx/loader/content/CursorLoader;"
                | "Landroid/support/v4/content/CursorLoader;"
        )
    });
    if !resolver {
        return false;
    }
    let invoked = |class: &str, name: &str| {
        g.find_methods_named(class, name)
            .into_iter()
            .any(|m| g.is_invoked(m))
    };
    if invoked("Landroid/net/Uri$Builder;", "authority")
        || invoked("Landroid/net/Uri;", "withAppendedPath")
        || invoked("Landroid/net/Uri;", "fromParts")
    {
        return true;
    }
    // `Uri.parse` with an argument not loaded as a constant in the calling method.
    let parse: std::collections::HashSet<u32> = g
        .find_methods_named("Landroid/net/Uri;", "parse")
        .into_iter()
        .collect();
    g.callers_of(&parse).into_iter().any(|m| {
        let all = g
            .calls_of(m)
            .iter()
            .filter(|(t, _)| parse.contains(t))
            .count();
        let constant = g
            .const_calls(m)
            .iter()
            .filter(|(_, t, args)| {
                parse.contains(t) && matches!(args.first(), Some(ArgConst::Str(_)))
            })
            .count();
        all > constant
    })
}

/// The sensitive-API table as this module reads it.
pub struct SensitiveRefs<'t> {
    /// Method references with the permissions they need (`permission`, `requires_*`).
    pub needs: Vec<(&'t str, Vec<&'t str>)>,
    /// Method references of runtime-permission requests.
    pub requests: Vec<&'t str>,
}

/// Fills `facts.permission_use` and `facts.permission_rationale`; `request_live` is whether
/// live code calls a runtime-permission request (null: no call graph).
pub fn analyse(
    graph: Option<&Graph>,
    facts: &mut AppFacts,
    table: &PermissionApis,
    sensitive: &SensitiveRefs<'_>,
    request_live: Option<bool>,
) {
    let declared: BTreeSet<&str> = facts.permissions.iter().map(|p| p.name.as_str()).collect();
    let mut uses: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for g in &table.groups {
        for n in &g.names {
            if declared.contains(n.as_str()) {
                uses.entry(n.clone()).or_default();
            }
        }
    }
    let hidden = hidden_by(graph, facts);
    if let Some(g) = graph.filter(|_| !uses.is_empty()) {
        let types: Vec<&str> = g.type_names().collect();
        let strings: BTreeSet<&str> = g.const_strings().collect();
        let receiver_actions: BTreeSet<&str> = facts
            .components
            .iter()
            .filter(|c| c.kind == "receiver")
            .flat_map(|c| c.actions.iter().map(String::as_str))
            .collect();
        let mut computed: Option<bool> = None;
        for group in &table.groups {
            if !group.names.iter().any(|n| uses.contains_key(n)) {
                continue;
            }
            let mut found: Vec<String> = Vec::new();
            for pattern in &group.classes {
                if let Some(t) = types.iter().find(|t| class_matches(pattern, t)) {
                    found.push(format!("class {t}"));
                }
            }
            for call in &group.calls {
                let Some((class, name)) = split_call(call) else {
                    continue;
                };
                if g.find_methods_named(class, name)
                    .into_iter()
                    .any(|m| g.is_invoked(m))
                {
                    found.push(format!("call {call}"));
                }
            }
            for prefix in &group.strings {
                if let Some(s) = strings.iter().find(|s| s.starts_with(prefix.as_str())) {
                    found.push(format!("string {s}"));
                }
            }
            for action in &group.receivers {
                if receiver_actions.contains(action.as_str()) {
                    found.push(format!("receiver {action}"));
                }
            }
            for name in &group.webview {
                if let Some(m) = g
                    .methods_with_name(name)
                    .into_iter()
                    .find(|&m| g.is_defined(m))
                {
                    found.push(format!("webview {}", g.display(m)));
                }
            }
            if group.computed_uri && *computed.get_or_insert_with(|| computed_content_uri(g)) {
                found.push("content URI computed at run time".to_owned());
            }
            for n in &group.names {
                if let Some(list) = uses.get_mut(n) {
                    list.extend(found.iter().cloned());
                }
            }
        }
        for (api, permissions) in &sensitive.needs {
            if !g.find_method(api).is_some_and(|m| g.is_invoked(m)) {
                continue;
            }
            for p in permissions {
                if let Some(list) = uses.get_mut(*p) {
                    list.push(format!("call {api}"));
                }
            }
        }
    }
    facts.permission_use = PermissionUse {
        judged: hidden.is_empty() && graph.is_some(),
        hidden_by: hidden,
        permissions: uses
            .into_iter()
            .map(|(permission, mut used_by)| {
                used_by.dedup();
                used_by.truncate(MAX_USES);
                PermissionUsage {
                    permission,
                    used: !used_by.is_empty(),
                    used_by,
                }
            })
            .collect(),
    };

    let mut rationale = PermissionRationale {
        request_live,
        ..PermissionRationale::default()
    };
    if let Some(g) = graph {
        let mut requests: BTreeSet<String> = BTreeSet::new();
        for m in g.methods_with_name("requestPermissions") {
            if g.is_invoked(m) && !g.is_defined(m) {
                requests.insert(g.display(m));
            }
        }
        for api in &sensitive.requests {
            if g.find_method(api).is_some_and(|m| g.is_invoked(m)) {
                requests.insert((*api).to_owned());
            }
        }
        rationale.request_apis = requests.into_iter().take(10).collect();
        // Any call naming it, whatever the class (a platform, support-library or app wrapper):
        // a library that defines it without anything calling it shows nothing.
        rationale.rationale_api_referenced = g
            .methods_with_name("shouldShowRequestPermissionRationale")
            .into_iter()
            .any(|m| g.is_invoked(m));
    }
    facts.permission_rationale = rationale;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_table_loads_and_covers_the_common_dangerous_permissions() {
        let table = PermissionApis::from_toml(PERMISSION_APIS_TOML).expect("embedded table");
        let names: BTreeSet<&str> = table
            .groups
            .iter()
            .flat_map(|g| g.names.iter().map(String::as_str))
            .collect();
        for p in [
            "android.permission.CAMERA",
            "android.permission.RECORD_AUDIO",
            "android.permission.ACCESS_FINE_LOCATION",
            "android.permission.READ_CONTACTS",
            "android.permission.READ_PHONE_STATE",
            "android.permission.READ_SMS",
        ] {
            assert!(names.contains(p), "{p}");
        }
        // Never judged: their use needs no specific API.
        assert!(!names.contains("android.permission.READ_EXTERNAL_STORAGE"));
        assert!(!names.contains("android.permission.POST_NOTIFICATIONS"));
    }

    #[test]
    fn a_table_with_a_malformed_entry_is_refused() {
        let entry = |body: &str| format!("schema_version = 1\n[[permission]]\n{body}\n");
        for bad in [
            "names = [\"CAMERA\"]\nsource = [\"x\"]",
            "names = [\"android.permission.CAMERA\"]\nsource = []",
            "names = [\"android.permission.CAMERA\"]\ncalls = [\"Landroid/hardware/Camera;->open()\"]\nsource = [\"x\"]",
            "names = [\"android.permission.CAMERA\"]\nclasses = [\"android.hardware.Camera\"]\nsource = [\"x\"]",
            "names = [\"android.permission.CAMERA\"]\nsource = [\"x\"]\nextra = 1",
        ] {
            assert!(PermissionApis::from_toml(&entry(bad)).is_err(), "{bad}");
        }
        assert!(
            PermissionApis::from_toml(&entry(
                "names = [\"android.permission.CAMERA\"]\nclasses = [\"Landroid/hardware/camera2/\"]\nsource = [\"x\"]"
            ))
            .is_ok()
        );
    }

    #[test]
    fn class_patterns_are_exact_with_a_semicolon_and_prefixes_without() {
        assert!(class_matches(
            "Landroid/hardware/Camera;",
            "Landroid/hardware/Camera;"
        ));
        assert!(!class_matches(
            "Landroid/hardware/Camera;",
            "Landroid/hardware/CameraX;"
        ));
        assert!(class_matches(
            "Landroid/provider/Contacts",
            "Landroid/provider/ContactsContract$Data;"
        ));
        assert!(!class_matches(
            "Landroid/location/",
            "Landroid/locationx/A;"
        ));
    }

    #[test]
    fn without_code_nothing_is_judged() {
        let mut facts = AppFacts {
            permissions: vec![crate::facts::Permission {
                name: "android.permission.CAMERA".to_owned(),
                ..Default::default()
            }],
            ..AppFacts::default()
        };
        let refs = SensitiveRefs {
            needs: Vec::new(),
            requests: Vec::new(),
        };
        analyse(None, &mut facts, PermissionApis::embedded(), &refs, None);
        assert!(!facts.permission_use.judged);
        assert_eq!(facts.permission_use.hidden_by, ["no-code"]);
        assert_eq!(facts.permission_use.permissions.len(), 1);
        assert!(!facts.permission_rationale.rationale_api_referenced);
    }
}
