package com.example.denynav;

import android.app.Activity;
import android.content.Intent;
import android.os.Bundle;

/** Home screen of a map app; navigation opens on demand. */
public class MainActivity extends Activity {
    @Override
    protected void onCreate(Bundle savedInstanceState) {
        super.onCreate(savedInstanceState);
    }

    void onNavigateClicked() {
        startActivity(new Intent(this, NavigationActivity.class));
    }
}
