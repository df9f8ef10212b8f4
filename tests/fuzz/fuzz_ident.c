/* fuzz_ident.c — libFuzzer target for the IIN/BIN checks (src/core/ident.h).
 *
 * The input bytes are the identifier, copied to a heap buffer of exactly
 * their length. The target compares three implementations of the check
 * digit: qn_iin_check, an independent one written here from Decree No. 565
 * (weights 1..11, then 3..11,1,2, mod 11), and the signature layer's
 * qn_sign_kz_id_valid (src/sign/verify.c) on the NUL-terminated copy; they
 * must agree. Invariants on success: 12 ASCII digits; a decoded birth date
 * is a real date 1900..2100 matching digits 1-6 and a sex of M/F from digit
 * 7; a valid BIN is also check-digit valid and decodes type and attribute
 * from digits 5 and 6. Ages computed from a decoded birth date are -1
 * before it, 0 on it, and never decrease from one day to the next.
 */
#include "core/ident.h"
#include "fuzz/fuzz_util.h"
#include "sign/sign.h"

static bool ref_valid(const char *s, size_t len)
{
    static const int w1[11] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
    static const int w2[11] = {3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2};
    if (len != 12)
        return false;
    for (size_t i = 0; i < 12; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    int a = 0, b = 0;
    for (int i = 0; i < 11; i++) {
        a += (s[i] - '0') * w1[i];
        b += (s[i] - '0') * w2[i];
    }
    int k = a % 11;
    if (k == 10)
        k = b % 11;
    return k != 10 && k == s[11] - '0';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 64)
        return 0;
    char *s = malloc(size ? size : 1);
    if (!s)
        return 0;
    memcpy(s, data, size);

    qn_iin_info iin;
    bool ok = qn_iin_check(s, size, &iin);
    QN_FZ_ASSERT(ok == iin.valid);
    QN_FZ_ASSERT(iin.reason != NULL);
    QN_FZ_ASSERT(ok == ref_valid(s, size));
    QN_FZ_ASSERT(ok == (iin.reason[0] == '\0'));
    QN_FZ_ASSERT(qn_iin_check(s, size, NULL) == ok);

    if (size == 12 && memchr(s, '\0', size) == NULL) {
        char z[13];
        memcpy(z, s, 12);
        z[12] = '\0';
        QN_FZ_ASSERT((qn_sign_kz_id_valid(z) == 1) == ok);
    }
    if (size >= 11) {
        bool digits = true;
        for (size_t i = 0; i < 11; i++)
            digits = digits && s[i] >= '0' && s[i] <= '9';
        if (digits) {
            int k = qn_ident_check_digit(s);
            QN_FZ_ASSERT(k >= -1 && k <= 9);
            if (size == 12 && s[11] >= '0' && s[11] <= '9')
                QN_FZ_ASSERT(ok == (k == s[11] - '0'));
        }
    }

    if (ok) {
        if (iin.sex != 0) {
            QN_FZ_ASSERT(iin.sex == (((s[6] - '0') % 2) ? 'M' : 'F'));
        } else {
            QN_FZ_ASSERT(s[6] == '0' || s[6] > '6');
            QN_FZ_ASSERT(!iin.has_birth_date);
        }
        if (iin.has_birth_date) {
            int y, m, d;
            qn_date_to_ymd(iin.birth_date, &y, &m, &d);
            QN_FZ_ASSERT(y >= QN_DATE_MIN_YEAR && y <= QN_DATE_MAX_YEAR);
            QN_FZ_ASSERT(y % 100 == (s[0] - '0') * 10 + (s[1] - '0'));
            QN_FZ_ASSERT(m == (s[2] - '0') * 10 + (s[3] - '0'));
            QN_FZ_ASSERT(d == (s[4] - '0') * 10 + (s[5] - '0'));
            qn_date_t b = iin.birth_date;
            QN_FZ_ASSERT(qn_age_years(b, b - 1) == -1);
            QN_FZ_ASSERT(qn_age_years(b, b) == 0);
            int prev = 0;
            for (qn_date_t on = b; on < b + 3 * 366; on += 29) {
                int a = qn_age_years(b, on);
                QN_FZ_ASSERT(a >= prev && a <= (on - b) / 365);
                prev = a;
            }
        } else {
            QN_FZ_ASSERT(iin.birth_date == QN_DATE_NONE);
        }
    }

    qn_bin_info bin;
    bool bok = qn_bin_check(s, size, &bin);
    QN_FZ_ASSERT(bok == bin.valid && bin.reason != NULL && bin.type != NULL && bin.attribute != NULL);
    if (bok) {
        QN_FZ_ASSERT(ok);
        QN_FZ_ASSERT(bin.type_digit >= 4 && bin.type_digit <= 6);
        QN_FZ_ASSERT(bin.attribute_digit >= 0 && bin.attribute_digit <= 3);
        QN_FZ_ASSERT(bin.reg_month >= 1 && bin.reg_month <= 12);
        QN_FZ_ASSERT(bin.reg_year >= 1950 && bin.reg_year <= 2049);
        QN_FZ_ASSERT(bin.type[0] != '\0' && bin.attribute[0] != '\0');
    } else if (!ok) {
        QN_FZ_ASSERT(strcmp(bin.reason, iin.reason) == 0);
    }
    free(s);
    return 0;
}
