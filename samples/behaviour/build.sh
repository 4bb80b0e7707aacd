#!/usr/bin/env bash
# Builds the behaviour samples (issue 13: what the app does before the user agrees) with the real
# toolchain: javac + dx (via /work/shared/corpus/build-apk.sh or $BUILD_APK), aapt, zipalign,
# apksigner. Sources: samples/behaviour/<case>/ (manifest + java/), SDK stand-ins under sdk/
# (copied into the cases that bundle them), android.* stand-ins under stubs/ (compile-time only,
# never dexed).
#
#   samples/behaviour/<case>/ -> samples/behaviour/apks/<case>.apk
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
)
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
for dir in "$HERE"/*/; do
    case=$(basename "$dir")
    [ -f "$dir/AndroidManifest.xml" ] || continue
    rm -rf "$W/$case"
    cp -r "$dir" "$W/$case"
    if [ -n "${SDKS[$case]:-}" ]; then
        cp -r "$HERE/sdk/${SDKS[$case]}/." "$W/$case/java/"
    fi
    STUBS="$HERE/stubs" bash "$BUILD_APK" "$W/$case" "$OUT/$case.apk"
done
