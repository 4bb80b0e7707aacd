//! The packer / hardener (加固) catalogue (`rules/data/packers.toml`): loading, validation and
//! detection from native libraries, classes and asset paths.
//!
//! A packed app hides its real DEX; callers use a packer hit to say that class-based evidence
//! (SDK classes, API call sites) is incomplete. This module must not read APKs itself.

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::error::CatalogError;
use crate::evidence::{EvidenceItem, EvidenceKind, IndexBuilder, Inputs, SignatureIndex};
use crate::load::{self, LineIndex};
use crate::model::{LocalizedText, Status};

/// One packer of the catalogue, as written in the data file.
#[derive(Debug, Clone, Serialize)]
pub struct Packer {
    pub id: String,
    pub name: LocalizedText,
    /// `None` when no source names the vendor.
    pub vendor: Option<LocalizedText>,
    pub native_libs: Vec<String>,
    pub classes: Vec<String>,
    pub assets: Vec<String>,
    pub source: Vec<String>,
    pub status: Status,
    /// Line of the entry's `id` in the catalogue text.
    pub line: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PackerFile {
    schema_version: u32,
    #[serde(default, rename = "packer")]
    packers: Vec<PackerEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PackerEntry {
    id: Spanned<String>,
    name: LocalizedText,
    #[serde(default)]
    vendor: Option<LocalizedText>,
    #[serde(default)]
    native_libs: Vec<String>,
    #[serde(default)]
    classes: Vec<String>,
    #[serde(default)]
    assets: Vec<String>,
    source: Vec<String>,
    status: Status,
}

/// One packer detected in an app.
#[derive(Debug, Clone, Serialize)]
pub struct PackerHit {
    pub id: String,
    pub name: LocalizedText,
    pub vendor: Option<LocalizedText>,
    pub evidence: Vec<EvidenceItem>,
}

/// The loaded, indexed packer catalogue.
#[derive(Debug)]
pub struct PackerCatalog {
    packers: Vec<Packer>,
    index: SignatureIndex,
}

impl PackerCatalog {
    /// Parses and validates a catalogue (`schema_version = 1` and `[[packer]]` tables), with the
    /// same rules and error reporting as [`crate::Catalog::from_toml`].
    pub fn from_toml(text: &str) -> Result<PackerCatalog, CatalogError> {
        load::check_size(text)?;
        let file: PackerFile = toml::from_str(text)?;
        load::check_header(file.schema_version, file.packers.len())?;
        let lines = LineIndex::new(text);
        let entry_lines: Vec<usize> = file
            .packers
            .iter()
            .map(|e| lines.line_of(e.id.span().start))
            .collect();
        load::check_ids(
            file.packers
                .iter()
                .zip(&entry_lines)
                .map(|(e, line)| (e.id.get_ref().as_str(), *line)),
        )?;
        let ids: Vec<&str> = file
            .packers
            .iter()
            .map(|e| e.id.get_ref().as_str())
            .collect();

        let mut builder = IndexBuilder::default();
        for (owner, (entry, line)) in (0u32..).zip(file.packers.iter().zip(&entry_lines)) {
            let id = entry.id.get_ref();
            validate_entry(entry)
                .and_then(|()| {
                    load::register_signatures(
                        &mut builder,
                        owner,
                        &[
                            (EvidenceKind::NativeLib, &entry.native_libs),
                            (EvidenceKind::Class, &entry.classes),
                            (EvidenceKind::Asset, &entry.assets),
                        ],
                        &ids,
                        false,
                    )
                })
                .map_err(|problem| load::entry_error(*line, id, problem))?;
        }
        let index = builder.build()?;
        let packers = file
            .packers
            .into_iter()
            .zip(entry_lines)
            .map(|(entry, line)| Packer {
                id: entry.id.into_inner(),
                name: entry.name,
                vendor: entry.vendor,
                native_libs: entry.native_libs,
                classes: entry.classes,
                assets: entry.assets,
                source: entry.source,
                status: entry.status,
                line,
            })
            .collect();
        Ok(PackerCatalog { packers, index })
    }

    /// Every packer, in file order.
    pub fn packers(&self) -> &[Packer] {
        &self.packers
    }

    /// True when a signature of `kind` in this catalogue is `name` or covers it with piaudit's
    /// anchored matching (used to measure the catalogue against public anchors).
    pub fn covers(&self, kind: EvidenceKind, name: &str) -> bool {
        self.index.covers(kind, name)
    }

    /// Detects packers from native library names or paths, dotted class names and in-APK asset
    /// paths. Hits are sorted by id.
    pub fn detect(
        &self,
        native_libs: &[&str],
        classes: &[&str],
        assets: &[&str],
    ) -> Vec<PackerHit> {
        let inputs = Inputs {
            classes,
            native_libs,
            assets,
            ..Inputs::default()
        };
        let mut hits: Vec<PackerHit> = self
            .index
            .collect(&inputs)
            .into_iter()
            .filter_map(|(owner, evidence)| {
                let packer = self.packers.get(owner as usize)?;
                Some(PackerHit {
                    id: packer.id.clone(),
                    name: packer.name.clone(),
                    vendor: packer.vendor.clone(),
                    evidence: evidence.into_iter().map(|m| m.item).collect(),
                })
            })
            .collect();
        hits.sort_by(|a, b| a.id.cmp(&b.id));
        hits
    }
}

fn validate_entry(entry: &PackerEntry) -> Result<(), crate::error::EntryProblem> {
    load::require_text("name.zh", &entry.name.zh)?;
    load::require_text("name.en", &entry.name.en)?;
    if let Some(vendor) = &entry.vendor {
        load::require_text("vendor.zh", &vendor.zh)?;
        load::require_text("vendor.en", &vendor.en)?;
    }
    if entry.source.iter().all(|s| s.trim().is_empty()) {
        return Err(crate::error::EntryProblem::Empty { field: "source" });
    }
    Ok(())
}
