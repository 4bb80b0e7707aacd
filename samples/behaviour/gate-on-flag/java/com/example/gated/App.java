package com.example.gated;

import android.app.Application;
import com.umeng.commonsdk.UMConfigure;

public class App extends Application {
    @Override
    public void onCreate() {
        super.onCreate();
        UMConfigure.preInit(this, "5f0000000000000000000000", "official");
        if (PrivacyStore.hasAgreed(this)) {
            UMConfigure.init(this, "5f0000000000000000000000", "official", 1, "");
        }
    }
}
