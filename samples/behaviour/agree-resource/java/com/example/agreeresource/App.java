package com.example.agreeresource;

import android.app.Application;

public class App extends Application {
    @Override
    public void onCreate() {
        super.onCreate();
        DeviceInfo.collect(this);
    }
}
