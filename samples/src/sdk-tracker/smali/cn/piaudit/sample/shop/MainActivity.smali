.class public Lcn/piaudit/sample/shop/MainActivity;
.super Landroid/app/Activity;
.source "MainActivity.java"

# Launcher: reads the IMEI through the app's own DeviceUtil to tag the shopping session.

.method public constructor <init>()V
    .registers 1

    invoke-direct {p0}, Landroid/app/Activity;-><init>()V

    return-void
.end method

.method protected onCreate(Landroid/os/Bundle;)V
    .registers 4

    invoke-super {p0, p1}, Landroid/app/Activity;->onCreate(Landroid/os/Bundle;)V

    invoke-static {p0}, Lcn/piaudit/sample/shop/DeviceUtil;->getImei(Landroid/content/Context;)Ljava/lang/String;

    move-result-object v0

    if-eqz v0, :cond_no_imei

    const-string v1, "Shop"

    invoke-static {v1, v0}, Landroid/util/Log;->i(Ljava/lang/String;Ljava/lang/String;)I

    :cond_no_imei
    return-void
.end method
