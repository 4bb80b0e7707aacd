//! The app's resource table (`resources.arsc`): resolving `@type/name` references and listing
//! string resources in every configuration.
//!
//! Parsing is `apk-info`'s (robust against the garbage-chunk tricks malware uses); this module
//! owns the questions piaudit asks of the table. It must not know what a manifest means.

use apk_info::ARSC;
use apk_info::structs::{ResTableConfig, ResTableEntry, ResourceValueType};

use crate::facts::StringResource;

/// Upper bound on string resources collected from one table (framework-res has ~60k).
const MAX_STRINGS: usize = 400_000;

/// A parsed resource table.
pub struct Resources {
    arsc: ARSC,
}

/// Locale qualifiers tried, in order, after the default configuration when resolving a
/// value for display (the regulator's language first).
const LOCALE_FALLBACK: &[&str] = &["zh-rCN", "zh", "zh-rHans", "b+zh+Hans+CN", "b+zh+Hans"];

impl Resources {
    /// Parses `resources.arsc` bytes.
    pub fn parse(bytes: &[u8]) -> Result<Resources, String> {
        let mut input = bytes;
        ARSC::new(&mut input)
            .map(|arsc| Resources { arsc })
            .map_err(|e| format!("resources.arsc: {e}"))
    }

    /// The underlying table, for the manifest decoder.
    pub fn arsc(&self) -> &ARSC {
        &self.arsc
    }

    /// Defects the parser recovered from, as (kind, detail).
    pub fn anomalies(&self) -> Vec<(String, String)> {
        self.arsc
            .anomalies()
            .iter()
            .map(|a| (anomaly_kind(&format!("{a:?}")), a.to_string()))
            .collect()
    }

    /// Resolves a reference written as `@type/name` (as the manifest decoder prints it) to the
    /// value in the default configuration, then in a Chinese one, then in any configuration.
    /// Follows references between resources (bounded). Returns None for framework
    /// references (`@android:...`) and unknown names.
    pub fn resolve(&self, reference: &str) -> Option<String> {
        let name = reference.strip_prefix('@')?;
        if name.starts_with("android:") {
            return None;
        }
        // A reference the decoder could not name is printed as its hex id (`@01040082`).
        let id = match u32::from_str_radix(name, 16) {
            Ok(id) if name.len() == 8 => id,
            _ => self.arsc.get_resource_id(name)?,
        };
        self.value_by_id(id, 0)
    }

    fn value_by_id(&self, id: u32, depth: u32) -> Option<String> {
        if depth > 8 {
            return None;
        }
        let package_id = (id >> 24) as u8;
        let type_id = ((id >> 16) & 0xff) as u8;
        let entry_id = (id & 0xffff) as u16;
        let package = self
            .arsc
            .packages()
            .find(|p| (p.header.id & 0xff) as u8 == package_id)?;
        let default = ResTableConfig::default();
        let lookup = |config: &ResTableConfig| {
            package
                .resources
                .get(config)
                .and_then(|types| types.get(&type_id))
                .and_then(|entries| entries.find(entry_id))
                .filter(|e| !matches!(e, ResTableEntry::NoEntry))
        };
        let entry = lookup(&default)
            .or_else(|| {
                LOCALE_FALLBACK.iter().find_map(|want| {
                    package
                        .resources
                        .keys()
                        .filter(|c| c.as_string() == *want)
                        .find_map(lookup)
                })
            })
            .or_else(|| package.resources.keys().find_map(lookup))?;
        match entry {
            ResTableEntry::Default(e) => match e.value.data_type {
                ResourceValueType::Reference | ResourceValueType::DynamicReference => {
                    if e.value.data == id {
                        None
                    } else {
                        self.value_by_id(e.value.data, depth + 1)
                    }
                }
                _ => Some(self.arsc.value_to_string(&e.value)),
            },
            _ => None,
        }
    }

    /// Every string resource in every configuration, with the configuration's qualifier
    /// (`default` for none).
    pub fn strings(&self) -> Vec<StringResource> {
        let mut out = Vec::new();
        for package in self.arsc.packages() {
            let string_type = (0..package.type_strings.len() as u32)
                .find(|&i| package.type_strings.get(i).as_deref() == Some("string"))
                .map(|i| (i + 1) as u8);
            let Some(type_id) = string_type else { continue };
            for (config, types) in &package.resources {
                let Some(entries) = types.get(&type_id) else {
                    continue;
                };
                let locale = match config.as_string() {
                    s if s.is_empty() => "default".to_owned(),
                    s => s,
                };
                for entry in &entries.entries {
                    let ResTableEntry::Default(e) = entry else {
                        continue;
                    };
                    if e.value.data_type != ResourceValueType::String {
                        continue;
                    }
                    let Some(full) = package.get_entry_full_name(entry, type_id) else {
                        continue;
                    };
                    let name = full.strip_prefix("string/").unwrap_or(&full).to_owned();
                    out.push(StringResource {
                        name,
                        locale: locale.clone(),
                        value: self.arsc.value_to_string(&e.value),
                    });
                    if out.len() >= MAX_STRINGS {
                        return out;
                    }
                }
            }
        }
        out
    }
}

/// The variant name of a `Debug`-printed anomaly (`DuplicatePackageId { id: 1 }` →
/// `duplicate-package-id`), as a stable machine-readable kind.
pub(crate) fn anomaly_kind(debug: &str) -> String {
    let variant = debug
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or(debug);
    let mut kind = String::with_capacity(variant.len() + 4);
    for (i, ch) in variant.chars().enumerate() {
        if ch.is_uppercase() {
            if i > 0 {
                kind.push('-');
            }
            kind.extend(ch.to_lowercase());
        } else {
            kind.push(ch);
        }
    }
    kind
}

#[cfg(test)]
mod tests {
    use super::anomaly_kind;

    #[test]
    fn anomaly_kinds_are_kebab_case_variant_names() {
        assert_eq!(
            anomaly_kind("DuplicatePackageId { id: 1 }"),
            "duplicate-package-id"
        );
        assert_eq!(anomaly_kind("NoPackages"), "no-packages");
    }
}
