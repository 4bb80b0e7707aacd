.class public Lcom/megvii/meglive_still/manager/MegLiveManager;
.super Ljava/lang/Object;
.source "MegLiveManager.java"

# Stub of the Megvii Face++ MegLiveStill liveness SDK: loads libmegface.so and opens the front
# camera to capture the user's face.

.field private static sInstance:Lcom/megvii/meglive_still/manager/MegLiveManager;

.method static constructor <clinit>()V
    .registers 1

    const-string v0, "megface"

    invoke-static {v0}, Ljava/lang/System;->loadLibrary(Ljava/lang/String;)V

    return-void
.end method

.method private constructor <init>()V
    .registers 1

    invoke-direct {p0}, Ljava/lang/Object;-><init>()V

    return-void
.end method

.method public static declared-synchronized getInstance()Lcom/megvii/meglive_still/manager/MegLiveManager;
    .registers 2

    const-class v1, Lcom/megvii/meglive_still/manager/MegLiveManager;

    monitor-enter v1

    :try_start
    sget-object v0, Lcom/megvii/meglive_still/manager/MegLiveManager;->sInstance:Lcom/megvii/meglive_still/manager/MegLiveManager;

    if-nez v0, :cond_have

    new-instance v0, Lcom/megvii/meglive_still/manager/MegLiveManager;

    invoke-direct {v0}, Lcom/megvii/meglive_still/manager/MegLiveManager;-><init>()V

    sput-object v0, Lcom/megvii/meglive_still/manager/MegLiveManager;->sInstance:Lcom/megvii/meglive_still/manager/MegLiveManager;

    :cond_have
    monitor-exit v1
    :try_end
    .catchall {:try_start .. :try_end} :catch_all

    return-object v0

    :catch_all
    move-exception v0

    monitor-exit v1

    throw v0
.end method

.method public preDetect(Landroid/content/Context;Ljava/lang/String;Ljava/lang/String;)V
    .registers 6

    invoke-direct {p0, p2}, Lcom/megvii/meglive_still/manager/MegLiveManager;->nativeInit(Ljava/lang/String;)J

    const/4 v0, 0x1    # Camera.CameraInfo.CAMERA_FACING_FRONT

    invoke-static {v0}, Landroid/hardware/Camera;->open(I)Landroid/hardware/Camera;

    return-void
.end method

.method private native nativeInit(Ljava/lang/String;)J
.end method
