package android.widget;
public class Toast {
    public static Toast makeText(android.content.Context context, CharSequence text, int duration) { return new Toast(); }
    public void show() {}
}
