//! Motion sensors looked up by the code, per party (issue 18, "shake to jump" ads): calls of
//! `SensorManager.getDefaultSensor` / `getSensorList` with a constant accelerometer, gyroscope
//! or linear-acceleration type, grouped by the owner of the calling class (the app or an SDK),
//! and whether that party's code also registers a sensor listener.
//!
//! Owns reading these call sites from the call graph's kept constants; it must not judge (rules
//! do: an ad SDK with the capability) nor decode bytes.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use piaudit_graph::{ArgConst, Graph, MethodId};

use crate::facts::{AppFacts, MotionSensorUse};

const SENSOR_MANAGER: &str = "Landroid/hardware/SensorManager;";

/// Methods kept per party.
const MAX_METHODS: usize = 5;

/// The motion sensor types shake detection uses (`android.hardware.Sensor.TYPE_*`).
fn motion_sensor(kind: i32) -> Option<&'static str> {
    match kind {
        1 => Some("accelerometer"),
        4 => Some("gyroscope"),
        10 => Some("linear_acceleration"),
        _ => None,
    }
}

/// (attributed_to, SDK id).
type Party = (String, Option<String>);

/// Per party: the sensors looked up, and up to [`MAX_METHODS`] methods doing it.
type Found<'g> = (BTreeSet<&'g str>, Vec<String>);

fn dotted(descriptor: &str) -> String {
    piaudit_dex::descriptor_to_java(descriptor)
}

/// Fills `facts.motion_sensors`; `party` gives (attributed_to, SDK id) for a dotted class.
pub fn analyse(g: &Graph, facts: &mut AppFacts, party: &dyn Fn(&str) -> (String, Option<String>)) {
    let lookups: HashSet<MethodId> = ["getDefaultSensor", "getSensorList"]
        .iter()
        .flat_map(|n| g.find_methods_named(SENSOR_MANAGER, n))
        .collect();
    let register: HashSet<MethodId> = g
        .find_methods_named(SENSOR_MANAGER, "registerListener")
        .into_iter()
        .collect();
    let mut found: BTreeMap<Party, Found<'_>> = BTreeMap::new();
    for m in g.callers_of(&lookups) {
        let sensors: Vec<&str> = g
            .const_calls(m)
            .iter()
            .filter(|(_, t, _)| lookups.contains(t))
            .filter_map(|(_, _, args)| match args.get(1) {
                Some(ArgConst::Int(kind)) => motion_sensor(*kind),
                _ => None,
            })
            .collect();
        if sensors.is_empty() {
            continue;
        }
        let entry = found.entry(party(&dotted(g.class_of(m)))).or_default();
        entry.0.extend(sensors);
        if entry.1.len() < MAX_METHODS {
            entry.1.push(g.display(m));
        }
    }
    if found.is_empty() {
        facts.motion_sensors = Vec::new();
        return;
    }
    let registering: BTreeSet<Party> = g
        .callers_of(&register)
        .into_iter()
        .map(|m| party(&dotted(g.class_of(m))))
        .collect();
    facts.motion_sensors = found
        .into_iter()
        .map(|((attributed_to, sdk), (sensors, methods))| {
            let registers_listener = registering.contains(&(attributed_to.clone(), sdk.clone()));
            let sdk_category = sdk.as_ref().and_then(|id| {
                facts
                    .sdks
                    .iter()
                    .find(|s| &s.id == id)
                    .map(|s| s.category.clone())
            });
            MotionSensorUse {
                attributed_to,
                sdk,
                sdk_category,
                sensors: sensors.into_iter().map(str::to_owned).collect(),
                registers_listener,
                methods,
            }
        })
        .collect();
}
