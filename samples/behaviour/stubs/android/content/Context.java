package android.content;
public abstract class Context {
    public static final String TELEPHONY_SERVICE = "phone";
    public abstract Object getSystemService(String name);
    public abstract SharedPreferences getSharedPreferences(String name, int mode);
    public abstract Context getApplicationContext();
    public abstract ComponentName startService(Intent service);
    public abstract String getPackageName();
    public abstract void startActivity(Intent intent);
    public abstract int checkSelfPermission(String permission);
}
