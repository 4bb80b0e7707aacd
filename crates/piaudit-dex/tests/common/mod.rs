//! Test-only DEX builder: lays out header, id tables, code items, type lists, string data,
//! class data and a map list, so tests can state exactly what a file contains.
#![allow(dead_code)]

use std::collections::HashMap;

pub const NO_INDEX: u32 = 0xffff_ffff;
pub const ACC_PUBLIC: u32 = 0x1;
pub const ACC_STATIC: u32 = 0x8;
pub const ACC_CONSTRUCTOR: u32 = 0x10000;

/// One method in a class's class data.
#[derive(Debug, Clone)]
pub struct MethodSpec {
    pub method_idx: u32,
    pub access_flags: u32,
    /// Instruction units; `None` for abstract/native methods.
    pub code: Option<Vec<u16>>,
}

#[derive(Debug, Clone)]
pub struct ClassSpec {
    pub class_idx: u32,
    pub access_flags: u32,
    pub superclass_idx: u32,
    pub source_file_idx: u32,
    pub static_fields: Vec<u32>,
    pub direct: Vec<MethodSpec>,
    pub virtual_methods: Vec<MethodSpec>,
}

#[derive(Debug, Clone)]
pub struct DexBuilder {
    pub version: u16,
    /// Write string data in reverse index order (exercises the out-of-order string path).
    pub reverse_string_data: bool,
    strings: Vec<(Vec<u8>, u32)>,
    string_index: HashMap<Vec<u8>, u32>,
    types: Vec<u32>,
    type_index: HashMap<u32, u32>,
    protos: Vec<(u32, u32, Vec<u16>)>,
    fields: Vec<(u16, u16, u32)>,
    methods: Vec<(u16, u16, u32)>,
    pub classes: Vec<ClassSpec>,
}

/// Offsets of the pieces of a built file, for tests that corrupt them.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    pub string_ids_off: usize,
    pub type_ids_off: usize,
    pub method_ids_off: usize,
    pub class_defs_off: usize,
    pub code_offs: Vec<usize>,
    pub class_data_offs: Vec<usize>,
    pub map_off: usize,
}

pub fn uleb(mut value: u32, out: &mut Vec<u8>) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn put_u32(out: &mut [u8], at: usize, value: u32) {
    out[at..at + 4].copy_from_slice(&value.to_le_bytes());
}

fn align4(out: &mut Vec<u8>) {
    while out.len() % 4 != 0 {
        out.push(0);
    }
}

pub fn adler32(bytes: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &x in bytes {
        a = (a + u32::from(x)) % 65_521;
        b = (b + a) % 65_521;
    }
    (b << 16) | a
}

fn shorty_char(descriptor: &str) -> char {
    match descriptor.chars().next() {
        Some('L') | Some('[') => 'L',
        Some(c) => c,
        None => 'V',
    }
}

impl Default for DexBuilder {
    fn default() -> Self {
        Self::new(35)
    }
}

impl DexBuilder {
    pub fn new(version: u16) -> Self {
        DexBuilder {
            version,
            reverse_string_data: false,
            strings: Vec::new(),
            string_index: HashMap::new(),
            types: Vec::new(),
            type_index: HashMap::new(),
            protos: Vec::new(),
            fields: Vec::new(),
            methods: Vec::new(),
            classes: Vec::new(),
        }
    }

    /// Interns a string given as raw MUTF-8 bytes with its UTF-16 length.
    pub fn string_raw(&mut self, mutf8: &[u8], utf16_len: u32) -> u32 {
        if let Some(&idx) = self.string_index.get(mutf8) {
            return idx;
        }
        let idx = self.strings.len() as u32;
        self.strings.push((mutf8.to_vec(), utf16_len));
        self.string_index.insert(mutf8.to_vec(), idx);
        idx
    }

    /// Interns a string that has no NUL or supplementary characters (UTF-8 == MUTF-8).
    pub fn string(&mut self, text: &str) -> u32 {
        self.string_raw(text.as_bytes(), text.encode_utf16().count() as u32)
    }

    pub fn ty(&mut self, descriptor: &str) -> u32 {
        let string_idx = self.string(descriptor);
        if let Some(&idx) = self.type_index.get(&string_idx) {
            return idx;
        }
        let idx = self.types.len() as u32;
        self.types.push(string_idx);
        self.type_index.insert(string_idx, idx);
        idx
    }

    pub fn proto(&mut self, ret: &str, params: &[&str]) -> u32 {
        let shorty: String = std::iter::once(ret)
            .chain(params.iter().copied())
            .map(shorty_char)
            .collect();
        let shorty_idx = self.string(&shorty);
        let ret_idx = self.ty(ret);
        let param_idxs: Vec<u16> = params.iter().map(|p| self.ty(p) as u16).collect();
        self.protos.push((shorty_idx, ret_idx, param_idxs));
        (self.protos.len() - 1) as u32
    }

    pub fn method(&mut self, class: &str, name: &str, ret: &str, params: &[&str]) -> u32 {
        let class_idx = self.ty(class) as u16;
        let proto_idx = self.proto(ret, params) as u16;
        let name_idx = self.string(name);
        self.methods.push((class_idx, proto_idx, name_idx));
        (self.methods.len() - 1) as u32
    }

    pub fn field(&mut self, class: &str, name: &str, ty: &str) -> u32 {
        let class_idx = self.ty(class) as u16;
        let type_idx = self.ty(ty) as u16;
        let name_idx = self.string(name);
        self.fields.push((class_idx, type_idx, name_idx));
        (self.fields.len() - 1) as u32
    }

    pub fn class(&mut self, descriptor: &str, superclass: Option<&str>) -> usize {
        let class_idx = self.ty(descriptor);
        let superclass_idx = superclass.map_or(NO_INDEX, |s| self.ty(s));
        let source_file_idx = self.string("Source.java");
        self.classes.push(ClassSpec {
            class_idx,
            access_flags: ACC_PUBLIC,
            superclass_idx,
            source_file_idx,
            static_fields: Vec::new(),
            direct: Vec::new(),
            virtual_methods: Vec::new(),
        });
        self.classes.len() - 1
    }

    pub fn direct(&mut self, class: usize, method_idx: u32, code: Option<Vec<u16>>) {
        let access_flags = ACC_PUBLIC | ACC_STATIC;
        self.classes[class].direct.push(MethodSpec {
            method_idx,
            access_flags,
            code,
        });
    }

    pub fn virtual_method(&mut self, class: usize, method_idx: u32, code: Option<Vec<u16>>) {
        self.classes[class].virtual_methods.push(MethodSpec {
            method_idx,
            access_flags: ACC_PUBLIC,
            code,
        });
    }

    pub fn build(&self) -> Vec<u8> {
        self.build_with_layout().0
    }

    pub fn build_with_layout(&self) -> (Vec<u8>, Layout) {
        let header_size = if self.version >= 41 { 0x78 } else { 0x70 };
        let mut out = vec![0u8; header_size];
        let mut layout = Layout::default();
        let mut map: Vec<(u16, u32, u32)> = vec![(0x0000, 1, 0)];

        let string_ids_off = out.len();
        out.resize(string_ids_off + 4 * self.strings.len(), 0);
        let type_ids_off = out.len();
        for &string_idx in &self.types {
            out.extend_from_slice(&string_idx.to_le_bytes());
        }
        let proto_ids_off = out.len();
        out.resize(proto_ids_off + 12 * self.protos.len(), 0);
        let field_ids_off = out.len();
        for &(class, ty, name) in &self.fields {
            out.extend_from_slice(&class.to_le_bytes());
            out.extend_from_slice(&ty.to_le_bytes());
            out.extend_from_slice(&name.to_le_bytes());
        }
        let method_ids_off = out.len();
        for &(class, proto, name) in &self.methods {
            out.extend_from_slice(&class.to_le_bytes());
            out.extend_from_slice(&proto.to_le_bytes());
            out.extend_from_slice(&name.to_le_bytes());
        }
        let class_defs_off = out.len();
        out.resize(class_defs_off + 32 * self.classes.len(), 0);
        for (count, off, ty) in [
            (self.strings.len(), string_ids_off, 0x0001u16),
            (self.types.len(), type_ids_off, 0x0002),
            (self.protos.len(), proto_ids_off, 0x0003),
            (self.fields.len(), field_ids_off, 0x0004),
            (self.methods.len(), method_ids_off, 0x0005),
            (self.classes.len(), class_defs_off, 0x0006),
        ] {
            if count > 0 {
                map.push((ty, count as u32, off as u32));
            }
        }
        let data_off = out.len();

        // Code items, keyed by (class, is_direct, position in the sorted list).
        let mut code_offs: HashMap<(usize, bool, u32), u32> = HashMap::new();
        let mut code_count = 0;
        let code_start = out.len();
        for (ci, class) in self.classes.iter().enumerate() {
            for (is_direct, list) in [(true, &class.direct), (false, &class.virtual_methods)] {
                for method in list {
                    let Some(insns) = &method.code else { continue };
                    align4(&mut out);
                    let off = out.len();
                    layout.code_offs.push(off);
                    code_offs.insert((ci, is_direct, method.method_idx), off as u32);
                    out.extend_from_slice(&16u16.to_le_bytes()); // registers
                    out.extend_from_slice(&0u16.to_le_bytes()); // ins
                    out.extend_from_slice(&5u16.to_le_bytes()); // outs
                    out.extend_from_slice(&0u16.to_le_bytes()); // tries
                    out.extend_from_slice(&0u32.to_le_bytes()); // debug info
                    out.extend_from_slice(&(insns.len() as u32).to_le_bytes());
                    for unit in insns {
                        out.extend_from_slice(&unit.to_le_bytes());
                    }
                    code_count += 1;
                }
            }
        }
        if code_count > 0 {
            map.push((0x2001, code_count, code_start as u32));
        }

        // Parameter type lists.
        align4(&mut out);
        let mut list_count = 0;
        let list_start = out.len();
        for (i, (shorty, ret, params)) in self.protos.iter().enumerate() {
            let entry = proto_ids_off + 12 * i;
            put_u32(&mut out, entry, *shorty);
            put_u32(&mut out, entry + 4, *ret);
            if params.is_empty() {
                continue;
            }
            align4(&mut out);
            let off = out.len() as u32;
            put_u32(&mut out, entry + 8, off);
            out.extend_from_slice(&(params.len() as u32).to_le_bytes());
            for p in params {
                out.extend_from_slice(&p.to_le_bytes());
            }
            list_count += 1;
        }
        if list_count > 0 {
            map.push((0x1001, list_count, list_start as u32));
        }

        // String data.
        let string_start = out.len();
        let order: Vec<usize> = if self.reverse_string_data {
            (0..self.strings.len()).rev().collect()
        } else {
            (0..self.strings.len()).collect()
        };
        for i in order {
            let (bytes, utf16_len) = &self.strings[i];
            let here = out.len() as u32;
            put_u32(&mut out, string_ids_off + 4 * i, here);
            uleb(*utf16_len, &mut out);
            out.extend_from_slice(bytes);
            out.push(0);
        }
        if !self.strings.is_empty() {
            map.push((0x2002, self.strings.len() as u32, string_start as u32));
        }

        // Class defs and class data.
        let class_data_start = out.len();
        let mut class_data_count = 0;
        for (ci, class) in self.classes.iter().enumerate() {
            let entry = class_defs_off + 32 * ci;
            put_u32(&mut out, entry, class.class_idx);
            put_u32(&mut out, entry + 4, class.access_flags);
            put_u32(&mut out, entry + 8, class.superclass_idx);
            put_u32(&mut out, entry + 16, class.source_file_idx);
            if class.direct.is_empty()
                && class.virtual_methods.is_empty()
                && class.static_fields.is_empty()
            {
                continue;
            }
            let off = out.len();
            layout.class_data_offs.push(off);
            put_u32(&mut out, entry + 24, off as u32);
            uleb(class.static_fields.len() as u32, &mut out);
            uleb(0, &mut out);
            uleb(class.direct.len() as u32, &mut out);
            uleb(class.virtual_methods.len() as u32, &mut out);
            let mut fields = class.static_fields.clone();
            fields.sort_unstable();
            let mut prev = 0;
            for f in fields {
                uleb(f - prev, &mut out);
                uleb(ACC_STATIC, &mut out);
                prev = f;
            }
            for (is_direct, list) in [(true, &class.direct), (false, &class.virtual_methods)] {
                let mut sorted: Vec<&MethodSpec> = list.iter().collect();
                sorted.sort_by_key(|m| m.method_idx);
                let mut prev = 0;
                for m in sorted {
                    uleb(m.method_idx - prev, &mut out);
                    uleb(m.access_flags, &mut out);
                    uleb(
                        code_offs
                            .get(&(ci, is_direct, m.method_idx))
                            .copied()
                            .unwrap_or(0),
                        &mut out,
                    );
                    prev = m.method_idx;
                }
            }
            class_data_count += 1;
        }
        if class_data_count > 0 {
            map.push((0x2000, class_data_count, class_data_start as u32));
        }

        // Map list.
        align4(&mut out);
        let map_off = out.len();
        map.push((0x1000, 1, map_off as u32));
        out.extend_from_slice(&(map.len() as u32).to_le_bytes());
        for (ty, size, off) in &map {
            out.extend_from_slice(&ty.to_le_bytes());
            out.extend_from_slice(&0u16.to_le_bytes());
            out.extend_from_slice(&size.to_le_bytes());
            out.extend_from_slice(&off.to_le_bytes());
        }

        // Header.
        let version = format!("{:03}", self.version);
        out[0..4].copy_from_slice(b"dex\n");
        out[4..7].copy_from_slice(version.as_bytes());
        out[7] = 0;
        let file_size = out.len() as u32;
        put_u32(&mut out, 32, file_size);
        put_u32(&mut out, 36, header_size as u32);
        put_u32(&mut out, 40, 0x1234_5678);
        put_u32(&mut out, 52, map_off as u32);
        for (i, (count, off)) in [
            (self.strings.len(), string_ids_off),
            (self.types.len(), type_ids_off),
            (self.protos.len(), proto_ids_off),
            (self.fields.len(), field_ids_off),
            (self.methods.len(), method_ids_off),
            (self.classes.len(), class_defs_off),
        ]
        .into_iter()
        .enumerate()
        {
            put_u32(&mut out, 56 + 8 * i, count as u32);
            put_u32(&mut out, 60 + 8 * i, if count > 0 { off as u32 } else { 0 });
        }
        put_u32(&mut out, 104, file_size - data_off as u32);
        put_u32(&mut out, 108, data_off as u32);
        if self.version >= 41 {
            put_u32(&mut out, 112, file_size);
            put_u32(&mut out, 116, 0);
        }
        let checksum = adler32(&out[12..]);
        put_u32(&mut out, 8, checksum);

        layout.string_ids_off = string_ids_off;
        layout.type_ids_off = type_ids_off;
        layout.method_ids_off = method_ids_off;
        layout.class_defs_off = class_defs_off;
        layout.map_off = map_off;
        (out, layout)
    }
}

/// Re-computes the header checksum after a test modified the bytes.
pub fn fix_checksum(bytes: &mut [u8]) {
    if bytes.len() >= 12 {
        let checksum = adler32(&bytes[12..]);
        bytes[8..12].copy_from_slice(&checksum.to_le_bytes());
    }
}

pub fn set_u32(bytes: &mut [u8], at: usize, value: u32) {
    put_u32(bytes, at, value);
}

// ---- instruction encoders ----

/// `invoke-kind {args}, meth@idx` (format 35c).
pub fn invoke(op: u8, method_idx: u16, args: &[u8]) -> Vec<u16> {
    let count = args.len() as u16;
    let reg = |i: usize| u16::from(args.get(i).copied().unwrap_or(0) & 0xf);
    let g = reg(4);
    vec![
        (count << 12) | (g << 8) | u16::from(op),
        method_idx,
        reg(0) | (reg(1) << 4) | (reg(2) << 8) | (reg(3) << 12),
    ]
}

/// `invoke-kind/range {vCCCC .. vNNNN}, meth@idx` (format 3rc).
pub fn invoke_range(op: u8, method_idx: u16, count: u8, first_reg: u16) -> Vec<u16> {
    vec![
        (u16::from(count) << 8) | u16::from(op),
        method_idx,
        first_reg,
    ]
}

/// `invoke-polymorphic {v0}, meth@idx, proto@proto` (format 45cc).
pub fn invoke_polymorphic(method_idx: u16, proto_idx: u16) -> Vec<u16> {
    vec![(1 << 12) | 0xfa, method_idx, 0, proto_idx]
}

/// `invoke-custom {v0}, call_site@idx` (format 35c).
pub fn invoke_custom(call_site_idx: u16) -> Vec<u16> {
    vec![(1 << 12) | 0xfc, call_site_idx, 0]
}

pub fn const_string(reg: u8, string_idx: u16) -> Vec<u16> {
    vec![(u16::from(reg) << 8) | 0x1a, string_idx]
}

pub fn const_string_jumbo(reg: u8, string_idx: u32) -> Vec<u16> {
    vec![
        (u16::from(reg) << 8) | 0x1b,
        string_idx as u16,
        (string_idx >> 16) as u16,
    ]
}

/// `const-wide v0, #+imm` (format 51l, five units).
pub fn const_wide(imm: u64) -> Vec<u16> {
    vec![
        0x0018,
        imm as u16,
        (imm >> 16) as u16,
        (imm >> 32) as u16,
        (imm >> 48) as u16,
    ]
}

pub fn return_void() -> Vec<u16> {
    vec![0x000e]
}

/// `packed-switch v0, +offset` (format 31t).
pub fn packed_switch(offset: i32) -> Vec<u16> {
    vec![0x002b, offset as u16, (offset >> 16) as u16]
}

/// `goto/16 +offset` (format 20t).
pub fn goto16(offset: i16) -> Vec<u16> {
    vec![0x0029, offset as u16]
}

/// `packed-switch-payload` whose targets are all `target` (values chosen to look like invokes).
pub fn packed_switch_payload(size: u16, target: i32) -> Vec<u16> {
    let mut units = vec![0x0100, size, 0x006e, 0x0000];
    for _ in 0..size {
        units.push(target as u16);
        units.push((target >> 16) as u16);
    }
    units
}

/// `sparse-switch-payload` with keys that look like invoke opcodes.
pub fn sparse_switch_payload(size: u16) -> Vec<u16> {
    let mut units = vec![0x0200, size];
    for k in 0..size {
        units.push(0x106e + k);
        units.push(0);
    }
    for _ in 0..size {
        units.push(3);
        units.push(0);
    }
    units
}

/// `fill-array-data-payload` of `count` elements of `width` bytes (odd total length exercises
/// the rounding).
pub fn fill_array_payload(width: u16, count: u32) -> Vec<u16> {
    let mut units = vec![0x0300, width, count as u16, (count >> 16) as u16];
    let data_units = (u64::from(width) * u64::from(count)).div_ceil(2);
    units.extend(std::iter::repeat_n(0x6e6e, data_units as usize));
    units
}

pub fn concat(parts: &[Vec<u16>]) -> Vec<u16> {
    parts.iter().flatten().copied().collect()
}
