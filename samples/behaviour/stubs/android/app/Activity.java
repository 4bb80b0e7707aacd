package android.app;
import android.os.Bundle;
public class Activity extends android.content.ContextWrapper {
    protected void onCreate(Bundle savedInstanceState) {}
    protected void onStart() {}
    protected void onResume() {}
    public final void requestPermissions(String[] permissions, int requestCode) {}
    public void onRequestPermissionsResult(int requestCode, String[] permissions, int[] grantResults) {}
    public void finish() {}
    public void finishAffinity() {}
    public boolean moveTaskToBack(boolean nonRoot) { return false; }
}
