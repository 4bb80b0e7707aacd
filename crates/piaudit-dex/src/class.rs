//! Class definitions and their `class_data_item`s: the per-class method lists (direct then
//! virtual, with `method_idx_diff` accumulation). Owns class-level iteration and its dedup state;
//! it must not decode instructions (see `code.rs`).

use std::collections::HashSet;

use crate::dex::{Dex, NO_INDEX};
use crate::error::{DexError, IdTable};
use crate::reader::{u32_at, uleb128};

/// A `class_def_item`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClassDef {
    /// Position of this entry in `class_defs`.
    pub index: u32,
    /// Index into `type_ids` of this class.
    pub class_idx: u32,
    /// `ACC_*` flags.
    pub access_flags: u32,
    /// Index into `type_ids` of the superclass (`None` for `java.lang.Object`).
    pub superclass_idx: Option<u32>,
    /// Offset of the interfaces `type_list` (0 if none).
    pub interfaces_off: u32,
    /// Index into `string_ids` of the source file name.
    pub source_file_idx: Option<u32>,
    /// Offset of the `annotations_directory_item` (0 if none).
    pub annotations_off: u32,
    /// Offset of the `class_data_item` (0 if the class has no fields or methods).
    pub class_data_off: u32,
    /// Offset of the static field initial values (0 if none).
    pub static_values_off: u32,
}

/// One method of a class, as listed in its `class_data_item`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MethodCode {
    /// Index into `class_defs` of the defining class.
    pub class_def_idx: u32,
    /// Index into `method_ids`.
    pub method_idx: u32,
    /// `ACC_*` flags.
    pub access_flags: u32,
    /// Offset of the `code_item`; 0 for abstract and native methods.
    pub code_off: u32,
    /// True for direct methods (static, private, constructors), false for virtual ones.
    pub is_direct: bool,
    /// Set by [`Dex::methods`] when an earlier method already used the same `code_off`; the
    /// aggregate scans skip such methods so hostile files cannot make work quadratic.
    pub shares_code: bool,
}

fn opt_index(value: u32) -> Option<u32> {
    (value != NO_INDEX).then_some(value)
}

impl<'a> Dex<'a> {
    /// Class definition `idx`.
    pub fn class_def(&self, idx: u32) -> Result<ClassDef, DexError> {
        let at = self
            .class_defs
            .entry(idx)
            .ok_or(DexError::IndexOutOfRange {
                table: IdTable::ClassDefs,
                index: idx,
                count: self.class_defs.count,
            })?;
        let data = self.bytes();
        let word = |n: usize| u32_at(data, at + 4 * n).unwrap_or(0);
        Ok(ClassDef {
            index: idx,
            class_idx: word(0),
            access_flags: word(1),
            superclass_idx: opt_index(word(2)),
            interfaces_off: word(3),
            source_file_idx: opt_index(word(4)),
            annotations_off: word(5),
            class_data_off: word(6),
            static_values_off: word(7),
        })
    }

    /// All class definitions in order.
    pub fn class_defs(&self) -> impl Iterator<Item = ClassDef> + '_ {
        (0..self.class_count()).filter_map(|idx| self.class_def(idx).ok())
    }

    /// Methods of one class (direct first, then virtual), without cross-class deduplication.
    pub fn class_methods(&self, class: &ClassDef) -> ClassMethods<'a> {
        ClassMethods::new(self.bytes(), class.index, class.class_data_off)
    }

    /// Every method of every class, in class order. Classes whose `class_data_off` repeats an
    /// earlier class's are skipped, and methods reusing an earlier `code_off` are flagged with
    /// [`MethodCode::shares_code`]; see [`Methods::summary`] for what was skipped.
    pub fn methods(&self) -> Methods<'_, 'a> {
        Methods {
            dex: self,
            next_class: 0,
            current: None,
            seen_class_data: ClassDataSet::new(self.bytes().len()),
            seen_code: CodeOffsetSet::new(self.bytes().len()),
            summary: ScanSummary::default(),
        }
    }
}

/// Iterator over the methods of one `class_data_item`. Stops at the first decoding error, which
/// is then available from [`ClassMethods::error`].
#[derive(Debug, Clone)]
pub struct ClassMethods<'a> {
    data: &'a [u8],
    class_def_idx: u32,
    class_data_off: u32,
    pos: usize,
    direct_left: u32,
    virtual_left: u32,
    method_idx: u32,
    started_virtual: bool,
    error: Option<DexError>,
}

impl<'a> ClassMethods<'a> {
    fn new(data: &'a [u8], class_def_idx: u32, class_data_off: u32) -> Self {
        let mut methods = ClassMethods {
            data,
            class_def_idx,
            class_data_off,
            pos: class_data_off as usize,
            direct_left: 0,
            virtual_left: 0,
            method_idx: 0,
            started_virtual: false,
            error: None,
        };
        if class_data_off != 0
            && let Err(err) = methods.read_header()
        {
            methods.error = Some(err);
        }
        methods
    }

    /// The error that ended iteration early, if any.
    pub fn error(&self) -> Option<&DexError> {
        self.error.as_ref()
    }

    /// Reads the four counts and skips the field lists. Each field consumes at least two bytes,
    /// so a huge declared count fails at the end of the data instead of looping.
    fn read_header(&mut self) -> Result<(), DexError> {
        let data = self.data;
        let static_fields = uleb128(data, &mut self.pos)?;
        let instance_fields = uleb128(data, &mut self.pos)?;
        self.direct_left = uleb128(data, &mut self.pos)?;
        self.virtual_left = uleb128(data, &mut self.pos)?;
        for _ in 0..u64::from(static_fields) + u64::from(instance_fields) {
            uleb128(data, &mut self.pos)?;
            uleb128(data, &mut self.pos)?;
        }
        Ok(())
    }

    fn read_method(&mut self, is_direct: bool) -> Result<MethodCode, DexError> {
        let data = self.data;
        let diff = uleb128(data, &mut self.pos)?;
        let access_flags = uleb128(data, &mut self.pos)?;
        let code_off = uleb128(data, &mut self.pos)?;
        self.method_idx =
            self.method_idx
                .checked_add(diff)
                .ok_or(DexError::MethodIndexOverflow {
                    offset: self.class_data_off,
                })?;
        Ok(MethodCode {
            class_def_idx: self.class_def_idx,
            method_idx: self.method_idx,
            access_flags,
            code_off,
            is_direct,
            shares_code: false,
        })
    }
}

impl Iterator for ClassMethods<'_> {
    type Item = MethodCode;

    fn next(&mut self) -> Option<MethodCode> {
        if self.error.is_some() {
            return None;
        }
        let is_direct = if self.direct_left > 0 {
            self.direct_left -= 1;
            true
        } else if self.virtual_left > 0 {
            self.virtual_left -= 1;
            if !self.started_virtual {
                // The virtual list restarts index accumulation from zero.
                self.started_virtual = true;
                self.method_idx = 0;
            }
            false
        } else {
            return None;
        };
        match self.read_method(is_direct) {
            Ok(method) => Some(method),
            Err(err) => {
                self.error = Some(err);
                None
            }
        }
    }
}

/// Where a scan error happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanError {
    /// Index into `class_defs`.
    pub class_def_idx: u32,
    /// Index into `method_ids`, when the error is inside one method's code.
    pub method_idx: Option<u32>,
    /// What went wrong.
    pub error: DexError,
}

/// Counters describing what a whole-file scan visited and skipped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanSummary {
    /// Class definitions visited.
    pub classes: u32,
    /// Classes whose `class_data_item` could not be fully decoded (methods before the defect
    /// are still visited).
    pub classes_with_bad_class_data: u32,
    /// Classes skipped because their `class_data_off` repeats an earlier class's.
    pub classes_sharing_class_data: u32,
    /// Methods listed in class data.
    pub methods: u32,
    /// Methods whose code was scanned completely.
    pub methods_scanned: u32,
    /// Methods with code that was skipped because the code item or its instructions are
    /// malformed.
    pub methods_skipped: u32,
    /// Methods skipped because their `code_off` repeats an earlier method's.
    pub methods_sharing_code: u32,
    /// The first error met, for diagnostics.
    pub first_error: Option<ScanError>,
}

impl ScanSummary {
    pub(crate) fn note_error(
        &mut self,
        class_def_idx: u32,
        method_idx: Option<u32>,
        error: DexError,
    ) {
        if self.first_error.is_none() {
            self.first_error = Some(ScanError {
                class_def_idx,
                method_idx,
                error,
            });
        }
    }
}

/// Set of code item offsets seen so far (code items are 4-byte aligned, so one bit per word).
#[derive(Debug, Clone)]
struct CodeOffsetSet {
    bits: Vec<u64>,
}

impl CodeOffsetSet {
    fn new(data_len: usize) -> Self {
        CodeOffsetSet {
            bits: vec![0; data_len / 4 / 64 + 1],
        }
    }

    /// Marks `code_off`; returns false if it was already marked. Offsets outside the data or
    /// misaligned are never marked (they fail later when the code item is read).
    fn insert(&mut self, code_off: u32) -> bool {
        if code_off % 4 != 0 {
            return true;
        }
        let word_idx = (code_off / 4) as usize;
        let Some(word) = self.bits.get_mut(word_idx / 64) else {
            return true;
        };
        let mask = 1u64 << (word_idx % 64);
        let fresh = *word & mask == 0;
        *word |= mask;
        fresh
    }
}

/// Set of `class_data_item` offsets seen so far: one bit per byte of the data (class data is
/// not aligned), and a hash set for offsets past the end (only hostile files have those).
#[derive(Debug, Clone)]
struct ClassDataSet {
    bits: Vec<u64>,
    outside: HashSet<u32>,
}

impl ClassDataSet {
    fn new(data_len: usize) -> Self {
        ClassDataSet {
            bits: vec![0; data_len / 64 + 1],
            outside: HashSet::new(),
        }
    }

    /// Marks `offset`; returns false if it was already marked.
    fn insert(&mut self, offset: u32) -> bool {
        let at = offset as usize;
        let Some(word) = self.bits.get_mut(at / 64) else {
            return self.outside.insert(offset);
        };
        let mask = 1u64 << (at % 64);
        let fresh = *word & mask == 0;
        *word |= mask;
        fresh
    }
}

/// Iterator over every method of a DEX (see [`Dex::methods`]).
pub struct Methods<'d, 'a> {
    dex: &'d Dex<'a>,
    next_class: u32,
    current: Option<ClassMethods<'a>>,
    seen_class_data: ClassDataSet,
    seen_code: CodeOffsetSet,
    summary: ScanSummary,
}

impl Methods<'_, '_> {
    /// What has been visited and skipped so far (complete once the iterator is exhausted).
    pub fn summary(&self) -> &ScanSummary {
        &self.summary
    }

    pub(crate) fn summary_mut(&mut self) -> &mut ScanSummary {
        &mut self.summary
    }

    pub(crate) fn into_summary(self) -> ScanSummary {
        self.summary
    }

    /// Moves to the next class with class data; false when all classes are done.
    fn advance_class(&mut self) -> bool {
        while self.next_class < self.dex.class_count() {
            let idx = self.next_class;
            self.next_class += 1;
            let Ok(class) = self.dex.class_def(idx) else {
                continue;
            };
            self.summary.classes += 1;
            if class.class_data_off == 0 {
                continue;
            }
            if !self.seen_class_data.insert(class.class_data_off) {
                self.summary.classes_sharing_class_data += 1;
                continue;
            }
            self.current = Some(self.dex.class_methods(&class));
            return true;
        }
        false
    }

    fn finish_current(&mut self) {
        if let Some(done) = self.current.take()
            && let Some(err) = done.error
        {
            self.summary.classes_with_bad_class_data += 1;
            self.summary.note_error(done.class_def_idx, None, err);
        }
    }
}

impl Iterator for Methods<'_, '_> {
    type Item = MethodCode;

    fn next(&mut self) -> Option<MethodCode> {
        loop {
            if let Some(mut method) = self.current.as_mut().and_then(Iterator::next) {
                self.summary.methods += 1;
                if method.code_off != 0 && !self.seen_code.insert(method.code_off) {
                    method.shares_code = true;
                }
                return Some(method);
            }
            self.finish_current();
            if !self.advance_class() {
                return None;
            }
        }
    }
}
