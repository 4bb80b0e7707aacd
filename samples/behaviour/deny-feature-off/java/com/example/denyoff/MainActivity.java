package com.example.denyoff;

import android.app.Activity;
import android.app.AlertDialog;
import android.content.DialogInterface;
import android.content.Intent;
import android.net.Uri;
import android.os.Bundle;
import android.widget.Toast;

/**
 * Location denied: nearby search is turned off, the user picks a city by hand, and a dialog
 * offers the settings screen with a "not now" button. The app goes on.
 */
public class MainActivity extends Activity {
    private boolean nearbyEnabled;

    @Override
    protected void onCreate(Bundle savedInstanceState) {
        super.onCreate(savedInstanceState);
        requestPermissions(new String[] {"android.permission.ACCESS_FINE_LOCATION"}, 5);
    }

    @Override
    protected void onResume() {
        super.onResume();
        refreshList();
    }

    @Override
    public void onRequestPermissionsResult(int requestCode, String[] permissions, int[] grantResults) {
        if (grantResults.length > 0 && grantResults[0] == 0) {
            nearbyEnabled = true;
            refreshList();
        } else {
            nearbyEnabled = false;
            Toast.makeText(this, "未开启定位，可手动选择城市", 0).show();
            offerSettings();
            showCityPicker();
        }
    }

    void offerSettings() {
        new AlertDialog.Builder(this)
                .setMessage("开启定位后可查看附近门店")
                .setPositiveButton("去设置", new DialogInterface.OnClickListener() {
                    @Override
                    public void onClick(DialogInterface dialog, int which) {
                        startActivity(new Intent("android.settings.APPLICATION_DETAILS_SETTINGS",
                                Uri.fromParts("package", getPackageName(), null)));
                    }
                })
                .setNegativeButton("暂不", null)
                .show();
    }

    void showCityPicker() {
    }

    void refreshList() {
    }
}
