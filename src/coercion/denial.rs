//! The denial branch of one permission-result handler, from its bytecode: which values hold
//! the grant result (an `int[]` of `PERMISSION_GRANTED`/`PERMISSION_DENIED`, a granted boolean,
//! a `Boolean` object), which branches test them, and which instructions run only when the
//! result is a denial. Owns the method's control-flow graph and the value tracking; it must not
//! follow calls out of the method (the call graph does) nor judge what the calls mean.
//!
//! "Runs only on denial" = reachable from the denial side of a grant test without passing the
//! test again, and not reachable from its granted side the same way: code after the two sides
//! join runs either way and is left out. Exception edges are not followed, so code reached only
//! through a `catch` is left out too (a miss, never a false denial path).

use piaudit_dex::{CodeItem, Dex};

/// What a handler's parameter carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grant {
    /// `int[] grantResults`: 0 granted, -1 denied.
    IntArray,
    /// A boolean that is true when granted.
    Granted,
    /// A `Boolean` (or a map of them) that is true when granted; read with `booleanValue()`.
    BooleanObject,
    /// The whole method runs on denial (a library's `onDenied`).
    Denied,
}

/// A call made on the denial path, or a grant value handed to another method.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DenialCall {
    /// `Lpkg/Cls;->name(args)ret`.
    pub callee: String,
    /// The invoke opcode.
    pub opcode: u8,
    /// Offset in code units (as `dexdump -d` prints it, `|xxxx:`).
    pub offset: u32,
}

/// The result of one handler's analysis.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Denial {
    /// Whether some instruction tests the grant result (or the whole method is the denial
    /// path).
    pub tested: bool,
    /// Calls made only on the denial path.
    pub calls: Vec<DenialCall>,
    /// Constant strings loaded only on the denial path (settings actions, permission names).
    pub strings: Vec<String>,
    /// Grant values passed on to methods outside the platform: (callee, its method index in
    /// this DEX file, declared parameter index, what it carries).
    pub forwards: Vec<(String, u32, usize, Grant)>,
}

/// Instructions decoded per method at most (longer methods are not analysed).
const MAX_INSNS: usize = 20_000;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Val {
    Unknown,
    Array,
    Int,
    /// Boolean; `true` = true means granted.
    Bool(bool),
    BoolObject,
    Const(i32),
}

struct Insn {
    offset: u32,
    opcode: u8,
    units: [u16; 5],
}

impl Insn {
    fn unit(&self, n: usize) -> u16 {
        self.units.get(n).copied().unwrap_or(0)
    }
    fn aa(&self) -> u16 {
        self.unit(0) >> 8
    }
    fn a4(&self) -> u16 {
        (self.unit(0) >> 8) & 0xf
    }
    fn b4(&self) -> u16 {
        self.unit(0) >> 12
    }
    fn s16(&self, n: usize) -> i32 {
        i32::from(self.unit(n) as i16)
    }
    fn s32(&self, n: usize) -> i32 {
        (u32::from(self.unit(n)) | (u32::from(self.unit(n + 1)) << 16)) as i32
    }
    fn is_invoke(&self) -> bool {
        matches!(self.opcode, 0x6e..=0x72 | 0x74..=0x78)
    }
    /// Argument register `n` of an invoke.
    fn arg(&self, n: u16) -> Option<u16> {
        if matches!(self.opcode, 0x74..=0x78) {
            let count = self.aa();
            (n < count).then(|| self.unit(2).wrapping_add(n))
        } else {
            let count = self.b4().min(5);
            if n >= count {
                return None;
            }
            let u2 = self.unit(2);
            Some(if n < 4 {
                (u2 >> (4 * n)) & 0xf
            } else {
                self.a4()
            })
        }
    }
    fn arg_count(&self) -> u16 {
        if matches!(self.opcode, 0x74..=0x78) {
            self.aa()
        } else {
            self.b4().min(5)
        }
    }
    /// The register an instruction writes, for the instructions that write one.
    fn dest(&self) -> Option<u16> {
        match self.opcode {
            0x01 | 0x04 | 0x07 | 0x12 | 0x21 | 0x52..=0x58 | 0x7b..=0x8f | 0xb0..=0xcf => {
                Some(self.a4())
            }
            0xd0..=0xd7 | 0x20 => Some(self.a4()),
            0x02 | 0x03 | 0x05 | 0x06 | 0x08 | 0x09 | 0x0a..=0x0d | 0x13..=0x1c | 0x22 | 0x23 => {
                Some(self.aa())
            }
            0x2d..=0x31 | 0x44..=0x4a | 0x60..=0x66 | 0x90..=0xaf | 0xd8..=0xe2 => Some(self.aa()),
            _ => None,
        }
    }
}

fn decode(code: &CodeItem<'_>) -> Option<Vec<Insn>> {
    let mut out = Vec::new();
    for insn in code.instructions() {
        let insn = insn.ok()?;
        if out.len() >= MAX_INSNS {
            return None;
        }
        if insn.is_payload() {
            continue;
        }
        let mut units = [0u16; 5];
        for (n, u) in units.iter_mut().enumerate() {
            *u = insn.unit(n).unwrap_or(0);
        }
        out.push(Insn {
            offset: insn.offset,
            opcode: insn.opcode,
            units,
        });
    }
    Some(out)
}

/// Declared parameter types of a prototype `(args)ret`, one descriptor each.
pub fn parameters(proto: &str) -> Vec<String> {
    let inner = proto
        .strip_prefix('(')
        .and_then(|p| p.split_once(')'))
        .map_or("", |(a, _)| a);
    let bytes = inner.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() && out.len() < 256 {
        let start = i;
        while i < bytes.len() && bytes[i] == b'[' {
            i += 1;
        }
        if i < bytes.len() && bytes[i] == b'L' {
            while i < bytes.len() && bytes[i] != b';' {
                i += 1;
            }
        }
        i += 1;
        out.push(
            inner
                .get(start..i.min(bytes.len()))
                .unwrap_or("")
                .to_owned(),
        );
    }
    out
}

/// Analyses a method's code: `params` says what each declared parameter carries.
pub fn analyse(
    dex: &Dex<'_>,
    code: &CodeItem<'_>,
    is_static: bool,
    proto: &str,
    params: &[(usize, Grant)],
    granted_calls: &[String],
) -> Denial {
    let mut out = Denial::default();
    let Some(insns) = decode(code) else {
        return out;
    };
    let types = parameters(proto);
    let regs = usize::from(code.registers_size);
    let mut vals = vec![Val::Unknown; regs.min(65_536)];
    // Parameter registers: the last `ins_size`, `this` first for instance methods.
    let mut reg = regs.saturating_sub(usize::from(code.ins_size)) + usize::from(!is_static);
    let mut whole = false;
    for (i, t) in types.iter().enumerate() {
        if let Some((_, g)) = params.iter().find(|(p, _)| *p == i) {
            let v = match g {
                Grant::IntArray => Val::Array,
                Grant::Granted => Val::Bool(true),
                Grant::BooleanObject => Val::BoolObject,
                Grant::Denied => {
                    whole = true;
                    Val::Unknown
                }
            };
            if let Some(slot) = vals.get_mut(reg) {
                *slot = v;
            }
        }
        reg += if t == "J" || t == "D" { 2 } else { 1 };
    }
    if params.iter().any(|(_, g)| *g == Grant::Denied) && params.len() == 1 {
        whole = true;
    }
    let index_of = |off: i64| -> Option<usize> {
        let off = u32::try_from(off).ok()?;
        insns.binary_search_by_key(&off, |i| i.offset).ok()
    };
    // Successors of each instruction (exception edges left out).
    let mut succ: Vec<Vec<usize>> = Vec::with_capacity(insns.len());
    let payload_targets = |at: i64| -> Vec<usize> { switch_targets(code, at, &index_of) };
    for (n, insn) in insns.iter().enumerate() {
        let here = i64::from(insn.offset);
        let next = (n + 1 < insns.len()).then_some(n + 1);
        let s: Vec<usize> = match insn.opcode {
            0x0e..=0x11 | 0x27 => Vec::new(),
            0x28 => index_of(here + i64::from(insn.aa() as u8 as i8))
                .into_iter()
                .collect(),
            0x29 => index_of(here + i64::from(insn.s16(1)))
                .into_iter()
                .collect(),
            0x2a => index_of(here + i64::from(insn.s32(1)))
                .into_iter()
                .collect(),
            0x32..=0x3d => {
                let off = i64::from(insn.s16(1));
                next.into_iter().chain(index_of(here + off)).collect()
            }
            0x2b | 0x2c => {
                let mut t: Vec<usize> = next.into_iter().collect();
                t.extend(payload_targets(here));
                t
            }
            _ => next.into_iter().collect(),
        };
        succ.push(s);
    }
    // Value tracking in instruction order, and the grant tests: (branch, denial side,
    // granted side).
    let mut tests: Vec<(usize, usize, usize)> = Vec::new();
    let mut pending = Val::Unknown;
    let get = |vals: &[Val], r: u16| vals.get(usize::from(r)).copied().unwrap_or(Val::Unknown);
    for (n, insn) in insns.iter().enumerate() {
        let last = std::mem::replace(&mut pending, Val::Unknown);
        let op = insn.opcode;
        let mut set = None;
        match op {
            0x01 | 0x07 => set = Some((insn.a4(), get(&vals, insn.b4()))),
            0x02 | 0x08 => set = Some((insn.aa(), get(&vals, insn.unit(1)))),
            0x03 | 0x09 => set = Some((insn.unit(1), get(&vals, insn.unit(2)))),
            0x0a | 0x0c => set = Some((insn.aa(), last)),
            0x12 => {
                let v = i32::from(((insn.unit(0) >> 12) as i8) << 4 >> 4);
                set = Some((insn.a4(), Val::Const(v)));
            }
            0x13 => set = Some((insn.aa(), Val::Const(insn.s16(1)))),
            0x14 => set = Some((insn.aa(), Val::Const(insn.s32(1)))),
            0x1f => {}
            0x44 => {
                let array = insn.unit(1) & 0xff;
                let v = if get(&vals, array) == Val::Array {
                    Val::Int
                } else {
                    Val::Unknown
                };
                set = Some((insn.aa(), v));
            }
            0x6e..=0x72 | 0x74..=0x78 => {
                if let Ok(callee) = method_display(dex, u32::from(insn.unit(1))) {
                    let name = callee
                        .split_once("->")
                        .map_or("", |(_, r)| r.split('(').next().unwrap_or(""));
                    let ret = callee.rsplit(')').next().unwrap_or("");
                    let args: Vec<Val> = (0..insn.arg_count())
                        .filter_map(|k| insn.arg(k))
                        .map(|r| get(&vals, r))
                        .collect();
                    let on_object = args.first().copied() == Some(Val::BoolObject);
                    pending = if name == "booleanValue" && on_object {
                        Val::Bool(true)
                    } else if on_object && ret == "Ljava/lang/Object;" && name == "get" {
                        Val::BoolObject
                    } else if name == "checkSelfPermission" && ret == "I" {
                        Val::Int
                    } else if granted_calls.iter().any(|g| callee.starts_with(g.as_str())) {
                        Val::Bool(true)
                    } else if ret == "Z" && args.contains(&Val::Array) {
                        // A helper judging the results (`verifyPermissions(grantResults)`).
                        let lower = name.to_ascii_lowercase();
                        Val::Bool(!(lower.contains("denied") || lower.contains("refuse")))
                    } else {
                        Val::Unknown
                    };
                    // Grant values handed on to another method.
                    let static_call = matches!(op, 0x71 | 0x77);
                    for (k, v) in args.iter().enumerate() {
                        let declared = if static_call { k } else { k.wrapping_sub(1) };
                        if k == 0 && !static_call {
                            continue;
                        }
                        let g = match v {
                            Val::Array => Grant::IntArray,
                            Val::Bool(true) => Grant::Granted,
                            Val::BoolObject => Grant::BooleanObject,
                            _ => continue,
                        };
                        if out.forwards.len() < 16 && !is_platform(&callee) {
                            out.forwards.push((
                                callee.clone(),
                                u32::from(insn.unit(1)),
                                declared,
                                g,
                            ));
                        }
                    }
                }
            }
            0x38..=0x3d => {
                let v = get(&vals, insn.aa());
                let taken = index_of(i64::from(insn.offset) + i64::from(insn.s16(1)));
                let fall = (n + 1 < insns.len()).then_some(n + 1);
                // Whether the taken side is the denial side.
                let taken_denied = match (v, op) {
                    (Val::Int, 0x38) => Some(false), // if-eqz: == GRANTED
                    (Val::Int, 0x39) => Some(true),  // if-nez
                    (Val::Int, 0x3a) => Some(true),  // if-ltz: < 0
                    (Val::Int, 0x3b) => Some(false), // if-gez
                    (Val::Bool(g), 0x38) => Some(g), // if-eqz: false
                    (Val::Bool(g), 0x39) => Some(!g),
                    _ => None,
                };
                if let (Some(d), Some(t), Some(f)) = (taken_denied, taken, fall) {
                    tests.push(if d { (n, t, f) } else { (n, f, t) });
                }
            }
            0x32 | 0x33 => {
                let (a, b) = (get(&vals, insn.a4()), get(&vals, insn.b4()));
                let pair = match (a, b) {
                    (Val::Int | Val::Bool(_), Val::Const(c))
                    | (Val::Const(c), Val::Int | Val::Bool(_)) => {
                        let v = if matches!(a, Val::Const(_)) { b } else { a };
                        Some((v, c))
                    }
                    _ => None,
                };
                let taken = index_of(i64::from(insn.offset) + i64::from(insn.s16(1)));
                let fall = (n + 1 < insns.len()).then_some(n + 1);
                // Whether "equal" means denied.
                let eq_denied = match pair {
                    Some((Val::Int, 0)) => Some(false),
                    Some((Val::Int, -1)) => Some(true),
                    Some((Val::Bool(g), 0)) => Some(g),
                    Some((Val::Bool(g), 1)) => Some(!g),
                    _ => None,
                };
                if let (Some(e), Some(t), Some(f)) = (eq_denied, taken, fall) {
                    let taken_denied = if op == 0x32 { e } else { !e };
                    tests.push(if taken_denied { (n, t, f) } else { (n, f, t) });
                }
            }
            _ => {}
        }
        if let Some(d) = insn.dest() {
            if let Some(slot) = vals.get_mut(usize::from(d)) {
                *slot = Val::Unknown;
            }
        }
        if let Some((r, v)) = set {
            if let Some(slot) = vals.get_mut(usize::from(r)) {
                *slot = v;
            }
        }
    }
    let mut denied = vec![false; insns.len()];
    if whole {
        out.tested = true;
        let all = reachable(&succ, &[0], None);
        denied.copy_from_slice(&all);
    }
    for &(branch, d, g) in &tests {
        out.tested = true;
        let from_d = reachable(&succ, &[d], Some(branch));
        let from_g = reachable(&succ, &[g], Some(branch));
        for (k, slot) in denied.iter_mut().enumerate() {
            *slot |= from_d[k] && !from_g[k];
        }
    }
    for (k, insn) in insns.iter().enumerate() {
        if !denied[k] {
            continue;
        }
        if insn.is_invoke() {
            if let Ok(callee) = method_display(dex, u32::from(insn.unit(1))) {
                if out.calls.len() < 256 {
                    out.calls.push(DenialCall {
                        callee,
                        opcode: insn.opcode,
                        offset: insn.offset,
                    });
                }
            }
        } else if matches!(insn.opcode, 0x1a | 0x1b) {
            let idx = if insn.opcode == 0x1a {
                u32::from(insn.unit(1))
            } else {
                insn.s32(1) as u32
            };
            if let Ok(s) = dex.string(idx) {
                if (s.starts_with("android.settings.") || s.contains(".permission."))
                    && out.strings.len() < 64
                {
                    out.strings.push(s.into_owned());
                }
            }
        }
    }
    out
}

/// Whether a method's code reads a stored boolean (an `iget-boolean` / `sget-boolean`) or calls
/// a method returning one: a possible "asked already" guard, which makes a request in it not
/// one made on every run. Undecodable code counts as guarded.
pub fn reads_boolean(dex: &Dex<'_>, code: &CodeItem<'_>) -> bool {
    let Some(insns) = decode(code) else {
        return true;
    };
    insns.iter().any(|i| {
        matches!(i.opcode, 0x55 | 0x63)
            || (i.is_invoke()
                && method_display(dex, u32::from(i.unit(1))).is_ok_and(|m| m.ends_with(")Z")))
    })
}

/// Platform and language classes (and AndroidX), which hand a result on without judging it.
fn is_platform(smali: &str) -> bool {
    [
        "Landroid/",
        "Landroidx/",
        "Ljava/",
        "Ljavax/",
        "Lkotlin/",
        "Ldalvik/",
    ]
    .iter()
    .any(|p| smali.starts_with(p))
}

fn method_display(dex: &Dex<'_>, idx: u32) -> Result<String, piaudit_dex::DexError> {
    dex.method_ref_display(idx)
}

/// Instruction indexes reachable from `starts` without passing `blocked`.
fn reachable(succ: &[Vec<usize>], starts: &[usize], blocked: Option<usize>) -> Vec<bool> {
    let mut seen = vec![false; succ.len()];
    let mut stack: Vec<usize> = starts.to_vec();
    while let Some(n) = stack.pop() {
        if Some(n) == blocked || n >= seen.len() || seen[n] {
            continue;
        }
        seen[n] = true;
        stack.extend(succ[n].iter().copied());
    }
    seen
}

/// Targets of the switch at code-unit offset `at` (its payload is found through the
/// instruction's 32-bit offset).
fn switch_targets(
    code: &CodeItem<'_>,
    at: i64,
    index_of: &dyn Fn(i64) -> Option<usize>,
) -> Vec<usize> {
    let unit = |pos: i64| code.unit_at(pos);
    let s32 = |pos: i64| code.s32_at(pos);
    let Some(rel) = s32(at + 1) else {
        return Vec::new();
    };
    let payload = at + i64::from(rel);
    let (Some(ident), Some(size)) = (unit(payload), unit(payload + 1)) else {
        return Vec::new();
    };
    let size = i64::from(size.min(1024));
    let first = match ident {
        0x0100 => payload + 4,
        0x0200 => payload + 2 + size * 2,
        _ => return Vec::new(),
    };
    (0..size)
        .filter_map(|k| s32(first + k * 2))
        .filter_map(|t| index_of(at + i64::from(t)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_split_descriptors() {
        assert_eq!(
            parameters("(I[Ljava/lang/String;[I)V"),
            ["I", "[Ljava/lang/String;", "[I"]
        );
        assert_eq!(parameters("(JZ)V"), ["J", "Z"]);
        assert!(parameters("()V").is_empty());
        assert!(parameters("garbage").is_empty());
    }

    #[test]
    fn reachability_stops_at_the_blocked_instruction() {
        // 0 -> 1 -> 2 -> 0 (a loop through the test at 0), 1 -> 3.
        let succ = vec![vec![1], vec![2, 3], vec![0], vec![]];
        let r = reachable(&succ, &[1], Some(0));
        assert_eq!(r, vec![false, true, true, true]);
    }
}
