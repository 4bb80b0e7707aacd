package com.bytedance.sdk.openadsdk.light;

import android.content.Context;
import android.hardware.Sensor;
import android.hardware.SensorEvent;
import android.hardware.SensorEventListener;
import android.hardware.SensorManager;

/** Stand-in for an ad SDK reading the light sensor only (not a motion sensor). */
public class AmbientLight implements SensorEventListener {
    private final SensorManager sensors;

    public AmbientLight(Context context) {
        sensors = (SensorManager) context.getSystemService(Context.SENSOR_SERVICE);
    }

    public void start() {
        sensors.registerListener(this, sensors.getDefaultSensor(Sensor.TYPE_LIGHT), SensorManager.SENSOR_DELAY_UI);
    }

    public void onSensorChanged(SensorEvent event) {}

    public void onAccuracyChanged(Sensor sensor, int accuracy) {}
}
