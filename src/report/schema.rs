//! The JSON Schemas of piaudit's machine-readable output, generated from the types that
//! serialize it (`piaudit schema`): one jsonl record (also each element of a json report's
//! `apps[]`, plus `run`), and AppFacts (`piaudit inspect`).
//!
//! Owns only the generation; the contract itself is the typed model in `piaudit-facts`,
//! `piaudit-rules` and [`super`]. It must not describe anything by hand.

use schemars::{JsonSchema, generate::SchemaSettings};
use serde_json::Value;

use crate::facts::AppFacts;

/// Which schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// One line of `--format jsonl`.
    Record,
    /// The output of `piaudit inspect`.
    Facts,
}

fn generate<T: JsonSchema>(title: &str, description: &str) -> Value {
    let generator = SchemaSettings::draft2020_12().into_generator();
    let mut schema = generator.into_root_schema_for::<T>().to_value();
    if let Some(obj) = schema.as_object_mut() {
        obj.insert("title".to_owned(), Value::String(title.to_owned()));
        obj.insert(
            "description".to_owned(),
            Value::String(description.to_owned()),
        );
    }
    schema
}

/// The JSON Schema (draft 2020-12) of `which`.
pub fn schema(which: Which) -> Value {
    match which {
        Which::Record => generate::<super::jsonl::Line<'static>>(
            "piaudit jsonl record",
            &format!(
                "One line of `piaudit scan --format jsonl` (schema_version {}): the run, the input, its AppFacts, findings, rules not judged, rule errors, or the error that kept the input from being read.",
                super::SCHEMA_VERSION
            ),
        ),
        Which::Facts => generate::<AppFacts>(
            "piaudit AppFacts",
            "Everything piaudit knows about one app (`piaudit inspect`); field names are a contract that is only ever added to.",
        ),
    }
}
