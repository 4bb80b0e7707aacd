.class public Lcn/piaudit/sample/musiclive/MainActivity;
.super Landroid/app/Activity;
.source "MainActivity.java"

# Launcher activity. At first launch, before any notice or consent, it asks for every dangerous
# permission at once and reads the last known location and the IMEI. If the user denies any of
# them, it closes (the case's second fact: functions refused unless unnecessary permissions are
# granted).

.field private static final REQUEST_ALL:I = 0x64

.method public constructor <init>()V
    .registers 1

    invoke-direct {p0}, Landroid/app/Activity;-><init>()V

    return-void
.end method

.method protected onCreate(Landroid/os/Bundle;)V
    .registers 5

    invoke-super {p0, p1}, Landroid/app/Activity;->onCreate(Landroid/os/Bundle;)V

    const/4 v0, 0x6

    new-array v0, v0, [Ljava/lang/String;

    const/4 v1, 0x0

    const-string v2, "android.permission.ACCESS_FINE_LOCATION"

    aput-object v2, v0, v1

    const/4 v1, 0x1

    const-string v2, "android.permission.ACCESS_COARSE_LOCATION"

    aput-object v2, v0, v1

    const/4 v1, 0x2

    const-string v2, "android.permission.READ_PHONE_STATE"

    aput-object v2, v0, v1

    const/4 v1, 0x3

    const-string v2, "android.permission.CAMERA"

    aput-object v2, v0, v1

    const/4 v1, 0x4

    const-string v2, "android.permission.RECORD_AUDIO"

    aput-object v2, v0, v1

    const/4 v1, 0x5

    const-string v2, "android.permission.READ_CONTACTS"

    aput-object v2, v0, v1

    const/16 v1, 0x64

    invoke-virtual {p0, v0, v1}, Landroid/app/Activity;->requestPermissions([Ljava/lang/String;I)V

    invoke-direct {p0}, Lcn/piaudit/sample/musiclive/MainActivity;->collectDeviceInfo()V

    return-void
.end method

.method public onRequestPermissionsResult(I[Ljava/lang/String;[I)V
    .registers 7

    const/16 v0, 0x64

    if-ne p1, v0, :cond_return

    array-length v1, p3

    const/4 v2, 0x0

    :goto_loop
    if-ge v2, v1, :cond_return

    aget v3, p3, v2

    if-eqz v3, :cond_next

    invoke-virtual {p0}, Lcn/piaudit/sample/musiclive/MainActivity;->finish()V

    return-void

    :cond_next
    add-int/lit8 v2, v2, 0x1

    goto :goto_loop

    :cond_return
    return-void
.end method

.method private collectDeviceInfo()V
    .registers 5

    const-string v0, "location"

    invoke-virtual {p0, v0}, Lcn/piaudit/sample/musiclive/MainActivity;->getSystemService(Ljava/lang/String;)Ljava/lang/Object;

    move-result-object v0

    check-cast v0, Landroid/location/LocationManager;

    const-string v1, "gps"

    invoke-virtual {v0, v1}, Landroid/location/LocationManager;->getLastKnownLocation(Ljava/lang/String;)Landroid/location/Location;

    move-result-object v0

    const-string v1, "phone"

    invoke-virtual {p0, v1}, Lcn/piaudit/sample/musiclive/MainActivity;->getSystemService(Ljava/lang/String;)Ljava/lang/Object;

    move-result-object v1

    check-cast v1, Landroid/telephony/TelephonyManager;

    invoke-virtual {v1}, Landroid/telephony/TelephonyManager;->getDeviceId()Ljava/lang/String;

    move-result-object v1

    const-string v2, "MusicLive"

    invoke-static {v0}, Ljava/lang/String;->valueOf(Ljava/lang/Object;)Ljava/lang/String;

    move-result-object v3

    invoke-static {v2, v3}, Landroid/util/Log;->d(Ljava/lang/String;Ljava/lang/String;)I

    if-eqz v1, :cond_done

    invoke-static {v2, v1}, Landroid/util/Log;->d(Ljava/lang/String;Ljava/lang/String;)I

    :cond_done
    return-void
.end method

.method public openLiveRoom()V
    .registers 3

    new-instance v0, Landroid/content/Intent;

    const-class v1, Lcn/piaudit/sample/musiclive/LiveRoomActivity;

    invoke-direct {v0, p0, v1}, Landroid/content/Intent;-><init>(Landroid/content/Context;Ljava/lang/Class;)V

    invoke-virtual {p0, v0}, Lcn/piaudit/sample/musiclive/MainActivity;->startActivity(Landroid/content/Intent;)V

    return-void
.end method
