//! Java class files (`.class`, as in an SDK's `.jar` or an `.aar`'s `classes.jar`): the class
//! name, the methods it references and its string constants, read from the constant pool.
//!
//! Owns the class-file byte format only (JVMS §4.1–4.4). It does not parse method bodies, so a
//! referenced method is a reference, not a counted call site. Hostile input is expected: every
//! read is bounds-checked and the pool size is capped by the input's own length.

/// Why a class file could not be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ClassFileError {
    #[error("not a class file (bad magic)")]
    Magic,
    #[error("truncated at byte {0}")]
    Truncated(usize),
    #[error("unknown constant-pool tag {tag} at entry {index}")]
    Tag { tag: u8, index: u16 },
    #[error("constant-pool index {0} does not name the expected entry")]
    BadIndex(u16),
}

/// A method a class references (`Methodref` / `InterfaceMethodref`), in internal form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodRef<'a> {
    /// `android/telephony/TelephonyManager`.
    pub class: &'a str,
    pub name: &'a str,
    /// `()Ljava/lang/String;`.
    pub descriptor: &'a str,
}

/// What one class file shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassFile<'a> {
    /// The class, in internal form (`com/umeng/analytics/MobclickAgent`).
    pub this_class: &'a str,
    pub method_refs: Vec<MethodRef<'a>>,
    /// `String` constants (valid UTF-8 ones; modified UTF-8 surrogates are skipped).
    pub strings: Vec<&'a str>,
}

/// One constant-pool entry, as far as this reader needs it.
#[derive(Debug, Clone, Copy)]
enum Constant<'a> {
    Utf8(Option<&'a str>),
    Class(u16),
    String(u16),
    Member { class: u16, name_and_type: u16 },
    NameAndType { name: u16, descriptor: u16 },
    Other,
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], ClassFileError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&end| end <= self.bytes.len())
            .ok_or(ClassFileError::Truncated(self.pos))?;
        let slice = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(slice)
    }

    fn u8(&mut self) -> Result<u8, ClassFileError> {
        Ok(self.take(1)?[0])
    }

    fn u16(&mut self) -> Result<u16, ClassFileError> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }
}

/// Reads the constant pool and `this_class` of a class file.
pub fn parse(bytes: &[u8]) -> Result<ClassFile<'_>, ClassFileError> {
    let mut r = Reader { bytes, pos: 0 };
    if r.take(4)? != [0xCA, 0xFE, 0xBA, 0xBE] {
        return Err(ClassFileError::Magic);
    }
    r.take(4)?; // minor, major version
    let count = r.u16()?;
    // Each entry takes at least 3 bytes: a count beyond that is a lie caught by `Truncated`,
    // and the allocation is bounded by the input either way.
    let mut pool: Vec<Constant<'_>> = Vec::with_capacity(usize::from(count).min(bytes.len() / 3));
    pool.push(Constant::Other); // index 0 is unused
    let mut index: u16 = 1;
    while index < count {
        let tag = r.u8()?;
        let (constant, slots) = match tag {
            1 => {
                let len = usize::from(r.u16()?);
                (Constant::Utf8(std::str::from_utf8(r.take(len)?).ok()), 1)
            }
            7 => (Constant::Class(r.u16()?), 1),
            8 => (Constant::String(r.u16()?), 1),
            9..=11 => (
                Constant::Member {
                    class: r.u16()?,
                    name_and_type: r.u16()?,
                },
                1,
            ),
            12 => (
                Constant::NameAndType {
                    name: r.u16()?,
                    descriptor: r.u16()?,
                },
                1,
            ),
            3 | 4 | 17 | 18 => {
                r.take(4)?;
                (Constant::Other, 1)
            }
            5 | 6 => {
                r.take(8)?;
                (Constant::Other, 2)
            }
            15 => {
                r.take(3)?;
                (Constant::Other, 1)
            }
            16 | 19 | 20 => {
                r.take(2)?;
                (Constant::Other, 1)
            }
            _ => return Err(ClassFileError::Tag { tag, index }),
        };
        // Only Methodref (10) and InterfaceMethodref (11) are kept as members; Fieldref (9)
        // is read past.
        pool.push(if tag == 9 { Constant::Other } else { constant });
        if slots == 2 {
            pool.push(Constant::Other);
        }
        index = index.saturating_add(slots);
    }
    r.take(2)?; // access flags
    let this = r.u16()?;
    let utf8 = |i: u16| match pool.get(usize::from(i)) {
        Some(Constant::Utf8(Some(s))) => Ok(*s),
        _ => Err(ClassFileError::BadIndex(i)),
    };
    let class_name = |i: u16| match pool.get(usize::from(i)) {
        Some(Constant::Class(name)) => utf8(*name),
        _ => Err(ClassFileError::BadIndex(i)),
    };
    let this_class = class_name(this)?;
    let mut method_refs = Vec::new();
    let mut strings = Vec::new();
    for constant in &pool {
        match *constant {
            Constant::Member {
                class,
                name_and_type,
            } => {
                let Some(Constant::NameAndType { name, descriptor }) =
                    pool.get(usize::from(name_and_type)).copied()
                else {
                    continue;
                };
                if let (Ok(class), Ok(name), Ok(descriptor)) =
                    (class_name(class), utf8(name), utf8(descriptor))
                {
                    method_refs.push(MethodRef {
                        class,
                        name,
                        descriptor,
                    });
                }
            }
            Constant::String(i) => {
                if let Ok(s) = utf8(i) {
                    strings.push(s);
                }
            }
            _ => {}
        }
    }
    Ok(ClassFile {
        this_class,
        method_refs,
        strings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal class file: `com/x/A` referencing
    /// `android/telephony/TelephonyManager.getDeviceId()Ljava/lang/String;` and the string
    /// `https://api.x.com/`.
    fn sample() -> Vec<u8> {
        let mut b = vec![0xCA, 0xFE, 0xBA, 0xBE, 0, 0, 0, 52];
        let utf8 = |s: &str| {
            let mut v = vec![1u8];
            v.extend_from_slice(&(s.len() as u16).to_be_bytes());
            v.extend_from_slice(s.as_bytes());
            v
        };
        let mut pool: Vec<Vec<u8>> = vec![
            utf8("com/x/A"),                            // 1
            vec![7, 0, 1],                              // 2 Class com/x/A
            utf8("android/telephony/TelephonyManager"), // 3
            vec![7, 0, 3],                              // 4 Class
            utf8("getDeviceId"),                        // 5
            utf8("()Ljava/lang/String;"),               // 6
            vec![12, 0, 5, 0, 6],                       // 7 NameAndType
            vec![10, 0, 4, 0, 7],                       // 8 Methodref
            utf8("https://api.x.com/"),                 // 9
            vec![8, 0, 9],                              // 10 String
            vec![5, 0, 0, 0, 0, 0, 0, 0, 1],            // 11-12 Long
            vec![9, 0, 4, 0, 7],                        // 13 Fieldref (ignored)
        ];
        b.extend_from_slice(&14u16.to_be_bytes());
        for c in pool.drain(..) {
            b.extend_from_slice(&c);
        }
        b.extend_from_slice(&[0, 0x21, 0, 2, 0, 0]); // access, this_class = 2, super
        b
    }

    #[test]
    fn reads_class_name_method_refs_and_strings() {
        let bytes = sample();
        let class = parse(&bytes).unwrap();
        assert_eq!(class.this_class, "com/x/A");
        assert_eq!(
            class.method_refs,
            [MethodRef {
                class: "android/telephony/TelephonyManager",
                name: "getDeviceId",
                descriptor: "()Ljava/lang/String;",
            }]
        );
        assert_eq!(class.strings, ["https://api.x.com/"]);
    }

    #[test]
    fn every_truncation_and_corruption_is_an_error_not_a_panic() {
        let bytes = sample();
        for len in 0..bytes.len() - 2 {
            assert!(parse(&bytes[..len]).is_err(), "prefix of {len} bytes");
        }
        for i in 0..bytes.len() {
            for v in [0u8, 0xFF, 0x7F] {
                let mut bad = bytes.clone();
                bad[i] = v;
                let _ = parse(&bad);
            }
        }
        assert_eq!(parse(b"PK\x03\x04rest"), Err(ClassFileError::Magic));
        // A pool count far beyond the data.
        let mut lying = bytes.clone();
        lying[8] = 0xFF;
        lying[9] = 0xFF;
        assert!(parse(&lying).is_err());
    }
}
