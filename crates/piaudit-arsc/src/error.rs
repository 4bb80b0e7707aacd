//! Error values of the resource-table reader. Owns the error taxonomy only: an error means the
//! bytes are not a usable resource table at all; everything survivable is an
//! [`Anomaly`](crate::Anomaly) instead.

/// Why bytes could not be opened as a resource table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArscError {
    /// Fewer bytes than a `ResTable_header` needs.
    #[error("input of {len} bytes is too short for a resource table header (12 bytes needed)")]
    TooShort {
        /// bytes present
        len: usize,
    },
    /// The first chunk is not a `RES_TABLE_TYPE` chunk.
    #[error("not a resource table: first chunk has type {0:#06x}")]
    NotATable(u16),
    /// The table chunk header is inconsistent (header size smaller than 12 or larger than
    /// the chunk).
    #[error("bad resource table header: {0}")]
    BadHeader(&'static str),
}
