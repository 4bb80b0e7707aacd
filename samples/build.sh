#!/usr/bin/env bash
# Builds the piaudit sample APKs from their apktool project directories.
#
#   samples/src/<name>/            -> samples/<name>.apk
#   samples/xapk/musiclive-bundle/ -> samples/musiclive-bundle.xapk
#                                     (base = yuhang-musiclive.apk + the config.zh split)
#
# Pipeline per APK: apktool b (aapt for manifest/resources, smali for code)
#                   -> tools/ZipTool.java repack (fixed zip timestamps, so builds are reproducible)
#                   -> zipalign -p -f 4
#                   -> apksigner sign with the committed TEST key keys/sample.jks
#
# Needs only: apt-get install apktool apksigner zipalign default-jdk-headless
# Works offline. Re-running rebuilds everything and yields byte-identical outputs on the same
# toolchain (apktool/aapt/smali/zlib versions).
#
# Test key (NOT a secret; it only signs these fixtures):
#   keystore keys/sample.jks (PKCS12), store and key password "piaudit-samples",
#   alias "piaudit-sample", RSA 2048, SHA256withRSA, CN=piaudit samples,
#   valid 2025-01-01 .. 2074-12-20. It was created once with:
#     keytool -genkeypair -keystore keys/sample.jks -storetype PKCS12 \
#       -storepass piaudit-samples -keypass piaudit-samples -alias piaudit-sample \
#       -keyalg RSA -keysize 2048 -sigalg SHA256withRSA -startdate "2025/01/01 00:00:00" \
#       -validity 18250 -dname "CN=piaudit samples"
set -euo pipefail

SAMPLES_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
KEYSTORE="$SAMPLES_DIR/keys/sample.jks"
KEY_ALIAS="piaudit-sample"
KEY_PASS="piaudit-samples"
ZIPTOOL="$SAMPLES_DIR/tools/ZipTool.java"

die() { echo "build.sh: error: $*" >&2; exit 1; }

for tool in apktool zipalign apksigner java; do
    command -v "$tool" >/dev/null 2>&1 \
        || die "'$tool' not found; run: apt-get install apktool apksigner zipalign default-jdk-headless"
done
[[ -f "$KEYSTORE" ]] || die "missing test keystore $KEYSTORE (see the keytool command at the top of this script)"

WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/piaudit-samples.XXXXXX")"
trap 'rm -rf "$WORK_DIR"' EXIT

# build_apk PROJECT_DIR OUT_APK
# apktool writes build/ into the project directory, so it builds a scratch copy instead.
build_apk() {
    local project="$1" out="$2"
    local name
    name="$(basename "$project")"
    local scratch="$WORK_DIR/$name"
    echo "== $name"
    rm -rf "$scratch"
    mkdir -p "$scratch"
    cp -R "$project" "$scratch/project"
    apktool --quiet build --force-all "$scratch/project" --output "$scratch/unsigned.apk" \
        || die "apktool failed on $project"
    [[ -s "$scratch/unsigned.apk" ]] || die "apktool produced no APK for $project"
    java "$ZIPTOOL" repack "$scratch/unsigned.apk" "$scratch/repacked.apk"
    zipalign -p -f 4 "$scratch/repacked.apk" "$scratch/aligned.apk"
    apksigner sign --ks "$KEYSTORE" --ks-pass "pass:$KEY_PASS" --ks-key-alias "$KEY_ALIAS" \
        --v1-signer-name PIAUDIT --key-pass "pass:$KEY_PASS" --in "$scratch/aligned.apk" --out "$scratch/signed.apk"
    apksigner verify "$scratch/signed.apk" >/dev/null || die "signature check failed for $name"
    # Replace atomically so an interrupted build never leaves a truncated committed APK.
    cp "$scratch/signed.apk" "$out.tmp"
    mv -f "$out.tmp" "$out"
    echo "   -> ${out#"$SAMPLES_DIR"/}"
}

shopt -s nullglob
# `build.sh NAME...` rebuilds only samples/src/NAME (and not the XAPK); no argument: everything.
if (( $# > 0 )); then
    projects=()
    for name in "$@"; do projects+=("$SAMPLES_DIR/src/$name/"); done
else
    projects=("$SAMPLES_DIR"/src/*/)
fi
(( ${#projects[@]} > 0 )) || die "no projects under $SAMPLES_DIR/src"
for project in "${projects[@]}"; do
    project="${project%/}"
    [[ -f "$project/AndroidManifest.xml" && -f "$project/apktool.yml" ]] \
        || die "$project is not an apktool project (needs AndroidManifest.xml and apktool.yml)"
    build_apk "$project" "$SAMPLES_DIR/$(basename "$project").apk"
done
(( $# == 0 )) || exit 0

# XAPK: a zip holding manifest.json, the base APK and the config split APK.
BUNDLE_SRC="$SAMPLES_DIR/xapk/musiclive-bundle"
BUNDLE_DIR="$WORK_DIR/musiclive-bundle.contents"
mkdir -p "$BUNDLE_DIR"
build_apk "$BUNDLE_SRC/config.zh" "$BUNDLE_DIR/config.zh.apk"
cp "$SAMPLES_DIR/yuhang-musiclive.apk" "$BUNDLE_DIR/cn.piaudit.sample.musiclive.apk"
cp "$BUNDLE_SRC/manifest.json" "$BUNDLE_DIR/manifest.json"
echo "== musiclive-bundle.xapk"
java "$ZIPTOOL" create "$SAMPLES_DIR/musiclive-bundle.xapk.tmp" "$BUNDLE_DIR" \
    manifest.json cn.piaudit.sample.musiclive.apk config.zh.apk
mv -f "$SAMPLES_DIR/musiclive-bundle.xapk.tmp" "$SAMPLES_DIR/musiclive-bundle.xapk"
echo "   -> musiclive-bundle.xapk"
