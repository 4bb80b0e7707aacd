package com.example.shaky;

import android.app.AlarmManager;
import android.app.Application;
import android.app.PendingIntent;
import android.content.Context;
import android.content.Intent;

/** Start-up: wakes a partner app's service by its package name and sets a repeating alarm. */
public class ShakyApp extends Application {
    @Override
    public void onCreate() {
        super.onCreate();
        wakePartner(this);
        AlarmManager alarms = (AlarmManager) getSystemService(Context.ALARM_SERVICE);
        PendingIntent tick = PendingIntent.getBroadcast(this, 0, new Intent("com.example.shaky.TICK"), 0);
        alarms.setRepeating(AlarmManager.RTC_WAKEUP, 0L, 15 * 60 * 1000L, tick);
        new com.bytedance.sdk.openadsdk.shake.ShakeDetector(this).start();
    }

    static void wakePartner(Context context) {
        Intent intent = new Intent();
        intent.setClassName("com.partner.news", "com.partner.news.push.KeepAliveService");
        context.startService(intent);
    }
}
