.class public Lcom/umeng/analytics/MobclickAgent;
.super Ljava/lang/Object;
.source "MobclickAgent.java"

# Stub of the Umeng analytics page-tracking API (third-party code, disclosed in the policy).

.method public constructor <init>()V
    .registers 1

    invoke-direct {p0}, Ljava/lang/Object;-><init>()V

    return-void
.end method

.method public static onResume(Landroid/content/Context;)V
    .registers 1

    return-void
.end method

.method public static onPause(Landroid/content/Context;)V
    .registers 1

    return-void
.end method
