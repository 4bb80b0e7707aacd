/* Source of samples/src/face-login/lib/x86_64/libmegface.so, a placeholder for the Face++ native
 * library (the sample's MegLiveManager declares `native long nativeInit(String)`).
 * Built once on Debian 12 x86_64 and committed, so build.sh does not need a C compiler:
 *   gcc -shared -fPIC -Os -s -nostdlib -Wl,--build-id=none -Wl,-soname,libmegface.so \
 *       -o samples/src/face-login/lib/x86_64/libmegface.so samples/tools/megface.c
 * It is an x86-64 ELF (no arm64 cross compiler here), hence lib/x86_64/, not lib/arm64-v8a/. */
#include <stdint.h>
typedef void *JNIEnv_p;
int64_t Java_com_megvii_meglive_1still_manager_MegLiveManager_nativeInit(JNIEnv_p env, void *thiz, void *biz_token)
{
    (void)env; (void)thiz; (void)biz_token;
    return 1;
}
