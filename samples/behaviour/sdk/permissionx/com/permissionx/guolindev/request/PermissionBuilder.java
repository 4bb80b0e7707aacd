package com.permissionx.guolindev.request;
import android.app.Activity;
import com.permissionx.guolindev.callback.RequestCallback;
/** Stand-in: asks through the platform and reports back. */
public final class PermissionBuilder {
    private final Activity activity;
    private final String[] permissions;
    public PermissionBuilder(Activity activity, String[] permissions) { this.activity = activity; this.permissions = permissions; }
    public void request(RequestCallback callback) { activity.requestPermissions(permissions, 0x7f01); }
}
