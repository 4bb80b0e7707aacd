package androidx.startup;

import android.content.Context;
import java.util.List;

public final class AppInitializer {
    private final Context context;

    AppInitializer(Context context) {
        this.context = context;
    }

    void discoverAndInitialize(List<String> names) throws Exception {
        for (String name : names) {
            doInitialize(Class.forName(name));
        }
    }

    Object doInitialize(Class<?> component) throws Exception {
        Initializer<?> initializer = (Initializer<?>) component.newInstance();
        for (Class<? extends Initializer<?>> dependency : initializer.dependencies()) {
            doInitialize(dependency);
        }
        return initializer.create(context);
    }
}
