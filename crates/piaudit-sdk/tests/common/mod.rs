//! A small synthetic catalogue shared by the integration tests.

#![allow(dead_code)]

use piaudit_sdk::Catalog;

pub const CATALOG: &str = r#"
schema_version = 1

[[sdk]]
id = "umeng-analytics"
name = { zh = "友盟统计", en = "Umeng Analytics" }
vendor = { zh = "友盟", en = "Umeng" }
category = "analytics"
classes = ["com.umeng.analytics", "com.umeng.commonsdk"]
native_libs = ["libumeng-spy.so"]
meta_data = ["UMENG_APPKEY"]
domains = ["umeng.com"]
pi_types = ["device_id", "network_info"]
policy_names = { zh = ["友盟"], en = ["Umeng"] }
source = ["test"]
status = "verified"

[[sdk]]
id = "jpush"
name = { zh = "极光推送", en = "JPush" }
vendor = { zh = "极光", en = "Aurora Mobile" }
category = "push"
classes = ["cn.jpush.android.api.JPushInterface", "cn.jpush.android.service"]
components = ["cn.jpush.android.service"]
native_libs = ["libjcore*"]
meta_data = ["JPUSH_APPKEY"]
domains = ["jpush.cn"]
pi_types = ["device_id", "app_list"]
policy_names = { zh = ["极光推送"], en = ["JPush"] }
source = ["test"]
status = "verified"

[[sdk]]
id = "wechat-opensdk"
name = { zh = "微信开放平台", en = "WeChat OpenSDK" }
vendor = { zh = "腾讯", en = "Tencent" }
category = "social"
classes = ["com.tencent.mm.opensdk"]
pi_types = ["accounts"]
policy_names = { zh = ["微信"], en = [] }
source = ["test"]
status = "verified"

[[sdk]]
id = "wechat-opensdk-diffdev"
name = { zh = "微信扫码登录", en = "WeChat QR login" }
vendor = { zh = "腾讯", en = "Tencent" }
category = "login"
classes = ["com.tencent.mm.opensdk.diffdev"]
pi_types = ["accounts"]
policy_names = { zh = [], en = ["WeChat QR login"] }
source = ["test"]
status = "unverified"

[[sdk]]
id = "tencent-bugly"
name = { zh = "腾讯 Bugly", en = "Tencent Bugly" }
vendor = { zh = "腾讯", en = "Tencent" }
category = "crash"
classes = ["com.tencent.bugly"]
native_libs = ["libBugly.so"]
pi_types = ["device_id"]
policy_names = { zh = ["Bugly"], en = ["Bugly"] }
source = ["test"]
status = "verified"

[[sdk]]
id = "tencent-gdt"
name = { zh = "优量汇", en = "Tencent GDT" }
vendor = { zh = "腾讯", en = "Tencent" }
category = "ads"
assets = ["assets/gdt_plugin/*"]
domains = ["gdt.qq.com"]
pi_types = ["device_id", "location"]
policy_names = { zh = ["优量汇", "广点通"], en = [] }
source = ["test"]
status = "verified"
"#;

pub fn catalog() -> Catalog {
    match Catalog::from_toml(CATALOG) {
        Ok(catalog) => catalog,
        Err(error) => panic!("test catalogue: {error}"),
    }
}

/// The id of the SDK owning `class`, if any.
pub fn owner_id(catalog: &Catalog, class: &str) -> Option<String> {
    catalog
        .owner_of(class)
        .and_then(|idx| catalog.sdk(idx))
        .map(|sdk| sdk.id.clone())
}
