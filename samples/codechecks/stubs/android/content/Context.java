package android.content;
public abstract class Context {
    public static final String SENSOR_SERVICE = "sensor";
    public static final String ALARM_SERVICE = "alarm";
    public static final String LOCATION_SERVICE = "location";
    public static final String JOB_SCHEDULER_SERVICE = "jobscheduler";
    public abstract Object getSystemService(String name);
    public abstract Context getApplicationContext();
    public abstract ComponentName startService(Intent service);
    public abstract boolean bindService(Intent service, ServiceConnection conn, int flags);
    public abstract void sendBroadcast(Intent intent);
    public abstract String getPackageName();
    public abstract void startActivity(Intent intent);
}
