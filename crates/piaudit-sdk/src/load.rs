//! Loading steps shared by the SDK and packer catalogues: size limits, line numbers of
//! entries, id syntax and duplicate checks, and registration of an entry's signatures.
//!
//! This module must not know the fields specific to SDKs or packers.

use std::collections::HashMap;

use crate::error::{CatalogError, EntryProblem};
use crate::evidence::{AddError, EvidenceKind, IndexBuilder, Weight};

/// Largest catalogue text accepted.
pub(crate) const MAX_CATALOG_BYTES: usize = 16 * 1024 * 1024;
/// Most entries accepted in one catalogue.
pub(crate) const MAX_ENTRIES: usize = 20_000;
/// The `schema_version` this build reads.
pub(crate) const SCHEMA_VERSION: u32 = 1;

pub(crate) fn check_size(text: &str) -> Result<(), CatalogError> {
    if text.len() > MAX_CATALOG_BYTES {
        return Err(CatalogError::TooLarge {
            len: text.len(),
            limit: MAX_CATALOG_BYTES,
        });
    }
    Ok(())
}

pub(crate) fn check_header(schema_version: u32, entries: usize) -> Result<(), CatalogError> {
    if schema_version != SCHEMA_VERSION {
        return Err(CatalogError::SchemaVersion {
            found: schema_version,
            expected: SCHEMA_VERSION,
        });
    }
    if entries > MAX_ENTRIES {
        return Err(CatalogError::TooManyEntries {
            count: entries,
            limit: MAX_ENTRIES,
        });
    }
    Ok(())
}

/// Maps byte offsets of a text to 1-based line numbers.
pub(crate) struct LineIndex {
    newlines: Vec<usize>,
}

impl LineIndex {
    pub(crate) fn new(text: &str) -> Self {
        LineIndex {
            newlines: text
                .bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i)
                .collect(),
        }
    }

    pub(crate) fn line_of(&self, offset: usize) -> usize {
        self.newlines.partition_point(|&nl| nl < offset) + 1
    }
}

/// True for ids such as `umeng-analytics`: lowercase ASCII letters and digits in parts joined by
/// single hyphens, 2..=64 characters.
pub(crate) fn is_valid_id(id: &str) -> bool {
    (2..=64).contains(&id.len())
        && id.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// Checks entry ids for syntax and uniqueness. `entries` yields `(id, line)` in file order.
pub(crate) fn check_ids<'e>(
    entries: impl IntoIterator<Item = (&'e str, usize)>,
) -> Result<(), CatalogError> {
    let mut first_line: HashMap<&str, usize> = HashMap::new();
    for (id, line) in entries {
        let problem = if !is_valid_id(id) {
            Some(EntryProblem::BadId)
        } else {
            first_line
                .insert(id, line)
                .map(|first| EntryProblem::DuplicateId { first_line: first })
        };
        if let Some(problem) = problem {
            return Err(entry_error(line, id, problem));
        }
    }
    Ok(())
}

pub(crate) fn entry_error(line: usize, id: &str, problem: EntryProblem) -> CatalogError {
    CatalogError::Entry {
        line,
        id: id.to_owned(),
        problem,
    }
}

/// Fails when a required text field is blank.
pub(crate) fn require_text(field: &'static str, value: &str) -> Result<(), EntryProblem> {
    if value.trim().is_empty() {
        return Err(EntryProblem::Empty { field });
    }
    Ok(())
}

/// Registers every signature of entry `owner`. `ids` holds the ids of all entries (indexed by
/// owner) to name the other entry in duplicate errors. Fails when the entry has no signature,
/// or when a short class prefix (allowed only with `allow_short`) has no strong signature of the
/// same entry to corroborate it.
pub(crate) fn register_signatures(
    builder: &mut IndexBuilder,
    owner: u32,
    lists: &[(EvidenceKind, &[String])],
    ids: &[&str],
    allow_short: bool,
) -> Result<(), EntryProblem> {
    let mut added = 0usize;
    let mut strong = false;
    let mut short: Option<&String> = None;
    for (kind, values) in lists {
        for value in values.iter() {
            let weight = builder
                .add(*kind, owner, value, allow_short)
                .map_err(|error| signature_problem(*kind, value, error, ids))?;
            match weight {
                Weight::Strong => strong = true,
                Weight::Corroborating => short = short.or(Some(value)),
                Weight::Weak | Weight::Carried => {}
            }
            added += 1;
        }
    }
    if added == 0 {
        return Err(EntryProblem::NoSignature);
    }
    if let (Some(value), false) = (short, strong) {
        return Err(EntryProblem::Uncorroborated {
            value: value.clone(),
        });
    }
    Ok(())
}

/// The entry problem for a signature the index refused.
pub(crate) fn signature_problem(
    kind: EvidenceKind,
    value: &str,
    error: AddError,
    ids: &[&str],
) -> EntryProblem {
    match error {
        AddError::Invalid(reason) => EntryProblem::BadSignature {
            field: kind.field(),
            value: value.to_owned(),
            reason,
        },
        AddError::Duplicate { owner: other } => EntryProblem::DuplicateSignature {
            field: kind.field(),
            value: value.to_owned(),
            other_id: ids
                .get(other as usize)
                .map_or_else(|| "?".to_owned(), |id| (*id).to_owned()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_lowercase_hyphenated_slugs() {
        assert!(is_valid_id("umeng-analytics"));
        assert!(is_valid_id("360-jiagu"));
        for bad in [
            "Umeng",
            "umeng_analytics",
            "-umeng",
            "umeng-",
            "umeng--x",
            "u",
            "",
        ] {
            assert!(!is_valid_id(bad), "{bad}");
        }
    }

    #[test]
    fn line_index_counts_from_one() {
        let index = LineIndex::new("a\nbb\nccc");
        assert_eq!(index.line_of(0), 1);
        assert_eq!(index.line_of(2), 2);
        assert_eq!(index.line_of(5), 3);
        assert_eq!(index.line_of(999), 3);
    }
}
