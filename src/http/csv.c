/* csv.c — the RFC 4180 reader of csv.h. */
#include "http/csv.h"

#include <string.h>

void qn_csv_init(qn_csv *c, const char *buf, size_t len)
{
    c->buf = buf;
    c->len = len;
    c->pos = 0;
    c->line = 1;
    if (len >= 3 && (unsigned char)buf[0] == 0xEF && (unsigned char)buf[1] == 0xBB &&
        (unsigned char)buf[2] == 0xBF)
        c->pos = 3; /* UTF-8 byte order mark */
}

/* Ends the current field of r. */
static void end_field(qn_csv_record *r, size_t *flen)
{
    if (r->n < QN_CSV_MAX_FIELDS) {
        r->fields[r->n][*flen] = '\0';
        r->n++;
    } else {
        r->too_many_fields = true;
    }
    *flen = 0;
}

static void append(qn_csv_record *r, size_t *flen, char ch)
{
    if (r->n >= QN_CSV_MAX_FIELDS)
        return;
    if (*flen + 1 < QN_CSV_MAX_FIELD)
        r->fields[r->n][(*flen)++] = ch;
    else
        r->field_too_long = true;
}

bool qn_csv_next(qn_csv *c, qn_csv_record *r)
{
    r->n = 0;
    r->too_many_fields = r->field_too_long = r->bad_quote = false;
    while (c->pos < c->len && (c->buf[c->pos] == '\n' || c->buf[c->pos] == '\r')) {
        if (c->buf[c->pos] == '\n')
            c->line++;
        c->pos++;
    }
    if (c->pos >= c->len)
        return false;
    r->line = c->line;
    size_t flen = 0;
    bool quoted = false, was_quoted = false;
    for (;;) {
        if (c->pos >= c->len) {
            if (quoted)
                r->bad_quote = true;
            end_field(r, &flen);
            return true;
        }
        char ch = c->buf[c->pos++];
        if (quoted) {
            if (ch == '"') {
                if (c->pos < c->len && c->buf[c->pos] == '"') {
                    c->pos++;
                    append(r, &flen, '"');
                } else {
                    quoted = false;
                }
            } else {
                if (ch == '\n')
                    c->line++;
                append(r, &flen, ch);
            }
            continue;
        }
        if (ch == '"' && flen == 0 && !was_quoted) {
            quoted = was_quoted = true;
            continue;
        }
        if (ch == ',') {
            end_field(r, &flen);
            was_quoted = false;
            continue;
        }
        if (ch == '\r' || ch == '\n') {
            if (ch == '\r' && c->pos < c->len && c->buf[c->pos] == '\n')
                c->pos++;
            end_field(r, &flen);
            c->line++;
            return true;
        }
        if (was_quoted) {
            r->bad_quote = true; /* text after a closing quote */
            continue;
        }
        append(r, &flen, ch);
    }
}
