package android.app;
import android.os.Bundle;
public class Activity extends android.content.ContextWrapper {
    protected void onCreate(Bundle savedInstanceState) {}
    protected void onResume() {}
    public final void requestPermissions(String[] permissions, int requestCode) {}
    public boolean shouldShowRequestPermissionRationale(String permission) { return false; }
    public void onRequestPermissionsResult(int requestCode, String[] permissions, int[] grantResults) {}
    public void setContentView(int layoutResID) {}
}
