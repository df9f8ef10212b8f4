/* fuzz_workflow.c — libFuzzer target for the application state machine (src/core/workflow.h),
 * the violation case machine (src/core/violation.h) and the working-day calendar behind deadlines.
 *
 * The first byte selects a part; the rest is structured input (fuzz_util.h):
 *  0  a walk: a kind, then (event, role) pairs applied from the initial state,
 *     enum values including out-of-range ones. Each step must agree with
 *     qn_app_rules (a row for (state, event) with the role's bit -> QN_OK to the
 *     row's state; a row without it -> QN_E_FORBIDDEN "wrong_actor"; no row ->
 *     QN_E_CONFLICT "illegal_transition"; bad enum -> QN_E_INVALID) and with
 *     qn_app_allowed_events; final states have no way out; the administrator
 *     never moves a case to a decision; the notice key is "<kind>.<what>";
 *     outputs are untouched on error.
 *  1  the name parsers on fuzzed text: a parse succeeds only for the exact
 *     stable name (parse(name(v)) == v round trip), reading at most len bytes.
 *  2  a decision check with fuzzed reason, text and period: QN_OK or
 *     QN_E_INVALID with field errors, no crash for any length.
 *  3  a processing deadline with a fuzzed term and start, counted with the
 *     real calendar: minutes add exactly; a working-day deadline ends on a
 *     working day with exactly `amount` working days after the start's day.
 *  4  a violation case walk (qn_vcase_transition), checked as in 0 for codes.
 */
#include "core/calendar.h"
#include "core/violation.h"
#include "core/workflow.h"
#include "fuzz/fuzz_util.h"

static qn_date_t add_wd(void *user, qn_date_t from, int n)
{
    (void)user;
    return qn_calendar_add_working_days(from, n);
}

static bool final_decision(qn_app_state s)
{
    return s == QN_APP_REGISTERED || s == QN_APP_GRANTED || s == QN_APP_REFUSED;
}

static void walk(qn_fz *f)
{
    qn_app_kind kind = (qn_app_kind)qn_fz_below(f, QN_APP_KIND_COUNT + 2);
    qn_app_state state = kind < QN_APP_KIND_COUNT ? qn_app_initial_state(kind) : QN_APP_DRAFT;
    size_t nrules = 99;
    const qn_app_rule *rules = qn_app_rules(kind, &nrules);
    QN_FZ_ASSERT((rules == NULL) == (kind >= QN_APP_KIND_COUNT));
    QN_FZ_ASSERT(rules != NULL || nrules == 0);
    for (int step = 0; step < 64 && f->n > 0; step++) {
        qn_app_event ev = (qn_app_event)qn_fz_below(f, QN_APP_EVENT_COUNT + 1);
        qn_actor_role role = (qn_actor_role)qn_fz_below(f, QN_ACTOR_COUNT + 1);
        if (qn_fz_u8(f) == 0xff) /* now and then, jump to any state */
            state = (qn_app_state)qn_fz_below(f, QN_APP_STATE_COUNT + 1);
        qn_app_state to = (qn_app_state)77;
        qn_app_notice notice;
        memset(&notice, 0x5a, sizeof notice);
        qn_err err;
        qn_code rc = qn_app_transition(kind, state, ev, role, &to, &notice, &err);

        bool in_range = kind < QN_APP_KIND_COUNT && state < QN_APP_STATE_COUNT && ev < QN_APP_EVENT_COUNT &&
                        role < QN_ACTOR_COUNT;
        const qn_app_rule *row = NULL;
        for (size_t i = 0; in_range && i < nrules; i++)
            if (rules[i].from == state && rules[i].event == ev)
                row = &rules[i];
        qn_app_event allowed[QN_APP_EVENT_COUNT + 1];
        size_t na = qn_app_allowed_events(kind, state, role, allowed, QN_APP_EVENT_COUNT + 1);
        bool listed = false;
        for (size_t i = 0; i < na && i <= QN_APP_EVENT_COUNT; i++)
            listed = listed || allowed[i] == ev;

        if (!in_range) {
            QN_FZ_ASSERT(rc == QN_E_INVALID && strcmp(err.sub, "invalid_enum") == 0);
        } else if (row == NULL) {
            QN_FZ_ASSERT(rc == QN_E_CONFLICT && strcmp(err.sub, "illegal_transition") == 0);
            QN_FZ_ASSERT(!listed);
        } else if (!(row->roles & QN_ACTOR_BIT(role))) {
            QN_FZ_ASSERT(rc == QN_E_FORBIDDEN && strcmp(err.sub, "wrong_actor") == 0);
            QN_FZ_ASSERT(!listed);
        } else {
            QN_FZ_ASSERT(rc == QN_OK && to == row->to && listed);
        }
        if (rc != QN_OK) {
            QN_FZ_ASSERT(to == (qn_app_state)77 && err.message[0] != '\0');
            if (!in_range)
                break;
            continue;
        }
        QN_FZ_ASSERT(!qn_app_state_is_final(state));
        QN_FZ_ASSERT(to < QN_APP_STATE_COUNT);
        QN_FZ_ASSERT(!(role == QN_ACTOR_ADMINISTRATOR && final_decision(to)));
        QN_FZ_ASSERT(notice.kind < QN_NOTICE_KIND_COUNT);
        QN_FZ_ASSERT(memchr(notice.text_key, '\0', sizeof notice.text_key) != NULL);
        const char *kn = qn_app_kind_name(kind);
        size_t kl = strlen(kn);
        QN_FZ_ASSERT(strncmp(notice.text_key, kn, kl) == 0 && notice.text_key[kl] == '.' &&
                     notice.text_key[kl + 1] != '\0');
        state = to;
    }
    if (kind < QN_APP_KIND_COUNT && state < QN_APP_STATE_COUNT && qn_app_state_is_final(state))
        for (int r = 0; r < QN_ACTOR_COUNT; r++)
            QN_FZ_ASSERT(qn_app_allowed_events(kind, state, (qn_actor_role)r, NULL, 0) == 0);
}

#define PARSE_CHECK(parse, name, count, type)                                                     \
    do {                                                                                          \
        type v = (type)12345;                                                                     \
        if (parse(s, len, &v)) {                                                                  \
            QN_FZ_ASSERT((int)v >= 0 && (int)v < (int)(count));                                    \
            const char *nm = name(v);                                                             \
            QN_FZ_ASSERT(strlen(nm) == len && memcmp(nm, s, len) == 0);                            \
            type w = (type)12345;                                                                 \
            QN_FZ_ASSERT(parse(nm, strlen(nm), &w) && w == v);                                    \
        } else {                                                                                  \
            QN_FZ_ASSERT(v == (type)12345);                                                       \
        }                                                                                         \
    } while (0)

static void parsers(const uint8_t *data, size_t size)
{
    size_t len = size;
    char *s = malloc(len ? len : 1); /* exactly len bytes: reading past them is an ASan report */
    if (!s)
        return;
    memcpy(s, data, len);
    PARSE_CHECK(qn_app_kind_parse, qn_app_kind_name, QN_APP_KIND_COUNT, qn_app_kind);
    PARSE_CHECK(qn_app_state_parse, qn_app_state_name, QN_APP_STATE_COUNT, qn_app_state);
    PARSE_CHECK(qn_app_event_parse, qn_app_event_name, QN_APP_EVENT_COUNT, qn_app_event);
    PARSE_CHECK(qn_actor_role_parse, qn_actor_role_name, QN_ACTOR_COUNT, qn_actor_role);
    PARSE_CHECK(qn_app_representation_parse, qn_app_representation_name, QN_REP_COUNT, qn_app_representation);
    PARSE_CHECK(qn_notice_kind_parse, qn_notice_kind_name, QN_NOTICE_KIND_COUNT, qn_notice_kind);
    PARSE_CHECK(qn_refusal_reason_parse, qn_refusal_reason_name, QN_REASON_COUNT, qn_refusal_reason);
    PARSE_CHECK(qn_vcase_state_parse, qn_vcase_state_name, QN_VCASE_STATE_COUNT, qn_vcase_state);
    free(s);
    QN_FZ_ASSERT(!qn_app_kind_parse(NULL, 3, &(qn_app_kind){0}));
}

static void decision(qn_fz *f)
{
    qn_app_kind kind = (qn_app_kind)qn_fz_below(f, QN_APP_KIND_COUNT + 1);
    qn_app_event ev = (qn_app_event)qn_fz_below(f, QN_APP_EVENT_COUNT + 1);
    qn_app_decision d;
    d.has_reason = qn_fz_u8(f) & 1;
    d.reason = (qn_refusal_reason)qn_fz_below(f, QN_REASON_COUNT + 2);
    qn_date_t base;
    qn_date_from_ymd(2026, 1, 1, &base);
    uint8_t m = qn_fz_u8(f);
    d.valid_from = (m & 1) ? QN_DATE_NONE : base + (qn_date_t)qn_fz_u8(f);
    d.valid_until = (m & 2) ? QN_DATE_NONE : base + (qn_date_t)qn_fz_u16(f) % 400;
    char *text = NULL;
    if (m & 4) {
        size_t len = (m & 8) ? QN_APP_REASON_TEXT_MAX - 2 + (size_t)(m >> 6) : f->n;
        text = malloc(len + 1);
        if (!text)
            return;
        size_t take = len < f->n ? len : f->n;
        memcpy(text, f->p, take);
        memset(text + take, 'x', len - take);
        text[len] = '\0';
    }
    d.text = text;
    qn_err err;
    qn_code rc = qn_app_decision_check(kind, ev, &d, &err);
    QN_FZ_ASSERT(rc == QN_OK || (rc == QN_E_INVALID && (err.n_fields > 0 || err.message[0] != '\0')));
    if (text && strlen(text) > QN_APP_REASON_TEXT_MAX)
        QN_FZ_ASSERT(rc == QN_E_INVALID);
    free(text);
}

static void deadline(qn_fz *f)
{
    qn_app_term term;
    term.unit = (qn_app_term_unit)qn_fz_below(f, 4);
    term.amount = (int)(int16_t)qn_fz_u16(f);
    term.source = NULL;
    int64_t started = (int64_t)(int32_t)qn_fz_u32(f) * 2;
    bool with_cal = qn_fz_u8(f) & 1;
    int64_t dl = -7;
    qn_err err;
    qn_code rc = qn_app_deadline(term, started, with_cal ? add_wd : NULL, NULL, &dl, &err);
    if (rc != QN_OK) {
        QN_FZ_ASSERT(rc == QN_E_INVALID && dl == -7);
        return;
    }
    QN_FZ_ASSERT(term.amount >= 1 && started >= 0);
    if (term.unit == QN_TERM_MINUTES) {
        QN_FZ_ASSERT(dl == started + (int64_t)term.amount * 60);
    } else {
        QN_FZ_ASSERT(term.unit == QN_TERM_WORKING_DAYS && with_cal);
        qn_date_t start_day = qn_date_from_epoch_kz(started);
        qn_date_t end_day = qn_date_from_epoch_kz(dl);
        QN_FZ_ASSERT(qn_date_end_epoch_kz(end_day) == dl);
        QN_FZ_ASSERT(qn_is_working_day(end_day));
        QN_FZ_ASSERT(qn_calendar_count_working_days(start_day + 1, end_day) == term.amount);
        QN_FZ_ASSERT(!qn_app_is_overdue(QN_APP_SUBMITTED, dl, dl));
        QN_FZ_ASSERT(qn_app_is_overdue(QN_APP_SUBMITTED, dl, dl + 1));
        QN_FZ_ASSERT(!qn_app_is_overdue(QN_APP_REGISTERED, dl, dl + 1));
    }
}

static void vcase(qn_fz *f)
{
    qn_vcase_state st = QN_VCASE_OPEN;
    for (int step = 0; step < 16 && f->n > 0; step++) {
        qn_vcase_event ev = (qn_vcase_event)qn_fz_below(f, QN_VCASE_EVENT_COUNT + 1);
        qn_actor_role role = (qn_actor_role)qn_fz_below(f, QN_ACTOR_COUNT + 1);
        uint8_t sk = qn_fz_u8(f);
        qn_sanction sanction;
        memset(&sanction, 0, sizeof sanction);
        sanction.sanction = (sk & 1) ? QN_SANCTION_FINE : QN_SANCTION_WARNING;
        sanction.fine_mci = (sk & 1) ? 10 : 0;
        qn_vcase_state to = (qn_vcase_state)77;
        qn_vcase_close_reason why = (qn_vcase_close_reason)77;
        qn_err err;
        qn_code rc = qn_vcase_transition(st, ev, role, (sk & 2) ? &sanction : NULL, &to, &why, &err);
        QN_FZ_ASSERT(rc == QN_OK || rc == QN_E_INVALID || rc == QN_E_CONFLICT || rc == QN_E_FORBIDDEN);
        if (rc != QN_OK) {
            QN_FZ_ASSERT(to == (qn_vcase_state)77 && why == (qn_vcase_close_reason)77);
            QN_FZ_ASSERT(err.code == rc);
            continue;
        }
        QN_FZ_ASSERT(st != QN_VCASE_CLOSED);
        QN_FZ_ASSERT(to < QN_VCASE_STATE_COUNT && why < QN_VCLOSE_COUNT);
        QN_FZ_ASSERT((to == QN_VCASE_CLOSED) == (why != QN_VCLOSE_NONE));
        QN_FZ_ASSERT(role != QN_ACTOR_ADMINISTRATOR || ev == QN_VCASE_EV_PAY);
        st = to;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    qn_fz f = {data + 1, size - 1};
    switch (data[0] % 5) {
    case 0: walk(&f); break;
    case 1: parsers(data + 1, size - 1); break;
    case 2: decision(&f); break;
    case 3: deadline(&f); break;
    default: vcase(&f); break;
    }
    return 0;
}
