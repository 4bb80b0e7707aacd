package com.example.bundled;

import android.app.Activity;
import android.os.Bundle;
import android.telephony.TelephonyManager;

/** Bundles the same vendors' jars and manifest entries, and calls none of them. */
public class MainActivity extends Activity {
    @Override
    protected void onCreate(Bundle state) {
        super.onCreate(state);
        TelephonyManager phone = (TelephonyManager) getSystemService("phone");
        phone.getDeviceId();
    }
}
