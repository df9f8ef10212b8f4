/* fuzz_doc.c — libFuzzer target for document validation and verification
 * codes (src/doc/pdf.h qn_doc_validate, src/doc/verify.h).
 *
 * The first byte selects a part; the rest is structured (fuzz_util.h).
 *  0  qn_doc_validate on a document whose fields are, one flag bit each,
 *     either a valid default or fuzzed text (heap copies, NUL terminated,
 *     up to a little over each bound) with fuzzed kind, language and dates.
 *     The expected outcome is computed here independently: text fields with
 *     the well-formed UTF-8 table of Unicode 15 §3.9 (Table 3-7), no C0, DEL
 *     or C1 controls, not blank, within QN_DOC_*_MAX; the number, code, URL
 *     and dates as documented. Validation must agree, and every refusal
 *     carries a field error.
 *  1  qn_doc_verify_code with a fuzzed secret and number: accepted iff the
 *     secret length is in bounds and the number valid; the code is 10 base32
 *     characters, checks true (also in lower case) and false when any one
 *     character changes; then qn_doc_verify_url with a fuzzed base builds
 *     exactly "<base>/verify/<number>?c=<code>" within QN_DOC_URL_MAX, or
 *     refuses, and a document carrying that URL passes validation.
 *  2  qn_doc_verify_code_check with fuzzed code text: never crashes, true
 *     only for the code itself up to letter case.
 * PDFs are not rendered here (each render reads the font files; see docs/fuzzing.md).
 */
#include <ctype.h>

#include "doc/pdf.h"
#include "doc/verify.h"
#include "fuzz/fuzz_util.h"

static const unsigned char secret_default[] = "fuzz-secret-0123456789abcdef";

/* Unicode Table 3-7 (well-formed UTF-8 byte sequences), then the control filter. */
static bool ref_clean_utf8(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned b0 = p[0];
        size_t n;
        unsigned lo = 0x80, hi = 0xBF, cp;
        if (b0 <= 0x7F) {
            if (b0 < 0x20 || b0 == 0x7F)
                return false;
            p++;
            continue;
        } else if (b0 >= 0xC2 && b0 <= 0xDF) {
            n = 2;
        } else if (b0 >= 0xE0 && b0 <= 0xEF) {
            n = 3;
            if (b0 == 0xE0)
                lo = 0xA0;
            if (b0 == 0xED)
                hi = 0x9F;
        } else if (b0 >= 0xF0 && b0 <= 0xF4) {
            n = 4;
            if (b0 == 0xF0)
                lo = 0x90;
            if (b0 == 0xF4)
                hi = 0x8F;
        } else {
            return false;
        }
        if (p[1] < lo || p[1] > hi)
            return false;
        for (size_t i = 2; i < n; i++)
            if (p[i] < 0x80 || p[i] > 0xBF)
                return false;
        cp = n == 2 ? ((b0 & 0x1Fu) << 6) | (p[1] & 0x3Fu) : 0x800;
        if (cp >= 0x80 && cp <= 0x9F) /* C1 controls */
            return false;
        p += n;
    }
    return true;
}

static bool blank(const char *s)
{
    if (s == NULL)
        return true;
    while (*s == ' ')
        s++;
    return *s == '\0';
}

static bool ref_text_ok(const char *s, size_t max, bool required)
{
    if (blank(s))
        return !required;
    return strlen(s) <= max && ref_clean_utf8(s);
}

static bool ref_number_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > QN_DOC_NUMBER_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!(isascii((unsigned char)s[i]) && (isalnum((unsigned char)s[i]) || s[i] == '-')))
            return false;
    return true;
}

static bool ref_code_ok(const char *s)
{
    if (strlen(s) != QN_DOC_CODE_LEN)
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= '2' && *p <= '7')))
            return false;
    return true;
}

static bool ref_date_ok(qn_date_t d)
{
    if (d == QN_DATE_NONE)
        return false;
    int y;
    qn_date_to_ymd(d, &y, NULL, NULL);
    return y >= QN_DATE_MIN_YEAR && y <= QN_DATE_MAX_YEAR;
}

/* A fuzzed string of up to max bytes, in a heap block of exactly its size. */
static char *fz_heap_str(qn_fz *f, size_t max)
{
    size_t len = qn_fz_u16(f) % (max + 1);
    if (len > f->n)
        len = f->n;
    char *s = malloc(len + 1);
    if (!s)
        return NULL;
    memcpy(s, f->p, len);
    s[len] = '\0';
    f->p += len;
    f->n -= len;
    return s;
}

#define NSTR 9

static void validate(qn_fz *f)
{
    uint16_t fuzzed = qn_fz_u16(f);
    char number_def[QN_DOC_NUMBER_MAX + 1] = "KZ-REG-2026-000123";
    char code_def[QN_DOC_CODE_LEN + 1];
    qn_err err;
    QN_FZ_ASSERT(qn_doc_verify_code(secret_default, sizeof secret_default - 1, number_def, code_def, &err) == QN_OK);
    char url_def[QN_DOC_URL_MAX + 1];
    QN_FZ_ASSERT(qn_doc_verify_url("https://qonaq.example.kz", number_def, code_def, url_def, sizeof url_def,
                                   &err) == QN_OK);
    const char *defaults[NSTR] = {"Müller Anna / Мюллер Анна", "Germany", "Passport C01X00T47",
                                  "Алматы, Абай даңғылы 1", "ТОО Қонақ", "Migration Service of Almaty",
                                  number_def, code_def, url_def};
    static const size_t bounds[NSTR] = {QN_DOC_NAME_MAX + 4, QN_DOC_CITIZENSHIP_MAX + 4, QN_DOC_ID_DOCUMENT_MAX + 4,
                                        QN_DOC_ADDRESS_MAX + 4, QN_DOC_HOST_MAX + 4, QN_DOC_OFFICE_MAX + 4,
                                        QN_DOC_NUMBER_MAX + 4, QN_DOC_CODE_LEN + 2, QN_DOC_URL_MAX + 4};
    char *owned[NSTR] = {0};
    const char *v[NSTR];
    for (int i = 0; i < NSTR; i++) {
        if (fuzzed & (1u << i)) {
            owned[i] = fz_heap_str(f, bounds[i]);
            if (!owned[i])
                goto out;
            v[i] = (fuzzed & (1u << (9 + i % 6))) && owned[i][0] == '\0' ? NULL : owned[i];
        } else {
            v[i] = defaults[i];
        }
    }
    qn_date_t d0;
    qn_date_from_ymd(2026, 3, 1, &d0);
    uint8_t dm = qn_fz_u8(f);
    qn_doc doc = {
        .kind = (qn_doc_kind)qn_fz_below(f, QN_DOC_KIND_COUNT + 1),
        .lang = (qn_doc_lang)qn_fz_below(f, QN_DOC_LANG_COUNT + 1),
        .number = v[6],
        .issued = (dm & 1) ? (qn_date_t)(int32_t)qn_fz_u32(f) : d0,
        .valid_from = (dm & 2) ? d0 + (int8_t)qn_fz_u8(f) : d0,
        .valid_until = (dm & 4) ? d0 + (int8_t)qn_fz_u8(f) : d0 + 30,
        .person = {v[0], v[1], v[2], (dm & 8) ? (qn_date_t)(int32_t)qn_fz_u32(f) : d0 - 10000},
        .address = v[3],
        .host = v[4],
        .office = v[5],
        .verify_url = v[8],
        .verify_code = v[7],
    };

    bool kind_ok = doc.kind < QN_DOC_KIND_COUNT;
    bool expect = kind_ok && doc.lang < QN_DOC_LANG_COUNT;
    expect = expect && !blank(doc.number) && ref_number_ok(doc.number);
    expect = expect && ref_date_ok(doc.issued) && ref_date_ok(doc.valid_from) && ref_date_ok(doc.valid_until) &&
             doc.valid_from <= doc.valid_until;
    expect = expect && ref_date_ok(doc.person.birth_date) && doc.person.birth_date <= doc.issued;
    expect = expect && ref_text_ok(v[0], QN_DOC_NAME_MAX, true) && ref_text_ok(v[1], QN_DOC_CITIZENSHIP_MAX, true) &&
             ref_text_ok(v[2], QN_DOC_ID_DOCUMENT_MAX, true);
    bool needs_address = doc.kind == QN_DOC_REGISTRATION_NOTICE || doc.kind == QN_DOC_ARRIVAL_NOTIFICATION;
    expect = expect && ref_text_ok(v[3], QN_DOC_ADDRESS_MAX, needs_address) &&
             ref_text_ok(v[4], QN_DOC_HOST_MAX, doc.kind == QN_DOC_ARRIVAL_NOTIFICATION) &&
             ref_text_ok(v[5], QN_DOC_OFFICE_MAX, true);
    expect = expect && doc.verify_code != NULL && ref_code_ok(doc.verify_code);
    if (expect) {
        const char *u = doc.verify_url;
        char tail[QN_DOC_NUMBER_MAX + QN_DOC_CODE_LEN + 16];
        snprintf(tail, sizeof tail, "/verify/%s?c=%s", doc.number, doc.verify_code);
        bool printable = u != NULL;
        for (const char *p = u; printable && *p; p++)
            printable = (unsigned char)*p > 0x20 && (unsigned char)*p < 0x7F;
        expect = printable && strlen(u) <= QN_DOC_URL_MAX &&
                 (strncmp(u, "https://", 8) == 0 || strncmp(u, "http://", 7) == 0) && strlen(u) > strlen(tail) &&
                 strcmp(u + strlen(u) - strlen(tail), tail) == 0;
    }

    qn_err_clear(&err);
    qn_code rc = qn_doc_validate(&doc, &err);
    QN_FZ_ASSERT(rc == QN_OK || rc == QN_E_INVALID);
    QN_FZ_ASSERT((rc == QN_OK) == (err.n_fields == 0));
    if ((rc == QN_OK) != expect) {
        fprintf(stderr, "validate: %s, expected %s; first field %s: %s\n", qn_code_name(rc), expect ? "ok" : "invalid",
                err.n_fields ? err.fields[0].field : "-", err.n_fields ? err.fields[0].reason : "-");
        QN_FZ_ASSERT(!"qn_doc_validate disagrees with the reference");
    }
    QN_FZ_ASSERT(qn_doc_validate(&doc, NULL) == rc);
out:
    for (int i = 0; i < NSTR; i++)
        free(owned[i]);
}

static void codes(qn_fz *f)
{
    size_t slen = qn_fz_u16(f) % (QN_DOC_SECRET_MAX + 8);
    unsigned char *secret = malloc(slen ? slen : 1);
    if (!secret)
        return;
    for (size_t i = 0; i < slen; i++)
        secret[i] = (unsigned char)(i * 7u + qn_fz_u8(f));
    char *number = fz_heap_str(f, QN_DOC_NUMBER_MAX + 2);
    char *base = fz_heap_str(f, QN_DOC_URL_MAX + 2);
    if (!number || !base)
        goto out;
    char code[QN_DOC_CODE_LEN + 1];
    qn_err err;
    qn_code rc = qn_doc_verify_code(secret, slen, number, code, &err);
    bool expect = slen >= QN_DOC_SECRET_MIN && slen <= QN_DOC_SECRET_MAX && ref_number_ok(number);
    QN_FZ_ASSERT(qn_doc_number_is_valid(number) == ref_number_ok(number));
    QN_FZ_ASSERT((rc == QN_OK) == expect);
    if (rc != QN_OK) {
        QN_FZ_ASSERT(rc == QN_E_INVALID && code[0] == '\0');
        QN_FZ_ASSERT(!qn_doc_verify_code_check(secret, slen, number, "AAAAAAAAAA"));
        goto out;
    }
    QN_FZ_ASSERT(ref_code_ok(code));
    QN_FZ_ASSERT(qn_doc_verify_code_check(secret, slen, number, code));
    char lower[QN_DOC_CODE_LEN + 1];
    for (size_t i = 0; i <= QN_DOC_CODE_LEN; i++)
        lower[i] = (char)tolower((unsigned char)code[i]);
    QN_FZ_ASSERT(qn_doc_verify_code_check(secret, slen, number, lower));
    char bad[QN_DOC_CODE_LEN + 1];
    memcpy(bad, code, sizeof bad);
    size_t at = qn_fz_below(f, QN_DOC_CODE_LEN);
    bad[at] = bad[at] == 'A' ? 'B' : 'A';
    QN_FZ_ASSERT(!qn_doc_verify_code_check(secret, slen, number, bad));
    bad[at] = '\0';
    QN_FZ_ASSERT(!qn_doc_verify_code_check(secret, slen, number, bad));
    QN_FZ_ASSERT(!qn_doc_verify_code_check(secret, slen, number, NULL));

    char url[QN_DOC_URL_MAX + 8];
    size_t cap = 1 + qn_fz_below(f, sizeof url);
    memset(url, 0x5a, sizeof url);
    rc = qn_doc_verify_url(base, number, code, url, cap, &err);
    QN_FZ_ASSERT(rc == QN_OK || rc == QN_E_INVALID || rc == QN_E_TOO_LARGE);
    QN_FZ_ASSERT(url[cap - 1] == 0x5a || memchr(url, '\0', cap) != NULL); /* never past cap */
    QN_FZ_ASSERT(cap == sizeof url || url[cap] == 0x5a);
    if (rc == QN_OK) {
        size_t bl = strlen(base);
        if (bl > 0 && base[bl - 1] == '/')
            bl--;
        char want[2 * QN_DOC_URL_MAX];
        snprintf(want, sizeof want, "%.*s/verify/%s?c=%s", (int)bl, base, number, code);
        QN_FZ_ASSERT(strcmp(url, want) == 0 && strlen(url) <= QN_DOC_URL_MAX && strlen(url) < cap);
        QN_FZ_ASSERT(strncmp(url, "https://", 8) == 0 || strncmp(url, "http://", 7) == 0);
        qn_date_t d0;
        qn_date_from_ymd(2026, 3, 1, &d0);
        qn_doc doc = {QN_DOC_LOST_PASSPORT, QN_DOC_LANG_EN, number, d0, d0, d0,
                      {"A B", "Germany", "Passport X1", d0 - 9000}, NULL, NULL, "Office", url, code};
        qn_err_clear(&err);
        rc = qn_doc_validate(&doc, &err);
        if (rc != QN_OK)
            fprintf(stderr, "%s: %s\n", err.n_fields ? err.fields[0].field : "", err.n_fields ? err.fields[0].reason : "");
        QN_FZ_ASSERT(rc == QN_OK);
    }
out:
    free(secret);
    free(number);
    free(base);
}

static void check_text_code(qn_fz *f)
{
    char *code = fz_heap_str(f, 24);
    if (!code)
        return;
    const char *number = "KZ-1";
    char real[QN_DOC_CODE_LEN + 1];
    QN_FZ_ASSERT(qn_doc_verify_code(secret_default, sizeof secret_default - 1, number, real, NULL) == QN_OK);
    bool ok = qn_doc_verify_code_check(secret_default, sizeof secret_default - 1, number, code);
    bool same = strlen(code) == QN_DOC_CODE_LEN;
    for (size_t i = 0; same && i < QN_DOC_CODE_LEN; i++)
        same = toupper((unsigned char)code[i]) == real[i];
    QN_FZ_ASSERT(ok == same);
    free(code);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    qn_fz f = {data + 1, size - 1};
    switch (data[0] % 3) {
    case 0: validate(&f); break;
    case 1: codes(&f); break;
    default: check_text_code(&f); break;
    }
    return 0;
}
