#!/usr/bin/env bash
# Fetches real Chinese SDK binaries as vendors ship them, from React Native plugins on the npm
# registry (pinned versions, SHA-256 checked), converts them to DEX with dx, and builds two apps
# around them with the Android toolchain, for tests/real_sdks.rs. Output (cached; re-running
# skips what is there):
#   target/real-sdks/jcore-android-1.2.3.jar, jpush-android-3.1.6.jar   the vendors' jars
#   target/real-sdks/jverification-android-release-2.7.2.jar            JVerification with the
#                                                                         three carriers' SDKs
#   target/real-sdks/libammsdk.jar                                        WeChat OpenSDK (old,
#                                                                         with wxop statistics)
#   target/real-sdks/wechat-opensdk.jar                                   WeChat OpenSDK (the
#                                                                         com.tencent.mm.opensdk one)
#   target/real-sdks/libjcore123.so                                       JCore's native library
#   target/real-sdks/jcore.dex, jpush.dex, jverification.dex, wechat.dex,
#     wechat-opensdk.dex                                                  the jars through dx 1.11
#   target/real-sdks/vendors-uses.apk     calls JPush and WeChat, bundles JVerification unused
#   target/real-sdks/vendors-bundles.apk  bundles all four, calls none
# The apps (tests/support/real-sdk-apps): aapt for the manifest, javac against the vendors' jars,
# dx for app and jars into one classes.dex, zipalign, apksigner with a throwaway key.
# dx.jar comes from the npm package apkreader@1.0.7 (as ../shared/corpus/build-apk.sh fetches it).
# Needs: npm, java, sha256sum; for the apps also aapt, zipalign, apksigner, keytool and
# android-framework-res (skipped, saying so, without them). Network: the npm registry only.
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
JVERIFY=$(fetch jverification-react-native@2.4.8 d77833b55445fab31d25f415f14ad4bfca4c8a45ba7a3285bbd825668799dff6)
WECHAT=$(fetch react-native-wechat@1.9.12 c1703170049888e33e09e61ad2e6764dbb77a0ae2688b01385f033274f76f8b5)
tar -xzOf "$JVERIFY" package/android/libs/jverification-android-release-2.7.2.jar > "$OUT/jverification-android-release-2.7.2.jar"
tar -xzOf "$WECHAT" package/android/libs/libammsdk.jar > "$OUT/libammsdk.jar"
WECHAT_LIB=$(fetch react-native-wechat-lib@1.1.27 d5cb7e6b59801f5099f72b7b2278cf2bff943df55cc2d4832e049ef5f067da4f)
tar -xzOf "$WECHAT_LIB" package/android/libs/libammsdk.jar > "$OUT/wechat-opensdk.jar"

DXTGZ=$(fetch apkreader@1.0.7 cdd2c3d660f21c0ce3eb0cafb0cf9ded3b9bbc1e89d401acbe4e63f7fc986955)
tar -xzOf "$DXTGZ" package/bin/linux/aapt/lib/dx.jar > "$OUT/dx.jar"
JARS="jcore:jcore-android-1.2.3.jar jpush:jpush-android-3.1.6.jar jverification:jverification-android-release-2.7.2.jar wechat:libammsdk.jar"
for pair in $JARS wechat-opensdk:wechat-opensdk.jar; do
  name=${pair%%:*} jar=${pair#*:}
  [ -f "$OUT/$name.dex" ] || java -jar "$OUT/dx.jar" --dex --output="$OUT/$name.dex" "$OUT/$jar" \
    2>"$OUT/dx-$name.log" || { cat "$OUT/dx-$name.log" >&2; exit 1; }
done

FRAMEWORK=${FRAMEWORK:-/usr/share/android-framework-res/framework-res.apk}
for t in aapt zipalign apksigner javac keytool; do
  command -v $t >/dev/null || { echo "real-sdks: no $t, apps not built"; exit 0; }
done
[ -f "$FRAMEWORK" ] || { echo "real-sdks: no $FRAMEWORK, apps not built"; exit 0; }
APPS=tests/support/real-sdk-apps
CP=$(for pair in $JARS; do printf '%s:' "$OUT/${pair#*:}"; done)
KEY=$OUT/test-key.jks
[ -f "$KEY" ] || keytool -genkeypair -keystore "$KEY" -storetype PKCS12 -storepass android \
  -keypass android -alias test -keyalg RSA -keysize 2048 -validity 36500 \
  -dname "CN=piaudit real-sdks test key" >/dev/null 2>&1
build_app() { # name package components-xml
  local name=$1 package=$2 components=$3 w
  [ -f "$OUT/vendors-$name.apk" ] && return
  w=$(mktemp -d)
  sed -e "s|@PACKAGE@|$package|g" -e "s|@APP_COMPONENTS@|$components|" \
    "$APPS/AndroidManifest.xml.in" > "$w/AndroidManifest.xml"
  mkdir -p "$w/stubs" "$w/classes" "$w/root"
  javac -nowarn -source 7 -target 7 -d "$w/stubs" $(find "$APPS/stubs" -name '*.java') 2>/dev/null
  javac -nowarn -source 7 -target 7 -cp "$w/stubs:$CP" -d "$w/classes" \
    $(find "$APPS/$name" -name '*.java') 2>"$w/javac.log" || { cat "$w/javac.log" >&2; exit 1; }
  # The app's classes and the vendors' jars, in one classes.dex as a build links them.
  java -jar "$OUT/dx.jar" --dex --output="$w/root/classes.dex" "$w/classes" \
    $(for pair in $JARS; do echo "$OUT/${pair#*:}"; done) 2>"$w/dx.log" || { cat "$w/dx.log" >&2; exit 1; }
  mkdir -p "$w/root/lib/arm64-v8a"
  cp "$OUT/libjcore123.so" "$w/root/lib/arm64-v8a/"
  aapt package -f -M "$w/AndroidManifest.xml" -I "$FRAMEWORK" -F "$w/unsigned.apk"
  (cd "$w/root" && aapt add -f "$w/unsigned.apk" classes.dex lib/arm64-v8a/libjcore123.so >/dev/null)
  zipalign -f -p 4 "$w/unsigned.apk" "$w/aligned.apk"
  apksigner sign --ks "$KEY" --ks-pass pass:android --key-pass pass:android --ks-key-alias test \
    --out "$OUT/vendors-$name.apk" "$w/aligned.apk"
  rm -rf "$w" "$OUT/vendors-$name.apk.idsig"
}
build_app uses com.example.vendors \
  '<activity android:name=".wxapi.WXEntryActivity" android:exported="true" />'
build_app bundles com.example.bundled ''
echo "real-sdks: ready in $OUT"
