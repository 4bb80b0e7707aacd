//! What a callee reference means to the graph, judged from its class descriptor and name only:
//! hand-offs to another thread or a later turn of the loop, reflection, dynamic code loading,
//! stored-flag reads, dialog buttons, service starts. Owns these name lists; it must not
//! decode bytecode.

/// Flags of one callee reference.
pub(crate) const KNOWN: u16 = 1;
/// Runs a callback object later or elsewhere (Handler.post, Executor.execute, Thread.start ...).
pub(crate) const HANDOFF: u16 = 1 << 1;
/// `Class.forName` / `ClassLoader.loadClass`.
pub(crate) const FOR_NAME: u16 = 1 << 2;
/// `Class.getMethod` / `getDeclaredMethod`.
pub(crate) const GET_METHOD: u16 = 1 << 3;
/// Creates a class loader over code the APK does not show, or loads a DEX file.
pub(crate) const DYNAMIC_LOAD: u16 = 1 << 4;
/// Reads a stored boolean by key (SharedPreferences, MMKV, DataStore's boolean key).
pub(crate) const FLAG_READ: u16 = 1 << 5;
/// `setPositiveButton` of a dialog builder.
pub(crate) const POSITIVE_BUTTON: u16 = 1 << 6;
/// Starts or binds a service (`startService`, `startForegroundService`, `bindService`,
/// `enqueueWork`).
pub(crate) const START_SERVICE: u16 = 1 << 7;
/// Returns a boolean from a class outside the platform (a possible wrapper of a stored flag).
pub(crate) const APP_BOOLEAN: u16 = 1 << 8;
/// `System.loadLibrary` / `System.load` / `Runtime.loadLibrary`.
pub(crate) const NATIVE_LOAD: u16 = 1 << 9;
/// A call whose constant arguments the graph keeps ([`crate::Graph::const_calls`]): sensor
/// lookups by type, intents, intent filters and components aimed at a package or an action,
/// URIs parsed from text.
pub(crate) const CONST_ARGS: u16 = 1 << 10;

/// Methods that receive a callback object and run it later or on another thread.
const HANDOFF_NAMES: &[&str] = &[
    "post",
    "postDelayed",
    "postAtTime",
    "postAtFrontOfQueue",
    "postOnAnimation",
    "postOnAnimationDelayed",
    "runOnUiThread",
    "execute",
    "executeOnExecutor",
    "submit",
    "invokeAll",
    "invokeAny",
    "schedule",
    "scheduleAtFixedRate",
    "scheduleWithFixedDelay",
    "launch",
    "launch$default",
    "async",
    "async$default",
    "runBlocking",
    "runBlocking$default",
    "withContext",
    "startCoroutine",
    "enqueue",
];

/// Judges a callee by its class descriptor (`Lpkg/Cls;`), name and return type descriptor.
pub(crate) fn classify(class: &[u8], name: &[u8], ret: &[u8]) -> u16 {
    let mut flags = KNOWN;
    let framework = is_platform(class);
    let Ok(name) = std::str::from_utf8(name) else {
        return flags;
    };
    if HANDOFF_NAMES.contains(&name) || (name == "start" && contains(class, b"Thread")) {
        flags |= HANDOFF;
    }
    match (class, name) {
        (b"Ljava/lang/Class;", "forName") | (b"Ljava/lang/ClassLoader;", "loadClass") => {
            flags |= FOR_NAME
        }
        (b"Ljava/lang/Class;", "getMethod" | "getDeclaredMethod") => flags |= GET_METHOD,
        (b"Landroid/hardware/SensorManager;", "getDefaultSensor" | "getSensorList")
        | (b"Landroid/content/Intent;", "<init>" | "setPackage" | "setClassName" | "setAction")
        | (b"Landroid/content/ComponentName;", "<init>" | "createRelative")
        | (b"Landroid/content/IntentFilter;", "<init>" | "addAction")
        | (b"Landroid/net/Uri;", "parse") => flags |= CONST_ARGS,
        (b"Ldalvik/system/DexFile;", "loadDex" | "<init>") => flags |= DYNAMIC_LOAD,
        (b"Ljava/lang/System;" | b"Ljava/lang/Runtime;", "loadLibrary" | "load") => {
            flags |= NATIVE_LOAD
        }
        (b"Landroid/content/SharedPreferences;", "getBoolean")
        | (b"Lcom/tencent/mmkv/MMKV;", "decodeBool" | "getBoolean")
        | (b"Landroidx/datastore/preferences/core/PreferencesKeys;", "booleanKey")
        | (b"Landroidx/datastore/preferences/core/PreferencesKeysKt;", "booleanKey") => {
            flags |= FLAG_READ
        }
        _ => {}
    }
    if name == "<init>" && class.starts_with(b"Ldalvik/system/") && class.ends_with(b"ClassLoader;")
    {
        flags |= DYNAMIC_LOAD;
    }
    if name == "setPositiveButton" {
        flags |= POSITIVE_BUTTON;
    }
    if matches!(
        name,
        "startService" | "startForegroundService" | "bindService" | "enqueueWork"
    ) {
        flags |= START_SERVICE;
    }
    if ret == b"Z" && !framework {
        flags |= APP_BOOLEAN;
    }
    flags
}

/// Classes of the platform and language runtimes (never the app's or an SDK's).
pub(crate) fn is_platform(class: &[u8]) -> bool {
    [
        &b"Landroid/"[..],
        b"Ljava/",
        b"Ljavax/",
        b"Ldalvik/",
        b"Lkotlin/",
        b"Lorg/json/",
        b"Lorg/xml/",
        b"Lorg/w3c/",
    ]
    .iter()
    .any(|p| class.starts_with(p))
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Whether a stored-flag key names agreement to the policy or the first run.
pub fn is_consent_key(key: &str) -> bool {
    let lower = key.to_lowercase();
    [
        "agree", "privacy", "consent", "policy", "protocol", "accept", "first", "同意", "隐私",
        "协议", "授权",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

/// Whether a button text is an agreement ("同意", "Agree", "Accept", ...).
pub fn is_agree_text(text: &str) -> bool {
    let lower = text.trim().to_lowercase();
    lower.contains("同意") && !lower.contains("不同意")
        || ["agree", "accept", "i agree"].contains(&lower.as_str())
        || lower.starts_with("agree ")
        || lower.starts_with("accept ")
}

/// Callback methods run when an object is handed off (by name, any prototype).
pub(crate) const CALLBACK_NAMES: &[&str] = &[
    "run",
    "call",
    "doInBackground",
    "onPreExecute",
    "onPostExecute",
    "onProgressUpdate",
    "invokeSuspend",
    "handleMessage",
    "invoke",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callees_are_classified_by_class_and_name() {
        assert!(classify(b"Landroid/os/Handler;", b"post", b"Z") & HANDOFF != 0);
        assert!(classify(b"Ljava/lang/Thread;", b"start", b"V") & HANDOFF != 0);
        assert!(classify(b"Lcom/a/Worker;", b"start", b"V") & HANDOFF == 0);
        assert!(classify(b"Ljava/lang/Class;", b"forName", b"Ljava/lang/Class;") & FOR_NAME != 0);
        assert!(classify(b"Ldalvik/system/DexClassLoader;", b"<init>", b"V") & DYNAMIC_LOAD != 0);
        let read = classify(b"Landroid/content/SharedPreferences;", b"getBoolean", b"Z");
        assert!(read & FLAG_READ != 0 && read & APP_BOOLEAN == 0);
        assert!(classify(b"Lcom/a/Prefs;", b"isAgreed", b"Z") & APP_BOOLEAN != 0);
    }

    #[test]
    fn consent_keys_and_agree_texts() {
        assert!(is_consent_key("privacy_agreed"));
        assert!(is_consent_key("KEY_IS_FIRST_RUN"));
        assert!(is_consent_key("已同意隐私"));
        assert!(!is_consent_key("dark_mode"));
        assert!(is_agree_text("同意"));
        assert!(is_agree_text("同意并继续"));
        assert!(!is_agree_text("不同意"));
        assert!(is_agree_text("Agree"));
        assert!(!is_agree_text("Disagree"));
    }
}
