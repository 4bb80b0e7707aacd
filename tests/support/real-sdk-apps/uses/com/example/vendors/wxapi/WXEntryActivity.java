package com.example.vendors.wxapi;

import android.app.Activity;
import android.os.Bundle;
import com.tencent.mm.sdk.modelbase.BaseReq;
import com.tencent.mm.sdk.modelbase.BaseResp;
import com.tencent.mm.sdk.openapi.IWXAPIEventHandler;

/** WeChat's callback activity, as the OpenSDK asks an app to declare it. */
public class WXEntryActivity extends Activity implements IWXAPIEventHandler {
    @Override
    protected void onCreate(Bundle state) {
        super.onCreate(state);
    }

    public void onReq(BaseReq req) {}

    public void onResp(BaseResp resp) {}
}
