//! Whole-program call graph of one Android app, over every DEX file it carries.
//!
//! [`Builder::add_dex`] walks each DEX file once (first definition of a class wins, as in the
//! class loader), interning classes, names, prototypes and methods into ids shared by all
//! files, and records per method body its calls in instruction order (compact arrays, no
//! per-method allocation). [`Builder::finish`] adds the class hierarchy and gives a [`Graph`];
//! [`Graph::reach`] resolves calls on demand (static/direct/super by lookup up the hierarchy,
//! virtual/interface by class-hierarchy analysis over the app's classes with a fan-out cap,
//! static initialisers of classes used, asynchronous hand-offs, constant-string reflection)
//! while walking breadth-first from named entry points, keeping one shortest chain per method.
//!
//! The crate knows nothing about law or about which APIs matter; it must not read manifests
//! (callers name the entry points). What it cannot see (native code, dynamic code loading,
//! reflection by computed names, capped fan-out) is counted in [`Limits`]. No input can make it
//! panic, loop forever or grow past the caps in [`Caps`].

mod build;
mod calls;
mod classify;
mod gate;
mod graph;
mod reach;

pub use build::{Builder, Caps, CodeVisitor};
pub use classify::{is_agree_text, is_consent_key};
pub use gate::agreed_when_true;
pub use graph::{ArgConst, ConsentSite, EdgeKind, Graph, Limits, MethodId, NONE};
pub use reach::{CallHit, Entry, Frame, Reach, Resolver, SERVICE_CALLBACKS};
