package com.example.gatedom;

import android.content.SharedPreferences;

final class Consent {
    private Consent() {
    }

    static boolean agreed(SharedPreferences prefs) {
        return prefs.getBoolean("user_consent_given", false);
    }
}
