.class public Lcn/piaudit/sample/facelogin/MainActivity;
.super Landroid/app/Activity;
.source "MainActivity.java"

# Launcher with a "刷脸登录" button. On tap it requests CAMERA; once granted it runs the Face++
# liveness check (MegLiveManager), a local FaceDetector pre-check, and BiometricPrompt.

.implements Landroid/view/View$OnClickListener;
.implements Landroid/content/DialogInterface$OnClickListener;

.method public constructor <init>()V
    .registers 1

    invoke-direct {p0}, Landroid/app/Activity;-><init>()V

    return-void
.end method

.method protected onCreate(Landroid/os/Bundle;)V
    .registers 4

    invoke-super {p0, p1}, Landroid/app/Activity;->onCreate(Landroid/os/Bundle;)V

    new-instance v0, Landroid/widget/Button;

    invoke-direct {v0, p0}, Landroid/widget/Button;-><init>(Landroid/content/Context;)V

    const v1, 0x7f020001    # R.string.face_login

    invoke-virtual {v0, v1}, Landroid/widget/Button;->setText(I)V

    invoke-virtual {v0, p0}, Landroid/widget/Button;->setOnClickListener(Landroid/view/View$OnClickListener;)V

    invoke-virtual {p0, v0}, Lcn/piaudit/sample/facelogin/MainActivity;->setContentView(Landroid/view/View;)V

    return-void
.end method

.method public onClick(Landroid/view/View;)V
    .registers 6

    const/4 v0, 0x1

    new-array v1, v0, [Ljava/lang/String;

    const/4 v2, 0x0

    const-string v3, "android.permission.CAMERA"

    aput-object v3, v1, v2

    invoke-virtual {p0, v1, v0}, Landroid/app/Activity;->requestPermissions([Ljava/lang/String;I)V

    return-void
.end method

# Negative button of the biometric prompt.
.method public onClick(Landroid/content/DialogInterface;I)V
    .registers 3

    return-void
.end method

.method public onRequestPermissionsResult(I[Ljava/lang/String;[I)V
    .registers 7

    array-length v0, p3

    if-eqz v0, :cond_denied

    const/4 v0, 0x0

    aget v0, p3, v0

    if-nez v0, :cond_denied

    invoke-direct {p0}, Lcn/piaudit/sample/facelogin/MainActivity;->startLiveness()V

    invoke-direct {p0}, Lcn/piaudit/sample/facelogin/MainActivity;->verifyWithBiometric()V

    :cond_denied
    return-void
.end method

.method private startLiveness()V
    .registers 5

    invoke-static {}, Lcom/megvii/meglive_still/manager/MegLiveManager;->getInstance()Lcom/megvii/meglive_still/manager/MegLiveManager;

    move-result-object v0

    const-string v1, "biz-token-demo"

    const-string v2, "zh"

    invoke-virtual {v0, p0, v1, v2}, Lcom/megvii/meglive_still/manager/MegLiveManager;->preDetect(Landroid/content/Context;Ljava/lang/String;Ljava/lang/String;)V

    const/16 v0, 0x1e0

    const/16 v1, 0x280

    sget-object v2, Landroid/graphics/Bitmap$Config;->RGB_565:Landroid/graphics/Bitmap$Config;

    invoke-static {v0, v1, v2}, Landroid/graphics/Bitmap;->createBitmap(IILandroid/graphics/Bitmap$Config;)Landroid/graphics/Bitmap;

    move-result-object v0

    invoke-direct {p0, v0}, Lcn/piaudit/sample/facelogin/MainActivity;->countFaces(Landroid/graphics/Bitmap;)I

    return-void
.end method

.method private countFaces(Landroid/graphics/Bitmap;)I
    .registers 6

    invoke-virtual {p1}, Landroid/graphics/Bitmap;->getWidth()I

    move-result v0

    invoke-virtual {p1}, Landroid/graphics/Bitmap;->getHeight()I

    move-result v1

    const/4 v2, 0x5

    new-instance v3, Landroid/media/FaceDetector;

    invoke-direct {v3, v0, v1, v2}, Landroid/media/FaceDetector;-><init>(III)V

    new-array v0, v2, [Landroid/media/FaceDetector$Face;

    invoke-virtual {v3, p1, v0}, Landroid/media/FaceDetector;->findFaces(Landroid/graphics/Bitmap;[Landroid/media/FaceDetector$Face;)I

    move-result v0

    return v0
.end method

.method private verifyWithBiometric()V
    .registers 5

    sget v0, Landroid/os/Build$VERSION;->SDK_INT:I

    const/16 v1, 0x1c

    if-lt v0, v1, :cond_unsupported

    new-instance v0, Landroid/hardware/biometrics/BiometricPrompt$Builder;

    invoke-direct {v0, p0}, Landroid/hardware/biometrics/BiometricPrompt$Builder;-><init>(Landroid/content/Context;)V

    const-string v1, "验证身份"

    invoke-virtual {v0, v1}, Landroid/hardware/biometrics/BiometricPrompt$Builder;->setTitle(Ljava/lang/CharSequence;)Landroid/hardware/biometrics/BiometricPrompt$Builder;

    invoke-virtual {p0}, Lcn/piaudit/sample/facelogin/MainActivity;->getMainExecutor()Ljava/util/concurrent/Executor;

    move-result-object v2

    const-string v1, "取消"

    invoke-virtual {v0, v1, v2, p0}, Landroid/hardware/biometrics/BiometricPrompt$Builder;->setNegativeButton(Ljava/lang/CharSequence;Ljava/util/concurrent/Executor;Landroid/content/DialogInterface$OnClickListener;)Landroid/hardware/biometrics/BiometricPrompt$Builder;

    invoke-virtual {v0}, Landroid/hardware/biometrics/BiometricPrompt$Builder;->build()Landroid/hardware/biometrics/BiometricPrompt;

    move-result-object v0

    new-instance v1, Landroid/os/CancellationSignal;

    invoke-direct {v1}, Landroid/os/CancellationSignal;-><init>()V

    new-instance v3, Lcn/piaudit/sample/facelogin/MainActivity$AuthCallback;

    invoke-direct {v3}, Lcn/piaudit/sample/facelogin/MainActivity$AuthCallback;-><init>()V

    invoke-virtual {v0, v1, v2, v3}, Landroid/hardware/biometrics/BiometricPrompt;->authenticate(Landroid/os/CancellationSignal;Ljava/util/concurrent/Executor;Landroid/hardware/biometrics/BiometricPrompt$AuthenticationCallback;)V

    :cond_unsupported
    return-void
.end method
