/* violations.h — stay-control violations over the records: detection runs,
 * the officer's list and decisions, the analyst's counts.
 *
 * Kinds (store): "art518" — the host did not notify in time: late (recorded
 * by the notification service when a late notification arrives; reused
 * here, never duplicated) or missing (recorded by detection: an entry on
 * record with no notification once its deadline has passed); "art517" —
 * overstay (recorded by detection from the crossings, permits and visas:
 * an exit after the last lawful day, or still present past it).
 *
 * A missing notification detected before a late notification arrives would
 * leave two art. 518 cases for one entry (the late one is recorded by the
 * notification service): each run closes such a missing case as dismissed
 * (audit action "supersede"), keeping the late-notification case.
 *
 * Detection is idempotent: each detected violation has a natural key
 * ("art518m:<entry crossing id>", "art517:<entry crossing id>") and a run
 * records only what is not on record. Who may run it: an administrator or
 * the system (the CLI, a timer).
 *
 * Decisions (violation.h case machine): POST .../fine imposes the assessed
 * fine (open -> fined); POST .../close with a reason: "warning" (open ->
 * closed, warning issued), "dismissed" (open -> closed), "paid" (fined ->
 * closed), "annulled" (fined -> closed; a senior officer's act: an officer
 * the administrator marked senior). Officers act on and list only their
 * region's violations (others: 404). The fine is assessed from the facts
 * and converted with the MCI in force on the offence date (violation.h);
 * for art. 518 the host's kind decides the amount: given in the request,
 * else from the host account (individual -> individual; legal entity or
 * hotel -> small business), and required when the host is unknown (a
 * missing notification).
 */
#ifndef QN_SERVICE_VIOLATIONS_H
#define QN_SERVICE_VIOLATIONS_H

#include "core/violation.h"
#include "service/service.h"
#include "store/store.h"

typedef struct {
    qn_date_t on;
    qn_date_t from;            /* first entry day examined */
    size_t entries_unnotified; /* entries with no notification examined */
    size_t missing_created;    /* art. 518 (missing) recorded by this run */
    size_t missing_known;      /* already on record */
    size_t pending;            /* deadline not passed yet, or left before it */
    size_t entries_checked;    /* entries examined for overstay */
    size_t overstay_created;   /* art. 517 recorded by this run */
    size_t overstay_known;
    size_t overstay_updated; /* of those, open cases re-assessed (days, tier, fine) */
    size_t superseded;       /* missing cases closed: the notification came late */
} qn_detect_report;

/* Runs detection as of `on` (QN_DATE_NONE: today) over the entries of the
 * last 400 days (never before 2020-01-11, when the host notification began,
 * seed 001). 403 unless an administrator or the system. */
qn_code qn_svc_violations_detect(qn_svc_ctx *ctx, qn_date_t on, qn_detect_report *out, qn_err *e);

/* The officer's list: their region's violations, filtered by state ("" or
 * NULL: any; open, fined, closed) and article ("517", "518", or NULL),
 * newest first. 403 for any role but officer; 422 for a bad filter. */
qn_code qn_svc_violation_list(qn_svc_ctx *ctx, const char *state, const char *article, int64_t offset,
                              int64_t limit, qn_store_violation_list *out, qn_err *e);

typedef struct {
    qn_store_violation v;  /* owns facts; qn_store_violation_clear */
    char close_reason[32]; /* "" unless closed by this call */
    bool has_sanction;
    qn_sanction sanction; /* the assessed sanction */
} qn_violation_decision;

/* Imposes the fine (open -> fined). host_kind may be NULL (see above);
 * is_repeat: the officer found the offence repeated within a year after a
 * sanction (CAO art. 518 part 3; for art. 517 the repeat tiers, all
 * UNCONFIRMED). The article (e.g. "518.3"), the fine and what was assessed
 * (facts.decision: tier, MCI, amount, confirmed, is_repeat, host_kind) are
 * stored on the case. 403 (not an officer, wrong actor), 404 (absent or
 * another region), 409 (illegal transition; sanction_mismatch when the
 * sanction is a warning; mci_unknown when the MCI of the offence date is not
 * in the table — a fine is never 0 tenge), 422 (host_kind unknown or
 * required). */
qn_code qn_svc_violation_fine(qn_svc_ctx *ctx, int64_t id, const char *host_kind, bool is_repeat,
                              qn_violation_decision *out, qn_err *e);

/* Closes with reason "warning", "dismissed", "paid" or "annulled"
 * ("annulled": fined -> closed, a senior officer's act — an officer marked
 * senior by the administrator; others 403). Errors as for the fine; 422 for
 * another reason. */
qn_code qn_svc_violation_close(qn_svc_ctx *ctx, int64_t id, const char *reason, const char *host_kind,
                               bool is_repeat, qn_violation_decision *out, qn_err *e);

/* What a view of a violation adds to the record: the offence date, whether
 * the MCI of that date is in the table (and its value), and whether the
 * amount is confirmed in our sources (as decided, as detected, or the
 * tier's model). */
typedef struct {
    qn_date_t offence_date;
    bool mci_known;
    int64_t mci_kzt;
    bool confirmed;
} qn_violation_info;
void qn_svc_violation_info(const qn_store_violation *v, qn_violation_info *out);

/* Counts by kind, region and state, for analysts (and administrators);
 * 403 for other roles. */
qn_code qn_svc_violation_stats(qn_svc_ctx *ctx, qn_store_violation_count_list *out, qn_err *e);

#endif
