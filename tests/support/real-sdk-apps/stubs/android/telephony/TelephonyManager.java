package android.telephony;

/** Compile-time stand-in for the framework class (never packaged). */
public class TelephonyManager {
    public String getDeviceId() {
        return null;
    }
}
