/* fuzz_util.h — helpers shared by the libFuzzer targets of tests/fuzz.
 *
 * A qn_fz reader takes typed values off the front of the fuzzer's bytes
 * (a structure-aware input): when the bytes run out every reader returns 0,
 * so any input, even empty, decodes into some value. QN_FZ_ASSERT reports a
 * broken invariant with its line and aborts, which libFuzzer records as a
 * crash. Header-only (static functions); no global state.
 */
#ifndef QN_FUZZ_UTIL_H
#define QN_FUZZ_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The entry point libFuzzer calls with each input. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define QN_FZ_ASSERT(cond)                                                                        \
    do {                                                                                          \
        if (!(cond)) {                                                                            \
            fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond);          \
            abort();                                                                              \
        }                                                                                         \
    } while (0)

typedef struct {
    const uint8_t *p;
    size_t n;
} qn_fz;

static inline uint8_t qn_fz_u8(qn_fz *f)
{
    if (f->n == 0)
        return 0;
    f->n--;
    return *f->p++;
}

static inline uint16_t qn_fz_u16(qn_fz *f)
{
    uint16_t hi = qn_fz_u8(f);
    return (uint16_t)((hi << 8) | qn_fz_u8(f));
}

static inline uint32_t qn_fz_u32(qn_fz *f)
{
    uint32_t hi = qn_fz_u16(f);
    return (hi << 16) | qn_fz_u16(f);
}

/* A value in [0, n) (n > 0). */
static inline unsigned qn_fz_below(qn_fz *f, unsigned n)
{
    return n <= 256 ? (unsigned)qn_fz_u8(f) % n : (unsigned)qn_fz_u16(f) % n;
}

/* Takes up to max bytes (a length byte first) into buf, NUL terminated;
 * buf holds max + 1 bytes. Returns the length taken. */
static inline size_t qn_fz_str(qn_fz *f, char *buf, size_t max)
{
    size_t len = qn_fz_u8(f);
    if (len > max)
        len = max;
    if (len > f->n)
        len = f->n;
    memcpy(buf, f->p, len);
    buf[len] = '\0';
    f->p += len;
    f->n -= len;
    return len;
}

#endif
