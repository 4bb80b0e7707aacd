//! A trie over package segments for anchored, longest-prefix matching of dotted class names.
//!
//! `com.umeng` is stored as the path `com` → `umeng`; a class is walked segment by segment
//! (split at `.` and `$`), so `com.umeng.X` and `com.umeng.analytics.Y` match while
//! `com.umengx.Y` cannot. The deepest stored prefix on the path wins. Lookups do not allocate.
//!
//! The trie stores opaque `u32` values; it must not know what they mean.

use crate::pattern::class_segments;

/// Sentinel for "no value stored at this node".
const NO_VALUE: u32 = u32::MAX;

#[derive(Debug, Default)]
struct Node {
    /// Children as (segment tag, segment, node), sorted by tag then segment, searched by
    /// binary search: most steps compare only the tags.
    children: Vec<(u64, Box<str>, u32)>,
    value: u32,
}

/// A summary of a segment that orders most segments without comparing their bytes: the length
/// (capped at 255) in the top byte, then the first seven bytes. Equal segments have equal tags.
fn segment_tag(segment: &str) -> u64 {
    let bytes = segment.as_bytes();
    let mut head = [0u8; 8];
    head[0] = u8::try_from(bytes.len()).unwrap_or(u8::MAX);
    for (to, from) in head.iter_mut().skip(1).zip(bytes) {
        *to = *from;
    }
    u64::from_be_bytes(head)
}

/// Searches `children` for `segment` (whose tag is `tag`).
fn find_child(children: &[(u64, Box<str>, u32)], tag: u64, segment: &str) -> Result<usize, usize> {
    children.binary_search_by(|(key_tag, key, _)| {
        key_tag
            .cmp(&tag)
            .then_with(|| key.as_bytes().cmp(segment.as_bytes()))
    })
}

/// The result of a lookup: the stored value and how many segments the matching prefix has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TrieMatch {
    pub(crate) value: u32,
    pub(crate) depth: usize,
}

#[derive(Debug)]
pub(crate) struct ClassTrie {
    nodes: Vec<Node>,
}

impl Default for ClassTrie {
    fn default() -> Self {
        ClassTrie {
            nodes: vec![Node {
                children: Vec::new(),
                value: NO_VALUE,
            }],
        }
    }
}

impl ClassTrie {
    /// Stores `value` for `prefix`. Returns the value already stored for the same prefix, if any.
    /// `u32::MAX` is reserved and refused (returned as the conflicting value).
    pub(crate) fn insert(&mut self, prefix: &str, value: u32) -> Result<(), u32> {
        if value == NO_VALUE {
            return Err(NO_VALUE);
        }
        let mut current = 0usize;
        for segment in class_segments(prefix) {
            let Some(node) = self.nodes.get(current) else {
                return Err(NO_VALUE);
            };
            let tag = segment_tag(segment);
            match find_child(&node.children, tag, segment) {
                Ok(found) => {
                    current = node
                        .children
                        .get(found)
                        .map_or(0, |(_, _, id)| *id as usize);
                }
                Err(slot) => {
                    let Ok(new_id) = u32::try_from(self.nodes.len()) else {
                        return Err(NO_VALUE);
                    };
                    self.nodes.push(Node {
                        children: Vec::new(),
                        value: NO_VALUE,
                    });
                    if let Some(node) = self.nodes.get_mut(current) {
                        node.children.insert(slot, (tag, segment.into(), new_id));
                    }
                    current = new_id as usize;
                }
            }
        }
        let Some(node) = self.nodes.get_mut(current) else {
            return Err(NO_VALUE);
        };
        if node.value != NO_VALUE {
            return Err(node.value);
        }
        node.value = value;
        Ok(())
    }

    /// The value of the longest stored prefix of `class` (on segment boundaries).
    pub(crate) fn longest(&self, class: &str) -> Option<TrieMatch> {
        let mut current = self.nodes.first()?;
        let mut best = None;
        for (index, segment) in class_segments(class).enumerate() {
            let Ok(found) = find_child(&current.children, segment_tag(segment), segment) else {
                break;
            };
            let Some(next) = current
                .children
                .get(found)
                .and_then(|(_, _, id)| self.nodes.get(*id as usize))
            else {
                break;
            };
            current = next;
            if current.value != NO_VALUE {
                best = Some(TrieMatch {
                    value: current.value,
                    depth: index + 1,
                });
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trie(entries: &[(&str, u32)]) -> ClassTrie {
        let mut trie = ClassTrie::default();
        for (prefix, value) in entries {
            trie.insert(prefix, *value).unwrap();
        }
        trie
    }

    #[test]
    fn matches_on_segment_boundaries_only() {
        let trie = trie(&[("com.umeng", 1)]);
        assert_eq!(
            trie.longest("com.umeng.analytics.X").map(|m| m.value),
            Some(1)
        );
        assert_eq!(trie.longest("com.umeng.X").map(|m| m.value), Some(1));
        assert_eq!(
            trie.longest("com.umeng"),
            Some(TrieMatch { value: 1, depth: 2 })
        );
        assert_eq!(trie.longest("com.umengx.Y"), None);
        assert_eq!(trie.longest("com.ume"), None);
        assert_eq!(trie.longest(""), None);
    }

    #[test]
    fn full_class_matches_its_inner_classes() {
        let trie = trie(&[("cn.jpush.android.api.JPushInterface", 7)]);
        assert!(
            trie.longest("cn.jpush.android.api.JPushInterface$1")
                .is_some()
        );
        assert!(
            trie.longest("cn.jpush.android.api.JPushInterface")
                .is_some()
        );
        assert!(
            trie.longest("cn.jpush.android.api.JPushInterfaceX")
                .is_none()
        );
        assert!(trie.longest("cn.jpush.android.api.Other").is_none());
    }

    #[test]
    fn deepest_prefix_wins() {
        let trie = trie(&[
            ("com.tencent.mm.opensdk", 1),
            ("com.tencent.mm.opensdk.diffdev", 2),
        ]);
        assert_eq!(
            trie.longest("com.tencent.mm.opensdk.openapi.WXAPIFactory")
                .map(|m| m.value),
            Some(1)
        );
        assert_eq!(
            trie.longest("com.tencent.mm.opensdk.diffdev.a.B")
                .map(|m| m.value),
            Some(2)
        );
        assert_eq!(trie.longest("com.tencent.mm.ui.X"), None);
    }

    /// The longest stored prefix by brute force, for comparison.
    fn naive_longest(entries: &[(String, u32)], class: &str) -> Option<TrieMatch> {
        let segments: Vec<&str> = class_segments(class).collect();
        entries
            .iter()
            .filter_map(|(prefix, value)| {
                let stored: Vec<&str> = class_segments(prefix).collect();
                (segments.len() >= stored.len() && segments[..stored.len()] == stored[..])
                    .then_some(TrieMatch {
                        value: *value,
                        depth: stored.len(),
                    })
            })
            .max_by_key(|m| m.depth)
    }

    #[test]
    fn agrees_with_brute_force_on_similar_segments() {
        // Segments sharing lengths and first bytes, so tags tie and the bytes decide.
        let pieces = [
            "a",
            "b",
            "ab",
            "abcdefg",
            "abcdefgh",
            "abcdefgi",
            "abcdefghij",
            "隐私",
            "",
            "a$",
        ];
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % 1_000) as usize
        };
        let mut pick = |n: usize| -> String {
            let mut parts = Vec::new();
            for _ in 0..n {
                parts.push(pieces[next() % pieces.len()]);
            }
            parts.join(".")
        };
        let mut trie = ClassTrie::default();
        let mut entries: Vec<(String, u32)> = Vec::new();
        for value in 0..200 {
            let prefix = pick(1 + value as usize % 4);
            if trie.insert(&prefix, value).is_ok() {
                entries.push((prefix, value));
            }
        }
        for _ in 0..5_000 {
            let depth = 1 + pick(1).len() % 6;
            let class = pick(depth);
            assert_eq!(
                trie.longest(&class),
                naive_longest(&entries, &class),
                "{class}"
            );
        }
    }

    #[test]
    fn duplicate_prefix_reports_existing_value() {
        let mut trie = trie(&[("com.umeng.analytics", 3)]);
        assert_eq!(trie.insert("com.umeng.analytics", 4), Err(3));
        assert_eq!(trie.insert("com.umeng", 4), Ok(()));
    }
}
