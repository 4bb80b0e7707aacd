package com.example.gatejoin;

import android.app.Application;
import android.content.SharedPreferences;
import com.umeng.commonsdk.UMConfigure;

public class App extends Application {
    @Override
    public void onCreate() {
        super.onCreate();
        SharedPreferences prefs = getSharedPreferences("app", 0);
        UMConfigure.preInit(this, "5f0000000000000000000000", "official");
        if (prefs.getBoolean("privacy_agreed", false)) {
            UMConfigure.init(this, "5f0000000000000000000000", "official", 1, "");
        }
        // After the branches join: runs whether or not the user agreed.
        DeviceInfo.collect(this);
        // A flag whose key does not say which value means "agreed".
        if (prefs.getBoolean("privacy_dialog_shown", false)) {
            SimInfo.collect(this);
        }
    }
}
