#!/usr/bin/env bash
# Builds the code-check samples of issue 18 (permission use and rationale, motion sensors in ad
# SDKs, starts of other apps' components, work scheduled at start-up) with the real toolchain:
# javac + dx (via /work/shared/corpus/build-apk.sh or $BUILD_APK), aapt, zipalign, apksigner.
# android.* stand-ins under stubs/ are compile-time only, never dexed.
#
#   samples/codechecks/<case>/ -> samples/codechecks/apks/<case>.apk
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BUILD_APK=${BUILD_APK:-/work/shared/corpus/build-apk.sh}
OUT="$HERE/apks"
mkdir -p "$OUT"
# A case with a `java-from` file shares another case's code (only its manifest differs).
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
for dir in "$HERE"/*/; do
    case=$(basename "$dir")
    [ -f "$dir/AndroidManifest.xml" ] || continue
    src="$dir"
    if [ -f "$dir/java-from" ]; then
        src="$W/$case"
        mkdir -p "$src"
        cp "$dir/AndroidManifest.xml" "$src/"
        cp -r "$HERE/$(cat "$dir/java-from")/java" "$src/java"
    fi
    STUBS="$HERE/stubs" bash "$BUILD_APK" "$src" "$OUT/$case.apk"
done
