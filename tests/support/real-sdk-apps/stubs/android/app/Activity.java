package android.app;

/** Compile-time stand-in for the framework class (never packaged). */
public class Activity extends android.content.Context {
    protected void onCreate(android.os.Bundle state) {}

    public Object getSystemService(String name) {
        return null;
    }
}
