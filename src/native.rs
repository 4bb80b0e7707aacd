//! Native libraries (`lib/<abi>/*.so`): ABI, soname, needed libraries and the number of
//! exported dynamic symbols, read with goblin's ELF parser, and which ABI's copy of a library
//! is read when several are compressed ([`Selection`]).
//!
//! Owns the ELF questions piaudit asks. It must not decide which SDK a library belongs to
//! (the SDK catalogue does) and must never fail the app: a bad ELF is recorded on the entry.

use goblin::elf::Elf;

use crate::facts::NativeLib;

/// Whether an entry name is a native library Android installs: `lib/<abi>/<name>.so`.
pub fn lib_path(name: &str) -> Option<(&str, &str)> {
    let rest = name.strip_prefix("lib/")?;
    let (abi, file) = rest.split_once('/')?;
    (!abi.is_empty() && !file.contains('/') && file.ends_with(".so")).then_some((abi, file))
}

/// ABIs in the order their builds of a library are preferred for reading ELF facts: the ones
/// phones run first.
const ABI_PREFERENCE: [&str; 8] = [
    "arm64-v8a",
    "armeabi-v7a",
    "armeabi",
    "x86_64",
    "x86",
    "riscv64",
    "mips64",
    "mips",
];

/// Which copy of each library is read. The builds of one library for several ABIs have the
/// same name, soname and dependencies; inflating every one of them (tens of MB in big apps that
/// compress their libraries) would cost more than the rest of the scan for facts no rule needs
/// twice. So: a stored copy is read in place (free) whatever its ABI; a library with no stored
/// copy is inflated for one ABI, the first of [`ABI_PREFERENCE`] (else the first in name
/// order); the other compressed copies are listed with their size and a note ([`not_read`]).
#[derive(Debug, Default)]
pub struct Selection<'n> {
    /// Library file name → the ABI whose copy is read (stored, or the chosen compressed one).
    read: std::collections::HashMap<&'n str, &'n str>,
}

impl<'n> Selection<'n> {
    /// `libs`: every library's (ABI, file name, whether it is stored uncompressed).
    pub fn new(libs: impl Iterator<Item = (&'n str, &'n str, bool)>) -> Selection<'n> {
        let rank = |abi: &str| {
            ABI_PREFERENCE
                .iter()
                .position(|a| *a == abi)
                .unwrap_or(ABI_PREFERENCE.len())
        };
        let mut read: std::collections::HashMap<&str, (bool, usize, &str)> =
            std::collections::HashMap::new();
        for (abi, file, stored) in libs {
            // Lower is better: stored first, then by preference, then by ABI name.
            let key = (!stored, rank(abi), abi);
            read.entry(file)
                .and_modify(|best| {
                    if key < *best {
                        *best = key;
                    }
                })
                .or_insert(key);
        }
        Selection {
            read: read.into_iter().map(|(f, (_, _, abi))| (f, abi)).collect(),
        }
    }

    /// The ABI whose copy of `file` is read.
    pub fn read_from(&self, file: &str) -> Option<&'n str> {
        self.read.get(file).copied()
    }
}

/// A compressed library not inflated because `read_abi`'s copy of it is read instead.
pub fn not_read(abi: &str, file: &str, size: u64, read_abi: &str) -> NativeLib {
    NativeLib {
        abi: abi.to_owned(),
        name: file.to_owned(),
        size,
        not_read: Some(format!(
            "compressed copy not inflated: the {read_abi} build of the same library is read"
        )),
        ..NativeLib::default()
    }
}

/// Describes one library. `bytes` is `None` when the entry could not be read (the reason is
/// then given as `error`).
pub fn describe(abi: &str, file: &str, size: u64, bytes: Result<&[u8], String>) -> NativeLib {
    let mut lib = NativeLib {
        abi: abi.to_owned(),
        name: file.to_owned(),
        size,
        ..NativeLib::default()
    };
    let bytes = match bytes {
        Ok(b) => b,
        Err(e) => {
            lib.error = Some(e);
            return lib;
        }
    };
    match Elf::parse(bytes) {
        Ok(elf) => {
            lib.soname = elf.soname.map(str::to_owned);
            lib.needed = elf.libraries.iter().map(|s| (*s).to_owned()).collect();
            lib.exported_symbols = elf
                .dynsyms
                .iter()
                .filter(|s| {
                    s.st_shndx != 0 && s.st_bind() != goblin::elf::sym::STB_LOCAL && s.st_name != 0
                })
                .count() as u64;
        }
        Err(e) => lib.error = Some(format!("not a readable ELF file: {e}")),
    }
    lib
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn library_paths_are_lib_abi_name_so() {
        assert_eq!(
            lib_path("lib/arm64-v8a/libx.so"),
            Some(("arm64-v8a", "libx.so"))
        );
        assert_eq!(lib_path("lib/arm64-v8a/sub/libx.so"), None);
        assert_eq!(lib_path("assets/lib/arm64-v8a/libx.so"), None);
        assert_eq!(lib_path("lib/libx.so"), None);
    }

    #[test]
    fn one_copy_of_each_library_is_read() {
        let libs = [
            ("armeabi-v7a", "liba.so", false),
            ("arm64-v8a", "liba.so", false),
            ("x86", "liba.so", false),
            ("x86", "libb.so", true),
            ("arm64-v8a", "libb.so", false),
            ("x86", "libc.so", false),
            ("weird", "libc.so", false),
            ("zeta", "libd.so", false),
            ("alpha", "libd.so", false),
        ];
        let s = Selection::new(libs.into_iter());
        assert_eq!(s.read_from("liba.so"), Some("arm64-v8a"));
        assert_eq!(s.read_from("libb.so"), Some("x86"), "a stored copy is free");
        assert_eq!(s.read_from("libc.so"), Some("x86"));
        assert_eq!(s.read_from("libd.so"), Some("alpha"));
        assert_eq!(s.read_from("libe.so"), None);
        let lib = not_read("x86", "liba.so", 10, "arm64-v8a");
        assert!(lib.not_read.as_deref().unwrap().contains("arm64-v8a"));
        assert_eq!((lib.size, lib.error), (10, None));
    }

    #[test]
    fn garbage_is_an_error_on_the_entry_not_a_panic() {
        let lib = describe("x86", "libbad.so", 4, Ok(b"\x7fELF"));
        assert!(lib.error.is_some());
        let lib = describe("x86", "libbad.so", 0, Err("truncated".into()));
        assert_eq!(lib.error.as_deref(), Some("truncated"));
    }
}
