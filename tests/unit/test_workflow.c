/* test_workflow.c — the application state machines of src/core/workflow.c.
 *
 * The expectations are written here, independently of the implementation's
 * tables, as one line per allowed transition:
 *     "<kind> <from> <event> <role>[|<role>...] -> <to> <notice kind> <notice what>"
 * The exhaustive test walks every kind x state x event x role and compares the
 * engine's answer with what these lines say: an allowed pair with a listed
 * role gives the listed state and notice, with any other role QN_E_FORBIDDEN,
 * and every pair not listed is QN_E_CONFLICT "illegal_transition".
 */
#include <stdio.h>
#include <string.h>

#include "core/date.h"
#include "core/error.h"
#include "core/workflow.h"
#include "support/qn_test.h"

#define OFF "officer|senior_officer"

static const char *const spec[] = {
    /* Seed 000: host registers a foreigner temporarily staying. */
    "foreigner_temporary draft submit applicant -> submitted received submitted",
    "foreigner_temporary submitted start_check system -> auto_check progress check_started",
    "foreigner_temporary submitted take " OFF " -> in_review progress in_review",
    "foreigner_temporary auto_check auto_pass system -> registered approved registered",
    "foreigner_temporary auto_check auto_fail system -> refused refusal refused",
    "foreigner_temporary auto_check route_to_officer system -> in_review progress in_review",
    "foreigner_temporary in_review register " OFF " -> registered approved registered",
    "foreigner_temporary in_review refuse " OFF " -> refused refusal refused",
    "foreigner_temporary refused appeal applicant -> appealed appeal_received appeal_received",
    "foreigner_temporary appealed uphold senior_officer -> upheld appeal_upheld appeal_upheld",
    "foreigner_temporary appealed overturn senior_officer -> in_review appeal_overturned appeal_overturned",
    "foreigner_temporary draft withdraw applicant -> withdrawn closed withdrawn",
    "foreigner_temporary submitted withdraw applicant -> withdrawn closed withdrawn",
    "foreigner_temporary auto_check withdraw applicant -> withdrawn closed withdrawn",
    "foreigner_temporary in_review withdraw applicant -> withdrawn closed withdrawn",
    "foreigner_temporary draft expire system -> expired closed expired",

    /* Seed 002: temporary registration of a citizen; owners consent. */
    "citizen_temporary draft submit applicant -> awaiting_consents action_required awaiting_consents",
    "citizen_temporary awaiting_consents consent_given co_signer -> awaiting_consents progress consent_received",
    "citizen_temporary awaiting_consents consent_refused co_signer -> declined closed consent_refused",
    "citizen_temporary awaiting_consents all_consents_in system -> submitted received submitted",
    "citizen_temporary submitted start_check system -> auto_check progress check_started",
    "citizen_temporary submitted take " OFF " -> in_review progress in_review",
    "citizen_temporary auto_check auto_pass system -> registered approved registered",
    "citizen_temporary auto_check auto_fail system -> refused refusal refused",
    "citizen_temporary auto_check route_to_officer system -> in_review progress in_review",
    "citizen_temporary in_review register " OFF " -> registered approved registered",
    "citizen_temporary in_review refuse " OFF " -> refused refusal refused",
    "citizen_temporary refused appeal applicant -> appealed appeal_received appeal_received",
    "citizen_temporary appealed uphold senior_officer -> upheld appeal_upheld appeal_upheld",
    "citizen_temporary appealed overturn senior_officer -> in_review appeal_overturned appeal_overturned",
    "citizen_temporary draft withdraw applicant -> withdrawn closed withdrawn",
    "citizen_temporary awaiting_consents withdraw applicant -> withdrawn closed withdrawn",
    "citizen_temporary submitted withdraw applicant -> withdrawn closed withdrawn",
    "citizen_temporary auto_check withdraw applicant -> withdrawn closed withdrawn",
    "citizen_temporary in_review withdraw applicant -> withdrawn closed withdrawn",
    "citizen_temporary draft expire system -> expired closed expired",
    "citizen_temporary awaiting_consents expire system -> expired closed expired",

    /* Seed 003: permanent residents and refugees; officer checks completeness. */
    "permanent_resident draft submit applicant -> submitted received submitted",
    "permanent_resident submitted take " OFF " -> in_review progress in_review",
    "permanent_resident in_review register " OFF " -> registered approved registered",
    "permanent_resident in_review refuse " OFF " -> refused refusal refused",
    "permanent_resident refused appeal applicant -> appealed appeal_received appeal_received",
    "permanent_resident appealed uphold senior_officer -> upheld appeal_upheld appeal_upheld",
    "permanent_resident appealed overturn senior_officer -> in_review appeal_overturned appeal_overturned",
    "permanent_resident draft withdraw applicant -> withdrawn closed withdrawn",
    "permanent_resident submitted withdraw applicant -> withdrawn closed withdrawn",
    "permanent_resident in_review withdraw applicant -> withdrawn closed withdrawn",
    "permanent_resident draft expire system -> expired closed expired",

    /* Seeds 001, 004: temporary residence permit. */
    "trp draft submit applicant -> submitted received submitted",
    "trp submitted take " OFF " -> in_review progress in_review",
    "trp in_review grant " OFF " -> granted approved granted",
    "trp in_review refuse " OFF " -> refused refusal refused",
    "trp refused appeal applicant -> appealed appeal_received appeal_received",
    "trp appealed uphold senior_officer -> upheld appeal_upheld appeal_upheld",
    "trp appealed overturn senior_officer -> in_review appeal_overturned appeal_overturned",
    "trp draft withdraw applicant -> withdrawn closed withdrawn",
    "trp submitted withdraw applicant -> withdrawn closed withdrawn",
    "trp in_review withdraw applicant -> withdrawn closed withdrawn",
    "trp draft expire system -> expired closed expired",

    /* Seed 001: visa extension. */
    "visa_extension draft submit applicant -> submitted received submitted",
    "visa_extension submitted take " OFF " -> in_review progress in_review",
    "visa_extension in_review grant " OFF " -> granted approved granted",
    "visa_extension in_review refuse " OFF " -> refused refusal refused",
    "visa_extension refused appeal applicant -> appealed appeal_received appeal_received",
    "visa_extension appealed uphold senior_officer -> upheld appeal_upheld appeal_upheld",
    "visa_extension appealed overturn senior_officer -> in_review appeal_overturned appeal_overturned",
    "visa_extension draft withdraw applicant -> withdrawn closed withdrawn",
    "visa_extension submitted withdraw applicant -> withdrawn closed withdrawn",
    "visa_extension in_review withdraw applicant -> withdrawn closed withdrawn",
    "visa_extension draft expire system -> expired closed expired",

    /* Seed 001: certificate of loss of a passport. */
    "lost_passport draft submit applicant -> submitted received submitted",
    "lost_passport submitted take " OFF " -> in_review progress in_review",
    "lost_passport in_review grant " OFF " -> granted approved granted",
    "lost_passport in_review refuse " OFF " -> refused refusal refused",
    "lost_passport refused appeal applicant -> appealed appeal_received appeal_received",
    "lost_passport appealed uphold senior_officer -> upheld appeal_upheld appeal_upheld",
    "lost_passport appealed overturn senior_officer -> in_review appeal_overturned appeal_overturned",
    "lost_passport draft withdraw applicant -> withdrawn closed withdrawn",
    "lost_passport submitted withdraw applicant -> withdrawn closed withdrawn",
    "lost_passport in_review withdraw applicant -> withdrawn closed withdrawn",
    "lost_passport draft expire system -> expired closed expired",

    /* Seed 001: exit visa. */
    "exit_visa draft submit applicant -> submitted received submitted",
    "exit_visa submitted take " OFF " -> in_review progress in_review",
    "exit_visa in_review grant " OFF " -> granted approved granted",
    "exit_visa in_review refuse " OFF " -> refused refusal refused",
    "exit_visa refused appeal applicant -> appealed appeal_received appeal_received",
    "exit_visa appealed uphold senior_officer -> upheld appeal_upheld appeal_upheld",
    "exit_visa appealed overturn senior_officer -> in_review appeal_overturned appeal_overturned",
    "exit_visa draft withdraw applicant -> withdrawn closed withdrawn",
    "exit_visa submitted withdraw applicant -> withdrawn closed withdrawn",
    "exit_visa in_review withdraw applicant -> withdrawn closed withdrawn",
    "exit_visa draft expire system -> expired closed expired",

    /* MVD Order 923: self-registration, the host confirms. */
    "self_registration draft submit applicant -> awaiting_host action_required awaiting_host",
    "self_registration awaiting_host host_confirm co_signer -> registered approved registered",
    "self_registration awaiting_host host_refuse co_signer -> declined closed host_refused",
    "self_registration draft auto_fail system -> refused refusal refused",
    "self_registration awaiting_host auto_fail system -> refused refusal refused",
    "self_registration refused appeal applicant -> appealed appeal_received appeal_received",
    "self_registration appealed uphold senior_officer -> upheld appeal_upheld appeal_upheld",
    "self_registration appealed overturn senior_officer -> in_review appeal_overturned appeal_overturned",
    "self_registration in_review register " OFF " -> registered approved registered",
    "self_registration in_review refuse " OFF " -> refused refusal refused",
    "self_registration draft withdraw applicant -> withdrawn closed withdrawn",
    "self_registration awaiting_host withdraw applicant -> withdrawn closed withdrawn",
    "self_registration draft expire system -> expired closed expired",
    "self_registration awaiting_host expire system -> expired closed expired",
};
#define N_SPEC (sizeof spec / sizeof spec[0])

typedef struct {
    qn_app_kind kind;
    qn_app_state from;
    qn_app_event event;
    unsigned roles;
    qn_app_state to;
    qn_notice_kind notice;
    char what[48];
} spec_row;

static bool parse_word(bool (*parse)(const char *, size_t, int *), const char *w, int *out)
{
    return parse(w, strlen(w), out);
}

/* Adapters so one helper can call each typed parser. */
#define ADAPT(fname, type)                                                                         \
    static bool p_##fname(const char *s, size_t n, int *out)                                       \
    {                                                                                              \
        type v;                                                                                    \
        if (!qn_##fname##_parse(s, n, &v))                                                         \
            return false;                                                                          \
        *out = (int)v;                                                                             \
        return true;                                                                               \
    }
ADAPT(app_kind, qn_app_kind)
ADAPT(app_state, qn_app_state)
ADAPT(app_event, qn_app_event)
ADAPT(actor_role, qn_actor_role)
ADAPT(notice_kind, qn_notice_kind)

static spec_row parse_spec(const char *line)
{
    char kind[40], from[40], event[40], roles[80], arrow[4], to[40], notice[40], what[48];
    int n = sscanf(line, "%39s %39s %39s %79s %3s %39s %39s %47s", kind, from, event, roles, arrow,
                   to, notice, what);
    ck_assert_msg(n == 8 && strcmp(arrow, "->") == 0, "bad spec line: %s", line);
    spec_row r;
    int v;
    ck_assert_msg(parse_word(p_app_kind, kind, &v), "kind in: %s", line);
    r.kind = (qn_app_kind)v;
    ck_assert_msg(parse_word(p_app_state, from, &v), "from in: %s", line);
    r.from = (qn_app_state)v;
    ck_assert_msg(parse_word(p_app_event, event, &v), "event in: %s", line);
    r.event = (qn_app_event)v;
    ck_assert_msg(parse_word(p_app_state, to, &v), "to in: %s", line);
    r.to = (qn_app_state)v;
    ck_assert_msg(parse_word(p_notice_kind, notice, &v), "notice in: %s", line);
    r.notice = (qn_notice_kind)v;
    snprintf(r.what, sizeof r.what, "%s", what);
    r.roles = 0;
    for (char *save = NULL, *tok = strtok_r(roles, "|", &save); tok != NULL;
         tok = strtok_r(NULL, "|", &save)) {
        ck_assert_msg(parse_word(p_actor_role, tok, &v), "role %s in: %s", tok, line);
        r.roles |= 1u << v;
    }
    return r;
}

static const spec_row *spec_find(const spec_row *rows, qn_app_kind k, qn_app_state s, qn_app_event e)
{
    for (size_t i = 0; i < N_SPEC; i++)
        if (rows[i].kind == k && rows[i].from == s && rows[i].event == e)
            return &rows[i];
    return NULL;
}

static spec_row parsed[N_SPEC];

static void load_spec(void)
{
    for (size_t i = 0; i < N_SPEC; i++)
        parsed[i] = parse_spec(spec[i]);
    /* the spec itself lists each (kind, state, event) once */
    for (size_t i = 0; i < N_SPEC; i++)
        for (size_t j = i + 1; j < N_SPEC; j++)
            ck_assert_msg(!(parsed[i].kind == parsed[j].kind && parsed[i].from == parsed[j].from &&
                            parsed[i].event == parsed[j].event),
                          "duplicate spec lines %zu and %zu", i, j);
}

START_TEST(every_transition_matches_the_spec)
{
    load_spec();
    size_t n_ok = 0, n_conflict = 0, n_forbidden = 0;
    for (int k = 0; k < QN_APP_KIND_COUNT; k++)
        for (int s = 0; s < QN_APP_STATE_COUNT; s++)
            for (int e = 0; e < QN_APP_EVENT_COUNT; e++)
                for (int r = 0; r < QN_ACTOR_COUNT; r++) {
                    const spec_row *want = spec_find(parsed, (qn_app_kind)k, (qn_app_state)s,
                                                     (qn_app_event)e);
                    qn_app_state to = QN_APP_STATE_COUNT;
                    qn_app_notice notice = {QN_NOTICE_KIND_COUNT, "untouched"};
                    qn_err err;
                    qn_err_clear(&err);
                    qn_code c = qn_app_transition((qn_app_kind)k, (qn_app_state)s, (qn_app_event)e,
                                                  (qn_actor_role)r, &to, &notice, &err);
                    const char *where[4] = {qn_app_kind_name((qn_app_kind)k),
                                            qn_app_state_name((qn_app_state)s),
                                            qn_app_event_name((qn_app_event)e),
                                            qn_actor_role_name((qn_actor_role)r)};
                    if (want == NULL) {
                        ck_assert_msg(c == QN_E_CONFLICT, "%s %s %s %s: got %s, want conflict",
                                      where[0], where[1], where[2], where[3], qn_code_name(c));
                        ck_assert_str_eq(err.sub, "illegal_transition");
                        ck_assert_msg(strncmp(err.message, "cannot ", 7) == 0, "%s", err.message);
                        ck_assert_int_eq(to, QN_APP_STATE_COUNT);
                        ck_assert_str_eq(notice.text_key, "untouched");
                        n_conflict++;
                    } else if ((want->roles & (1u << r)) == 0) {
                        ck_assert_msg(c == QN_E_FORBIDDEN, "%s %s %s %s: got %s, want forbidden",
                                      where[0], where[1], where[2], where[3], qn_code_name(c));
                        ck_assert_str_eq(err.sub, "wrong_actor");
                        ck_assert_int_eq(to, QN_APP_STATE_COUNT);
                        n_forbidden++;
                    } else {
                        ck_assert_msg(c == QN_OK, "%s %s %s %s: got %s (%s)", where[0], where[1],
                                      where[2], where[3], qn_code_name(c), err.message);
                        ck_assert_msg(to == want->to, "%s %s %s: to %s, want %s", where[0],
                                      where[1], where[2], qn_app_state_name(to),
                                      qn_app_state_name(want->to));
                        ck_assert_msg(notice.kind == want->notice, "%s %s %s: notice %s", where[0],
                                      where[1], where[2], qn_notice_kind_name(notice.kind));
                        char key[QN_APP_NOTICE_KEY_MAX];
                        snprintf(key, sizeof key, "%s.%s", where[0], want->what);
                        ck_assert_str_eq(notice.text_key, key);
                        n_ok++;
                    }
                }
    /* the spec's lines all got exercised, with at least one allowed role each */
    ck_assert_uint_ge(n_ok, N_SPEC);
    ck_assert_uint_gt(n_conflict, 0);
    ck_assert_uint_gt(n_forbidden, 0);
    /* and the implementation's tables are exactly as long as the spec */
    size_t total = 0;
    for (int k = 0; k < QN_APP_KIND_COUNT; k++) {
        size_t n = 0;
        ck_assert_ptr_nonnull(qn_app_rules((qn_app_kind)k, &n));
        total += n;
    }
    ck_assert_uint_eq(total, N_SPEC);
}
END_TEST

START_TEST(allowed_events_match_the_spec)
{
    load_spec();
    for (int k = 0; k < QN_APP_KIND_COUNT; k++)
        for (int s = 0; s < QN_APP_STATE_COUNT; s++)
            for (int r = 0; r < QN_ACTOR_COUNT; r++) {
                qn_app_event want[QN_APP_EVENT_COUNT];
                size_t n_want = 0;
                for (int e = 0; e < QN_APP_EVENT_COUNT; e++) {
                    const spec_row *row = spec_find(parsed, (qn_app_kind)k, (qn_app_state)s,
                                                    (qn_app_event)e);
                    if (row != NULL && (row->roles & (1u << r)) != 0)
                        want[n_want++] = (qn_app_event)e;
                }
                qn_app_event got[QN_APP_EVENT_COUNT];
                size_t n = qn_app_allowed_events((qn_app_kind)k, (qn_app_state)s,
                                                 (qn_actor_role)r, got, QN_APP_EVENT_COUNT);
                ck_assert_uint_eq(n, n_want);
                for (size_t i = 0; i < n; i++)
                    ck_assert_int_eq(got[i], want[i]);
                /* a short buffer gets the first ones and the full count */
                if (n_want > 1) {
                    qn_app_event one[1] = {QN_APP_EVENT_COUNT};
                    ck_assert_uint_eq(qn_app_allowed_events((qn_app_kind)k, (qn_app_state)s,
                                                            (qn_actor_role)r, one, 1),
                                      n_want);
                    ck_assert_int_eq(one[0], want[0]);
                }
                ck_assert_uint_eq(qn_app_allowed_events((qn_app_kind)k, (qn_app_state)s,
                                                        (qn_actor_role)r, NULL, 0),
                                  n_want);
            }
}
END_TEST

START_TEST(administrator_never_acts)
{
    for (int k = 0; k < QN_APP_KIND_COUNT; k++)
        for (int s = 0; s < QN_APP_STATE_COUNT; s++) {
            ck_assert_uint_eq(qn_app_allowed_events((qn_app_kind)k, (qn_app_state)s,
                                                    QN_ACTOR_ADMINISTRATOR, NULL, 0),
                              0);
            for (int e = 0; e < QN_APP_EVENT_COUNT; e++)
                ck_assert_int_ne(qn_app_transition((qn_app_kind)k, (qn_app_state)s,
                                                   (qn_app_event)e, QN_ACTOR_ADMINISTRATOR, NULL,
                                                   NULL, NULL),
                                 QN_OK);
        }
}
END_TEST

START_TEST(final_states_have_no_way_out)
{
    static const qn_app_state finals[] = {QN_APP_REGISTERED, QN_APP_GRANTED,   QN_APP_UPHELD,
                                          QN_APP_DECLINED,   QN_APP_WITHDRAWN, QN_APP_EXPIRED};
    for (size_t i = 0; i < sizeof finals / sizeof finals[0]; i++) {
        ck_assert(qn_app_state_is_final(finals[i]));
        for (int k = 0; k < QN_APP_KIND_COUNT; k++)
            for (int r = 0; r < QN_ACTOR_COUNT; r++)
                ck_assert_uint_eq(
                    qn_app_allowed_events((qn_app_kind)k, finals[i], (qn_actor_role)r, NULL, 0), 0);
    }
    ck_assert(!qn_app_state_is_final(QN_APP_REFUSED));
    ck_assert(!qn_app_state_is_final(QN_APP_DRAFT));
    ck_assert(!qn_app_state_is_final(QN_APP_APPEALED));
}
END_TEST

START_TEST(illegal_and_forbidden_messages)
{
    qn_err err;
    qn_app_state to = QN_APP_DRAFT;
    ck_assert_int_eq(qn_app_transition(QN_APP_CITIZEN_TEMPORARY, QN_APP_AWAITING_CONSENTS,
                                       QN_APP_EV_REGISTER, QN_ACTOR_OFFICER, &to, NULL, &err),
                     QN_E_CONFLICT);
    ck_assert_str_eq(err.message, "cannot register an application that is awaiting consents");
    ck_assert_str_eq(err.sub, "illegal_transition");
    ck_assert_int_eq(to, QN_APP_DRAFT);

    ck_assert_int_eq(qn_app_transition(QN_APP_TRP, QN_APP_IN_REVIEW, QN_APP_EV_GRANT,
                                       QN_ACTOR_ADMINISTRATOR, &to, NULL, &err),
                     QN_E_FORBIDDEN);
    ck_assert_str_eq(err.message,
                     "an administrator may not grant this application; only an officer or a senior officer may");
    ck_assert_str_eq(err.sub, "wrong_actor");
    ck_assert_int_eq(qn_code_http_status(err.code), 403);

    ck_assert_int_eq(qn_app_transition(QN_APP_FOREIGNER_TEMPORARY, QN_APP_APPEALED,
                                       QN_APP_EV_OVERTURN, QN_ACTOR_OFFICER, &to, NULL, &err),
                     QN_E_FORBIDDEN);
    ck_assert_str_eq(err.message,
                     "an officer may not overturn the refusal of this application; only a senior officer may");

    /* the applicant cannot decide their own case */
    ck_assert_int_eq(qn_app_transition(QN_APP_FOREIGNER_TEMPORARY, QN_APP_IN_REVIEW,
                                       QN_APP_EV_REGISTER, QN_ACTOR_APPLICANT, &to, NULL, &err),
                     QN_E_FORBIDDEN);
    /* a registration kind is never "granted", a permit never "registered" */
    ck_assert_int_eq(qn_app_transition(QN_APP_FOREIGNER_TEMPORARY, QN_APP_IN_REVIEW,
                                       QN_APP_EV_GRANT, QN_ACTOR_OFFICER, &to, NULL, &err),
                     QN_E_CONFLICT);
    ck_assert_str_eq(err.message, "cannot grant an application that is in review");
    ck_assert_int_eq(qn_app_transition(QN_APP_TRP, QN_APP_IN_REVIEW, QN_APP_EV_REGISTER,
                                       QN_ACTOR_OFFICER, &to, NULL, &err),
                     QN_E_CONFLICT);
    /* a declined application (owner said no) cannot be appealed */
    ck_assert_int_eq(qn_app_transition(QN_APP_CITIZEN_TEMPORARY, QN_APP_DECLINED, QN_APP_EV_APPEAL,
                                       QN_ACTOR_APPLICANT, &to, NULL, &err),
                     QN_E_CONFLICT);
    ck_assert_str_eq(err.message, "cannot appeal an application that was declined by an owner or the host");
    /* err may be NULL */
    ck_assert_int_eq(qn_app_transition(QN_APP_TRP, QN_APP_REGISTERED, QN_APP_EV_SUBMIT,
                                       QN_ACTOR_APPLICANT, NULL, NULL, NULL),
                     QN_E_CONFLICT);
}
END_TEST

START_TEST(out_of_range_input_is_invalid)
{
    qn_err err;
    ck_assert_int_eq(qn_app_transition(QN_APP_KIND_COUNT, QN_APP_DRAFT, QN_APP_EV_SUBMIT,
                                       QN_ACTOR_APPLICANT, NULL, NULL, &err),
                     QN_E_INVALID);
    ck_assert_str_eq(err.sub, "invalid_enum");
    ck_assert_int_eq(qn_app_transition(QN_APP_TRP, (qn_app_state)-1, QN_APP_EV_SUBMIT,
                                       QN_ACTOR_APPLICANT, NULL, NULL, &err),
                     QN_E_INVALID);
    ck_assert_int_eq(qn_app_transition(QN_APP_TRP, QN_APP_DRAFT, QN_APP_EVENT_COUNT,
                                       QN_ACTOR_APPLICANT, NULL, NULL, &err),
                     QN_E_INVALID);
    ck_assert_int_eq(qn_app_transition(QN_APP_TRP, QN_APP_DRAFT, QN_APP_EV_SUBMIT, QN_ACTOR_COUNT,
                                       NULL, NULL, &err),
                     QN_E_INVALID);
    ck_assert_uint_eq(qn_app_allowed_events(QN_APP_KIND_COUNT, QN_APP_DRAFT, QN_ACTOR_APPLICANT,
                                            NULL, 0),
                      0);
    size_t n = 99;
    ck_assert_ptr_null(qn_app_rules(QN_APP_KIND_COUNT, &n));
    ck_assert_uint_eq(n, 0);
    ck_assert_str_eq(qn_app_kind_name(QN_APP_KIND_COUNT), "?");
    ck_assert_str_eq(qn_app_state_name((qn_app_state)-3), "?");
    ck_assert_str_eq(qn_refusal_reason_label(QN_REASON_COUNT), "?");
}
END_TEST

/* Drives one application through a list of (event, role) steps. */
typedef struct {
    qn_app_event event;
    qn_actor_role role;
    qn_app_state want;
} step;

static void walk(qn_app_kind kind, const step *steps, size_t n)
{
    qn_app_state state = qn_app_initial_state(kind);
    ck_assert_int_eq(state, QN_APP_DRAFT);
    for (size_t i = 0; i < n; i++) {
        qn_err err;
        qn_app_state next;
        qn_code c = qn_app_transition(kind, state, steps[i].event, steps[i].role, &next, NULL, &err);
        ck_assert_msg(c == QN_OK, "%s step %zu (%s): %s", qn_app_kind_name(kind), i,
                      qn_app_event_name(steps[i].event), err.message);
        ck_assert_int_eq(next, steps[i].want);
        state = next;
    }
}

START_TEST(stories)
{
    /* A host registers a guest online; the check passes within 15 minutes. */
    static const step online[] = {
        {QN_APP_EV_SUBMIT, QN_ACTOR_APPLICANT, QN_APP_SUBMITTED},
        {QN_APP_EV_START_CHECK, QN_ACTOR_SYSTEM, QN_APP_AUTO_CHECK},
        {QN_APP_EV_AUTO_PASS, QN_ACTOR_SYSTEM, QN_APP_REGISTERED},
    };
    walk(QN_APP_FOREIGNER_TEMPORARY, online, 3);
    /* Routed to an officer, refused, appealed, overturned, registered. */
    static const step appealed[] = {
        {QN_APP_EV_SUBMIT, QN_ACTOR_APPLICANT, QN_APP_SUBMITTED},
        {QN_APP_EV_START_CHECK, QN_ACTOR_SYSTEM, QN_APP_AUTO_CHECK},
        {QN_APP_EV_ROUTE_TO_OFFICER, QN_ACTOR_SYSTEM, QN_APP_IN_REVIEW},
        {QN_APP_EV_REFUSE, QN_ACTOR_OFFICER, QN_APP_REFUSED},
        {QN_APP_EV_APPEAL, QN_ACTOR_APPLICANT, QN_APP_APPEALED},
        {QN_APP_EV_OVERTURN, QN_ACTOR_SENIOR_OFFICER, QN_APP_IN_REVIEW},
        {QN_APP_EV_REGISTER, QN_ACTOR_OFFICER, QN_APP_REGISTERED},
    };
    walk(QN_APP_FOREIGNER_TEMPORARY, appealed, 7);
    /* A citizen with two co-owners. */
    static const step citizen[] = {
        {QN_APP_EV_SUBMIT, QN_ACTOR_APPLICANT, QN_APP_AWAITING_CONSENTS},
        {QN_APP_EV_CONSENT_GIVEN, QN_ACTOR_CO_SIGNER, QN_APP_AWAITING_CONSENTS},
        {QN_APP_EV_CONSENT_GIVEN, QN_ACTOR_CO_SIGNER, QN_APP_AWAITING_CONSENTS},
        {QN_APP_EV_ALL_CONSENTS_IN, QN_ACTOR_SYSTEM, QN_APP_SUBMITTED},
        {QN_APP_EV_TAKE, QN_ACTOR_OFFICER, QN_APP_IN_REVIEW},
        {QN_APP_EV_REGISTER, QN_ACTOR_OFFICER, QN_APP_REGISTERED},
    };
    walk(QN_APP_CITIZEN_TEMPORARY, citizen, 6);
    /* One co-owner refuses. */
    static const step refused_by_owner[] = {
        {QN_APP_EV_SUBMIT, QN_ACTOR_APPLICANT, QN_APP_AWAITING_CONSENTS},
        {QN_APP_EV_CONSENT_GIVEN, QN_ACTOR_CO_SIGNER, QN_APP_AWAITING_CONSENTS},
        {QN_APP_EV_CONSENT_REFUSED, QN_ACTOR_CO_SIGNER, QN_APP_DECLINED},
    };
    walk(QN_APP_CITIZEN_TEMPORARY, refused_by_owner, 3);
    /* Incomplete documents of a permanent resident, refusal upheld. */
    static const step upheld[] = {
        {QN_APP_EV_SUBMIT, QN_ACTOR_APPLICANT, QN_APP_SUBMITTED},
        {QN_APP_EV_TAKE, QN_ACTOR_OFFICER, QN_APP_IN_REVIEW},
        {QN_APP_EV_REFUSE, QN_ACTOR_OFFICER, QN_APP_REFUSED},
        {QN_APP_EV_APPEAL, QN_ACTOR_APPLICANT, QN_APP_APPEALED},
        {QN_APP_EV_UPHOLD, QN_ACTOR_SENIOR_OFFICER, QN_APP_UPHELD},
    };
    walk(QN_APP_PERMANENT_RESIDENT, upheld, 5);
    static const step permit[] = {
        {QN_APP_EV_SUBMIT, QN_ACTOR_APPLICANT, QN_APP_SUBMITTED},
        {QN_APP_EV_TAKE, QN_ACTOR_SENIOR_OFFICER, QN_APP_IN_REVIEW},
        {QN_APP_EV_GRANT, QN_ACTOR_OFFICER, QN_APP_GRANTED},
    };
    walk(QN_APP_TRP, permit, 3);
    walk(QN_APP_VISA_EXTENSION, permit, 3);
    walk(QN_APP_LOST_PASSPORT, permit, 3);
    walk(QN_APP_EXIT_VISA, permit, 3);
    static const step self_reg[] = {
        {QN_APP_EV_SUBMIT, QN_ACTOR_APPLICANT, QN_APP_AWAITING_HOST},
        {QN_APP_EV_HOST_CONFIRM, QN_ACTOR_CO_SIGNER, QN_APP_REGISTERED},
    };
    walk(QN_APP_SELF_REGISTRATION, self_reg, 2);
    static const step withdrawn[] = {
        {QN_APP_EV_SUBMIT, QN_ACTOR_APPLICANT, QN_APP_SUBMITTED},
        {QN_APP_EV_TAKE, QN_ACTOR_OFFICER, QN_APP_IN_REVIEW},
        {QN_APP_EV_WITHDRAW, QN_ACTOR_APPLICANT, QN_APP_WITHDRAWN},
    };
    walk(QN_APP_EXIT_VISA, withdrawn, 3);
}
END_TEST

START_TEST(every_state_of_a_table_is_reachable_from_draft)
{
    for (int k = 0; k < QN_APP_KIND_COUNT; k++) {
        size_t n = 0;
        const qn_app_rule *rows = qn_app_rules((qn_app_kind)k, &n);
        bool seen[QN_APP_STATE_COUNT] = {false};
        seen[qn_app_initial_state((qn_app_kind)k)] = true;
        for (bool grew = true; grew;) {
            grew = false;
            for (size_t i = 0; i < n; i++)
                if (seen[rows[i].from] && !seen[rows[i].to])
                    seen[rows[i].to] = grew = true;
        }
        for (size_t i = 0; i < n; i++) {
            ck_assert_msg(seen[rows[i].from], "%s: %s unreachable", qn_app_kind_name((qn_app_kind)k),
                          qn_app_state_name(rows[i].from));
            ck_assert(rows[i].roles != 0);
            ck_assert_ptr_nonnull(rows[i].source);
            ck_assert(strlen(rows[i].source) > 0);
        }
        /* every kind can end well */
        ck_assert(seen[QN_APP_REGISTERED] || seen[QN_APP_GRANTED]);
    }
}
END_TEST

START_TEST(names_are_stable_and_parse_back)
{
    static const char *const kinds[] = {"foreigner_temporary", "citizen_temporary",
                                        "permanent_resident",  "trp",
                                        "visa_extension",      "lost_passport",
                                        "exit_visa",           "self_registration"};
    static const char *const states[] = {"draft",      "awaiting_consents", "awaiting_host",
                                         "submitted",  "auto_check",        "in_review",
                                         "registered", "granted",           "refused",
                                         "appealed",   "upheld",            "declined",
                                         "withdrawn",  "expired"};
    static const char *const events[] = {
        "submit",     "consent_given", "consent_refused", "all_consents_in", "host_confirm",
        "host_refuse", "start_check",  "auto_pass",       "auto_fail",       "route_to_officer",
        "take",       "register",      "grant",           "refuse",          "appeal",
        "uphold",     "overturn",      "withdraw",        "expire"};
    static const char *const roles[] = {"applicant", "co_signer",      "system",
                                        "officer",   "senior_officer", "administrator"};
    static const char *const reps[] = {"self", "legal_representative_child",
                                       "legal_representative_incapable", "trustee_notarised"};
    static const char *const reasons[] = {"incomplete_documents", "invalid_document",
                                          "stay_limit_exceeded",  "duplicate_registration",
                                          "false_data",           "host_refused",
                                          "owner_refused",        "not_eligible",
                                          "other"};
    ck_assert_uint_eq(sizeof kinds / sizeof kinds[0], QN_APP_KIND_COUNT);
    ck_assert_uint_eq(sizeof states / sizeof states[0], QN_APP_STATE_COUNT);
    ck_assert_uint_eq(sizeof events / sizeof events[0], QN_APP_EVENT_COUNT);
    ck_assert_uint_eq(sizeof roles / sizeof roles[0], QN_ACTOR_COUNT);
    ck_assert_uint_eq(sizeof reps / sizeof reps[0], QN_REP_COUNT);
    ck_assert_uint_eq(sizeof reasons / sizeof reasons[0], QN_REASON_COUNT);
    for (int i = 0; i < QN_APP_KIND_COUNT; i++) {
        ck_assert_str_eq(qn_app_kind_name((qn_app_kind)i), kinds[i]);
        qn_app_kind v;
        ck_assert(qn_app_kind_parse(kinds[i], strlen(kinds[i]), &v) && (int)v == i);
    }
    for (int i = 0; i < QN_APP_STATE_COUNT; i++) {
        ck_assert_str_eq(qn_app_state_name((qn_app_state)i), states[i]);
        qn_app_state v;
        ck_assert(qn_app_state_parse(states[i], strlen(states[i]), &v) && (int)v == i);
    }
    for (int i = 0; i < QN_APP_EVENT_COUNT; i++) {
        ck_assert_str_eq(qn_app_event_name((qn_app_event)i), events[i]);
        qn_app_event v;
        ck_assert(qn_app_event_parse(events[i], strlen(events[i]), &v) && (int)v == i);
    }
    for (int i = 0; i < QN_ACTOR_COUNT; i++) {
        ck_assert_str_eq(qn_actor_role_name((qn_actor_role)i), roles[i]);
        qn_actor_role v;
        ck_assert(qn_actor_role_parse(roles[i], strlen(roles[i]), &v) && (int)v == i);
    }
    for (int i = 0; i < QN_REP_COUNT; i++) {
        ck_assert_str_eq(qn_app_representation_name((qn_app_representation)i), reps[i]);
        qn_app_representation v;
        ck_assert(qn_app_representation_parse(reps[i], strlen(reps[i]), &v) && (int)v == i);
    }
    for (int i = 0; i < QN_REASON_COUNT; i++) {
        ck_assert_str_eq(qn_refusal_reason_name((qn_refusal_reason)i), reasons[i]);
        qn_refusal_reason v;
        ck_assert(qn_refusal_reason_parse(reasons[i], strlen(reasons[i]), &v) && (int)v == i);
        const char *label = qn_refusal_reason_label(v);
        ck_assert(strlen(label) > 5 && strcmp(label, "?") != 0);
        for (int j = 0; j < i; j++)
            ck_assert_str_ne(label, qn_refusal_reason_label((qn_refusal_reason)j));
    }
    for (int i = 0; i < QN_NOTICE_KIND_COUNT; i++) {
        const char *name = qn_notice_kind_name((qn_notice_kind)i);
        qn_notice_kind v;
        ck_assert(qn_notice_kind_parse(name, strlen(name), &v) && (int)v == i);
    }
    /* not names: case, prefixes, trailing bytes, NULL; *out untouched */
    qn_app_state st = QN_APP_EXPIRED;
    ck_assert(!qn_app_state_parse("Draft", 5, &st));
    ck_assert(!qn_app_state_parse("draf", 4, &st));
    ck_assert(!qn_app_state_parse("draft ", 6, &st));
    ck_assert(!qn_app_state_parse("", 0, &st));
    ck_assert(!qn_app_state_parse(NULL, 5, &st));
    ck_assert_int_eq(st, QN_APP_EXPIRED);
    /* the length bounds the read: no NUL needed */
    const char buf[5] = {'d', 'r', 'a', 'f', 't'};
    ck_assert(qn_app_state_parse(buf, sizeof buf, &st));
    ck_assert_int_eq(st, QN_APP_DRAFT);
    ck_assert(qn_app_event_parse("registered", 8, NULL));
}
END_TEST

/* A calendar for the test only: weekends off, no holidays. */
static qn_date_t add_weekdays(void *user, qn_date_t from, int n)
{
    int *calls = user;
    (*calls)++;
    qn_date_t d = from;
    while (n > 0) {
        d++;
        if (!qn_date_is_weekend(d))
            n--;
    }
    return d;
}

START_TEST(deadlines_and_overdue)
{
    qn_app_term t = qn_app_processing_term(QN_APP_FOREIGNER_TEMPORARY, QN_APP_AUTO_CHECK);
    ck_assert_int_eq(t.unit, QN_TERM_MINUTES);
    ck_assert_int_eq(t.amount, 15);
    ck_assert_ptr_nonnull(t.source);
    qn_app_term office = qn_app_processing_term(QN_APP_FOREIGNER_TEMPORARY, QN_APP_IN_REVIEW);
    ck_assert_int_eq(office.unit, QN_TERM_WORKING_DAYS);
    ck_assert_int_eq(office.amount, 1);
    ck_assert_int_eq(qn_app_processing_term(QN_APP_FOREIGNER_TEMPORARY, QN_APP_SUBMITTED).unit,
                     QN_TERM_WORKING_DAYS);
    ck_assert_int_eq(qn_app_processing_term(QN_APP_FOREIGNER_TEMPORARY, QN_APP_REGISTERED).unit,
                     QN_TERM_NONE);
    /* Seed 002: "within 10 minutes" online; at the office seed 000's working
     * day by analogy, for citizens and permanent residents alike. */
    qn_app_term cit = qn_app_processing_term(QN_APP_CITIZEN_TEMPORARY, QN_APP_AUTO_CHECK);
    ck_assert_int_eq(cit.unit, QN_TERM_MINUTES);
    ck_assert_int_eq(cit.amount, 10);
    ck_assert_ptr_nonnull(strstr(cit.source, "seed 002"));
    qn_app_term cit_office = qn_app_processing_term(QN_APP_CITIZEN_TEMPORARY, QN_APP_IN_REVIEW);
    ck_assert_int_eq(cit_office.unit, QN_TERM_WORKING_DAYS);
    ck_assert_int_eq(cit_office.amount, 1);
    ck_assert_int_eq(qn_app_processing_term(QN_APP_PERMANENT_RESIDENT, QN_APP_SUBMITTED).unit,
                     QN_TERM_WORKING_DAYS);
    ck_assert_int_eq(qn_app_processing_term(QN_APP_PERMANENT_RESIDENT, QN_APP_IN_REVIEW).amount, 1);
    ck_assert_int_eq(qn_app_processing_term(QN_APP_PERMANENT_RESIDENT, QN_APP_AUTO_CHECK).unit,
                     QN_TERM_NONE);
    /* No source gives appeals a term. */
    ck_assert_int_eq(qn_app_processing_term(QN_APP_FOREIGNER_TEMPORARY, QN_APP_APPEALED).unit,
                     QN_TERM_NONE);
    ck_assert_int_eq(qn_app_processing_term(QN_APP_PERMANENT_RESIDENT, QN_APP_APPEALED).unit,
                     QN_TERM_NONE);
    ck_assert_int_eq(qn_app_processing_term(QN_APP_CITIZEN_TEMPORARY, QN_APP_AWAITING_CONSENTS).unit,
                     QN_TERM_NONE);

    /* Friday 2026-11-20, 10:00 in Kazakhstan (UTC+5) */
    int64_t friday_10 = (int64_t)qn_test_date("2026-11-20") * 86400 + 5 * 3600;
    int64_t deadline = 0;
    qn_err err;
    ck_assert_int_eq(qn_app_deadline(t, friday_10, NULL, NULL, &deadline, &err), QN_OK);
    ck_assert_int_eq(deadline, friday_10 + 900);

    int calls = 0;
    ck_assert_int_eq(qn_app_deadline(office, friday_10, add_weekdays, &calls, &deadline, &err), QN_OK);
    ck_assert_int_eq(calls, 1);
    /* the end of Monday 2026-11-23 in Kazakhstan: 18:59:59 UTC */
    int64_t monday_end = (int64_t)qn_test_date("2026-11-23") * 86400 + 18 * 3600 + 59 * 60 + 59;
    ck_assert_int_eq(deadline, monday_end);
    /* 00:30 Friday in Kazakhstan is still Thursday in UTC: the Kazakh day counts */
    int64_t friday_0030 = (int64_t)qn_test_date("2026-11-19") * 86400 + 19 * 3600 + 30 * 60;
    ck_assert_int_eq(qn_app_deadline(office, friday_0030, add_weekdays, &calls, &deadline, &err),
                     QN_OK);
    ck_assert_int_eq(deadline, monday_end);

    ck_assert_int_eq(qn_app_deadline(office, friday_10, NULL, NULL, &deadline, &err), QN_E_INVALID);
    qn_app_term none = qn_app_processing_term(QN_APP_TRP, QN_APP_IN_REVIEW);
    ck_assert_int_eq(qn_app_deadline(none, friday_10, add_weekdays, &calls, &deadline, &err),
                     QN_E_INVALID);
    ck_assert_int_eq(qn_app_deadline(t, -1, NULL, NULL, &deadline, &err), QN_E_INVALID);
    ck_assert_int_eq(qn_app_deadline(t, INT64_MAX, NULL, NULL, &deadline, &err), QN_E_INVALID);
    qn_app_term zero = {QN_TERM_MINUTES, 0, "x"};
    ck_assert_int_eq(qn_app_deadline(zero, friday_10, NULL, NULL, &deadline, &err), QN_E_INVALID);

    ck_assert(!qn_app_is_overdue(QN_APP_IN_REVIEW, monday_end, monday_end));
    ck_assert(qn_app_is_overdue(QN_APP_IN_REVIEW, monday_end, monday_end + 1));
    ck_assert(qn_app_is_overdue(QN_APP_AUTO_CHECK, friday_10 + 900, friday_10 + 901));
    ck_assert(qn_app_is_overdue(QN_APP_APPEALED, 0, 1));
    ck_assert(qn_app_is_overdue(QN_APP_SUBMITTED, 0, 1));
    ck_assert(!qn_app_is_overdue(QN_APP_REGISTERED, 0, 1000));
    ck_assert(!qn_app_is_overdue(QN_APP_REFUSED, 0, 1000));
    ck_assert(!qn_app_is_overdue(QN_APP_DRAFT, 0, 1000));
    ck_assert(!qn_app_is_overdue(QN_APP_AWAITING_CONSENTS, 0, 1000));
}
END_TEST

START_TEST(self_registration_from_july_2026)
{
    ck_assert(!qn_app_kind_available_on(QN_APP_SELF_REGISTRATION, qn_test_date("2026-06-30")));
    ck_assert(qn_app_kind_available_on(QN_APP_SELF_REGISTRATION, qn_test_date("2026-07-01")));
    ck_assert(qn_app_kind_available_on(QN_APP_FOREIGNER_TEMPORARY, qn_test_date("2020-01-11")));
    ck_assert(qn_app_kind_available_on(QN_APP_TRP, qn_test_date("2026-06-30")));
    /* Seed 003: the permanent residents' rules come into effect on 2024-03-16. */
    ck_assert(!qn_app_kind_available_on(QN_APP_PERMANENT_RESIDENT, qn_test_date("2024-03-15")));
    ck_assert(qn_app_kind_available_on(QN_APP_PERMANENT_RESIDENT, qn_test_date("2024-03-16")));
    ck_assert(qn_app_kind_available_on(QN_APP_CITIZEN_TEMPORARY, qn_test_date("2024-03-15")));
    ck_assert(!qn_app_kind_available_on(QN_APP_KIND_COUNT, qn_test_date("2026-07-01")));
}
END_TEST

static qn_app_decision blank(void)
{
    return (qn_app_decision){false, QN_REASON_OTHER, NULL, QN_DATE_NONE, QN_DATE_NONE};
}

static bool has_field(const qn_err *err, const char *field)
{
    for (size_t i = 0; i < err->n_fields; i++)
        if (strcmp(err->fields[i].field, field) == 0)
            return true;
    return false;
}

START_TEST(decisions_carry_their_reasons)
{
    qn_err err;
    qn_app_decision d = blank();
    ck_assert_int_eq(qn_app_decision_check(QN_APP_PERMANENT_RESIDENT, QN_APP_EV_REFUSE, &d, &err),
                     QN_E_INVALID);
    ck_assert(has_field(&err, "reason"));
    ck_assert_str_eq(err.message, "the refuse decision is incomplete");
    d.has_reason = true;
    d.reason = QN_REASON_INCOMPLETE_DOCUMENTS;
    ck_assert_int_eq(qn_app_decision_check(QN_APP_PERMANENT_RESIDENT, QN_APP_EV_REFUSE, &d, &err),
                     QN_OK);
    d.reason = QN_REASON_OTHER;
    ck_assert_int_eq(qn_app_decision_check(QN_APP_TRP, QN_APP_EV_REFUSE, &d, &err), QN_E_INVALID);
    ck_assert(has_field(&err, "text"));
    d.text = "The employer's licence was revoked";
    ck_assert_int_eq(qn_app_decision_check(QN_APP_TRP, QN_APP_EV_REFUSE, &d, &err), QN_OK);
    d = blank();
    ck_assert_int_eq(qn_app_decision_check(QN_APP_FOREIGNER_TEMPORARY, QN_APP_EV_AUTO_FAIL, &d, NULL),
                     QN_E_INVALID);

    /* appeals and their outcomes are reasoned */
    d = blank();
    d.text = "  \n ";
    ck_assert_int_eq(qn_app_decision_check(QN_APP_TRP, QN_APP_EV_APPEAL, &d, &err), QN_E_INVALID);
    ck_assert(has_field(&err, "text"));
    d.text = "The documents were complete: see the list attached";
    ck_assert_int_eq(qn_app_decision_check(QN_APP_TRP, QN_APP_EV_APPEAL, &d, &err), QN_OK);
    d.text = NULL;
    ck_assert_int_eq(qn_app_decision_check(QN_APP_TRP, QN_APP_EV_UPHOLD, &d, &err), QN_E_INVALID);
    ck_assert_int_eq(qn_app_decision_check(QN_APP_TRP, QN_APP_EV_OVERTURN, &d, &err), QN_E_INVALID);

    /* a permit is granted with a period */
    d = blank();
    ck_assert_int_eq(qn_app_decision_check(QN_APP_TRP, QN_APP_EV_GRANT, &d, &err), QN_E_INVALID);
    ck_assert(has_field(&err, "valid_from") && has_field(&err, "valid_until"));
    d.valid_from = qn_test_date("2026-12-01");
    d.valid_until = qn_test_date("2026-11-30");
    ck_assert_int_eq(qn_app_decision_check(QN_APP_TRP, QN_APP_EV_GRANT, &d, &err), QN_E_INVALID);
    ck_assert(has_field(&err, "valid_until"));
    d.valid_until = qn_test_date("2027-11-30");
    ck_assert_int_eq(qn_app_decision_check(QN_APP_TRP, QN_APP_EV_GRANT, &d, &err), QN_OK);
    /* seed 001: an extension visa for up to 90 calendar days */
    d.valid_until = d.valid_from + 89;
    ck_assert_int_eq(qn_app_decision_check(QN_APP_VISA_EXTENSION, QN_APP_EV_GRANT, &d, &err), QN_OK);
    d.valid_until = d.valid_from + 90;
    ck_assert_int_eq(qn_app_decision_check(QN_APP_VISA_EXTENSION, QN_APP_EV_GRANT, &d, &err),
                     QN_E_INVALID);
    /* a certificate of loss has no period */
    ck_assert_int_eq(qn_app_decision_check(QN_APP_LOST_PASSPORT, QN_APP_EV_GRANT, &(qn_app_decision){0}, &err),
                     QN_OK);

    /* private refusals carry their fixed reason */
    d = blank();
    d.has_reason = true;
    d.reason = QN_REASON_FALSE_DATA;
    ck_assert_int_eq(qn_app_decision_check(QN_APP_CITIZEN_TEMPORARY, QN_APP_EV_CONSENT_REFUSED, &d, &err),
                     QN_E_INVALID);
    d.reason = QN_REASON_OWNER_REFUSED;
    ck_assert_int_eq(qn_app_decision_check(QN_APP_CITIZEN_TEMPORARY, QN_APP_EV_CONSENT_REFUSED, &d, &err),
                     QN_OK);
    ck_assert_int_eq(qn_app_decision_check(QN_APP_SELF_REGISTRATION, QN_APP_EV_HOST_REFUSE, &d, &err),
                     QN_E_INVALID);
    d.reason = QN_REASON_HOST_REFUSED;
    ck_assert_int_eq(qn_app_decision_check(QN_APP_SELF_REGISTRATION, QN_APP_EV_HOST_REFUSE, &d, &err),
                     QN_OK);

    /* text is bounded */
    static char long_text[QN_APP_REASON_TEXT_MAX + 2];
    memset(long_text, 'a', sizeof long_text - 1);
    long_text[sizeof long_text - 1] = '\0';
    d = blank();
    d.text = long_text;
    ck_assert_int_eq(qn_app_decision_check(QN_APP_TRP, QN_APP_EV_APPEAL, &d, &err), QN_E_INVALID);
    ck_assert(has_field(&err, "text"));
    long_text[QN_APP_REASON_TEXT_MAX] = '\0';
    ck_assert_int_eq(qn_app_decision_check(QN_APP_TRP, QN_APP_EV_APPEAL, &d, &err), QN_OK);

    ck_assert_int_eq(qn_app_decision_check(QN_APP_TRP, QN_APP_EV_SUBMIT, &(qn_app_decision){0}, &err),
                     QN_OK);
    ck_assert_int_eq(qn_app_decision_check(QN_APP_TRP, QN_APP_EV_REFUSE, NULL, &err), QN_E_INVALID);
}
END_TEST

START_TEST(signatures_and_consents)
{
    for (int k = 0; k < QN_APP_KIND_COUNT; k++) {
        qn_app_signatures sig = qn_app_required_signatures((qn_app_kind)k);
        ck_assert(sig.applicant_signs);
        ck_assert(sig.owners_consent == (k == QN_APP_CITIZEN_TEMPORARY));
        ck_assert(sig.host_confirms == (k == QN_APP_SELF_REGISTRATION));
        ck_assert_str_ne(qn_app_kind_title((qn_app_kind)k), "?");
    }
    qn_app_signatures none = qn_app_required_signatures(QN_APP_KIND_COUNT);
    ck_assert(!none.applicant_signs && !none.owners_consent && !none.host_confirms);
    ck_assert_str_eq(qn_app_kind_title(QN_APP_TRP), "Temporary residence permit");
    /* seed 002: the applicant who is the only owner needs nobody's consent */
    ck_assert_uint_eq(qn_app_consents_required(1, true), 0);
    ck_assert_uint_eq(qn_app_consents_required(3, true), 2);
    ck_assert_uint_eq(qn_app_consents_required(1, false), 1);
    ck_assert_uint_eq(qn_app_consents_required(3, false), 3);
    ck_assert_uint_eq(qn_app_consents_required(0, true), 0);
}
END_TEST

static Suite *workflow_suite(void)
{
    Suite *s = suite_create("workflow");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, every_transition_matches_the_spec);
    tcase_add_test(tc, allowed_events_match_the_spec);
    tcase_add_test(tc, administrator_never_acts);
    tcase_add_test(tc, final_states_have_no_way_out);
    tcase_add_test(tc, illegal_and_forbidden_messages);
    tcase_add_test(tc, out_of_range_input_is_invalid);
    tcase_add_test(tc, stories);
    tcase_add_test(tc, every_state_of_a_table_is_reachable_from_draft);
    tcase_add_test(tc, names_are_stable_and_parse_back);
    tcase_add_test(tc, deadlines_and_overdue);
    tcase_add_test(tc, self_registration_from_july_2026);
    tcase_add_test(tc, decisions_carry_their_reasons);
    tcase_add_test(tc, signatures_and_consents);
    suite_add_tcase(s, tc);
    return s;
}

QN_TEST_MAIN(workflow_suite)
