package cn.jiguang.api;

import android.content.Context;

/** The host SDK's plugin interface: plugins register an action, the host runs them all. */
public abstract class SdkAction {
    public abstract void run(Context context);
}
