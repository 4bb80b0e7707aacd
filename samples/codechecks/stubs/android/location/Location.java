package android.location;
public class Location {}
