//! The forensic view of an APK archive, through `apk-info`: tamper anomalies of the zip
//! structure (BadPack tricks, fake EOCDs, lying local headers, duplicate names) and the signer
//! certificates of every signature scheme (v1 JAR signing, v2, v3, v3.1, v3.2).
//!
//! Owns the translation of `apk-info`'s types into AppFacts' `Signer` and `Anomaly`. It must
//! not read entry data for decoding (that is `apk::zip`'s job, with caps).
//!
//! `apk-info` never inflates an entry here: its own reader inflates up to 4 GiB per entry with
//! no cap a caller can set, so the v1 signature blocks (`META-INF/*.RSA|DSA|EC`, the only
//! entries it would read) are read by [`ZipIndex`] within [`MAX_V1_BLOCK`] and handed to
//! `apk-info` in a small stored archive of their own.

use std::io::Cursor;

use apk_info::{CertificateInfo, Signature, ZipAnomaly, ZipEntry};

use super::SharedBytes;
use super::zip::{Budget, Limits, ZipIndex};

/// Largest v1 signature block read (a PKCS#7 SignedData with its certificate chain: a few KiB).
pub const MAX_V1_BLOCK: u64 = 1 << 20;
/// Largest total inflated for all v1 signature blocks of one APK.
const MAX_V1_TOTAL: u64 = 4 << 20;
use crate::facts::{Anomaly, Signer};

/// What `apk-info` saw in one archive.
pub struct Forensics {
    pub signers: Vec<Signer>,
    pub anomalies: Vec<Anomaly>,
    /// What could not be read (the archive as a whole, or its signatures).
    pub problems: Vec<String>,
}

/// Opens the archive with `apk-info` and collects anomalies and signers. `location` prefixes
/// anomaly details for entries of a bundle (`base.apk!classes.dex`); `index` is our reading of
/// the same archive, through which the v1 signature blocks are read.
pub fn examine(bytes: SharedBytes, index: &ZipIndex<'_>, location: Option<&str>) -> Forensics {
    let mut out = Forensics {
        signers: Vec::new(),
        anomalies: Vec::new(),
        problems: Vec::new(),
    };
    // A mapped input is read through its file (positional reads): apk-info visits every
    // local header, which through the mapping would make most of the file resident.
    let file = match &bytes {
        SharedBytes::Mapped(mapped) => mapped.file().try_clone().ok(),
        SharedBytes::Owned(_) => None,
    };
    let opened = match file {
        Some(file) => ZipEntry::from_reader(file),
        None => ZipEntry::from_reader(Cursor::new(bytes)),
    };
    let zip = match opened {
        Ok(zip) => zip,
        Err(e) => {
            out.problems
                .push(format!("apk-info cannot open the archive: {e}"));
            return out;
        }
    };
    for anomaly in zip.anomalies() {
        out.anomalies.push(zip_anomaly(&anomaly, location));
    }
    v1_signers(index, &mut out);
    match zip.get_signatures_other() {
        Ok(sigs) => sigs
            .iter()
            .for_each(|sig| push_signature(&mut out.signers, sig)),
        Err(e) => out.problems.push(format!("APK signing block: {e}")),
    }
    out
}

/// `META-INF/<name>.RSA|.DSA|.EC`, without subdirectories, as Android and `apk-info` take them.
fn is_v1_signature_block(name: &str) -> bool {
    name.strip_prefix("META-INF/").is_some_and(|rest| {
        !rest.contains('/')
            && (rest.ends_with(".RSA") || rest.ends_with(".DSA") || rest.ends_with(".EC"))
    })
}

/// The v1 (JAR) signers: every signature block with its `.SF` beside it, read within
/// [`MAX_V1_BLOCK`] each and [`MAX_V1_TOTAL`] together, parsed by `apk-info` from a stored
/// archive holding only those blocks (so it inflates nothing).
fn v1_signers(index: &ZipIndex<'_>, out: &mut Forensics) {
    let mut budget = Budget::new(Limits {
        max_entry: MAX_V1_BLOCK,
        max_total: MAX_V1_TOTAL,
        ..Limits::default()
    });
    let mut blocks: Vec<(String, Vec<u8>)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for entry in index.entries() {
        let name = entry.name.as_str();
        if !is_v1_signature_block(name) || !seen.insert(name) {
            continue;
        }
        let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
        let sf = format!("{stem}.SF");
        let Some(entry) = index.entry(name).filter(|_| index.entry(&sf).is_some()) else {
            continue;
        };
        match index.read(entry, &mut budget) {
            Ok((data, _)) => {
                blocks.push((sf, Vec::new()));
                blocks.push((name.to_owned(), data));
            }
            Err(e) => out.problems.push(format!("v1 signature block: {e}")),
        }
    }
    if blocks.is_empty() {
        return;
    }
    let archive = stored_zip(&blocks);
    let parsed = ZipEntry::from_reader(Cursor::new(archive))
        .map_err(|e| e.to_string())
        .and_then(|zip| zip.get_signature_v1().map_err(|e| e.to_string()));
    match parsed {
        Ok(Some(sig)) => push_signature(&mut out.signers, &sig),
        Ok(None) => {}
        Err(e) => out.problems.push(format!("v1 signature: {e}")),
    }
}

/// A zip archive of `files`, all stored.
fn stored_zip(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in files {
        let mut crc = flate2::Crc::new();
        crc.update(data);
        let offset = out.len() as u32;
        let (size, name_len) = (data.len() as u32, name.len() as u16);
        // Local header: signature, version, flags, method, time, date, crc, sizes, name, extra.
        out.extend(0x0403_4b50u32.to_le_bytes());
        out.extend([20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        out.extend(crc.sum().to_le_bytes());
        out.extend(size.to_le_bytes());
        out.extend(size.to_le_bytes());
        out.extend(name_len.to_le_bytes());
        out.extend(0u16.to_le_bytes());
        out.extend(name.as_bytes());
        out.extend(data);
        // Central header: signature, versions, flags, method, time, date, crc, sizes, name,
        // extra, comment, disk, attributes, offset.
        central.extend(0x0201_4b50u32.to_le_bytes());
        central.extend([20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        central.extend(crc.sum().to_le_bytes());
        central.extend(size.to_le_bytes());
        central.extend(size.to_le_bytes());
        central.extend(name_len.to_le_bytes());
        central.extend([0u8; 12]);
        central.extend(offset.to_le_bytes());
        central.extend(name.as_bytes());
    }
    let (cd_offset, cd_size) = (out.len() as u32, central.len() as u32);
    let count = files.len() as u16;
    out.extend(central);
    out.extend(0x0605_4b50u32.to_le_bytes());
    out.extend([0u8; 4]);
    out.extend(count.to_le_bytes());
    out.extend(count.to_le_bytes());
    out.extend(cd_size.to_le_bytes());
    out.extend(cd_offset.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

fn zip_anomaly(anomaly: &ZipAnomaly, location: Option<&str>) -> Anomaly {
    let severity = match anomaly {
        ZipAnomaly::FakeEocdInComment { .. }
        | ZipAnomaly::ExtraCentralDirectoryRecords { .. }
        | ZipAnomaly::DuplicateEntry { .. }
        | ZipAnomaly::EntryPathConflict { .. }
        | ZipAnomaly::InvalidUtf8Name { .. }
        | ZipAnomaly::CompressionMethodMismatch { .. }
        | ZipAnomaly::UnknownCompressionMethod { .. }
        | ZipAnomaly::StoredSizeMismatch { .. }
        | ZipAnomaly::EncryptionFlag { .. } => "high",
        _ => "medium",
    };
    let detail = match location {
        Some(loc) => format!("{loc}: {anomaly}"),
        None => anomaly.to_string(),
    };
    Anomaly {
        source: "zip".to_owned(),
        kind: anomaly.code().replace('_', "-"),
        detail,
        severity: severity.to_owned(),
    }
}

fn push_signature(signers: &mut Vec<Signer>, sig: &Signature) {
    let certs: &[CertificateInfo] = match sig {
        Signature::V1(c)
        | Signature::V2(c)
        | Signature::V3(c)
        | Signature::V31(c)
        | Signature::V32(c) => c,
        _ => return,
    };
    for cert in certs {
        signers.push(Signer {
            scheme: sig.name(),
            cert_sha256: cert
                .sha256_fingerprint
                .to_ascii_lowercase()
                .replace(':', ""),
            subject: cert.subject.clone(),
            issuer: cert.issuer.clone(),
            serial: cert.serial_number.clone(),
            not_before: cert.valid_from.clone(),
            not_after: cert.valid_until.clone(),
        });
    }
}
