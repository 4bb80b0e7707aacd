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
        // '/' is ASCII, so replacing it segment by segment keeps the text valid UTF-8 (a plain
        // byte loop: segments are too short for a vectorised search to pay off).
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
    fn push_java_name_appends() {
        let mut out = String::from("x:");
        push_java_name("[Lcom/a/B;", &mut out);
        push_java_name("Z", &mut out);
        push_java_name("", &mut out);
        push_java_name("L;", &mut out);
        assert_eq!(out, "x:com.a.B[]boolean");
    }
}
