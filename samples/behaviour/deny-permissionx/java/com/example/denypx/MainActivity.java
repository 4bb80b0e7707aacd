package com.example.denypx;

import android.app.Activity;
import android.os.Bundle;
import com.permissionx.guolindev.PermissionX;
import com.permissionx.guolindev.callback.RequestCallback;
import java.util.List;

/** Contacts and location asked through PermissionX; the process exits unless all are granted. */
public class MainActivity extends Activity {
    @Override
    protected void onCreate(Bundle savedInstanceState) {
        super.onCreate(savedInstanceState);
        PermissionX.init(this)
                .permissions("android.permission.READ_CONTACTS", "android.permission.ACCESS_FINE_LOCATION")
                .request(new RequestCallback() {
                    @Override
                    public void onResult(boolean allGranted, List<String> grantedList, List<String> deniedList) {
                        if (allGranted) {
                            openHome();
                        } else {
                            System.exit(0);
                        }
                    }
                });
    }

    void openHome() {
    }
}
