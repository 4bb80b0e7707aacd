package com.example.denyloop;

import android.app.Activity;
import android.os.Bundle;

/** Location asked again as soon as any result is a denial. */
public class MainActivity extends Activity {
    private static final String[] PERMS = {"android.permission.ACCESS_FINE_LOCATION"};

    @Override
    protected void onCreate(Bundle savedInstanceState) {
        super.onCreate(savedInstanceState);
        requestPermissions(new String[] {"android.permission.ACCESS_FINE_LOCATION"}, 3);
    }

    @Override
    public void onRequestPermissionsResult(int requestCode, String[] permissions, int[] grantResults) {
        for (int result : grantResults) {
            if (result != 0) {
                requestPermissions(new String[] {"android.permission.ACCESS_FINE_LOCATION"}, 3);
                return;
            }
        }
        startLocating();
    }

    void startLocating() {
    }
}
