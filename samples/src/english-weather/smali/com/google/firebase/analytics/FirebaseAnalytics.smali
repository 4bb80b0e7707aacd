.class public final Lcom/google/firebase/analytics/FirebaseAnalytics;
.super Ljava/lang/Object;
.source "FirebaseAnalytics.java"

# Stub of the Firebase Analytics entry point (third-party code, disclosed in the policy).

.field private static sInstance:Lcom/google/firebase/analytics/FirebaseAnalytics;

.method private constructor <init>()V
    .registers 1

    invoke-direct {p0}, Ljava/lang/Object;-><init>()V

    return-void
.end method

.method public static getInstance(Landroid/content/Context;)Lcom/google/firebase/analytics/FirebaseAnalytics;
    .registers 2

    sget-object v0, Lcom/google/firebase/analytics/FirebaseAnalytics;->sInstance:Lcom/google/firebase/analytics/FirebaseAnalytics;

    if-nez v0, :cond_have

    new-instance v0, Lcom/google/firebase/analytics/FirebaseAnalytics;

    invoke-direct {v0}, Lcom/google/firebase/analytics/FirebaseAnalytics;-><init>()V

    sput-object v0, Lcom/google/firebase/analytics/FirebaseAnalytics;->sInstance:Lcom/google/firebase/analytics/FirebaseAnalytics;

    :cond_have
    return-object v0
.end method

.method public logEvent(Ljava/lang/String;Landroid/os/Bundle;)V
    .registers 3

    return-void
.end method
