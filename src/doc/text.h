/* text.h — the words printed on qonaq's documents, in Kazakh, Russian and English.
 *
 * Every title, label and sentence that a printed document shows comes from the
 * one table in text.c, indexed by language and by a message key, so a missing
 * translation is a compile-time gap in one place (and a test walks the whole
 * table). The kinds of documents and the languages are declared here because
 * both the renderer (pdf.c) and the HTTP layer need to name them.
 *
 * Strings are UTF-8, static, never NULL. Pure and thread-safe: constant data only.
 */
#ifndef QN_DOC_TEXT_H
#define QN_DOC_TEXT_H

#include <stdbool.h>

/* The documents qonaq prints (issue 8; seed 001 for the certificate of loss
 * and the exit visa, seed 000 for registration, DESIGN.md service 1 for the
 * notification of arrival). */
typedef enum {
    QN_DOC_REGISTRATION_NOTICE = 0, /* registration of a foreigner at an address of temporary stay */
    QN_DOC_ARRIVAL_NOTIFICATION,    /* confirmation that a host's notification of arrival was accepted */
    QN_DOC_LOST_PASSPORT,           /* certificate issued to a foreigner who reported a lost passport */
    QN_DOC_EXIT_VISA,               /* exit visa issued after a lost passport was replaced */
    QN_DOC_KIND_COUNT
} qn_doc_kind;

typedef enum { QN_DOC_LANG_KK = 0, QN_DOC_LANG_RU, QN_DOC_LANG_EN, QN_DOC_LANG_COUNT } qn_doc_lang;

/* Keys of the words that do not depend on the kind of document. */
typedef enum {
    QN_TXT_HEADER_STATE = 0, /* "Republic of Kazakhstan" */
    QN_TXT_HEADER_MINISTRY,  /* "Ministry of Internal Affairs" */
    QN_TXT_HEADER_SERVICE,   /* "Migration Service" */
    QN_TXT_NUMBER_SIGN,      /* "No." before the document number */
    QN_TXT_FULL_NAME,
    QN_TXT_BIRTH_DATE,
    QN_TXT_CITIZENSHIP,
    QN_TXT_ADDRESS,          /* address of temporary stay */
    QN_TXT_HOST,             /* receiving party */
    QN_TXT_ISSUED,           /* date of issue */
    QN_TXT_OFFICE,           /* issuing office */
    QN_TXT_DOC_NUMBER,       /* "Document number" */
    QN_TXT_VERIFY_CODE,      /* "Verification code" */
    QN_TXT_SCAN,             /* "Scan to verify", the QR caption */
    QN_TXT_VERIFY_AT,        /* "The authenticity of this document can be checked at:" */
    QN_TXT_COUNT
} qn_doc_text_key;

/* Keys of the words that differ by kind of document. */
typedef enum {
    QN_KTXT_TITLE = 0,   /* the document's title */
    QN_KTXT_STATEMENT,   /* one or two sentences saying what the document attests */
    QN_KTXT_ID_DOCUMENT, /* label of the person's identity document row */
    QN_KTXT_PERIOD,      /* label of the validity period row */
    QN_KTXT_COUNT
} qn_doc_kind_text_key;

/* The word for key in lang. Out-of-range arguments give "" (never NULL). */
const char *qn_doc_text(qn_doc_lang lang, qn_doc_text_key key);

/* The word for key of a kind of document in lang; "" when out of range. */
const char *qn_doc_kind_text(qn_doc_kind kind, qn_doc_lang lang, qn_doc_kind_text_key key);

/* The language's code: "kk", "ru", "en"; "" when out of range. */
const char *qn_doc_lang_code(qn_doc_lang lang);

/* Parses "kk", "ru" or "en" (exactly, lower case). False for anything else. */
bool qn_doc_lang_parse(const char *code, qn_doc_lang *out);

/* The kind's stable machine name: "registration_notice", "arrival_notification",
 * "lost_passport", "exit_visa"; "" when out of range. */
const char *qn_doc_kind_name(qn_doc_kind kind);

/* Parses a machine name of qn_doc_kind_name. False for anything else. */
bool qn_doc_kind_parse(const char *name, qn_doc_kind *out);

#endif
