//! The decoded manifest: from the binary XML tree of `AndroidManifest.xml` to AppFacts fields.
//!
//! Owns the meaning of manifest elements and attributes (what Android applies when an
//! attribute is absent, how class names are qualified, which activity is the launcher) and
//! printing the decoded manifest as text XML. Binary XML parsing is `apk-info`'s; resource
//! references are resolved through [`Resources`]. It must not read the archive itself.

use apk_info::AXML;
use apk_info_xml::Element;

use crate::facts::{AppFacts, Component, DeclaredPermission, MetaData, Permission};
use crate::resources::Resources;

const COMPONENT_KINDS: [&str; 5] = [
    "activity",
    "activity-alias",
    "service",
    "receiver",
    "provider",
];
const PERMISSION_ELEMENTS: [&str; 3] = [
    "uses-permission",
    "uses-permission-sdk-23",
    "uses-permission-sdk-m",
];
/// Caps on what one manifest may contribute (a hostile manifest can declare millions).
const MAX_ITEMS: usize = 50_000;

/// Parses binary XML (the manifest or any `res/xml/*.xml`), resolving references through
/// `resources` where given.
pub fn parse_axml(bytes: &[u8], resources: Option<&Resources>) -> Result<AXML, String> {
    if bytes.is_empty() {
        return Err("empty file".to_owned());
    }
    let patched = with_resource_map(bytes);
    let mut input = patched.as_deref().unwrap_or(bytes);
    AXML::new(&mut input, resources.map(Resources::arsc)).map_err(|e| e.to_string())
}

/// Chunk type of the XML resource map (`RES_XML_RESOURCE_MAP_TYPE`).
const RESOURCE_MAP_TYPE: u16 = 0x0180;

/// `apk-info-axml` 1.1.0 takes whatever chunk follows the string pool as the resource map.
/// Binary XML without `android:` attributes (many `res/xml` files, such as network security
/// configs) has none, so its first element would be swallowed. Our patch: insert an empty
/// resource map where one is missing (aapt's own layout), and fix the document size. Returns
/// None when the bytes need no patch or are too broken to patch (the parser then reports).
fn with_resource_map(bytes: &[u8]) -> Option<Vec<u8>> {
    let u16_at = |at: usize| Some(u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?));
    let u32_at = |at: usize| Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?));
    let pool_size = usize::try_from(u32_at(12)?).ok()?;
    let next = 8usize.checked_add(pool_size)?;
    let next_type = u16_at(next)?;
    if next_type == RESOURCE_MAP_TYPE {
        return None;
    }
    let total = u32_at(4)?.checked_add(8)?;
    let mut out = Vec::with_capacity(bytes.len() + 8);
    out.extend_from_slice(&bytes[..4]);
    out.extend_from_slice(&total.to_le_bytes());
    out.extend_from_slice(&bytes[8..next]);
    out.extend_from_slice(&[0x80, 0x01, 0x08, 0x00, 0x08, 0x00, 0x00, 0x00]);
    out.extend_from_slice(&bytes[next..]);
    Some(out)
}

/// A manifest attribute value, with references resolved.
struct Values<'r> {
    resources: Option<&'r Resources>,
}

impl Values<'_> {
    /// The value as text: a `@type/name` reference is resolved to its value when possible.
    fn text(&self, raw: &str) -> String {
        if raw.starts_with('@') {
            if let Some(v) = self.resources.and_then(|r| r.resolve(raw)) {
                return v;
            }
        }
        raw.to_owned()
    }

    fn bool(&self, raw: Option<&str>) -> Option<bool> {
        parse_bool(&self.text(raw?))
    }

    fn int(&self, raw: Option<&str>) -> Option<i64> {
        let text = self.text(raw?);
        let t = text.trim();
        match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
            Some(hex) => i64::from_str_radix(hex, 16).ok(),
            None => t.parse().ok(),
        }
    }
}

/// A boolean as the decoder prints it (`true`, or the raw data of a boolean typed value).
fn parse_bool(v: &str) -> Option<bool> {
    match v {
        "true" | "1" | "-1" | "0xffffffff" => Some(true),
        "false" | "0" | "0x0" | "0x00000000" => Some(false),
        _ => None,
    }
}

/// Fills the manifest fields of `facts` from the decoded tree.
pub fn fill_facts(root: &Element, resources: Option<&Resources>, facts: &mut AppFacts) {
    let values = Values { resources };
    if root.name() != "manifest" {
        facts.problem(
            "manifest",
            format!("root element is <{}>, not <manifest>", root.name()),
        );
    }
    let package = root.attr("package").map(|p| values.text(p));
    facts.package = package.clone();
    let pkg = package.as_deref().unwrap_or("");
    facts.version_code = values.int(root.attr("versionCode"));
    facts.version_name = root.attr("versionName").map(|v| values.text(v));

    let mut items = 0usize;
    for child in root.childrens() {
        items += 1;
        if items > MAX_ITEMS {
            facts.problem(
                "manifest",
                format!("more than {MAX_ITEMS} elements; the rest ignored"),
            );
            break;
        }
        match child.name() {
            "uses-sdk" => {
                facts.min_sdk = sdk_level(&values, child.attr("minSdkVersion"));
                facts.target_sdk = sdk_level(&values, child.attr("targetSdkVersion"));
            }
            name if PERMISSION_ELEMENTS.contains(&name) => {
                if let Some(perm) = child.attr("name") {
                    facts.permissions.push(Permission {
                        name: values.text(perm),
                        max_sdk: values
                            .int(child.attr("maxSdkVersion"))
                            .and_then(|v| u32::try_from(v).ok()),
                        element: name.to_owned(),
                        ..Permission::default()
                    });
                }
            }
            "permission" => facts.declared_permissions.push(DeclaredPermission {
                name: child
                    .attr("name")
                    .map(|n| values.text(n))
                    .unwrap_or_default(),
                protection_level: child.attr("protectionLevel").map(str::to_owned),
            }),
            "uses-feature" => {
                if let Some(feature) = child.attr("name") {
                    facts.uses_features.push(values.text(feature));
                }
            }
            "application" => fill_application(child, pkg, &values, facts),
            _ => {}
        }
    }
    facts.target_sdk_effective = facts.target_sdk.or(facts.min_sdk).unwrap_or(1);
    // Providers were exported by default before API 17; everything else by intent filters.
    let legacy_provider = facts.target_sdk_effective <= 16;
    for c in &mut facts.components {
        c.exported_effective = c.exported.unwrap_or(if c.kind == "provider" {
            legacy_provider
        } else {
            c.intent_filters > 0
        });
    }
    facts.launch_activity = facts
        .components
        .iter()
        .find(|c| c.launcher)
        .map(|c| c.name.clone());
}

/// An SDK level: an integer, or a preview codename (which Android treats as the next level:
/// recorded as absent here, since its number is not knowable from the APK).
fn sdk_level(values: &Values<'_>, raw: Option<&str>) -> Option<u32> {
    values.int(raw).and_then(|v| u32::try_from(v).ok())
}

fn fill_application(app: &Element, pkg: &str, values: &Values<'_>, facts: &mut AppFacts) {
    // An unresolvable reference is no label (aapt shows none either).
    facts.label = app
        .attr("label")
        .map(|l| values.text(l))
        .filter(|l| !l.starts_with('@'));
    facts.application_class = app.attr("name").map(|n| qualify(pkg, &values.text(n)));
    facts.flags.debuggable = values.bool(app.attr("debuggable"));
    facts.flags.allow_backup = values.bool(app.attr("allowBackup"));
    facts.flags.uses_cleartext_traffic = values.bool(app.attr("usesCleartextTraffic"));
    facts.flags.network_security_config = app.attr("networkSecurityConfig").map(|v| values.text(v));
    for child in app.childrens() {
        if facts.components.len() + facts.meta_data.len() > MAX_ITEMS {
            facts.problem(
                "manifest",
                format!("more than {MAX_ITEMS} components; the rest ignored"),
            );
            break;
        }
        let kind = child.name();
        if kind == "meta-data" {
            if let Some(name) = child.attr("name") {
                facts.meta_data.push(MetaData {
                    name: values.text(name),
                    value: child
                        .attr("value")
                        .or_else(|| child.attr("resource"))
                        .map(|v| values.text(v)),
                });
            }
            continue;
        }
        if !COMPONENT_KINDS.contains(&kind) {
            continue;
        }
        let Some(name) = child.attr("name") else {
            continue;
        };
        let mut actions = Vec::new();
        let mut intent_filters = 0u32;
        let mut launcher = false;
        for filter in child.childrens().filter(|f| f.name() == "intent-filter") {
            intent_filters += 1;
            let mut main = false;
            let mut category_launcher = false;
            for item in filter.childrens() {
                let Some(v) = item.attr("name") else { continue };
                match item.name() {
                    "action" => {
                        main |= v == "android.intent.action.MAIN";
                        actions.push(v.to_owned());
                    }
                    "category" => category_launcher |= v == "android.intent.category.LAUNCHER",
                    _ => {}
                }
            }
            launcher |= main && category_launcher;
        }
        actions.sort();
        actions.dedup();
        let enabled = values.bool(child.attr("enabled")).unwrap_or(true);
        let is_activity = kind == "activity" || kind == "activity-alias";
        facts.components.push(Component {
            kind: kind.to_owned(),
            name: qualify(pkg, &values.text(name)),
            exported: values.bool(child.attr("exported")),
            exported_effective: false,
            permission: child.attr("permission").map(|p| values.text(p)),
            intent_filters,
            actions,
            target: child
                .attr("targetActivity")
                .map(|t| qualify(pkg, &values.text(t))),
            launcher: launcher && enabled && is_activity,
        });
    }
}

/// Qualifies a class name the way PackageParser does: `.Foo` and `Foo` (no dot) are relative
/// to the package.
pub fn qualify(pkg: &str, name: &str) -> String {
    if pkg.is_empty() {
        return name.to_owned();
    }
    if name.starts_with('.') {
        format!("{pkg}{name}")
    } else if !name.contains('.') {
        format!("{pkg}.{name}")
    } else {
        name.to_owned()
    }
}

/// Whether a network security config (`res/xml/...`) permits cleartext in its base-config
/// (Android's default when absent: permitted below API 28, not from 28 on — left to rules).
pub fn nsc_cleartext_permitted(root: &Element) -> Option<bool> {
    root.childrens()
        .find(|c| c.name() == "base-config")
        .and_then(|base| base.attr("cleartextTrafficPermitted"))
        .and_then(parse_bool)
}

/// Writes the decoded tree as indented XML text (with quick-xml).
pub fn to_xml(root: &Element) -> String {
    use quick_xml::Writer;
    use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, Event};

    fn write(w: &mut Writer<Vec<u8>>, el: &Element, depth: usize) -> std::io::Result<()> {
        if depth > 256 {
            return Ok(());
        }
        let mut start = BytesStart::new(el.name());
        for attr in el.attributes() {
            // `Attribute`'s Display writes `prefix:name="escaped value"`; its prefix has no
            // getter, so take the qualified name from there and the raw value from `value()`.
            let shown = attr.to_string();
            let qname = shown.split_once("=\"").map_or(attr.name(), |(q, _)| q);
            start.push_attribute((qname, attr.value()));
        }
        if el.childrens().next().is_none() {
            w.write_event(Event::Empty(start))?;
        } else {
            w.write_event(Event::Start(start))?;
            for child in el.childrens() {
                write(w, child, depth + 1)?;
            }
            w.write_event(Event::End(BytesEnd::new(el.name())))?;
        }
        Ok(())
    }

    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    let _ = w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)));
    let _ = write(&mut w, root, 0);
    let mut s = String::from_utf8_lossy(&w.into_inner()).into_owned();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::qualify;

    #[test]
    fn class_names_are_qualified_like_package_parser() {
        assert_eq!(qualify("a.b", ".Main"), "a.b.Main");
        assert_eq!(qualify("a.b", "Main"), "a.b.Main");
        assert_eq!(qualify("a.b", "c.d.Main"), "c.d.Main");
        assert_eq!(qualify("", ".Main"), ".Main");
    }
}
