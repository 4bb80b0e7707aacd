//! Native libraries (`lib/<abi>/*.so`): ABI, soname, needed libraries and the number of
//! exported dynamic symbols, read with goblin's ELF parser.
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
    fn garbage_is_an_error_on_the_entry_not_a_panic() {
        let lib = describe("x86", "libbad.so", 4, Ok(b"\x7fELF"));
        assert!(lib.error.is_some());
        let lib = describe("x86", "libbad.so", 0, Err("truncated".into()));
        assert_eq!(lib.error.as_deref(), Some("truncated"));
    }
}
