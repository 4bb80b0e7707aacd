#!/usr/bin/env bash
# Fetches real Chinese SDK binaries as vendors ship them, from React Native plugins on the npm
# registry (pinned versions, SHA-256 checked), and converts them to DEX with dx, for
# tests/real_sdks.rs. Output (cached; re-running skips what is there):
#   target/real-sdks/jcore-android-1.2.3.jar, jpush-android-3.1.6.jar   the vendors' jars
#   target/real-sdks/libjcore123.so                                       JCore's native library
#   target/real-sdks/jcore.dex, jpush.dex                                 the jars through dx 1.11
# dx.jar comes from the npm package apkreader@1.0.7 (as ../shared/corpus/build-apk.sh fetches it).
# Needs: npm, java, sha256sum. Network: the npm registry only.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=target/real-sdks
mkdir -p "$OUT/tgz"

fetch() { # package@version sha256
  local spec=$1 sum=$2 file
  file="$OUT/tgz/$(echo "${spec%@*}" | tr / -)-${spec##*@}.tgz"
  if [ ! -f "$file" ]; then
    (cd "$OUT/tgz" && npm pack -q "$spec" >/dev/null)
  fi
  echo "$sum  $file" | sha256sum -c --quiet - || { echo "real-sdks: $spec: SHA-256 mismatch" >&2; rm -f "$file"; exit 1; }
  echo "$file"
}

JCORE=$(fetch jcore-react-native@1.2.9 d07dfb6980549d95a4599dbef22bfcbaac29aa6b617a89c2e3f6143682efe32f)
JPUSH=$(fetch jpush-react-native@2.2.13 28ea1e6588feef1f1df69eb6c90b7956e22fc99f6f5a07b8a09f89e8d588f0fc)
tar -xzOf "$JCORE" package/android/libs/jcore-android-1.2.3.jar > "$OUT/jcore-android-1.2.3.jar"
tar -xzOf "$JCORE" package/android/libs/arm64-v8a/libjcore123.so > "$OUT/libjcore123.so"
tar -xzOf "$JPUSH" package/android/libs/jpush-android-3.1.6.jar > "$OUT/jpush-android-3.1.6.jar"

DXTGZ=$(fetch apkreader@1.0.7 cdd2c3d660f21c0ce3eb0cafb0cf9ded3b9bbc1e89d401acbe4e63f7fc986955)
tar -xzOf "$DXTGZ" package/bin/linux/aapt/lib/dx.jar > "$OUT/dx.jar"
for pair in jcore:jcore-android-1.2.3.jar jpush:jpush-android-3.1.6.jar; do
  name=${pair%%:*} jar=${pair#*:}
  [ -f "$OUT/$name.dex" ] || java -jar "$OUT/dx.jar" --dex --output="$OUT/$name.dex" "$OUT/$jar"
done
echo "real-sdks: ready in $OUT"
