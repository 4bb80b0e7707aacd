//! Serialises facts straight into the CEL interpreter's value tree, in one pass.
//!
//! The result is exactly what `serde_json::to_value` followed by [`crate::convert`]'s JSON → CEL
//! mapping would give (an integer that fits `i64` is an `int`, a larger one a `uint`; a
//! non-finite float and anything nested deeper than [`MAX_DEPTH`] is `null`; enums and map
//! keys as serde_json writes them), without building the JSON tree, the intermediate
//! [`cel::Value`] tree, and the copy the interpreter makes of the latter. It must not interpret
//! any field.

use std::any::Any;
use std::collections::HashMap;
use std::fmt::Display;
use std::sync::Arc;

use cel::common::traits::{
    Adder, Comparer, Container, Divider, Indexer, Iterable, Modder, Multiplier, Negator, Sizer,
    Subtractor, Zeroer,
};
use cel::common::types::Type;
use cel::common::types::{
    CelBool, CelDouble, CelInt, CelList, CelMap, CelMapKey, CelNull, CelString, CelUInt,
};
use cel::common::value::{Builtin, BuiltinRef, Val};
use serde::ser::{self, Serialize};

use crate::convert::MAX_DEPTH;

/// A CEL value owning its data.
pub(crate) type OwnedVal = Box<dyn Val + 'static>;

/// A built-in CEL list or map behind an [`Arc`], so that copying it is a reference count.
///
/// The interpreter copies values it only borrows — every element a comprehension binds
/// (`app.permissions.filter(p, ...)` copies each permission map), every list a member access
/// reads — and the built-in containers copy deeply: that was most of the time of a rule
/// evaluation (0.1–3 ms per app). This wrapper is the built-in value for every purpose — it
/// forwards each operator, and presents itself as the built-in through `as_builtin`, through
/// which the interpreter and the standard library downcast — except that a copy shares it.
/// (Facts are never modified once converted, so sharing is safe.)
#[derive(Debug)]
struct Shared<T>(Arc<T>);

/// Forwards operator accessors of [`Val`] to the shared value: `borrowing` ones carry the
/// trait object's lifetime `'v`, the others do not.
macro_rules! forward {
    (borrowing $($name:ident: $trait:ident),* $(,)?) => {$(
        fn $name<'b, 'v>(&'b self) -> Option<&'b (dyn $trait + 'v)>
        where
            Self: 'v,
        {
            self.0.$name()
        }
    )*};
    ($($name:ident: $trait:ident),* $(,)?) => {$(
        fn $name(&self) -> Option<&dyn $trait> {
            self.0.$name()
        }
    )*};
}

impl<T: Val + Clone + 'static> Val for Shared<T> {
    fn get_type(&self) -> &Type {
        self.0.get_type()
    }

    fn cel_type() -> &'static Type {
        T::cel_type()
    }

    forward!(borrowing
        as_adder: Adder,
        as_divider: Divider,
        as_indexer: Indexer,
        as_iterable: Iterable,
        as_modder: Modder,
        as_multiplier: Multiplier,
        as_negator: Negator,
        as_subtractor: Subtractor,
    );
    forward!(
        as_comparer: Comparer,
        as_container: Container,
        as_sizer: Sizer,
        as_zeroer: Zeroer,
    );

    fn into_indexer<'v>(self: Box<Self>) -> Option<Box<dyn Indexer + 'v>>
    where
        Self: 'v,
    {
        Box::new(self.into_inner()).into_indexer()
    }

    fn equals(&self, other: &dyn Val) -> bool {
        self.0.equals(other)
    }

    fn clone_as_boxed<'v>(&self) -> Box<dyn Val + 'v>
    where
        Self: 'v,
    {
        Box::new(Shared(Arc::clone(&self.0)))
    }

    fn as_any(&self) -> Option<&dyn Any> {
        self.0.as_any()
    }

    fn as_builtin<'b, 'v>(&'b self) -> BuiltinRef<'b, 'v>
    where
        Self: 'v,
    {
        self.0.as_builtin()
    }

    fn into_builtin<'v>(self: Box<Self>) -> Option<Builtin<'v>>
    where
        Self: 'v,
    {
        Box::new(self.into_inner()).into_builtin()
    }
}

impl<T: Clone> Shared<T> {
    /// The value itself: moved out when nothing else shares it, else copied.
    fn into_inner(self) -> T {
        Arc::try_unwrap(self.0).unwrap_or_else(|shared| (*shared).clone())
    }
}

fn shared<T: Val + Clone + 'static>(value: T) -> OwnedVal {
    Box::new(Shared(Arc::new(value)))
}

/// Facts that serde could not turn into a value (a map with keys JSON cannot have, an
/// out-of-range 128-bit integer, or a failing `Serialize` implementation).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(crate) struct ToValError(String);

impl ser::Error for ToValError {
    fn custom<T: Display>(msg: T) -> Self {
        ToValError(msg.to_string())
    }
}

/// `value` as a CEL value.
#[cfg(test)]
pub(crate) fn to_val<T: Serialize + ?Sized>(value: &T) -> Result<OwnedVal, ToValError> {
    value.serialize(ValSerializer {
        depth: 0,
        keep: None,
    })
}

/// `value`, a struct, as a CEL map holding only the fields `keep` accepts (the fields no rule
/// reads are never built). Any other `value` is serialised whole.
pub(crate) fn struct_to_val<T: Serialize + ?Sized>(
    value: &T,
    keep: &dyn Fn(&str) -> bool,
) -> Result<OwnedVal, ToValError> {
    value.serialize(ValSerializer {
        depth: 0,
        keep: Some(keep),
    })
}

fn null() -> Result<OwnedVal, ToValError> {
    Ok(Box::new(CelNull))
}

fn string(s: String) -> OwnedVal {
    Box::new(CelString::from(s))
}

fn map_key(s: String) -> CelMapKey<'static> {
    CelMapKey::String(CelString::from(s))
}

fn one_entry_map(key: &str, value: OwnedVal) -> OwnedVal {
    let mut map = HashMap::with_capacity(1);
    map.insert(map_key(key.to_owned()), value);
    shared(CelMap::from(map))
}

/// Serialises one value at `depth` (the root is at 0); `keep` filters the fields of a struct
/// at this level only.
#[derive(Clone, Copy)]
struct ValSerializer<'f> {
    depth: usize,
    keep: Option<&'f dyn Fn(&str) -> bool>,
}

impl<'f> ValSerializer<'f> {
    fn too_deep(self) -> bool {
        self.depth > MAX_DEPTH
    }

    fn child(self) -> ValSerializer<'f> {
        ValSerializer {
            depth: self.depth.saturating_add(1),
            keep: None,
        }
    }

    fn scalar(self, make: impl FnOnce() -> OwnedVal) -> Result<OwnedVal, ToValError> {
        if self.too_deep() { null() } else { Ok(make()) }
    }
}

impl<'f> ser::Serializer for ValSerializer<'f> {
    type Ok = OwnedVal;
    type Error = ToValError;
    type SerializeSeq = SeqBuilder<'f>;
    type SerializeTuple = SeqBuilder<'f>;
    type SerializeTupleStruct = SeqBuilder<'f>;
    type SerializeTupleVariant = VariantBuilder<'f, SeqBuilder<'f>>;
    type SerializeMap = MapBuilder<'f>;
    type SerializeStruct = MapBuilder<'f>;
    type SerializeStructVariant = VariantBuilder<'f, MapBuilder<'f>>;

    fn serialize_bool(self, v: bool) -> Result<OwnedVal, ToValError> {
        self.scalar(|| Box::new(CelBool::from(v)))
    }
    fn serialize_i8(self, v: i8) -> Result<OwnedVal, ToValError> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i16(self, v: i16) -> Result<OwnedVal, ToValError> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i32(self, v: i32) -> Result<OwnedVal, ToValError> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i64(self, v: i64) -> Result<OwnedVal, ToValError> {
        self.scalar(|| Box::new(CelInt::from(v)))
    }
    fn serialize_i128(self, v: i128) -> Result<OwnedVal, ToValError> {
        if let Ok(i) = i64::try_from(v) {
            self.serialize_i64(i)
        } else if let Ok(u) = u64::try_from(v) {
            self.serialize_u64(u)
        } else {
            Err(ToValError("number out of range".to_owned()))
        }
    }
    fn serialize_u8(self, v: u8) -> Result<OwnedVal, ToValError> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_u16(self, v: u16) -> Result<OwnedVal, ToValError> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_u32(self, v: u32) -> Result<OwnedVal, ToValError> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_u64(self, v: u64) -> Result<OwnedVal, ToValError> {
        match i64::try_from(v) {
            Ok(i) => self.serialize_i64(i),
            Err(_) => self.scalar(|| Box::new(CelUInt::from(v))),
        }
    }
    fn serialize_u128(self, v: u128) -> Result<OwnedVal, ToValError> {
        match u64::try_from(v) {
            Ok(u) => self.serialize_u64(u),
            Err(_) => Err(ToValError("number out of range".to_owned())),
        }
    }
    fn serialize_f32(self, v: f32) -> Result<OwnedVal, ToValError> {
        self.serialize_f64(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Result<OwnedVal, ToValError> {
        // JSON has no NaN or infinities: serde_json makes them null.
        if v.is_finite() {
            self.scalar(|| Box::new(CelDouble::from(v)))
        } else {
            null()
        }
    }
    fn serialize_char(self, v: char) -> Result<OwnedVal, ToValError> {
        self.scalar(|| string(v.to_string()))
    }
    fn serialize_str(self, v: &str) -> Result<OwnedVal, ToValError> {
        self.scalar(|| string(v.to_owned()))
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<OwnedVal, ToValError> {
        // serde_json writes bytes as an array of numbers.
        let mut seq = self.serialize_seq(Some(v.len()))?;
        for b in v {
            ser::SerializeSeq::serialize_element(&mut seq, b)?;
        }
        ser::SerializeSeq::end(seq)
    }
    fn serialize_none(self) -> Result<OwnedVal, ToValError> {
        null()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<OwnedVal, ToValError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<OwnedVal, ToValError> {
        null()
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<OwnedVal, ToValError> {
        null()
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<OwnedVal, ToValError> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<OwnedVal, ToValError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<OwnedVal, ToValError> {
        if self.too_deep() {
            return null();
        }
        let inner = value.serialize(self.child())?;
        Ok(one_entry_map(variant, inner))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<SeqBuilder<'f>, ToValError> {
        Ok(SeqBuilder {
            at: self,
            // A hint from the input, capped: the elements themselves bound the real size.
            items: Vec::with_capacity(len.unwrap_or(0).min(1024)),
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<SeqBuilder<'f>, ToValError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<SeqBuilder<'f>, ToValError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<VariantBuilder<'f, SeqBuilder<'f>>, ToValError> {
        Ok(VariantBuilder {
            outer: self,
            variant,
            inner: self.child().serialize_seq(Some(len))?,
        })
    }
    fn serialize_map(self, len: Option<usize>) -> Result<MapBuilder<'f>, ToValError> {
        Ok(MapBuilder {
            at: self,
            entries: HashMap::with_capacity(len.unwrap_or(0).min(1024)),
            next_key: None,
        })
    }
    fn serialize_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<MapBuilder<'f>, ToValError> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<VariantBuilder<'f, MapBuilder<'f>>, ToValError> {
        Ok(VariantBuilder {
            outer: self,
            variant,
            inner: self.child().serialize_map(Some(len))?,
        })
    }
}

/// A list in progress.
struct SeqBuilder<'f> {
    at: ValSerializer<'f>,
    items: Vec<OwnedVal>,
}

impl SeqBuilder<'_> {
    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ToValError> {
        if !self.at.too_deep() {
            self.items.push(value.serialize(self.at.child())?);
        }
        Ok(())
    }

    fn finish(self) -> Result<OwnedVal, ToValError> {
        if self.at.too_deep() {
            return null();
        }
        Ok(shared(CelList::from(self.items)))
    }
}

impl ser::SerializeSeq for SeqBuilder<'_> {
    type Ok = OwnedVal;
    type Error = ToValError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ToValError> {
        self.push(value)
    }
    fn end(self) -> Result<OwnedVal, ToValError> {
        self.finish()
    }
}

impl ser::SerializeTuple for SeqBuilder<'_> {
    type Ok = OwnedVal;
    type Error = ToValError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ToValError> {
        self.push(value)
    }
    fn end(self) -> Result<OwnedVal, ToValError> {
        self.finish()
    }
}

impl ser::SerializeTupleStruct for SeqBuilder<'_> {
    type Ok = OwnedVal;
    type Error = ToValError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ToValError> {
        self.push(value)
    }
    fn end(self) -> Result<OwnedVal, ToValError> {
        self.finish()
    }
}

/// A map in progress.
struct MapBuilder<'f> {
    at: ValSerializer<'f>,
    entries: HashMap<CelMapKey<'static>, OwnedVal>,
    next_key: Option<String>,
}

impl MapBuilder<'_> {
    fn insert<T: Serialize + ?Sized>(&mut self, key: String, value: &T) -> Result<(), ToValError> {
        if !self.at.too_deep() {
            let value = value.serialize(self.at.child())?;
            self.entries.insert(map_key(key), value);
        }
        Ok(())
    }

    fn finish(self) -> Result<OwnedVal, ToValError> {
        if self.at.too_deep() {
            return null();
        }
        Ok(shared(CelMap::from(self.entries)))
    }
}

impl ser::SerializeMap for MapBuilder<'_> {
    type Ok = OwnedVal;
    type Error = ToValError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), ToValError> {
        self.next_key = Some(key.serialize(KeySerializer)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ToValError> {
        let key = self
            .next_key
            .take()
            .ok_or_else(|| ToValError("map value without a key".to_owned()))?;
        self.insert(key, value)
    }
    fn end(self) -> Result<OwnedVal, ToValError> {
        self.finish()
    }
}

impl ser::SerializeStruct for MapBuilder<'_> {
    type Ok = OwnedVal;
    type Error = ToValError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), ToValError> {
        if self.at.keep.is_some_and(|keep| !keep(key)) {
            return Ok(());
        }
        self.insert(key.to_owned(), value)
    }
    fn end(self) -> Result<OwnedVal, ToValError> {
        self.finish()
    }
}

/// An enum variant with data: `{variant: data}`, as serde_json writes it.
struct VariantBuilder<'f, B> {
    outer: ValSerializer<'f>,
    variant: &'static str,
    inner: B,
}

impl<B> VariantBuilder<'_, B> {
    fn wrap(self, inner: Result<OwnedVal, ToValError>) -> Result<OwnedVal, ToValError> {
        if self.outer.too_deep() {
            return null();
        }
        Ok(one_entry_map(self.variant, inner?))
    }
}

impl<'f> ser::SerializeTupleVariant for VariantBuilder<'f, SeqBuilder<'f>> {
    type Ok = OwnedVal;
    type Error = ToValError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ToValError> {
        self.inner.push(value)
    }
    fn end(mut self) -> Result<OwnedVal, ToValError> {
        let inner = std::mem::replace(
            &mut self.inner,
            SeqBuilder {
                at: self.outer,
                items: Vec::new(),
            },
        );
        self.wrap(inner.finish())
    }
}

impl<'f> ser::SerializeStructVariant for VariantBuilder<'f, MapBuilder<'f>> {
    type Ok = OwnedVal;
    type Error = ToValError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), ToValError> {
        self.inner.insert(key.to_owned(), value)
    }
    fn end(mut self) -> Result<OwnedVal, ToValError> {
        let inner = std::mem::replace(
            &mut self.inner,
            MapBuilder {
                at: self.outer,
                entries: HashMap::new(),
                next_key: None,
            },
        );
        self.wrap(inner.finish())
    }
}

/// Map keys as serde_json writes them: strings, and numbers, booleans and chars as text.
struct KeySerializer;

fn key_error() -> ToValError {
    ToValError("key must be a string".to_owned())
}

impl ser::Serializer for KeySerializer {
    type Ok = String;
    type Error = ToValError;
    type SerializeSeq = ser::Impossible<String, ToValError>;
    type SerializeTuple = ser::Impossible<String, ToValError>;
    type SerializeTupleStruct = ser::Impossible<String, ToValError>;
    type SerializeTupleVariant = ser::Impossible<String, ToValError>;
    type SerializeMap = ser::Impossible<String, ToValError>;
    type SerializeStruct = ser::Impossible<String, ToValError>;
    type SerializeStructVariant = ser::Impossible<String, ToValError>;

    fn serialize_bool(self, v: bool) -> Result<String, ToValError> {
        Ok(v.to_string())
    }
    fn serialize_i8(self, v: i8) -> Result<String, ToValError> {
        Ok(v.to_string())
    }
    fn serialize_i16(self, v: i16) -> Result<String, ToValError> {
        Ok(v.to_string())
    }
    fn serialize_i32(self, v: i32) -> Result<String, ToValError> {
        Ok(v.to_string())
    }
    fn serialize_i64(self, v: i64) -> Result<String, ToValError> {
        Ok(v.to_string())
    }
    fn serialize_i128(self, v: i128) -> Result<String, ToValError> {
        Ok(v.to_string())
    }
    fn serialize_u8(self, v: u8) -> Result<String, ToValError> {
        Ok(v.to_string())
    }
    fn serialize_u16(self, v: u16) -> Result<String, ToValError> {
        Ok(v.to_string())
    }
    fn serialize_u32(self, v: u32) -> Result<String, ToValError> {
        Ok(v.to_string())
    }
    fn serialize_u64(self, v: u64) -> Result<String, ToValError> {
        Ok(v.to_string())
    }
    fn serialize_u128(self, v: u128) -> Result<String, ToValError> {
        Ok(v.to_string())
    }
    fn serialize_f32(self, _v: f32) -> Result<String, ToValError> {
        Err(key_error())
    }
    fn serialize_f64(self, _v: f64) -> Result<String, ToValError> {
        Err(key_error())
    }
    fn serialize_char(self, v: char) -> Result<String, ToValError> {
        Ok(v.to_string())
    }
    fn serialize_str(self, v: &str) -> Result<String, ToValError> {
        Ok(v.to_owned())
    }
    fn serialize_bytes(self, _v: &[u8]) -> Result<String, ToValError> {
        Err(key_error())
    }
    fn serialize_none(self) -> Result<String, ToValError> {
        Err(key_error())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> Result<String, ToValError> {
        Err(key_error())
    }
    fn serialize_unit(self) -> Result<String, ToValError> {
        Err(key_error())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<String, ToValError> {
        Err(key_error())
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<String, ToValError> {
        Ok(variant.to_owned())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<String, ToValError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<String, ToValError> {
        Err(key_error())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, ToValError> {
        Err(key_error())
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, ToValError> {
        Err(key_error())
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, ToValError> {
        Err(key_error())
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, ToValError> {
        Err(key_error())
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, ToValError> {
        Err(key_error())
    }
    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStruct, ToValError> {
        Err(key_error())
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, ToValError> {
        Err(key_error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::convert::json_to_cel;
    use piaudit_facts::{AppFacts, Permission};

    /// The direct serialisation must equal the JSON round trip it replaces.
    fn assert_same_as_json_round_trip<T: Serialize>(value: &T) {
        let direct = to_val(value).map(|v| cel::Value::try_from(v.as_ref()));
        let json = serde_json::to_value(value).map(|j| json_to_cel(&j));
        match (direct, json) {
            (Ok(Ok(d)), Ok(j)) => assert_eq!(d, j),
            (d, j) => panic!("direct {d:?} vs json {j:?}"),
        }
    }

    #[test]
    fn facts_convert_as_through_json() {
        let mut facts = AppFacts {
            package: Some("com.example".into()),
            target_sdk: Some(33),
            version_code: Some(-5),
            ..AppFacts::default()
        };
        facts.permissions.push(Permission {
            name: "android.permission.CAMERA".into(),
            pi_type: Some("camera".into()),
            dangerous: true,
            ..Permission::default()
        });
        facts.api_refs.push(piaudit_facts::ApiRef {
            api: "Lx;->y()V".into(),
            callers: vec!["a".into(), "b".into()],
            call_sites: u64::MAX,
            ..piaudit_facts::ApiRef::default()
        });
        assert_same_as_json_round_trip(&facts);
        assert_same_as_json_round_trip(&serde_json::json!({
            "big": u64::MAX, "ratio": 0.5, "none": null, "nested": {"k": [true, {"z": 1}]}
        }));
    }

    #[test]
    fn enums_keys_and_odd_numbers_convert_as_through_json() {
        #[derive(serde::Serialize)]
        enum Kind {
            Unit,
            New(u8),
            Tuple(i32, String),
            Record { a: bool },
        }
        let mut keyed = std::collections::BTreeMap::new();
        keyed.insert(7u32, "seven");
        assert_same_as_json_round_trip(&(
            vec![
                Kind::Unit,
                Kind::New(1),
                Kind::Tuple(-1, "x".into()),
                Kind::Record { a: true },
            ],
            keyed,
            'c',
            f64::NAN,
            i64::MIN,
            (),
        ));
    }

    #[test]
    fn nesting_past_the_cap_becomes_null_as_through_json() {
        let mut v = serde_json::json!("leaf");
        for _ in 0..(MAX_DEPTH + 10) {
            v = serde_json::json!({"a": [v]});
        }
        assert_same_as_json_round_trip(&v);
    }

    #[test]
    fn only_kept_fields_are_built() {
        let facts = AppFacts {
            package: Some("com.example".into()),
            ..AppFacts::default()
        };
        let keep = |name: &str| name == "package";
        let val = struct_to_val(&facts, &keep).map(|v| cel::Value::try_from(v.as_ref()));
        match val {
            Ok(Ok(cel::Value::Map(map))) => {
                assert_eq!(map.map.len(), 1);
                assert_eq!(
                    map.map.get(&cel::objects::Key::String(std::sync::Arc::new(
                        "package".into()
                    ))),
                    Some(&cel::Value::String(std::sync::Arc::new(
                        "com.example".into()
                    )))
                );
            }
            other => panic!("{other:?}"),
        }
    }
}

#[cfg(test)]
mod shared_tests {
    use super::*;

    /// Evaluates `expr` with `x` bound once to the shared value tree and once to the
    /// interpreter's own (deep-copied) one, built through JSON.
    fn both(expr: &str, x: &serde_json::Value) -> (cel::Value, cel::Value) {
        let program = crate::rule::cel_env()
            .compile(expr)
            .expect("expression compiles");
        let run = |bind: &dyn Fn(&mut cel::Context)| {
            let mut ctx = cel::Context::with_env(Arc::clone(crate::rule::cel_env()));
            bind(&mut ctx);
            program
                .execute(&ctx)
                .unwrap_or_else(|e| panic!("{expr}: {e:?}"))
        };
        let ours = run(&|ctx| ctx.add_variable_as_val("x", to_val(x).expect("converts")));
        let theirs = run(&|ctx| ctx.add_variable_from_value("x", crate::convert::json_to_cel(x)));
        (ours, theirs)
    }

    #[test]
    fn shared_containers_behave_as_the_built_in_ones() {
        let x = serde_json::json!({
            "items": [{"name": "a", "n": 1}, {"name": "b", "n": 2}, {"name": "a", "n": 3}],
            "tags": ["p", "q"],
            "m": {"k": 1, "nested": {"deep": [1, 2]}},
            "empty": [],
        });
        for expr in [
            r#"x.items.filter(i, i.name == "a").map(i, i.n)"#,
            r#"x.items.exists(i, i.n > 2) && x.items.all(i, has(i.name))"#,
            r#"x.items.exists_one(i, i.name == "b")"#,
            "size(x.items) + size(x.m) + x.tags.size()",
            r#""p" in x.tags && "k" in x.m && !("z" in x.tags)"#,
            r#"x.m == {"k": 1, "nested": {"deep": [1, 2]}} && x.tags == ["p", "q"]"#,
            "x.items[1].name + string(x.m.nested.deep[0])",
            r#"x.tags + ["z"] == ["p", "q", "z"]"#,
            r#"x.tags.join(", ")"#,
            "x.items.map(i, i).filter(i, i.n != 2) == [x.items[0], x.items[2]]",
            "[x.m, x.m][1].nested == x.m.nested",
            "size(x.empty) == 0 && x.empty == []",
            r#"x.items.map(i, {"k": i.name})[0].k"#,
            "type(x.items) == list && type(x.m) == map",
        ] {
            let (ours, theirs) = both(expr, &x);
            assert_eq!(ours, theirs, "{expr}");
        }
    }

    #[test]
    fn a_copy_shares_the_container() {
        let val = to_val(&serde_json::json!({"a": [1, 2, 3]})).expect("converts");
        let copy = val.clone_as_boxed();
        let (BuiltinRef::Map(a), BuiltinRef::Map(b)) = (val.as_builtin(), copy.as_builtin()) else {
            panic!("a map presents itself as the built-in map");
        };
        assert!(
            std::ptr::eq(a, b),
            "the copy is the same map, not a deep copy"
        );
    }
}
