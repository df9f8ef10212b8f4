/* application_internal.h — what application.c shares with the per-service
 * files (reg_foreigner.c, reg_citizen.c, reg_resident.c): the typed case an
 * application document decodes into, and the hooks of each kind.
 */
#ifndef QN_SERVICE_APPLICATION_INTERNAL_H
#define QN_SERVICE_APPLICATION_INTERNAL_H

#include <jansson.h>

#include "core/checklist.h"
#include "service/application.h"
#include "service/service_internal.h"

/* One attached document. type: a checklist machine name. */
typedef struct {
    char type[48];
    char number[QN_STORE_NUMBER_MAX + 1];
    char issuer[QN_STORE_NAME_MAX + 1];
    bool electronic;       /* false: the original is presented */
    qn_date_t valid_until; /* QN_DATE_NONE if not given */
} qn_app_doc;

/* A decoded application document (all kinds). */
typedef struct {
    qn_app_kind kind;
    qn_app_representation rep;
    char address_code[QN_STORE_NUMBER_MAX + 1];
    char region[QN_STORE_REGION_MAX + 1];     /* from the address */
    char person_key[65];                      /* who is registered (IIN or DOC:...) */
    char applicant_iin[QN_STORE_IIN_LEN + 1]; /* the signer's IIN */
    qn_date_t from, to;
    unsigned conditions; /* checklist conditions */
    size_t n_docs;
    qn_app_doc docs[QN_APP_MAX_DOCS];
    /* foreigner_temporary, permanent_resident */
    char citizenship[4];
    char doc_number[QN_STORE_NUMBER_MAX + 1];
    qn_date_t doc_expires;
    qn_date_t entry_date;
    qn_date_t visa_until;
    bool border_mark;
    /* citizen_temporary */
    char person_iin[QN_STORE_IIN_LEN + 1];
    qn_date_t birth_date;
    bool accommodation;
} qn_app_case;

/* What the automatic check decided. */
typedef struct {
    qn_app_event event;       /* auto_pass, auto_fail or route_to_officer */
    qn_refusal_reason reason; /* auto_fail */
    char text[QN_STORE_TEXT_MAX + 1];
} qn_app_auto;

/* Decodes the kind-specific members of a document (the generic ones are
 * decoded by application.c) into c, recording field errors in e. */
typedef void (*qn_app_parse_fn)(const json_t *doc, qn_app_case *c, qn_svc_ctx *ctx, qn_err *e);

typedef struct {
    qn_app_kind kind;
    const char *const *keys;    /* the members the document may have (besides the generic) */
    qn_role roles[3];           /* the account roles that may apply (QN_ROLE_NONE ends) */
    bool automatic;             /* runs the automatic check after submission */
    const char *residence_kind; /* "temporary" or "permanent" in the population register */
    qn_app_parse_fn parse;
    /* the automatic check (automatic kinds only) */
    void (*auto_check)(qn_svc_ctx *ctx, qn_store_conn *conn, const qn_app_case *c, qn_app_auto *out);
} qn_app_kind_ops;

extern const qn_app_kind_ops qn_reg_foreigner_ops;
extern const qn_app_kind_ops qn_reg_citizen_ops;
extern const qn_app_kind_ops qn_reg_resident_ops;

/* The documents of c's checklist still missing (static names); *n set. */
void qn_app_case_missing(const qn_app_case *c, const char **missing, size_t *n, const char **required,
                         size_t *n_required);

/* True when a document of type is attached. */
bool qn_app_case_has(const qn_app_case *c, const char *type);

/* Decodes a YYYY-MM-DD member (required or not) into *out, recording errors. */
void qn_app_json_date(const json_t *o, const char *path, const char *key, bool required, qn_date_t *out,
                      qn_err *e);
/* Copies a string member of 1..cap-1 bytes into dst, recording errors. */
void qn_app_json_str(const json_t *o, const char *path, const char *key, bool required, char *dst, size_t cap,
                     qn_err *e);

#endif
