package com.example.sdkuse;

import android.app.Activity;
import android.os.Bundle;
import android.telephony.TelephonyManager;
import cn.jiguang.api.JCoreInterface;
import com.umeng.analytics.MobclickAgent;

/** Starts the host SDK and Umeng, reads the device id itself; never calls the plugin SDK. */
public class MainActivity extends Activity {
    @Override
    protected void onCreate(Bundle state) {
        super.onCreate(state);
        JCoreInterface.init(this);
        MobclickAgent.onResume(this);
        ((TelephonyManager) getSystemService("phone")).getDeviceId();
    }
}
