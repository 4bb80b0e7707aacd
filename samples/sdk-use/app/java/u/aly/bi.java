package u.aly;

import android.content.Context;
import android.telephony.TelephonyManager;

/** Obfuscated internals, outside the vendor's package, reached only from its public class. */
public final class bi {
    public static String a(Context context) {
        return ((TelephonyManager) context.getSystemService("phone")).getDeviceId();
    }
}
