#!/usr/bin/env bash
# Builds samples/sdk-use/sdk-use.apk (SDK use and code ownership, issue 15) with the real
# toolchain through /work/shared/corpus/build-apk.sh (or $BUILD_APK): aapt, javac + dx, zipalign,
# apksigner. Sources: app/ (manifest + java/: the app and stand-ins of three SDKs); android.*
# stand-ins from tests/support/real-sdk-apps/stubs (compile-time only, never dexed).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BUILD_APK=${BUILD_APK:-/work/shared/corpus/build-apk.sh}
STUBS="$HERE/../../tests/support/real-sdk-apps/stubs" bash "$BUILD_APK" "$HERE/app" "$HERE/sdk-use.apk"
