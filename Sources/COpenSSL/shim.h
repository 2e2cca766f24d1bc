// SPDX-License-Identifier: GPL-2.0-or-later
#ifndef PACER_COPENSSL_SHIM_H
#define PACER_COPENSSL_SHIM_H
#include <stddef.h>
#include <string.h>
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

/// HMAC-SHA256 of `data` under `key` into `out` (32 bytes). Returns 1 on success.
static inline int pacer_hmac_sha256(const unsigned char *key, size_t key_len, const unsigned char *data, size_t data_len,
                                    unsigned char *out) {
    unsigned int out_len = 0;
    return HMAC(EVP_sha256(), key, (int)key_len, data, data_len, out, &out_len) != NULL && out_len == 32;
}

/// An HMAC-SHA256 key made ready once (RFC 2104: SHA-256 states after absorbing the key
/// padded and XORed with ipad and with opad), so each message costs two hashes and no
/// allocation or algorithm lookup.
typedef struct {
    SHA256_CTX inner;
    SHA256_CTX outer;
} pacer_hmac_key;

static inline void pacer_hmac_key_init(pacer_hmac_key *state, const unsigned char *key, size_t key_len) {
    unsigned char block[SHA256_CBLOCK], ipad[SHA256_CBLOCK], opad[SHA256_CBLOCK];
    size_t i;
    memset(block, 0, sizeof block);
    if (key_len > sizeof block) SHA256(key, key_len, block); else if (key_len > 0) memcpy(block, key, key_len);
    for (i = 0; i < sizeof block; i++) {
        ipad[i] = block[i] ^ 0x36;
        opad[i] = block[i] ^ 0x5c;
    }
    SHA256_Init(&state->inner);
    SHA256_Update(&state->inner, ipad, sizeof ipad);
    SHA256_Init(&state->outer);
    SHA256_Update(&state->outer, opad, sizeof opad);
    OPENSSL_cleanse(block, sizeof block);
    OPENSSL_cleanse(ipad, sizeof ipad);
    OPENSSL_cleanse(opad, sizeof opad);
}

/// HMAC-SHA256 of `data` under a prepared key into `out` (32 bytes).
static inline void pacer_hmac_sha256_keyed(const pacer_hmac_key *state, const unsigned char *data, size_t data_len,
                                           unsigned char *out) {
    unsigned char inner_hash[SHA256_DIGEST_LENGTH];
    SHA256_CTX ctx = state->inner;
    SHA256_Update(&ctx, data, data_len);
    SHA256_Final(inner_hash, &ctx);
    ctx = state->outer;
    SHA256_Update(&ctx, inner_hash, sizeof inner_hash);
    SHA256_Final(out, &ctx);
    OPENSSL_cleanse(&ctx, sizeof ctx);
}

/// Constant-time comparison: 0 when equal.
static inline int pacer_memcmp_const(const void *a, const void *b, size_t len) { return CRYPTO_memcmp(a, b, len); }

/// Cryptographically strong random bytes. Returns 1 on success.
static inline int pacer_random_bytes(unsigned char *out, int len) { return RAND_bytes(out, len); }
/// AES-256-GCM encryption of `len` bytes of `in` into `out` (same length) with a 32-byte key,
/// a 12-byte nonce and additional authenticated data; the 16-byte tag goes to `tag`.
/// Returns 1 on success.
static inline int pacer_aes256gcm_seal(const unsigned char *key, const unsigned char *nonce, const unsigned char *aad,
                                       size_t aad_len, const unsigned char *in, size_t len, unsigned char *out,
                                       unsigned char *tag) {
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int ok = 0, n = 0;
    if (ctx == NULL) return 0;
    if (EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, nonce) != 1) goto done;
    if (aad_len > 0 && EVP_EncryptUpdate(ctx, NULL, &n, aad, (int)aad_len) != 1) goto done;
    if (len > 0 && EVP_EncryptUpdate(ctx, out, &n, in, (int)len) != 1) goto done;
    if (EVP_EncryptFinal_ex(ctx, out + n, &n) != 1) goto done;
    if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, tag) != 1) goto done;
    ok = 1;
done:
    EVP_CIPHER_CTX_free(ctx);
    return ok;
}

/// Decrypts and authenticates what `pacer_aes256gcm_seal` made. Returns 1 when the tag
/// verifies (then `out` holds the plaintext), 0 otherwise (then `out` must not be used).
static inline int pacer_aes256gcm_open(const unsigned char *key, const unsigned char *nonce, const unsigned char *aad,
                                       size_t aad_len, const unsigned char *in, size_t len, const unsigned char *tag,
                                       unsigned char *out) {
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int ok = 0, n = 0;
    unsigned char tag_copy[16];
    if (ctx == NULL) return 0;
    memcpy(tag_copy, tag, 16);
    if (EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, nonce) != 1) goto done;
    if (aad_len > 0 && EVP_DecryptUpdate(ctx, NULL, &n, aad, (int)aad_len) != 1) goto done;
    if (len > 0 && EVP_DecryptUpdate(ctx, out, &n, in, (int)len) != 1) goto done;
    if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, tag_copy) != 1) goto done;
    if (EVP_DecryptFinal_ex(ctx, out + n, &n) != 1) goto done;
    ok = 1;
done:
    EVP_CIPHER_CTX_free(ctx);
    return ok;
}
#endif
