/* field_rules.h — the formats of the fields of a notification of arrival
 * that are not dates or identifiers: purposes of the visit, the address
 * registration code, document numbers, personal names.
 *
 * Each check returns NULL when the value is good, or a static reason
 * fragment ("must be ...") for the field error. Choices and sources:
 *   - purpose: a fixed set. kz_rules.md §6.1 lists "purpose of visit" as a
 *     field without its values; they are taken from the sources that name
 *     purposes: the TRP grounds of §4.1 (family, work, study, medical
 *     treatment, missionary, business immigrants), the visa categories of
 *     seed 001 (business, investment), the migration card of §6.2 (transit,
 *     official: diplomatic and service passports), and the portal's list
 *     (tourism, private); "other" for the rest. UNCONFIRMED against the
 *     state form's code list (not in the sources).
 *   - address registration code (РКА, kz_rules.md §4.6): format UNCONFIRMED;
 *     treated, as §4.6 advises, as an opaque numeric string of 1 to 20
 *     digits (commonly 16).
 *   - document, visa and migration card numbers: 1..32 characters of capital
 *     Latin letters, digits and '-' (ICAO Doc 9303 writes document numbers
 *     in A-Z0-9; national numbers add the hyphen). Lower case is refused,
 *     not folded, so the number on record is the number on the document.
 *   - names: leading and trailing spaces are not part of a name (the
 *     service trims them); a name of only spaces is refused; letters of any
 *     script (non-ASCII UTF-8 is accepted as letters), spaces, '-', '\'',
 *     '.' and ',' are allowed; digits and other ASCII symbols ('<', '>',
 *     '&', ...) are refused.
 *
 * Pure: no I/O, no allocation; thread-safe.
 */
#ifndef QN_FIELD_RULES_H
#define QN_FIELD_RULES_H

#include <stdbool.h>
#include <stddef.h>

/* The purposes, NULL-terminated, in the order of the documentation. */
extern const char *const qn_purposes[];

/* NULL when purpose is one of qn_purposes. */
const char *qn_field_purpose(const char *purpose);

/* NULL when code is a well-formed address registration code. */
const char *qn_field_address_code(const char *code);

/* NULL when number is a well-formed document (or visa, card) number. */
const char *qn_field_doc_number(const char *number);

/* The bounds of s without leading and trailing spaces: *start and *len. */
void qn_field_trim(const char *s, size_t *start, size_t *len);

/* NULL when name (untrimmed) is an acceptable personal name. */
const char *qn_field_name(const char *name);

#endif
