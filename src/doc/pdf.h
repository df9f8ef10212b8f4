/* pdf.h — renders qonaq's printed documents to PDF bytes in memory.
 *
 * A caller (the HTTP layer, the CLI) fills a qn_doc with what the document
 * shows — kind, language, number, dates, the person as their identity
 * document shows them, address or host, issuing office, the verification URL
 * and code (verify.h) — and gets one A4 page back: a header "Republic of
 * Kazakhstan / Ministry of Internal Affairs / Migration Service" in the
 * document's language, the title and number, a sentence saying what the
 * document attests, a table of the fields, and a QR code of the verification
 * URL drawn as vector squares with the caption "Scan to verify", the number
 * and the code in text. Words come from text.c (kk, ru, en).
 *
 * Text is set in DejaVu Sans (Debian package fonts-dejavu-core), embedded as
 * a subset and addressed in UTF-8 through libharu's CID font support, so
 * Cyrillic with the Kazakh letters (ә ғ қ ң ө ұ ү һ і) renders and extracts
 * (pdftotext) correctly. The font files are read on each call.
 *
 * Thread-safety: every call creates and frees its own libharu document and
 * libqrencode symbol; nothing is shared between calls, so qn_doc_pdf_render
 * may run concurrently on any number of threads. (Debian's libqrencode
 * guards its shared tables with a mutex; libharu's one global,
 * HPDF_CCITT_Data, serves CCITT fax images, which this code never loads.)
 */
#ifndef QN_DOC_PDF_H
#define QN_DOC_PDF_H

#include <stddef.h>

#include "core/date.h"
#include "core/error.h"
#include "doc/text.h"
#include "doc/verify.h"

#define QN_DOC_FONT_DEFAULT "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
#define QN_DOC_FONT_BOLD_DEFAULT "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"

/* Bounds of the text fields, in bytes of UTF-8 (all fit one page). */
#define QN_DOC_NAME_MAX 200
#define QN_DOC_CITIZENSHIP_MAX 100
#define QN_DOC_ID_DOCUMENT_MAX 100
#define QN_DOC_ADDRESS_MAX 300
#define QN_DOC_HOST_MAX 200
#define QN_DOC_OFFICE_MAX 200

/* The person as their identity document shows them. */
typedef struct {
    const char *name;        /* required: full name, as in the document */
    const char *citizenship; /* required: "Germany", "Германия", "stateless" ... as printed */
    const char *document;    /* required: identity document, e.g. "Passport C01X00T47" */
    qn_date_t birth_date;    /* required */
} qn_doc_person;

/* One document to print. Strings are UTF-8, borrowed for the call; NULL or
 * "" means absent. Which are required depends on the kind (see
 * qn_doc_validate and docs/documents.md). */
typedef struct {
    qn_doc_kind kind;
    qn_doc_lang lang;
    const char *number;    /* required: see qn_doc_number_is_valid */
    qn_date_t issued;      /* required: date of issue */
    qn_date_t valid_from;  /* required: first day of the period (registration, stay, validity) */
    qn_date_t valid_until; /* required: last day of the period, not before valid_from */
    qn_doc_person person;
    const char *address;     /* address of temporary stay: required for registration and arrival */
    const char *host;        /* host (receiving party): required for arrival, optional elsewhere */
    const char *office;      /* required: issuing office */
    const char *verify_url;  /* required: http(s) URL of at most QN_DOC_URL_MAX bytes, put in the QR */
    const char *verify_code; /* required: QN_DOC_CODE_LEN characters A-Z 2-7 (qn_doc_verify_code) */
} qn_doc;

/* Where the fonts are; a NULL struct or NULL member means the default path. */
typedef struct {
    const char *regular; /* default QN_DOC_FONT_DEFAULT */
    const char *bold;    /* default QN_DOC_FONT_BOLD_DEFAULT */
} qn_doc_fonts;

/* Checks every field of doc; collects one field error per bad field (names:
 * "kind", "lang", "number", "issued", "valid_from", "valid_until",
 * "person.name", "person.citizenship", "person.document", "person.birth_date",
 * "address", "host", "office", "verify_url", "verify_code").
 * Returns QN_OK or QN_E_INVALID. Text must be valid UTF-8 without control
 * characters and within the QN_DOC_*_MAX bounds. */
qn_code qn_doc_validate(const qn_doc *doc, qn_err *err);

/* Renders doc to a one-page A4 PDF. On success *pdf points at *pdf_len bytes
 * owned by the caller, to be released with qn_doc_pdf_free.
 * Errors: QN_E_INVALID (as qn_doc_validate, and for a text field holding a
 * character the font cannot print — e.g. Chinese in DejaVu Sans — or one
 * beyond U+FFFF, the reason naming the code point); QN_E_UNAVAILABLE when a font
 * file cannot be read (the message names the path and the package
 * fonts-dejavu-core); QN_E_TOO_LARGE if the fields do not fit the page;
 * QN_E_NOMEM; QN_E_INTERNAL for a libharu or libqrencode failure (the
 * message carries libharu's error number). On error *pdf is NULL and
 * *pdf_len 0. */
qn_code qn_doc_pdf_render(const qn_doc *doc, const qn_doc_fonts *fonts, unsigned char **pdf,
                          size_t *pdf_len, qn_err *err);

/* Releases what qn_doc_pdf_render returned. NULL is allowed. */
void qn_doc_pdf_free(unsigned char *pdf);

#endif
