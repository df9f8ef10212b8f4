/* cache.c — the per-connection cache of prepared statements.
 *
 * Every SQL text of the store is a static string, so its address names it:
 * the cache maps (address, mode) to the driver's handle (a sqlite3_stmt,
 * or the number of a PostgreSQL server-side statement "qsN"). The mode
 * tells apart the plain text, its "FOR UPDATE" form (PostgreSQL) and its
 * EXPLAIN form (see QS_PLAIN in store_internal.h).
 *
 * Design choice: the cache never evicts. The set of texts is the program's
 * own, fixed at build time (about 170 today), so a growing table is bounded
 * by it. An evicting cache is worse on both backends: on SQLite the evicted
 * statement may still be stepping in an enclosing loop (finalizing it would
 * pull it from under its user), and on PostgreSQL an evicted statement must
 * be DEALLOCATEd or it stays on the server for the life of the session. The
 * old fixed array of 160 did both wrong once the store outgrew it.
 *
 * Open addressing with linear probing; the table doubles at half full. A
 * lookup hashes the pointer (no string hashing or comparison).
 */
#include <stdint.h>
#include <stdlib.h>

#include "store/store_internal.h"

#define QS_CACHE_FIRST 256 /* slots at first use (a power of two) */

static size_t slot_of(const char *sql, int mode, size_t cap)
{
    uint64_t h = (uint64_t)(uintptr_t)sql;
    h ^= (uint64_t)mode * 0x9e3779b97f4a7c15ULL;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return (size_t)h & (cap - 1);
}

void *qs_cache_find(const qs_cache *k, const char *sql, int mode)
{
    if (k->cap == 0)
        return NULL;
    for (size_t i = slot_of(sql, mode, k->cap);; i = (i + 1) & (k->cap - 1)) {
        const qs_cached *e = &k->slots[i];
        if (e->sql == NULL)
            return NULL;
        if (e->sql == sql && e->mode == mode)
            return e->handle;
    }
}

/* Inserts without growing; the caller made room. */
static void put(qs_cached *slots, size_t cap, const char *sql, int mode, void *handle)
{
    size_t i = slot_of(sql, mode, cap);
    while (slots[i].sql != NULL)
        i = (i + 1) & (cap - 1);
    slots[i] = (qs_cached){.sql = sql, .mode = mode, .handle = handle};
}

qn_code qs_cache_put(qs_cache *k, const char *sql, int mode, void *handle, qn_err *err)
{
    if ((k->count + 1) * 2 > k->cap) {
        size_t cap = k->cap == 0 ? QS_CACHE_FIRST : k->cap * 2;
        qs_cached *slots = calloc(cap, sizeof *slots);
        if (slots == NULL)
            return qn_err_set(err, QN_E_NOMEM, "out of memory");
        for (size_t i = 0; i < k->cap; i++)
            if (k->slots[i].sql != NULL)
                put(slots, cap, k->slots[i].sql, k->slots[i].mode, k->slots[i].handle);
        free(k->slots);
        k->slots = slots;
        k->cap = cap;
    }
    put(k->slots, k->cap, sql, mode, handle);
    k->count++;
    return QN_OK;
}

void qs_cache_clear(qs_cache *k, void (*release)(void *handle))
{
    if (release != NULL)
        for (size_t i = 0; i < k->cap; i++)
            if (k->slots[i].sql != NULL)
                release(k->slots[i].handle);
    free(k->slots);
    k->slots = NULL;
    k->cap = 0;
    k->count = 0;
}

size_t qs_cache_count(const qs_cache *k) { return k->count; }
