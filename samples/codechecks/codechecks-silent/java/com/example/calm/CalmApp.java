package com.example.calm;

import android.app.Application;
import android.content.ComponentName;
import android.content.Intent;
import android.content.ServiceConnection;
import android.os.IBinder;

/** Start-up: binds Google Play's billing service (a system package) and broadcasts to itself. */
public class CalmApp extends Application implements ServiceConnection {
    @Override
    public void onCreate() {
        super.onCreate();
        Intent billing = new Intent("com.android.vending.billing.InAppBillingService.BIND");
        billing.setPackage("com.android.vending");
        bindService(billing, this, 1);
        Intent self = new Intent("com.example.calm.REFRESH");
        self.setPackage(getPackageName());
        sendBroadcast(self);
        new com.bytedance.sdk.openadsdk.light.AmbientLight(this).start();
    }

    public void onServiceConnected(ComponentName name, IBinder service) {}

    public void onServiceDisconnected(ComponentName name) {}
}
