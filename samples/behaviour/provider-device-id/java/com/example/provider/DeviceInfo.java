package com.example.provider;

import android.content.Context;
import android.telephony.TelephonyManager;

final class DeviceInfo {
    static String imei;

    static void collect(Context context) {
        TelephonyManager tm = (TelephonyManager) context.getSystemService(Context.TELEPHONY_SERVICE);
        imei = tm.getDeviceId();
    }
}
