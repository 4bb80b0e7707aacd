package com.example.async;

import android.content.Context;
import android.os.Handler;
import android.os.Looper;
import android.telephony.TelephonyManager;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

final class Collector {
    private static final Executor EXECUTOR = Executors.newSingleThreadExecutor();

    static void schedule(final Context context) {
        new Handler(Looper.getMainLooper()).post(new Runnable() {
            @Override
            public void run() {
                EXECUTOR.execute(new Runnable() {
                    @Override
                    public void run() {
                        TelephonyManager tm = (TelephonyManager) context.getSystemService(Context.TELEPHONY_SERVICE);
                        tm.getDeviceId();
                    }
                });
            }
        });
    }
}
