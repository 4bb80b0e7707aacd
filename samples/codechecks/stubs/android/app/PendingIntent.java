package android.app;
import android.content.Context;
import android.content.Intent;
public final class PendingIntent {
    public static PendingIntent getBroadcast(Context context, int requestCode, Intent intent, int flags) { return null; }
}
