package com.umeng.commonsdk;

import android.content.Context;
import android.telephony.TelephonyManager;

/** Stand-in for the Umeng common SDK's entry class (same names and signatures). */
public class UMConfigure {
    private static String deviceId;

    public static void preInit(Context context, String appkey, String channel) {
    }

    public static void init(Context context, String appkey, String channel, int deviceType, String pushSecret) {
        TelephonyManager tm = (TelephonyManager) context.getSystemService(Context.TELEPHONY_SERVICE);
        deviceId = tm.getDeviceId();
    }

    public static void submitPolicyGrantResult(Context context, boolean granted) {
    }
}
