/* country.h — the country codes a travel document and a nationality may
 * carry: ISO 3166-1 alpha-3 and the extra codes of ICAO Doc 9303 Part 3.
 *
 * The table (country.c) is data: the 249 officially assigned ISO 3166-1
 * alpha-3 codes, and the codes ICAO Doc 9303 Part 3 (8th ed., 2021) adds for
 * machine-readable travel documents:
 *   XXA stateless person, XXB refugee under the 1951 Convention, XXC other
 *   refugee, XXX unspecified nationality (nationality and issuer);
 *   GBD GBN GBO GBP GBS the British nationality categories (nationality and
 *   issuer);
 *   UNK a resident of Kosovo documented by UNMIK (nationality and issuer);
 *   UNO UNA EUE XBA XIM XCC XCE XCO XEC XES XMP XOM XPO XDC, organisations
 *   that issue travel documents (issuer only: they are nobody's nationality).
 * Choices (docs/api.md, "Validation"): Germany's one-letter MRZ code "D" is
 * not accepted: the API asks for alpha-3, and D is written DEU (the answer
 * says so). RKS (Kosovo's own passports) is not in ICAO's list nor ISO's
 * and is not accepted; UNK is. KAZ is a valid code; refusing a Kazakh
 * citizen as a foreigner is the notification's rule, not the table's.
 *
 * Pure: no I/O, no allocation; thread-safe (the table is constant).
 */
#ifndef QN_COUNTRY_H
#define QN_COUNTRY_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    QN_COUNTRY_ISO = 1,     /* ISO 3166-1 alpha-3 */
    QN_COUNTRY_ICAO_PERSON, /* ICAO code a person's nationality can be (XXA, GBD, UNK...) */
    QN_COUNTRY_ICAO_ISSUER, /* ICAO code of an issuing organisation (UNO, EUE, XPO...) */
} qn_country_kind;

typedef struct {
    char code[4];
    qn_country_kind kind;
    const char *name; /* English short name */
} qn_country;

/* The entry for a 3-letter code (exact, upper case), or NULL. */
const qn_country *qn_country_find(const char *code);

/* True when code can be a person's nationality (ISO or ICAO person codes). */
bool qn_country_is_nationality(const char *code);

/* True when code can be the issuer of a travel document (any entry). */
bool qn_country_is_issuer(const char *code);

/* The whole table, in code order, and its length. */
const qn_country *qn_country_table(size_t *count);

/* For a refused code, a hint for the person (static string, "" if none):
 * "D" -> "Germany is DEU", lower case -> "use capital letters", ... */
const char *qn_country_hint(const char *code);

#endif
