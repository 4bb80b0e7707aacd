package com.baidu.location;

import android.content.Context;
import android.telephony.TelephonyManager;

/** Stand-in for the Baidu location SDK's client (same names and signatures). */
public class LocationClient {
    private final Context context;

    public LocationClient(Context context) {
        this.context = context;
    }

    public static void setAgreePrivacy(boolean agree) {
    }

    public void start() {
        TelephonyManager tm = (TelephonyManager) context.getSystemService(Context.TELEPHONY_SERVICE);
        tm.getSubscriberId();
    }
}
