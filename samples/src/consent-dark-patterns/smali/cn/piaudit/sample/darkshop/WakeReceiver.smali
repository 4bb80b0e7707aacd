.class public Lcn/piaudit/sample/darkshop/WakeReceiver;
.super Landroid/content/BroadcastReceiver;
.source "WakeReceiver.java"

.method public constructor <init>()V
    .registers 1
    invoke-direct {p0}, Landroid/content/BroadcastReceiver;-><init>()V
    return-void
.end method

.method public onReceive(Landroid/content/Context;Landroid/content/Intent;)V
    .registers 3
    return-void
.end method
