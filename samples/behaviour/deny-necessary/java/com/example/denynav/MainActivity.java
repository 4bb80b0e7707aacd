package com.example.denynav;

import android.app.Activity;
import android.os.Bundle;
import android.widget.Toast;

/**
 * A map app whose first screen is the map: it closes when location, which a map and
 * navigation app cannot work without, is denied.
 */
public class MainActivity extends Activity {
    @Override
    protected void onCreate(Bundle savedInstanceState) {
        super.onCreate(savedInstanceState);
        requestPermissions(new String[] {"android.permission.ACCESS_FINE_LOCATION"}, 8);
    }

    @Override
    public void onRequestPermissionsResult(int requestCode, String[] permissions, int[] grantResults) {
        if (grantResults.length == 0 || grantResults[0] != 0) {
            Toast.makeText(this, "地图与导航需要定位权限", 0).show();
            finish();
            return;
        }
        startGuidance();
    }

    void startGuidance() {
    }
}
