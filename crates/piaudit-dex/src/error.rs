//! Error values of the DEX reader. Owns the error taxonomy only; never decides whether an error
//! is fatal (callers and the scanning code do that).

use std::fmt;

/// Which id table an index refers to (for error context).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdTable {
    /// `string_ids`
    Strings,
    /// `type_ids`
    Types,
    /// `proto_ids`
    Protos,
    /// `field_ids`
    Fields,
    /// `method_ids`
    Methods,
    /// `class_defs`
    ClassDefs,
}

impl fmt::Display for IdTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            IdTable::Strings => "string_ids",
            IdTable::Types => "type_ids",
            IdTable::Protos => "proto_ids",
            IdTable::Fields => "field_ids",
            IdTable::Methods => "method_ids",
            IdTable::ClassDefs => "class_defs",
        })
    }
}

/// Everything that can go wrong while reading a DEX file or one of its items.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DexError {
    /// Fewer bytes than a DEX header needs.
    #[error("input of {len} bytes is too short for a DEX header ({need} bytes needed)")]
    TooShort {
        /// bytes present
        len: usize,
        /// bytes needed
        need: usize,
    },
    /// The first four bytes are not `dex\n`, or the version is not three ASCII digits and NUL.
    #[error("not a DEX file: bad magic {0:02x?}")]
    BadMagic([u8; 8]),
    /// A well-formed `dex\nNNN\0` magic with a version outside 035..=041.
    #[error("unsupported DEX version {0:03}")]
    UnsupportedVersion(u16),
    /// The header declares a size this reader cannot use.
    #[error("unusable header_size {header_size:#x} for DEX version {version:03}")]
    BadHeaderSize {
        /// declared header size
        header_size: u32,
        /// DEX version
        version: u16,
    },
    /// The endian tag says big-endian (`0x78563412`) or is not an endian tag at all.
    #[error("unsupported endian tag {0:#010x} (only little-endian 0x12345678 is supported)")]
    BadEndianTag(u32),
    /// A v41 header does not start at its declared `header_offset`, or lies outside the container.
    #[error("bad DEX container header at {offset:#x}: {reason}")]
    BadContainer {
        /// where the header was read
        offset: usize,
        /// what is wrong
        reason: &'static str,
    },
    /// An index past the end of an id table.
    #[error("{table} index {index} out of range (table has {count} entries)")]
    IndexOutOfRange {
        /// table
        table: IdTable,
        /// requested index
        index: u32,
        /// entries available
        count: u32,
    },
    /// An item lies (partly) outside the file.
    #[error("{what} at offset {offset:#x} extends past the end of the data ({len} bytes)")]
    OutOfBounds {
        /// kind of item
        what: &'static str,
        /// its offset
        offset: u64,
        /// data length
        len: usize,
    },
    /// An item that must be 4-byte aligned is not.
    #[error("{what} at offset {offset:#x} is not 4-byte aligned")]
    Misaligned {
        /// kind of item
        what: &'static str,
        /// its offset
        offset: u32,
    },
    /// A LEB128 value longer than five bytes.
    #[error("LEB128 value at offset {offset:#x} is longer than 5 bytes")]
    Leb128TooLong {
        /// offset of its first byte
        offset: usize,
    },
    /// `string_data_item` without its terminating NUL before the next string's data (or the end
    /// of the file), or sharing its bytes with another string.
    #[error("string data at offset {offset:#x} is not NUL-terminated within its own bounds")]
    UnterminatedString {
        /// offset of the character bytes
        offset: usize,
    },
    /// A name or descriptor too long to be displayed within [`crate::MAX_DISPLAY_BYTES`].
    #[error("string {idx} does not fit in the {max}-byte display limit")]
    DisplayTooLong {
        /// string index
        idx: u32,
        /// the limit that applied
        max: usize,
    },
    /// A prototype with more parameters than a Dalvik method can take (255).
    #[error("proto {proto_idx} has {len} parameters (at most 255 are possible)")]
    TooManyParameters {
        /// proto index
        proto_idx: u32,
        /// declared parameter count
        len: usize,
    },
    /// Method index accumulation in a `class_data_item` overflowed 32 bits.
    #[error("method index overflow in class_data_item at {offset:#x}")]
    MethodIndexOverflow {
        /// class_data_item offset
        offset: u32,
    },
    /// An opcode that is unused in every DEX version.
    #[error("unused opcode {opcode:#04x} at code unit {at} of code item {code_off:#x}")]
    UnusedOpcode {
        /// opcode byte
        opcode: u8,
        /// code-unit offset inside `insns`
        at: u32,
        /// code item offset
        code_off: u32,
    },
    /// An instruction (or payload) that runs past the end of `insns`.
    #[error(
        "instruction at code unit {at} runs past insns_size {insns_size} of code item {code_off:#x}"
    )]
    InstructionPastEnd {
        /// code-unit offset inside `insns`
        at: u32,
        /// `insns_size` in code units
        insns_size: u32,
        /// code item offset
        code_off: u32,
    },
}
