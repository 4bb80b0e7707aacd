.class public Lcn/piaudit/sample/edu/EduApp;
.super Landroid/app/Application;
.source "EduApp.java"

# Application class. Umeng's preInit (no collection) runs always; UMConfigure.init (which reads
# device identifiers) runs only once the user has agreed to the privacy policy.

.field public static final UMENG_APPKEY:Ljava/lang/String; = "65a1b2c3d4e5f60718293a4b"

.field public static final UMENG_CHANNEL:Ljava/lang/String; = "official"

.method public constructor <init>()V
    .registers 1

    invoke-direct {p0}, Landroid/app/Application;-><init>()V

    return-void
.end method

.method public static isPrivacyAgreed(Landroid/content/Context;)Z
    .registers 4

    const-string v0, "privacy"

    const/4 v1, 0x0

    invoke-virtual {p0, v0, v1}, Landroid/content/Context;->getSharedPreferences(Ljava/lang/String;I)Landroid/content/SharedPreferences;

    move-result-object v0

    const-string v2, "agreed"

    invoke-interface {v0, v2, v1}, Landroid/content/SharedPreferences;->getBoolean(Ljava/lang/String;Z)Z

    move-result v0

    return v0
.end method

.method public onCreate()V
    .registers 6

    invoke-super {p0}, Landroid/app/Application;->onCreate()V

    const-string v0, "65a1b2c3d4e5f60718293a4b"

    const-string v1, "official"

    invoke-static {p0, v0, v1}, Lcom/umeng/commonsdk/UMConfigure;->preInit(Landroid/content/Context;Ljava/lang/String;Ljava/lang/String;)V

    invoke-static {p0}, Lcn/piaudit/sample/edu/EduApp;->isPrivacyAgreed(Landroid/content/Context;)Z

    move-result v2

    if-eqz v2, :cond_not_agreed

    const/4 v2, 0x1

    const/4 v3, 0x0

    invoke-static {p0, v0, v1, v2, v3}, Lcom/umeng/commonsdk/UMConfigure;->init(Landroid/content/Context;Ljava/lang/String;Ljava/lang/String;ILjava/lang/String;)V

    :cond_not_agreed
    return-void
.end method
