/* audit.c — the append-only, hash-chained audit trail.
 *
 * Each change made through the store appends one row to audit_events in the
 * same transaction as the change: seq (1, 2, 3, ... without gaps), time,
 * actor, action, entity, entity id, and the SHA-256 digests of the changed
 * row before and after (a canonical rendering: "column=value" lines, NULL
 * marked apart from ""). The event's hash is
 *     SHA-256(previous event's hash (32 bytes; zeros for the first) ||
 *             "seq\nat\nactor_id\nactor\naction\nentity\nentity_id\nbefore\nafter")
 * and the single row audit_head holds the last seq and hash. The first
 * event of a transaction reads the head with an UPDATE, which takes its row
 * lock (PostgreSQL; SQLite writers hold the write lock anyway), so
 * concurrent writers chain one after another; the transaction then keeps
 * the head in memory (c->audit_bulk), chains its further events there, and
 * writes the head back once, just before COMMIT (qn_store_commit). Updating
 * the one head row per event made every event of a large transaction walk
 * the growing chain of that row's versions on PostgreSQL (a 10,000-row
 * batch ran at ~100 rows/s). In that mode an event is not inserted at once
 * either: it waits in c->pend, and the waiting events go in with one INSERT
 * of 16 rows at a time when 256 wait and before the head is written back
 * (one statement, one round trip to PostgreSQL, instead of sixteen). Nothing
 * reads audit_events inside the writing transaction, so the wait is not
 * visible; a rolled-back savepoint rewinds c->audit_seq (group.c, the
 * batches), and events of the undone part are dropped from the wait by
 * their seq (those already inserted are undone by the savepoint itself).
 *
 * Verification walks the events in seq order and recomputes every hash: an
 * edited event no longer matches its hash, a deleted one leaves a gap in
 * seq, a deleted tail leaves audit_head pointing past the last event; the
 * first event where any of this shows is named.
 */
#include <inttypes.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "store/store_internal.h"

/* SHA-256, fetched from the provider once: EVP_sha256() in EVP_Digest
 * fetches it again at every call (OpenSSL 3), which was 3% of a batch. */
static const EVP_MD *sha256_md;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;
static void sha256_fetch(void)
{
    EVP_MD *md = EVP_MD_fetch(NULL, "SHA256", NULL);
    sha256_md = md != NULL ? md : EVP_sha256();
}

void qs_sha256(const void *data, size_t len, unsigned char out[QN_STORE_DIGEST_LEN])
{
    pthread_once(&sha256_once, sha256_fetch);
    unsigned int n = 0;
    EVP_Digest(data, len, out, &n, sha256_md, NULL);
}

/* The text a digest is taken of, gathered first and hashed with one call
 * (an EVP_DigestUpdate per field and separator cost more than the hash). */
typedef struct {
    char local[2048];
    char *p;
    size_t len, cap;
    bool failed; /* out of memory */
} digest_text;

static void dt_init(digest_text *t)
{
    t->p = t->local;
    t->len = 0;
    t->cap = sizeof t->local;
    t->failed = false;
}

static void dt_add(digest_text *t, const void *data, size_t n)
{
    if (t->failed)
        return;
    if (t->len + n > t->cap) {
        size_t cap = t->cap * 2 > t->len + n ? t->cap * 2 : t->len + n;
        char *p = t->p == t->local ? malloc(cap) : realloc(t->p, cap);
        if (p == NULL) {
            t->failed = true;
            return;
        }
        if (t->p == t->local)
            memcpy(p, t->local, t->len);
        t->p = p;
        t->cap = cap;
    }
    memcpy(t->p + t->len, data, n);
    t->len += n;
}

static void dt_str(digest_text *t, const char *s) { dt_add(t, s, strlen(s)); }

/* Hashes and frees the text: false when out of memory. */
static bool dt_finish(digest_text *t, unsigned char out[QN_STORE_DIGEST_LEN])
{
    bool ok = !t->failed;
    if (ok)
        qs_sha256(t->p, t->len, out);
    if (t->p != t->local)
        free(t->p);
    return ok;
}

void qs_hex(const unsigned char *bin, size_t len, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[bin[i] >> 4];
        out[2 * i + 1] = digits[bin[i] & 15];
    }
    out[2 * len] = '\0';
}

static bool unhex(const char *hex, unsigned char out[QN_STORE_DIGEST_LEN])
{
    if (strlen(hex) != 2 * QN_STORE_DIGEST_LEN)
        return false;
    for (size_t i = 0; i < QN_STORE_DIGEST_LEN; i++) {
        unsigned v = 0;
        for (int k = 0; k < 2; k++) {
            char ch = hex[2 * i + (size_t)k];
            unsigned d;
            if (ch >= '0' && ch <= '9')
                d = (unsigned)(ch - '0');
            else if (ch >= 'a' && ch <= 'f')
                d = (unsigned)(ch - 'a' + 10);
            else
                return false;
            v = v * 16 + d;
        }
        out[i] = (unsigned char)v;
    }
    return true;
}

/* The digest of the row sql returns; with lock, read FOR UPDATE on
 * PostgreSQL inside a transaction (the row to be changed). */
static qn_code row_digest(qn_store_conn *c, const char *sql, int64_t id, const char *id_text,
                          bool lock, unsigned char out[QN_STORE_DIGEST_LEN], bool *found,
                          qn_err *err)
{
    *found = false;
    qs_q q;
    qs_init(&q, c, sql);
    q.mode = lock && c->in_tx ? QS_LOCK : QS_PLAIN;
    if (id_text != NULL)
        qs_text(&q, 1, id_text);
    else
        qs_int(&q, 1, id);
    int rc = qs_step(&q, err);
    if (rc < 0) {
        qs_done(&q);
        return err != NULL && err->code != QN_OK ? err->code : QN_E_INTERNAL;
    }
    if (rc == 1) {
        if (!qs_digest_current(&q, out)) {
            qs_done(&q);
            return qn_err_set(err, QN_E_NOMEM, "out of memory");
        }
        *found = true;
    }
    qs_done(&q);
    return QN_OK;
}

bool qs_digest_current(qs_q *q, unsigned char out[QN_STORE_DIGEST_LEN])
{
    digest_text t;
    dt_init(&t);
    int n = q->c->drv->col_count(q);
    for (int i = 0; i < n; i++) {
        dt_str(&t, q->c->drv->col_name(q, i));
        if (qs_get_null(q, i)) {
            dt_add(&t, "\x01", 1);
        } else {
            dt_add(&t, "=", 1);
            dt_str(&t, qs_get_text(q, i));
        }
        dt_add(&t, "\n", 1);
    }
    return dt_finish(&t, out);
}

qn_code qs_insert_audited(qs_q *q, const char *entity, int64_t *id, qn_err *err)
{
    qn_store_conn *c = q->c;
    q->mode = QS_INSERTED; /* one row; SQLite reads it back (store_internal.h) */
    qn_code rc = qs_one(q, entity, err);
    unsigned char after[QN_STORE_DIGEST_LEN];
    if (rc == QN_OK) {
        const char *first = c->drv->col_name(q, 0);
        if (first == NULL || strcmp(first, "id") != 0)
            rc = qn_err_set(err, QN_E_INTERNAL, "an audited insert must return * with id first (%s)", entity);
        else if (!qs_digest_current(q, after))
            rc = qn_err_set(err, QN_E_NOMEM, "out of memory");
        else
            *id = qs_get_int(q, 0);
    }
    qs_done(q);
    if (rc != QN_OK)
        return rc;
    char idbuf[32];
    snprintf(idbuf, sizeof idbuf, "%" PRId64, *id);
    return qs_audit(c, "create", entity, idbuf, NULL, after, err);
}

qn_code qs_row_digest(qn_store_conn *c, const char *sql, int64_t id, const char *id_text,
                      unsigned char out[QN_STORE_DIGEST_LEN], bool *found, qn_err *err)
{
    return row_digest(c, sql, id, id_text, true, out, found, err);
}

/* The event's hash from the previous hash and its canonical fields. */
static void event_hash(const unsigned char prev[QN_STORE_DIGEST_LEN], int64_t seq, int64_t at,
                       int64_t actor_id, const char *actor, const char *action,
                       const char *entity, const char *entity_id, const char *before_hex,
                       const char *after_hex, unsigned char out[QN_STORE_DIGEST_LEN])
{
    /* The fields are bounded (the event's columns), so the text fits the
     * local buffer and the hash cannot fail for memory. */
    digest_text t;
    dt_init(&t);
    char nums[96];
    int n = snprintf(nums, sizeof nums, "%" PRId64 "\n%" PRId64 "\n%" PRId64 "\n", seq, at,
                     actor_id);
    dt_add(&t, prev, QN_STORE_DIGEST_LEN);
    dt_add(&t, nums, (size_t)n);
    const char *parts[] = {actor, action, entity, entity_id, before_hex, after_hex};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        dt_str(&t, parts[i]);
        dt_add(&t, "\n", 1);
    }
    if (!dt_finish(&t, out))
        memset(out, 0, QN_STORE_DIGEST_LEN);
}

/* An event chained in bulk mode and not yet inserted. */
struct qs_audit_pending {
    int64_t seq, at, actor_id;
    char actor[QN_STORE_NAME_MAX + 1];
    char action[QN_STORE_CODE_MAX + 1];
    char entity[QN_STORE_CODE_MAX + 1];
    char entity_id[QN_STORE_NUMBER_MAX + 1];
    char before_hex[65], after_hex[65], hash_hex[65];
};

#define PEND_ROWS 16   /* rows per multi-row INSERT */
#define PEND_FLUSH 256 /* waiting events that trigger a write */

static const char *const ins_one =
    "INSERT INTO audit_events (seq, at, actor_id, actor, action, entity, entity_id, "
    "before_digest, after_digest, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";

/* "INSERT ... VALUES ($1..$10), ($11..$20), ..." for PEND_ROWS rows; built
 * once (its address is the statement cache's key). */
static char ins_many[PEND_ROWS * 64 + 256];
static pthread_once_t ins_many_once = PTHREAD_ONCE_INIT;

static void build_ins_many(void)
{
    size_t n = (size_t)snprintf(ins_many, sizeof ins_many,
                                "INSERT INTO audit_events (seq, at, actor_id, actor, action, entity, "
                                "entity_id, before_digest, after_digest, hash) VALUES ");
    for (int r = 0; r < PEND_ROWS; r++) {
        int b = r * 10;
        n += (size_t)snprintf(ins_many + n, sizeof ins_many - n,
                              "%s($%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d)", r ? ", " : "", b + 1,
                              b + 2, b + 3, b + 4, b + 5, b + 6, b + 7, b + 8, b + 9, b + 10);
    }
}

static void bind_event(qs_q *q, int base, const struct qs_audit_pending *e)
{
    qs_int(q, base + 1, e->seq);
    qs_int(q, base + 2, e->at);
    qs_int_opt(q, base + 3, e->actor_id);
    qs_text(q, base + 4, e->actor);
    qs_text(q, base + 5, e->action);
    qs_text(q, base + 6, e->entity);
    qs_text(q, base + 7, e->entity_id);
    qs_text_opt(q, base + 8, e->before_hex);
    qs_text_opt(q, base + 9, e->after_hex);
    qs_text(q, base + 10, e->hash_hex);
}

/* Inserts the waiting events that are still part of the chain (seq up to
 * c->audit_seq), PEND_ROWS at a time, and empties the wait. */
static qn_code flush_pending(qn_store_conn *c, qn_err *err)
{
    while (c->npend > 0 && c->pend[c->npend - 1].seq > c->audit_seq)
        c->npend--;
    pthread_once(&ins_many_once, build_ins_many);
    qn_code rc = QN_OK;
    size_t i = 0;
    qs_q q;
    for (; rc == QN_OK && c->npend - i >= PEND_ROWS; i += PEND_ROWS) {
        qs_init(&q, c, ins_many);
        for (int r = 0; r < PEND_ROWS; r++)
            bind_event(&q, r * 10, &c->pend[i + (size_t)r]);
        rc = qs_run(&q, err);
        qs_done(&q);
    }
    for (; rc == QN_OK && i < c->npend; i++) {
        qs_init(&q, c, ins_one);
        bind_event(&q, 0, &c->pend[i]);
        rc = qs_run(&q, err);
        qs_done(&q);
    }
    c->npend = 0;
    return rc;
}

void qs_audit_pending_free(qn_store_conn *c)
{
    free(c->pend);
    c->pend = NULL;
    c->npend = c->cap_pend = 0;
}

/* Copies s into dst of cap bytes; false when it does not fit. */
static bool fits(char *dst, size_t cap, const char *s)
{
    size_t n = strlen(s);
    if (n >= cap)
        return false;
    memcpy(dst, s, n + 1);
    return true;
}

/* Queues an event of bulk mode. Returns false (and queues nothing) when a
 * field is longer than the wait holds: the caller inserts it directly. */
static bool pend_event(qn_store_conn *c, int64_t seq, int64_t at, const char *action, const char *entity,
                       const char *entity_id, const char *before_hex, const char *after_hex,
                       const char *hash_hex)
{
    while (c->npend > 0 && c->pend[c->npend - 1].seq >= seq) /* a rewound savepoint's events */
        c->npend--;
    if (c->npend == c->cap_pend) {
        size_t cap = c->cap_pend ? c->cap_pend * 2 : 64;
        struct qs_audit_pending *p = realloc(c->pend, cap * sizeof *p);
        if (p == NULL)
            return false;
        c->pend = p;
        c->cap_pend = cap;
    }
    struct qs_audit_pending *e = &c->pend[c->npend];
    e->seq = seq;
    e->at = at;
    e->actor_id = c->actor_id;
    if (!fits(e->actor, sizeof e->actor, c->actor) || !fits(e->action, sizeof e->action, action) ||
        !fits(e->entity, sizeof e->entity, entity) || !fits(e->entity_id, sizeof e->entity_id, entity_id))
        return false;
    memcpy(e->before_hex, before_hex, 65);
    memcpy(e->after_hex, after_hex, 65);
    memcpy(e->hash_hex, hash_hex, 65);
    c->npend++;
    return true;
}

qn_code qs_audit(qn_store_conn *c, const char *action, const char *entity, const char *entity_id,
                 const unsigned char *before, const unsigned char *after, qn_err *err)
{
    static const char *const bump =
        "UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash";
    static const char *const ins = ins_one;
    static const char *const head = "UPDATE audit_head SET hash = $1 WHERE id = 1";

    char before_hex[65] = "", after_hex[65] = "";
    if (before != NULL)
        qs_hex(before, QN_STORE_DIGEST_LEN, before_hex);
    if (after != NULL)
        qs_hex(after, QN_STORE_DIGEST_LEN, after_hex);

    qs_q q;
    qn_code rc = QN_OK;
    int64_t seq = 0;
    unsigned char prev[QN_STORE_DIGEST_LEN];
    if (!c->audit_bulk && c->in_tx) {
        rc = qs_audit_bulk_begin(c, err); /* kept until commit or rollback */
        if (rc != QN_OK)
            return rc;
    }
    if (c->audit_bulk) {
        seq = ++c->audit_seq;
        memcpy(prev, c->audit_prev, sizeof prev);
    } else {
        qs_init(&q, c, bump);
        rc = qs_one(&q, "audit head", err);
        if (rc == QN_OK) {
            seq = qs_get_int(&q, 0);
            if (!unhex(qs_get_text(&q, 1), prev))
                rc = qn_err_set(err, QN_E_INTERNAL, "audit head holds a malformed hash");
        }
        qs_done(&q);
        if (rc != QN_OK)
            return rc;
    }

    int64_t at = qs_now();
    unsigned char hash[QN_STORE_DIGEST_LEN];
    event_hash(prev, seq, at, c->actor_id, c->actor, action, entity, entity_id, before_hex,
               after_hex, hash);
    char hash_hex[65];
    qs_hex(hash, sizeof hash, hash_hex);

    if (c->audit_bulk && pend_event(c, seq, at, action, entity, entity_id, before_hex, after_hex, hash_hex)) {
        memcpy(c->audit_prev, hash, sizeof hash);
        return c->npend >= PEND_FLUSH ? flush_pending(c, err) : QN_OK;
    }
    qs_init(&q, c, ins);
    qs_int(&q, 1, seq);
    qs_int(&q, 2, at);
    qs_int_opt(&q, 3, c->actor_id);
    qs_text(&q, 4, c->actor);
    qs_text(&q, 5, action);
    qs_text(&q, 6, entity);
    qs_text(&q, 7, entity_id);
    qs_text_opt(&q, 8, before_hex);
    qs_text_opt(&q, 9, after_hex);
    qs_text(&q, 10, hash_hex);
    rc = qs_run(&q, err);
    qs_done(&q);
    if (rc != QN_OK)
        return rc;
    if (c->audit_bulk) {
        memcpy(c->audit_prev, hash, sizeof hash);
        return QN_OK;
    }
    qs_init(&q, c, head);
    qs_text(&q, 1, hash_hex);
    rc = qs_run(&q, err);
    qs_done(&q);
    return rc;
}

qn_code qs_audit_bulk_begin(qn_store_conn *c, qn_err *err)
{
    static const char *const lock =
        "UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, hash";
    if (c->audit_bulk)
        return QN_OK; /* the transaction holds the head already */
    qs_q q;
    qs_init(&q, c, lock);
    qn_code rc = qs_one(&q, "audit head", err);
    if (rc == QN_OK) {
        c->audit_seq = qs_get_int(&q, 0);
        if (!unhex(qs_get_text(&q, 1), c->audit_prev))
            rc = qn_err_set(err, QN_E_INTERNAL, "audit head holds a malformed hash");
    }
    qs_done(&q);
    c->audit_bulk = rc == QN_OK;
    return rc;
}

qn_code qs_audit_bulk_end(qn_store_conn *c, qn_err *err)
{
    static const char *const sql = "UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1";
    char hex[65];
    qs_hex(c->audit_prev, QN_STORE_DIGEST_LEN, hex);
    c->audit_bulk = false;
    qn_code frc = flush_pending(c, err);
    if (frc != QN_OK)
        return frc;
    qs_q q;
    qs_init(&q, c, sql);
    qs_int(&q, 1, c->audit_seq);
    qs_text(&q, 2, hex);
    qn_code rc = qs_run(&q, err);
    qs_done(&q);
    return rc;
}

void qs_audit_bulk_abort(qn_store_conn *c)
{
    c->audit_bulk = false;
    c->npend = 0;
}

qn_code qs_audit_row(qn_store_conn *c, const char *action, const char *entity,
                     const char *digest_sql, int64_t id, const char *id_text,
                     const unsigned char *before, qn_err *err)
{
    unsigned char after[QN_STORE_DIGEST_LEN];
    bool found = false;
    qn_code rc = row_digest(c, digest_sql, id, id_text, false, after, &found, err);
    if (rc != QN_OK)
        return rc;
    char idbuf[32];
    if (id_text == NULL) {
        snprintf(idbuf, sizeof idbuf, "%" PRId64, id);
        id_text = idbuf;
    }
    return qs_audit(c, action, entity, id_text, before, found ? after : NULL, err);
}

qn_code qn_store_audit_append(qn_store_conn *c, const char *action, const char *entity,
                              const char *entity_id, const unsigned char *before,
                              const unsigned char *after, qn_err *err)
{
    qn_code rc = qs_check_str(err, "action", action, QN_STORE_CODE_MAX, true);
    if (rc == QN_OK)
        rc = qs_check_str(err, "entity", entity, QN_STORE_CODE_MAX, true);
    if (rc == QN_OK)
        rc = qs_check_str(err, "entity_id", entity_id, QN_STORE_NUMBER_MAX, true);
    if (rc != QN_OK)
        return rc;
    bool own;
    rc = qs_wbegin(c, &own, err);
    if (rc != QN_OK)
        return rc;
    rc = qs_audit(c, action, entity, entity_id, before, after, err);
    return qs_wend(c, own, rc, err);
}

static void read_event(qs_q *q, qn_store_audit_event *e)
{
    e->seq = qs_get_int(q, 0);
    e->at = qs_get_int(q, 1);
    e->actor_id = qs_get_int(q, 2);
    QS_STR(q, 3, e->actor);
    QS_STR(q, 4, e->action);
    QS_STR(q, 5, e->entity);
    QS_STR(q, 6, e->entity_id);
    QS_STR(q, 7, e->before_hex);
    QS_STR(q, 8, e->after_hex);
    QS_STR(q, 9, e->hash_hex);
}

qn_code qn_store_audit_list_entity(qn_store_conn *c, const char *entity, const char *entity_id,
                                   int64_t offset, int64_t limit, qn_store_audit_list *out,
                                   qn_err *err)
{
    static const char *const sql_one =
        "SELECT seq, at, COALESCE(actor_id, 0), actor, action, entity, entity_id, "
        "COALESCE(before_digest, ''), COALESCE(after_digest, ''), hash FROM audit_events "
        "WHERE entity = $1 AND ($2 = '' OR entity_id = $2) ORDER BY seq LIMIT $3 OFFSET $4";
    out->items = NULL;
    out->count = 0;
    qn_code rc = qs_check_str(err, "entity", entity, QN_STORE_CODE_MAX, true);
    if (rc == QN_OK)
        rc = qs_limit(&limit, &offset, err);
    if (rc != QN_OK)
        return rc;
    out->items = calloc((size_t)limit, sizeof *out->items);
    if (out->items == NULL)
        return qn_err_set(err, QN_E_NOMEM, "out of memory");
    qs_q q;
    qs_init(&q, c, sql_one);
    qs_text(&q, 1, entity);
    qs_text(&q, 2, entity_id != NULL ? entity_id : "");
    qs_int(&q, 3, limit);
    qs_int(&q, 4, offset);
    int r;
    while ((r = qs_step(&q, err)) == 1)
        read_event(&q, &out->items[out->count++]);
    qs_done(&q);
    if (r < 0) {
        qn_store_audit_list_free(out);
        return err != NULL && err->code != QN_OK ? err->code : QN_E_INTERNAL;
    }
    return QN_OK;
}

void qn_store_audit_list_free(qn_store_audit_list *l)
{
    if (l == NULL)
        return;
    free(l->items);
    l->items = NULL;
    l->count = 0;
}

/* Marks the chain broken at seq; the caller writes r->reason. */
static void broken(qn_store_audit_report *r, int64_t seq)
{
    r->ok = false;
    r->first_broken = seq;
}

qn_code qn_store_audit_verify(qn_store_conn *c, qn_store_audit_report *r, qn_err *err)
{
    static const char *const all_sql =
        "SELECT seq, at, COALESCE(actor_id, 0), actor, action, entity, entity_id, "
        "COALESCE(before_digest, ''), COALESCE(after_digest, ''), hash FROM audit_events "
        "ORDER BY seq";
    static const char *const head_sql = "SELECT seq, hash FROM audit_head WHERE id = 1";
    memset(r, 0, sizeof *r);
    r->ok = true;

    /* Read the head first: events appended after it are not judged. */
    qs_q q;
    qs_init(&q, c, head_sql);
    qn_code rc = qs_one(&q, "audit head", err);
    int64_t head_seq = 0;
    char head_hash[65] = "";
    if (rc == QN_OK) {
        head_seq = qs_get_int(&q, 0);
        QS_STR(&q, 1, head_hash);
    }
    qs_done(&q);
    if (rc != QN_OK)
        return rc;

    unsigned char prev[QN_STORE_DIGEST_LEN] = {0};
    int64_t expect = 1;
    qs_init(&q, c, all_sql);
    int step;
    qn_store_audit_event e;
    while ((step = qs_step(&q, err)) == 1) {
        read_event(&q, &e);
        if (e.seq > head_seq)
            break;
        r->events++;
        if (e.seq != expect) {
            broken(r, expect);
            snprintf(r->reason, sizeof r->reason,
                     "event %" PRId64 " is missing (deleted); the next present is %" PRId64,
                     expect, e.seq);
            break;
        }
        unsigned char h[QN_STORE_DIGEST_LEN];
        event_hash(prev, e.seq, e.at, e.actor_id, e.actor, e.action, e.entity, e.entity_id,
                   e.before_hex, e.after_hex, h);
        char hex[65];
        qs_hex(h, sizeof h, hex);
        if (strcmp(hex, e.hash_hex) != 0) {
            broken(r, e.seq);
            snprintf(r->reason, sizeof r->reason,
                     "event %" PRId64 " does not match its hash: it was edited (or forged)",
                     e.seq);
            break;
        }
        memcpy(prev, h, sizeof prev);
        expect++;
    }
    qs_done(&q);
    if (step < 0)
        return err != NULL && err->code != QN_OK ? err->code : QN_E_INTERNAL;
    if (r->ok && expect - 1 != head_seq) {
        broken(r, expect);
        snprintf(r->reason, sizeof r->reason,
                 "event %" PRId64 " is missing (deleted): the chain ends early, the head records %"
                 PRId64 " events",
                 expect, head_seq);
    }
    if (r->ok && head_seq > 0) {
        char hex[65];
        qs_hex(prev, sizeof prev, hex);
        if (strcmp(hex, head_hash) != 0) {
            broken(r, head_seq);
            snprintf(r->reason, sizeof r->reason,
                     "event %" PRId64 " does not match the hash recorded in the audit head",
                     head_seq);
        }
    }
    return QN_OK;
}
