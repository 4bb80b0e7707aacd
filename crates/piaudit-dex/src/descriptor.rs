//! Conversion of type descriptors to Java source names. Owns only text conversion; malformed
//! descriptors are passed through rather than rejected.

/// Converts a type descriptor to its Java name: `Lcom/a/B$C;` → `com.a.B$C`, `[I` → `int[]`,
/// `[[Ljava/lang/String;` → `java.lang.String[][]`, `V` → `void`. Anything that is not a
/// descriptor is returned unchanged (with `[]` for each leading `[`).
pub fn descriptor_to_java(descriptor: &str) -> String {
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
    let mut out = String::with_capacity(element.len() + 2 * dims);
    if !base.is_empty() {
        out.push_str(base);
    } else if let Some(class) = element
        .strip_prefix('L')
        .and_then(|rest| rest.strip_suffix(';'))
    {
        out.extend(class.chars().map(|c| if c == '/' { '.' } else { c }));
    } else {
        out.push_str(element);
    }
    for _ in 0..dims {
        out.push_str("[]");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::descriptor_to_java;

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
    }

    #[test]
    fn passes_malformed_input_through() {
        assert_eq!(descriptor_to_java(""), "");
        assert_eq!(descriptor_to_java("["), "[]");
        assert_eq!(descriptor_to_java("Lno/semicolon"), "Lno/semicolon");
        assert_eq!(descriptor_to_java("QQ"), "QQ");
    }
}
