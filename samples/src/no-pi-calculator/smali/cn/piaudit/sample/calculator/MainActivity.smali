.class public Lcn/piaudit/sample/calculator/MainActivity;
.super Landroid/app/Activity;
.source "MainActivity.java"

# Pure arithmetic; touches no personal information.

.method public constructor <init>()V
    .registers 1

    invoke-direct {p0}, Landroid/app/Activity;-><init>()V

    return-void
.end method

.method public static add(II)I
    .registers 3

    add-int v0, p0, p1

    return v0
.end method

.method protected onCreate(Landroid/os/Bundle;)V
    .registers 5

    invoke-super {p0, p1}, Landroid/app/Activity;->onCreate(Landroid/os/Bundle;)V

    new-instance v0, Landroid/widget/TextView;

    invoke-direct {v0, p0}, Landroid/widget/TextView;-><init>(Landroid/content/Context;)V

    const/4 v1, 0x2

    const/4 v2, 0x3

    invoke-static {v1, v2}, Lcn/piaudit/sample/calculator/MainActivity;->add(II)I

    move-result v1

    invoke-static {v1}, Ljava/lang/String;->valueOf(I)Ljava/lang/String;

    move-result-object v1

    invoke-virtual {v0, v1}, Landroid/widget/TextView;->setText(Ljava/lang/CharSequence;)V

    invoke-virtual {p0, v0}, Lcn/piaudit/sample/calculator/MainActivity;->setContentView(Landroid/view/View;)V

    return-void
.end method
