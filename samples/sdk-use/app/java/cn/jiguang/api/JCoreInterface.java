package cn.jiguang.api;

import android.content.Context;
import java.util.ArrayList;
import java.util.List;

/** Stand-in of a host SDK: runs whatever plugins registered (none, unless one is started). */
public final class JCoreInterface {
    private static final List<SdkAction> ACTIONS = new ArrayList<SdkAction>();

    public static void register(SdkAction action) {
        ACTIONS.add(action);
    }

    public static void init(Context context) {
        for (SdkAction action : ACTIONS) {
            action.run(context);
        }
    }
}
