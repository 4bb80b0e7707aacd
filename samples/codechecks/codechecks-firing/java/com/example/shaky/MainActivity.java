package com.example.shaky;

import android.app.Activity;
import android.content.Context;
import android.location.Location;
import android.location.LocationManager;
import android.os.Bundle;

/** Asks for location straight away, never checking whether a rationale should be shown. */
public class MainActivity extends Activity {
    @Override
    protected void onCreate(Bundle savedInstanceState) {
        super.onCreate(savedInstanceState);
        requestPermissions(new String[] {"android.permission.ACCESS_FINE_LOCATION", "android.permission.CAMERA"}, 1);
    }

    @Override
    public void onRequestPermissionsResult(int requestCode, String[] permissions, int[] grantResults) {
        LocationManager lm = (LocationManager) getSystemService(Context.LOCATION_SERVICE);
        Location where = lm.getLastKnownLocation(LocationManager.GPS_PROVIDER);
    }
}
