#!/usr/bin/env bash
# Whole-program benchmark: piaudit's scan throughput against the cost of merely inflating the
# bytes it needs, its scaling from --jobs 1 to 2, its peak memory, and the peers a user would
# otherwise pick (androguard, apk-info, aapt). See README, section "Benchmarks".
#
# usage: bench/run.sh [--apps N] [--runs R] [--peer-apps M] [--no-peers] [--no-large]
#                     [--large-only]
#   --apps N       apps in the benchmark corpus (default 300): copies of samples/*, of
#                  framework-res.apk (Debian package android-framework-res) and of the registry
#                  corpus target/corpus/apks/*, whichever exist, each distinct content once per
#                  round, round-robin
#   --runs R       timed runs of each measurement; the median is reported (default 3)
#   --peer-apps M  the first M apps of the corpus (each distinct app once before any repeats)
#                  are the peers' corpus (default 30; androguard's full analysis takes seconds
#                  per app); piaudit is timed on the same M apps for the ratios
#   --no-peers     skip the peers
#   --no-large     skip the large multidex app; --large-only: measure only it
#   The large multidex app is built by bench/large_app.py from the DEX files of the corpus
#   (~70 MiB of DEX, 100+ DEX files, 100k+ classes; repeated files get classes of their own)
#   and scanned alone: its median time (wall and user+sys CPU), peak RSS and floor.
# Needs: cargo, /usr/bin/time (Debian package `time`), python3 with venv for the Python peers.
# Network: none, except PyPI for the optional Python peers (a peer that cannot be installed is
# skipped, saying so).
set -euo pipefail

APPS=300
RUNS=3
PEER_APPS=30
PEERS=1
LARGE=1
CORPUS_RUN=1
while [ $# -gt 0 ]; do
    case "$1" in
        --apps) APPS="$2"; shift 2 ;;
        --runs) RUNS="$2"; shift 2 ;;
        --peer-apps) PEER_APPS="$2"; shift 2 ;;
        --no-peers) PEERS=0; shift ;;
        --no-large) LARGE=0; shift ;;
        --large-only) LARGE=1; CORPUS_RUN=0; PEERS=0; shift ;;
        -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
        *) echo "bench/run.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
FRAMEWORK_RES=/usr/share/android-framework-res/framework-res.apk
VENV="$ROOT/target/bench-venv"

if [ ! -x /usr/bin/time ]; then
    echo "bench/run.sh: /usr/bin/time is missing (apt-get install time)" >&2
    exit 2
fi

echo "== building (release)"
cargo build --release --quiet --bin piaudit --example inflate_floor
# PIAUDIT_BIN: another build to measure (e.g. one of main, for a before/after).
PIAUDIT="${PIAUDIT_BIN:-$ROOT/target/release/piaudit}"
FLOOR="$ROOT/target/release/examples/inflate_floor"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/piaudit-bench.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
CORPUS="$WORK/corpus"
PEER_CORPUS="$WORK/peer-corpus"
mkdir -p "$CORPUS" "$PEER_CORPUS"

# --- the corpus: copies (hard links where possible) of every app file found, round-robin.
# Each distinct file once (by content): the registry corpus also carries framework-res.apk,
# and a second copy per round would weigh the corpus towards that one app.
sources=()
declare -A SEEN_SHA
for f in samples/* "$FRAMEWORK_RES" target/corpus/apks/*; do
    [ -f "$f" ] || continue
    case "${f,,}" in
        *.apk|*.apks|*.xapk|*.apkm)
            sha=$(sha256sum "$f" | cut -d' ' -f1)
            [ -n "${SEEN_SHA[$sha]:-}" ] && continue
            SEEN_SHA[$sha]=1
            sources+=("$f")
            ;;
    esac
done
if [ "${#sources[@]}" -eq 0 ]; then
    echo "bench/run.sh: no APKs found (samples/ is part of the repository)" >&2
    exit 2
fi
for ((i = 0; i < APPS; i++)); do
    src="${sources[$((i % ${#sources[@]}))]}"
    dst="$CORPUS/$(printf '%04d' "$i")-$(basename "$src")"
    ln "$src" "$dst" 2>/dev/null || cp "$src" "$dst"
    # The peers get the first PEER_APPS apps: each distinct app once, in order, before repeats.
    if [ "$i" -lt "$PEER_APPS" ]; then
        ln "$dst" "$PEER_CORPUS/$(basename "$dst")" 2>/dev/null || cp "$dst" "$PEER_CORPUS/"
    fi
done
INPUT_BYTES=$(du -cbl --apparent-size "$CORPUS"/* | tail -1 | cut -f1)
echo "corpus: $APPS apps from ${#sources[@]} distinct files, $((INPUT_BYTES / 1048576)) MiB"

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else print v[int((NR + 1) / 2)] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

# Runs "$@" RUNS times under /usr/bin/time; prints "median_seconds max_rss_kib
# median_cpu_seconds" (CPU = user + sys: the machine may be shared, and CPU time is what a
# busy machine inflates least). Exit codes 0, 1 (findings at --fail-on) and 3 (some input
# unreadable) are results, not failures.
time_runs() {
    local times=() cpus=() rss=0 t r u s status
    for ((run = 0; run < RUNS; run++)); do
        status=0
        /usr/bin/time -f '%e %M %U %S' -o "$WORK/time.out" "$@" >/dev/null 2>"$WORK/stderr.out" || status=$?
        if [ "$status" != 0 ] && [ "$status" != 1 ] && [ "$status" != 3 ]; then
            echo "bench/run.sh: command failed (exit $status): $*" >&2
            tail -5 "$WORK/stderr.out" >&2
            return 1
        fi
        # /usr/bin/time prefixes a line when the command exits non-zero: keep the last.
        tail -1 "$WORK/time.out" >"$WORK/time.last"
        read -r t r u s <"$WORK/time.last"
        times+=("$t")
        cpus+=("$(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }')")
        [ "$r" -gt "$rss" ] && rss="$r"
    done
    printf '%s %s %s\n' "$(printf '%s\n' "${times[@]}" | median)" "$rss" \
        "$(printf '%s\n' "${cpus[@]}" | median)"
}

if [ "$CORPUS_RUN" = 1 ]; then
# (not indented: the heredocs below are written verbatim)
# --- the floor: inflating what piaudit reads, single-threaded, same zip reader and backend.
echo "== inflate floor ($RUNS runs)"
floor_line="$("$FLOOR" --runs "$RUNS" "$CORPUS")"
FLOOR_S=$(sed -E 's/.* median_s=([0-9.]+).*/\1/' <<<"$floor_line")
HASH_S=$(sed -E 's/.*hash_median_s=([0-9.]+).*/\1/' <<<"$floor_line")
INFLATED=$(sed -E 's/.*inflated_bytes=([0-9]+).*/\1/' <<<"$floor_line")
LARGEST=$(sed -E 's/.*largest_dex_arsc_bytes=([0-9]+).*/\1/' <<<"$floor_line")
echo "floor: ${FLOOR_S}s to inflate $((INFLATED / 1048576)) MiB; largest app's DEX+ARSC: $((LARGEST / 1048576)) MiB; SHA-256 of the inputs: ${HASH_S}s"

# --- piaudit at --jobs 1 and 2, one run of each in turn: a machine that speeds up or slows
# down during the benchmark then shifts both medians alike instead of skewing the scaling.
declare -A SCAN_S SCAN_RSS RUN_TIMES RUN_CPU SCAN_CPU
SCAN_RSS[1]=0
SCAN_RSS[2]=0
echo "== piaudit scan --jobs 1 and --jobs 2, alternating ($RUNS runs each)"
for ((round = 0; round < RUNS; round++)); do
    for jobs in 1 2; do
        read -r t r c < <(RUNS=1 time_runs "$PIAUDIT" scan "$CORPUS" --format jsonl -o "$WORK/scan.jsonl" --jobs "$jobs")
        RUN_TIMES[$jobs]+="$t "
        RUN_CPU[$jobs]+="$c "
        [ "$r" -gt "${SCAN_RSS[$jobs]}" ] && SCAN_RSS[$jobs]="$r"
    done
done
for jobs in 1 2; do
    SCAN_S[$jobs]=$(tr ' ' '\n' <<<"${RUN_TIMES[$jobs]}" | grep . | median)
    SCAN_CPU[$jobs]=$(tr ' ' '\n' <<<"${RUN_CPU[$jobs]}" | grep . | median)
    s="${SCAN_S[$jobs]}"
    printf 'jobs %s: %.2fs  %.1f apps/s  %.1f MB/s of input  peak RSS %d MiB\n' "$jobs" "$s" \
        "$(awk -v n="$APPS" -v s="$s" 'BEGIN { print (s > 0 ? n / s : 0) }')" \
        "$(awk -v b="$INPUT_BYTES" -v s="$s" 'BEGIN { print (s > 0 ? b / 1e6 / s : 0) }')" \
        "$((SCAN_RSS[$jobs] / 1024))"
done
# Peak RSS must not grow with the batch: the same scan over one copy of each distinct app.
SMALL="$WORK/distinct"
mkdir -p "$SMALL"
for ((i = 0; i < ${#sources[@]} && i < APPS; i++)); do
    ln "$CORPUS/$(printf '%04d' "$i")-"* "$SMALL/" 2>/dev/null || cp "$CORPUS/$(printf '%04d' "$i")-"* "$SMALL/"
done
N_SMALL=$(find "$SMALL" -type f | wc -l)
read -r _ SMALL_RSS _ < <(RUNS=1 time_runs "$PIAUDIT" scan "$SMALL" --format jsonl -o "$WORK/small.jsonl" --jobs 1)

# --- peers, on the first PEER_APPS apps.
peer_line() { printf '%-34s %8s s  %8s apps/s  time / piaudit time: %s\n' "$1" "$2" "$3" "$4"; }
PEER_RESULTS=()
if [ "$PEERS" = 1 ] && [ "$PEER_APPS" -gt 0 ]; then
    n_peer=$(find "$PEER_CORPUS" -type f | wc -l)
    echo "== peers on the first $n_peer apps of the corpus"
    read -r P1_S _ _ < <(time_runs "$PIAUDIT" scan "$PEER_CORPUS" --format jsonl -o "$WORK/peer.jsonl" --jobs 1)
    peer_rate() { awk -v n="$n_peer" -v s="$1" 'BEGIN { printf "%.2f", (s > 0 ? n / s : 0) }'; }
    PEER_RESULTS+=("$(peer_line "piaudit scan --jobs 1" "$P1_S" "$(peer_rate "$P1_S")" "1.00")")

    if command -v aapt >/dev/null 2>&1 || { [ "$(id -u)" = 0 ] && apt-get install -y -qq aapt >/dev/null 2>&1; }; then
        cat >"$WORK/aapt.sh" <<'EOF'
for f in "$@"; do aapt dump badging "$f" >/dev/null 2>&1 || true; done
EOF
        read -r A_S _ _ < <(time_runs bash "$WORK/aapt.sh" "$PEER_CORPUS"/*)
        PEER_RESULTS+=("$(peer_line "aapt dump badging" "$A_S" "$(peer_rate "$A_S")" "$(ratio "$A_S" "$P1_S")")")
    else
        PEER_RESULTS+=("aapt: not installed and not installable (apt-get install aapt), skipped")
    fi

    if [ ! -x "$VENV/bin/python" ]; then
        python3 -m venv "$VENV" >/dev/null 2>&1 || true
    fi
    if [ -x "$VENV/bin/python" ]; then
        cat >"$WORK/peer.py" <<'EOF'
import sys
kind, files = sys.argv[1], sys.argv[2:]
if kind == "androguard":
    from loguru import logger
    logger.remove()
    from androguard.misc import AnalyzeAPK
    for f in files:
        try:
            AnalyzeAPK(f)  # full analysis: APK, DEX, cross-references
        except Exception:
            pass
else:
    import apk_info
    for f in files:
        try:
            a = apk_info.APK(f)
            a.get_package_name(); a.get_permissions(); a.get_activities(); a.get_signatures()
        except Exception:
            pass
EOF
        for peer in apk-info androguard; do
            module=${peer//-/_}
            if ! "$VENV/bin/python" -c "import $module" >/dev/null 2>&1; then
                "$VENV/bin/pip" install -q "$peer" >/dev/null 2>&1 || true
            fi
            if "$VENV/bin/python" -c "import $module" >/dev/null 2>&1; then
                label="$peer"
                [ "$peer" = androguard ] && label="androguard AnalyzeAPK (1 run)"
                runs=$RUNS
                [ "$peer" = androguard ] && runs=1
                read -r S _ _ < <(RUNS=$runs time_runs "$VENV/bin/python" "$WORK/peer.py" "$peer" "$PEER_CORPUS"/*)
                PEER_RESULTS+=("$(peer_line "$label" "$S" "$(peer_rate "$S")" "$(ratio "$S" "$P1_S")")")
            else
                PEER_RESULTS+=("$peer: could not be installed from PyPI, skipped")
            fi
        done
    else
        PEER_RESULTS+=("androguard, apk-info: python3 -m venv unavailable, skipped")
    fi
fi
fi # CORPUS_RUN

# --- the large multidex app (see the usage above), scanned alone.
if [ "$LARGE" = 1 ]; then
echo "== large multidex app (built from the corpus's DEX files)"
LARGE_APK="$WORK/large-multidex.apk"
large_line="$(python3 bench/large_app.py "$LARGE_APK" "${sources[@]}")"
echo "large app: $large_line"
LARGE_DEX=$(sed -E 's/.*dex_files=([0-9]+).*/\1/' <<<"$large_line")
LARGE_CLASSES=$(sed -E 's/.*classes=([0-9]+).*/\1/' <<<"$large_line")
LARGE_DEX_BYTES=$(sed -E 's/.*dex_bytes=([0-9]+).*/\1/' <<<"$large_line")
lfloor_line="$("$FLOOR" --runs "$RUNS" "$LARGE_APK")"
L_FLOOR_S=$(sed -E 's/.* median_s=([0-9.]+).*/\1/' <<<"$lfloor_line")
L_HASH_S=$(sed -E 's/.*hash_median_s=([0-9.]+).*/\1/' <<<"$lfloor_line")
read -r L_S L_RSS L_CPU < <(time_runs "$PIAUDIT" scan "$LARGE_APK" --format jsonl -o "$WORK/large.jsonl" --jobs 1)
fi

# --- summary.
echo
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$CORPUS_RUN" = 1 ]; then
J1="${SCAN_S[1]}"
J2="${SCAN_S[2]}"
C1="${SCAN_CPU[1]}"
FLOOR_SHA=$(awk -v a="$FLOOR_S" -v b="$HASH_S" 'BEGIN { print a + b }')
echo "== summary ($APPS apps, $((INPUT_BYTES / 1048576)) MiB, median of $RUNS runs)"
printf 'scan --jobs 1             %8.2f s  %7.1f apps/s  %6.1f MB/s\n' "$J1" \
    "$(awk -v n="$APPS" -v s="$J1" 'BEGIN { print (s > 0 ? n / s : 0) }')" \
    "$(awk -v b="$INPUT_BYTES" -v s="$J1" 'BEGIN { print (s > 0 ? b / 1e6 / s : 0) }')"
printf 'scan --jobs 2             %8.2f s  %7.1f apps/s  %6.1f MB/s\n' "$J2" \
    "$(awk -v n="$APPS" -v s="$J2" 'BEGIN { print (s > 0 ? n / s : 0) }')" \
    "$(awk -v b="$INPUT_BYTES" -v s="$J2" 'BEGIN { print (s > 0 ? b / 1e6 / s : 0) }')"
printf 'inflate floor (1 thread)  %8.2f s\n' "$FLOOR_S"
printf 'SHA-256 of inputs (1 thread) %5.2f s  (evidence: paid by every scan, not in the floor)\n' "$HASH_S"
echo "scan/floor at --jobs 1:        $(ratio "$J1" "$FLOOR_S")   (target <= 1.5)"
echo "scan/(floor + SHA-256):        $(ratio "$J1" "$FLOOR_SHA")   (CPU user+sys ${C1} s: $(ratio "$C1" "$FLOOR_SHA"))"
echo "scaling jobs 1 -> 2:           $(ratio "$J1" "$J2")x  (target >= 1.8)"
echo "peak RSS --jobs 1:             $((SCAN_RSS[1] / 1024)) MiB; largest app's inflated DEX+ARSC $((LARGEST / 1048576)) MiB; ratio $(ratio "${SCAN_RSS[1]}" "$((LARGEST / 1024))") (target <= 2)"
echo "peak RSS --jobs 2:             $((SCAN_RSS[2] / 1024)) MiB"
echo "peak RSS, $N_SMALL distinct apps: $((SMALL_RSS / 1024)) MiB (vs $((SCAN_RSS[1] / 1024)) MiB for the $APPS apps above)"
for line in "${PEER_RESULTS[@]}"; do
    echo "$line"
done
fi
if [ "$LARGE" = 1 ]; then
L_FLOOR_SHA=$(awk -v a="$L_FLOOR_S" -v b="$L_HASH_S" 'BEGIN { print a + b }')
echo
echo "== large multidex app: $LARGE_DEX DEX files, $((LARGE_DEX_BYTES / 1048576)) MiB of DEX, $LARGE_CLASSES classes (median of $RUNS runs)"
printf 'scan --jobs 1             %8.2f s wall  %6.2f s CPU (user+sys)\n' "$L_S" "$L_CPU"
printf 'inflate floor (1 thread)  %8.2f s\n' "$L_FLOOR_S"
printf 'SHA-256 of the input      %8.2f s\n' "$L_HASH_S"
echo "scan/(floor + SHA-256):        $(ratio "$L_S" "$L_FLOOR_SHA") wall, $(ratio "$L_CPU" "$L_FLOOR_SHA") CPU   (target <= 1.5)"
echo "peak RSS:                      $((L_RSS / 1024)) MiB"
fi
