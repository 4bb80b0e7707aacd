package com.example.calm;

import android.app.Activity;
import android.app.AlarmManager;
import android.app.PendingIntent;
import android.content.Context;
import android.content.Intent;
import android.hardware.Camera;
import android.hardware.Sensor;
import android.hardware.SensorEvent;
import android.hardware.SensorEventListener;
import android.hardware.SensorManager;
import android.location.LocationManager;
import android.os.Bundle;

/** Explains before asking; uses what it asks for; a step counter of its own reads the accelerometer. */
public class MainActivity extends Activity implements SensorEventListener {
    @Override
    protected void onCreate(Bundle savedInstanceState) {
        super.onCreate(savedInstanceState);
        if (shouldShowRequestPermissionRationale("android.permission.ACCESS_FINE_LOCATION")) {
            showWhy();
        } else {
            requestPermissions(new String[] {"android.permission.ACCESS_FINE_LOCATION"}, 1);
        }
    }

    void showWhy() {}

    @Override
    public void onRequestPermissionsResult(int requestCode, String[] permissions, int[] grantResults) {
        LocationManager lm = (LocationManager) getSystemService(Context.LOCATION_SERVICE);
        lm.getLastKnownLocation(LocationManager.GPS_PROVIDER);
        Camera.open();
        SensorManager sensors = (SensorManager) getSystemService(Context.SENSOR_SERVICE);
        sensors.registerListener(this, sensors.getDefaultSensor(Sensor.TYPE_ACCELEROMETER), SensorManager.SENSOR_DELAY_UI);
        AlarmManager alarms = (AlarmManager) getSystemService(Context.ALARM_SERVICE);
        alarms.set(AlarmManager.RTC_WAKEUP, 0L, PendingIntent.getBroadcast(this, 0, new Intent("com.example.calm.REMIND"), 0));
    }

    public void onSensorChanged(SensorEvent event) {}

    public void onAccuracyChanged(Sensor sensor, int accuracy) {}
}
