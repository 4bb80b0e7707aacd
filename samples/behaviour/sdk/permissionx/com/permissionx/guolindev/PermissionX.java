package com.permissionx.guolindev;
import android.app.Activity;
import com.permissionx.guolindev.request.PermissionBuilder;
/** Stand-in with the real library's entry point (PermissionX.init(activity).permissions(...).request(cb)). */
public final class PermissionX {
    private PermissionX() {}
    public static PermissionMediator init(Activity activity) { return new PermissionMediator(activity); }
    public static final class PermissionMediator {
        private final Activity activity;
        PermissionMediator(Activity activity) { this.activity = activity; }
        public PermissionBuilder permissions(String... permissions) { return new PermissionBuilder(activity, permissions); }
    }
}
