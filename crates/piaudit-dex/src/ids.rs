//! Id-table accessors: strings (zero-copy MUTF-8), type descriptors, protos, field and method
//! references, and their smali-style display. Owns index resolution; it must not walk code.

use std::borrow::Cow;
use std::ops::ControlFlow;

use crate::dex::{Dex, StringBounds, Table};
use crate::error::{DexError, IdTable};
use crate::mutf8::decode_mutf8;
use crate::reader::{u16_at, u32_at, uleb128};

/// Longest text the display helpers ([`Dex::method_ref_display`], [`Dex::field_ref_display`],
/// [`Dex::write_method_ref`], [`Dex::write_proto`]) produce. Bounds the work per call, so that
/// hostile files sharing one huge name among many references cannot make display quadratic.
pub const MAX_DISPLAY_BYTES: usize = 32 * 1024;

/// A Dalvik method takes at most 255 argument words, hence at most 255 parameters.
const MAX_PARAMETERS: usize = 255;

/// A `method_id_item`: the method's class, prototype and name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MethodRef {
    /// Index into `type_ids` of the defining class.
    pub class_idx: u32,
    /// Index into `proto_ids`.
    pub proto_idx: u32,
    /// Index into `string_ids` of the method name.
    pub name_idx: u32,
}

/// A `field_id_item`: the field's class, type and name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FieldRef {
    /// Index into `type_ids` of the defining class.
    pub class_idx: u32,
    /// Index into `type_ids` of the field type.
    pub type_idx: u32,
    /// Index into `string_ids` of the field name.
    pub name_idx: u32,
}

/// A `proto_id_item`: a method prototype.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ProtoRef {
    /// Index into `string_ids` of the shorty descriptor.
    pub shorty_idx: u32,
    /// Index into `type_ids` of the return type.
    pub return_type_idx: u32,
    /// Offset of the parameter `type_list`, 0 when there are no parameters.
    pub parameters_off: u32,
}

/// A `type_list`: a sequence of `type_ids` indices (parameters, interfaces).
#[derive(Debug, Clone, Copy, Default)]
pub struct TypeList<'a> {
    entries: &'a [u8],
}

impl<'a> TypeList<'a> {
    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len() / 2
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.len() < 2
    }

    /// The `type_ids` indices in order.
    pub fn iter(&self) -> impl Iterator<Item = u32> + 'a {
        self.entries
            .chunks_exact(2)
            .map(|pair| u32::from(u16::from_le_bytes(pair.try_into().unwrap_or_default())))
    }
}

/// Iterator over all strings of a DEX, in index order.
pub struct Strings<'d, 'a> {
    dex: &'d Dex<'a>,
    next: u32,
}

impl<'a> Iterator for Strings<'_, 'a> {
    type Item = Result<Cow<'a, str>, DexError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.next >= self.dex.string_count() {
            return None;
        }
        let idx = self.next;
        self.next += 1;
        Some(self.dex.string(idx))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.dex.string_count().saturating_sub(self.next) as usize;
        (left, Some(left))
    }
}

fn entry(table: &Table, which: IdTable, idx: u32) -> Result<usize, DexError> {
    table.entry(idx).ok_or(DexError::IndexOutOfRange {
        table: which,
        index: idx,
        count: table.count,
    })
}

impl<'a> Dex<'a> {
    /// Number of usable `string_ids` entries (after clamping to the file).
    pub fn string_count(&self) -> u32 {
        self.string_ids.count
    }

    /// Number of usable `type_ids` entries.
    pub fn type_count(&self) -> u32 {
        self.type_ids.count
    }

    /// Number of usable `proto_ids` entries.
    pub fn proto_count(&self) -> u32 {
        self.proto_ids.count
    }

    /// Number of usable `field_ids` entries.
    pub fn field_ref_count(&self) -> u32 {
        self.field_ids.count
    }

    /// Number of usable `method_ids` entries.
    pub fn method_ref_count(&self) -> u32 {
        self.method_ids.count
    }

    /// Number of usable `class_defs` entries.
    pub fn class_count(&self) -> u32 {
        self.class_defs.count
    }

    /// Number of `call_site_ids` entries (from the map list; 0 before v038).
    pub fn call_site_count(&self) -> u32 {
        self.call_site_ids.count
    }

    /// Number of `method_handles` entries (from the map list; 0 before v038).
    pub fn method_handle_count(&self) -> u32 {
        self.method_handles.count
    }

    /// The raw MUTF-8 bytes of string `idx` (without length prefix and terminating NUL).
    pub fn string_bytes(&self, idx: u32) -> Result<&'a [u8], DexError> {
        self.string_bytes_within(idx, usize::MAX)
    }

    /// Like [`Dex::string_bytes`], but scans at most `max_len + 1` bytes for the terminator and
    /// fails with [`DexError::DisplayTooLong`] if the string is longer than `max_len`.
    fn string_bytes_within(&self, idx: u32, max_len: usize) -> Result<&'a [u8], DexError> {
        let (start, end) = self.string_span_within(idx, max_len)?;
        self.bytes()
            .get(start..end)
            .ok_or(DexError::UnterminatedString { offset: start })
    }

    /// The byte range of [`Dex::string_bytes_within`] in [`Dex::bytes`].
    fn string_span_within(&self, idx: u32, max_len: usize) -> Result<(usize, usize), DexError> {
        let data = self.bytes();
        let at = entry(&self.string_ids, IdTable::Strings, idx)?;
        let data_off = u32_at(data, at).unwrap_or(u32::MAX) as usize;
        let mut start = data_off;
        uleb128(data, &mut start)?;
        let too_long = DexError::DisplayTooLong { idx, max: max_len };
        let end = match &self.string_bounds {
            StringBounds::Ordered => {
                let next_string = idx
                    .checked_add(1)
                    .and_then(|next| self.string_ids.entry(next))
                    .and_then(|next_at| u32_at(data, next_at))
                    .map_or(data.len(), |next_off| (next_off as usize).min(data.len()));
                let window_end = next_string.min(start.saturating_add(max_len).saturating_add(1));
                match data.get(start..window_end).map(|w| memchr::memchr(0, w)) {
                    Some(Some(pos)) => Some(start + pos),
                    Some(None) if window_end < next_string => return Err(too_long),
                    _ => None,
                }
            }
            StringBounds::Precomputed(ends) => {
                let end = ends
                    .get(idx as usize)
                    .filter(|&&end| end != u32::MAX)
                    .map(|&end| end as usize);
                if end.is_some_and(|end| end.saturating_sub(start) > max_len) {
                    return Err(too_long);
                }
                end
            }
        };
        end.filter(|&end| start <= end && end <= data.len())
            .map(|end| (start, end))
            .ok_or(DexError::UnterminatedString { offset: start })
    }

    /// Offset of string `idx`'s `string_data_item` (its length prefix), as stored.
    fn string_data_off(&self, idx: u32) -> Option<usize> {
        let at = self.string_ids.entry(idx)?;
        u32_at(self.bytes(), at).map(|off| off as usize)
    }

    /// Calls `visit` with the index and raw bytes (as [`Dex::string_bytes`]) of strings in
    /// index order, until it breaks, for searches whose matches contain a rare byte pattern:
    /// `marks` gets one block of the file holding the string data and yields, in ascending
    /// order, positions in it (e.g. where a pattern starts). Every readable string whose bytes
    /// contain a yielded position is visited; others may be visited too (the visitor makes
    /// the exact test), but when the string data is in index order, as compilers write it, only
    /// strings whose data item holds a mark are, so the block is searched once instead of each
    /// string on its own.
    pub fn visit_marked_strings<M: Iterator<Item = usize>>(
        &self,
        marks: impl FnOnce(&'a [u8]) -> M,
        mut visit: impl FnMut(u32, &'a [u8]) -> ControlFlow<()>,
    ) {
        let count = self.string_count();
        if !matches!(self.string_bounds, StringBounds::Ordered) {
            for idx in 0..count {
                if let Ok(bytes) = self.string_bytes(idx)
                    && visit(idx, bytes).is_break()
                {
                    return;
                }
            }
            return;
        }
        let Some(last) = count.checked_sub(1) else {
            return;
        };
        // Offsets increase with the index (`Ordered`), and each string's bytes lie between its
        // data offset and the next string's (the last one's end where it is readable).
        let data = self.bytes();
        let off = |idx: u32| self.string_data_off(idx).unwrap_or(usize::MAX);
        let first = off(0).min(data.len());
        let end = match self.string_span_within(last, usize::MAX) {
            Ok((_, end)) => end,
            Err(_) => off(last),
        };
        let block = data.get(first..end.min(data.len())).unwrap_or_default();
        // Strings below `next` are done.
        let mut next = 0u32;
        for mark in marks(block) {
            let Some(at) = first.checked_add(mark) else {
                return;
            };
            // The string whose data item holds `at`: the last one starting at or before it.
            let (mut lo, mut hi) = (next, count);
            while lo < hi {
                let mid = lo + (hi - lo) / 2;
                if off(mid) <= at {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            let Some(idx) = lo.checked_sub(1).filter(|&idx| idx >= next) else {
                continue;
            };
            next = idx + 1;
            if let Ok(bytes) = self.string_bytes(idx)
                && visit(idx, bytes).is_break()
            {
                return;
            }
            if next > last {
                return;
            }
        }
    }

    /// Appends string `idx` to `out` if `out` stays within [`MAX_DISPLAY_BYTES`]; the work done
    /// is bounded by that limit whatever the string's length.
    fn push_display(&self, idx: u32, out: &mut String) -> Result<(), DexError> {
        let room = MAX_DISPLAY_BYTES.saturating_sub(out.len());
        let bytes = self.string_bytes_within(idx, room)?;
        let text = decode_mutf8(bytes);
        if text.len() > room {
            return Err(DexError::DisplayTooLong {
                idx,
                max: MAX_DISPLAY_BYTES,
            });
        }
        out.push_str(&text);
        Ok(())
    }

    /// Appends the descriptor of type `type_idx` within the display limit.
    fn push_type_display(&self, type_idx: u32, out: &mut String) -> Result<(), DexError> {
        self.push_display(self.type_descriptor_idx(type_idx)?, out)
    }

    /// String `idx`, decoded from MUTF-8 (borrowed unless it needed conversion).
    pub fn string(&self, idx: u32) -> Result<Cow<'a, str>, DexError> {
        self.string_bytes(idx).map(decode_mutf8)
    }

    /// All strings in index order.
    pub fn strings(&self) -> Strings<'_, 'a> {
        Strings { dex: self, next: 0 }
    }

    /// The `string_ids` index naming type `type_idx`.
    pub fn type_descriptor_idx(&self, type_idx: u32) -> Result<u32, DexError> {
        let at = entry(&self.type_ids, IdTable::Types, type_idx)?;
        Ok(u32_at(self.bytes(), at).unwrap_or(u32::MAX))
    }

    /// The descriptor of type `type_idx`, e.g. `Landroid/app/Activity;` or `[I`.
    pub fn type_descriptor(&self, type_idx: u32) -> Result<Cow<'a, str>, DexError> {
        self.string(self.type_descriptor_idx(type_idx)?)
    }

    /// The raw MUTF-8 bytes of the descriptor of type `type_idx` (see [`Dex::string_bytes`]).
    /// For ASCII descriptors, as almost all are, these are the bytes of
    /// [`Dex::type_descriptor`]; comparing them avoids decoding.
    pub fn type_descriptor_bytes(&self, type_idx: u32) -> Result<&'a [u8], DexError> {
        self.string_bytes(self.type_descriptor_idx(type_idx)?)
    }

    /// Prototype `idx`.
    pub fn proto(&self, idx: u32) -> Result<ProtoRef, DexError> {
        let at = entry(&self.proto_ids, IdTable::Protos, idx)?;
        let data = self.bytes();
        let word = |off: usize| u32_at(data, at + off).unwrap_or(0);
        Ok(ProtoRef {
            shorty_idx: word(0),
            return_type_idx: word(4),
            parameters_off: word(8),
        })
    }

    /// Reads the `type_list` at `off` (0 means empty).
    pub fn type_list(&self, off: u32) -> Result<TypeList<'a>, DexError> {
        if off == 0 {
            return Ok(TypeList::default());
        }
        let data = self.bytes();
        let len = data.len();
        let size = u32_at(data, off as usize).ok_or(DexError::OutOfBounds {
            what: "type_list",
            offset: u64::from(off),
            len,
        })?;
        let start = off as usize + 4;
        let byte_len = size as usize * 2;
        let entries = start
            .checked_add(byte_len)
            .and_then(|end| data.get(start..end))
            .ok_or(DexError::OutOfBounds {
                what: "type_list",
                offset: u64::from(off),
                len,
            })?;
        Ok(TypeList { entries })
    }

    /// Method reference `idx`.
    pub fn method_ref(&self, idx: u32) -> Result<MethodRef, DexError> {
        let at = entry(&self.method_ids, IdTable::Methods, idx)?;
        let data = self.bytes();
        Ok(MethodRef {
            class_idx: u32::from(u16_at(data, at).unwrap_or(0)),
            proto_idx: u32::from(u16_at(data, at + 2).unwrap_or(0)),
            name_idx: u32_at(data, at + 4).unwrap_or(0),
        })
    }

    /// Field reference `idx`.
    pub fn field_ref(&self, idx: u32) -> Result<FieldRef, DexError> {
        let at = entry(&self.field_ids, IdTable::Fields, idx)?;
        let data = self.bytes();
        Ok(FieldRef {
            class_idx: u32::from(u16_at(data, at).unwrap_or(0)),
            type_idx: u32::from(u16_at(data, at + 2).unwrap_or(0)),
            name_idx: u32_at(data, at + 4).unwrap_or(0),
        })
    }

    /// Appends a prototype in smali form, `(Ljava/lang/String;I)V`, to `out`.
    ///
    /// Fails with [`DexError::DisplayTooLong`] rather than let `out` grow past
    /// [`MAX_DISPLAY_BYTES`], and with [`DexError::TooManyParameters`] past 255 parameters.
    pub fn write_proto(&self, proto_idx: u32, out: &mut String) -> Result<(), DexError> {
        let proto = self.proto(proto_idx)?;
        let params = self.type_list(proto.parameters_off)?;
        if params.len() > MAX_PARAMETERS {
            return Err(DexError::TooManyParameters {
                proto_idx,
                len: params.len(),
            });
        }
        out.push('(');
        for param in params.iter() {
            self.push_type_display(param, out)?;
        }
        out.push(')');
        self.push_type_display(proto.return_type_idx, out)
    }

    /// Appends `Lcls;->name(params)ret` for method reference `idx` to `out` (same limits as
    /// [`Dex::write_proto`]).
    pub fn write_method_ref(&self, idx: u32, out: &mut String) -> Result<(), DexError> {
        let method = self.method_ref(idx)?;
        self.push_type_display(method.class_idx, out)?;
        out.push_str("->");
        self.push_display(method.name_idx, out)?;
        self.write_proto(method.proto_idx, out)
    }

    /// Method reference `idx` in smali form, e.g.
    /// `Landroid/telephony/TelephonyManager;->getDeviceId()Ljava/lang/String;`.
    pub fn method_ref_display(&self, idx: u32) -> Result<String, DexError> {
        let mut out = String::with_capacity(64);
        self.write_method_ref(idx, &mut out)?;
        Ok(out)
    }

    /// Field reference `idx` in smali form, e.g. `Landroid/os/Build;->SERIAL:Ljava/lang/String;`.
    pub fn field_ref_display(&self, idx: u32) -> Result<String, DexError> {
        let field = self.field_ref(idx)?;
        let mut out = String::with_capacity(48);
        self.push_type_display(field.class_idx, &mut out)?;
        out.push_str("->");
        self.push_display(field.name_idx, &mut out)?;
        out.push(':');
        self.push_type_display(field.type_idx, &mut out)?;
        Ok(out)
    }
}
