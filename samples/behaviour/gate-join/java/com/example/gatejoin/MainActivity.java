package com.example.gatejoin;

import android.app.Activity;
import android.app.AlertDialog;
import android.content.DialogInterface;
import android.os.Bundle;

public class MainActivity extends Activity {
    @Override
    protected void onCreate(Bundle savedInstanceState) {
        super.onCreate(savedInstanceState);
        if (!getSharedPreferences("app", 0).getBoolean("privacy_agreed", false)) {
            showPrivacyDialog();
        }
    }

    private void showPrivacyDialog() {
        new AlertDialog.Builder(this)
                .setTitle("隐私政策")
                .setMessage("请阅读并同意《隐私政策》后使用本应用")
                .setPositiveButton("同意", new DialogInterface.OnClickListener() {
                    @Override
                    public void onClick(DialogInterface dialog, int which) {
                        getSharedPreferences("app", 0).edit().putBoolean("privacy_agreed", true).apply();
                        onAgree();
                    }
                })
                .setNegativeButton("不同意", new DialogInterface.OnClickListener() {
                    @Override
                    public void onClick(DialogInterface dialog, int which) {
                        finish();
                    }
                })
                .show();
    }

    void onAgree() {
        com.umeng.commonsdk.UMConfigure.submitPolicyGrantResult(this, true);
    }
}
