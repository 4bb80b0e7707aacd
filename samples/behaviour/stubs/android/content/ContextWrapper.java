package android.content;
public class ContextWrapper extends Context {
    protected void attachBaseContext(Context base) {}
    public Object getSystemService(String name) { return null; }
    public SharedPreferences getSharedPreferences(String name, int mode) { return null; }
    public Context getApplicationContext() { return this; }
    public ComponentName startService(Intent service) { return null; }
    public String getPackageName() { return null; }
    public void startActivity(Intent intent) {}
    public int checkSelfPermission(String permission) { return 0; }
}
