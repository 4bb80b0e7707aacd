.class public Lcn/piaudit/sample/musiclive/LiveRoomActivity;
.super Landroid/app/Activity;
.source "LiveRoomActivity.java"

# Internal (not exported) live-lesson room: opens the camera for the teacher's video.

.field private camera:Landroid/hardware/Camera;

.method public constructor <init>()V
    .registers 1

    invoke-direct {p0}, Landroid/app/Activity;-><init>()V

    return-void
.end method

.method protected onCreate(Landroid/os/Bundle;)V
    .registers 3

    invoke-super {p0, p1}, Landroid/app/Activity;->onCreate(Landroid/os/Bundle;)V

    invoke-static {}, Landroid/hardware/Camera;->open()Landroid/hardware/Camera;

    move-result-object v0

    iput-object v0, p0, Lcn/piaudit/sample/musiclive/LiveRoomActivity;->camera:Landroid/hardware/Camera;

    return-void
.end method

.method protected onDestroy()V
    .registers 2

    iget-object v0, p0, Lcn/piaudit/sample/musiclive/LiveRoomActivity;->camera:Landroid/hardware/Camera;

    if-eqz v0, :cond_done

    invoke-virtual {v0}, Landroid/hardware/Camera;->release()V

    const/4 v0, 0x0

    iput-object v0, p0, Lcn/piaudit/sample/musiclive/LiveRoomActivity;->camera:Landroid/hardware/Camera;

    :cond_done
    invoke-super {p0}, Landroid/app/Activity;->onDestroy()V

    return-void
.end method
