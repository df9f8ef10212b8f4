/* csv.h — a small RFC 4180 reader for batch uploads.
 *
 * Fields are separated by commas, records by CRLF or LF; a field may be
 * quoted with '"' (a doubled quote inside is one quote, and a quoted field
 * may span lines). The reader walks a buffer in place and hands out each
 * record's fields as copies; the physical line where each record starts is
 * reported so errors can name it. Thread-safe (state in the caller's struct).
 */
#ifndef QN_HTTP_CSV_H
#define QN_HTTP_CSV_H

#include <stdbool.h>
#include <stddef.h>

#define QN_CSV_MAX_FIELDS 64
#define QN_CSV_MAX_FIELD 1024

typedef struct {
    const char *buf;
    size_t len, pos;
    size_t line; /* current physical line, 1-based */
} qn_csv;

typedef struct {
    size_t n;
    size_t line; /* line where the record starts */
    char fields[QN_CSV_MAX_FIELDS][QN_CSV_MAX_FIELD];
    bool too_many_fields, field_too_long, bad_quote;
} qn_csv_record;

void qn_csv_init(qn_csv *c, const char *buf, size_t len);

/* Reads the next record into r; false at end of input. Blank lines are
 * skipped. A record with structural problems is still returned with the
 * flags set (the caller reports it). */
bool qn_csv_next(qn_csv *c, qn_csv_record *r);

#endif
