//! Conversion between JSON facts and CEL values.
//!
//! Owns the mapping of the AppFacts JSON into one CEL value (every integer that fits becomes a CEL
//! `int`, so rules compare with plain literals; nesting is capped) and of CEL results back into
//! JSON evidence. It must not interpret any field.

#[cfg(test)]
use std::collections::HashMap;
#[cfg(test)]
use std::sync::Arc;

use cel::Value;
use cel::objects::Key;

/// Nesting deeper than this becomes null: facts come from hostile input.
pub(crate) const MAX_DEPTH: usize = 64;

/// A JSON value as a CEL value (the reference the direct serialisation in
/// [`crate::cel_value`] is tested against).
#[cfg(test)]
pub(crate) fn json_to_cel(value: &serde_json::Value) -> Value {
    to_cel(value, 0)
}

#[cfg(test)]
fn to_cel(value: &serde_json::Value, depth: usize) -> Value {
    if depth > MAX_DEPTH {
        return Value::Null;
    }
    match value {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::Int(i)
            } else if let Some(u) = n.as_u64() {
                Value::UInt(u)
            } else {
                Value::Float(n.as_f64().unwrap_or(f64::NAN))
            }
        }
        serde_json::Value::String(s) => Value::String(Arc::new(s.clone())),
        serde_json::Value::Array(items) => Value::List(Arc::new(
            items.iter().map(|v| to_cel(v, depth + 1)).collect(),
        )),
        serde_json::Value::Object(map) => {
            let converted: HashMap<Key, Value> = map
                .iter()
                .map(|(k, v)| (Key::String(Arc::new(k.clone())), to_cel(v, depth + 1)))
                .collect();
            Value::Map(converted.into())
        }
    }
}

/// A CEL result as JSON (for evidence). Values without a JSON form become their debug text.
pub(crate) fn cel_to_json(value: &Value) -> serde_json::Value {
    to_json(value, 0)
}

fn to_json(value: &Value, depth: usize) -> serde_json::Value {
    if depth > MAX_DEPTH {
        return serde_json::Value::Null;
    }
    match value {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Int(i) => serde_json::Value::from(*i),
        Value::UInt(u) => serde_json::Value::from(*u),
        Value::Float(f) => serde_json::Value::from(*f),
        Value::String(s) => serde_json::Value::String(s.as_ref().clone()),
        Value::List(items) => {
            serde_json::Value::Array(items.iter().map(|v| to_json(v, depth + 1)).collect())
        }
        Value::Map(map) => {
            let mut entries: Vec<(String, serde_json::Value)> = map
                .map
                .iter()
                .map(|(k, v)| (key_text(k), to_json(v, depth + 1)))
                .collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            serde_json::Value::Object(entries.into_iter().collect())
        }
        other => serde_json::Value::String(format!("{other:?}")),
    }
}

fn key_text(key: &Key) -> String {
    match key {
        Key::String(s) => s.as_ref().clone(),
        Key::Int(i) => i.to_string(),
        Key::Uint(u) => u.to_string(),
        Key::Bool(b) => b.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_keeps_shape_and_makes_ints() {
        let json = serde_json::json!({"a": [1, "x", null, true, 2.5], "b": {"c": 18446744073709551615u64}});
        let cel = json_to_cel(&json);
        match &cel {
            Value::Map(m) => match m.map.get(&Key::String(Arc::new("a".into()))) {
                Some(Value::List(l)) => assert_eq!(l.first(), Some(&Value::Int(1))),
                other => panic!("{other:?}"),
            },
            other => panic!("{other:?}"),
        }
        assert_eq!(cel_to_json(&cel), json);
    }

    #[test]
    fn deep_nesting_is_capped() {
        let mut v = serde_json::json!(1);
        for _ in 0..200 {
            v = serde_json::json!([v]);
        }
        let back = cel_to_json(&json_to_cel(&v));
        assert_ne!(back, v);
    }
}
