.class final Lcn/piaudit/sample/facelogin/MainActivity$AuthCallback;
.super Landroid/hardware/biometrics/BiometricPrompt$AuthenticationCallback;
.source "MainActivity.java"

# BiometricPrompt result callback (login continues on success).

.method constructor <init>()V
    .registers 1

    invoke-direct {p0}, Landroid/hardware/biometrics/BiometricPrompt$AuthenticationCallback;-><init>()V

    return-void
.end method

.method public onAuthenticationSucceeded(Landroid/hardware/biometrics/BiometricPrompt$AuthenticationResult;)V
    .registers 2

    return-void
.end method
