/* login.c — login by signature: one-time challenges and their verification.
 *
 * The server issues a challenge "qonaq-login-v1:<64 hex>" (32 bytes from the
 * OpenSSL CSPRNG), the person signs its exact text with the authentication
 * key (a detached CMS), and qn_sign_verify_login checks it with the login
 * policy of sign.h. Storing the challenge, accepting it once and opening the
 * session are the caller's job. The prefix keeps a login signature from ever
 * being a valid document signature: documents are JSON objects.
 */
#include "sign/sign.h"

#include <stdio.h>
#include <string.h>

#include <openssl/rand.h>

qn_code qn_sign_challenge_new(char out[QN_SIGN_CHALLENGE_LEN + 1], qn_err *err)
{
    unsigned char rnd[32];
    if (out == NULL)
        return qn_err_set(err, QN_E_INVALID, "no buffer for the challenge");
    if (RAND_priv_bytes(rnd, sizeof rnd) != 1) {
        out[0] = '\0';
        return qn_err_set(err, QN_E_INTERNAL, "the random generator failed");
    }
    size_t n = strlen(QN_SIGN_CHALLENGE_PREFIX);
    memcpy(out, QN_SIGN_CHALLENGE_PREFIX, n);
    for (size_t i = 0; i < sizeof rnd; i++)
        snprintf(out + n + 2 * i, 3, "%02x", rnd[i]);
    return QN_OK;
}

static int is_challenge(const char *c)
{
    size_t n = strlen(QN_SIGN_CHALLENGE_PREFIX);
    if (strlen(c) != QN_SIGN_CHALLENGE_LEN || strncmp(c, QN_SIGN_CHALLENGE_PREFIX, n) != 0)
        return 0;
    for (const char *p = c + n; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return 0;
    return 1;
}

qn_code qn_sign_verify_login(const qn_sign_trust *trust, const char *challenge, const unsigned char *sig,
                             size_t sig_len, int64_t now, qn_sign_result *out, qn_err *err)
{
    if (challenge == NULL || !is_challenge(challenge))
        return qn_err_set(err, QN_E_INVALID, "not a qonaq login challenge");
    qn_sign_opts opts = {
        .purpose = QN_SIGN_PURPOSE_LOGIN,
        .now = now,
        .max_age = QN_SIGN_LOGIN_MAX_AGE,
        .require_valid_now = 1,
    };
    return qn_sign_verify(trust, (const unsigned char *)challenge, strlen(challenge), sig, sig_len, &opts,
                          out, err);
}
