package com.example.gatedom;

import android.app.Application;
import android.content.SharedPreferences;
import com.umeng.commonsdk.UMConfigure;

public class App extends Application {
    @Override
    public void onCreate() {
        super.onCreate();
        SharedPreferences prefs = getSharedPreferences("app", 0);
        UMConfigure.preInit(this, "5f0000000000000000000000", "official");
        collectSim(prefs);
        // Until the user agrees, nothing below runs.
        if (!prefs.getBoolean("privacy_agreed", false)) {
            return;
        }
        DeviceInfo.collect(this);
        UMConfigure.init(this, "5f0000000000000000000000", "official", 1, "");
        boolean firstRun = prefs.getBoolean("is_first_run", true);
        if (firstRun) {
            prefs.edit().putBoolean("is_first_run", false).apply();
        } else {
            LineInfo.collect(this);
        }
    }

    // A wrapper's result, negated into a local: javac writes `!` as two constants on the two
    // sides of the branch, tested again after they join. The read runs only when the user
    // agreed, but the analysis does not follow the constants: unknown, not "before".
    private void collectSim(SharedPreferences prefs) {
        boolean notAgreed = !Consent.agreed(prefs);
        if (notAgreed) {
            return;
        }
        SimInfo.collect(this);
    }
}
