//! CEL functions rules may call besides the CEL standard library.
//!
//! Each answers a factual question about the app being evaluated or looks a table up; none
//! judges. They are computed from an index built once per app ([`AppIndex`]):
//!
//! | function | returns |
//! | --- | --- |
//! | `policy_text_found()` | bool: some policy text was analysed (a bundled text, or a URL fetched with `--online`): `policies[].disclosures` is an object |
//! | `policy_discloses_pi(pi)` | bool: some analysed policy names PI type `pi` (`disclosures.pi_types[].id`) |
//! | `policy_names_sdk(id)` | bool: some analysed policy names SDK `id` (`disclosures.named_sdks[].id`) |
//! | `policy_has_element(name)` | bool: some analysed policy has element `name` (`disclosures.elements[name].present`) |
//! | `pi_sources()` | list of maps `{pi_type, via, text}`, one per way the app can obtain a PI type: `via` = `permission` (a dangerous permission with a PI type), `api` (an `api_refs` entry with a PI type that is not `weak` and whose permissions are declared) or `sdk` (a detected SDK's `pi_types`, except SDKs `embedded_in` another); `text` such as `location ← android.permission.ACCESS_FINE_LOCATION`; deduplicated, in facts order |
//! | `api_ref_text(r)` | an `api_refs` entry as text: `TelephonyManager.getDeviceId() @ SDK umeng-analytics (com.umeng.Foo, 3 call sites)` |
//! | `is_pi_type(x)` | bool: `x` is one of the PI-type slugs (`device_id`, `location`, ...), not null, not `permission_request` |
//! | `permission_pi_type(name)` | the PI-type slug of a permission in the table, or null |
//! | `api_info(ref)` | map for a sensitive reference: `short` (`TelephonyManager.getDeviceId()`), `known` (in the table), `pi_type`, `weak`, `resettable`, `system_mediated`, `permitted` (the permissions it needs are declared, or it needs none / is unknown) |
//!
//! This module reads the facts only to build the index; it must not change them.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use cel::objects::Key;
use cel::{Context, Value};

use crate::tables::Tables;
use piaudit_facts::AppFacts;

/// The helper function names, for `rules check`.
pub const NAMES: [&str; 9] = [
    "pi_sources",
    "api_ref_text",
    "is_pi_type",
    "policy_text_found",
    "policy_discloses_pi",
    "policy_names_sdk",
    "policy_has_element",
    "permission_pi_type",
    "api_info",
];

/// What the helpers know about one app, built once per evaluation.
#[derive(Debug)]
pub(crate) struct AppIndex {
    policy_text_found: bool,
    disclosed_pi: HashSet<String>,
    named_sdks: HashSet<String>,
    present_elements: HashSet<String>,
    /// `api_info` maps of the references the app has, by reference text.
    api_info: HashMap<String, Value>,
    /// `pi_sources()`.
    pi_sources: Value,
}

impl AppIndex {
    pub(crate) fn build(facts: &AppFacts, tables: &Tables) -> AppIndex {
        let mut index = AppIndex {
            policy_text_found: false,
            disclosed_pi: HashSet::new(),
            named_sdks: HashSet::new(),
            present_elements: HashSet::new(),
            api_info: HashMap::new(),
            pi_sources: Value::List(Arc::new(Vec::new())),
        };
        for disclosures in facts.policies.iter().filter_map(|p| p.disclosures.as_ref()) {
            index.policy_text_found = true;
            for pi in &disclosures.pi_types {
                index.disclosed_pi.insert(pi.id.clone());
            }
            for sdk in &disclosures.named_sdks {
                index.named_sdks.insert(sdk.id.clone());
            }
            for (name, element) in &disclosures.elements {
                if element.present {
                    index.present_elements.insert(name.clone());
                }
            }
        }
        let declared: HashSet<&str> = facts.permissions.iter().map(|p| p.name.as_str()).collect();
        for api in facts.api_refs.iter().map(|r| r.api.as_str()) {
            if !index.api_info.contains_key(api) {
                let info = api_info(api, tables, &declared);
                index.api_info.insert(api.to_owned(), info);
            }
        }
        index.pi_sources = pi_sources(facts, tables, &declared);
        index
    }
}

fn text_of<'a>(value: &'a serde_json::Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(|v| v.as_str())
}

/// Every way the app can obtain a PI type, per the tables (see the module docs).
fn pi_sources(facts: &AppFacts, tables: &Tables, declared: &HashSet<&str>) -> Value {
    let mut seen = HashSet::new();
    let mut sources = Vec::new();
    let mut add = |pi_type: &str, via: &str, text: String| {
        if crate::PI_TYPES.contains(&pi_type) && seen.insert(text.clone()) {
            sources.push(map_value([
                ("pi_type", Value::String(Arc::new(pi_type.to_owned()))),
                ("via", Value::String(Arc::new(via.to_owned()))),
                ("text", Value::String(Arc::new(text))),
            ]));
        }
    };
    for p in facts.permissions.iter().filter(|p| p.dangerous) {
        if let Some(pi) = p.pi_type.as_deref() {
            add(pi, "permission", format!("{pi} ← {}", p.name));
        }
    }
    for r in &facts.api_refs {
        let (pi, api) = (r.pi_type.as_str(), r.api.as_str());
        // Present, but no live code reaches it (call graph): not a way to obtain PI.
        if r.live == Some(false) {
            continue;
        }
        let entry = tables.sensitive_api(api);
        if entry.is_some_and(|e| e.weak) || !permitted(entry, declared) {
            continue;
        }
        let json = serde_json::to_value(r).unwrap_or_default();
        add(pi, "api", format!("{pi} ← {}", api_ref_text(&json)));
    }
    // A product embedded in another SDK's jar is that host's code: the host's PI types count.
    for sdk in facts.sdks.iter().filter(|s| s.embedded_in.is_none()) {
        for pi in &sdk.pi_types {
            add(pi, "sdk", format!("{pi} ← SDK {}", sdk.id));
        }
    }
    Value::List(Arc::new(sources))
}

/// An `api_refs` entry as one line of text.
fn api_ref_text(r: &serde_json::Value) -> String {
    let api = short_reference(text_of(r, "api").unwrap_or("?"));
    let by = match (text_of(r, "attributed_to"), text_of(r, "sdk")) {
        (Some("sdk"), Some(sdk)) => format!("SDK {sdk}"),
        (Some(other), _) => other.to_owned(),
        (None, _) => "?".to_owned(),
    };
    let caller = array(r, "callers").first().and_then(|c| c.as_str());
    let sites = r.get("call_sites").and_then(|c| c.as_u64());
    match (caller, sites) {
        (Some(c), Some(n)) => format!("{api} @ {by} ({c}, {n} call sites)"),
        (Some(c), None) => format!("{api} @ {by} ({c})"),
        (None, Some(n)) => format!("{api} @ {by} ({n} call sites)"),
        (None, None) => format!("{api} @ {by}"),
    }
}

/// The permissions a table entry needs are declared (or it needs none, or it is not in the table).
fn permitted(entry: Option<&crate::tables::SensitiveApi>, declared: &HashSet<&str>) -> bool {
    entry.is_none_or(|e| {
        (e.requires_any.is_empty() || e.requires_any.iter().any(|p| declared.contains(p.as_str())))
            && e.requires_all.iter().all(|p| declared.contains(p.as_str()))
    })
}

fn array<'a>(value: &'a serde_json::Value, key: &str) -> &'a [serde_json::Value] {
    value
        .get(key)
        .and_then(|v| v.as_array())
        .map_or(&[], Vec::as_slice)
}

fn api_info(reference: &str, tables: &Tables, declared: &HashSet<&str>) -> Value {
    let entry = tables.sensitive_api(reference);
    let permitted = permitted(entry, declared);
    let fields: [(&str, Value); 7] = [
        ("short", Value::String(Arc::new(short_reference(reference)))),
        ("known", Value::Bool(entry.is_some())),
        (
            "pi_type",
            entry
                .and_then(|e| e.pi_type.clone())
                .map_or(Value::Null, |t| Value::String(Arc::new(t))),
        ),
        ("weak", Value::Bool(entry.is_some_and(|e| e.weak))),
        (
            "resettable",
            Value::Bool(entry.is_some_and(|e| e.resettable)),
        ),
        (
            "system_mediated",
            Value::Bool(entry.is_some_and(|e| e.system_mediated)),
        ),
        ("permitted", Value::Bool(permitted)),
    ];
    map_value(fields)
}

fn map_value<const N: usize>(fields: [(&str, Value); N]) -> Value {
    let map: HashMap<Key, Value> = fields
        .into_iter()
        .map(|(k, v)| (Key::String(Arc::new(k.to_owned())), v))
        .collect();
    Value::Map(map.into())
}

/// `Landroid/telephony/TelephonyManager;->getDeviceId()Ljava/lang/String;` →
/// `TelephonyManager.getDeviceId()`; a field keeps its name; other text is returned as is.
pub fn short_reference(reference: &str) -> String {
    let Some((class, member)) = reference.split_once(";->") else {
        return reference.to_owned();
    };
    // Strip the descriptor's `L` before taking the simple name: `LocationManager` keeps its L.
    let class = class.strip_prefix('L').unwrap_or(class);
    let class = class.rsplit('/').next().unwrap_or(class);
    let class = class.replace('$', ".");
    if let Some((name, _)) = member.split_once('(') {
        format!("{class}.{name}()")
    } else {
        let name = member.split(':').next().unwrap_or(member);
        format!("{class}.{name}")
    }
}

#[cfg(test)]
mod short_reference_tests {
    use super::short_reference;

    #[test]
    fn simple_names_keep_a_leading_l() {
        assert_eq!(
            short_reference(
                "Landroid/location/LocationManager;->getLastKnownLocation(Ljava/lang/String;)Landroid/location/Location;"
            ),
            "LocationManager.getLastKnownLocation()"
        );
        assert_eq!(
            short_reference("Landroid/os/Build;->SERIAL:Ljava/lang/String;"),
            "Build.SERIAL"
        );
        assert_eq!(short_reference("LFoo;->bar()V"), "Foo.bar()");
    }
}

/// Registers the helpers on a context, answering from `index` and `tables`.
pub(crate) fn register(
    context: &mut Context<'_, '_>,
    index: &Arc<AppIndex>,
    tables: &Arc<Tables>,
) -> Result<(), cel::DeclarationError> {
    let i = Arc::clone(index);
    context.add_function("pi_sources", move || i.pi_sources.clone())?;
    context.add_function("api_ref_text", |r: Value| {
        Value::String(Arc::new(api_ref_text(&crate::convert::cel_to_json(&r))))
    })?;
    context.add_function(
        "is_pi_type",
        |value: Value| matches!(&value, Value::String(s) if crate::PI_TYPES.contains(&s.as_str())),
    )?;
    let i = Arc::clone(index);
    context.add_function("policy_text_found", move || i.policy_text_found)?;
    let i = Arc::clone(index);
    context.add_function("policy_discloses_pi", move |pi: Arc<String>| {
        i.disclosed_pi.contains(pi.as_str())
    })?;
    let i = Arc::clone(index);
    context.add_function("policy_names_sdk", move |id: Arc<String>| {
        i.named_sdks.contains(id.as_str())
    })?;
    let i = Arc::clone(index);
    context.add_function("policy_has_element", move |name: Arc<String>| {
        i.present_elements.contains(name.as_str())
    })?;
    let t = Arc::clone(tables);
    context.add_function("permission_pi_type", move |name: Arc<String>| {
        t.permission(&name)
            .and_then(|p| p.pi_type.clone())
            .map_or(Value::Null, |s| Value::String(Arc::new(s)))
    })?;
    let i = Arc::clone(index);
    let t = Arc::clone(tables);
    context.add_function("api_info", move |reference: Arc<String>| {
        i.api_info
            .get(reference.as_str())
            .cloned()
            .unwrap_or_else(|| api_info(&reference, &t, &HashSet::new()))
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::short_reference;

    #[test]
    fn shortens_references() {
        assert_eq!(
            short_reference(
                "Landroid/telephony/TelephonyManager;->getDeviceId()Ljava/lang/String;"
            ),
            "TelephonyManager.getDeviceId()"
        );
        assert_eq!(
            short_reference("Landroid/provider/Settings$Secure;->ANDROID_ID:Ljava/lang/String;"),
            "Settings.Secure.ANDROID_ID"
        );
        assert_eq!(short_reference("content://sms"), "content://sms");
    }
}
