package com.permissionx.guolindev.callback;
import java.util.List;
/** Stand-in with the real library's callback signature (PermissionX, guolindev). */
public interface RequestCallback {
    void onResult(boolean allGranted, List<String> grantedList, List<String> deniedList);
}
