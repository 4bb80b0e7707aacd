package android.content;
public class Intent {
    public Intent() {}
    public Intent(String action) {}
    public Intent(Context context, Class<?> cls) {}
    public Intent setPackage(String packageName) { return this; }
    public Intent setClassName(String packageName, String className) { return this; }
    public Intent setClassName(Context packageContext, String className) { return this; }
    public Intent setComponent(ComponentName component) { return this; }
}
