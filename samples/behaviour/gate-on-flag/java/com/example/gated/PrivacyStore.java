package com.example.gated;

import android.content.Context;

public final class PrivacyStore {
    private PrivacyStore() {
    }

    public static boolean hasAgreed(Context context) {
        return context.getSharedPreferences("app", 0).getBoolean("privacy_agreed", false);
    }
}
