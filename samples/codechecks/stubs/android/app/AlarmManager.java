package android.app;
public class AlarmManager {
    public static final int RTC_WAKEUP = 0;
    public void set(int type, long triggerAtMillis, PendingIntent operation) {}
    public void setRepeating(int type, long triggerAtMillis, long intervalMillis, PendingIntent operation) {}
}
