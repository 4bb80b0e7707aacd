.class public Lcn/piaudit/sample/edu/MainActivity;
.super Landroid/app/Activity;
.source "MainActivity.java"

# Launcher. Shows the privacy consent dialog (R.string.privacy_dialog_message, agree, disagree)
# until the user agrees; "agree" stores the consent, initialises Umeng and opens ScanActivity,
# "disagree" exits. No permission is requested here.

.implements Landroid/content/DialogInterface$OnClickListener;

.method public constructor <init>()V
    .registers 1

    invoke-direct {p0}, Landroid/app/Activity;-><init>()V

    return-void
.end method

.method protected onCreate(Landroid/os/Bundle;)V
    .registers 4

    invoke-super {p0, p1}, Landroid/app/Activity;->onCreate(Landroid/os/Bundle;)V

    invoke-static {p0}, Lcn/piaudit/sample/edu/EduApp;->isPrivacyAgreed(Landroid/content/Context;)Z

    move-result v0

    if-eqz v0, :cond_show_dialog

    invoke-direct {p0}, Lcn/piaudit/sample/edu/MainActivity;->openScan()V

    return-void

    :cond_show_dialog
    new-instance v0, Landroid/app/AlertDialog$Builder;

    invoke-direct {v0, p0}, Landroid/app/AlertDialog$Builder;-><init>(Landroid/content/Context;)V

    const v1, 0x7f020001    # R.string.privacy_dialog_title

    invoke-virtual {v0, v1}, Landroid/app/AlertDialog$Builder;->setTitle(I)Landroid/app/AlertDialog$Builder;

    const v1, 0x7f020002    # R.string.privacy_dialog_message

    invoke-virtual {v0, v1}, Landroid/app/AlertDialog$Builder;->setMessage(I)Landroid/app/AlertDialog$Builder;

    const v1, 0x7f020003    # R.string.agree

    invoke-virtual {v0, v1, p0}, Landroid/app/AlertDialog$Builder;->setPositiveButton(ILandroid/content/DialogInterface$OnClickListener;)Landroid/app/AlertDialog$Builder;

    const v1, 0x7f020004    # R.string.disagree

    invoke-virtual {v0, v1, p0}, Landroid/app/AlertDialog$Builder;->setNegativeButton(ILandroid/content/DialogInterface$OnClickListener;)Landroid/app/AlertDialog$Builder;

    const/4 v1, 0x0

    invoke-virtual {v0, v1}, Landroid/app/AlertDialog$Builder;->setCancelable(Z)Landroid/app/AlertDialog$Builder;

    invoke-virtual {v0}, Landroid/app/AlertDialog$Builder;->show()Landroid/app/AlertDialog;

    return-void
.end method

.method public onClick(Landroid/content/DialogInterface;I)V
    .registers 9

    const/4 v0, -0x1    # DialogInterface.BUTTON_POSITIVE

    if-ne p2, v0, :cond_disagree

    const-string v0, "privacy"

    const/4 v1, 0x0

    invoke-virtual {p0, v0, v1}, Lcn/piaudit/sample/edu/MainActivity;->getSharedPreferences(Ljava/lang/String;I)Landroid/content/SharedPreferences;

    move-result-object v0

    invoke-interface {v0}, Landroid/content/SharedPreferences;->edit()Landroid/content/SharedPreferences$Editor;

    move-result-object v0

    const-string v1, "agreed"

    const/4 v2, 0x1

    invoke-interface {v0, v1, v2}, Landroid/content/SharedPreferences$Editor;->putBoolean(Ljava/lang/String;Z)Landroid/content/SharedPreferences$Editor;

    move-result-object v0

    invoke-interface {v0}, Landroid/content/SharedPreferences$Editor;->apply()V

    invoke-virtual {p0}, Lcn/piaudit/sample/edu/MainActivity;->getApplicationContext()Landroid/content/Context;

    move-result-object v0

    const-string v1, "65a1b2c3d4e5f60718293a4b"

    const-string v3, "official"

    const/4 v4, 0x0

    invoke-static {v0, v1, v3, v2, v4}, Lcom/umeng/commonsdk/UMConfigure;->init(Landroid/content/Context;Ljava/lang/String;Ljava/lang/String;ILjava/lang/String;)V

    invoke-direct {p0}, Lcn/piaudit/sample/edu/MainActivity;->openScan()V

    return-void

    :cond_disagree
    invoke-virtual {p0}, Lcn/piaudit/sample/edu/MainActivity;->finish()V

    return-void
.end method

.method private openScan()V
    .registers 3

    new-instance v0, Landroid/content/Intent;

    const-class v1, Lcn/piaudit/sample/edu/ScanActivity;

    invoke-direct {v0, p0, v1}, Landroid/content/Intent;-><init>(Landroid/content/Context;Ljava/lang/Class;)V

    invoke-virtual {p0, v0}, Lcn/piaudit/sample/edu/MainActivity;->startActivity(Landroid/content/Intent;)V

    return-void
.end method

.method protected onResume()V
    .registers 1

    invoke-super {p0}, Landroid/app/Activity;->onResume()V

    invoke-static {p0}, Lcom/umeng/analytics/MobclickAgent;->onResume(Landroid/content/Context;)V

    return-void
.end method

.method protected onPause()V
    .registers 1

    invoke-super {p0}, Landroid/app/Activity;->onPause()V

    invoke-static {p0}, Lcom/umeng/analytics/MobclickAgent;->onPause(Landroid/content/Context;)V

    return-void
.end method
