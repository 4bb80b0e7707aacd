package android.hardware;
public abstract class SensorManager {
    public static final int SENSOR_DELAY_UI = 2;
    public Sensor getDefaultSensor(int type) { return null; }
    public boolean registerListener(SensorEventListener listener, Sensor sensor, int samplingPeriodUs) { return false; }
}
