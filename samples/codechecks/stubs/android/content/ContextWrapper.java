package android.content;
public class ContextWrapper extends Context {
    public Object getSystemService(String name) { return null; }
    public Context getApplicationContext() { return this; }
    public ComponentName startService(Intent service) { return null; }
    public boolean bindService(Intent service, ServiceConnection conn, int flags) { return false; }
    public void sendBroadcast(Intent intent) {}
    public String getPackageName() { return null; }
    public void startActivity(Intent intent) {}
}
