//! Surviving a mapped input that another process truncates while piaudit reads it.
//!
//! Reading a page of a file mapping past the file's new end raises SIGBUS, which by default
//! ends the process: one upload replaced mid-scan would stop a store's whole batch. Every
//! mapping piaudit makes is registered here; a SIGBUS inside a registered mapping replaces the
//! rest of that mapping with zero pages (the read is retried and sees zeros) and marks the
//! mapping truncated, so that the scan of that input ends normally and its caller turns it into
//! an error record ([`Registration::truncated`]). A SIGBUS anywhere else is handed to the
//! handler that was installed before (Rust's, or the default action).
//!
//! Owns the signal handler and the registry (a fixed table of atomics: the handler may not
//! allocate or lock). It must not read the mappings itself. Linux only; elsewhere registration
//! fails and inputs are read instead of mapped.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Mappings registered at once at most (a batch maps one input per worker, a split directory
/// a few). When the table is full, the input is read instead.
const SLOTS: usize = 256;

struct Slot {
    start: AtomicUsize,
    len: AtomicUsize,
    truncated: AtomicBool,
}

#[allow(clippy::declare_interior_mutable_const)] // used only to initialise the table
const EMPTY: Slot = Slot {
    start: AtomicUsize::new(0),
    len: AtomicUsize::new(0),
    truncated: AtomicBool::new(false),
};

static TABLE: [Slot; SLOTS] = [EMPTY; SLOTS];

/// A mapping registered with the guard; unregisters itself when dropped (drop it before the
/// mapping is unmapped).
#[derive(Debug)]
pub struct Registration {
    slot: usize,
}

impl Registration {
    /// Registers the mapping of `len` bytes at `start`. `None` when the guard is unavailable
    /// (not Linux, the handler could not be installed) or the table is full.
    pub fn new(start: *const u8, len: usize) -> Option<Registration> {
        if len == 0 || !install() {
            return None;
        }
        for (i, slot) in TABLE.iter().enumerate() {
            if slot
                .len
                .compare_exchange(0, usize::MAX, Ordering::AcqRel, Ordering::Relaxed)
                .is_ok()
            {
                slot.truncated.store(false, Ordering::Relaxed);
                slot.start.store(start as usize, Ordering::Relaxed);
                slot.len.store(len, Ordering::Release);
                return Some(Registration { slot: i });
            }
        }
        None
    }

    /// Whether a read of the mapping faulted past the file's end (its rest now reads zeros).
    pub fn truncated(&self) -> bool {
        TABLE
            .get(self.slot)
            .is_some_and(|s| s.truncated.load(Ordering::Acquire))
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        if let Some(slot) = TABLE.get(self.slot) {
            slot.start.store(0, Ordering::Relaxed);
            slot.len.store(0, Ordering::Release);
        }
    }
}

#[cfg(target_os = "linux")]
mod handler {
    use super::{Ordering, TABLE};
    use std::sync::OnceLock;

    /// The action that was in place before ours, for faults that are not ours.
    static PREVIOUS: OnceLock<Option<libc::sigaction>> = OnceLock::new();

    extern "C" fn on_sigbus(sig: libc::c_int, info: *mut libc::siginfo_t, _: *mut libc::c_void) {
        // SAFETY: the kernel passes a valid siginfo_t to an SA_SIGINFO handler.
        let addr = unsafe { (*info).si_addr() } as usize;
        for slot in &TABLE {
            let len = slot.len.load(Ordering::Acquire);
            let start = slot.start.load(Ordering::Relaxed);
            if len == 0 || len == usize::MAX || addr < start || addr - start >= len {
                continue;
            }
            let page = 4096usize;
            let from = addr & !(page - 1);
            let end = start + len;
            // SAFETY: [from, end) lies inside a read-only private file mapping that this
            // process made and still holds (it is registered); replacing it with anonymous
            // zero pages changes what later reads see, never memory anything writes. mmap is
            // a plain system call, safe to make in a signal handler on Linux.
            let replaced = unsafe {
                libc::mmap(
                    from as *mut libc::c_void,
                    end - from,
                    libc::PROT_READ,
                    libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED,
                    -1,
                    0,
                )
            };
            if replaced != libc::MAP_FAILED {
                slot.truncated.store(true, Ordering::Release);
                return;
            }
        }
        // Not ours: put the previous action back and return; the fault happens again and
        // that action deals with it.
        let previous = PREVIOUS.get().copied().flatten();
        // SAFETY: sigaction with a valid action (or SIG_DFL) is async-signal-safe.
        unsafe {
            match previous {
                Some(action) => libc::sigaction(sig, &action, std::ptr::null_mut()),
                None => {
                    let mut dfl: libc::sigaction = std::mem::zeroed();
                    dfl.sa_sigaction = libc::SIG_DFL;
                    libc::sigaction(sig, &dfl, std::ptr::null_mut())
                }
            };
        }
    }

    /// Installs the handler once; whether it is in place.
    pub fn install() -> bool {
        PREVIOUS
            .get_or_init(|| {
                // SAFETY: a zeroed sigaction is a valid starting value; the handler has the
                // SA_SIGINFO signature and only touches atomics and makes system calls.
                unsafe {
                    let mut action: libc::sigaction = std::mem::zeroed();
                    action.sa_sigaction = on_sigbus as *const () as usize;
                    action.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK;
                    libc::sigemptyset(&mut action.sa_mask);
                    let mut old: libc::sigaction = std::mem::zeroed();
                    if libc::sigaction(libc::SIGBUS, &action, &mut old) == 0 {
                        Some(old)
                    } else {
                        None
                    }
                }
            })
            .is_some()
    }
}

#[cfg(target_os = "linux")]
fn install() -> bool {
    handler::install()
}

#[cfg(not(target_os = "linux"))]
fn install() -> bool {
    false
}
