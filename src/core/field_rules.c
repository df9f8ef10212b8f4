/* field_rules.c — the field formats of field_rules.h (sources there). */
#include "core/field_rules.h"

#include <string.h>

const char *const qn_purposes[] = {"private",  "business", "tourism", "work",       "study",
                                   "medical",  "family",   "transit", "investment", "missionary",
                                   "official", "other",    NULL};

const char *qn_field_purpose(const char *purpose)
{
    for (size_t i = 0; purpose && qn_purposes[i]; i++)
        if (strcmp(purpose, qn_purposes[i]) == 0)
            return NULL;
    return "must be one of private, business, tourism, work, study, medical, family, transit, "
           "investment, missionary, official, other";
}

const char *qn_field_address_code(const char *code)
{
    size_t n = code ? strlen(code) : 0;
    if (n == 0 || n > 20)
        return "must be the address registration code: 1 to 20 digits";
    for (size_t i = 0; i < n; i++)
        if (code[i] < '0' || code[i] > '9')
            return "must be the address registration code: digits only";
    return NULL;
}

const char *qn_field_doc_number(const char *number)
{
    size_t n = number ? strlen(number) : 0;
    if (n == 0 || n > 32)
        return "must be 1 to 32 characters";
    bool lower = false, other = false;
    for (size_t i = 0; i < n; i++) {
        char c = number[i];
        if (c >= 'a' && c <= 'z')
            lower = true;
        else if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'))
            other = true;
    }
    if (other)
        return "may hold only capital Latin letters, digits and '-'";
    if (lower)
        return "must be written in capital letters, as on the document";
    if (number[0] == '-' || number[n - 1] == '-')
        return "must not begin or end with '-'";
    return NULL;
}

void qn_field_trim(const char *s, size_t *start, size_t *len)
{
    size_t n = s ? strlen(s) : 0, a = 0;
    while (a < n && (s[a] == ' ' || s[a] == '\t'))
        a++;
    while (n > a && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    *start = a;
    *len = n - a;
}

const char *qn_field_name(const char *name)
{
    size_t a = 0, n = 0;
    qn_field_trim(name, &a, &n);
    if (n == 0)
        return "is blank";
    for (size_t i = a; i < a + n; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c >= 0x80) /* a byte of a UTF-8 letter of another script */
            continue;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == ' ' || c == '-' || c == '\'' ||
            c == '.' || c == ',')
            continue;
        if (c >= '0' && c <= '9')
            return "must not contain digits";
        return "may hold only letters, spaces, '-', ''', '.' and ','";
    }
    return NULL;
}
