//! The forensic view of an APK archive, through `apk-info`: tamper anomalies of the zip
//! structure (BadPack tricks, fake EOCDs, lying local headers, duplicate names) and the signer
//! certificates of every signature scheme (v1 JAR signing, v2, v3, v3.1, v3.2).
//!
//! Owns the translation of `apk-info`'s types into AppFacts' `Signer` and `Anomaly`. It must
//! not read entry data for decoding (that is `apk::zip`'s job, with caps).

use std::io::Cursor;

use apk_info::{CertificateInfo, Signature, ZipAnomaly, ZipEntry};

use super::SharedBytes;
use crate::facts::{Anomaly, Signer};

/// What `apk-info` saw in one archive.
pub struct Forensics {
    pub signers: Vec<Signer>,
    pub anomalies: Vec<Anomaly>,
    /// What could not be read (the archive as a whole, or its signatures).
    pub problems: Vec<String>,
}

/// Opens the archive with `apk-info` and collects anomalies and signers. `location` prefixes
/// anomaly details for entries of a bundle (`base.apk!classes.dex`).
pub fn examine(bytes: SharedBytes, location: Option<&str>) -> Forensics {
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
    match zip.get_signature_v1() {
        Ok(Some(sig)) => push_signature(&mut out.signers, &sig),
        Ok(None) => {}
        Err(e) => out.problems.push(format!("v1 signature: {e}")),
    }
    match zip.get_signatures_other() {
        Ok(sigs) => sigs
            .iter()
            .for_each(|sig| push_signature(&mut out.signers, sig)),
        Err(e) => out.problems.push(format!("APK signing block: {e}")),
    }
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
