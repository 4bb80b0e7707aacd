//! Self-start and associated start-up from the manifest: receivers of the system broadcasts
//! that wake an app (boot, connectivity, package changes, unlock, power) and services other
//! apps can start (exported, unguarded, with intent filters), each attributed to the app or
//! to the SDK whose class it is.
//!
//! Owns which broadcast actions start an app and whether Android still delivers each to a
//! manifest receiver at the app's target SDK (the implicit-broadcast limits of API 24 and 26).
//! It must not judge (the rules in `rules/startup.toml` do) and sees only the manifest: a
//! receiver registered in code is not here.

use crate::facts::{AppFacts, AutoStart};

/// A broadcast that starts an app, and the target SDK from which manifest receivers no longer
/// get it (None: always delivered; the exemptions of Android's implicit-broadcast limits).
struct Trigger {
    action: &'static str,
    trigger: &'static str,
    until_target: Option<u32>,
}

const TRIGGERS: [Trigger; 17] = [
    t("android.intent.action.BOOT_COMPLETED", "boot", None),
    t("android.intent.action.LOCKED_BOOT_COMPLETED", "boot", None),
    t("android.intent.action.QUICKBOOT_POWERON", "boot", None),
    t("com.htc.intent.action.QUICKBOOT_POWERON", "boot", None),
    t("android.intent.action.REBOOT", "boot", None),
    // CONNECTIVITY_ACTION stopped reaching manifest receivers of apps targeting 24 (N).
    t(
        "android.net.conn.CONNECTIVITY_CHANGE",
        "connectivity",
        Some(24),
    ),
    t("android.net.wifi.STATE_CHANGE", "connectivity", Some(26)),
    t(
        "android.net.wifi.WIFI_STATE_CHANGED",
        "connectivity",
        Some(26),
    ),
    t("android.intent.action.PACKAGE_ADDED", "package", Some(26)),
    t("android.intent.action.PACKAGE_REMOVED", "package", Some(26)),
    t(
        "android.intent.action.PACKAGE_REPLACED",
        "package",
        Some(26),
    ),
    t("android.intent.action.PACKAGE_CHANGED", "package", Some(26)),
    t(
        "android.intent.action.PACKAGE_FULLY_REMOVED",
        "package",
        None,
    ),
    t(
        "android.intent.action.USER_PRESENT",
        "user_present",
        Some(26),
    ),
    t(
        "android.intent.action.ACTION_POWER_CONNECTED",
        "power",
        Some(26),
    ),
    t(
        "android.intent.action.ACTION_POWER_DISCONNECTED",
        "power",
        Some(26),
    ),
    t(
        "android.intent.action.MY_PACKAGE_REPLACED",
        "app_update",
        None,
    ),
];

const fn t(action: &'static str, trigger: &'static str, until_target: Option<u32>) -> Trigger {
    Trigger {
        action,
        trigger,
        until_target,
    }
}

/// The components of `facts` that start the app without the user; `owner` names the SDK a
/// class belongs to (catalogue id), None for the app's own classes. Disabled components
/// (`android:enabled="false"`) are left out: they start nothing until code enables them.
pub fn auto_start(facts: &AppFacts, owner: &dyn Fn(&str) -> Option<String>) -> Vec<AutoStart> {
    let target = facts.target_sdk_effective;
    let mut out = Vec::new();
    for c in &facts.components {
        if c.enabled == Some(false) {
            continue;
        }
        match c.kind.as_str() {
            "receiver" => {
                let mut by_trigger: Vec<(&str, Vec<String>, bool)> = Vec::new();
                for trig in TRIGGERS
                    .iter()
                    .filter(|t| c.actions.iter().any(|a| a == t.action))
                {
                    let delivered = trig.until_target.is_none_or(|until| target < until);
                    match by_trigger
                        .iter_mut()
                        .find(|(name, _, _)| *name == trig.trigger)
                    {
                        Some(entry) => {
                            entry.1.push(trig.action.to_owned());
                            entry.2 |= delivered;
                        }
                        None => {
                            by_trigger.push((trig.trigger, vec![trig.action.to_owned()], delivered))
                        }
                    }
                }
                for (trigger, actions, delivered) in by_trigger {
                    out.push(AutoStart {
                        kind: c.kind.clone(),
                        component: c.name.clone(),
                        trigger: trigger.to_owned(),
                        actions,
                        delivered,
                        sdk: owner(&c.name),
                    });
                }
            }
            "service"
                if c.exported_effective && c.permission.is_none() && !c.actions.is_empty() =>
            {
                out.push(AutoStart {
                    kind: c.kind.clone(),
                    component: c.name.clone(),
                    trigger: "other_apps".to_owned(),
                    actions: c.actions.clone(),
                    delivered: true,
                    sdk: owner(&c.name),
                });
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::auto_start;
    use crate::facts::{AppFacts, Component};

    fn component(kind: &str, name: &str, actions: &[&str]) -> Component {
        Component {
            kind: kind.to_owned(),
            name: name.to_owned(),
            intent_filters: 1,
            exported_effective: true,
            actions: actions.iter().map(|a| (*a).to_owned()).collect(),
            ..Component::default()
        }
    }

    #[test]
    fn triggers_follow_the_target_sdk_and_skip_disabled_components() {
        let mut disabled = component(
            "receiver",
            "androidx.work.impl.background.systemalarm.RescheduleReceiver",
            &["android.intent.action.BOOT_COMPLETED"],
        );
        disabled.enabled = Some(false);
        let mut guarded = component("service", "a.b.Guarded", &["a.b.X"]);
        guarded.permission = Some("a.b.P".to_owned());
        let mut facts = AppFacts {
            target_sdk_effective: 28,
            components: vec![
                component(
                    "receiver",
                    "com.igexin.sdk.PushReceiver",
                    &[
                        "android.intent.action.BOOT_COMPLETED",
                        "android.intent.action.USER_PRESENT",
                        "android.net.conn.CONNECTIVITY_CHANGE",
                    ],
                ),
                disabled,
                guarded,
                component(
                    "service",
                    "com.igexin.sdk.PushService",
                    &["com.igexin.sdk.action.service"],
                ),
                component("activity", "a.b.Main", &["android.intent.action.MAIN"]),
            ],
            ..AppFacts::default()
        };
        let owner = |class: &str| {
            class
                .starts_with("com.igexin.")
                .then(|| "getui-push".to_owned())
        };
        let found = auto_start(&facts, &owner);
        let summary: Vec<(&str, &str, bool)> = found
            .iter()
            .map(|a| (a.component.as_str(), a.trigger.as_str(), a.delivered))
            .collect();
        assert_eq!(
            summary,
            vec![
                ("com.igexin.sdk.PushReceiver", "boot", true),
                ("com.igexin.sdk.PushReceiver", "connectivity", false),
                ("com.igexin.sdk.PushReceiver", "user_present", false),
                ("com.igexin.sdk.PushService", "other_apps", true),
            ]
        );
        assert!(found.iter().all(|a| a.sdk.as_deref() == Some("getui-push")));
        facts.target_sdk_effective = 22;
        assert!(auto_start(&facts, &owner).iter().all(|a| a.delivered));
    }
}
