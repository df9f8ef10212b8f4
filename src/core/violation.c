/* violation.c — assessment, case transitions and detection (see violation.h).
 *
 * Assessment is a first-match scan of the sanction table of fines_kz.c (20
 * rows). The case machine is a five-row table like workflow.c's. Detection
 * sorts trips by entry and notifications by arrival (index arrays, qsort)
 * and attaches each notification to the trip containing its arrival by
 * binary search, so the whole check is O((n + m) log(n + m)); each deadline
 * is one calendar walk of a few days.
 */
#include "core/violation.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- MCI -------------------------------------------------------------------- */

bool qn_mci_on(qn_date_t date, int64_t *kzt)
{
    size_t n;
    const qn_mci_row *rows = qn_mci_table(&n);
    for (size_t i = 0; i < n; i++) {
        if (rows[i].from <= date && date <= rows[i].to) {
            *kzt = rows[i].kzt;
            return true;
        }
    }
    return false;
}

/* ---- names ---------------------------------------------------------------- */

static const char *const kind_names[QN_VIOL_KIND_COUNT] = {"host_notification", "overstay"};
static const char *const host_names[QN_HOST_KIND_COUNT] = {"individual", "official",        "small_business",
                                                           "npo",        "medium_business", "large_business"};
static const char *const state_names[QN_VCASE_STATE_COUNT] = {"open", "fined", "closed"};
static const char *const event_names[QN_VCASE_EVENT_COUNT] = {"fine", "warn", "dismiss", "pay", "annul"};
static const char *const close_names[QN_VCLOSE_COUNT] = {"none", "warning_issued", "dismissed", "paid",
                                                         "annulled"};
static const char *const notify_names[] = {"on_time", "late", "missing", "pending"};

static const char *name_of(const char *const *names, size_t n, int v)
{
    return v >= 0 && (size_t)v < n ? names[v] : "?";
}

static bool parse_name(const char *const *names, size_t n, const char *s, size_t len, int *out)
{
    if (!s)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (strlen(names[i]) == len && memcmp(names[i], s, len) == 0) {
            *out = (int)i;
            return true;
        }
    }
    return false;
}

const char *qn_violation_kind_name(qn_violation_kind kind)
{
    return name_of(kind_names, QN_VIOL_KIND_COUNT, (int)kind);
}

bool qn_violation_kind_parse(const char *s, size_t len, qn_violation_kind *out)
{
    int v;
    if (!parse_name(kind_names, QN_VIOL_KIND_COUNT, s, len, &v))
        return false;
    *out = (qn_violation_kind)v;
    return true;
}

const char *qn_host_kind_name(qn_host_kind kind)
{
    return name_of(host_names, QN_HOST_KIND_COUNT, (int)kind);
}

bool qn_host_kind_parse(const char *s, size_t len, qn_host_kind *out)
{
    int v;
    if (!parse_name(host_names, QN_HOST_KIND_COUNT, s, len, &v))
        return false;
    *out = (qn_host_kind)v;
    return true;
}

const char *qn_sanction_kind_name(qn_sanction_kind kind)
{
    return kind == QN_SANCTION_WARNING ? "warning" : kind == QN_SANCTION_FINE ? "fine" : "?";
}

const char *qn_vcase_state_name(qn_vcase_state state)
{
    return name_of(state_names, QN_VCASE_STATE_COUNT, (int)state);
}

bool qn_vcase_state_parse(const char *s, size_t len, qn_vcase_state *out)
{
    int v;
    if (!parse_name(state_names, QN_VCASE_STATE_COUNT, s, len, &v))
        return false;
    *out = (qn_vcase_state)v;
    return true;
}

const char *qn_vcase_event_name(qn_vcase_event event)
{
    return name_of(event_names, QN_VCASE_EVENT_COUNT, (int)event);
}

bool qn_vcase_event_parse(const char *s, size_t len, qn_vcase_event *out)
{
    int v;
    if (!parse_name(event_names, QN_VCASE_EVENT_COUNT, s, len, &v))
        return false;
    *out = (qn_vcase_event)v;
    return true;
}

const char *qn_vcase_close_reason_name(qn_vcase_close_reason reason)
{
    return name_of(close_names, QN_VCLOSE_COUNT, (int)reason);
}

const char *qn_notify_status_name(qn_notify_status status)
{
    return name_of(notify_names, sizeof notify_names / sizeof notify_names[0], (int)status);
}

/* ---- assessment ------------------------------------------------------------ */

#define MAX_DAYS 36500

static bool row_matches(const qn_fine_row *r, const qn_violation_facts *facts)
{
    if (r->kind != facts->kind || r->is_repeat != facts->is_repeat)
        return false;
    if (r->kind == QN_VIOL_HOST_NOTIFICATION)
        return r->host_kind == -1 || r->host_kind == (int)facts->host_kind;
    return facts->overstay_days >= r->min_days && (r->max_days == 0 || facts->overstay_days <= r->max_days);
}

qn_code qn_violation_assess(const qn_violation_facts *facts, qn_sanction *out, qn_err *err)
{
    memset(out, 0, sizeof *out);
    qn_err_clear(err);
    qn_code rc = QN_OK;
    if ((int)facts->kind < 0 || facts->kind >= QN_VIOL_KIND_COUNT)
        rc = qn_err_field(err, "kind", "must be host_notification or overstay");
    if (facts->offence_date == QN_DATE_NONE)
        rc = qn_err_field(err, "offence_date", "is required");
    if (facts->kind == QN_VIOL_HOST_NOTIFICATION) {
        if ((int)facts->host_kind < 0 || facts->host_kind >= QN_HOST_KIND_COUNT)
            rc = qn_err_field(err, "host_kind", "is not a known kind of host");
        if (facts->days_late < 1 || facts->days_late > MAX_DAYS)
            rc = qn_err_field(err, "days_late", "must be from 1 to %d", MAX_DAYS);
    } else if (facts->kind == QN_VIOL_OVERSTAY) {
        if (facts->overstay_days < 1 || facts->overstay_days > MAX_DAYS)
            rc = qn_err_field(err, "overstay_days", "must be from 1 to %d", MAX_DAYS);
    }
    if (rc != QN_OK)
        return rc;

    size_t n;
    const qn_fine_row *rows = qn_fine_table(&n);
    const qn_fine_row *hit = NULL;
    for (size_t i = 0; i < n; i++) {
        if (row_matches(&rows[i], facts)) {
            hit = &rows[i];
            break;
        }
    }
    if (!hit)
        return qn_err_set(err, QN_E_INVALID, "no sanction row matches the facts");

    out->article = hit->article;
    out->part = hit->part;
    out->sanction = hit->sanction;
    out->fine_mci = hit->fine_mci;
    out->confirmed = hit->confirmed;
    out->expulsion_possible = hit->expulsion_possible;
    out->code = hit->code;
    out->source = hit->source;
    out->mci_known = qn_mci_on(facts->offence_date, &out->mci_kzt);
    if (out->mci_known)
        out->amount_kzt = (int64_t)hit->fine_mci * out->mci_kzt;
    return QN_OK;
}

/* ---- the case ------------------------------------------------------------- */

#define R(role) QN_ACTOR_BIT(role)
#define OFFICERS (R(QN_ACTOR_OFFICER) | R(QN_ACTOR_SENIOR_OFFICER))

typedef struct {
    qn_vcase_state from;
    qn_vcase_event event;
    unsigned roles;
    qn_vcase_state to;
    qn_vcase_close_reason reason;
} vcase_rule;

/* The officer decides (CAO: the internal affairs bodies consider Art. 517/518
 * cases; docs/control.md); payment may be recorded by the system from the
 * payment gateway; annulment on appeal is a senior officer's act. */
static const vcase_rule vcase_rules[] = {
    {QN_VCASE_OPEN, QN_VCASE_EV_FINE, OFFICERS, QN_VCASE_FINED, QN_VCLOSE_NONE},
    {QN_VCASE_OPEN, QN_VCASE_EV_WARN, OFFICERS, QN_VCASE_CLOSED, QN_VCLOSE_WARNING_ISSUED},
    {QN_VCASE_OPEN, QN_VCASE_EV_DISMISS, OFFICERS, QN_VCASE_CLOSED, QN_VCLOSE_DISMISSED},
    {QN_VCASE_FINED, QN_VCASE_EV_PAY, OFFICERS | R(QN_ACTOR_SYSTEM), QN_VCASE_CLOSED, QN_VCLOSE_PAID},
    {QN_VCASE_FINED, QN_VCASE_EV_ANNUL, R(QN_ACTOR_SENIOR_OFFICER), QN_VCASE_CLOSED, QN_VCLOSE_ANNULLED},
};

qn_code qn_vcase_transition(qn_vcase_state from, qn_vcase_event event, qn_actor_role role,
                            const qn_sanction *sanction, qn_vcase_state *to, qn_vcase_close_reason *reason,
                            qn_err *err)
{
    if ((int)from < 0 || from >= QN_VCASE_STATE_COUNT || (int)event < 0 || event >= QN_VCASE_EVENT_COUNT ||
        (int)role < 0 || role >= QN_ACTOR_COUNT) {
        qn_err_set(err, QN_E_INVALID, "state, event or role out of range");
        qn_err_sub(err, "invalid_enum");
        return QN_E_INVALID;
    }
    for (size_t i = 0; i < sizeof vcase_rules / sizeof vcase_rules[0]; i++) {
        const vcase_rule *r = &vcase_rules[i];
        if (r->from != from || r->event != event)
            continue;
        if (!(r->roles & R(role))) {
            qn_err_set(err, QN_E_FORBIDDEN, "a %s may not %s a violation case that is %s",
                       qn_actor_role_name(role), qn_vcase_event_name(event), qn_vcase_state_name(from));
            qn_err_sub(err, "wrong_actor");
            return QN_E_FORBIDDEN;
        }
        if (sanction && ((event == QN_VCASE_EV_FINE && sanction->sanction != QN_SANCTION_FINE) ||
                         (event == QN_VCASE_EV_WARN && sanction->sanction != QN_SANCTION_WARNING))) {
            qn_err_set(err, QN_E_CONFLICT, "the assessed sanction is a %s, not a %s",
                       qn_sanction_kind_name(sanction->sanction),
                       event == QN_VCASE_EV_FINE ? "fine" : "warning");
            qn_err_sub(err, "sanction_mismatch");
            return QN_E_CONFLICT;
        }
        if (to)
            *to = r->to;
        if (reason)
            *reason = r->reason;
        return QN_OK;
    }
    qn_err_set(err, QN_E_CONFLICT, "cannot %s a violation case that is %s", qn_vcase_event_name(event),
               qn_vcase_state_name(from));
    qn_err_sub(err, "illegal_transition");
    return QN_E_CONFLICT;
}

/* ---- detection ------------------------------------------------------------- */

static qn_date_t notification_deadline(const qn_ctl_notification *n, const qn_deadline_rule *rule)
{
    if (n->deadline != QN_DATE_NONE)
        return n->deadline;
    qn_date_t d;
    if (qn_deadline_compute(n->arrival, rule, &d, NULL) != QN_OK)
        d = qn_deadline_notification(n->arrival);
    return d;
}

bool qn_ctl_notification_is_late(const qn_ctl_notification *notification)
{
    if (notification->received == QN_DATE_NONE || notification->arrival == QN_DATE_NONE)
        return false;
    return qn_deadline_is_late(notification_deadline(notification, NULL), notification->received);
}

typedef struct {
    qn_date_t key;
    size_t index;
} keyed;

static int cmp_keyed(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index ? 1 : 0;
}

qn_code qn_ctl_check_notifications(const qn_trip *trips, size_t n_trips,
                                   const qn_ctl_notification *notifications, size_t n_notifications,
                                   qn_date_t as_of, const qn_deadline_rule *rule, qn_entry_notification *out,
                                   qn_err *err)
{
    qn_err_clear(err);
    if (n_trips > QN_STAY_MAX_TRIPS)
        return qn_err_set(err, QN_E_TOO_LARGE, "at most %d trips are accepted", QN_STAY_MAX_TRIPS);
    if (n_notifications > QN_CTL_MAX_NOTIFICATIONS)
        return qn_err_set(err, QN_E_TOO_LARGE, "at most %d notifications are accepted",
                          QN_CTL_MAX_NOTIFICATIONS);
    if ((n_trips && (!trips || !out)) || (n_notifications && !notifications))
        return qn_err_set(err, QN_E_INTERNAL, "NULL array with a non-zero count");
    qn_code rc = QN_OK;
    char field[48];
    if (as_of == QN_DATE_NONE)
        rc = qn_err_field(err, "as_of", "is required");
    for (size_t i = 0; i < n_trips; i++) {
        snprintf(field, sizeof field, "trips[%zu]", i);
        if (trips[i].entry == QN_DATE_NONE)
            rc = qn_err_field(err, field, "has no entry date");
        else if (trips[i].exit != QN_DATE_NONE && trips[i].exit < trips[i].entry)
            rc = qn_err_field(err, field, "exit is before entry");
    }
    for (size_t j = 0; j < n_notifications; j++) {
        snprintf(field, sizeof field, "notifications[%zu]", j);
        const qn_ctl_notification *nt = &notifications[j];
        if (nt->arrival == QN_DATE_NONE)
            rc = qn_err_field(err, field, "has no arrival date");
        else if (nt->received != QN_DATE_NONE && nt->received < nt->arrival)
            rc = qn_err_field(err, field, "was received before the arrival");
    }
    if (rc != QN_OK)
        return rc;
    if (n_trips == 0)
        return QN_OK;

    keyed *by_entry = malloc(n_trips * sizeof *by_entry);
    if (!by_entry)
        return qn_err_set(err, QN_E_NOMEM, "out of memory");
    for (size_t i = 0; i < n_trips; i++) {
        by_entry[i] = (keyed){trips[i].entry, i};
        out[i] = (qn_entry_notification){QN_NOTIFY_PENDING, QN_DATE_NONE, 0, 0, 0, -1};
    }
    qsort(by_entry, n_trips, sizeof *by_entry, cmp_keyed);

    /* Attach each received notification to the trip that contains its arrival:
     * the last trip entered on or before it, if that trip has not ended. The
     * first by arrival (ties: the caller's order) decides the entry's status. */
    for (size_t j = 0; j < n_notifications; j++) {
        const qn_ctl_notification *nt = &notifications[j];
        if (nt->received == QN_DATE_NONE || nt->received > as_of)
            continue;
        size_t lo = 0, hi = n_trips; /* first trip with entry > arrival */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (by_entry[mid].key <= nt->arrival)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo == 0)
            continue;
        size_t ti = by_entry[lo - 1].index;
        qn_date_t end = trips[ti].exit == QN_DATE_NONE ? as_of : trips[ti].exit;
        if (nt->arrival > end)
            continue;
        qn_entry_notification *o = &out[ti];
        qn_date_t deadline = notification_deadline(nt, rule);
        bool late = qn_deadline_is_late(deadline, nt->received);
        o->n_places++;
        if (late)
            o->n_late_places++;
        if (o->first < 0 || nt->arrival < notifications[o->first].arrival ||
            (nt->arrival == notifications[o->first].arrival && (long)j < o->first)) {
            o->first = (long)j;
            o->deadline = deadline;
            o->status = late ? QN_NOTIFY_LATE : QN_NOTIFY_ON_TIME;
            o->days_late = late ? nt->received - deadline : 0;
        }
    }
    for (size_t i = 0; i < n_trips; i++) {
        qn_entry_notification *o = &out[i];
        if (o->first >= 0)
            continue;
        qn_date_t deadline;
        if ((rc = qn_deadline_compute(trips[i].entry, rule, &deadline, err)) != QN_OK)
            break;
        o->deadline = deadline;
        if (as_of > deadline) {
            o->status = QN_NOTIFY_MISSING;
            o->days_late = as_of - deadline;
        } else {
            o->status = QN_NOTIFY_PENDING;
        }
    }
    free(by_entry);
    return rc;
}

qn_code qn_ctl_overstay(const qn_stay_input *in, int *days, qn_date_t *first_unlawful, qn_err *err)
{
    qn_stay_result r;
    qn_err_clear(err); /* qn_stay_compute reads err->code without clearing it */
    qn_code rc = qn_stay_compute(in, &r, err);
    if (rc != QN_OK)
        return rc;
    *days = r.overstay_days;
    *first_unlawful = r.overstay_days > 0 ? r.last_lawful_day + 1 : QN_DATE_NONE;
    return QN_OK;
}
