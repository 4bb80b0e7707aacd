//! Zero-copy, panic-free reader for Android DEX files (versions 035..=041).
//!
//! [`Dex::parse`] validates the header and bounds every id table against the bytes present
//! (clamping and recording [`Anomaly`]s instead of failing); accessors resolve strings (MUTF-8),
//! types, prototypes, fields and methods by index; [`Dex::methods`], [`Dex::visit_call_sites`],
//! [`Dex::call_sites`], [`Dex::visit_const_strings`], [`Dex::visit_method_code_refs`] and
//! [`Dex::invoke_walk`] walk class data and Dalvik bytecode to report invoke call sites and
//! string constants. No input can make it panic, loop forever or
//! allocate more than a small multiple of the input size; malformed methods are skipped and
//! counted in a [`ScanSummary`].
//!
//! ```no_run
//! # fn demo(bytes: &[u8]) -> Result<(), piaudit_dex::DexError> {
//! let dex = piaudit_dex::Dex::parse(bytes)?;
//! let summary = dex.visit_call_sites(|site| {
//!     if let Ok(callee) = dex.method_ref_display(site.callee_method_idx) {
//!         println!("{} calls {callee}", site.caller_method_idx);
//!     }
//! });
//! println!("skipped {} malformed methods", summary.methods_skipped);
//! # Ok(()) }
//! ```

mod anomaly;
mod class;
mod code;
mod descriptor;
mod dex;
mod error;
mod ids;
mod mutf8;
mod reader;

pub use anomaly::{Anomaly, AnomalyKind, MAX_ANOMALIES};
pub use class::{ClassDef, ClassMethods, MethodCode, Methods, ScanError, ScanSummary};
pub use code::{
    CallSite, CallSites, CodeItem, CodeRef, CodeRefKind, CodeRefs, ConstStringSite, Instruction,
    Instructions, InvokeWalk, MethodInvokes,
};
pub use descriptor::{descriptor_to_java, push_java_name};
pub use dex::{Dex, HEADER_SIZE, HEADER_SIZE_V41, NO_INDEX, is_dex};
pub use error::{DexError, IdTable};
pub use ids::{FieldRef, MAX_DISPLAY_BYTES, MethodRef, ProtoRef, Strings, TypeList};
pub use mutf8::decode_mutf8;
