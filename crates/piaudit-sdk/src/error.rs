//! Errors raised while loading a catalogue. Every entry-level error names the line and the id of
//! the entry at fault and says what is wrong.
//!
//! This module only defines error values; it does not decide what is valid.

/// Why a catalogue could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("catalogue text is {len} bytes; the limit is {limit}")]
    TooLarge { len: usize, limit: usize },
    /// TOML syntax or schema error (unknown field, unknown category or PI-type slug, wrong
    /// type, missing field). The message carries the line and column.
    #[error("{0}")]
    Syntax(#[from] toml::de::Error),
    #[error("unsupported schema_version {found} (this build reads {expected})")]
    SchemaVersion { found: u32, expected: u32 },
    #[error("catalogue has {count} entries; the limit is {limit}")]
    TooManyEntries { count: usize, limit: usize },
    #[error("line {line}, entry `{id}`: {problem}")]
    Entry {
        line: usize,
        id: String,
        problem: EntryProblem,
    },
    #[error("could not build the name matcher: {0}")]
    Matcher(#[from] aho_corasick::BuildError),
}

/// What is wrong with one catalogue entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntryProblem {
    #[error("id must be a lowercase slug (a-z, 0-9, single '-' between parts), 2..=64 characters")]
    BadId,
    #[error("duplicate id (first defined at line {first_line})")]
    DuplicateId { first_line: usize },
    #[error("`{field}` is empty")]
    Empty { field: &'static str },
    #[error(
        "no signature: give at least one of classes, native_libs, components, meta_data, domains, assets"
    )]
    NoSignature,
    #[error("no policy name: give at least one in policy_names.zh or policy_names.en")]
    NoPolicyName,
    #[error("{field} `{value}`: {reason}")]
    BadSignature {
        field: &'static str,
        value: String,
        reason: String,
    },
    #[error("{field} `{value}` is already a signature of `{other_id}`")]
    DuplicateSignature {
        field: &'static str,
        value: String,
        other_id: String,
    },
    #[error(
        "classes `{value}` is a short two-segment prefix and needs a distinct class, a component or a native library of the same entry to corroborate it"
    )]
    Uncorroborated { value: String },
    #[error("carries `{value}`: {reason}")]
    BadCarried { value: String, reason: String },
    #[error("pi_type `{0}` is listed twice")]
    DuplicatePiType(&'static str),
}
