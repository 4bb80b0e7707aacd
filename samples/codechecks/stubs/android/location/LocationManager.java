package android.location;
public class LocationManager {
    public static final String GPS_PROVIDER = "gps";
    public Location getLastKnownLocation(String provider) { return null; }
}
