package com.example.agent;

import android.app.Service;
import android.content.Context;
import android.content.Intent;
import android.os.IBinder;
import android.telephony.TelephonyManager;

/** Started by another app: reads the device ID when it runs. */
public class AgentService extends Service {
    static String imei;

    @Override
    public IBinder onBind(Intent intent) {
        TelephonyManager tm = (TelephonyManager) getSystemService(Context.TELEPHONY_SERVICE);
        imei = tm.getDeviceId();
        return null;
    }
}
