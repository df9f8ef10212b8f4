/* ident.c — IIN/BIN check digits and decoding (see ident.h), and ages. */
#include "core/ident.h"

int qn_ident_check_digit(const char prefix[11])
{
    static const int w1[11] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
    static const int w2[11] = {3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2};
    int sum = 0;
    for (int i = 0; i < 11; i++)
        sum += (prefix[i] - '0') * w1[i];
    int k = sum % 11;
    if (k < 10)
        return k;
    sum = 0;
    for (int i = 0; i < 11; i++)
        sum += (prefix[i] - '0') * w2[i];
    k = sum % 11;
    return k < 10 ? k : -1;
}

static bool check_common(const char *s, size_t len, const char **reason)
{
    if (!s || len != QN_IDENT_LEN) {
        *reason = "must be 12 digits";
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') {
            *reason = "must contain digits only";
            return false;
        }
    }
    int k = qn_ident_check_digit(s);
    if (k < 0) {
        *reason = "prefix cannot carry a check digit (never issued)";
        return false;
    }
    if (k != s[11] - '0') {
        *reason = "check digit does not match";
        return false;
    }
    *reason = "";
    return true;
}

static int two(const char *s) { return (s[0] - '0') * 10 + (s[1] - '0'); }

bool qn_iin_check(const char *s, size_t len, qn_iin_info *info)
{
    qn_iin_info out = {false, "", false, QN_DATE_NONE, 0};
    out.valid = check_common(s, len, &out.reason);
    if (out.valid) {
        int c = s[6] - '0';
        if (c >= 1 && c <= 6) {
            out.sex = c % 2 == 1 ? 'M' : 'F';
            int year = 1800 + 100 * ((c - 1) / 2) + two(s);
            qn_date_t d;
            if (year >= QN_DATE_MIN_YEAR && qn_date_from_ymd(year, two(s + 2), two(s + 4), &d)) {
                out.has_birth_date = true;
                out.birth_date = d;
            }
        }
    }
    if (info)
        *info = out;
    return out.valid;
}

bool qn_bin_check(const char *s, size_t len, qn_bin_info *info)
{
    qn_bin_info out = {false, "", 0, 0, 0, "", 0, ""};
    out.valid = check_common(s, len, &out.reason);
    if (out.valid) {
        static const char *const types[] = {"resident_legal_entity", "non_resident_legal_entity",
                                            "individual_entrepreneur_joint"};
        static const char *const attributes[] = {"head_unit", "branch", "representative_office",
                                                 "peasant_farm_joint"};
        int yy = two(s), mm = two(s + 2);
        out.type_digit = s[4] - '0';
        out.attribute_digit = s[5] - '0';
        if (mm < 1 || mm > 12) {
            out.valid = false;
            out.reason = "month of registration must be 01..12";
        } else if (out.type_digit < 4 || out.type_digit > 6) {
            out.valid = false;
            out.reason = "5th digit must be 4, 5 or 6 (legal entity type)";
        } else if (out.attribute_digit > 3) {
            out.valid = false;
            out.reason = "6th digit must be 0..3 (attribute)";
        } else {
            out.reg_year = yy >= 50 ? 1900 + yy : 2000 + yy;
            out.reg_month = mm;
            out.type = types[out.type_digit - 4];
            out.attribute = attributes[out.attribute_digit];
        }
    }
    if (info)
        *info = out;
    return out.valid;
}

int qn_age_years(qn_date_t birth, qn_date_t on)
{
    if (on < birth)
        return -1;
    int by, bm, bd, oy, om, od;
    qn_date_to_ymd(birth, &by, &bm, &bd);
    qn_date_to_ymd(on, &oy, &om, &od);
    int age = oy - by;
    /* Birthday not yet reached this year; 29 Feb counts as reached on 1 Mar. */
    if (om < bm || (om == bm && od < bd))
        age--;
    return age;
}
