//! Conversion of type descriptors to Java source names. Owns only text conversion; malformed
//! descriptors are passed through rather than rejected.

/// Converts a type descriptor to its Java name: `Lcom/a/B$C;` → `com.a.B$C`, `[I` → `int[]`,
/// `[[Ljava/lang/String;` → `java.lang.String[][]`, `V` → `void`. Anything that is not a
/// descriptor is returned unchanged (with `[]` for each leading `[`).
pub fn descriptor_to_java(descriptor: &str) -> String {
    let mut out = String::new();
    push_java_name(descriptor, &mut out);
    out
}

/// Longest class name (in bytes) that [`push_java_name`] converts in a stack buffer.
const SHORT_NAME: usize = 128;

/// Appends the Java name of a type descriptor to `out` (see [`descriptor_to_java`]), so that
/// callers converting many descriptors can reuse one buffer.
pub fn push_java_name(descriptor: &str, out: &mut String) {
    let element = descriptor.trim_start_matches('[');
    let dims = descriptor.len() - element.len();
    let base = match element {
        "V" => "void",
        "Z" => "boolean",
        "B" => "byte",
        "S" => "short",
        "C" => "char",
        "I" => "int",
        "J" => "long",
        "F" => "float",
        "D" => "double",
        _ => "",
    };
    out.reserve(element.len() + 2 * dims);
    if !base.is_empty() {
        out.push_str(base);
    } else if let Some(class) = element
        .strip_prefix('L')
        .and_then(|rest| rest.strip_suffix(';'))
    {
        // '/' is ASCII, so replacing it keeps the text valid UTF-8. Names of usual length are
        // converted in a stack buffer in one branch-free pass, longer ones segment by segment.
        let mut buffer = [0u8; SHORT_NAME];
        if let Some(to) = buffer.get_mut(..class.len()) {
            for (to, &from) in to.iter_mut().zip(class.as_bytes()) {
                *to = if from == b'/' { b'.' } else { from };
            }
            if let Ok(dotted) = std::str::from_utf8(to) {
                out.push_str(dotted);
                for _ in 0..dims {
                    out.push_str("[]");
                }
                return;
            }
        }
        let mut from = 0;
        for (at, byte) in class.bytes().enumerate() {
            if byte == b'/' {
                out.push_str(class.get(from..at).unwrap_or_default());
                out.push('.');
                from = at + 1;
            }
        }
        out.push_str(class.get(from..).unwrap_or_default());
    } else {
        out.push_str(element);
    }
    for _ in 0..dims {
        out.push_str("[]");
    }
}

#[cfg(test)]
mod tests {
    use super::{descriptor_to_java, push_java_name};

    #[test]
    fn converts_classes_arrays_and_primitives() {
        assert_eq!(descriptor_to_java("Lcom/a/B$C;"), "com.a.B$C");
        assert_eq!(descriptor_to_java("[I"), "int[]");
        assert_eq!(
            descriptor_to_java("[[Ljava/lang/String;"),
            "java.lang.String[][]"
        );
        assert_eq!(descriptor_to_java("V"), "void");
        assert_eq!(descriptor_to_java("J"), "long");
        assert_eq!(descriptor_to_java("L/a//b/;"), ".a..b.");
        assert_eq!(descriptor_to_java("L隐私/政策;"), "隐私.政策");
    }

    #[test]
    fn passes_malformed_input_through() {
        assert_eq!(descriptor_to_java(""), "");
        assert_eq!(descriptor_to_java("["), "[]");
        assert_eq!(descriptor_to_java("Lno/semicolon"), "Lno/semicolon");
        assert_eq!(descriptor_to_java("QQ"), "QQ");
    }

    #[test]
    fn long_and_short_names_convert_alike() {
        for len in [1, 60, 126, 127, 128, 129, 300] {
            let class: String = (0..len)
                .map(|i| match i % 7 {
                    3 => '/',
                    5 => '隐',
                    _ => 'a',
                })
                .collect();
            let expected = class.replace('/', ".");
            assert_eq!(descriptor_to_java(&format!("L{class};")), expected);
            assert_eq!(
                descriptor_to_java(&format!("[[L{class};")),
                format!("{expected}[][]")
            );
        }
    }

    #[test]
    fn push_java_name_appends() {
        let mut out = String::from("x:");
        push_java_name("[Lcom/a/B;", &mut out);
        push_java_name("Z", &mut out);
        push_java_name("", &mut out);
        push_java_name("L;", &mut out);
        assert_eq!(out, "x:com.a.B[]boolean");
    }
}
