.class public Lcn/piaudit/sample/flashlight/MainActivity;
.super Landroid/app/Activity;
.source "MainActivity.java"

# Turns the camera flash on (torch mode) and shows a "隐私政策" link label whose target is the
# remote URL in R.string.privacy_policy.

.field private camera:Landroid/hardware/Camera;

.method public constructor <init>()V
    .registers 1

    invoke-direct {p0}, Landroid/app/Activity;-><init>()V

    return-void
.end method

.method protected onCreate(Landroid/os/Bundle;)V
    .registers 5

    invoke-super {p0, p1}, Landroid/app/Activity;->onCreate(Landroid/os/Bundle;)V

    new-instance v0, Landroid/widget/TextView;

    invoke-direct {v0, p0}, Landroid/widget/TextView;-><init>(Landroid/content/Context;)V

    const v1, 0x7f020002    # R.string.privacy_title

    invoke-virtual {v0, v1}, Landroid/widget/TextView;->setText(I)V

    invoke-virtual {p0, v0}, Lcn/piaudit/sample/flashlight/MainActivity;->setContentView(Landroid/view/View;)V

    invoke-static {}, Landroid/hardware/Camera;->open()Landroid/hardware/Camera;

    move-result-object v0

    iput-object v0, p0, Lcn/piaudit/sample/flashlight/MainActivity;->camera:Landroid/hardware/Camera;

    invoke-virtual {v0}, Landroid/hardware/Camera;->getParameters()Landroid/hardware/Camera$Parameters;

    move-result-object v1

    const-string v2, "torch"

    invoke-virtual {v1, v2}, Landroid/hardware/Camera$Parameters;->setFlashMode(Ljava/lang/String;)V

    invoke-virtual {v0, v1}, Landroid/hardware/Camera;->setParameters(Landroid/hardware/Camera$Parameters;)V

    invoke-virtual {v0}, Landroid/hardware/Camera;->startPreview()V

    return-void
.end method

.method protected onDestroy()V
    .registers 2

    iget-object v0, p0, Lcn/piaudit/sample/flashlight/MainActivity;->camera:Landroid/hardware/Camera;

    if-eqz v0, :cond_done

    invoke-virtual {v0}, Landroid/hardware/Camera;->release()V

    :cond_done
    invoke-super {p0}, Landroid/app/Activity;->onDestroy()V

    return-void
.end method
