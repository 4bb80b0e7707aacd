//! Which calls of one method run only after a branch on a stored consent flag took its
//! "agreed" side: dominance over a small control-flow graph of the method's instructions
//! (fall-through, `goto`, `if-*`, `packed-switch` / `sparse-switch`). Owns the per-method CFG
//! and the per-call gate states; it must not decide which registers hold a consent flag (the
//! walk in `build.rs` does) nor follow calls out of the method (`reach.rs` does).
//!
//! A call is [`GATED`] only when every path from the method's entry to it passes the branch's
//! agreed side. Exception handlers are not parsed: every instruction the normal edges do not
//! reach (catch handlers, dead code) is taken as a possible entry, and a call whose gating
//! depends on that assumption is [`UNSURE`], never [`GATED`]. So are calls dominated by a side
//! whose meaning is unknown (a flag whose key does not say which value means "agreed"), and
//! every call of a method too large or too odd to analyse.

use piaudit_dex::CodeItem;

/// The call runs on some path that never passes an agreed side.
pub(crate) const BEFORE: u8 = 0;
/// Whether the call runs before the agreed side could not be decided.
pub(crate) const UNSURE: u8 = 1;
/// Every path to the call passes the agreed side of a consent branch.
pub(crate) const GATED: u8 = 2;

/// Instructions analysed per method at most; beyond, calls are unsure.
const MAX_INSNS: usize = 20_000;
/// Candidate branches analysed per method at most.
pub(crate) const MAX_BRANCHES: usize = 8;

/// Which side of a two-way branch means "the user agreed".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    Taken,
    FallThrough,
    Unknown,
}

impl Side {
    /// The agreed side of `if-eqz` / `if-nez` (`opcode`) testing a value that is true when
    /// `true_means_agreed` says so (`None`: unknown). Other branch kinds compare two values:
    /// unknown.
    pub(crate) fn of(opcode: u8, true_means_agreed: Option<bool>) -> Side {
        let Some(agreed_when_true) = true_means_agreed else {
            return Side::Unknown;
        };
        // if-eqz jumps when the value is false, if-nez when it is true.
        let taken_when_true = match opcode {
            0x38 => false,
            0x39 => true,
            _ => return Side::Unknown,
        };
        if taken_when_true == agreed_when_true {
            Side::Taken
        } else {
            Side::FallThrough
        }
    }
}

/// How far a branch side dominates the calls: per run of call positions `[from, to)`, the
/// state by the taken side and by the fall-through side (`NO`, `MAYBE`, `YES`).
#[derive(Debug, Clone, Default)]
pub(crate) struct Dominance {
    runs: Vec<(u32, u32, u8, u8)>,
    /// Runs of calls behind a later branch on a boolean the two sides set to constants
    /// (`boolean x = !flag; if (x) ...` as javac writes it): unsure whatever the side.
    derived: Vec<(u32, u32)>,
    /// The method could not be analysed: every call is unsure.
    failed: bool,
}

const NO: u8 = 0;
const MAYBE: u8 = 1;
const YES: u8 = 2;

impl Dominance {
    /// Whether no call is dominated by either side, and the analysis did not fail.
    pub(crate) fn is_empty(&self) -> bool {
        !self.failed && self.runs.is_empty() && self.derived.is_empty()
    }

    /// Folds this branch, whose agreed side is `side`, into the per-call `states`.
    pub(crate) fn apply(&self, side: Side, states: &mut [u8]) {
        if self.failed {
            for s in states.iter_mut() {
                *s = (*s).max(UNSURE);
            }
            return;
        }
        for &(from, to, taken, fall) in &self.runs {
            let by = match side {
                Side::Taken => taken,
                Side::FallThrough => fall,
                // Dominated by a side whose meaning is unknown: unsure.
                Side::Unknown => taken.max(fall).min(MAYBE),
            };
            let state = match by {
                YES => GATED,
                MAYBE => UNSURE,
                _ => BEFORE,
            };
            for s in states
                .get_mut(from as usize..to as usize)
                .unwrap_or_default()
            {
                *s = (*s).max(state);
            }
        }
        for &(from, to) in &self.derived {
            for s in states
                .get_mut(from as usize..to as usize)
                .unwrap_or_default()
            {
                *s = (*s).max(UNSURE);
            }
        }
    }
}

/// The method's CFG, one node per instruction.
pub(crate) struct Cfg {
    /// Successors of instruction `i`: `succ[start[i]..start[i + 1]]`; an `if-*` lists its
    /// fall-through first, then its target.
    start: Vec<u32>,
    succ: Vec<u32>,
    /// Reached from the entry by normal edges.
    reached: Vec<bool>,
    /// (instruction, register) of `const/4` and `const/16`.
    consts: Vec<(u32, u16)>,
    /// (instruction, register) of `if-eqz` and `if-nez`.
    tests: Vec<(u32, u16)>,
}

impl Cfg {
    /// Builds the CFG of `code`; `None` when it is too large or a branch target is not an
    /// instruction.
    pub(crate) fn build(code: &CodeItem<'_>) -> Option<Cfg> {
        let unit = |pos: i64| code.unit_at(pos);
        let s32 = |pos: i64| code.s32_at(pos);
        let mut offsets = Vec::new();
        let mut ops = Vec::new();
        let mut consts = Vec::new();
        let mut tests = Vec::new();
        for insn in code.instructions() {
            let insn = insn.ok()?;
            if offsets.len() >= MAX_INSNS {
                return None;
            }
            let (i, u0) = (offsets.len() as u32, insn.unit(0).unwrap_or(0));
            match insn.opcode {
                0x12 => consts.push((i, (u0 >> 8) & 0xf)),
                0x13 => consts.push((i, u0 >> 8)),
                0x38 | 0x39 => tests.push((i, u0 >> 8)),
                _ => {}
            }
            offsets.push(insn.offset);
            ops.push(if insn.is_payload() {
                None
            } else {
                Some(insn.opcode)
            });
        }
        let index_of = |at: i64| -> Option<u32> {
            let at = u32::try_from(at).ok()?;
            offsets.binary_search(&at).ok().map(|i| i as u32)
        };
        let mut start = Vec::with_capacity(offsets.len() + 1);
        let mut succ = Vec::with_capacity(offsets.len() + 8);
        for (i, (&off, &op)) in offsets.iter().zip(&ops).enumerate() {
            start.push(succ.len() as u32);
            let Some(op) = op else { continue };
            let at = i64::from(off);
            let next = (i + 1 < offsets.len()).then_some(i as u32 + 1);
            match op {
                // return*, throw: no normal successor.
                0x0e..=0x11 | 0x27 => {}
                0x28 => succ.push(index_of(at + i64::from((unit(at)? >> 8) as u8 as i8))?),
                0x29 => succ.push(index_of(at + i64::from(unit(at + 1)? as i16))?),
                0x2a => succ.push(index_of(at + i64::from(s32(at + 1)?))?),
                0x32..=0x3d => {
                    succ.extend(next);
                    succ.push(index_of(at + i64::from(unit(at + 1)? as i16))?);
                }
                0x2b | 0x2c => {
                    succ.extend(next);
                    let payload = at + i64::from(s32(at + 1)?);
                    let size = i64::from(unit(payload + 1)?.min(4096));
                    let first = match (op, unit(payload)?) {
                        (0x2b, 0x0100) => payload + 4,
                        (0x2c, 0x0200) => payload + 2 + size * 2,
                        _ => return None,
                    };
                    for k in 0..size {
                        succ.push(index_of(at + i64::from(s32(first + k * 2)?))?);
                    }
                }
                _ => succ.extend(next),
            }
        }
        start.push(succ.len() as u32);
        let mut cfg = Cfg {
            start,
            succ,
            reached: Vec::new(),
            consts,
            tests,
        };
        cfg.reached = if offsets.is_empty() {
            Vec::new()
        } else {
            cfg.walk(&[0], None)
        };
        Some(cfg)
    }

    /// Instructions reached from `roots`, never taking successor `skip.1` of instruction
    /// `skip.0`.
    fn walk(&self, roots: &[u32], skip: Option<(u32, usize)>) -> Vec<bool> {
        let n = self.start.len().saturating_sub(1);
        let mut seen = vec![false; n];
        let mut stack: Vec<u32> = roots.to_vec();
        while let Some(i) = stack.pop() {
            let Some(slot) = seen.get_mut(i as usize) else {
                continue;
            };
            if *slot {
                continue;
            }
            *slot = true;
            let (a, b) = (self.start[i as usize], self.start[i as usize + 1]);
            for (k, &s) in self.succ[a as usize..b as usize].iter().enumerate() {
                if skip != Some((i, k)) {
                    stack.push(s);
                }
            }
        }
        seen
    }

    /// How the two sides of the two-way branch at instruction `branch` dominate the calls;
    /// `marks[i]` is the number of calls recorded before instruction `i`, `calls` the
    /// method's total.
    pub(crate) fn dominance(&self, branch: u32, marks: &[u32], calls: u32) -> Dominance {
        let n = self.start.len().saturating_sub(1);
        let is_branch = (branch as usize) < n
            && self.start[branch as usize + 1] - self.start[branch as usize] == 2;
        if !is_branch || marks.len() != n {
            return unsure();
        }
        // Roots for the pessimistic walk: the entry and every instruction normal edges do
        // not reach (handlers, dead code), as if entered from anywhere.
        let mut all_roots = vec![0u32];
        all_roots.extend(
            (0..n as u32).filter(|&i| !self.reached.get(i as usize).copied().unwrap_or(false)),
        );
        let side = |k: usize| -> Vec<u8> {
            let sure = self.walk(&all_roots, Some((branch, k)));
            let normal = self.walk(&[0], Some((branch, k)));
            (0..n)
                .map(|i| {
                    if !sure[i] {
                        YES
                    } else if !normal[i] {
                        MAYBE
                    } else {
                        NO
                    }
                })
                .collect()
        };
        let (fall, taken) = (side(0), side(1));
        let calls_at = |i: usize| -> (u32, u32) {
            let from = marks[i];
            (from, marks.get(i + 1).copied().unwrap_or(calls).min(calls))
        };
        let mut runs: Vec<(u32, u32, u8, u8)> = Vec::new();
        for i in 0..n {
            let (from, to) = calls_at(i);
            if to <= from || (taken[i] == NO && fall[i] == NO) {
                continue;
            }
            match runs.last_mut() {
                Some(last) if last.1 == from && last.2 == taken[i] && last.3 == fall[i] => {
                    last.1 = to
                }
                _ => runs.push((from, to, taken[i], fall[i])),
            }
        }
        // A register one side sets to a constant, tested after the sides join: the calls
        // either side of that test dominates depend on the flag in a way not followed here.
        let set: Vec<u16> = self
            .consts
            .iter()
            .filter(|(i, _)| taken[*i as usize] != NO || fall[*i as usize] != NO)
            .map(|&(_, r)| r)
            .collect();
        let mut derived: Vec<(u32, u32)> = Vec::new();
        let later = self.tests.iter().filter(|(i, r)| {
            taken[*i as usize] == NO && fall[*i as usize] == NO && set.contains(r)
        });
        for (k, &(test, _)) in later.enumerate() {
            if k >= MAX_BRANCHES {
                return unsure();
            }
            for side in [0, 1] {
                let reached = self.walk(&[0], Some((test, side)));
                for (i, &r) in reached.iter().enumerate() {
                    let (from, to) = calls_at(i);
                    if r || to <= from {
                        continue;
                    }
                    match derived.last_mut() {
                        Some(last) if last.1 == from => last.1 = to,
                        _ => derived.push((from, to)),
                    }
                }
            }
        }
        Dominance {
            runs,
            derived,
            failed: false,
        }
    }
}

/// A failed analysis: every call unsure.
pub(crate) fn unsure() -> Dominance {
    Dominance {
        runs: Vec::new(),
        derived: Vec::new(),
        failed: true,
    }
}

/// Which value of a stored flag, by the words of its key or of the method returning it,
/// means the user agreed: `Some(true)` (`privacy_agreed`, `hasAcceptedPolicy`),
/// `Some(false)` (`is_first_run`: true until the user has been through the first run), `None`
/// when the words do not say (`privacy_dialog_shown`, `KEY_PRIVACY`, `disagree`).
pub fn agreed_when_true(key: &str) -> Option<bool> {
    let lower = key.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| lower.contains(w));
    let agree = has(&["agree", "consent", "accept", "同意", "授权", "granted"]);
    let first = has(&["first", "首次", "第一次"]);
    let negated = has(&[
        "disagree", "not", "refus", "reject", "deny", "denied", "revok", "withdraw", "show",
        "need", "should", "dialog", "popup", "unagree", "un_agree", "unaccept", "不", "未", "拒绝",
    ]);
    match (agree, first, negated) {
        (true, false, false) => Some(true),
        (false, true, false) => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_words_give_the_agreed_value() {
        assert_eq!(agreed_when_true("privacy_agreed"), Some(true));
        assert_eq!(agreed_when_true("hasAgreed"), Some(true));
        assert_eq!(agreed_when_true("KEY_IS_FIRST_RUN"), Some(false));
        assert_eq!(agreed_when_true("isFirstLaunch"), Some(false));
        assert_eq!(agreed_when_true("disagree"), None);
        assert_eq!(agreed_when_true("privacy_dialog_shown"), None);
        assert_eq!(agreed_when_true("need_show_privacy"), None);
        assert_eq!(agreed_when_true("KEY_PRIVACY"), None);
        assert_eq!(agreed_when_true("user_unagreed"), None);
        assert_eq!(agreed_when_true("is_first_run"), Some(false));
        assert_eq!(agreed_when_true("已同意隐私"), Some(true));
    }

    #[test]
    fn the_agreed_side_follows_the_opcode_and_the_key() {
        assert_eq!(Side::of(0x38, Some(true)), Side::FallThrough);
        assert_eq!(Side::of(0x39, Some(true)), Side::Taken);
        assert_eq!(Side::of(0x38, Some(false)), Side::Taken);
        assert_eq!(Side::of(0x39, None), Side::Unknown);
        assert_eq!(Side::of(0x32, Some(true)), Side::Unknown);
    }
}
