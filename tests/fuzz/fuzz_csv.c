/* fuzz_csv.c — libFuzzer target for the RFC 4180 reader of batch uploads (src/http/csv.h).
 *
 * The first byte selects a mode.
 *  even  raw: the rest is the upload, in a heap block of exactly its size.
 *        Every record has 1..QN_CSV_MAX_FIELDS fields, each NUL terminated
 *        inside its array, lines never go backwards, every call consumes
 *        input (so the loop ends), and for uploads without quotes, CR, NUL or
 *        over-long fields the records equal a plain split on ',' and LF with
 *        blank lines skipped.
 *  odd   round trip: records are built from the bytes (up to 8 fields of up
 *        to 40 bytes, any byte but NUL), written as CSV the way a client
 *        would (a field quoted when it holds ',', '"', CR or LF, begins with a
 *        quote or a BOM byte, or is a lone empty field; quotes doubled; CRLF
 *        or LF), and read back: the reader must return exactly those records,
 *        without flags, and the line of each record is 1 + the LFs before it.
 */
#include "fuzz/fuzz_util.h"
#include "http/csv.h"

#define RT_RECORDS 8
#define RT_FIELDS 8
#define RT_FIELD 40

static void raw(const uint8_t *data, size_t size)
{
    char *buf = malloc(size ? size : 1);
    qn_csv_record *r = malloc(sizeof *r);
    if (!buf || !r)
        goto out;
    memcpy(buf, data, size);
    bool simple = memchr(buf, '"', size) == NULL && memchr(buf, '\r', size) == NULL &&
                  memchr(buf, '\0', size) == NULL && !(size >= 3 && (unsigned char)buf[0] == 0xEF);
    qn_csv c;
    qn_csv_init(&c, buf, size);
    size_t prev_line = 0, prev_pos = c.pos, records = 0;
    size_t ref = 0; /* position of the reference split */
    while (qn_csv_next(&c, r)) {
        QN_FZ_ASSERT(c.pos > prev_pos && c.pos <= size);
        prev_pos = c.pos;
        QN_FZ_ASSERT(++records <= size);
        QN_FZ_ASSERT(r->n >= 1 && r->n <= QN_CSV_MAX_FIELDS);
        QN_FZ_ASSERT(r->line >= 1 && r->line > prev_line && r->line <= c.line);
        prev_line = r->line;
        for (size_t i = 0; i < r->n; i++)
            QN_FZ_ASSERT(memchr(r->fields[i], '\0', QN_CSV_MAX_FIELD) != NULL);
        if (simple) {
            while (ref < size && buf[ref] == '\n')
                ref++;
            size_t i = 0;
            for (;;) {
                size_t start = ref;
                while (ref < size && buf[ref] != ',' && buf[ref] != '\n')
                    ref++;
                size_t flen = ref - start;
                if (i < QN_CSV_MAX_FIELDS && flen < QN_CSV_MAX_FIELD) {
                    QN_FZ_ASSERT(strlen(r->fields[i]) == flen && memcmp(r->fields[i], buf + start, flen) == 0);
                } else if (i >= QN_CSV_MAX_FIELDS) {
                    QN_FZ_ASSERT(r->too_many_fields);
                } else {
                    QN_FZ_ASSERT(r->field_too_long);
                }
                i++;
                if (ref >= size || buf[ref] == '\n') {
                    if (ref < size)
                        ref++;
                    break;
                }
                ref++; /* the comma */
            }
            QN_FZ_ASSERT(r->n == (i < QN_CSV_MAX_FIELDS ? i : QN_CSV_MAX_FIELDS));
            QN_FZ_ASSERT(!r->bad_quote);
        }
    }
    QN_FZ_ASSERT(!qn_csv_next(&c, r)); /* stays at the end */
out:
    free(buf);
    free(r);
}

typedef struct {
    size_t n;
    char f[RT_FIELDS][RT_FIELD + 1];
} rt_record;

static bool needs_quotes(const char *s, size_t n_fields)
{
    if (n_fields == 1 && s[0] == '\0')
        return true;
    if ((unsigned char)s[0] == 0xEF || s[0] == '"')
        return true;
    return strpbrk(s, ",\"\r\n") != NULL;
}

static void round_trip(qn_fz *f)
{
    rt_record *recs = calloc(RT_RECORDS, sizeof *recs);
    char *out = malloc(RT_RECORDS * RT_FIELDS * (2 * RT_FIELD + 3) + RT_RECORDS * 2 + 1);
    size_t *lines = calloc(RT_RECORDS, sizeof *lines);
    qn_csv_record *r = malloc(sizeof *r);
    if (!recs || !out || !lines || !r)
        goto done;
    uint8_t mode = qn_fz_u8(f);
    size_t nrec = qn_fz_below(f, RT_RECORDS + 1), len = 0, lf = 0;
    for (size_t k = 0; k < nrec; k++) {
        rt_record *rec = &recs[k];
        rec->n = 1 + qn_fz_below(f, RT_FIELDS);
        for (size_t i = 0; i < rec->n; i++) {
            size_t n = qn_fz_str(f, rec->f[i], RT_FIELD);
            for (size_t j = 0; j < n; j++)
                if (rec->f[i][j] == '\0')
                    rec->f[i][j] = ' ';
        }
        lines[k] = 1 + lf;
        for (size_t i = 0; i < rec->n; i++) {
            const char *s = rec->f[i];
            if (i > 0)
                out[len++] = ',';
            if (needs_quotes(s, rec->n)) {
                out[len++] = '"';
                for (; *s; s++) {
                    if (*s == '"')
                        out[len++] = '"';
                    if (*s == '\n')
                        lf++;
                    out[len++] = *s;
                }
                out[len++] = '"';
            } else {
                size_t n = strlen(s);
                memcpy(out + len, s, n);
                len += n;
            }
        }
        if (k + 1 < nrec || (mode & 1)) {
            if (mode & 2)
                out[len++] = '\r';
            out[len++] = '\n';
            lf++;
        }
    }
    char *buf = malloc(len ? len : 1);
    if (!buf)
        goto done;
    memcpy(buf, out, len);
    qn_csv c;
    qn_csv_init(&c, buf, len);
    for (size_t k = 0; k < nrec; k++) {
        QN_FZ_ASSERT(qn_csv_next(&c, r));
        QN_FZ_ASSERT(!r->bad_quote && !r->too_many_fields && !r->field_too_long);
        QN_FZ_ASSERT(r->n == recs[k].n);
        for (size_t i = 0; i < r->n; i++)
            QN_FZ_ASSERT(strcmp(r->fields[i], recs[k].f[i]) == 0);
        QN_FZ_ASSERT(r->line == lines[k]);
    }
    QN_FZ_ASSERT(!qn_csv_next(&c, r));
    free(buf);
done:
    free(recs);
    free(out);
    free(lines);
    free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    if ((data[0] & 1) == 0) {
        raw(data + 1, size - 1);
    } else {
        qn_fz f = {data + 1, size - 1};
        round_trip(&f);
    }
    return 0;
}
