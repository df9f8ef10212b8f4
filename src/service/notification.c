/* notification.c — notification of arrival use cases (see notification.h).
 *
 * Submit = check (rules, no I/O) + record (one transaction: the person and
 * document found or created, the address, the notification, the migration
 * card, an art. 518 violation when late, a notice in the host's History of
 * Services, and the idempotency key with the answer). A batch does the same
 * for many rows in one transaction, each row in a savepoint of the store's
 * batch (qn_store_batch_*), so that one bad row leaves nothing of itself and
 * does not undo the others; its idempotency key is claimed and finished in
 * that transaction like a single submission's.
 *
 * Lists are the store's: a host's by host, an officer's by region, each with
 * its index, real paging and a real total. Fields shown in lists and reads
 * (names, document) are taken from the payload stored with the notification,
 * as submitted (names trimmed), so a list costs one query.
 */
#include "service/notification.h"

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/country.h"
#include "core/deadline.h"
#include "core/field_rules.h"
#include "core/violation.h"
#include "service/committer.h"
#include "service/notification_batch.h"
#include "service/regions.h"
#include "service/service_internal.h"

static void add_warning(qn_notification_out *out, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void add_warning(qn_notification_out *out, const char *code, const char *fmt, ...)
{
    if (out->n_warnings >= QN_NOTIF_MAX_WARNINGS)
        return;
    qn_warning *w = &out->warnings[out->n_warnings++];
    snprintf(w->code, sizeof w->code, "%s", code);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->message, sizeof w->message, fmt, ap);
    va_end(ap);
}

/* Copies src (NULL: "") into dst of n bytes, truncating (inputs were
 * bounded by the decoder to fit). */
static void copy(char *dst, size_t n, const char *src)
{
    size_t len = src ? strnlen(src, n - 1) : 0;
    if (len)
        memcpy(dst, src, len);
    dst[len] = '\0';
}

/* The same without leading and trailing spaces (names). */
static void copy_trim(char *dst, size_t n, const char *src)
{
    size_t start = 0, len = 0;
    qn_field_trim(src, &start, &len);
    if (len > n - 1)
        len = n - 1;
    if (len)
        memcpy(dst, src + start, len);
    dst[len] = '\0';
}

/* The field error of a refused country code, with a hint when one helps. */
static void bad_country(qn_err *e, const char *field, const char *code, const char *what)
{
    const char *hint = qn_country_hint(code);
    qn_err_field(e, field, "'%.8s' is not %s%s%s", code, what, hint[0] ? ": " : "", hint);
}

/* Checks the formats of the fields (core/field_rules.h, core/country.h). */
static void check_formats(const qn_notification_in *in, qn_err *e)
{
    const char *why;
    if (in->surname && (why = qn_field_name(in->surname)))
        qn_err_field(e, "foreigner.surname", "%s", why);
    if (in->given_names && (why = qn_field_name(in->given_names)))
        qn_err_field(e, "foreigner.given_names", "%s", why);
    if (in->patronymic && (why = qn_field_name(in->patronymic)))
        qn_err_field(e, "foreigner.patronymic", "%s", why);
    if (!in->citizenship)
        qn_err_field(e, "foreigner.citizenship", "is required");
    else if (!qn_country_is_nationality(in->citizenship))
        bad_country(e, "foreigner.citizenship", in->citizenship,
                    "a nationality code (ISO 3166-1 alpha-3 such as DEU, or ICAO XXA stateless, XXB/XXC "
                    "refugee, XXX unspecified)");
    else if (strcmp(in->citizenship, "KAZ") == 0)
        qn_err_field(e, "foreigner.citizenship",
                     "is KAZ: citizens of Kazakhstan are not notified as foreigners");
    if (in->doc_number && (why = qn_field_doc_number(in->doc_number)))
        qn_err_field(e, "foreigner.document.number", "%s", why);
    if (!in->doc_country)
        qn_err_field(e, "foreigner.document.country", "is required");
    else if (!qn_country_is_issuer(in->doc_country))
        bad_country(e, "foreigner.document.country", in->doc_country,
                    "an issuing state or organisation (ISO 3166-1 alpha-3 or an ICAO Doc 9303 code)");
    if (in->address_code && (why = qn_field_address_code(in->address_code)))
        qn_err_field(e, "address.code", "%s", why);
    if (in->purpose && (why = qn_field_purpose(in->purpose)))
        qn_err_field(e, "purpose", "%s", why);
    if (in->visa_number && (why = qn_field_doc_number(in->visa_number)))
        qn_err_field(e, "visa.number", "%s", why);
    if (in->migration_card && (why = qn_field_doc_number(in->migration_card)))
        qn_err_field(e, "migration_card.number", "%s", why);
    if (in->migration_card_mark && !in->migration_card)
        qn_err_field(e, "migration_card.number", "is required with a border mark");
}

qn_code qn_svc_notification_check(qn_svc_ctx *ctx, const qn_notification_in *in, qn_notification_out *out,
                                  qn_err *e)
{
    memset(out, 0, sizeof *out);
    qn_date_t today = qn_svc_today(ctx);
    char d1[QN_DATE_STRLEN], d2[QN_DATE_STRLEN];
    if (!in->surname)
        qn_err_field(e, "foreigner.surname", "is required");
    if (!in->given_names)
        qn_err_field(e, "foreigner.given_names", "is required");
    if (!in->sex || (strcmp(in->sex, "M") && strcmp(in->sex, "F") && strcmp(in->sex, "X")))
        qn_err_field(e, "foreigner.sex", "must be M, F or X");
    if (in->birth_date == QN_DATE_NONE)
        qn_err_field(e, "foreigner.birth_date", "is required");
    else if (in->birth_date > today)
        qn_err_field(e, "foreigner.birth_date", "is in the future");
    if (!in->doc_number)
        qn_err_field(e, "foreigner.document.number", "is required");
    if (in->doc_expires == QN_DATE_NONE)
        qn_err_field(e, "foreigner.document.expires", "is required");
    if (in->entry_date == QN_DATE_NONE)
        qn_err_field(e, "entry.date", "is required");
    if (in->arrival_date == QN_DATE_NONE)
        qn_err_field(e, "arrival_date", "is required");
    if (in->stay_from == QN_DATE_NONE)
        qn_err_field(e, "stay.from", "is required");
    if (in->stay_to == QN_DATE_NONE)
        qn_err_field(e, "stay.to", "is required");
    if (!in->address_region || !qn_region_find(in->address_region))
        qn_err_field(e, "address.region", "must be one of the 20 region codes (GET /api/v1/regions)");
    if (!in->address_text)
        qn_err_field(e, "address.text", "is required");
    if (!in->purpose)
        qn_err_field(e, "purpose", "is required");
    if (in->visa_number && in->visa_valid_until == QN_DATE_NONE)
        qn_err_field(e, "visa.valid_until", "is required with a visa");
    check_formats(in, e);
    if (e && e->code != QN_OK)
        return e->code;

    /* Dates in order: birth <= entry <= arrival <= stay.from <= stay.to. */
    if (in->entry_date < in->birth_date)
        qn_err_field(e, "entry.date", "is before the birth date");
    if (in->entry_date > today)
        qn_err_field(e, "entry.date", "is in the future (%s)", qn_date_format(in->entry_date, d1));
    if (in->arrival_date < in->entry_date)
        qn_err_field(e, "arrival_date", "is before the entry date (%s)", qn_date_format(in->entry_date, d1));
    if (in->arrival_date > today)
        qn_err_field(e, "arrival_date", "is in the future: notify on or after the arrival");
    if (in->stay_from < in->arrival_date)
        qn_err_field(e, "stay.from", "is before the arrival date (%s)", qn_date_format(in->arrival_date, d1));
    if (in->stay_to < in->stay_from)
        qn_err_field(e, "stay.to", "is before stay.from (%s)", qn_date_format(in->stay_from, d1));
    /* A stay cannot be lawful on a document that expires before it ends. */
    if (in->doc_expires < in->stay_to)
        qn_err_field(e, "foreigner.document.expires",
                     "the document expires on %s, before the planned departure (stay.to %s)",
                     qn_date_format(in->doc_expires, d1), qn_date_format(in->stay_to, d2));
    if (e && e->code != QN_OK)
        return e->code;

    /* Decree 148 para. 9: 3 working days from arrival; late is accepted
     * and becomes an art. 518 matter. */
    out->deadline = qn_deadline_notification(in->arrival_date);
    out->on_time = !qn_deadline_is_late_at(out->deadline, ctx->now);
    if (!out->on_time)
        add_warning(
            out, "late",
            "the deadline to notify was %s; the host is liable under art. 518 of the Administrative Code",
            qn_date_format(out->deadline, d1));
    if (in->visa_number && in->visa_valid_until < in->stay_to)
        add_warning(out, "visa_expires", "the visa is valid until %s, before stay.to (%s)",
                    qn_date_format(in->visa_valid_until, d1), qn_date_format(in->stay_to, d2));
    qn_svc_stay_warnings(in, out);

    out->arrival_date = in->arrival_date;
    out->entry_date = in->entry_date;
    out->stay_from = in->stay_from;
    out->stay_to = in->stay_to;
    copy(out->citizenship, sizeof out->citizenship, in->citizenship);
    copy_trim(out->surname, sizeof out->surname, in->surname);
    copy_trim(out->given_names, sizeof out->given_names, in->given_names);
    copy(out->doc_number, sizeof out->doc_number, in->doc_number);
    copy(out->doc_country, sizeof out->doc_country, in->doc_country);
    copy(out->address_code, sizeof out->address_code, in->address_code);
    copy(out->region, sizeof out->region, in->address_region);
    copy(out->purpose, sizeof out->purpose, in->purpose);
    copy(out->status, sizeof out->status, "submitted");
    return QN_OK;
}

/* The account under which the caller's notifications are filed: the host
 * record of its IIN/BIN (shared by a hotel's operators), else itself. */
static int64_t owner_account(qn_store_conn *conn, const qn_principal *who)
{
    qn_store_host h;
    qn_err ignore;
    if (who->party_id[0] && qn_store_host_by_iin_bin(conn, who->party_id, &h, &ignore) == QN_OK &&
        h.account_id > 0)
        return h.account_id;
    return who->account_id;
}

/* Finds the foreigner by document or records person and document. */
static qn_code resolve_person(qn_store_conn *conn, const qn_notification_in *in, int64_t *person_id,
                              qn_err *e)
{
    qn_store_document d;
    qn_err miss;
    qn_err_clear(&miss);
    qn_code rc = qn_store_document_find(conn, in->doc_country, in->doc_number, &d, &miss);
    if (rc == QN_OK) {
        *person_id = d.person_id;
        return QN_OK;
    }
    if (rc != QN_E_NOT_FOUND) {
        if (e)
            *e = miss;
        return rc;
    }
    qn_store_person p;
    memset(&p, 0, sizeof p);
    copy(p.kind, sizeof p.kind, strcmp(in->citizenship, "XXA") == 0 ? "stateless" : "foreigner");
    copy_trim(p.surname, sizeof p.surname, in->surname);
    copy_trim(p.given_names, sizeof p.given_names, in->given_names);
    copy(p.citizenship, sizeof p.citizenship, in->citizenship);
    p.birth_date = in->birth_date;
    copy(p.sex, sizeof p.sex, in->sex);
    rc = qn_store_person_create(conn, &p, e);
    if (rc != QN_OK)
        return rc;
    memset(&d, 0, sizeof d);
    d.person_id = p.id;
    /* ICAO Doc 9303: XXA stateless, XXB and XXC refugees travel on their
     * own documents. */
    const char *kind = strcmp(in->citizenship, "XXA") == 0 ? "stateless_travel"
                       : strcmp(in->citizenship, "XXB") == 0 || strcmp(in->citizenship, "XXC") == 0
                           ? "refugee_travel"
                           : "passport";
    copy(d.kind, sizeof d.kind, kind);
    copy(d.number, sizeof d.number, in->doc_number);
    copy(d.country, sizeof d.country, in->doc_country);
    d.issued = QN_DATE_NONE;
    d.expires = in->doc_expires;
    rc = qn_store_document_create(conn, &d, e);
    if (rc == QN_OK)
        *person_id = p.id;
    return rc;
}

/* Records the address when it has a code; a known code must agree on the region. */
static qn_code resolve_address(qn_store_conn *conn, const qn_notification_in *in, qn_err *e)
{
    if (!in->address_code)
        return QN_OK;
    qn_store_address a;
    qn_err miss;
    qn_err_clear(&miss);
    qn_code rc = qn_store_address_get(conn, in->address_code, &a, &miss);
    if (rc == QN_OK) {
        if (strcmp(a.region, in->address_region) != 0)
            return qn_err_field(e, "address.region",
                                "is %s but the address register has this code in region %s",
                                in->address_region, a.region);
        return QN_OK;
    }
    if (rc != QN_E_NOT_FOUND) {
        if (e)
            *e = miss;
        return rc;
    }
    memset(&a, 0, sizeof a);
    copy(a.code, sizeof a.code, in->address_code);
    copy(a.region, sizeof a.region, in->address_region);
    copy(a.text, sizeof a.text, in->address_text);
    return qn_store_address_put(conn, &a, e);
}

static void fill_store_row(const qn_notification_in *in, const qn_notification_out *chk, int64_t owner,
                           int64_t person_id, qn_store_notification *n)
{
    memset(n, 0, sizeof *n);
    n->host_account_id = owner;
    n->person_id = person_id;
    n->entry_date = in->entry_date;
    copy(n->checkpoint, sizeof n->checkpoint, in->checkpoint);
    n->arrival_date = in->arrival_date;
    copy(n->address_code, sizeof n->address_code, in->address_code);
    n->stay_from = in->stay_from;
    n->stay_to = in->stay_to;
    copy(n->purpose, sizeof n->purpose, in->purpose);
    n->deadline = chk->deadline;
    n->on_time = chk->on_time;
    copy(n->status, sizeof n->status, "submitted");
    n->payload = (char *)(in->payload_json ? in->payload_json : "{}");
    copy(n->region, sizeof n->region, in->address_region);
    copy(n->citizenship, sizeof n->citizenship, in->citizenship);
    n->refuse_duplicate = true; /* notification.h: one per host, person and arrival day */
}

/* Records the migration card the notification carried, if any. */
static qn_code record_card(qn_store_conn *conn, const qn_notification_in *in, const qn_store_notification *n,
                           qn_err *e)
{
    if (!in->migration_card)
        return QN_OK;
    qn_store_migration_card m;
    memset(&m, 0, sizeof m);
    m.person_id = n->person_id;
    m.notification_id = n->id;
    copy(m.number, sizeof m.number, in->migration_card);
    m.entry_date = in->entry_date;
    copy(m.checkpoint, sizeof m.checkpoint, in->checkpoint);
    copy(m.border_mark, sizeof m.border_mark, in->migration_card_mark);
    m.created_at = n->created_at;
    return qn_store_migration_card_add(conn, &m, e);
}

/* The art. 518 record of a late notification and the host's notice. */
static qn_code record_consequences(qn_svc_ctx *ctx, qn_store_conn *conn, const qn_store_notification *n,
                                   qn_notification_out *out, qn_err *e)
{
    char arrival[QN_DATE_STRLEN], deadline[QN_DATE_STRLEN], today[QN_DATE_STRLEN];
    qn_date_format(n->arrival_date, arrival);
    qn_date_format(n->deadline, deadline);
    qn_date_format(qn_svc_today(ctx), today);
    qn_code rc = QN_OK;
    if (!n->on_time) {
        qn_store_violation v;
        memset(&v, 0, sizeof v);
        copy(v.kind, sizeof v.kind, "art518");
        v.subject_account_id = n->host_account_id;
        copy(v.subject_iin_bin, sizeof v.subject_iin_bin, ctx->who->party_id);
        /* CAO art. 518 (core/violation.h). Business size is not on record:
         * legal entities and hotels are assessed as small businesses, the
         * officer can correct the case; repetition is the officer's finding. */
        qn_violation_facts vf;
        memset(&vf, 0, sizeof vf);
        vf.kind = QN_VIOL_HOST_NOTIFICATION;
        vf.offence_date = n->deadline + 1;
        vf.host_kind =
            ctx->who->role == QN_ROLE_HOST_INDIVIDUAL ? QN_HOST_INDIVIDUAL : QN_HOST_SMALL_BUSINESS;
        vf.days_late = qn_svc_today(ctx) - n->deadline;
        if (vf.days_late < 1)
            vf.days_late = 1;
        qn_sanction sanction;
        memset(&sanction, 0, sizeof sanction);
        qn_err assess;
        qn_err_clear(&assess);
        if (qn_violation_assess(&vf, &sanction, &assess) == QN_OK) {
            snprintf(out->sanction, sizeof out->sanction, "%s", sanction.code ? sanction.code : "");
            out->fine_mci = sanction.fine_mci;
            v.fine_mci = sanction.fine_mci;
            v.fine_amount = sanction.amount_kzt;
            snprintf(v.article, sizeof v.article, "%d.%d", sanction.article, sanction.part);
        } else {
            copy(v.article, sizeof v.article, "518.1");
        }
        char facts[512];
        snprintf(
            facts, sizeof facts,
            "{\"notification\":\"%s\",\"arrival_date\":\"%s\",\"deadline\":\"%s\",\"notified_on\":\"%s\","
            "\"days_late\":%d,\"sanction\":\"%s\"}",
            n->number, arrival, deadline, today, vf.days_late, out->sanction);
        v.facts = facts;
        snprintf(out->article, sizeof out->article, "%s", v.article);
        copy(v.state, sizeof v.state, "open");
        copy(v.region, sizeof v.region, out->region);
        v.notification_id = n->id;
        rc = qn_store_violation_create(conn, &v, e);
        if (rc != QN_OK)
            return rc;
        out->violation_id = v.id;
    }
    qn_store_notice note;
    memset(&note, 0, sizeof note);
    note.account_id = ctx->who->account_id;
    copy(note.kind, sizeof note.kind, "notification");
    copy(note.ref, sizeof note.ref, n->number);
    json_t *body = json_pack("{s:s, s:s, s:s, s:s, s:b, s:s}", "text", "Notification of arrival received",
                             "number", n->number, "arrival_date", arrival, "deadline", deadline, "on_time",
                             n->on_time, "foreigner", out->surname);
    note.body = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    if (!note.body)
        return qn_err_set(e, QN_E_NOMEM, "out of memory");
    note.created_at = ctx->now;
    rc = qn_store_notice_add(conn, &note, e);
    free(note.body);
    return rc;
}

static qn_code must_be_host(const qn_svc_ctx *ctx, qn_err *e)
{
    if (!qn_role_is_host(ctx->who->role))
        return qn_err_set(e, QN_E_FORBIDDEN,
                          "only a host (individual, legal entity or hotel) notifies arrivals; you are %s",
                          qn_role_name(ctx->who->role));
    return QN_OK;
}

/* One submission handed to the committer (committer.h): what the request
 * thread decided without the database, and where the answer goes. */
typedef struct {
    qn_svc_job base; /* first: the committer sees only this */
    qn_svc_ctx *ctx;
    const qn_notification_in *in;
    const char *idem_key;
    unsigned char digest[32];
    qn_notification_render render;
    void *render_user;
    qn_notification_out *out;
    qn_idem_replay *replay;
    qn_code check_rc; /* the rules' verdict, given after the idempotency claim */
    qn_err check_err;
    qn_err err;
} submit_job;

/* The write of one submission, in its savepoint of the committer's group:
 * the idempotency claim first (a replay or a key reused with another body
 * is answered before the rules, as when each request had its own
 * transaction), then the rules' verdict, then the records. */
static qn_code submit_write(qn_svc_job *job, qn_store_conn *conn, qn_err *e)
{
    submit_job *j = (submit_job *)job;
    qn_svc_ctx *ctx = j->ctx;
    const qn_notification_in *in = j->in;
    qn_notification_out *out = j->out;
    qn_code rc = QN_OK;
    if (j->idem_key) {
        qn_store_idem idem = {0};
        rc = qn_store_idem_claim(conn, ctx->who->account_id, j->idem_key, j->digest, &idem, e);
        if (rc != QN_OK)
            return rc;
        if (idem.replay) {
            j->replay->replay = true;
            j->replay->status = idem.status;
            j->replay->body = idem.body;
            return QN_OK; /* the claim wrote nothing */
        }
        qn_store_idem_clear(&idem);
    }
    if (j->check_rc != QN_OK) {
        *e = j->check_err;
        return j->check_rc;
    }
    int64_t person_id = 0;
    rc = resolve_address(conn, in, e);
    if (rc == QN_OK)
        rc = resolve_person(conn, in, &person_id, e);
    if (rc != QN_OK)
        return rc;
    qn_store_notification n;
    fill_store_row(in, out, owner_account(conn, ctx->who), person_id, &n);
    n.created_at = ctx->now;
    rc = qn_store_notification_create(conn, &n, e);
    if (rc != QN_OK)
        return rc;
    out->id = n.id;
    copy(out->number, sizeof out->number, n.number);
    out->created_at = n.created_at;
    rc = record_card(conn, in, &n, e);
    if (rc == QN_OK)
        rc = record_consequences(ctx, conn, &n, out, e);
    if (rc == QN_OK && j->idem_key) {
        char *body = j->render(out, j->render_user);
        if (!body)
            rc = qn_err_set(e, QN_E_NOMEM, "out of memory");
        else
            rc = qn_store_idem_finish(conn, ctx->who->account_id, j->idem_key, 201, body, e);
        free(body);
    }
    return rc;
}

/* Fills a job; returns QN_OK when it must go to the committer, else the
 * answer (an invalid request without a key needs no database). */
static qn_code submit_prepare(submit_job *j, qn_svc_ctx *ctx, const qn_notification_in *in,
                              const char *idem_key, const unsigned char body_digest[32],
                              qn_notification_render render, void *render_user, qn_notification_out *out,
                              qn_idem_replay *replay, qn_err *e)
{
    memset(j, 0, offsetof(submit_job, check_err));
    if (replay)
        memset(replay, 0, sizeof *replay);
    qn_code rc = must_be_host(ctx, e);
    if (rc != QN_OK)
        return rc;
    qn_err_clear(&j->check_err);
    j->check_rc = qn_svc_notification_check(ctx, in, out, &j->check_err);
    if (j->check_rc != QN_OK && !idem_key) {
        if (e)
            *e = j->check_err;
        return j->check_rc;
    }
    j->ctx = ctx;
    j->in = in;
    j->idem_key = idem_key;
    if (idem_key)
        memcpy(j->digest, body_digest, sizeof j->digest);
    j->render = render;
    j->render_user = render_user;
    j->out = out;
    j->replay = replay;
    j->base.write = submit_write;
    j->base.err = &j->err;
    j->base.actor_id = ctx->who->account_id;
    snprintf(j->base.actor, sizeof j->base.actor, "%s",
             ctx->who->username[0] ? ctx->who->username : "system");
    qn_err_clear(&j->err);
    return QN_OK;
}

qn_code qn_svc_notification_submit(qn_svc_ctx *ctx, const qn_notification_in *in, const char *idem_key,
                                   const unsigned char body_digest[32], qn_notification_render render,
                                   void *render_user, qn_notification_out *out, qn_idem_replay *replay,
                                   qn_err *e)
{
    submit_job *j = malloc(sizeof *j);
    if (!j)
        return qn_err_set(e, QN_E_NOMEM, "out of memory");
    qn_code rc = submit_prepare(j, ctx, in, idem_key, body_digest, render, render_user, out, replay, e);
    if (rc == QN_OK) {
        rc = qn_svc_commit_wait(ctx->svc->committer, &j->base);
        ctx->db_ns += j->base.wait_ns;
        if (rc != QN_OK && e)
            *e = j->err;
    }
    free(j);
    return rc;
}

qn_code qn_svc_notification_batch_allowed(qn_svc_ctx *ctx, qn_err *e) { return must_be_host(ctx, e); }

size_t qn_svc_notification_batch_max_rows(const qn_svc_ctx *ctx)
{
    size_t n = ctx->svc->batch_max_rows;
    if (n == 0)
        return QN_BATCH_MAX_ROWS;
    return n > QN_BATCH_ROWS_CEILING ? QN_BATCH_ROWS_CEILING : n;
}

/* Is this a failure of the row (its data), or of the batch (the database,
 * memory)? The row's: it is rejected and the batch goes on. */
static bool row_level(qn_code rc)
{
    return rc == QN_E_INVALID || rc == QN_E_CONFLICT || rc == QN_E_TOO_LARGE || rc == QN_E_NOT_FOUND ||
           rc == QN_E_BAD_REQUEST;
}

/* Everything one valid row writes, inside its savepoint. */
static qn_code batch_row(qn_svc_ctx *ctx, qn_store_conn *conn, qn_store_batch *b, int64_t owner,
                         const qn_notification_in *in, qn_notification_out *out, qn_err *e)
{
    int64_t person_id = 0;
    qn_code rc = resolve_address(conn, in, e);
    if (rc == QN_OK)
        rc = resolve_person(conn, in, &person_id, e);
    if (rc != QN_OK)
        return rc;
    qn_store_notification n;
    fill_store_row(in, out, owner, person_id, &n);
    n.created_at = ctx->now;
    rc = qn_store_batch_notification_create(b, &n, e);
    if (rc != QN_OK)
        return rc;
    out->id = n.id;
    copy(out->number, sizeof out->number, n.number);
    out->created_at = n.created_at;
    rc = record_card(conn, in, &n, e);
    if (rc == QN_OK)
        rc = record_consequences(ctx, conn, &n, out, e);
    return rc;
}

/* The row being read or written, and its outcome. */
typedef struct {
    qn_notification_out out;
    qn_err err;
    bool valid;    /* decoded and checked: it is to be written */
    bool recorded; /* written (valid only) */
} batch_slot;

/* The state of the pass (qn_svc_notification_batch_stream). */
typedef struct {
    qn_svc_ctx *ctx;
    const qn_batch_stream *s;
    size_t n;
    const char *idem_key;
    const unsigned char *body_digest;
    qn_idem_replay *replay;
    qn_svc_conn c;
    qn_store_batch *b; /* open once the writer is held */
    int64_t owner;
    size_t inserted;
    batch_slot slots[1];
} batch_writer;

/* Decodes and checks row i into slot (the verdict in slot->valid); a valid
 * row gets its payload too. */
static void batch_read(batch_writer *w, size_t i, qn_notification_in *in, batch_slot *slot)
{
    const qn_batch_stream *s = w->s;
    memset(in, 0, sizeof *in);
    qn_err_clear(&slot->err);
    slot->recorded = false;
    slot->valid = s->row(s->user, i, in, &slot->err) && slot->err.code == QN_OK &&
                  qn_svc_notification_check(w->ctx, in, &slot->out, &slot->err) == QN_OK &&
                  (!s->payload || s->payload(s->user, in, &slot->err));
    if (!slot->valid && slot->err.code == QN_OK)
        qn_err_set(&slot->err, QN_E_INVALID, "the row could not be read");
}

/* Takes the writer, opens the transaction and the store's batch (numbers
 * for at most rows_left rows). With an idempotency key the key is claimed
 * first: a replay fills w->replay and opens no batch. */
static qn_code batch_open(batch_writer *w, size_t rows_left, qn_err *e)
{
    qn_svc_ctx *ctx = w->ctx;
    qn_code rc = qn_svc_acquire_writer(ctx, &w->c, e);
    if (rc == QN_OK)
        rc = qn_store_begin(w->c.conn, e);
    if (rc != QN_OK)
        return rc;
    if (w->idem_key) {
        /* Same claim as a single submission: the key, the rows and the
         * answer commit together; a retry reads the answer back. */
        qn_store_idem idem = {0};
        rc = qn_store_idem_claim(w->c.conn, ctx->who->account_id, w->idem_key, w->body_digest, &idem, e);
        if (rc != QN_OK)
            return rc;
        if (idem.replay) {
            w->replay->replay = true;
            w->replay->status = idem.status;
            w->replay->body = idem.body;
            idem.body = NULL;
            qn_store_idem_clear(&idem);
            qn_store_rollback(w->c.conn);
            return QN_OK;
        }
        qn_store_idem_clear(&idem);
    }
    w->owner = owner_account(w->c.conn, ctx->who);
    return qn_store_batch_begin(w->c.conn, rows_left, &w->b, e);
}

/* Writes the valid row in slot in its own savepoint. A failure of the row is
 * left in slot->err (QN_OK returned); an error of the batch is returned. */
static qn_code batch_write_one(batch_writer *w, const qn_notification_in *in, batch_slot *slot, qn_err *e)
{
    qn_code rc = qn_store_batch_row_begin(w->b, e);
    if (rc != QN_OK)
        return rc;
    qn_err_clear(&slot->err);
    qn_code row_rc = batch_row(w->ctx, w->c.conn, w->b, w->owner, in, &slot->out, &slot->err);
    if (row_rc == QN_OK) {
        rc = qn_store_batch_row_end(w->b, true, e);
        slot->recorded = rc == QN_OK;
        return rc;
    }
    if (!row_level(row_rc)) { /* the database or memory: the batch fails */
        if (e)
            *e = slot->err;
        return row_rc;
    }
    return qn_store_batch_row_end(w->b, false, e);
}

/* Reads row i and, when valid, writes it in its savepoint (the writer is
 * taken at the first valid row), then hands its outcome to the caller.
 * (Rows written in groups under one savepoint, redone alone when one
 * failed, measured slower on SQLite: 20,000 rows in 8.0 s in groups of 32
 * against 2.6 s one by one.) */
static qn_code batch_write_row(batch_writer *w, size_t i, qn_err *e)
{
    qn_notification_in in;
    batch_slot *slot = &w->slots[0];
    batch_read(w, i, &in, slot);
    qn_code rc = QN_OK;
    if (slot->valid && !w->b)
        rc = batch_open(w, w->n - i, e);
    if (rc == QN_OK && slot->valid)
        rc = batch_write_one(w, &in, slot, e);
    bool ok = slot->valid && slot->recorded;
    w->inserted += ok;
    if (rc == QN_OK && !w->s->result(w->s->user, i, ok ? &slot->out : NULL, ok ? NULL : &slot->err))
        rc = qn_err_set(e, QN_E_NOMEM, "out of memory");
    return rc;
}

qn_code qn_svc_notification_batch_stream(qn_svc_ctx *ctx, const qn_batch_stream *s, size_t n,
                                         const char *idem_key, const unsigned char body_digest[32],
                                         size_t *n_ok, qn_idem_replay *replay, qn_err *e)
{
    *n_ok = 0;
    if (replay)
        memset(replay, 0, sizeof *replay);
    qn_code rc = must_be_host(ctx, e);
    if (rc != QN_OK)
        return rc;
    size_t max = qn_svc_notification_batch_max_rows(ctx);
    if (n > max) {
        qn_err_set(e, QN_E_TOO_LARGE, "a batch holds at most %zu rows (got %zu)", max, n);
        qn_err_sub(e, "too_many_rows");
        return QN_E_TOO_LARGE;
    }
    if (idem_key && (!body_digest || !s->render || !replay))
        return qn_err_set(e, QN_E_INTERNAL, "an idempotent batch needs its digest and renderer");
    /* The writer's slot (8 KB) is the only per-batch memory here. */
    batch_writer *w = calloc(1, sizeof *w);
    if (!w)
        return qn_err_set(e, QN_E_NOMEM, "out of memory");
    w->ctx = ctx;
    w->s = s;
    w->n = n;
    w->idem_key = idem_key;
    w->body_digest = body_digest;
    w->replay = replay;
    /* With a key the claim comes before any outcome (a replay delivers
     * none); without, the writer is taken at the first valid row, and a
     * batch of invalid rows is answered without the database. */
    if (idem_key) {
        rc = batch_open(w, n, e);
        if (rc != QN_OK || replay->replay)
            goto out;
    }
    for (size_t i = 0; i < n && rc == QN_OK; i++)
        rc = batch_write_row(w, i, e);
    if (w->b) {
        qn_code end = qn_store_batch_end(w->b, rc == QN_OK, e);
        w->b = NULL;
        if (rc == QN_OK)
            rc = end;
        if (rc == QN_OK && idem_key) {
            char *body = s->render(s->user, n, w->inserted);
            if (!body)
                rc = qn_err_set(e, QN_E_NOMEM, "out of memory");
            else
                rc = qn_store_idem_finish(w->c.conn, ctx->who->account_id, idem_key, 200, body, e);
            free(body);
        }
        if (rc == QN_OK)
            rc = qn_store_commit(w->c.conn, e);
    }
out:
    if (rc == QN_OK && !(replay && replay->replay))
        *n_ok = w->inserted;
    qn_store_batch_end(w->b, false, NULL);
    qn_svc_release(ctx, &w->c); /* an uncommitted transaction is rolled back */
    free(w);
    return rc;
}

/* The array form (notification.h) over the stream: rows[] is the source
 * and takes the outcomes. */
typedef struct {
    qn_batch_row *rows;
    size_t n, n_ok;
    qn_batch_render render;
    void *render_user;
} batch_array;

static bool array_row(void *user, size_t i, qn_notification_in *in, qn_err *err)
{
    const qn_batch_row *row = &((batch_array *)user)->rows[i];
    if (!row->in) {
        if (row->err)
            *err = *row->err;
        return false;
    }
    *in = *row->in;
    return true;
}

static bool array_result(void *user, size_t i, const qn_notification_out *out, const qn_err *err)
{
    qn_batch_row *row = &((batch_array *)user)->rows[i];
    row->ok = out != NULL;
    if (out) {
        row->out = *out;
        return true;
    }
    if (!row->err)
        row->err = malloc(sizeof *row->err);
    if (!row->err)
        return false;
    *row->err = *err;
    return true;
}

static char *array_render(void *user, size_t n, size_t n_ok)
{
    batch_array *a = user;
    return a->render(a->rows, n, n_ok, a->render_user);
}

qn_code qn_svc_notification_batch(qn_svc_ctx *ctx, qn_batch_row *rows, size_t n, const char *idem_key,
                                  const unsigned char body_digest[32], qn_batch_render render,
                                  void *render_user, size_t *n_ok, qn_idem_replay *replay, qn_err *e)
{
    batch_array a = {.rows = rows, .n = n, .render = render, .render_user = render_user};
    /* The array's rows carry their payload already: no .payload. */
    qn_batch_stream s = {.row = array_row, .result = array_result, .render = render ? array_render : NULL,
                         .user = &a};
    qn_code rc = qn_svc_notification_batch_stream(ctx, &s, n, idem_key, body_digest, n_ok, replay, e);
    if (rc != QN_OK || (replay && replay->replay))
        for (size_t i = 0; i < n; i++) {
            rows[i].ok = false;
            if (replay && replay->replay && rows[i].in) { /* rows untouched by a replay */
                free(rows[i].err);
                rows[i].err = NULL;
            }
        }
    return rc;
}

/* Fills the read view of a stored notification from the record and its payload. */
static void view_from(const qn_store_notification *n, qn_notification_out *out)
{
    memset(out, 0, sizeof *out);
    out->id = n->id;
    copy(out->number, sizeof out->number, n->number);
    out->arrival_date = n->arrival_date;
    out->entry_date = n->entry_date;
    out->stay_from = n->stay_from;
    out->stay_to = n->stay_to;
    out->deadline = n->deadline;
    out->on_time = n->on_time;
    copy(out->status, sizeof out->status, n->status);
    copy(out->address_code, sizeof out->address_code, n->address_code);
    copy(out->purpose, sizeof out->purpose, n->purpose);
    out->created_at = n->created_at;
    json_t *p = n->payload ? json_loads(n->payload, 0, NULL) : NULL;
    const char *sur = NULL, *giv = NULL, *cit = NULL, *dn = NULL, *dc = NULL, *reg = NULL;
    json_unpack(p, "{s?{s?s, s?s, s?s, s?{s?s, s?s}}, s?{s?s}}", "foreigner", "surname", &sur, "given_names",
                &giv, "citizenship", &cit, "document", "number", &dn, "country", &dc, "address", "region",
                &reg);
    copy_trim(out->surname, sizeof out->surname, sur);
    copy_trim(out->given_names, sizeof out->given_names, giv);
    copy(out->citizenship, sizeof out->citizenship, n->citizenship[0] ? n->citizenship : cit);
    copy(out->doc_number, sizeof out->doc_number, dn);
    copy(out->doc_country, sizeof out->doc_country, dc);
    /* The region column (migration 005) is what lists filter on. */
    copy(out->region, sizeof out->region, n->region[0] ? n->region : reg);
    json_decref(p);
}

/* May the caller see this notification? */
static bool visible(const qn_svc_ctx *ctx, qn_store_conn *conn, const qn_notification_out *v,
                    int64_t host_account_id)
{
    const qn_principal *who = ctx->who;
    if (qn_role_is_host(who->role))
        return host_account_id == owner_account(conn, who);
    if (who->role == QN_ROLE_OFFICER)
        return who->region[0] && strcmp(who->region, v->region) == 0;
    return who->role == QN_ROLE_BORDER;
}

qn_code qn_svc_notification_get(qn_svc_ctx *ctx, int64_t id, qn_notification_out *out, qn_err *e)
{
    qn_role r = ctx->who->role;
    if (!qn_role_is_host(r) && r != QN_ROLE_OFFICER && r != QN_ROLE_BORDER)
        return qn_err_set(e, QN_E_FORBIDDEN, "a %s does not read notifications", qn_role_name(r));
    qn_svc_conn c = {0};
    qn_code rc = qn_svc_acquire(ctx, &c, e);
    if (rc != QN_OK)
        return rc;
    qn_store_notification n;
    memset(&n, 0, sizeof n);
    qn_err miss;
    qn_err_clear(&miss);
    rc = qn_store_notification_get(c.conn, id, &n, &miss);
    if (rc == QN_OK) {
        view_from(&n, out);
        if (!visible(ctx, c.conn, out, n.host_account_id))
            rc = QN_E_NOT_FOUND;
    }
    if (rc == QN_OK) {
        qn_store_migration_card m;
        qn_err none;
        qn_err_clear(&none);
        qn_code card = qn_store_migration_card_of_notification(c.conn, id, &m, &none);
        if (card == QN_OK) {
            copy(out->card_number, sizeof out->card_number, m.number);
            out->card_entry_date = m.entry_date;
            copy(out->card_checkpoint, sizeof out->card_checkpoint, m.checkpoint);
            copy(out->card_border_mark, sizeof out->card_border_mark, m.border_mark);
        } else if (card != QN_E_NOT_FOUND) {
            rc = card;
            miss = none;
        }
    }
    qn_store_notification_clear(&n);
    qn_svc_release(ctx, &c);
    if (rc == QN_E_NOT_FOUND)
        return qn_err_set(e, QN_E_NOT_FOUND, "no notification %lld that you may see", (long long)id);
    if (rc != QN_OK && e)
        *e = miss;
    return rc;
}

qn_code qn_svc_notification_list(qn_svc_ctx *ctx, const qn_notification_query *q, qn_notification_list *out,
                                 qn_err *e)
{
    memset(out, 0, sizeof *out);
    qn_role r = ctx->who->role;
    if (!qn_role_is_host(r) && r != QN_ROLE_OFFICER)
        return qn_err_set(e, QN_E_FORBIDDEN, "only hosts and officers list notifications");
    if (r == QN_ROLE_OFFICER && !ctx->who->region[0])
        return qn_err_set(e, QN_E_FORBIDDEN, "this officer account is bound to no region");
    if (q->per_page < 1 || q->per_page > 1000 || q->page < 1)
        return qn_err_field(e, "per_page", "must be from 1 to 1000 (page from 1)");
    qn_svc_conn c = {0};
    qn_code rc = qn_svc_acquire(ctx, &c, e);
    if (rc != QN_OK)
        return rc;
    qn_store_notification_filter f;
    memset(&f, 0, sizeof f);
    if (q->from != QN_DATE_NONE || q->to != QN_DATE_NONE) {
        f.has_range = true;
        f.arrival_from = q->from != QN_DATE_NONE ? q->from : -1000000;
        f.arrival_to = q->to != QN_DATE_NONE ? q->to : 1000000;
    }
    copy(f.status, sizeof f.status, q->status);
    /* A host's own (by the host index), an officer's region's (by the
     * region index): the store pages and counts. */
    if (qn_role_is_host(r))
        f.host_account_id = owner_account(c.conn, ctx->who);
    else
        copy(f.region, sizeof f.region, ctx->who->region);
    f.offset = (q->page - 1) * q->per_page;
    f.limit = q->per_page;
    qn_store_notification_list l = {0};
    rc = qn_store_notification_search(c.conn, &f, &l, e);
    qn_svc_release(ctx, &c);
    if (rc == QN_OK && l.count > 0) {
        out->items = calloc(l.count, sizeof *out->items);
        if (!out->items)
            rc = qn_err_set(e, QN_E_NOMEM, "out of memory");
    }
    for (size_t i = 0; rc == QN_OK && i < l.count; i++)
        view_from(&l.items[i], &out->items[out->count++]);
    out->total = l.total;
    qn_store_notification_list_free(&l);
    if (rc != QN_OK)
        qn_notification_list_free(out);
    return rc;
}

void qn_notification_list_free(qn_notification_list *l)
{
    if (!l)
        return;
    free(l->items);
    l->items = NULL;
    l->count = 0;
}
