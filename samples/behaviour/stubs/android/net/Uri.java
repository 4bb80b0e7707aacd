package android.net;
public abstract class Uri {
    public static Uri fromParts(String scheme, String ssp, String fragment) { return null; }
}
