//! The app's resource table (`resources.arsc`): resolving `@type/name` references, naming
//! resource ids, and listing string resources in every configuration.
//!
//! Parsing is [`piaudit_arsc`]'s (zero-copy over the table's bytes, robust against the
//! garbage-chunk tricks malware uses); this module owns the questions piaudit asks of the table
//! and how values are printed (as `apk-info` printed them, which reports depend on). It must not
//! know what a manifest means.

use std::fmt::Write;

use apk_info::structs::ResourceValueType;
use apk_info::structs::system_types;
use piaudit_arsc::{Config, EntryValue, TYPE_DYNAMIC_REFERENCE, TYPE_REFERENCE, Table, Value};

use crate::facts::StringResource;

/// Upper bound on string resources collected from one table (framework-res has ~150k).
const MAX_STRINGS: usize = 400_000;

/// How many references between resources [`Resources::resolve`] follows.
const MAX_REFERENCE_DEPTH: u32 = 8;

/// A parsed resource table, borrowing the table's bytes.
pub struct Resources<'a> {
    table: Table<'a>,
}

/// Locale qualifiers tried, in order, after the default configuration when resolving a
/// value for display (the regulator's language first).
const LOCALE_FALLBACK: &[&str] = &["zh-rCN", "zh", "zh-rHans", "b+zh+Hans+CN", "b+zh+Hans"];

impl<'a> Resources<'a> {
    /// Parses `resources.arsc` bytes (which must outlive the result).
    pub fn parse(bytes: &'a [u8]) -> Result<Resources<'a>, String> {
        Table::parse(bytes)
            .map(|table| Resources { table })
            .map_err(|e| format!("resources.arsc: {e}"))
    }

    /// The underlying table.
    pub fn table(&self) -> &Table<'a> {
        &self.table
    }

    /// Defects the parser recovered from, as (kebab-case kind, detail).
    pub fn anomalies(&self) -> Vec<(String, String)> {
        self.table
            .anomalies()
            .iter()
            .map(|a| (a.kind.as_str().to_owned(), a.detail.clone()))
            .collect()
    }

    /// The `type/key` name of resource `id` (first configuration holding it, the default one
    /// first), as the manifest decoder printed references it could name. None for ids the
    /// table does not hold.
    pub fn name_of(&self, id: u32) -> Option<String> {
        self.table.name(id).map(|n| n.to_string())
    }

    /// The id of `type/name` (an optional `package:` prefix is skipped, except `android:`:
    /// the framework's resources are not in the app's table). Among several, the lowest id.
    pub fn id_of(&self, name: &str) -> Option<u32> {
        let name = match name.split_once(':') {
            Some(("android", _)) => return None,
            Some((_, name)) => name,
            None => name,
        };
        let (type_name, key) = name.split_once('/')?;
        self.table.find_id(type_name, key)
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
            _ => self.id_of(name)?,
        };
        self.value_by_id(id, 0)
    }

    fn value_by_id(&self, id: u32, depth: u32) -> Option<String> {
        if depth > MAX_REFERENCE_DEPTH {
            return None;
        }
        let found = self.table.lookup(id, LOCALE_FALLBACK)?;
        let EntryValue::Simple(value) = found.entry.value else {
            return None;
        };
        match value.data_type {
            TYPE_REFERENCE | TYPE_DYNAMIC_REFERENCE => {
                if value.data == id {
                    None
                } else {
                    self.value_by_id(value.data, depth + 1)
                }
            }
            _ => Some(self.value_to_string(value)),
        }
    }

    /// A value as text, as `apk-info` printed it (references are resolved by the caller).
    fn value_to_string(&self, value: Value) -> String {
        const RADIX_MULTS: [f64; 4] = [0.00390625, 3.051758e-005, 1.192093e-007, 4.656613e-010];
        const DIMENSION_UNITS: [&str; 6] = ["px", "dip", "sp", "pt", "in", "mm"];
        const FRACTION_UNITS: [&str; 2] = ["%", "%p"];
        let data = value.data;
        let complex = || f64::from(data & 0xffff_ff00) * RADIX_MULTS[((data >> 4) & 3) as usize];
        let unit = |units: &[&'static str]| units.get((data & 0x0f) as usize).copied();
        let mut out = String::new();
        match ResourceValueType::from(value.data_type) {
            ResourceValueType::Reference | ResourceValueType::DynamicReference => {
                let _ = write!(out, "@{data:08x}");
            }
            ResourceValueType::Attribute => {
                if data >> 24 == 1 {
                    match system_types::get_type_name(&data) {
                        Some(name) => out.push_str(name),
                        None => {
                            let _ = write!(out, "@{data:08x}");
                        }
                    }
                } else {
                    let _ = write!(out, "?{data:08x}");
                }
            }
            ResourceValueType::String => {
                return self
                    .table
                    .string_value(value)
                    .unwrap_or_default()
                    .into_owned();
            }
            ResourceValueType::Float => {
                let _ = write!(out, "{}", f32::from_bits(data));
            }
            ResourceValueType::Dimension => {
                let _ = write!(out, "{}{}", complex(), unit(&DIMENSION_UNITS).unwrap_or(""));
            }
            ResourceValueType::Fraction => {
                let _ = write!(
                    out,
                    "{}{}",
                    complex() * 100.0,
                    unit(&FRACTION_UNITS).unwrap_or("")
                );
            }
            ResourceValueType::Dec => {
                let _ = write!(out, "{}", data as i32);
            }
            ResourceValueType::Hex => {
                let _ = write!(out, "0x{data:08x}");
            }
            ResourceValueType::Boolean => {
                out.push_str(if data == 0 { "false" } else { "true" });
            }
            ResourceValueType::ColorArgb8
            | ResourceValueType::ColorRgb8
            | ResourceValueType::ColorArgb4
            | ResourceValueType::ColorRgb4 => {
                let _ = write!(out, "#{data:08x}");
            }
            other => {
                let _ = write!(out, "<0x{data:x}, type {other:?}>");
            }
        }
        out
    }

    /// How many string resources [`Resources::for_each_string`] visits.
    pub fn string_count(&self) -> usize {
        self.table.string_resource_count().min(MAX_STRINGS)
    }

    /// Calls `visit(name, locale, value)` for every string resource in every configuration
    /// (locale: the configuration's qualifier, `default` for none), borrowing where the table
    /// allows (UTF-8 pools): nothing is collected.
    pub fn for_each_string(&self, mut visit: impl FnMut(&str, &str, &str)) {
        self.for_each_string_where(
            |_| true,
            |_, name, locale, value| visit(name, locale, value),
        );
    }

    /// [`Resources::for_each_string`] over the configurations `wanted` accepts only (the
    /// others' entries are skipped without being read); `visit` also gets the configuration.
    pub fn for_each_string_where(
        &self,
        wanted: fn(&Config) -> bool,
        mut visit: impl FnMut(&Config, &str, &str, &str),
    ) {
        for s in self.table.string_resources_where(wanted).take(MAX_STRINGS) {
            let locale = if s.qualifier.is_empty() {
                "default"
            } else {
                s.qualifier
            };
            visit(s.config, &s.name, locale, &s.value);
        }
    }

    /// The configurations holding string resources, as (qualifier, `default` for none; how
    /// many), in table order, without decoding any string. The counts add up to at most
    /// [`Resources::string_count`]'s cap.
    pub fn string_counts(&self) -> Vec<(&str, usize)> {
        let mut left = MAX_STRINGS;
        let mut out = Vec::new();
        for (qualifier, n) in self.table.string_resource_counts() {
            let n = n.min(left);
            if n == 0 {
                break;
            }
            left -= n;
            out.push((
                if qualifier.is_empty() {
                    "default"
                } else {
                    qualifier
                },
                n,
            ));
        }
        out
    }

    /// Every string resource in every configuration, with the configuration's qualifier
    /// (`default` for none): one allocation each for name, locale and value.
    pub fn strings(&self) -> Vec<StringResource> {
        let mut out = Vec::with_capacity(self.string_count());
        self.for_each_string(|name, locale, value| {
            out.push(StringResource {
                name: name.to_owned(),
                locale: locale.to_owned(),
                value: value.to_owned(),
            })
        });
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
