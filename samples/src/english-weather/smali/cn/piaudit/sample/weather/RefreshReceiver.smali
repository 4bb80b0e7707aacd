.class public Lcn/piaudit/sample/weather/RefreshReceiver;
.super Landroid/content/BroadcastReceiver;
.source "RefreshReceiver.java"

# Exported receiver guarded by the signature-level REFRESH permission; starts SyncService.

.method public constructor <init>()V
    .registers 1

    invoke-direct {p0}, Landroid/content/BroadcastReceiver;-><init>()V

    return-void
.end method

.method public onReceive(Landroid/content/Context;Landroid/content/Intent;)V
    .registers 5

    new-instance v0, Landroid/content/Intent;

    const-class v1, Lcn/piaudit/sample/weather/SyncService;

    invoke-direct {v0, p1, v1}, Landroid/content/Intent;-><init>(Landroid/content/Context;Ljava/lang/Class;)V

    invoke-virtual {p1, v0}, Landroid/content/Context;->startService(Landroid/content/Intent;)Landroid/content/ComponentName;

    return-void
.end method
