#ifndef PACER_COPENSSL_SHIM_H
#define PACER_COPENSSL_SHIM_H
#include <stddef.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

/// HMAC-SHA256 of `data` under `key` into `out` (32 bytes). Returns 1 on success.
static inline int pacer_hmac_sha256(const unsigned char *key, size_t key_len, const unsigned char *data, size_t data_len,
                                    unsigned char *out) {
    unsigned int out_len = 0;
    return HMAC(EVP_sha256(), key, (int)key_len, data, data_len, out, &out_len) != NULL && out_len == 32;
}

/// Constant-time comparison: 0 when equal.
static inline int pacer_memcmp_const(const void *a, const void *b, size_t len) { return CRYPTO_memcmp(a, b, len); }

/// Cryptographically strong random bytes. Returns 1 on success.
static inline int pacer_random_bytes(unsigned char *out, int len) { return RAND_bytes(out, len); }
#endif
