/* ident.h — Kazakhstan's 12-digit identification numbers and ages.
 *
 * IIN (individual identification number) and BIN (business identification
 * number) share one check digit: the weighted sum of the first 11 digits
 * with weights 1..11, mod 11; when that is 10, the sum with weights
 * 3,4,...,11,1,2, mod 11; when that is also 10 the number is never issued
 * (Decree No. 565 of 11 Jun 2003; kz_rules.md §4.4).
 *
 * IIN layout: YYMMDD birth date, a century/sex digit (1/2 = male/female
 * 1800s, 3/4 = 1900s, 5/6 = 2000s), a 4-digit serial, the check digit. Since
 * Decree No. 853 of 26 Aug 2013 the digits need not match the person's data,
 * so only length, digits and the check digit decide validity; the decoded
 * birth date and sex are advisory (absent when the digits do not form one).
 *
 * BIN layout (python-stdnum stdnum/kz/bin.py; kz_rules.md §4.5): YYMM of
 * registration, a type digit (4 resident legal entity, 5 non-resident legal
 * entity, 6 individual entrepreneur in joint entrepreneurship), an attribute
 * digit (0 head unit, 1 branch, 2 representative office, 3 peasant/farm
 * enterprise in joint entrepreneurship), a 5-digit serial, the check digit.
 *
 * Pure: no I/O, no allocation; thread-safe. Reasons are static strings.
 */
#ifndef QN_IDENT_H
#define QN_IDENT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/date.h"

#define QN_IDENT_LEN 12

typedef struct {
    bool valid;
    const char *reason;     /* why not valid, or "" */
    bool has_birth_date;    /* advisory: the digits form a real date with a known century */
    qn_date_t birth_date;   /* QN_DATE_NONE when !has_birth_date */
    char sex;               /* 'M', 'F', or 0 when the 7th digit is not 1..6 */
} qn_iin_info;

typedef struct {
    bool valid;
    const char *reason;
    int reg_year, reg_month;    /* registration year and month (two-digit year: 50..99 -> 19YY) */
    int type_digit;             /* 4, 5, 6 */
    const char *type;           /* "resident_legal_entity", ... */
    int attribute_digit;        /* 0..3 */
    const char *attribute;      /* "head_unit", "branch", "representative_office", "peasant_farm" */
} qn_bin_info;

/* The check digit of an 11-digit prefix (ASCII digits), or -1 when both
 * passes give 10 (such a prefix is never issued). The caller guarantees 11
 * ASCII digits. */
int qn_ident_check_digit(const char prefix[11]);

/* Checks and decodes an IIN of length len (s need not be NUL-terminated).
 * Returns info->valid; reasons: "must be 12 digits", "must contain digits
 * only", "prefix cannot carry a check digit (never issued)", "check digit
 * does not match". */
bool qn_iin_check(const char *s, size_t len, qn_iin_info *info);

/* Checks and decodes a BIN; reasons as for the IIN plus "5th digit must be 4,
 * 5 or 6 (legal entity type)", "6th digit must be 0..3 (attribute)" and
 * "month of registration must be 01..12". */
bool qn_bin_check(const char *s, size_t len, qn_bin_info *info);

/* Age in full years on `on` of a person born on `birth` (-1 when on < birth).
 * A person born on 29 February turns a year older on 1 March in common years
 * (the conservative reading for "18 or older"). */
int qn_age_years(qn_date_t birth, qn_date_t on);

#endif
