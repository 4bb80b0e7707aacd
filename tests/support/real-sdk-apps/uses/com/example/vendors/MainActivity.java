package com.example.vendors;

import android.app.Activity;
import android.os.Bundle;
import android.telephony.TelephonyManager;
import cn.jpush.android.api.JPushInterface;
import com.tencent.mm.sdk.openapi.IWXAPI;
import com.tencent.mm.sdk.openapi.WXAPIFactory;

/** Starts JPush and registers with WeChat; reads the device id itself. JVerification is bundled
 *  (its activities are in the manifest) but never called. */
public class MainActivity extends Activity {
    static final String WX_APP_ID = "wx0123456789abcdef";

    @Override
    protected void onCreate(Bundle state) {
        super.onCreate(state);
        JPushInterface.setDebugMode(true);
        JPushInterface.init(this);
        IWXAPI api = WXAPIFactory.createWXAPI(this, WX_APP_ID, true);
        api.registerApp(WX_APP_ID);
        TelephonyManager phone = (TelephonyManager) getSystemService("phone");
        String id = phone.getDeviceId();
        if (id == null) {
            finish();
        }
    }

    void finish() {}
}
