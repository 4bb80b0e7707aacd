package com.example.denyfinish;

import android.app.Activity;
import android.os.Bundle;
import android.widget.Toast;

/** Denial of the contacts permission closes the launcher activity, i.e. the app. */
public class MainActivity extends Activity {
    private static final int REQUEST_CONTACTS = 1;

    @Override
    protected void onCreate(Bundle savedInstanceState) {
        super.onCreate(savedInstanceState);
        requestPermissions(new String[] {"android.permission.READ_CONTACTS"}, REQUEST_CONTACTS);
    }

    @Override
    public void onRequestPermissionsResult(int requestCode, String[] permissions, int[] grantResults) {
        if (requestCode != REQUEST_CONTACTS) {
            return;
        }
        if (grantResults.length > 0 && grantResults[0] == 0) {
            loadFriends();
        } else {
            Toast.makeText(this, "需要通讯录权限才能使用本应用", 0).show();
            finish();
        }
    }

    void loadFriends() {
    }
}
