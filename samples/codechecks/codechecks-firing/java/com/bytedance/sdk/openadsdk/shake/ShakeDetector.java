package com.bytedance.sdk.openadsdk.shake;

import android.content.Context;
import android.hardware.Sensor;
import android.hardware.SensorEvent;
import android.hardware.SensorEventListener;
import android.hardware.SensorManager;

/** Stand-in for an ad SDK's "shake to learn more" component. */
public class ShakeDetector implements SensorEventListener {
    private final SensorManager sensors;

    public ShakeDetector(Context context) {
        sensors = (SensorManager) context.getSystemService(Context.SENSOR_SERVICE);
    }

    public void start() {
        Sensor accelerometer = sensors.getDefaultSensor(Sensor.TYPE_ACCELEROMETER);
        sensors.registerListener(this, accelerometer, SensorManager.SENSOR_DELAY_UI);
        Sensor gyroscope = sensors.getDefaultSensor(Sensor.TYPE_GYROSCOPE);
        sensors.registerListener(this, gyroscope, SensorManager.SENSOR_DELAY_UI);
    }

    public void onSensorChanged(SensorEvent event) {}

    public void onAccuracyChanged(Sensor sensor, int accuracy) {}
}
