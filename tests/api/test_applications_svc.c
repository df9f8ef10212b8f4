/* test_applications_svc.c — the application workflow at the service level,
 * where the clock is the service call's (qn_svc_ctx.now) and can be moved:
 * the service on a fresh SQLite database seeded as `serve --demo` seeds it
 * (demo accounts, the demo CA trusted), signatures made by the `openssl`
 * command line tool with the demo CA's keys, or with certificates the demo
 * CA issues through `openssl ca` (tests/sign/issue_cert.sh).
 *
 * Covered: deadlines and the overdue queue by the service's clock (no row
 * written behind the service's back); the officer's queue with more than
 * 1,000 cases, paged and filtered in the store; the permanent residents'
 * service refused before 2024-03-16; a host under 18 refused by the
 * signature's IIN; a live signature by a certificate that has expired since
 * it signed (a back-dated signing time) refused, while the stored one still
 * re-verifies at its signing time.
 */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/date.h"
#include "service/application.h"
#include "service/demo.h"
#include "service/signing.h"
#include "store/store.h"
#include "support/qn_test.h"

#define ADDR "0201100012345678" /* demo address, region 75, owners BEKOV and BEKOVA */

typedef struct {
    qn_service *svc;
    char db[700];
    char ca[700]; /* the demo CA */
} fixture;

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void open_fixture(fixture *f)
{
    static int round;
    char base[600];
    snprintf(base, sizeof base, "%s/appsvc-%d-%d", qn_test_tmpdir(), (int)getpid(), ++round);
    mkdir(base, 0700);
    snprintf(f->db, sizeof f->db, "sqlite:%s/q.db", base);
    snprintf(f->ca, sizeof f->ca, "%s/demo-ca", base);
    qn_service_config cfg = {.db_url = f->db, .pool_size = 3, .cheap_pwhash = true};
    qn_err e;
    qn_err_clear(&e);
    ck_assert_msg(qn_service_new(&cfg, &f->svc, &e) == QN_OK, "%s", e.message);
    ck_assert_msg(qn_svc_demo_seed(f->svc, &e) == QN_OK, "%s", e.message);
}

/* A principal for the stored account `user`. */
static void as_account(fixture *f, const char *user, qn_role role, qn_principal *p)
{
    qn_principal sys = {0};
    snprintf(sys.username, sizeof sys.username, "system");
    qn_svc_ctx ctx;
    qn_svc_ctx_system(&ctx, f->svc, &sys);
    qn_store *st = NULL;
    qn_store_conn *c = NULL;
    qn_err e;
    ck_assert_int_eq(qn_store_open(f->db, NULL, &st, &e), QN_OK);
    ck_assert_int_eq(qn_store_acquire(st, &c, &e), QN_OK);
    qn_store_account a;
    ck_assert_msg(qn_store_account_by_username(c, user, &a, &e) == QN_OK, "no account %s", user);
    qn_store_release(c);
    qn_store_close(st);
    memset(p, 0, sizeof *p);
    p->account_id = a.id;
    p->role = role;
    snprintf(p->username, sizeof p->username, "%s", user);
    snprintf(p->party_id, sizeof p->party_id, "%s", a.iin_bin);
    snprintf(p->region, sizeof p->region, "%s", a.region);
    p->via = QN_CRED_BEARER;
}

static void ctx_for(fixture *f, const qn_principal *p, qn_svc_ctx *ctx) { qn_svc_ctx_system(ctx, f->svc, p); }

/* Signs text with CA_DIR/<key>.pem/.key using openssl; base64 DER, malloc'd. */
static char *sign_with(const char *dir, const char *key, const char *text)
{
    char doc[800], out[820];
    snprintf(doc, sizeof doc, "%s/doc-%ld.json", dir, random());
    snprintf(out, sizeof out, "%s.b64", doc);
    FILE *fp = fopen(doc, "wb");
    ck_assert_ptr_nonnull(fp);
    fputs(text, fp);
    fclose(fp);
    ck_assert_int_eq(sh("openssl cms -sign -binary -in '%s' -signer '%s/%s.pem' -inkey '%s/%s.key' "
                        "-outform DER 2>/dev/null | openssl base64 -A > '%s'",
                        doc, dir, key, dir, key, out),
                     0);
    fp = fopen(out, "rb");
    ck_assert_ptr_nonnull(fp);
    char *b = calloc(1, 65536);
    size_t n = fread(b, 1, 65535, fp);
    fclose(fp);
    b[n] = '\0';
    return b;
}

/* Issues NAME_sign.pem/.key for IIN from the demo CA (openssl ca). */
static void issue(fixture *f, const char *name, const char *iin, const char *start, const char *end)
{
    const char *root = qn_test_env("QONAQ_ROOT", 1);
    ck_assert_int_eq(
        sh("'%s/tests/sign/issue_cert.sh' '%s' '%s' '%s' '%s' '%s'", root, f->ca, name, iin, start, end), 0);
}

/* openssl ca's date form (UTC YYMMDDHHMMSSZ) of an instant. */
static const char *ca_date(int64_t at, char out[16])
{
    time_t t = (time_t)at;
    struct tm tm;
    gmtime_r(&t, &tm);
    /* openssl ca wants UTCTime: two-digit years (2000-2049 here). */
    char full[32];
    strftime(full, sizeof full, "%Y%m%d%H%M%SZ", &tm);
    snprintf(out, 16, "%.13s", full + 2); /* YYMMDDHHMMSSZ */
    return out;
}

static const char *day(int64_t now, int days, char out[16])
{
    char b[QN_DATE_STRLEN];
    snprintf(out, 16, "%s", qn_date_format(qn_date_from_epoch_kz(now) + days, b));
    return out;
}

/* A foreigner's registration for stay_days from yesterday (over 183 days:
 * with the extra documents, so it goes to an officer). */
static char *foreigner_doc(int64_t now, int stay_days, const char *passport)
{
    char f[16], t[16], en[16];
    json_t *d = json_pack(
        "{s:s, s:s, s:{s:s, s:s}, s:{s:s, s:s, s:s, s:s, s:{s:s, s:s, s:s}}, s:s, s:{s:s, s:b}, s:[]}",
        "kind", "foreigner_temporary", "address_code", ADDR, "period", "from", day(now, -1, f), "to",
        day(now, stay_days - 2, t), "foreigner", "surname", "MULLER", "given_names", "HANS", "citizenship",
        "DEU", "birth_date", "1980-01-01", "document", "number", passport, "country", "DEU", "expires",
        "2040-01-01", "entry_date", day(now, -2, en), "migration_card", "number", "MC1", "border_mark", 1,
        "documents");
    if (stay_days > 183) {
        const char *names[] = {"address_sheets", "statistical_coupon", "photo"};
        for (int i = 0; i < 3; i++)
            json_array_append_new(json_object_get(d, "documents"),
                                  json_pack("{s:s, s:s}", "type", names[i], "form", "original"));
    }
    char *s = json_dumps(d, JSON_COMPACT);
    json_decref(d);
    return s;
}

static char *resident_doc(int64_t now, const char *number)
{
    char f[16];
    json_t *d =
        json_pack("{s:s, s:s, s:{s:s}, s:{s:s, s:s, s:s, s:{s:s, s:s}}, s:[{s:s, s:s}]}", "kind",
                  "permanent_resident", "address_code", ADDR, "period", "from", day(now, 0, f), "person",
                  "surname", "IVANOV", "given_names", "IVAN", "citizenship", "RUS", "document", "number",
                  number, "country", "KAZ", "documents", "type", "identity_document", "form", "original");
    char *s = json_dumps(d, JSON_COMPACT);
    json_decref(d);
    return s;
}

static qn_code submit(qn_svc_ctx *ctx, const char *doc, const char *sig, int64_t *id, qn_err *e)
{
    qn_app_submit_in in = {doc, strlen(doc), sig, strlen(sig), NULL, NULL};
    bool replayed = false;
    qn_err_clear(e);
    return qn_svc_app_submit(ctx, &in, id, &replayed, e);
}

static void get_state(qn_svc_ctx *ctx, int64_t id, char *state, size_t cap, int64_t *deadline)
{
    qn_app_view v;
    qn_err e;
    ck_assert_int_eq(qn_svc_app_get(ctx, id, &v, &e), QN_OK);
    snprintf(state, cap, "%.*s", (int)(cap - 1), v.app.state);
    if (deadline)
        *deadline = v.app.deadline_at;
    qn_app_view_free(&v);
}

static int64_t queue_total(qn_svc_ctx *ctx, const char *kind, const char *state, bool overdue, int64_t page,
                           int64_t per_page, size_t *count, int64_t *first_id)
{
    qn_app_queue_query q = {kind, state, overdue, page, per_page};
    qn_store_application_list l;
    qn_err e;
    qn_err_clear(&e);
    ck_assert_msg(qn_svc_app_queue(ctx, &q, &l, &e) == QN_OK, "%s", e.message);
    int64_t total = l.total;
    if (count)
        *count = l.count;
    if (first_id)
        *first_id = l.count ? l.items[0].id : 0;
    qn_store_application_list_free(&l);
    return total;
}

/* Deadlines come from the clock of the call that enters the state; the
 * queue's overdue filter reads the clock of the call that asks. */
START_TEST(overdue_by_the_service_clock)
{
    fixture f;
    open_fixture(&f);
    qn_principal host, foreigner, officer;
    as_account(&f, "host", QN_ROLE_HOST_INDIVIDUAL, &host);
    as_account(&f, "foreigner", QN_ROLE_FOREIGNER, &foreigner);
    as_account(&f, "officer", QN_ROLE_OFFICER, &officer);
    qn_svc_ctx hctx, fctx, octx;
    ctx_for(&f, &host, &hctx);
    ctx_for(&f, &foreigner, &fctx);
    ctx_for(&f, &officer, &octx);
    const int64_t now = hctx.now;
    qn_err e;
    /* A long stay goes to an officer: 1 working day (seed 000). */
    char *doc = foreigner_doc(now, 200, "C01X00T55");
    char *sig = sign_with(f.ca, "host_sign", doc);
    int64_t long_stay = 0;
    ck_assert_msg(submit(&hctx, doc, sig, &long_stay, &e) == QN_OK, "%s", e.message);
    free(doc);
    free(sig);
    char state[32];
    int64_t dl_foreigner = 0;
    get_state(&hctx, long_stay, state, sizeof state, &dl_foreigner);
    ck_assert_str_eq(state, "in_review");
    ck_assert_int_gt(dl_foreigner, now);
    ck_assert_int_le(dl_foreigner, now + 5 * 86400); /* a working day, weekends and holidays between */
    /* A permanent resident waits in the queue: 1 working day by analogy
     * (docs/workflow.md). The demo foreigner's IIN gets a certificate. */
    char from[16], to[16];
    issue(&f, "foreigner", QN_DEMO_FOREIGNER_IIN, ca_date(now - 3600, from), ca_date(now + 86400 * 30, to));
    doc = resident_doc(now, "RP555");
    sig = sign_with(f.ca, "foreigner_sign", doc);
    int64_t resident = 0;
    ck_assert_msg(submit(&fctx, doc, sig, &resident, &e) == QN_OK, "%s", e.message);
    free(doc);
    free(sig);
    int64_t dl_resident = 0;
    get_state(&fctx, resident, state, sizeof state, &dl_resident);
    ck_assert_str_eq(state, "submitted");
    ck_assert_int_gt(dl_resident, now);

    /* Now: nothing is overdue. */
    ck_assert_int_eq(queue_total(&octx, NULL, NULL, true, 1, 50, NULL, NULL), 0);
    ck_assert_int_eq(queue_total(&octx, NULL, NULL, false, 1, 50, NULL, NULL), 2);
    /* A second after the resident's deadline it is overdue; the foreigner's
     * deadline (same day or later) decides whether it is too. */
    octx.now = dl_resident + 1;
    int64_t first = 0;
    int64_t n_overdue = queue_total(&octx, NULL, NULL, true, 1, 50, NULL, &first);
    ck_assert_int_eq(n_overdue, dl_foreigner < octx.now ? 2 : 1);
    /* Ten days on: both, the earlier deadline first. */
    octx.now = now + 10 * 86400;
    ck_assert_int_eq(queue_total(&octx, NULL, NULL, true, 1, 50, NULL, &first), 2);
    ck_assert_int_eq(first, dl_foreigner <= dl_resident ? long_stay : resident);
    ck_assert_int_eq(queue_total(&octx, "permanent_resident", NULL, true, 1, 50, NULL, &first), 1);
    ck_assert_int_eq(first, resident);
    /* A state that cannot be overdue lists nothing overdue. */
    ck_assert_int_eq(queue_total(&octx, NULL, "registered", true, 1, 50, NULL, NULL), 0);
    qn_store_application a;
    memset(&a, 0, sizeof a);
    a.deadline_at = dl_resident;
    snprintf(a.state, sizeof a.state, "submitted");
    ck_assert(qn_svc_app_overdue(&octx, &a));
    octx.now = dl_resident;
    ck_assert(!qn_svc_app_overdue(&octx, &a)); /* the deadline second itself is in time */
    /* Taking the case starts the office term again from the taking. */
    octx.now = now + 10 * 86400;
    qn_app_action take = {.event = QN_APP_EV_TAKE};
    ck_assert_int_eq(qn_svc_app_act(&octx, resident, &take, &e), QN_OK);
    int64_t dl_taken = 0;
    get_state(&octx, resident, state, sizeof state, &dl_taken);
    ck_assert_str_eq(state, "in_review");
    ck_assert_int_gt(dl_taken, octx.now);
    ck_assert_int_eq(queue_total(&octx, "permanent_resident", NULL, true, 1, 50, NULL, NULL), 0);
    qn_service_free(f.svc);
}
END_TEST

/* More than 1,000 cases: the queue pages and filters in the store. */
START_TEST(queue_of_more_than_a_thousand)
{
    fixture f;
    open_fixture(&f);
    qn_principal officer;
    as_account(&f, "officer", QN_ROLE_OFFICER, &officer);
    qn_svc_ctx octx;
    ctx_for(&f, &officer, &octx);
    const int64_t now = octx.now;
    qn_store *st = NULL;
    qn_store_conn *c = NULL;
    qn_err e;
    ck_assert_int_eq(qn_store_open(f.db, NULL, &st, &e), QN_OK);
    ck_assert_int_eq(qn_store_acquire(st, &c, &e), QN_OK);
    ck_assert_int_eq(qn_store_begin(c, &e), QN_OK);
    int64_t earliest_overdue = 0;
    /* 1,100 foreigners in review (7 overdue), 4 residents submitted, 5
     * citizens awaiting consents, 3 cases of region 71, 2 registered. */
    for (int i = 0; i < 1121; i++) {
        qn_store_application a;
        memset(&a, 0, sizeof a);
        const char *kind = "foreigner_temporary", *state = "in_review", *region = "75";
        int64_t deadline = now + 86400 + i;
        if (i < 7)
            deadline = now - 3600 + i;
        else if (i >= 1100 && i < 1104)
            kind = "permanent_resident", state = "submitted";
        else if (i >= 1104 && i < 1109)
            kind = "citizen_temporary", state = "awaiting_consents", deadline = 0;
        else if (i >= 1109 && i < 1112)
            region = "71";
        else if (i >= 1112 && i < 1114)
            state = "registered", deadline = 0;
        else if (i >= 1114)
            continue;
        snprintf(a.kind, sizeof a.kind, "%s", kind);
        snprintf(a.state, sizeof a.state, "%s", state);
        snprintf(a.region, sizeof a.region, "%s", region);
        a.applicant_account_id = officer.account_id;
        a.deadline_at = deadline;
        a.payload = "{}";
        ck_assert_int_eq(qn_store_application_create(c, &a, &e), QN_OK);
        if (i == 0)
            earliest_overdue = a.id;
    }
    ck_assert_int_eq(qn_store_commit(c, &e), QN_OK);
    qn_store_release(c);
    qn_store_close(st);

    size_t count = 0;
    int64_t first = 0;
    /* The default queue: pending cases only (not awaiting consents, not
     * decided), every one counted; the last page holds what is past 1,000. */
    ck_assert_int_eq(queue_total(&octx, NULL, NULL, false, 1, 200, &count, &first), 1104);
    ck_assert_int_eq(count, 200);
    ck_assert_int_eq(first, earliest_overdue);
    ck_assert_int_eq(queue_total(&octx, NULL, NULL, false, 6, 200, &count, NULL), 1104);
    ck_assert_int_eq(count, 104);
    ck_assert_int_eq(queue_total(&octx, NULL, NULL, false, 12, 100, &count, NULL), 1104);
    ck_assert_int_eq(count, 4);
    ck_assert_int_eq(queue_total(&octx, NULL, NULL, true, 1, 200, &count, &first), 7);
    ck_assert_int_eq(first, earliest_overdue);
    ck_assert_int_eq(queue_total(&octx, "permanent_resident", NULL, false, 1, 200, &count, NULL), 4);
    ck_assert_int_eq(queue_total(&octx, "foreigner_temporary", "in_review", false, 1, 200, NULL, NULL), 1100);
    /* Awaiting consents only when asked for. */
    ck_assert_int_eq(queue_total(&octx, NULL, "awaiting_consents", false, 1, 200, &count, NULL), 5);
    ck_assert_int_eq(queue_total(&octx, NULL, "registered", false, 1, 200, &count, NULL), 2);
    /* Another region's officer sees only that region's. */
    qn_principal off71 = officer;
    snprintf(off71.region, sizeof off71.region, "71");
    qn_svc_ctx ctx71;
    ctx_for(&f, &off71, &ctx71);
    ck_assert_int_eq(queue_total(&ctx71, NULL, NULL, false, 1, 200, NULL, NULL), 3);
    qn_service_free(f.svc);
}
END_TEST

/* Seed 003: the permanent residents' rules are in force from 2024-03-16. */
START_TEST(resident_service_from_2024_03_16)
{
    fixture f;
    open_fixture(&f);
    qn_principal foreigner;
    as_account(&f, "foreigner", QN_ROLE_FOREIGNER, &foreigner);
    qn_svc_ctx ctx;
    ctx_for(&f, &foreigner, &ctx);
    char *doc = resident_doc(ctx.now, "RP1");
    qn_err e;
    int64_t id = 0;
    ctx.now = (int64_t)qn_test_date("2024-03-15") * 86400 + 12 * 3600; /* 17:00 in Kazakhstan */
    ck_assert_int_eq(submit(&ctx, doc, "AAAA", &id, &e), QN_E_INVALID);
    ck_assert_str_eq(e.sub, "not_available");
    ck_assert_str_eq(e.fields[0].field, "kind");
    /* From the 16th the service exists (the garbage signature is what fails). */
    ctx.now = (int64_t)qn_test_date("2024-03-16") * 86400 + 12 * 3600;
    ck_assert_int_eq(submit(&ctx, doc, "AAAA", &id, &e), QN_E_SIGNATURE);
    ck_assert_str_eq(e.sub, "malformed");
    free(doc);
    qn_service_free(f.svc);
}
END_TEST

/* Seed 000: online only a citizen aged 18 or more receives a foreigner. An
 * account created before its holder's age was checked (written straight to
 * the store), signing with its own certificate, is refused by the
 * signature's IIN. */
START_TEST(host_under_18)
{
    fixture f;
    open_fixture(&f);
    const char *minor = "150505500008"; /* born 2015-05-05 */
    qn_store *st = NULL;
    qn_store_conn *c = NULL;
    qn_err e;
    ck_assert_int_eq(qn_store_open(f.db, NULL, &st, &e), QN_OK);
    ck_assert_int_eq(qn_store_acquire(st, &c, &e), QN_OK);
    qn_store_account a;
    memset(&a, 0, sizeof a);
    snprintf(a.username, sizeof a.username, "kid");
    snprintf(a.password_hash, sizeof a.password_hash, "x");
    snprintf(a.role, sizeof a.role, "host");
    snprintf(a.host_kind, sizeof a.host_kind, "individual");
    snprintf(a.display_name, sizeof a.display_name, "kid");
    snprintf(a.iin_bin, sizeof a.iin_bin, "%s", minor);
    ck_assert_int_eq(qn_store_account_create(c, &a, &e), QN_OK);
    qn_store_release(c);
    qn_store_close(st);
    qn_principal kid;
    as_account(&f, "kid", QN_ROLE_HOST_INDIVIDUAL, &kid);
    qn_svc_ctx ctx;
    ctx_for(&f, &kid, &ctx);
    char from[16], to[16];
    issue(&f, "kid", minor, ca_date(ctx.now - 3600, from), ca_date(ctx.now + 86400 * 30, to));
    char *doc = foreigner_doc(ctx.now, 20, "C01X00T11");
    char *sig = sign_with(f.ca, "kid_sign", doc);
    int64_t id = 0;
    ck_assert_int_eq(submit(&ctx, doc, sig, &id, &e), QN_E_INVALID);
    ck_assert_str_eq(e.fields[0].field, "signature");
    ck_assert_ptr_nonnull(strstr(e.fields[0].reason, "18"));
    /* The adult demo host with the same document: registered. */
    qn_principal host;
    as_account(&f, "host", QN_ROLE_HOST_INDIVIDUAL, &host);
    qn_svc_ctx hctx;
    ctx_for(&f, &host, &hctx);
    free(sig);
    sig = sign_with(f.ca, "host_sign", doc);
    ck_assert_msg(submit(&hctx, doc, sig, &id, &e) == QN_OK, "%s", e.message);
    char state[32];
    get_state(&hctx, id, state, sizeof state, NULL);
    ck_assert_str_eq(state, "registered");
    free(sig);
    free(doc);
    qn_service_free(f.svc);
}
END_TEST

/* A certificate that has expired since it signed: the signing time is the
 * signer's claim, so a live submission also needs the certificate valid now
 * (refused "expired"); a signature stored while it was valid still verifies
 * later, at its signing time. */
START_TEST(expired_certificate_with_an_earlier_signing_time)
{
    fixture f;
    open_fixture(&f);
    qn_principal host;
    as_account(&f, "host", QN_ROLE_HOST_INDIVIDUAL, &host);
    qn_svc_ctx ctx;
    ctx_for(&f, &host, &ctx);
    const int64_t now = ctx.now;
    char from[16], to[16];
    /* The host's second certificate, valid until a minute from now. */
    issue(&f, "host_short", host.party_id, ca_date(now - 86400, from), ca_date(now + 60, to));
    char *doc = foreigner_doc(now, 20, "C01X00T22");
    char *sig = sign_with(f.ca, "host_short_sign", doc);
    qn_err e;
    int64_t id = 0;
    /* Ten minutes later: the signing time lies within the certificate's
     * validity and within the day a live signature may be old, but the
     * certificate has expired. */
    ctx.now = now + 600;
    ck_assert_int_eq(submit(&ctx, doc, sig, &id, &e), QN_E_SIGNATURE);
    ck_assert_str_eq(e.sub, "expired");
    /* Submitted while valid, it is accepted and stored with its document... */
    ctx.now = now;
    ck_assert_msg(submit(&ctx, doc, sig, &id, &e) == QN_OK, "%s", e.message);
    qn_app_view v;
    ck_assert_int_eq(qn_svc_app_get(&ctx, id, &v, &e), QN_OK);
    ck_assert_int_eq(v.signatures.count, 1);
    int64_t sid = v.signatures.items[0].id;
    qn_app_view_free(&v);
    /* ... and re-verified after the certificate expired: valid at its time. */
    qn_principal sys = {0};
    snprintf(sys.username, sizeof sys.username, "system");
    qn_svc_ctx sctx;
    qn_svc_ctx_system(&sctx, f.svc, &sys);
    sctx.now = now + 600;
    qn_svc_signature_info info;
    qn_sign_result r;
    qn_sign_result_init(&r);
    ck_assert_msg(qn_svc_signature_reverify(&sctx, sid, &info, &r, &e) == QN_OK, "%s", e.message);
    ck_assert_str_eq(info.subject_kind, "application");
    ck_assert_int_eq(info.subject_id, id);
    ck_assert_str_eq(info.signer_id, host.party_id);
    qn_sign_result_free(&r);
    free(sig);
    free(doc);
    qn_service_free(f.svc);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("applications_svc");
    TCase *tc = tcase_create("service");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, overdue_by_the_service_clock);
    tcase_add_test(tc, queue_of_more_than_a_thousand);
    tcase_add_test(tc, resident_service_from_2024_03_16);
    tcase_add_test(tc, host_under_18);
    tcase_add_test(tc, expired_certificate_with_an_earlier_signing_time);
    suite_add_tcase(s, tc);
    return s;
}

QN_TEST_MAIN(suite)
