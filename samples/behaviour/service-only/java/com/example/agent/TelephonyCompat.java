package com.example.agent;

import android.content.Context;
import android.telephony.TelephonyManager;

/** A library helper bundled with the app that nothing calls (like androidx's compat classes). */
public final class TelephonyCompat {
    private TelephonyCompat() {}

    public static String serialOf(Context context) {
        TelephonyManager tm = (TelephonyManager) context.getSystemService(Context.TELEPHONY_SERVICE);
        return tm.getSimSerialNumber();
    }
}
