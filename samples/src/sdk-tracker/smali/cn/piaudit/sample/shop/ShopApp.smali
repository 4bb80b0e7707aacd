.class public Lcn/piaudit/sample/shop/ShopApp;
.super Landroid/app/Application;
.source "ShopApp.java"

# Application class: initialises Umeng, JPush and Bugly unconditionally at process start,
# i.e. before the user has seen or accepted any privacy policy.

.method public constructor <init>()V
    .registers 1

    invoke-direct {p0}, Landroid/app/Application;-><init>()V

    return-void
.end method

.method public onCreate()V
    .registers 6

    invoke-super {p0}, Landroid/app/Application;->onCreate()V

    const-string v0, "5f3c2a1b9e8d7c6b5a4f3e2d"

    const-string v1, "huawei"

    const/4 v2, 0x1

    const/4 v3, 0x0

    invoke-static {p0, v0, v1, v2, v3}, Lcom/umeng/commonsdk/UMConfigure;->init(Landroid/content/Context;Ljava/lang/String;Ljava/lang/String;ILjava/lang/String;)V

    invoke-static {p0}, Lcn/jpush/android/api/JPushInterface;->init(Landroid/content/Context;)V

    const-string v0, "b7e1c2d3a4"

    const/4 v1, 0x0

    invoke-static {p0, v0, v1}, Lcom/tencent/bugly/crashreport/CrashReport;->initCrashReport(Landroid/content/Context;Ljava/lang/String;Z)V

    return-void
.end method
