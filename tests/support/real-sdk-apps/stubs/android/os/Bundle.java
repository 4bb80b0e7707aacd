package android.os;

/** Compile-time stand-in for the framework class (never packaged). */
public final class Bundle {}
