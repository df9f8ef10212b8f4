/* explain.c — the query plans of the store's named lookups.
 *
 * Each operation file lists its indexed lookups (qs_lookup: a name, the
 * indexes its plan may use, a pointer to the very statement the operation
 * runs, and sample parameters). qn_store_lookup_explain runs that statement
 * in QS_EXPLAIN mode, so the plan shown is the plan of the real text, not of
 * a copy that could drift from it. The conformance suite checks every plan
 * on both backends.
 *
 * PostgreSQL's planner prefers a sequential scan of a small table whatever
 * its indexes, so there the plan is taken with enable_seqscan off: it then
 * shows whether an index CAN serve the lookup, which is what a catch-all
 * WHERE clause or a missing index breaks.
 */
#include <stdio.h>

#include "store/store_internal.h"

typedef struct {
    const qs_lookup *items;
    const size_t *count;
} lookup_table;

static const lookup_table tables[] = {
    {qs_violation_lookups, &qs_violation_lookups_count},
    {qs_control_lookups, &qs_control_lookups_count},
    {qs_account_lookups, &qs_account_lookups_count},
    {qs_sigapi_lookups, &qs_sigapi_lookups_count},
};

size_t qn_store_lookup_count(void)
{
    size_t n = 0;
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
        n += *tables[t].count;
    return n;
}

static const qs_lookup *lookup_at(size_t i)
{
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++) {
        if (i < *tables[t].count)
            return &tables[t].items[i];
        i -= *tables[t].count;
    }
    return NULL;
}

void qs_append_line(char *out, size_t cap, size_t *len, const char *s)
{
    int k = snprintf(out + *len, cap - *len, "%s\n", s);
    if (k > 0)
        *len = *len + (size_t)k < cap ? *len + (size_t)k : cap - 1;
}

qn_code qs_explain_into(qn_store_conn *c, const char *sql, bool explain_mode, const char *const *params,
                        char *out, size_t cap, size_t *len, qn_err *err)
{
    bool lite = c->drv == &qs_sqlite_driver;
    qn_code rc = lite ? QN_OK : qs_script(c, "SET enable_seqscan = off", err);
    if (rc != QN_OK)
        return rc;
    qs_q q;
    qs_init(&q, c, sql);
    if (explain_mode)
        q.mode = QS_EXPLAIN;
    for (int k = 0; params != NULL && k < 8 && params[k] != NULL; k++)
        qs_text(&q, k + 1, params[k]);
    int r;
    while ((r = qs_step(&q, err)) == 1)
        qs_append_line(out, cap, len, qs_get_text(&q, lite ? 3 : 0));
    qs_done(&q);
    if (r < 0)
        rc = err != NULL && err->code != QN_OK ? err->code : QN_E_INTERNAL;
    if (!lite) {
        qn_err ignore;
        qn_err_clear(&ignore);
        qn_code reset = qs_script(c, "RESET enable_seqscan", rc == QN_OK ? err : &ignore);
        if (rc == QN_OK)
            rc = reset;
    }
    return rc;
}

qn_code qn_store_lookup_explain(qn_store_conn *c, size_t i, const char **name, const char **indexes,
                                char *out, size_t cap, qn_err *err)
{
    const qs_lookup *l = lookup_at(i);
    if (l == NULL)
        return qn_err_set(err, QN_E_NOT_FOUND, "no lookup number %zu", i);
    if (cap == 0)
        return qn_err_set(err, QN_E_INVALID, "no room for the plan");
    *name = l->name;
    *indexes = l->indexes;
    out[0] = '\0';
    size_t len = 0;
    return qs_explain_into(c, *l->sql, true, l->params, out, cap, &len, err);
}
