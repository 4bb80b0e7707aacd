//! `piaudit schema`: the JSON Schemas follow from the typed model, and every sample's `inspect`
//! output and jsonl records validate against them — strictly: an object may carry no property
//! the schema does not name, so a field added without its type fails here.

#[path = "common/apps.rs"]
mod apps;
mod common;

use apps::piaudit;
use common::repo;
use serde_json::Value;

fn schema(of: &str) -> Value {
    let o = piaudit().args(["schema", of]).output().expect("runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).expect("the schema is JSON")
}

/// The schema with `additionalProperties: false` on every object schema that lists its
/// properties and says nothing about others.
fn strict(mut schema: Value) -> Value {
    fn walk(v: &mut Value) {
        match v {
            Value::Object(map) => {
                if map.contains_key("properties") && !map.contains_key("additionalProperties") {
                    map.insert("additionalProperties".to_owned(), Value::Bool(false));
                }
                map.values_mut().for_each(walk);
            }
            Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(&mut schema);
    schema
}

fn validator(of: &str) -> jsonschema::Validator {
    jsonschema::draft202012::new(&strict(schema(of))).expect("a valid draft 2020-12 schema")
}

fn errors(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .take(5)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

fn samples() -> Vec<std::path::PathBuf> {
    let mut inputs: Vec<_> = std::fs::read_dir(repo().join("samples"))
        .expect("samples")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "apk" || e == "xapk"))
        .collect();
    inputs.sort();
    assert!(inputs.len() >= 8, "{inputs:?}");
    inputs
}

#[test]
fn both_schemas_are_draft_2020_12_with_titles() {
    for of in ["record", "facts"] {
        let s = schema(of);
        assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
        assert!(
            s["title"]
                .as_str()
                .is_some_and(|t| t.starts_with("piaudit"))
        );
    }
    let record = schema("record");
    for field in [
        "run",
        "input",
        "app",
        "findings",
        "skipped",
        "rule_errors",
        "error",
    ] {
        assert!(record["properties"].get(field).is_some(), "{field}");
    }
}

#[test]
fn every_samples_inspect_output_validates_against_the_facts_schema() {
    let facts = validator("facts");
    for input in samples() {
        for extra in [None, Some("--strings")] {
            let mut cmd = piaudit();
            cmd.arg("inspect").arg(&input).args(extra);
            let o = cmd.output().expect("runs");
            assert!(o.status.success(), "{}", input.display());
            let value: Value = serde_json::from_slice(&o.stdout).expect("json");
            let problems = errors(&facts, &value);
            assert!(problems.is_empty(), "{}: {problems:?}", input.display());
        }
    }
}

#[test]
fn every_samples_jsonl_record_validates_against_the_record_schema() {
    let record = validator("record");
    let dir = tempfile::tempdir().expect("tempdir");
    // An unreadable input too: its record has `error` and no `app`.
    std::fs::write(dir.path().join("broken.apk"), "not a zip").expect("write");
    let mut cmd = piaudit();
    cmd.args(["scan", "--format", "jsonl", "--category", "education"])
        .args(samples())
        .arg(dir.path().join("broken.apk"));
    let o = cmd.output().expect("runs");
    let text = String::from_utf8(o.stdout).expect("utf-8");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), samples().len() + 1, "{text}");
    let mut findings = 0;
    for line in lines {
        let value: Value = serde_json::from_str(line).expect("json line");
        findings += value["findings"].as_array().map_or(0, Vec::len);
        let problems = errors(&record, &value);
        assert!(
            problems.is_empty(),
            "{}: {problems:?}",
            value["input"]["path"]
        );
    }
    assert!(findings > 10, "the samples exercise findings: {findings}");
}

#[test]
fn the_schemas_reject_what_the_contract_does_not_allow() {
    let facts = validator("facts");
    let record = validator("record");
    let o = piaudit()
        .arg("inspect")
        .arg(repo().join("samples/sdk-tracker.apk"))
        .output()
        .expect("runs");
    let good: Value = serde_json::from_slice(&o.stdout).expect("json");
    assert!(facts.is_valid(&good));
    let mut wrong_type = good.clone();
    wrong_type["api_refs"][0]["call_sites"] = Value::String("two".into());
    assert!(!facts.is_valid(&wrong_type), "a count must be a number");
    let mut unknown = good.clone();
    unknown["sdks"][0]["invented"] = Value::Bool(true);
    assert!(
        !facts.is_valid(&unknown),
        "an untyped field is outside the contract"
    );
    let mut bad_severity = serde_json::json!({
        "run": {"schema_version": "1", "tool": "piaudit", "tool_version": "0", "rules_digest": "", "scanned_at": ""},
        "input": {"path": "x", "sha256": "", "size": 0},
        "app": null, "findings": [], "skipped": [], "rule_errors": [], "error": "e"
    });
    assert!(record.is_valid(&bad_severity));
    bad_severity["findings"] = serde_json::json!([{"rule_id": "X", "severity": "catastrophic"}]);
    assert!(!record.is_valid(&bad_severity));
}
