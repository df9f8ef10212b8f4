/* reg_foreigner.c — service 1: registration of a foreigner temporarily
 * staying, applied for by the host (seed 000: an e-request signed with the
 * host's EDS; "15 minutes via portal"; a registration notice or a reasoned
 * refusal). The host must be a citizen of Kazakhstan aged 18+ (IIN of the
 * signature, checked in application.c).
 *
 * Document members (besides the generic ones of application.c):
 *   "foreigner": {"surname", "given_names", "citizenship", "birth_date",
 *                 "document": {"number", "country", "expires"}},
 *   "entry_date", "visa"?: {"number", "valid_until"},
 *   "migration_card": {"number", "border_mark": true}
 * The identity document and the migration card with its border mark count
 * as the checklist's identity_document and migration_card, and only they
 * do: listing either in documents[] is refused (structured_docs), so a
 * migration card without the border-crossing mark (seed 000: "migratory card
 * with a mark on border crossing") leaves migration_card missing.
 *
 * The automatic check (decides at once, well within the 15 minutes):
 * identity document valid for the whole stay (else refused, invalid_document),
 * the permitted stay of the regime (core/stay.h; past it: stay_limit_exceeded),
 * no overlapping registration of the same document (duplicate_registration);
 * a stay of more than 6 months, or a regime whose limit is unknown, goes to
 * an officer.
 */
#include <stdio.h>
#include <string.h>

#include "core/stay.h"
#include "service/application_internal.h"

static const char *const keys[] = {"foreigner", "entry_date", "visa", "migration_card", NULL};
static const char *const structured[] = {"identity_document", "migration_card", NULL};

static void add_doc(qn_app_case *c, const char *type, const char *number, qn_date_t until)
{
    if (c->n_docs >= QN_APP_MAX_DOCS + QN_APP_MAX_STRUCTURED_DOCS || qn_app_case_has(c, type))
        return;
    qn_app_doc *d = &c->docs[c->n_docs++];
    memset(d, 0, sizeof *d);
    snprintf(d->type, sizeof d->type, "%s", type);
    snprintf(d->number, sizeof d->number, "%s", number);
    d->electronic = true;
    d->valid_until = until;
}

static void parse(const json_t *doc, qn_app_case *c, qn_svc_ctx *ctx, qn_err *e)
{
    (void)ctx;
    const json_t *f = json_object_get(doc, "foreigner");
    if (!json_is_object(f)) {
        qn_err_field(e, "foreigner", "is required");
    } else {
        char buf[QN_STORE_NAME_MAX + 1];
        qn_app_json_str(f, "foreigner.", "surname", true, buf, sizeof buf, e);
        qn_app_json_str(f, "foreigner.", "given_names", true, buf, sizeof buf, e);
        qn_app_json_str(f, "foreigner.", "citizenship", true, c->citizenship, sizeof c->citizenship, e);
        qn_app_json_date(f, "foreigner.", "birth_date", true, &c->birth_date, e);
        const json_t *d = json_object_get(f, "document");
        if (!json_is_object(d)) {
            qn_err_field(e, "foreigner.document", "is required");
        } else {
            char country[4];
            qn_app_json_str(d, "foreigner.document.", "number", true, c->doc_number, sizeof c->doc_number, e);
            qn_app_json_str(d, "foreigner.document.", "country", true, country, sizeof country, e);
            qn_app_json_date(d, "foreigner.document.", "expires", true, &c->doc_expires, e);
            snprintf(c->person_key, sizeof c->person_key, "DOC:%s:%s", country, c->doc_number);
            if (c->doc_number[0])
                add_doc(c, "identity_document", c->doc_number, c->doc_expires);
        }
    }
    qn_app_json_date(doc, "", "entry_date", true, &c->entry_date, e);
    const json_t *v = json_object_get(doc, "visa");
    if (json_is_object(v)) {
        char num[QN_STORE_NUMBER_MAX + 1];
        qn_app_json_str(v, "visa.", "number", true, num, sizeof num, e);
        qn_app_json_date(v, "visa.", "valid_until", true, &c->visa_until, e);
    } else if (v != NULL && !json_is_null(v)) {
        qn_err_field(e, "visa", "must be an object");
    }
    const json_t *m = json_object_get(doc, "migration_card");
    if (json_is_object(m)) {
        char num[QN_STORE_NUMBER_MAX + 1];
        qn_app_json_str(m, "migration_card.", "number", true, num, sizeof num, e);
        c->border_mark = json_is_true(json_object_get(m, "border_mark"));
        if (c->border_mark && num[0])
            add_doc(c, "migration_card", num, QN_DATE_NONE);
    }
    /* seed 000: stays over 6 months need the extra documents. */
    if (c->from != QN_DATE_NONE && c->to != QN_DATE_NONE && c->to - c->from + 1 > 183)
        c->conditions |= QN_CL_STAY_OVER_6_MONTHS;
    if (c->entry_date != QN_DATE_NONE && c->from != QN_DATE_NONE && c->from < c->entry_date)
        qn_err_field(e, "period.from", "must not be before the entry date");
}

static void auto_check(qn_svc_ctx *ctx, qn_store_conn *conn, const qn_app_case *c, qn_app_auto *out)
{
    (void)ctx;
    out->event = QN_APP_EV_AUTO_PASS;
    if (c->doc_expires != QN_DATE_NONE && c->doc_expires < c->to) {
        out->event = QN_APP_EV_AUTO_FAIL;
        out->reason = QN_REASON_INVALID_DOCUMENT;
        snprintf(out->text, sizeof out->text, "the identity document expires before the end of the stay");
        return;
    }
    qn_store_residence_list regs = {0};
    if (qn_store_residences(conn, c->person_key, &regs, NULL) == QN_OK) {
        for (size_t i = 0; i < regs.count; i++) {
            const qn_store_residence *r = &regs.items[i];
            if (r->valid_from <= c->to && (r->valid_to == QN_DATE_NONE || r->valid_to >= c->from)) {
                out->event = QN_APP_EV_AUTO_FAIL;
                out->reason = QN_REASON_DUPLICATE_REGISTRATION;
                snprintf(out->text, sizeof out->text,
                         "the foreigner is already registered at %s for an overlapping period",
                         r->address_code);
                break;
            }
        }
    }
    qn_store_residence_list_free(&regs);
    if (out->event != QN_APP_EV_AUTO_PASS)
        return;
    if (c->conditions & QN_CL_STAY_OVER_6_MONTHS) {
        out->event = QN_APP_EV_ROUTE_TO_OFFICER;
        snprintf(out->text, sizeof out->text, "a stay over 6 months is checked by an officer");
        return;
    }
    qn_trip trip = {c->entry_date, QN_DATE_NONE};
    qn_stay_input in;
    memset(&in, 0, sizeof in);
    in.citizenship = c->citizenship;
    in.on = c->to;
    in.trips = &trip;
    in.n_trips = 1;
    in.visa_until = c->visa_until;
    qn_stay_result r;
    if (qn_stay_compute(&in, &r, NULL) != QN_OK || r.last_lawful_day == QN_DATE_NONE) {
        out->event = QN_APP_EV_ROUTE_TO_OFFICER;
        snprintf(out->text, sizeof out->text, "the permitted stay could not be determined");
        return;
    }
    if (c->to > r.last_lawful_day) {
        char d[QN_DATE_STRLEN];
        out->event = QN_APP_EV_AUTO_FAIL;
        out->reason = QN_REASON_STAY_LIMIT_EXCEEDED;
        snprintf(out->text, sizeof out->text, "the stay may last until %s (%s)",
                 qn_date_format(r.last_lawful_day, d), r.limited_by);
    }
}

const qn_app_kind_ops qn_reg_foreigner_ops = {
    .kind = QN_APP_FOREIGNER_TEMPORARY,
    .keys = keys,
    .roles = {QN_ROLE_HOST_INDIVIDUAL, QN_ROLE_NONE, QN_ROLE_NONE},
    .automatic = true,
    .residence_kind = "temporary",
    .parse = parse,
    .auto_check = auto_check,
    .structured_docs = structured,
};
