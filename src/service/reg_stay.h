/* reg_stay.h — what the stay-control kinds of application share (reg_trp.c,
 * reg_visa_ext.c, reg_loss.c, reg_exit_visa.c, reg_selfreg.c): decoding the
 * foreigner's block of a document, finding the person on record by the
 * identity document, the officer's grant prelude (the transition is legal
 * for the role, the period is within the rules' bounds), the stay document
 * a grant records, and the JSON of the decision's reasons.
 *
 * A person is identified by the identity document's issuing country and
 * number (the store's unique documents(country, number)), as the border
 * feed and the exit check do. Every stay-control service needs the person on
 * record (a border crossing or a notification of arrival recorded them): a
 * permit, a visa or a certificate is issued to someone the internal affairs
 * bodies know. When the person on record has an IIN and a foreigner
 * applies for themselves, the signer's IIN must be it.
 */
#ifndef QN_SERVICE_REG_STAY_H
#define QN_SERVICE_REG_STAY_H

#include <jansson.h>

#include "service/application_internal.h"
#include "service/control_internal.h"

typedef struct {
    char surname[QN_STORE_NAME_MAX + 1];
    char given_names[QN_STORE_NAME_MAX + 1];
    char citizenship[4];
    qn_date_t birth_date;
    char doc_number[QN_STORE_NUMBER_MAX + 1];
    char doc_country[4];
    qn_date_t doc_expires;
} qn_rs_foreigner;

/* Decodes doc[key] = {"surname", "given_names", "citizenship", "birth_date",
 * "document": {"number", "country", "expires"}} into f, field errors named
 * "<key>.<member>". names: surname, given names and birth date are
 * required (else optional); expires: the document's expiry is required. An
 * unknown member is a field error. Also fills c's citizenship, doc_number,
 * doc_expires and person_key ("DOC:<country>:<number>"). */
void qn_rs_parse_foreigner(const json_t *doc, const char *key, bool names, bool expires, qn_rs_foreigner *f,
                           qn_app_case *c, qn_err *e);

/* Re-decodes the stored document of a (a JSON object, or NULL). */
json_t *qn_rs_payload(const qn_store_application *a);

/* The person on record holding the document (country, number); when not
 * found a field error at field ("no person on record ...") and
 * QN_E_INVALID. *document_id may be NULL. */
qn_code qn_rs_person(qn_store_conn *conn, const char *country, const char *number, const char *field,
                     qn_store_person *p, int64_t *document_id, qn_err *e);

/* The checks every submission for a person on record makes: the person
 * exists (field "<key>.document.number"); for a foreigner applying, a
 * person with an IIN must be the signer (403); when names, the names and
 * birth date given match the record (field errors, case-insensitive). */
qn_code qn_rs_check_person(qn_svc_ctx *ctx, qn_store_conn *conn, const qn_rs_foreigner *f, const char *key,
                           bool names, const qn_app_case *c, qn_store_person *p, qn_err *e);

/* True when f's names and birth date (those given) agree with p. */
bool qn_rs_same_person(const qn_rs_foreigner *f, const qn_store_person *p);

/* The grant prelude: the transition grant is legal for role from a's state
 * (409 illegal_transition / 403 wrong_actor, as the step would say, before
 * any other check). */
qn_code qn_rs_grant_allowed(const qn_store_application *a, qn_actor_role role, qn_err *e);

/* The period of a grant: the officer's (act->has_period) when it lies
 * within [from, to], else a field error ("valid_from", "valid_until")
 * naming the bound and why (limited_by); the bounds when the officer gives
 * none. */
qn_code qn_rs_grant_period(const qn_app_action *act, qn_date_t from, qn_date_t to, const char *limited_by,
                           qn_date_t *out_from, qn_date_t *out_to, qn_err *e);

/* Records a stay document (kind "permit", "extension_visa", "exit_visa")
 * of the person for the application, numbered with the application's
 * number, in the caller's transaction. */
qn_code qn_rs_stay_document(qn_store_conn *conn, int64_t person_id, const char *kind,
                            const qn_store_application *a, qn_date_t from, qn_date_t to, qn_err *e);

/* JSON text of o (malloc'd); decrefs o. NULL when out of memory. */
char *qn_rs_dump(json_t *o);

/* A date as a JSON string ("" when QN_DATE_NONE). */
json_t *qn_rs_date(qn_date_t d);

/* Sends a notice of kind "application.<notice>" about a to account_id
 * (0: nobody), with body {application, kind, state, notice, text_key}. */
qn_code qn_rs_notice(qn_store_conn *conn, int64_t account_id, const qn_store_application *a,
                     qn_notice_kind notice, const char *text_key, qn_err *e);

/* Copies the field errors of src into e, renaming fields by the pairs
 * map[0] -> map[1], map[2] -> map[3], ... (NULL-terminated); others keep
 * their names. e's code becomes src's. */
void qn_rs_map_errors(const qn_err *src, const char *const *map, qn_err *e);

#endif
