package com.example.gatejoin;

import android.content.Context;
import android.telephony.TelephonyManager;

final class SimInfo {
    static String value;

    static void collect(Context context) {
        TelephonyManager tm = (TelephonyManager) context.getSystemService(Context.TELEPHONY_SERVICE);
        value = tm.getSubscriberId();
    }
}
