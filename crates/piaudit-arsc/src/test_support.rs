//! Builders of synthetic resource tables for the unit tests (aapt/aapt2's layouts). Test-only;
//! it must not be used to write real tables.

/// Wraps `body` (everything after the 8-byte chunk header) into a chunk.
pub(crate) fn chunk(kind: u16, header_size: u16, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + 8);
    out.extend_from_slice(&kind.to_le_bytes());
    out.extend_from_slice(&header_size.to_le_bytes());
    out.extend_from_slice(&((body.len() + 8) as u32).to_le_bytes());
    out.extend_from_slice(body);
    out
}

fn pool(strings: &[Vec<u8>], utf8: bool) -> Vec<u8> {
    let mut data = Vec::new();
    let mut offsets = Vec::new();
    for s in strings {
        offsets.push(data.len() as u32);
        data.extend_from_slice(s);
    }
    while data.len() % 4 != 0 {
        data.push(0);
    }
    let strings_start = 28 + 4 * strings.len() as u32;
    let mut body = Vec::new();
    body.extend_from_slice(&(strings.len() as u32).to_le_bytes());
    body.extend_from_slice(&0u32.to_le_bytes()); // styles
    body.extend_from_slice(&(if utf8 { 1u32 << 8 } else { 0 }).to_le_bytes());
    body.extend_from_slice(&strings_start.to_le_bytes());
    body.extend_from_slice(&0u32.to_le_bytes());
    for o in offsets {
        body.extend_from_slice(&o.to_le_bytes());
    }
    body.extend_from_slice(&data);
    chunk(0x0001, 28, &body)
}

fn len8(out: &mut Vec<u8>, n: usize) {
    if n > 0x7f {
        out.push(0x80 | (n >> 8) as u8);
        out.push(n as u8);
    } else {
        out.push(n as u8);
    }
}

/// A UTF-8 string pool chunk.
pub(crate) fn pool_utf8(strings: &[&str]) -> Vec<u8> {
    let encoded: Vec<Vec<u8>> = strings
        .iter()
        .map(|s| {
            let mut e = Vec::new();
            len8(&mut e, s.encode_utf16().count());
            len8(&mut e, s.len());
            e.extend_from_slice(s.as_bytes());
            e.push(0);
            e
        })
        .collect();
    pool(&encoded, true)
}

/// A UTF-16 string pool chunk.
pub(crate) fn pool_utf16(strings: &[&str]) -> Vec<u8> {
    let encoded: Vec<Vec<u8>> = strings
        .iter()
        .map(|s| {
            let units: Vec<u16> = s.encode_utf16().collect();
            let mut e = Vec::new();
            if units.len() > 0x7fff {
                e.extend_from_slice(&((0x8000 | (units.len() >> 16)) as u16).to_le_bytes());
                e.extend_from_slice(&(units.len() as u16).to_le_bytes());
            } else {
                e.extend_from_slice(&(units.len() as u16).to_le_bytes());
            }
            for u in units {
                e.extend_from_slice(&u.to_le_bytes());
            }
            e.extend_from_slice(&[0, 0]);
            e
        })
        .collect();
    pool(&encoded, false)
}

/// A 64-byte `ResTable_config` with a locale (`b"zh"`, `b"CN"`; zeros for none) and version.
pub(crate) fn config(lang: &[u8; 2], country: &[u8; 2], version: u16) -> Vec<u8> {
    let mut c = vec![0u8; 64];
    c[0..4].copy_from_slice(&64u32.to_le_bytes());
    c[8..10].copy_from_slice(lang);
    c[10..12].copy_from_slice(country);
    c[24..26].copy_from_slice(&version.to_le_bytes());
    c
}

/// An entry to put in a type chunk.
#[derive(Debug, Clone, Copy)]
pub(crate) enum E {
    /// A plain entry with a `Res_value`.
    Simple { key: u32, data_type: u8, data: u32 },
    /// A map entry with `count` (name, value) pairs.
    Complex { key: u32, parent: u32, count: u32 },
    /// A compact entry.
    Compact { key: u16, data_type: u8, data: u32 },
}

/// Index layout of a type chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layout {
    Dense,
    Offset16,
    Sparse,
}

fn entry_bytes(e: E) -> Vec<u8> {
    let mut out = Vec::new();
    match e {
        E::Simple {
            key,
            data_type,
            data,
        } => {
            out.extend_from_slice(&8u16.to_le_bytes());
            out.extend_from_slice(&0u16.to_le_bytes());
            out.extend_from_slice(&key.to_le_bytes());
            out.extend_from_slice(&8u16.to_le_bytes());
            out.push(0);
            out.push(data_type);
            out.extend_from_slice(&data.to_le_bytes());
        }
        E::Complex { key, parent, count } => {
            out.extend_from_slice(&16u16.to_le_bytes());
            out.extend_from_slice(&1u16.to_le_bytes());
            out.extend_from_slice(&key.to_le_bytes());
            out.extend_from_slice(&parent.to_le_bytes());
            out.extend_from_slice(&count.to_le_bytes());
            for i in 0..count {
                out.extend_from_slice(&(0x0101_0000 + i).to_le_bytes());
                out.extend_from_slice(&[8, 0, 0, 0x10]);
                out.extend_from_slice(&i.to_le_bytes());
            }
        }
        E::Compact {
            key,
            data_type,
            data,
        } => {
            out.extend_from_slice(&key.to_le_bytes());
            out.extend_from_slice(&(0x0008u16 | u16::from(data_type) << 8).to_le_bytes());
            out.extend_from_slice(&data.to_le_bytes());
        }
    }
    out
}

/// A `ResTable_type` chunk with `slots` index slots; `entries` are (entry id, entry).
pub(crate) fn type_chunk(
    type_id: u8,
    config: &[u8],
    layout: Layout,
    slots: u32,
    entries: &[(u16, E)],
) -> Vec<u8> {
    let mut data = Vec::new();
    let mut offsets: Vec<Option<u32>> = vec![None; slots as usize];
    let mut sparse = Vec::new();
    for &(id, e) in entries {
        let off = data.len() as u32;
        data.extend_from_slice(&entry_bytes(e));
        if layout == Layout::Sparse {
            sparse.push((id, off));
        } else {
            offsets[id as usize] = Some(off);
        }
    }
    let mut index = Vec::new();
    let count = match layout {
        Layout::Dense => {
            for o in &offsets {
                index.extend_from_slice(&o.unwrap_or(u32::MAX).to_le_bytes());
            }
            slots
        }
        Layout::Offset16 => {
            for o in &offsets {
                let v = o.map_or(0xffff, |o| (o / 4) as u16);
                index.extend_from_slice(&v.to_le_bytes());
            }
            while index.len() % 4 != 0 {
                index.push(0);
            }
            slots
        }
        Layout::Sparse => {
            for (id, off) in &sparse {
                index.extend_from_slice(&id.to_le_bytes());
                index.extend_from_slice(&((off / 4) as u16).to_le_bytes());
            }
            sparse.len() as u32
        }
    };
    let header_size = 20 + config.len();
    let flags = match layout {
        Layout::Dense => 0u8,
        Layout::Offset16 => 0x02,
        Layout::Sparse => 0x01,
    };
    let mut body = vec![type_id, flags, 0, 0];
    body.extend_from_slice(&count.to_le_bytes());
    body.extend_from_slice(&((header_size + index.len()) as u32).to_le_bytes());
    body.extend_from_slice(config);
    body.extend_from_slice(&index);
    body.extend_from_slice(&data);
    chunk(0x0201, header_size as u16, &body)
}

/// A `ResTable_typeSpec` chunk.
pub(crate) fn type_spec(type_id: u8, count: u32) -> Vec<u8> {
    let mut body = vec![type_id, 0, 0, 0];
    body.extend_from_slice(&count.to_le_bytes());
    for _ in 0..count {
        body.extend_from_slice(&0u32.to_le_bytes());
    }
    chunk(0x0202, 16, &body)
}

/// A `ResTable_package` chunk with its type and key pools followed by `chunks`.
pub(crate) fn package(
    id: u32,
    name: &str,
    types: &[u8],
    keys: &[u8],
    chunks: &[Vec<u8>],
) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(&id.to_le_bytes());
    let mut n = [0u8; 256];
    for (i, u) in name.encode_utf16().take(127).enumerate() {
        n[i * 2..i * 2 + 2].copy_from_slice(&u.to_le_bytes());
    }
    body.extend_from_slice(&n);
    body.extend_from_slice(&288u32.to_le_bytes()); // typeStrings
    body.extend_from_slice(&0u32.to_le_bytes());
    body.extend_from_slice(&(288 + types.len() as u32).to_le_bytes()); // keyStrings
    body.extend_from_slice(&0u32.to_le_bytes());
    body.extend_from_slice(&0u32.to_le_bytes()); // typeIdOffset
    body.extend_from_slice(types);
    body.extend_from_slice(keys);
    for c in chunks {
        body.extend_from_slice(c);
    }
    chunk(0x0200, 288, &body)
}

/// A table: header, global pool, packages.
pub(crate) fn table(global: &[u8], packages: &[Vec<u8>]) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(&(packages.len() as u32).to_le_bytes());
    body.extend_from_slice(global);
    for p in packages {
        body.extend_from_slice(p);
    }
    chunk(0x0002, 12, &body)
}
