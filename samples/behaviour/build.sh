#!/usr/bin/env bash
# Builds the behaviour samples (issue 13: what the app does before the user agrees) with the real
# toolchain: javac + dx (via /work/shared/corpus/build-apk.sh or $BUILD_APK), aapt, zipalign,
# apksigner. Sources: samples/behaviour/<case>/ (manifest + java/), SDK stand-ins under sdk/
# (copied into the cases that bundle them), android.* stand-ins under stubs/ (compile-time only,
# never dexed).
#
#   samples/behaviour/<case>/ -> samples/behaviour/apks/<case>.apk
#   build.sh [CASE...]   (default: every case)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BUILD_APK=${BUILD_APK:-/work/shared/corpus/build-apk.sh}
OUT="$HERE/apks"
mkdir -p "$OUT"
declare -A SDKS=(
    [init-in-application]=umeng
    [init-after-consent]=umeng
    [gate-on-flag]=umeng
    [sdk-unreached]=baidu
    [deny-permissionx]=permissionx
    [gate-join]=umeng
    [gate-dominates]=umeng
    [startup-listed]=androidx-startup
    [startup-removed]=androidx-startup
)
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
for dir in "$HERE"/*/; do
    case=$(basename "$dir")
    # Only the named cases, when some are named.
    if [ $# -gt 0 ] && [[ " $* " != *" $case "* ]]; then continue; fi
    [ -f "$dir/AndroidManifest.xml" ] || continue
    rm -rf "$W/$case"
    cp -r "$dir" "$W/$case"
    for sdk in ${SDKS[$case]:-}; do
        cp -r "$HERE/sdk/$sdk/." "$W/$case/java/"
    done
    STUBS="$HERE/stubs" bash "$BUILD_APK" "$W/$case" "$OUT/$case.apk"
done
