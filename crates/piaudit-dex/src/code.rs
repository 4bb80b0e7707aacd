//! Code items and the Dalvik instruction stream: instruction widths for every format (payload
//! pseudo-instructions included), and extraction of invoke call sites and string constants.
//! Owns instruction decoding and the whole-file scans; it must not resolve names (callers do,
//! through the id accessors) and never follows branches, so every loop advances by >= 1 unit.

use crate::class::{MethodCode, Methods, ScanSummary};
use crate::dex::Dex;
use crate::error::DexError;
use crate::reader::{u16_at, u32_at};

/// Size of the fixed part of a `code_item` before `insns`.
const CODE_ITEM_HEADER: usize = 16;

/// Width in 16-bit code units of each opcode; 0 marks opcodes unused in every DEX version.
/// `nop` (0x00) is 1 here; payload pseudo-instructions that share its opcode byte are sized from
/// their contents.
const OPCODE_WIDTHS: [u8; 256] = build_opcode_widths();

const fn build_opcode_widths() -> [u8; 256] {
    let mut widths = [0u8; 256];
    let mut op = 0usize;
    while op < 256 {
        widths[op] = match op as u8 {
            // nop, move, move-wide, move-object (12x), move-result*, move-exception,
            // return*, const/4 (11x/11n/10x)
            0x00 | 0x01 | 0x04 | 0x07 | 0x0a..=0x12 => 1,
            // move*/from16 (22x), const/16, const/high16, const-wide/16, const-wide/high16
            0x02 | 0x05 | 0x08 | 0x13 | 0x15 | 0x16 | 0x19 => 2,
            // move*/16 (32x), const (31i), const-wide/32
            0x03 | 0x06 | 0x09 | 0x14 | 0x17 => 3,
            // const-wide (51l)
            0x18 => 5,
            // const-string, const-class (21c)
            0x1a | 0x1c => 2,
            // const-string/jumbo (31c)
            0x1b => 3,
            // monitor-enter/exit (11x)
            0x1d | 0x1e => 1,
            // check-cast (21c), instance-of (22c)
            0x1f | 0x20 => 2,
            // array-length (12x)
            0x21 => 1,
            // new-instance (21c), new-array (22c)
            0x22 | 0x23 => 2,
            // filled-new-array (35c), /range (3rc), fill-array-data (31t)
            0x24..=0x26 => 3,
            // throw (11x), goto (10t)
            0x27 | 0x28 => 1,
            // goto/16 (20t)
            0x29 => 2,
            // goto/32 (30t), packed-switch, sparse-switch (31t)
            0x2a..=0x2c => 3,
            // cmp* (23x), if-test (22t), if-testz (21t)
            0x2d..=0x3d => 2,
            // aget/aput (23x), iget/iput (22c), sget/sput (21c)
            0x44..=0x6d => 2,
            // invoke-kind (35c), invoke-kind/range (3rc)
            0x6e..=0x72 | 0x74..=0x78 => 3,
            // unop (12x)
            0x7b..=0x8f => 1,
            // binop (23x)
            0x90..=0xaf => 2,
            // binop/2addr (12x)
            0xb0..=0xcf => 1,
            // binop/lit16 (22s), binop/lit8 (22b)
            0xd0..=0xe2 => 2,
            // invoke-polymorphic (45cc), /range (4rcc)
            0xfa | 0xfb => 4,
            // invoke-custom (35c), /range (3rc)
            0xfc | 0xfd => 3,
            // const-method-handle, const-method-type (21c)
            0xfe | 0xff => 2,
            // 0x3e..=0x43, 0x73, 0x79, 0x7a, 0xe3..=0xf9: unused
            _ => 0,
        };
        op += 1;
    }
    widths
}

const PACKED_SWITCH_PAYLOAD: u16 = 0x0100;
const SPARSE_SWITCH_PAYLOAD: u16 = 0x0200;
const FILL_ARRAY_DATA_PAYLOAD: u16 = 0x0300;

/// A `code_item` with its instruction array bounds-checked against the file.
#[derive(Debug, Clone, Copy)]
pub struct CodeItem<'a> {
    /// Offset of the code item.
    pub code_off: u32,
    /// Number of registers.
    pub registers_size: u16,
    /// Words of incoming arguments.
    pub ins_size: u16,
    /// Words of outgoing argument space.
    pub outs_size: u16,
    /// Number of try blocks.
    pub tries_size: u16,
    /// Offset of the debug info, 0 if none.
    pub debug_info_off: u32,
    insns: &'a [u8],
}

impl<'a> CodeItem<'a> {
    /// Length of `insns` in 16-bit code units.
    pub fn insns_size(&self) -> u32 {
        u32::try_from(self.insns.len() / 2).unwrap_or(u32::MAX)
    }

    /// Raw little-endian bytes of `insns`.
    pub fn insns_bytes(&self) -> &'a [u8] {
        self.insns
    }

    /// The 16-bit code unit at code-unit offset `pos`; `None` outside `insns` (offsets come
    /// from branch and payload fields, so they may be negative or past the end).
    pub fn unit_at(&self, pos: i64) -> Option<u16> {
        let p = usize::try_from(pos).ok()?.checked_mul(2)?;
        Some(u16::from_le_bytes([
            *self.insns.get(p)?,
            *self.insns.get(p + 1)?,
        ]))
    }

    /// The signed 32-bit value stored little-endian in the two code units at `pos`.
    pub fn s32_at(&self, pos: i64) -> Option<i32> {
        let low = u32::from(self.unit_at(pos)?);
        let high = u32::from(self.unit_at(pos.checked_add(1)?)?);
        Some((low | (high << 16)) as i32)
    }

    /// Linear walk of the instructions. Stops after yielding the first error.
    pub fn instructions(&self) -> Instructions<'a> {
        Instructions {
            insns: self.insns,
            code_off: self.code_off,
            pos: 0,
            failed: false,
        }
    }

    /// Walks every instruction, returning the first defect (unused opcode, instruction or
    /// payload running past the end).
    pub fn validate(&self) -> Result<(), DexError> {
        let mut pos = 0;
        loop {
            match decode_at(self.insns, pos) {
                Step::Insn { end, .. } => pos = end, // always > pos: widths are at least 1
                Step::End => return Ok(()),
                step => return Err(step_error(step, self.insns, pos, self.code_off)),
            }
        }
    }

    /// Code references of the instructions, assuming [`CodeItem::validate`] passed (a defect
    /// simply ends the iteration).
    fn code_refs_unchecked(&self) -> CodeRefs<'a> {
        CodeRefs {
            instructions: self.instructions(),
        }
    }

    /// Single pass: validates every instruction and appends the references to `out`. On error
    /// `out` may hold a partial list, which callers discard. Decodes exactly as [`decode_at`]
    /// and [`Instruction::code_ref`] (the hot loop of every scan, hence written out here).
    fn collect_code_refs(&self, out: &mut Vec<CodeRef>) -> Result<(), DexError> {
        let insns = self.insns;
        let len = insns.len() / 2;
        let mut pos = 0usize;
        while let Some(&[opcode, high]) = insns.get(pos * 2..pos * 2 + 2) {
            let width = if opcode == 0 {
                payload_width(insns, pos, u16::from_le_bytes([opcode, high]))
            } else {
                u64::from(OPCODE_WIDTHS.get(usize::from(opcode)).copied().unwrap_or(0))
            };
            if width == 0 {
                return Err(step_error(Step::Unused(opcode), insns, pos, self.code_off));
            }
            // Cannot overflow: `pos` < `len` and widths are below 2^48.
            let end = pos as u64 + width;
            if end > len as u64 {
                return Err(step_error(Step::PastEnd, insns, pos, self.code_off));
            }
            let shape = REF_SHAPES
                .get(usize::from(opcode))
                .copied()
                .unwrap_or(NO_REF);
            if shape != NO_REF {
                // Every reference opcode is at least two units wide, so unit 1 is inside.
                let at = pos * 2 + 2;
                let index = if shape == REF_STRING_JUMBO {
                    u32_at(insns, at)
                } else {
                    u16_at(insns, at).map(u32::from)
                };
                if let Some(index) = index {
                    let kind = match shape {
                        REF_METHOD => CodeRefKind::Invoke { method_idx: index },
                        REF_CALL_SITE => CodeRefKind::InvokeCustom {
                            call_site_idx: index,
                        },
                        _ => CodeRefKind::ConstString { string_idx: index },
                    };
                    out.push(CodeRef {
                        insn_offset: u32::try_from(pos).unwrap_or(u32::MAX),
                        opcode,
                        kind,
                    });
                }
            }
            pos = end as usize;
        }
        Ok(())
    }
}

impl CodeItem<'_> {
    /// Single pass like [`CodeItem::collect_code_refs`], for scans that need only some
    /// invokes: validates every instruction the same way, counts the method invokes and
    /// appends to `kept` the callee of each one `keep` accepts. On error `kept` may hold a
    /// partial list (and `keep` may have been asked about invokes of the rejected code).
    fn collect_invokes(
        &self,
        kept: &mut Vec<u32>,
        keep: &mut impl FnMut(u32) -> bool,
    ) -> Result<u32, DexError> {
        let insns = self.insns;
        let len = (insns.len() / 2) as u64;
        let mut pos = 0usize;
        let mut invokes = 0u32;
        while let Some(&[opcode, high]) = insns.get(pos * 2..pos * 2 + 2) {
            let info = INVOKE_WALK.get(usize::from(opcode)).copied().unwrap_or(0);
            let width = if info & WALK_SPECIAL == 0 {
                u64::from(info & WALK_WIDTH)
            } else if opcode == 0 {
                payload_width(insns, pos, u16::from_le_bytes([opcode, high]))
            } else {
                return Err(step_error(Step::Unused(opcode), insns, pos, self.code_off));
            };
            // Cannot overflow: `pos` < `len` and widths are below 2^48.
            let end = pos as u64 + width;
            if end > len {
                return Err(step_error(Step::PastEnd, insns, pos, self.code_off));
            }
            if info & WALK_INVOKE != 0 {
                // Invokes are at least three units wide, so unit 1 is inside.
                if let Some(&[lo, hi]) = insns.get(pos * 2 + 2..pos * 2 + 4) {
                    let method_idx = u32::from(u16::from_le_bytes([lo, hi]));
                    invokes = invokes.saturating_add(1);
                    if keep(method_idx) {
                        kept.push(method_idx);
                    }
                }
            }
            pos = end as usize;
        }
        Ok(invokes)
    }
}

/// Per opcode, for [`CodeItem::collect_invokes`]: the width in its low bits
/// ([`WALK_WIDTH`]), [`WALK_INVOKE`] for method invokes (as [`REF_METHOD`]) and
/// [`WALK_SPECIAL`] for opcodes whose width is not in the table (`nop` and the payloads, which
/// share opcode 0, and the unused opcodes). Derived from [`OPCODE_WIDTHS`] and [`REF_SHAPES`].
const INVOKE_WALK: [u8; 256] = build_invoke_walk();
const WALK_WIDTH: u8 = 0x0f;
const WALK_INVOKE: u8 = 0x10;
const WALK_SPECIAL: u8 = 0x20;

const fn build_invoke_walk() -> [u8; 256] {
    let mut info = [0u8; 256];
    let mut op = 0usize;
    while op < 256 {
        let width = OPCODE_WIDTHS[op];
        info[op] = if op == 0 || width == 0 {
            WALK_SPECIAL
        } else if REF_SHAPES[op] == REF_METHOD {
            width | WALK_INVOKE
        } else {
            width
        };
        op += 1;
    }
    info
}

/// What reference an opcode carries, for [`CodeItem::collect_code_refs`]: none, a method
/// index in unit 1, a call site index in unit 1, a string index in unit 1, or a string index
/// in units 1-2. Must agree with [`is_ref_opcode`] and [`Instruction::code_ref`].
const NO_REF: u8 = 0;
const REF_METHOD: u8 = 1;
const REF_CALL_SITE: u8 = 2;
const REF_STRING: u8 = 3;
const REF_STRING_JUMBO: u8 = 4;
const REF_SHAPES: [u8; 256] = build_ref_shapes();

const fn build_ref_shapes() -> [u8; 256] {
    let mut shapes = [NO_REF; 256];
    let mut op = 0usize;
    while op < 256 {
        shapes[op] = match op as u8 {
            0x6e..=0x72 | 0x74..=0x78 | 0xfa | 0xfb => REF_METHOD,
            0xfc | 0xfd => REF_CALL_SITE,
            0x1a => REF_STRING,
            0x1b => REF_STRING_JUMBO,
            _ => NO_REF,
        };
        op += 1;
    }
    shapes
}

/// One decoded instruction (or payload pseudo-instruction).
#[derive(Debug, Clone, Copy)]
pub struct Instruction<'a> {
    /// Position in code units from the start of `insns`.
    pub offset: u32,
    /// Opcode byte (0x00 for `nop` and the payloads).
    pub opcode: u8,
    units: &'a [u8],
}

impl Instruction<'_> {
    /// Width in code units.
    pub fn width(&self) -> u32 {
        u32::try_from(self.units.len() / 2).unwrap_or(u32::MAX)
    }

    /// Code unit `n` of this instruction.
    pub fn unit(&self, n: usize) -> Option<u16> {
        u16_at(self.units, n.checked_mul(2)?)
    }

    /// True for `packed-switch-payload`, `sparse-switch-payload` and `fill-array-data-payload`.
    pub fn is_payload(&self) -> bool {
        self.opcode == 0 && self.unit(0).is_some_and(|u| u != 0)
    }

    /// The reference this instruction makes, if it is an invoke or a string constant.
    pub fn code_ref(&self) -> Option<CodeRefKind> {
        let unit1 = || self.unit(1).map(u32::from);
        match self.opcode {
            0x6e..=0x72 | 0x74..=0x78 | 0xfa | 0xfb => {
                unit1().map(|method_idx| CodeRefKind::Invoke { method_idx })
            }
            0xfc | 0xfd => unit1().map(|call_site_idx| CodeRefKind::InvokeCustom { call_site_idx }),
            0x1a => unit1().map(|string_idx| CodeRefKind::ConstString { string_idx }),
            0x1b => u32_at(self.units, 2).map(|string_idx| CodeRefKind::ConstString { string_idx }),
            _ => None,
        }
    }
}

/// Iterator over a code item's instructions (see [`CodeItem::instructions`]).
#[derive(Debug, Clone)]
pub struct Instructions<'a> {
    insns: &'a [u8],
    code_off: u32,
    /// Current position in code units.
    pos: usize,
    failed: bool,
}

/// Width in code units of a payload pseudo-instruction (or a plain `nop`) at unit `pos` whose
/// first unit is `first`.
fn payload_width(insns: &[u8], pos: usize, first: u16) -> u64 {
    let unit = |n: usize| {
        pos.checked_add(n)
            .and_then(|u| u.checked_mul(2))
            .and_then(|at| u16_at(insns, at))
            .map_or(0, u64::from)
    };
    match first {
        PACKED_SWITCH_PAYLOAD => unit(1) * 2 + 4,
        SPARSE_SWITCH_PAYLOAD => unit(1) * 4 + 2,
        FILL_ARRAY_DATA_PAYLOAD => {
            let element_width = unit(1);
            let count = unit(2) | (unit(3) << 16);
            (element_width * count).div_ceil(2) + 4
        }
        _ => 1,
    }
}

/// Outcome of decoding one instruction (kept small: this is the hot loop of every scan).
#[derive(Clone, Copy)]
enum Step {
    /// An instruction with this opcode ends at this code unit (always after its start).
    Insn { opcode: u8, end: usize },
    /// `pos` is at (or past) the end of `insns`.
    End,
    /// The opcode is unused.
    Unused(u8),
    /// The instruction does not fit in `insns`.
    PastEnd,
}

/// Decodes the instruction at code unit `pos`.
#[inline]
fn decode_at(insns: &[u8], pos: usize) -> Step {
    let Some(first) = pos.checked_mul(2).and_then(|at| u16_at(insns, at)) else {
        return Step::End;
    };
    let [opcode, _] = first.to_le_bytes();
    let width = if opcode == 0 {
        payload_width(insns, pos, first)
    } else {
        u64::from(OPCODE_WIDTHS.get(usize::from(opcode)).copied().unwrap_or(0))
    };
    if width == 0 {
        return Step::Unused(opcode);
    }
    let end = (pos as u64).saturating_add(width);
    if end > (insns.len() / 2) as u64 {
        return Step::PastEnd;
    }
    Step::Insn {
        opcode,
        end: end as usize,
    }
}

/// Error for a failed [`Step`] at `pos`.
#[cold]
fn step_error(step: Step, insns: &[u8], pos: usize, code_off: u32) -> DexError {
    let at = u32::try_from(pos).unwrap_or(u32::MAX);
    match step {
        Step::Unused(opcode) => DexError::UnusedOpcode {
            opcode,
            at,
            code_off,
        },
        _ => DexError::InstructionPastEnd {
            at,
            insns_size: u32::try_from(insns.len() / 2).unwrap_or(u32::MAX),
            code_off,
        },
    }
}

impl<'a> Iterator for Instructions<'a> {
    type Item = Result<Instruction<'a>, DexError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let start = self.pos;
        let result = match decode_at(self.insns, start) {
            Step::End => return None,
            Step::Insn { opcode, end } => {
                self.pos = end;
                Ok(Instruction {
                    offset: u32::try_from(start).unwrap_or(u32::MAX),
                    opcode,
                    units: self.insns.get(start * 2..end * 2).unwrap_or_default(),
                })
            }
            step => Err(step_error(step, self.insns, start, self.code_off)),
        };
        self.failed = result.is_err();
        Some(result)
    }
}

/// What an instruction refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CodeRefKind {
    /// `invoke-*` (0x6e..=0x72), `invoke-*/range` (0x74..=0x78), `invoke-polymorphic[/range]`
    /// (0xfa, 0xfb): index into `method_ids`.
    Invoke {
        /// callee
        method_idx: u32,
    },
    /// `invoke-custom[/range]` (0xfc, 0xfd): index into `call_site_ids`.
    InvokeCustom {
        /// call site
        call_site_idx: u32,
    },
    /// `const-string` (0x1a) or `const-string/jumbo` (0x1b): index into `string_ids`.
    ConstString {
        /// string
        string_idx: u32,
    },
}

/// A reference made by one instruction of a method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CodeRef {
    /// Instruction position in code units inside the method's `insns`.
    pub insn_offset: u32,
    /// Opcode byte.
    pub opcode: u8,
    /// What it refers to (indices are as found: resolve them with the id accessors).
    pub kind: CodeRefKind,
}

/// Iterator over the references in one validated method body.
#[derive(Debug, Clone)]
pub struct CodeRefs<'a> {
    instructions: Instructions<'a>,
}

/// Opcodes that carry a reference reported by [`CodeRefs`].
const fn is_ref_opcode(opcode: u8) -> bool {
    matches!(opcode, 0x1a | 0x1b | 0x6e..=0x72 | 0x74..=0x78 | 0xfa..=0xfd)
}

impl Iterator for CodeRefs<'_> {
    type Item = CodeRef;

    fn next(&mut self) -> Option<CodeRef> {
        let walk = &mut self.instructions;
        if walk.failed {
            return None;
        }
        loop {
            let start = walk.pos;
            let Step::Insn { opcode, end } = decode_at(walk.insns, start) else {
                walk.failed = true;
                return None;
            };
            walk.pos = end;
            if is_ref_opcode(opcode)
                && let Some(code_ref) = code_ref_at(walk.insns, start, opcode, end)
            {
                return Some(code_ref);
            }
        }
    }
}

/// The reference made by the instruction spanning code units `start..end`, if any.
#[inline]
fn code_ref_at(insns: &[u8], start: usize, opcode: u8, end: usize) -> Option<CodeRef> {
    let insn = Instruction {
        offset: u32::try_from(start).unwrap_or(u32::MAX),
        opcode,
        units: insns.get(start * 2..end * 2)?,
    };
    Some(CodeRef {
        insn_offset: insn.offset,
        opcode,
        kind: insn.code_ref()?,
    })
}

/// An invoke of a method reference from inside a method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CallSite {
    /// Index into `class_defs` of the calling class.
    pub caller_class_def: u32,
    /// Index into `method_ids` of the calling method.
    pub caller_method_idx: u32,
    /// Index into `method_ids` of the called method.
    pub callee_method_idx: u32,
    /// The invoke opcode (0x6e..=0x72, 0x74..=0x78, 0xfa, 0xfb).
    pub opcode: u8,
    /// Instruction position in code units inside the caller's `insns`.
    pub insn_offset: u32,
}

/// A `const-string` / `const-string/jumbo` inside a method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ConstStringSite {
    /// Index into `class_defs` of the class.
    pub caller_class_def: u32,
    /// Index into `method_ids` of the method.
    pub caller_method_idx: u32,
    /// Index into `string_ids`.
    pub string_idx: u32,
    /// Instruction position in code units.
    pub insn_offset: u32,
}

fn call_site_of(method: &MethodCode, code_ref: CodeRef) -> Option<CallSite> {
    match code_ref.kind {
        CodeRefKind::Invoke { method_idx } => Some(CallSite {
            caller_class_def: method.class_def_idx,
            caller_method_idx: method.method_idx,
            callee_method_idx: method_idx,
            opcode: code_ref.opcode,
            insn_offset: code_ref.insn_offset,
        }),
        _ => None,
    }
}

impl<'a> Dex<'a> {
    /// The code item at `code_off`, with `insns` bounds-checked (not yet validated).
    pub fn code_item(&self, code_off: u32) -> Result<CodeItem<'a>, DexError> {
        let data = self.bytes();
        let len = data.len();
        if code_off % 4 != 0 {
            return Err(DexError::Misaligned {
                what: "code_item",
                offset: code_off,
            });
        }
        let at = code_off as usize;
        let out_of_bounds = DexError::OutOfBounds {
            what: "code_item",
            offset: u64::from(code_off),
            len,
        };
        if at < self.header_offset + self.header_size || at.saturating_add(CODE_ITEM_HEADER) > len {
            return Err(out_of_bounds);
        }
        let half = |n: usize| u16_at(data, at + n).unwrap_or(0);
        let insns_size = u32_at(data, at + 12).unwrap_or(0);
        let start = at + CODE_ITEM_HEADER;
        let insns = (insns_size as usize)
            .checked_mul(2)
            .and_then(|bytes| start.checked_add(bytes))
            .and_then(|end| data.get(start..end))
            .ok_or(DexError::OutOfBounds {
                what: "code_item insns",
                offset: u64::from(code_off),
                len,
            })?;
        Ok(CodeItem {
            code_off,
            registers_size: half(0),
            ins_size: half(2),
            outs_size: half(4),
            tries_size: half(6),
            debug_info_off: u32_at(data, at + 8).unwrap_or(0),
            insns,
        })
    }

    /// The references (invokes, `invoke-custom`, string constants) in `method`'s code.
    ///
    /// The whole instruction stream is validated first, so a malformed method yields an error
    /// and nothing else. Methods without code yield an empty iterator.
    pub fn method_code_refs(&self, method: &MethodCode) -> Result<CodeRefs<'a>, DexError> {
        if method.code_off == 0 {
            return Ok(CodeRefs {
                instructions: Instructions {
                    insns: &[],
                    code_off: 0,
                    pos: 0,
                    failed: false,
                },
            });
        }
        let code = self.code_item(method.code_off)?;
        code.validate()?;
        Ok(code.code_refs_unchecked())
    }

    /// The call sites (method invokes) in `method`'s code; see [`Dex::method_code_refs`].
    pub fn method_call_sites(
        &self,
        method: &MethodCode,
    ) -> Result<impl Iterator<Item = CallSite> + 'a, DexError> {
        let method = *method;
        Ok(self
            .method_code_refs(&method)?
            .filter_map(move |code_ref| call_site_of(&method, code_ref)))
    }

    /// Visits every reference in every method's code. Malformed methods are skipped and counted;
    /// methods sharing an already-scanned code item are skipped and counted.
    pub fn visit_code_refs(&self, mut visit: impl FnMut(&MethodCode, CodeRef)) -> ScanSummary {
        self.visit_method_code_refs(|method, refs| {
            refs.iter().for_each(|&code_ref| visit(method, code_ref));
        })
    }

    /// Like [`Dex::visit_code_refs`], but visits each scanned method once with all of its
    /// references in instruction order (possibly none), so per-method work is done once.
    pub fn visit_method_code_refs(
        &self,
        mut visit: impl FnMut(&MethodCode, &[CodeRef]),
    ) -> ScanSummary {
        let mut methods = self.methods();
        // One buffer for the whole scan: a method's references are reported only once all of
        // its instructions decoded, without walking them twice.
        let mut refs = Vec::new();
        while let Some((method, code)) = next_method_with_code(self, &mut methods) {
            refs.clear();
            let result = code.and_then(|code| code.collect_code_refs(&mut refs));
            let complete = result.is_ok();
            record_scan(&mut methods, &method, result);
            if complete {
                visit(&method, &refs);
            }
        }
        methods.into_summary()
    }

    /// Visits every method invoke in the file (see [`Dex::visit_code_refs`]).
    pub fn visit_call_sites(&self, mut visit: impl FnMut(CallSite)) -> ScanSummary {
        self.visit_code_refs(|method, code_ref| {
            if let Some(site) = call_site_of(method, code_ref) {
                visit(site);
            }
        })
    }

    /// Visits every `const-string`/`const-string/jumbo` in the file.
    pub fn visit_const_strings(&self, mut visit: impl FnMut(ConstStringSite)) -> ScanSummary {
        self.visit_code_refs(|method, code_ref| {
            if let CodeRefKind::ConstString { string_idx } = code_ref.kind {
                visit(ConstStringSite {
                    caller_class_def: method.class_def_idx,
                    caller_method_idx: method.method_idx,
                    string_idx,
                    insn_offset: code_ref.insn_offset,
                });
            }
        })
    }

    /// Every method invoke in the file as an iterator (same rules as [`Dex::visit_code_refs`]).
    pub fn call_sites(&self) -> CallSites<'_, 'a> {
        CallSites {
            dex: self,
            methods: self.methods(),
            current: None,
        }
    }
}

impl<'a> Dex<'a> {
    /// A walk over every method's invokes, with the same rules as [`Dex::visit_code_refs`]
    /// (malformed methods and methods sharing code are skipped and counted), for scans that
    /// count all invokes but look at few: see [`InvokeWalk::next_method`].
    pub fn invoke_walk(&self) -> InvokeWalk<'_, 'a> {
        InvokeWalk {
            dex: self,
            methods: self.methods(),
            kept: Vec::new(),
        }
    }
}

/// Pull-based walk over the invokes of every method's code (see [`Dex::invoke_walk`]).
pub struct InvokeWalk<'d, 'a> {
    dex: &'d Dex<'a>,
    methods: Methods<'d, 'a>,
    /// The kept callees of the current method (one buffer for the whole walk).
    kept: Vec<u32>,
}

/// The invokes of one completely scanned method, from [`InvokeWalk::next_method`].
#[derive(Debug, Clone, Copy)]
pub struct MethodInvokes<'w> {
    /// The method.
    pub method: MethodCode,
    /// Number of method invokes in its code (the call sites [`Dex::visit_call_sites`] reports).
    pub invoke_count: u32,
    /// The callee `method_ids` index of each invoke the filter kept, in instruction order.
    pub kept: &'w [u32],
}

impl InvokeWalk<'_, '_> {
    /// The next method whose code was scanned completely (methods without code are passed
    /// over), or `None` when all are done. `keep` is asked about each invoke's callee, possibly
    /// also for invokes of code that then turns out malformed and is skipped.
    pub fn next_method(&mut self, mut keep: impl FnMut(u32) -> bool) -> Option<MethodInvokes<'_>> {
        while let Some((method, code)) = next_method_with_code(self.dex, &mut self.methods) {
            self.kept.clear();
            match code.and_then(|code| code.collect_invokes(&mut self.kept, &mut keep)) {
                Ok(invoke_count) => {
                    record_scan(&mut self.methods, &method, Ok(()));
                    return Some(MethodInvokes {
                        method,
                        invoke_count,
                        kept: &self.kept,
                    });
                }
                Err(err) => record_scan(&mut self.methods, &method, Err(err)),
            }
        }
        None
    }

    /// What has been visited and skipped so far (complete once [`InvokeWalk::next_method`]
    /// returned `None`).
    pub fn summary(&self) -> &ScanSummary {
        self.methods.summary()
    }
}

/// Next method with a code item of its own (skipping, and counting, methods that share one).
fn next_method_with_code<'a>(
    dex: &Dex<'a>,
    methods: &mut Methods<'_, 'a>,
) -> Option<(MethodCode, Result<CodeItem<'a>, DexError>)> {
    while let Some(method) = methods.next() {
        if method.code_off == 0 {
            continue;
        }
        if method.shares_code {
            methods.summary_mut().methods_sharing_code += 1;
            continue;
        }
        return Some((method, dex.code_item(method.code_off)));
    }
    None
}

/// Counts one method's scan outcome in the summary.
fn record_scan(methods: &mut Methods<'_, '_>, method: &MethodCode, result: Result<(), DexError>) {
    let summary = methods.summary_mut();
    match result {
        Ok(()) => summary.methods_scanned += 1,
        Err(err) => {
            summary.methods_skipped += 1;
            summary.note_error(method.class_def_idx, Some(method.method_idx), err);
        }
    }
}

/// Iterator over all call sites of a DEX (see [`Dex::call_sites`]).
pub struct CallSites<'d, 'a> {
    dex: &'d Dex<'a>,
    methods: Methods<'d, 'a>,
    current: Option<(MethodCode, CodeRefs<'a>)>,
}

impl CallSites<'_, '_> {
    /// What has been visited and skipped so far (complete once the iterator is exhausted).
    pub fn summary(&self) -> &ScanSummary {
        self.methods.summary()
    }
}

impl Iterator for CallSites<'_, '_> {
    type Item = CallSite;

    fn next(&mut self) -> Option<CallSite> {
        loop {
            if let Some((method, refs)) = self.current.as_mut() {
                if let Some(site) = refs.find_map(|code_ref| call_site_of(method, code_ref)) {
                    return Some(site);
                }
                self.current = None;
            }
            let (method, code) = next_method_with_code(self.dex, &mut self.methods)?;
            let validated = code.and_then(|code| code.validate().map(|()| code));
            let refs = validated.as_ref().ok().map(CodeItem::code_refs_unchecked);
            record_scan(&mut self.methods, &method, validated.map(|_| ()));
            if let Some(refs) = refs {
                self.current = Some((method, refs));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(units: &[u16]) -> (Vec<u8>, u32) {
        let bytes = units.iter().flat_map(|u| u.to_le_bytes()).collect();
        (bytes, 0x40)
    }

    /// The reference walk the fast loop replaces: validate, then iterate instructions.
    fn walk(code: &CodeItem<'_>) -> Result<Vec<CodeRef>, DexError> {
        code.validate()?;
        Ok(code.code_refs_unchecked().collect())
    }

    fn fast(code: &CodeItem<'_>) -> Result<Vec<CodeRef>, DexError> {
        let mut out = Vec::new();
        code.collect_code_refs(&mut out).map(|()| out)
    }

    /// The invoke walk's result, derived from the reference walk: invoke count and the
    /// callees `keep` accepts.
    fn invokes_by_walk(
        code: &CodeItem<'_>,
        keep: impl Fn(u32) -> bool,
    ) -> Result<(u32, Vec<u32>), DexError> {
        let refs = walk(code)?;
        let callees: Vec<u32> = refs
            .iter()
            .filter_map(|r| match r.kind {
                CodeRefKind::Invoke { method_idx } => Some(method_idx),
                _ => None,
            })
            .collect();
        let count = callees.len() as u32;
        Ok((count, callees.into_iter().filter(|&m| keep(m)).collect()))
    }

    fn invokes(
        code: &CodeItem<'_>,
        keep: impl Fn(u32) -> bool,
    ) -> Result<(u32, Vec<u32>), DexError> {
        let mut kept = Vec::new();
        let mut keep = keep;
        code.collect_invokes(&mut kept, &mut keep)
            .map(|count| (count, kept))
    }

    fn code_item(bytes: &[u8], code_off: u32) -> CodeItem<'_> {
        CodeItem {
            code_off,
            registers_size: 0,
            ins_size: 0,
            outs_size: 0,
            tries_size: 0,
            debug_info_off: 0,
            insns: bytes,
        }
    }

    #[test]
    fn collect_code_refs_agrees_with_the_instruction_walk_on_every_opcode() {
        for opcode in 0..=255u16 {
            for tail in 0..6usize {
                let mut units = vec![0x1200 | opcode, 0xbeef, 0x1234, 0x0002, 0, 0, 0];
                units.truncate(1 + tail);
                let (bytes, off) = item(&units);
                let code = code_item(&bytes, off);
                assert_eq!(fast(&code), walk(&code), "opcode {opcode:#x}, {tail} units");
                assert_eq!(
                    invokes(&code, |_| true),
                    invokes_by_walk(&code, |_| true),
                    "opcode {opcode:#x}, {tail} units"
                );
            }
        }
    }

    #[test]
    fn collect_invokes_counts_keeps_and_rejects_malformed_code() {
        // invoke-static {v0} m5; invoke-virtual/range m7; const-string s9; nop.
        let units = [0x1071, 5, 0, 0x0174, 7, 0, 0x001a, 9, 0x0000];
        let (bytes, off) = item(&units);
        let code = code_item(&bytes, off);
        assert_eq!(invokes(&code, |m| m == 7), Ok((2, vec![7])));
        assert_eq!(invokes(&code, |_| false), Ok((2, vec![])));
        // Truncated inside the second invoke, then an unused opcode: both rejected.
        for cut in [10, 11] {
            let code = code_item(&bytes[..cut], off);
            assert!(matches!(
                invokes(&code, |_| true),
                Err(DexError::InstructionPastEnd { at: 3, .. })
            ));
        }
        let (bad, off) = item(&[0x1071, 5, 0, 0x003e]);
        let code = code_item(&bad, off);
        assert!(matches!(
            invokes(&code, |_| true),
            Err(DexError::UnusedOpcode {
                opcode: 0x3e,
                at: 3,
                ..
            })
        ));
        // A payload whose declared size runs past the end.
        let (payload, off) = item(&[0x0300, 2, 0xffff, 0xffff]);
        let code = code_item(&payload, off);
        assert!(invokes(&code, |_| true).is_err());
        assert_eq!(invokes(&code_item(&[], off), |_| true), Ok((0, vec![])));
    }

    #[test]
    fn collect_code_refs_agrees_with_the_instruction_walk_on_noise() {
        // Deterministic pseudo-random unit streams, biased towards valid opcodes and payloads.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..20_000 {
            let len = (next() % 24) as usize;
            let units: Vec<u16> = (0..len)
                .map(|_| match next() % 8 {
                    0 => 0x0100 + (next() % 3) as u16 * 0x100,
                    1 => 0x0001,
                    2 => 0x006e | ((next() as u16) & 0xff00),
                    _ => next() as u16,
                })
                .collect();
            let (bytes, off) = item(&units);
            // Also an odd byte length: the last byte is not a unit.
            for cut in [bytes.len(), bytes.len().saturating_sub(1)] {
                let code = code_item(&bytes[..cut], off);
                assert_eq!(fast(&code), walk(&code), "{units:04x?}");
                let keep = |m: u32| m % 3 != 0;
                assert_eq!(
                    invokes(&code, keep),
                    invokes_by_walk(&code, keep),
                    "{units:04x?}"
                );
            }
        }
    }
}
