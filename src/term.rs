//! Text that is safe to show on a terminal: control characters from hostile inputs (package
//! names, labels, entry and file names) escaped, and file names that are not UTF-8 shown with
//! their bytes escaped instead of replaced.
//!
//! Owns what counts as dangerous (C0 and C1 controls but newline and tab, DEL, and the
//! bidirectional overrides and isolates that reorder what follows them) and how it is written
//! (`\x1b`, `\u{202e}`). It must not decide what is printed, only how.

use std::borrow::Cow;
use std::io::Write;
use std::path::Path;

/// Whether `c` must not reach a terminal raw: it moves the cursor, clears or hides text,
/// rewrites the line (CR), or reorders what follows it (bidi overrides and isolates).
fn is_dangerous(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
}

fn push_escaped(c: char, out: &mut String) {
    if (c as u32) < 0x80 {
        out.push_str(&format!("\\x{:02x}", c as u32));
    } else {
        out.push_str(&format!("\\u{{{:x}}}", c as u32));
    }
}

/// `text` with every dangerous character escaped (borrowed when there is none).
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_dangerous) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_dangerous(c) {
            push_escaped(c, &mut out);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// How a path is shown in records and messages: its UTF-8 text as is, any byte that is not
/// UTF-8 as `\xNN` (never U+FFFD, which would name a different file). The path is opened by
/// its bytes, never by this text.
pub fn shown_path(path: &Path) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt as _;
        let bytes = path.as_os_str().as_bytes();
        let mut out = String::with_capacity(bytes.len());
        for chunk in bytes.utf8_chunks() {
            out.push_str(chunk.valid());
            for b in chunk.invalid() {
                out.push_str(&format!("\\x{b:02x}"));
            }
        }
        out
    }
    #[cfg(not(unix))]
    {
        path.display().to_string()
    }
}

/// A writer that escapes dangerous characters in the UTF-8 text written through it (an
/// incomplete character at the end of one write is completed by the next).
pub struct EscapingWriter<W: Write> {
    inner: W,
    pending: Vec<u8>,
}

impl<W: Write> EscapingWriter<W> {
    pub fn new(inner: W) -> EscapingWriter<W> {
        EscapingWriter {
            inner,
            pending: Vec::new(),
        }
    }

    fn emit(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        let mut out = Vec::with_capacity(bytes.len());
        for chunk in bytes.utf8_chunks() {
            out.extend_from_slice(escape_controls(chunk.valid()).as_bytes());
            for b in chunk.invalid() {
                out.extend_from_slice(format!("\\x{b:02x}").as_bytes());
            }
        }
        self.inner.write_all(&out)
    }
}

impl<W: Write> Write for EscapingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.pending.extend_from_slice(buf);
        // Keep an incomplete UTF-8 sequence at the end for the next write.
        let keep = incomplete_tail(&self.pending);
        let ready = self.pending.len() - keep;
        let text: Vec<u8> = self.pending.drain(..ready).collect();
        self.emit(&text)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let rest = std::mem::take(&mut self.pending);
        self.emit(&rest)?;
        self.inner.flush()
    }
}

impl<W: Write> Drop for EscapingWriter<W> {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

/// Bytes at the end of `bytes` that begin a UTF-8 sequence not yet complete (0..=3).
fn incomplete_tail(bytes: &[u8]) -> usize {
    for back in 1..=3.min(bytes.len()) {
        let b = bytes[bytes.len() - back];
        if b & 0xc0 != 0x80 {
            let need = match b {
                0xc0..=0xdf => 2,
                0xe0..=0xef => 3,
                0xf0..=0xf7 => 4,
                _ => 1,
            };
            return if need > back { back } else { 0 };
        }
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_escaped_and_text_is_kept() {
        assert_eq!(escape_controls("com.example 应用\n"), "com.example 应用\n");
        assert_eq!(
            escape_controls("a\x1b[2Jb\rc\u{202e}d\u{9b}"),
            "a\\x1b[2Jb\\x0dc\\u{202e}d\\u{9b}"
        );
    }

    #[test]
    fn the_writer_escapes_across_split_writes() {
        let mut out = Vec::new();
        {
            let mut w = EscapingWriter::new(&mut out);
            let text = "x\u{202e}y\x1b[8m隐私".as_bytes();
            for piece in text.chunks(1) {
                w.write_all(piece).unwrap();
            }
        }
        assert_eq!(String::from_utf8(out).unwrap(), "x\\u{202e}y\\x1b[8m隐私");
    }

    #[cfg(unix)]
    #[test]
    fn non_utf8_paths_show_their_bytes() {
        use std::os::unix::ffi::OsStrExt as _;
        let p = Path::new(std::ffi::OsStr::from_bytes(b"/tmp/\xffa\xfe.apk"));
        assert_eq!(shown_path(p), "/tmp/\\xffa\\xfe.apk");
    }
}
