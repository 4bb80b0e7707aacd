//! Zero-copy, panic-free reader for Android resource tables (`resources.arsc`).
//!
//! [`Table::parse`] walks the chunk tree once (`ResTable_header`, the global `ResStringPool`,
//! each `ResTable_package` with its type and key pools, `ResTable_typeSpec` and `ResTable_type`
//! chunks) and keeps one small record per package and per type chunk; entries (dense,
//! `FLAG_SPARSE`, `FLAG_OFFSET16`; simple, complex and `FLAG_COMPACT`) and strings (UTF-8 or
//! UTF-16) are decoded only when asked for, borrowing from the input where they can. Sizes and
//! counts are bounded by the bytes present: no input can make it panic, loop forever or
//! allocate more than a small multiple of its size (per type chunk one record; for lookups by
//! name, indexes built on first use). Survivable defects are recorded as
//! [`Anomaly`]s; only bytes that are not a table at all are an [`ArscError`].
//!
//! ```no_run
//! # fn demo(bytes: &[u8]) -> Result<(), piaudit_arsc::ArscError> {
//! let table = piaudit_arsc::Table::parse(bytes)?;
//! for s in table.string_resources() {
//!     println!("{} ({}) = {}", s.name, s.qualifier, s.value);
//! }
//! if let Some(id) = table.find_id("string", "app_name") {
//!     let found = table.lookup(id, &["zh-rCN"]);
//!     println!("{:?} {:?}", table.name(id).map(|n| n.to_string()), found.map(|f| f.entry));
//! }
//! # Ok(()) }
//! ```

mod anomaly;
mod config;
mod error;
mod pool;
mod reader;
mod table;
#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tests;

pub use anomaly::{Anomaly, AnomalyKind, MAX_ANOMALIES, MAX_PER_KIND};
pub use config::Config;
pub use error::ArscError;
pub use pool::StringPool;
pub use table::{
    ENTRY_FLAG_COMPACT, ENTRY_FLAG_COMPLEX, Entries, Entry, EntryValue, Found, Package,
    ResourceName, StringResource, StringResources, TABLE_TYPE, TYPE_DYNAMIC_REFERENCE,
    TYPE_FLAG_OFFSET16, TYPE_FLAG_SPARSE, TYPE_REFERENCE, TYPE_STRING, Table, TypeChunk, Value,
    split_id,
};
