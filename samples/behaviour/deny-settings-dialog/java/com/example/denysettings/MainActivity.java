package com.example.denysettings;

import android.app.AlertDialog;
import android.content.DialogInterface;
import android.content.Intent;
import android.net.Uri;
import android.os.Bundle;
import androidx.activity.ComponentActivity;
import androidx.activity.result.ActivityResultCallback;
import androidx.activity.result.ActivityResultLauncher;
import androidx.activity.result.contract.ActivityResultContracts;

/**
 * Phone-state permission asked through the Activity Result API; on denial a dialog that cannot
 * be cancelled and whose only button opens the app's settings screen.
 */
public class MainActivity extends ComponentActivity {
    private ActivityResultLauncher<String> launcher;

    @Override
    protected void onCreate(Bundle savedInstanceState) {
        super.onCreate(savedInstanceState);
        launcher = registerForActivityResult(new ActivityResultContracts.RequestPermission(),
                new ActivityResultCallback<Boolean>() {
                    @Override
                    public void onActivityResult(Boolean granted) {
                        if (granted) {
                            startLesson();
                        } else {
                            showSettingsOnlyDialog();
                        }
                    }
                });
        launcher.launch("android.permission.READ_PHONE_STATE");
    }

    void showSettingsOnlyDialog() {
        new AlertDialog.Builder(this)
                .setTitle("需要电话权限")
                .setMessage("请在设置中开启电话权限后继续使用")
                .setCancelable(false)
                .setPositiveButton("去设置", new DialogInterface.OnClickListener() {
                    @Override
                    public void onClick(DialogInterface dialog, int which) {
                        startActivity(new Intent("android.settings.APPLICATION_DETAILS_SETTINGS",
                                Uri.fromParts("package", getPackageName(), null)));
                    }
                })
                .show();
    }

    void startLesson() {
    }
}
