//! SDK archives a developer vets before integrating them: a `.jar` of Java class files, or an
//! Android library `.aar` (its `classes.jar` and `libs/*.jar`, its text `AndroidManifest.xml`
//! whose permissions, components and meta-data merge into the app, and `jni/<abi>/*.so`).
//!
//! Owns turning such an archive into facts: class names, sensitive-API references per class,
//! URL strings and class-level edges (into the code facts the auditor attributes), and the
//! manifest's elements. Class files are read by [`classfile`]; without DEX there are no method
//! bodies, so an API's `call_sites` counts referencing classes. Must not judge anything.

pub mod classfile;

use std::collections::{HashMap, HashSet};

use piaudit_facts::{AppFacts, Component, MetaData, Permission};
use quick_xml::events::{BytesStart, Event};

use crate::apk::zip::{Budget, ZipIndex};
use crate::code::{ApiIndex, CodeFacts};

/// Most class files read from one archive (nested jars included).
const MAX_CLASSES: usize = 200_000;
/// Most URL strings kept.
const MAX_URLS: usize = 2_000;
/// Most manifest elements read.
const MAX_MANIFEST_ELEMENTS: usize = 20_000;

/// True for a zip of Java classes rather than an APK: an `.aar` (`classes.jar` at the root) or a
/// `.jar` with `.class` entries and no `classes.dex`.
pub fn is_java_archive(index: &ZipIndex<'_>) -> bool {
    let entries = index.entries();
    let has_dex = entries.iter().any(|e| e.name.ends_with(".dex"));
    !has_dex
        && (index.entry("classes.jar").is_some()
            || entries.iter().any(|e| e.name.ends_with(".class")))
}

/// Reads a Java archive into `facts` and `code`; returns the container kind (`aar` or `jar`).
pub fn read_archive(
    index: &ZipIndex<'_>,
    budget: &mut Budget,
    limits: &crate::apk::zip::Limits,
    apis: &ApiIndex,
    facts: &mut AppFacts,
    code: &mut CodeFacts,
) -> &'static str {
    let is_aar = index.entry("classes.jar").is_some();
    let mut classes = ClassSink::new(apis, code);
    classes.add_zip(index, budget, facts, "");
    for entry in index.entries() {
        let name = entry.name.as_str();
        let nested = name == "classes.jar" || (name.starts_with("libs/") && name.ends_with(".jar"));
        if !nested {
            continue;
        }
        match index.read(entry, budget) {
            Ok((bytes, _)) => match ZipIndex::parse(&bytes, limits) {
                Ok(inner) => classes.add_zip(&inner, budget, facts, name),
                Err(e) => facts.problem("jar", format!("{name}: {e}")),
            },
            Err(e) => facts.problem("jar", format!("{name}: {e}")),
        }
    }
    if is_aar {
        if let Some(entry) = index.entry("AndroidManifest.xml") {
            match index.read(entry, budget) {
                Ok((bytes, _)) => read_manifest(&bytes, facts),
                Err(e) => facts.problem("manifest", format!("AndroidManifest.xml: {e}")),
            }
        }
        for entry in index.entries() {
            let Some((abi, file)) = jni_lib(&entry.name) else {
                continue;
            };
            let size = entry.uncompressed_size;
            let lib = match index.read(entry, budget) {
                Ok((bytes, _)) => crate::native::describe(abi, file, size, Ok(&bytes)),
                Err(e) => crate::native::describe(abi, file, size, Err(e.to_string())),
            };
            facts.native_libs.push(lib);
        }
    }
    facts.urls = code.urls.iter().cloned().collect();
    if code.classes.is_empty() {
        facts.problem("jar", "no readable class file in the archive".to_owned());
    }
    if is_aar { "aar" } else { "jar" }
}

/// `jni/<abi>/<file>.so` in an `.aar`.
fn jni_lib(name: &str) -> Option<(&str, &str)> {
    let (abi, file) = name.strip_prefix("jni/")?.split_once('/')?;
    (!abi.is_empty() && !file.contains('/') && file.ends_with(".so")).then_some((abi, file))
}

/// Adds class files to the code facts.
struct ClassSink<'a> {
    apis: &'a ApiIndex,
    code: &'a mut CodeFacts,
    seen: HashSet<String>,
    edge_ids: HashMap<String, u32>,
    read: usize,
}

impl<'a> ClassSink<'a> {
    fn new(apis: &'a ApiIndex, code: &'a mut CodeFacts) -> ClassSink<'a> {
        ClassSink {
            apis,
            code,
            seen: HashSet::new(),
            edge_ids: HashMap::new(),
            read: 0,
        }
    }

    fn add_zip(
        &mut self,
        index: &ZipIndex<'_>,
        budget: &mut Budget,
        facts: &mut AppFacts,
        at: &str,
    ) {
        for entry in index.entries() {
            if !entry.name.ends_with(".class") || entry.name.starts_with("META-INF/") {
                continue;
            }
            if self.read >= MAX_CLASSES {
                facts.problem(
                    "jar",
                    format!("more than {MAX_CLASSES} class files; the rest were not read"),
                );
                return;
            }
            self.read += 1;
            let where_ = if at.is_empty() {
                entry.name.clone()
            } else {
                format!("{at}!{}", entry.name)
            };
            match index.read(entry, budget) {
                Ok((bytes, _)) => match classfile::parse(&bytes) {
                    Ok(class) => self.add_class(&class),
                    Err(e) => facts.problem("jar", format!("{where_}: {e}")),
                },
                Err(e) => facts.problem("jar", format!("{where_}: {e}")),
            }
        }
    }

    fn edge_id(&mut self, class: &str) -> Option<u32> {
        if let Some(&id) = self.edge_ids.get(class) {
            return Some(id);
        }
        let id = u32::try_from(self.code.edge_classes.len()).ok()?;
        self.code.edge_classes.push(class.to_owned());
        self.edge_ids.insert(class.to_owned(), id);
        Some(id)
    }

    fn add_class(&mut self, class: &classfile::ClassFile<'_>) {
        let dotted = class.this_class.replace('/', ".");
        if !self.seen.insert(dotted.clone()) {
            return;
        }
        for method in &class.method_refs {
            let descriptor = format!("L{};", method.class);
            if let Some(api) = self.apis.find(&descriptor, method.name, method.descriptor) {
                *self.code.api_uses.entry((api, dotted.clone())).or_default() += 1;
            }
            let callee = method.class.replace('/', ".");
            if callee != dotted
                && !method.class.starts_with('[')
                && !piaudit_sdk::is_platform_class(&callee)
                && let (Some(from), Some(to)) = (self.edge_id(&dotted), self.edge_id(&callee))
            {
                self.code.class_edges.insert((from, to));
            }
        }
        for s in &class.strings {
            if self.code.urls.len() < MAX_URLS
                && (s.starts_with("http://") || s.starts_with("https://"))
            {
                self.code.urls.insert((*s).to_owned());
            }
        }
        self.code.classes.push(dotted);
    }
}

/// The `android:` attribute `local` of an element, or a plain one.
fn attr(element: &BytesStart<'_>, local: &str) -> Option<String> {
    element.attributes().flatten().find_map(|a| {
        let key: &str = a.key.as_ref();
        let name = key.strip_prefix("android:").unwrap_or(key);
        (name == local)
            .then(|| {
                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .ok()
                    .map(|v| v.into_owned())
            })
            .flatten()
    })
}

/// The permissions, components and meta-data of an `.aar`'s text manifest (what the manifest
/// merger adds to the app).
fn read_manifest(bytes: &[u8], facts: &mut AppFacts) {
    let mut reader = quick_xml::Reader::from_reader(bytes);
    let mut buf = Vec::new();
    let mut package = String::new();
    let mut elements = 0usize;
    loop {
        let event = match reader.read_event_into(&mut buf) {
            Ok(Event::Eof) => break,
            Ok(event) => event,
            Err(e) => {
                facts.problem("manifest", format!("AndroidManifest.xml: {e}"));
                break;
            }
        };
        let (Event::Start(element) | Event::Empty(element)) = event else {
            buf.clear();
            continue;
        };
        elements += 1;
        if elements > MAX_MANIFEST_ELEMENTS {
            facts.problem(
                "manifest",
                "too many elements; the rest were not read".to_owned(),
            );
            break;
        }
        let tag = element.local_name().into_inner().to_owned();
        match tag.as_str() {
            // The library's own package resolves relative component names; it is not an app
            // package (the SDK's code must not count as first-party code).
            "manifest" => package = attr(&element, "package").unwrap_or_default(),
            "uses-permission" | "uses-permission-sdk-23" | "uses-permission-sdk-m" => {
                if let Some(name) = attr(&element, "name") {
                    facts.permissions.push(Permission {
                        name,
                        max_sdk: attr(&element, "maxSdkVersion").and_then(|v| v.parse().ok()),
                        element: tag.clone(),
                        ..Permission::default()
                    });
                }
            }
            "activity" | "activity-alias" | "service" | "receiver" | "provider" => {
                if let Some(name) = attr(&element, "name") {
                    let name = if name.starts_with('.') {
                        format!("{package}{name}")
                    } else {
                        name
                    };
                    facts.components.push(Component {
                        kind: tag.clone(),
                        name,
                        exported: attr(&element, "exported").map(|v| v == "true"),
                        permission: attr(&element, "permission"),
                        ..Component::default()
                    });
                }
            }
            "meta-data" => {
                if let Some(name) = attr(&element, "name") {
                    facts.meta_data.push(MetaData {
                        name,
                        value: attr(&element, "value"),
                    });
                }
            }
            _ => {}
        }
        buf.clear();
    }
}
