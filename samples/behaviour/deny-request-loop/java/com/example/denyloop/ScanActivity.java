package com.example.denyloop;

import android.app.Activity;

/** The camera asked for every time the screen comes back, whatever the user answered before. */
public class ScanActivity extends Activity {
    @Override
    protected void onResume() {
        super.onResume();
        if (checkSelfPermission("android.permission.CAMERA") != 0) {
            requestPermissions(new String[] {"android.permission.CAMERA"}, 4);
        }
    }
}
