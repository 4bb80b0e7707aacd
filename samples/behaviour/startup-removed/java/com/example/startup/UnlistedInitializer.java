package com.example.startup;

import android.content.Context;
import androidx.startup.Initializer;
import java.util.ArrayList;
import java.util.List;

public class UnlistedInitializer implements Initializer<Object> {
    @Override
    public Object create(Context context) {
        SimInfo.collect(context);
        return this;
    }

    @Override
    public List<Class<? extends Initializer<?>>> dependencies() {
        return new ArrayList<Class<? extends Initializer<?>>>();
    }
}
