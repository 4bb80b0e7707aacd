package android.content;

/** Compile-time stand-in for the framework class (never packaged). */
public abstract class Context {
    public abstract Object getSystemService(String name);
}
