/* documents.c — the public origin, verification codes and the public check
 * of printed documents (see documents.h).
 *
 * Which number is which document: notification numbers ("N-...") name the
 * confirmation of a notification of arrival; application numbers ("A-...")
 * name the paper the application's result prints — the registration notice
 * of a registered foreigner_temporary application, the certificate of a
 * granted lost_passport application, the exit visa of a granted exit_visa
 * application. A number whose record printed nothing (an application still
 * pending, a citizen's registration, which is an entry in the register and
 * no paper) is "not genuine", like an unknown one.
 *
 * Validity: a notification is valid until the last day of the stay it
 * announces and revoked once rejected or cancelled; a registration notice
 * until the last day of the registration period; a certificate or an exit
 * visa until the end of the period its decision records ("valid_until" of
 * a certificate, "to" of an exit visa; none recorded: valid). The holder of
 * a certificate or an exit visa is the person on record the decision names
 * (as printed), that of the other documents the signed document's foreigner.
 */
#include "service/documents.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/service_internal.h"

qn_code qn_service_set_public_url(qn_service *svc, const char *url, qn_err *e)
{
    char probe[QN_DOC_URL_MAX + 1];
    size_t n = url ? strlen(url) : 0;
    if (n == 0 || n > QN_SVC_PUBLIC_URL_MAX ||
        qn_doc_verify_url(url, "N-0000-000000", "AAAAAAAAAA", probe, sizeof probe, NULL) != QN_OK)
        return qn_err_field(
            e, "public_url",
            "must be an http:// or https:// origin (optionally with a path) of at most %d bytes, "
            "without query or fragment",
            QN_SVC_PUBLIC_URL_MAX);
    pthread_mutex_lock(&svc->doc_lock);
    snprintf(svc->public_url, sizeof svc->public_url, "%.*s", (int)(url[n - 1] == '/' ? n - 1 : n), url);
    pthread_mutex_unlock(&svc->doc_lock);
    return QN_OK;
}

void qn_service_public_url(qn_service *svc, char out[QN_SVC_PUBLIC_URL_MAX + 1])
{
    pthread_mutex_lock(&svc->doc_lock);
    snprintf(out, QN_SVC_PUBLIC_URL_MAX + 1, "%s", svc->public_url);
    pthread_mutex_unlock(&svc->doc_lock);
}

/* The verification key: from memory, else from the store (made on first use). */
static qn_code doc_key(qn_svc_ctx *ctx, unsigned char key[32], qn_err *e)
{
    qn_service *svc = ctx->svc;
    pthread_mutex_lock(&svc->doc_lock);
    bool have = svc->has_doc_key;
    if (have)
        memcpy(key, svc->doc_key, 32);
    pthread_mutex_unlock(&svc->doc_lock);
    if (have)
        return QN_OK;
    unsigned char candidate[32];
    randombytes_buf(candidate, sizeof candidate);
    size_t len = 0;
    qn_svc_conn c = {0};
    qn_code rc = qn_svc_acquire_writer(ctx, &c, e);
    if (rc == QN_OK)
        rc = qn_store_secret_get_or_put(c.conn, "doc_verify_key", candidate, sizeof candidate, key, 32, &len,
                                        e);
    qn_svc_release(ctx, &c);
    sodium_memzero(candidate, sizeof candidate);
    if (rc == QN_OK && len != 32)
        rc = qn_err_set(e, QN_E_INTERNAL, "the document verification key has %zu bytes, not 32", len);
    if (rc != QN_OK)
        return rc;
    pthread_mutex_lock(&svc->doc_lock);
    memcpy(svc->doc_key, key, 32);
    svc->has_doc_key = true;
    pthread_mutex_unlock(&svc->doc_lock);
    return QN_OK;
}

qn_code qn_svc_doc_pdf(const qn_doc *doc, unsigned char **pdf, size_t *len, qn_err *e)
{
    *pdf = NULL;
    unsigned char *out = NULL;
    qn_code rc = qn_doc_pdf_render(doc, NULL, &out, len, e);
    if (rc == QN_OK) {
        *pdf = malloc(*len);
        if (*pdf)
            memcpy(*pdf, out, *len);
        else
            rc = qn_err_set(e, QN_E_NOMEM, "out of memory");
    }
    qn_doc_pdf_free(out);
    return rc;
}

qn_code qn_svc_doc_link(qn_svc_ctx *ctx, const char *number, char code[QN_DOC_CODE_LEN + 1],
                        char url[QN_DOC_URL_MAX + 1], qn_err *e)
{
    code[0] = url[0] = '\0';
    char base[QN_SVC_PUBLIC_URL_MAX + 1];
    qn_service_public_url(ctx->svc, base);
    if (!base[0])
        return qn_err_set(e, QN_E_UNAVAILABLE, "the server has no public URL for verification links yet");
    unsigned char key[32];
    qn_code rc = doc_key(ctx, key, e);
    if (rc == QN_OK)
        rc = qn_doc_verify_code(key, sizeof key, number, code, e);
    sodium_memzero(key, sizeof key);
    if (rc == QN_OK)
        rc = qn_doc_verify_url(base, number, code, url, QN_DOC_URL_MAX + 1, e);
    return rc;
}

qn_code qn_svc_doc_lang(const char *lang, qn_doc_lang *out, qn_err *e)
{
    *out = QN_DOC_LANG_KK;
    if (!lang || !lang[0])
        return QN_OK;
    if (!qn_doc_lang_parse(lang, out))
        return qn_err_field(e, "lang", "must be kk, ru or en");
    return QN_OK;
}

/* ------------------------------------------------------------ the check */

static const char *str_of(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static qn_date_t date_of(const json_t *o, const char *key)
{
    qn_date_t d = QN_DATE_NONE;
    const char *s = json_string_value(json_object_get(o, key));
    if (s && !qn_date_parse_cstr(s, &d, NULL))
        d = QN_DATE_NONE;
    return d;
}

static void holder_of(char *out, size_t cap, const json_t *person)
{
    const char *surname = str_of(person, "surname"), *given = str_of(person, "given_names");
    snprintf(out, cap, "%s%s%s", surname, surname[0] && given[0] ? " " : "", given);
}

/* The status of a document valid until `until` (QN_DATE_NONE: no end). */
static void set_validity(qn_doc_check *out, qn_date_t today, bool revoked)
{
    const char *status = revoked                                                          ? "revoked"
                         : (out->valid_until != QN_DATE_NONE && out->valid_until < today) ? "expired"
                                                                                          : "valid";
    snprintf(out->status, sizeof out->status, "%s", status);
    out->valid = strcmp(status, "valid") == 0;
}

static bool from_notification(const qn_store_notification *n, qn_date_t today, qn_doc_check *out)
{
    json_t *p = n->payload ? json_loads(n->payload, 0, NULL) : NULL;
    snprintf(out->kind, sizeof out->kind, "%s", qn_doc_kind_name(QN_DOC_ARRIVAL_NOTIFICATION));
    out->issued = qn_date_from_epoch_kz(n->created_at);
    out->valid_from = n->stay_from;
    out->valid_until = n->stay_to;
    snprintf(out->region, sizeof out->region, "%s", str_of(json_object_get(p, "address"), "region"));
    holder_of(out->holder, sizeof out->holder, json_object_get(p, "foreigner"));
    json_decref(p);
    set_validity(out, today, strcmp(n->status, "rejected") == 0 || strcmp(n->status, "cancelled") == 0);
    return true;
}

static bool from_application(qn_store_conn *conn, const qn_store_application *a, qn_date_t today,
                             qn_doc_check *out)
{
    qn_doc_kind kind;
    if (strcmp(a->kind, "foreigner_temporary") == 0 && strcmp(a->state, "registered") == 0)
        kind = QN_DOC_REGISTRATION_NOTICE;
    else if (strcmp(a->kind, "lost_passport") == 0 && strcmp(a->state, "granted") == 0)
        kind = QN_DOC_LOST_PASSPORT;
    else if (strcmp(a->kind, "exit_visa") == 0 && strcmp(a->state, "granted") == 0)
        kind = QN_DOC_EXIT_VISA;
    else
        return false; /* nothing was printed for it */
    json_t *p = a->payload ? json_loads(a->payload, 0, NULL) : NULL;
    json_t *r = a->reasons ? json_loads(a->reasons, 0, NULL) : NULL;
    snprintf(out->kind, sizeof out->kind, "%s", qn_doc_kind_name(kind));
    out->issued = qn_date_from_epoch_kz(a->updated_at);
    snprintf(out->region, sizeof out->region, "%s", a->region);
    const json_t *person = json_object_get(p, "foreigner");
    holder_of(out->holder, sizeof out->holder, person);
    if (kind == QN_DOC_REGISTRATION_NOTICE) {
        const json_t *period = json_object_get(p, "period");
        out->valid_from = date_of(period, "from");
        out->valid_until = date_of(period, "to");
    } else {
        /* The certificate and the exit visa print the person as on record
         * (reg_documents.c), the decision's person_id: so does the check.
         * The exit visa's document has no foreigner at all (its holder was
         * empty here) and the statement of loss may leave the names out. */
        qn_store_person per;
        qn_err miss;
        qn_err_clear(&miss);
        int64_t person_id = (int64_t)json_integer_value(json_object_get(r, "person_id"));
        if (person_id > 0 && qn_store_person_get(conn, person_id, &per, &miss) == QN_OK)
            snprintf(out->holder, sizeof out->holder, "%.99s%s%.99s", per.surname, /* as printed */
                     per.surname[0] && per.given_names[0] ? " " : "", per.given_names);
        /* The exit visa's decision records its period as "from"/"to"
         * (reg_exit_visa.c), the certificate's as "valid_from"/"valid_until"
         * (reg_loss.c); only the latter was read, so a visa showed no
         * period and never expired. */
        bool visa = kind == QN_DOC_EXIT_VISA;
        out->valid_from = date_of(r, visa ? "from" : "valid_from");
        out->valid_until = date_of(r, visa ? "to" : "valid_until");
    }
    json_decref(p);
    json_decref(r);
    set_validity(out, today, false);
    return true;
}

/* Counts a failure from the caller's address; the answer stays "not genuine". */
static qn_code refuse(qn_svc_ctx *ctx, qn_err *e)
{
    qn_svc_conn c = {0};
    qn_err store_e;
    qn_err_clear(&store_e);
    if (qn_svc_acquire_writer(ctx, &c, &store_e) == QN_OK)
        qn_store_verify_failure_add(c.conn, ctx->client_addr, ctx->now, ctx->now - QN_SVC_VERIFY_WINDOW,
                                    &store_e);
    qn_svc_release(ctx, &c);
    qn_err_set(e, QN_E_NOT_FOUND, "no genuine document has this number and verification code");
    qn_err_sub(e, "not_genuine");
    return QN_E_NOT_FOUND;
}

qn_code qn_svc_doc_verify(qn_svc_ctx *ctx, const char *number, const char *code, qn_doc_check *out, qn_err *e)
{
    memset(out, 0, sizeof *out);
    out->issued = out->valid_from = out->valid_until = QN_DATE_NONE;
    qn_svc_conn c = {0};
    qn_code rc = qn_svc_acquire(ctx, &c, e);
    int64_t failures = 0;
    if (rc == QN_OK)
        rc =
            qn_store_verify_failures(c.conn, ctx->client_addr, ctx->now - QN_SVC_VERIFY_WINDOW, &failures, e);
    qn_svc_release(ctx, &c);
    if (rc != QN_OK)
        return rc;
    if (failures >= QN_SVC_VERIFY_MAX_FAILURES) {
        qn_err_set(e, QN_E_RATE_LIMITED, "too many failed checks from this address; try again in %d minutes",
                   QN_SVC_VERIFY_WINDOW / 60);
        qn_err_sub(e, "verify_rate");
        return QN_E_RATE_LIMITED;
    }
    if (!qn_doc_number_is_valid(number) || !code)
        return refuse(ctx, e);
    unsigned char key[32];
    rc = doc_key(ctx, key, e);
    if (rc != QN_OK)
        return rc;
    bool genuine = qn_doc_verify_code_check(key, sizeof key, number, code);
    sodium_memzero(key, sizeof key);
    if (!genuine)
        return refuse(ctx, e);

    qn_date_t today = qn_svc_today(ctx);
    bool found = false;
    rc = qn_svc_acquire(ctx, &c, e);
    if (rc != QN_OK)
        return rc;
    qn_err miss;
    qn_err_clear(&miss);
    qn_store_notification n;
    memset(&n, 0, sizeof n);
    qn_store_application a;
    memset(&a, 0, sizeof a);
    if (qn_store_notification_by_number(c.conn, number, &n, &miss) == QN_OK) {
        found = from_notification(&n, today, out);
    } else if (miss.code != QN_E_NOT_FOUND) {
        rc = miss.code;
        if (e)
            *e = miss;
    } else {
        qn_err_clear(&miss);
        if (qn_store_application_by_number(c.conn, number, &a, &miss) == QN_OK)
            found = from_application(c.conn, &a, today, out);
        else if (miss.code != QN_E_NOT_FOUND) {
            rc = miss.code;
            if (e)
                *e = miss;
        }
    }
    qn_store_notification_clear(&n);
    qn_store_application_clear(&a);
    qn_svc_release(ctx, &c);
    if (rc != QN_OK)
        return rc;
    if (!found)
        return refuse(ctx, e);
    snprintf(out->number, sizeof out->number, "%s", number);
    return QN_OK;
}
