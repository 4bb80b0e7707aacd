package com.example.permhelper;

import android.app.Activity;

final class PermissionHelper {
    private PermissionHelper() {
    }

    static void askCamera(Activity activity) {
        activity.requestPermissions(new String[] {"android.permission.CAMERA"}, 7);
    }
}
