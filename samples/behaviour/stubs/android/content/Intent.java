package android.content;
public class Intent {
    public Intent(Context context, Class<?> cls) {}
    public Intent(String action, android.net.Uri uri) {}
}
