/* stay_service.h — stay limits: a stateless calculator, and the stay of a
 * person on record (from border crossings and notifications of arrival).
 *
 * The calculator is open to every signed-in account. The person lookup
 * (by the document's issuing country and number) is for foreigners checking
 * their own stay, officers and border officers; hosts, analysts and
 * administrators get 403.
 */
#ifndef QN_SERVICE_STAY_SERVICE_H
#define QN_SERVICE_STAY_SERVICE_H

#include "core/stay.h"
#include "service/service.h"
#include "store/store.h"

#define QN_STAY_QUERY_MAX_TRIPS 100
#define QN_STAY_QUERY_MAX_DOCS 32

typedef struct {
    qn_stay_result result;
    int64_t person_id; /* person lookups */
    size_t n_trips;    /* trips the computation used */
    qn_trip trips[QN_STAY_QUERY_MAX_TRIPS];
    char source[32]; /* "input", "crossings", "crossings+notifications", "notifications" */
    /* person lookups: what made the stay lawful ("regime", "permit",
     * "extended_visa", "exit_visa", "not"; NULL for the calculator) and the
     * documents on record that the computation used (kind, validity) */
    const char *lawful_because;
    size_t n_docs;
    struct {
        char kind[QN_STORE_CODE_MAX + 1]; /* "visa", "permit", "extension_visa", "exit_visa" */
        qn_date_t from, to;
    } docs[QN_STAY_QUERY_MAX_DOCS];
} qn_stay_answer;

/* Computes the stay for citizenship and trips on day `on` (QN_DATE_NONE:
 * today in Kazakhstan). visa_until may be QN_DATE_NONE. 422 with fields. */
qn_code qn_svc_stay_calc(qn_svc_ctx *ctx, const char *citizenship, const qn_trip *trips, size_t n,
                         qn_date_t on, qn_date_t visa_until, qn_stay_answer *out, qn_err *e);

/* The stay of the person holding the document (country, number) on `on`,
 * with every visa, permit, extension visa and exit visa on record — the
 * sources and rules of the border's exit check, so the two agree.
 * 403 for roles without access; 404 when no such document is on record. */
qn_code qn_svc_stay_person(qn_svc_ctx *ctx, const char *doc_country, const char *doc_number, qn_date_t on,
                           qn_stay_answer *out, qn_err *e);

#endif
