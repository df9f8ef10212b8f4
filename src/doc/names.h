/* names.h — names printed on documents in the document's language: countries
 * (citizenship), regions and the issuing office, and the labels of IIN/BIN.
 *
 * A kk or ru document must not carry English words, so the codes the records
 * hold ("DEU", region "75") are turned into words here:
 *
 *  - Countries come from Debian's iso-codes package (well kept, updated with
 *    ISO 3166-1): the English name from /usr/share/iso-codes/json/
 *    iso_3166-1.json ("common_name" when there is one, else "name"), and its
 *    Kazakh and Russian translations from the gettext catalogues
 *    /usr/share/locale/{kk,ru}/LC_MESSAGES/iso_3166-1.mo, read directly (no
 *    setlocale: the process locale is global and not thread-safe to switch).
 *    The few codes ISO 3166-1 leaves out but travel documents use (ICAO Doc
 *    9303: XXA stateless, XXB/XXC refugee, XXX unspecified) and the names
 *    iso-codes 4.15 has not translated into Russian (Türkiye) are in a small
 *    table here. A code found nowhere is printed as the code itself, never
 *    as English in a kk/ru document.
 *  - Regions are the 20 KATO top-level units (service/regions.h), named in
 *    the three languages in a table here (the portal's web/i18n tables carry
 *    the same names); the office is "Migration Service — <region>".
 *
 * The catalogues are read on every call (like the fonts, pdf.h); nothing is
 * cached, so every function is thread-safe.
 */
#ifndef QN_DOC_NAMES_H
#define QN_DOC_NAMES_H

#include <stdbool.h>
#include <stddef.h>

#include "doc/text.h"

#define QN_DOC_ISO_JSON_DEFAULT "/usr/share/iso-codes/json/iso_3166-1.json"
#define QN_DOC_LOCALE_DIR_DEFAULT "/usr/share/locale"

/* Where the iso-codes files are; NULL (or NULL members) mean the defaults.
 * Tests point them elsewhere. */
typedef struct {
    const char *iso_json;   /* default QN_DOC_ISO_JSON_DEFAULT */
    const char *locale_dir; /* default QN_DOC_LOCALE_DIR_DEFAULT; <dir>/<lang>/LC_MESSAGES/iso_3166-1.mo */
} qn_doc_names_paths;

/* Writes the name of the country with ISO 3166-1 alpha-3 code `alpha3`
 * ("DEU", case-insensitive) in lang into out (cap bytes, UTF-8): "Германия"
 * (kk, ru), "Germany" (en). Returns true when a name was found; false when
 * the code is unknown, malformed or the iso-codes files cannot be read — out
 * then holds the code in capitals ("" for a malformed one), so the caller
 * can still print something that is not English. */
bool qn_doc_country_name(const char *alpha3, qn_doc_lang lang, const qn_doc_names_paths *paths, char *out,
                         size_t cap);

/* The region's name in lang ("Алматы қаласы", "город Алматы", "Almaty
 * city"), or NULL for an unknown code. Static strings. */
const char *qn_doc_region_name(const char *code, qn_doc_lang lang);

/* Writes the issuing office of a region in lang into out: "Көші-қон қызметі —
 * Алматы қаласы", "Миграционная служба — город Алматы", "Migration Service —
 * Almaty city"; for an unknown region the service's name alone. Returns out. */
const char *qn_doc_office_name(const char *region, qn_doc_lang lang, char *out, size_t cap);

/* "ЖСН"/"ИИН"/"IIN" (is_bin false) or "БСН"/"БИН"/"BIN" (is_bin true). */
const char *qn_doc_id_label(qn_doc_lang lang, bool is_bin);

#endif
