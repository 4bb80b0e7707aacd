package cn.jiguang.verifysdk.api;

import android.content.Context;
import android.telephony.TelephonyManager;
import cn.jiguang.api.JCoreInterface;
import cn.jiguang.api.SdkAction;

/** Stand-in of a plugin SDK: only its own init creates and registers its action. */
public final class JVerificationInterface {
    public static void init(Context context) {
        JCoreInterface.register(new VerifyAction());
        JCoreInterface.init(context);
    }

    static final class VerifyAction extends SdkAction {
        @Override
        public void run(Context context) {
            ((TelephonyManager) context.getSystemService("phone")).getDeviceId();
        }
    }
}
