.class public Lcn/piaudit/sample/fairshop/LoginActivity;
.super Landroid/app/Activity;
.source "LoginActivity.java"

.method public constructor <init>()V
    .registers 1
    invoke-direct {p0}, Landroid/app/Activity;-><init>()V
    return-void
.end method
