package android.app;
public abstract class Service extends android.content.ContextWrapper {
    public void onCreate() {}
    public int onStartCommand(android.content.Intent intent, int flags, int startId) { return 0; }
    public abstract android.os.IBinder onBind(android.content.Intent intent);
}
