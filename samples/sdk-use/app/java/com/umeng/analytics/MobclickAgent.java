package com.umeng.analytics;

import android.content.Context;

/** Stand-in of Umeng 5.x's public class; its work is done by obfuscated internals in u.aly. */
public final class MobclickAgent {
    public static void onResume(Context context) {
        u.aly.bi.a(context);
    }
}
