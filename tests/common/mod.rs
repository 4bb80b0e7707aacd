//! Test support: a tiny zip writer that can produce the malformed archives hostile APKs use
//! (BadPack methods, fake encryption flags, lying local headers, fake EOCDs, duplicate names,
//! ZIP64 records, bombs), access to the samples, whether an external tool is installed, and
//! reading method bodies out of `dexdump -d` output.
#![allow(dead_code)]

use std::io::Write;
use std::path::PathBuf;

use flate2::Compression;
use flate2::write::DeflateEncoder;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn sample(name: &str) -> PathBuf {
    repo().join("samples").join(name)
}

/// Whether `name` is on PATH (the oracle tests skip, saying so, when a tool is missing).
pub fn tool_present(name: &str) -> bool {
    std::process::Command::new("sh")
        .args(["-c", &format!("command -v {name}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// `Lpkg/Cls;->name(args)ret` as `dexdump -d` prints a method reference:
/// `Lpkg/Cls;.name:(args)ret`.
pub fn dexdump_ref(frame: &str) -> String {
    let (class, rest) = frame.split_once("->").unwrap_or((frame, ""));
    let paren = rest.find('(').unwrap_or(rest.len());
    format!("{class}.{}:{}", &rest[..paren], &rest[paren..])
}

/// The body of `method` (a dexdump reference) in `dexdump -d` output.
pub fn dexdump_body<'a>(dump: &'a str, method: &str) -> Option<&'a str> {
    // Method headers name the class dotted: `|[0004a8] com.a.App.onCreate:()V`.
    let (class, rest) = method.split_once(";.")?;
    let (name, proto) = rest.split_once(':')?;
    let dotted = class.trim_start_matches('L').replace('/', ".");
    let header = format!("] {dotted}.{name}:{proto}\n");
    let start = dump.find(&header)?;
    let body = &dump[start..];
    let end = body[header.len()..]
        .find("|[")
        .map_or(body.len(), |e| e + header.len());
    Some(&body[..end])
}

/// One entry to write.
#[derive(Clone, Debug)]
pub struct ZipItem {
    pub name: String,
    pub data: Vec<u8>,
    /// Deflate the data (else stored).
    pub deflate: bool,
    /// The method written in the central directory (None: the real one).
    pub cd_method: Option<u16>,
    /// The method written in the local header (None: the real one).
    pub local_method: Option<u16>,
    /// General purpose flags in both headers.
    pub flags: u16,
    /// The uncompressed size declared (None: the real one).
    pub declared_size: Option<u32>,
}

impl ZipItem {
    pub fn new(name: &str, data: Vec<u8>, deflate: bool) -> ZipItem {
        ZipItem {
            name: name.to_owned(),
            data,
            deflate,
            cd_method: None,
            local_method: None,
            flags: 0,
            declared_size: None,
        }
    }
}

/// How to finish the archive.
#[derive(Clone, Debug, Default)]
pub struct ZipTail {
    pub comment: Vec<u8>,
    /// Write a ZIP64 end record and locator, with the classic EOCD fields set to all ones.
    pub zip64: bool,
}

pub fn write_zip(items: &[ZipItem], tail: &ZipTail) -> Vec<u8> {
    let mut out = Vec::new();
    let mut cd = Vec::new();
    for it in items {
        let payload = if it.deflate {
            let mut e = DeflateEncoder::new(Vec::new(), Compression::default());
            e.write_all(&it.data).unwrap();
            e.finish().unwrap()
        } else {
            it.data.clone()
        };
        let real_method: u16 = if it.deflate { 8 } else { 0 };
        let crc = crc32fast::hash(&it.data);
        let usize_ = it.declared_size.unwrap_or(it.data.len() as u32);
        let offset = out.len() as u32;
        // local header
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        out.extend_from_slice(&20u16.to_le_bytes());
        out.extend_from_slice(&it.flags.to_le_bytes());
        out.extend_from_slice(&it.local_method.unwrap_or(real_method).to_le_bytes());
        out.extend_from_slice(&[0, 0, 0, 0]);
        out.extend_from_slice(&crc.to_le_bytes());
        out.extend_from_slice(&(payload.len() as u32).to_le_bytes());
        out.extend_from_slice(&usize_.to_le_bytes());
        out.extend_from_slice(&(it.name.len() as u16).to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(it.name.as_bytes());
        out.extend_from_slice(&payload);
        // central directory header
        cd.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        cd.extend_from_slice(&20u16.to_le_bytes());
        cd.extend_from_slice(&20u16.to_le_bytes());
        cd.extend_from_slice(&it.flags.to_le_bytes());
        cd.extend_from_slice(&it.cd_method.unwrap_or(real_method).to_le_bytes());
        cd.extend_from_slice(&[0, 0, 0, 0]);
        cd.extend_from_slice(&crc.to_le_bytes());
        cd.extend_from_slice(&(payload.len() as u32).to_le_bytes());
        cd.extend_from_slice(&usize_.to_le_bytes());
        cd.extend_from_slice(&(it.name.len() as u16).to_le_bytes());
        cd.extend_from_slice(&[0; 12]);
        cd.extend_from_slice(&offset.to_le_bytes());
        cd.extend_from_slice(it.name.as_bytes());
    }
    let cd_offset = out.len() as u64;
    out.extend_from_slice(&cd);
    let count = items.len() as u64;
    if tail.zip64 {
        let rec = out.len() as u64;
        out.extend_from_slice(&0x0606_4b50u32.to_le_bytes());
        out.extend_from_slice(&44u64.to_le_bytes());
        out.extend_from_slice(&45u16.to_le_bytes());
        out.extend_from_slice(&45u16.to_le_bytes());
        out.extend_from_slice(&[0; 8]);
        out.extend_from_slice(&count.to_le_bytes());
        out.extend_from_slice(&count.to_le_bytes());
        out.extend_from_slice(&(cd.len() as u64).to_le_bytes());
        out.extend_from_slice(&cd_offset.to_le_bytes());
        out.extend_from_slice(&0x0706_4b50u32.to_le_bytes());
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(&rec.to_le_bytes());
        out.extend_from_slice(&1u32.to_le_bytes());
    }
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    if tail.zip64 {
        out.extend_from_slice(&[0xff; 4]);
        out.extend_from_slice(&[0xff; 4]);
        out.extend_from_slice(&[0xff; 4]);
    } else {
        out.extend_from_slice(&(count as u16).to_le_bytes());
        out.extend_from_slice(&(count as u16).to_le_bytes());
        out.extend_from_slice(&(cd.len() as u32).to_le_bytes());
        out.extend_from_slice(&(cd_offset as u32).to_le_bytes());
    }
    out.extend_from_slice(&(tail.comment.len() as u16).to_le_bytes());
    out.extend_from_slice(&tail.comment);
    out
}

/// The entries of a real APK, read back through piaudit's own reader (stored = false).
pub fn entries_of(apk: &[u8]) -> Vec<ZipItem> {
    use piaudit::apk::{Budget, Limits, ZipIndex};
    let index = ZipIndex::parse(apk, &Limits::default()).expect("sample is a zip");
    let mut budget = Budget::new(Limits::default());
    index
        .entries()
        .iter()
        .map(|e| {
            let (data, _) = index.read(e, &mut budget).expect("sample entry reads");
            ZipItem::new(&e.name, data, e.method == 8)
        })
        .collect()
}
