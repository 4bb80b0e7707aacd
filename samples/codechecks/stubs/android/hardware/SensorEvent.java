package android.hardware;
public class SensorEvent { public float[] values; }
