package com.example.gatedom;

import android.content.Context;
import android.telephony.TelephonyManager;

final class DeviceInfo {
    static String value;

    static void collect(Context context) {
        TelephonyManager tm = (TelephonyManager) context.getSystemService(Context.TELEPHONY_SERVICE);
        value = tm.getDeviceId();
    }
}
