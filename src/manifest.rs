//! The decoded manifest: from the binary XML tree of `AndroidManifest.xml` to AppFacts fields.
//!
//! Owns the meaning of manifest elements and attributes (what Android applies when an
//! attribute is absent, how class names are qualified, which activity is the launcher) and
//! printing the decoded manifest as text XML. Binary XML parsing is `apk-info`'s; resource
//! references are named and resolved through [`Resources`]. It must not read the archive itself.

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

/// Parses binary XML (the manifest or any `res/xml/*.xml`), naming references through
/// `resources` where given (`@string/app_name`; a reference the table cannot name stays
/// `@7f0a0001`).
pub fn parse_axml(bytes: &[u8], resources: Option<&Resources<'_>>) -> Result<AXML, String> {
    if bytes.is_empty() {
        return Err("empty file".to_owned());
    }
    let patched = with_resource_map(bytes);
    let doc = patched.as_deref().unwrap_or(bytes);
    let mut axml = parse_nested(doc)?;
    if let Some(res) = resources {
        if let Some(root) = name_references(&axml.root, res, &reference_ids(doc)) {
            axml.root = root;
        }
    }
    Ok(axml)
}

/// Deepest element nesting accepted. Android's own manifests nest about six levels, layouts
/// a few dozen; a hostile document nests tens of thousands to overflow the stack of whatever
/// walks or drops its tree recursively (`apk-info`'s `Element` drops its children recursively).
pub const MAX_DEPTH: usize = 256;
/// Input bytes one level of nesting costs at least: a start element (8-byte chunk header,
/// line and comment, 20-byte extension) and the end element that closes it (8 + 8 + 8); an
/// element left open is never attached to its parent. 48 leaves a margin below the 60.
const MIN_BYTES_PER_LEVEL: usize = 48;
/// Documents that cannot nest deeper than this are parsed on the caller's thread: dropping
/// such a tree takes a few hundred KiB of stack at most, which every thread has.
const INLINE_LEVELS: usize = 1024;
/// Stack reserved per possible level when a document is parsed on its own thread (dropping a
/// tree costs well under this per level, also in debug builds).
const STACK_PER_LEVEL: usize = 1024;

/// `AXML::new` with the tree's depth bounded by [`MAX_DEPTH`], safe on any thread: a document
/// long enough to nest past what a thread's stack survives is parsed, measured and (when too
/// deep) dropped on a thread whose stack fits the deepest tree its length allows. The stack
/// is reserved address space; only what the tree really uses is touched.
fn parse_nested(doc: &[u8]) -> Result<AXML, String> {
    let levels = doc.len() / MIN_BYTES_PER_LEVEL;
    if levels <= INLINE_LEVELS {
        return parse_bounded(doc);
    }
    let stack = levels
        .saturating_mul(STACK_PER_LEVEL)
        .saturating_add(1 << 20);
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("axml".to_owned())
            .stack_size(stack)
            .spawn_scoped(scope, || parse_bounded(doc))
            .map_err(|e| format!("cannot start the parser thread: {e}"))?
            .join()
            .map_err(|_| "the binary XML parser failed".to_owned())?
    })
}

/// Parses `doc` and refuses a tree nested deeper than [`MAX_DEPTH`] (dropping it here).
fn parse_bounded(doc: &[u8]) -> Result<AXML, String> {
    let mut input = doc;
    let axml = AXML::new(&mut input, None).map_err(|e| e.to_string())?;
    let depth = tree_depth(&axml.root);
    if depth > MAX_DEPTH {
        return Err(format!(
            "elements nest {depth} levels deep, over the limit of {MAX_DEPTH}"
        ));
    }
    Ok(axml)
}

/// Levels of `root`'s tree (1 for a lone root), walked without recursion.
fn tree_depth(root: &Element) -> usize {
    let mut deepest = 1;
    let mut stack = vec![(root, 1usize)];
    while let Some((el, depth)) = stack.pop() {
        deepest = deepest.max(depth);
        stack.extend(el.childrens().map(|c| (c, depth + 1)));
    }
    deepest
}

/// Chunk types of binary XML.
const XML_TYPE: u16 = 0x0003;
const XML_START_ELEMENT_TYPE: u16 = 0x0102;
/// `Res_value` types of references.
const TYPE_REFERENCE: u8 = 0x01;
const TYPE_DYNAMIC_REFERENCE: u8 = 0x07;
/// Reference ids collected from one document at most.
const MAX_REFERENCE_IDS: usize = 100_000;

/// The resource ids the document's attributes reference (typed values of reference type), so
/// that only those printed ids are renamed, never a string attribute that looks like one.
/// None when the chunk walk meets something it cannot follow (then any printed id is renamed,
/// as the table-aware decoder did).
fn reference_ids(doc: &[u8]) -> Option<std::collections::HashSet<u32>> {
    let u16_at = |at: usize| {
        Some(u16::from_le_bytes(
            doc.get(at..at.checked_add(2)?)?.try_into().ok()?,
        ))
    };
    let u32_at = |at: usize| {
        Some(u32::from_le_bytes(
            doc.get(at..at.checked_add(4)?)?.try_into().ok()?,
        ))
    };
    if u16_at(0)? != XML_TYPE {
        return None;
    }
    let end = usize::try_from(u32_at(4)?).ok()?.min(doc.len());
    let mut pos = usize::from(u16_at(2)?);
    let mut ids = std::collections::HashSet::new();
    while pos.checked_add(8)? <= end {
        let kind = u16_at(pos)?;
        let header = usize::from(u16_at(pos + 2)?);
        let size = usize::try_from(u32_at(pos + 4)?).ok()?;
        if header < 8 || size < header || pos.checked_add(size)? > end {
            return None;
        }
        if kind == XML_START_ELEMENT_TYPE {
            // ResXMLTree_attrExt after the node header: ns, name, attributeStart,
            // attributeSize, attributeCount, ...
            let ext = pos + header;
            let start = usize::from(u16_at(ext + 8)?);
            let step = usize::from(u16_at(ext + 10)?).max(20);
            let count = usize::from(u16_at(ext + 12)?);
            for i in 0..count {
                // ns, name, rawValue, then Res_value { size, res0, dataType, data }
                let at = ext + start + i * step;
                if at + 20 > pos + size {
                    break;
                }
                let data_type = *doc.get(at + 15)?;
                if matches!(data_type, TYPE_REFERENCE | TYPE_DYNAMIC_REFERENCE)
                    && ids.len() < MAX_REFERENCE_IDS
                {
                    ids.insert(u32_at(at + 16)?);
                }
            }
        }
        pos += size;
    }
    Some(ids)
}

/// A reference as `apk-info` prints one it cannot name: `@` and eight lowercase hex digits.
fn printed_id(value: &str) -> Option<u32> {
    let hex = value.strip_prefix('@')?;
    if hex.len() != 8 || !hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return None;
    }
    u32::from_str_radix(hex, 16).ok()
}

/// The tree with every app reference printed as an id (`@7f0a0001`) renamed to its
/// `@type/name`, as `apk-info` printed it when given the table; None when nothing changes.
/// Framework ids (`0x01......`) are left alone: the decoder names those itself or not at all.
fn name_references(
    root: &Element,
    res: &Resources<'_>,
    ids: &Option<std::collections::HashSet<u32>>,
) -> Option<Element> {
    let rename = |value: &str| -> Option<String> {
        let id = printed_id(value)?;
        if id >> 24 == 1 || ids.as_ref().is_some_and(|ids| !ids.contains(&id)) {
            return None;
        }
        res.name_of(id).map(|name| format!("@{name}"))
    };
    let any = std::iter::once(root)
        .chain(root.descendants())
        .any(|el| el.attributes().any(|a| rename(a.value()).is_some()));
    if !any {
        return None;
    }
    // Rebuild the tree (Element has no mutable access) without recursion: a hostile document
    // can nest deeply.
    let copy = |el: &Element| {
        let mut out = Element::with_capacity(el.name(), el.attributes().count());
        for attr in el.attributes() {
            let shown = attr.to_string();
            let qname = shown.split_once("=\"").map_or(attr.name(), |(q, _)| q);
            let prefix = qname.rsplit_once(':').map(|(p, _)| p);
            let value = rename(attr.value());
            out.set_attribute_with_prefix(
                prefix,
                attr.name(),
                value.as_deref().unwrap_or(attr.value()),
            );
        }
        out
    };
    let mut stack: Vec<(Element, Vec<&Element>)> = Vec::new();
    stack.push((
        copy(root),
        root.childrens()
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect(),
    ));
    loop {
        let top = stack.last_mut()?;
        if let Some(child) = top.1.pop() {
            let pending = child
                .childrens()
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            stack.push((copy(child), pending));
            continue;
        }
        let (done, _) = stack.pop()?;
        match stack.last_mut() {
            Some(parent) => parent.0.append_child(done),
            None => return Some(done),
        }
    }
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
struct Values<'r, 'a> {
    resources: Option<&'r Resources<'a>>,
}

impl Values<'_, '_> {
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
pub(crate) fn parse_bool(v: &str) -> Option<bool> {
    match v {
        "true" | "1" | "-1" | "0xffffffff" => Some(true),
        "false" | "0" | "0x0" | "0x00000000" => Some(false),
        _ => None,
    }
}

/// Fills the manifest fields of `facts` from the decoded tree.
pub fn fill_facts(root: &Element, resources: Option<&Resources<'_>>, facts: &mut AppFacts) {
    let values = Values { resources };
    if root.name() == "manifest" {
        facts.manifest_read = true;
    } else {
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
fn sdk_level(values: &Values<'_, '_>, raw: Option<&str>) -> Option<u32> {
    values.int(raw).and_then(|v| u32::try_from(v).ok())
}

fn fill_application(app: &Element, pkg: &str, values: &Values<'_, '_>, facts: &mut AppFacts) {
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
        let enabled_attr = values.bool(child.attr("enabled"));
        let enabled = enabled_attr.unwrap_or(true);
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
            enabled: enabled_attr,
            launcher_declared: launcher && is_activity,
            label: child
                .attr("label")
                .map(|l| values.text(l))
                .filter(|l| !l.starts_with('@')),
            meta_data: child
                .childrens()
                .filter(|m| m.name() == "meta-data")
                .take(256)
                .filter_map(|m| {
                    Some(MetaData {
                        name: values.text(m.attr("name")?),
                        value: m
                            .attr("value")
                            .or_else(|| m.attr("resource"))
                            .map(|v| values.text(v)),
                    })
                })
                .collect(),
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
    use super::{printed_id, qualify, reference_ids};

    #[test]
    fn printed_ids_are_eight_lowercase_hex_digits() {
        assert_eq!(printed_id("@7f0a0001"), Some(0x7f0a_0001));
        assert_eq!(printed_id("@7F0A0001"), None);
        assert_eq!(printed_id("@+7f0a001"), None);
        assert_eq!(printed_id("@string/app_name"), None);
        assert_eq!(printed_id("7f0a0001"), None);
    }

    #[test]
    fn reference_ids_walk_gives_up_on_broken_documents() {
        assert_eq!(reference_ids(&[]), None);
        assert_eq!(
            reference_ids(&[3, 0, 8, 0, 8, 0, 0, 0]),
            Some(Default::default())
        );
        // a child chunk larger than the document
        let doc = [3, 0, 8, 0, 16, 0, 0, 0, 2, 1, 16, 0, 255, 0, 0, 0];
        assert_eq!(reference_ids(&doc), None);
    }

    #[test]
    fn class_names_are_qualified_like_package_parser() {
        assert_eq!(qualify("a.b", ".Main"), "a.b.Main");
        assert_eq!(qualify("a.b", "Main"), "a.b.Main");
        assert_eq!(qualify("a.b", "c.d.Main"), "c.d.Main");
        assert_eq!(qualify("", ".Main"), ".Main");
    }
}
