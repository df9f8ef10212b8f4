/* pdf.c — one-page A4 documents with libharu and a QR code from libqrencode (see pdf.h).
 *
 * How it works. qn_doc_validate checks the input field by field. The
 * renderer then creates a libharu document, enables its UTF-8 encoder and
 * loads DejaVu Sans regular and bold as embedded TrueType (CID, Identity-H)
 * fonts (about 95 KB each in the file), with a ToUnicode map of our own
 * (see set_identity_to_unicode) so that text extraction, search and copy
 * give back the same UTF-8. The caller's text is then checked against the
 * bold font's glyphs, so nothing prints as an empty box. The page is laid out top-down in points
 * (1/72 inch): header, title, number, statement, the field table (each cell
 * word-wrapped by measuring text with the font's metrics), and at the bottom
 * the verification block. The QR symbol (error correction level M, 8-bit
 * mode) is drawn as one path of filled rectangles — runs of dark modules per
 * row — so it stays sharp at any zoom and rasterises without seams; a
 * four-module quiet zone is kept clear around it (ISO/IEC 18004).
 *
 * libharu reports errors through a callback; ours records the first error
 * in the per-call context and the renderer checks it at each stage, so no
 * longjmp is needed. The finished PDF is saved to libharu's memory stream
 * and copied into one malloc'd buffer for the caller.
 */
#include "doc/pdf.h"

#include <errno.h>
#include <hpdf.h>
#include <qrencode.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- validation ---------------------------------------------------------- */

/* Checks that s is well-formed UTF-8 (no overlong forms, no surrogates, at
 * most U+10FFFF) without C0/C1 control characters or DEL. */
static bool utf8_is_clean(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned c = *p;
        if (c < 0x80) {
            if (c < 0x20 || c == 0x7F)
                return false;
            p++;
            continue;
        }
        int extra;
        unsigned cp, min;
        if (c >= 0xC2 && c <= 0xDF) {
            extra = 1, cp = c & 0x1F, min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            extra = 2, cp = c & 0x0F, min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            extra = 3, cp = c & 0x07, min = 0x10000;
        } else {
            return false;
        }
        for (int i = 1; i <= extra; i++) {
            if ((p[i] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (p[i] & 0x3Fu);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || (cp >= 0x80 && cp <= 0x9F))
            return false;
        p += extra + 1;
    }
    return true;
}

static bool is_blank(const char *s)
{
    if (s == NULL)
        return true;
    for (; *s; s++)
        if (*s != ' ')
            return false;
    return true;
}

/* A text field: required or optional, bounded, clean UTF-8. */
static void check_text(qn_err *err, const char *field, const char *value, size_t max, bool required)
{
    if (is_blank(value)) {
        if (required)
            qn_err_field(err, field, "is required");
        return;
    }
    if (strnlen(value, max + 1) > max)
        qn_err_field(err, field, "is longer than %zu bytes", max);
    else if (!utf8_is_clean(value))
        qn_err_field(err, field, "must be UTF-8 text without control characters");
}

static bool date_in_range(qn_date_t d)
{
    if (d == QN_DATE_NONE)
        return false;
    int year;
    qn_date_to_ymd(d, &year, NULL, NULL);
    return year >= QN_DATE_MIN_YEAR && year <= QN_DATE_MAX_YEAR;
}

static bool check_date(qn_err *err, const char *field, qn_date_t d)
{
    if (d == QN_DATE_NONE) {
        qn_err_field(err, field, "is required");
        return false;
    }
    if (!date_in_range(d)) {
        qn_err_field(err, field, "must be a date from %d to %d", QN_DATE_MIN_YEAR, QN_DATE_MAX_YEAR);
        return false;
    }
    return true;
}

static bool code_chars_ok(const char *code)
{
    if (strlen(code) != QN_DOC_CODE_LEN)
        return false;
    for (const char *p = code; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= '2' && *p <= '7')))
            return false;
    return true;
}

qn_code qn_doc_validate(const qn_doc *doc, qn_err *err)
{
    if (doc == NULL)
        return qn_err_set(err, QN_E_INVALID, "no document to render");
    qn_err local;
    qn_err_clear(&local);
    qn_err *e = err ? err : &local;
    size_t before = e->n_fields + e->n_fields_dropped;

    bool kind_ok = (unsigned)doc->kind < QN_DOC_KIND_COUNT;
    if (!kind_ok)
        qn_err_field(e, "kind", "must be one of registration_notice, arrival_notification, lost_passport, exit_visa");
    if ((unsigned)doc->lang >= QN_DOC_LANG_COUNT)
        qn_err_field(e, "lang", "must be kk, ru or en");

    bool number_ok = false;
    if (is_blank(doc->number))
        qn_err_field(e, "number", "is required");
    else if (!qn_doc_number_is_valid(doc->number))
        qn_err_field(e, "number", "must be 1 to %d letters, digits or '-'", QN_DOC_NUMBER_MAX);
    else
        number_ok = true;

    bool issued_ok = check_date(e, "issued", doc->issued);
    bool from_ok = check_date(e, "valid_from", doc->valid_from);
    bool until_ok = check_date(e, "valid_until", doc->valid_until);
    if (from_ok && until_ok && doc->valid_until < doc->valid_from)
        qn_err_field(e, "valid_until", "must not be before valid_from");

    check_text(e, "person.name", doc->person.name, QN_DOC_NAME_MAX, true);
    check_text(e, "person.citizenship", doc->person.citizenship, QN_DOC_CITIZENSHIP_MAX, true);
    check_text(e, "person.document", doc->person.document, QN_DOC_ID_DOCUMENT_MAX, true);
    if (check_date(e, "person.birth_date", doc->person.birth_date) && issued_ok &&
        doc->person.birth_date > doc->issued)
        qn_err_field(e, "person.birth_date", "must not be after the date of issue");

    bool needs_address = kind_ok && (doc->kind == QN_DOC_REGISTRATION_NOTICE || doc->kind == QN_DOC_ARRIVAL_NOTIFICATION);
    bool needs_host = kind_ok && doc->kind == QN_DOC_ARRIVAL_NOTIFICATION;
    check_text(e, "address", doc->address, QN_DOC_ADDRESS_MAX, needs_address);
    check_text(e, "host", doc->host, QN_DOC_HOST_MAX, needs_host);
    check_text(e, "office", doc->office, QN_DOC_OFFICE_MAX, true);

    bool code_ok = false;
    if (is_blank(doc->verify_code))
        qn_err_field(e, "verify_code", "is required");
    else if (!code_chars_ok(doc->verify_code))
        qn_err_field(e, "verify_code", "must be %d characters of A-Z and 2-7", QN_DOC_CODE_LEN);
    else
        code_ok = true;

    const char *url = doc->verify_url;
    if (is_blank(url)) {
        qn_err_field(e, "verify_url", "is required");
    } else if (strnlen(url, QN_DOC_URL_MAX + 1) > QN_DOC_URL_MAX) {
        qn_err_field(e, "verify_url", "is longer than %d bytes", QN_DOC_URL_MAX);
    } else {
        bool printable = true;
        for (const char *p = url; *p; p++)
            if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7F)
                printable = false;
        if (!printable || (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0)) {
            qn_err_field(e, "verify_url", "must be an http:// or https:// URL of printable ASCII");
        } else if (number_ok && code_ok) {
            /* The QR must point at the number and code printed beside it. */
            char tail[QN_DOC_NUMBER_MAX + QN_DOC_CODE_LEN + 16];
            snprintf(tail, sizeof tail, "/verify/%s?c=%s", doc->number, doc->verify_code);
            size_t ul = strlen(url), tl = strlen(tail);
            if (ul <= tl || strcmp(url + ul - tl, tail) != 0)
                qn_err_field(e, "verify_url", "must end with %s (the document's number and code)", tail);
        }
    }

    if (e->n_fields + e->n_fields_dropped > before)
        return QN_E_INVALID;
    return QN_OK;
}

/* ---- rendering context --------------------------------------------------- */

typedef struct {
    HPDF_Doc pdf;
    HPDF_Page page;
    HPDF_Font regular, bold;
    HPDF_FontDef bold_def; /* glyph lookup for the caller's text, which is set in bold */
    HPDF_STATUS status; /* first libharu error, 0 if none */
    HPDF_STATUS detail;
} render_ctx;

static void on_hpdf_error(HPDF_STATUS error_no, HPDF_STATUS detail_no, void *user_data)
{
    render_ctx *ctx = user_data;
    if (ctx->status == HPDF_OK) {
        ctx->status = error_no;
        ctx->detail = detail_no;
    }
}

/* Page geometry, in points. A4 is 595.276 x 841.89. */
#define PAGE_W 595.276f
#define PAGE_H 841.89f
#define MARGIN 56.7f /* 20 mm */
#define CONTENT_W (PAGE_W - 2 * MARGIN)
#define LABEL_W 170.0f
#define CELL_PAD 6.0f
#define BODY_SIZE 10.5f
#define BODY_LEADING 14.0f
#define QR_BOX 128.0f                                /* the symbol with its quiet zone */
#define QR_BOTTOM (MARGIN + 18.0f)                   /* leaves room for the caption */
#define BLOCK_TOP (QR_BOTTOM + QR_BOX + 14.0f)        /* the rule above the verification block */
#define LINE_BUF 1024                                /* > every bounded text field */
#define MAX_LINES 24

typedef struct {
    size_t off, len;
} text_line;

static float text_width(HPDF_Font font, float size, const char *s, size_t len)
{
    char buf[LINE_BUF];
    if (len >= sizeof buf)
        len = sizeof buf - 1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    HPDF_TextWidth tw = HPDF_Font_TextWidth(font, (const HPDF_BYTE *)buf, (HPDF_UINT)len);
    return (float)tw.width * size / 1000.0f;
}

/* Length of the UTF-8 character starting at s (s points at a lead byte). */
static size_t utf8_char_len(const char *s)
{
    unsigned char c = (unsigned char)*s;
    return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/* Splits text into lines no wider than max_w: at spaces where possible, and
 * inside a word (at a character boundary) when the word alone is too wide.
 * Returns the number of lines (at most max_lines; the rest is dropped). */
static size_t wrap_text(HPDF_Font font, float size, const char *text, float max_w, text_line *lines,
                        size_t max_lines)
{
    size_t n = 0, pos = 0, total = strlen(text);
    while (pos < total && n < max_lines) {
        while (text[pos] == ' ')
            pos++;
        if (pos >= total)
            break;
        size_t start = pos, fit_end = start, scan = start;
        while (scan < total) {
            size_t word_end = scan;
            while (word_end < total && text[word_end] == ' ')
                word_end++;
            while (word_end < total && text[word_end] != ' ')
                word_end++;
            if (text_width(font, size, text + start, word_end - start) <= max_w) {
                fit_end = word_end;
                scan = word_end;
            } else {
                break;
            }
        }
        if (fit_end == start) {
            /* One word wider than the line: take as many characters as fit, at least one. */
            size_t end = start + utf8_char_len(text + start);
            while (end < total && text[end] != ' ') {
                size_t next = end + utf8_char_len(text + end);
                if (text_width(font, size, text + start, next - start) > max_w)
                    break;
                end = next;
            }
            fit_end = end;
        }
        lines[n].off = start;
        lines[n].len = fit_end - start;
        n++;
        pos = fit_end;
    }
    return n;
}

static void draw_text(render_ctx *ctx, HPDF_Font font, float size, float x, float y, const char *s,
                      size_t len)
{
    char buf[LINE_BUF];
    if (len >= sizeof buf)
        len = sizeof buf - 1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    HPDF_Page_BeginText(ctx->page);
    HPDF_Page_SetFontAndSize(ctx->page, font, size);
    HPDF_Page_TextOut(ctx->page, x, y, buf);
    HPDF_Page_EndText(ctx->page);
}

/* Draws text wrapped to width w from baseline y downwards; align: 0 left,
 * 1 centre. Returns the baseline below the last line. */
static float draw_wrapped(render_ctx *ctx, HPDF_Font font, float size, float leading, float x, float y,
                          float w, const char *text, int align)
{
    text_line lines[MAX_LINES];
    size_t n = wrap_text(font, size, text, w, lines, MAX_LINES);
    for (size_t i = 0; i < n; i++) {
        float lx = x;
        if (align == 1)
            lx = x + (w - text_width(font, size, text + lines[i].off, lines[i].len)) / 2.0f;
        draw_text(ctx, font, size, lx, y, text + lines[i].off, lines[i].len);
        y -= leading;
    }
    return y;
}

static void hline(render_ctx *ctx, float x0, float x1, float y, float width)
{
    HPDF_Page_SetLineWidth(ctx->page, width);
    HPDF_Page_MoveTo(ctx->page, x0, y);
    HPDF_Page_LineTo(ctx->page, x1, y);
    HPDF_Page_Stroke(ctx->page);
}

/* "dd.mm.yyyy", the way dates are written on Kazakhstan's documents. */
static const char *format_date(qn_date_t d, char buf[QN_DATE_STRLEN])
{
    int y, m, day;
    qn_date_to_ymd(d, &y, &m, &day);
    snprintf(buf, QN_DATE_STRLEN, "%02d.%02d.%04d", day, m, y);
    return buf;
}

/* ---- the field table ----------------------------------------------------- */

typedef struct {
    const char *label;
    const char *value;
} table_row;

/* The table's type sizes at a scale: 1 is the normal size; long fields make
 * the renderer step down until the table fits above the verification block. */
typedef struct {
    float value_size, label_size, leading, pad;
} table_style;

static table_style table_style_at(float scale)
{
    return (table_style){BODY_SIZE * scale, (BODY_SIZE - 1.0f) * scale, BODY_LEADING * scale, CELL_PAD * scale};
}

/* Fills heights[i] with each row's height; returns the table's total height. */
static float measure_table(const render_ctx *ctx, const table_row *rows, size_t n_rows, table_style st,
                           float *heights)
{
    const float label_w = LABEL_W - 2 * st.pad, value_w = CONTENT_W - LABEL_W - 2 * st.pad;
    float total = 0;
    for (size_t i = 0; i < n_rows; i++) {
        text_line tl[MAX_LINES];
        size_t nl = wrap_text(ctx->regular, st.label_size, rows[i].label, label_w, tl, MAX_LINES);
        size_t nv = wrap_text(ctx->bold, st.value_size, rows[i].value, value_w, tl, MAX_LINES);
        size_t lines = nl > nv ? nl : nv;
        heights[i] = (float)(lines ? lines : 1) * st.leading + 2 * st.pad;
        total += heights[i];
    }
    return total;
}

/* Draws the rows from top (the table's top edge) down. Backgrounds first,
 * then text, then rules, so no fill covers a rule. */
static void draw_table(render_ctx *ctx, const table_row *rows, size_t n_rows, float top, table_style st,
                       const float *heights)
{
    const float x0 = MARGIN, x1 = MARGIN + CONTENT_W, xv = MARGIN + LABEL_W;
    const float label_w = LABEL_W - 2 * st.pad, value_w = CONTENT_W - LABEL_W - 2 * st.pad;
    float bottom = top;
    for (size_t i = 0; i < n_rows; i++)
        bottom -= heights[i];
    /* The label column on a light tint. */
    HPDF_Page_SetRGBFill(ctx->page, 0.94f, 0.95f, 0.97f);
    HPDF_Page_Rectangle(ctx->page, x0, bottom, LABEL_W, top - bottom);
    HPDF_Page_Fill(ctx->page);

    float y = top;
    for (size_t i = 0; i < n_rows; i++) {
        float base = y - st.pad - st.value_size + 1.5f * st.value_size / BODY_SIZE;
        HPDF_Page_SetRGBFill(ctx->page, 0.25f, 0.28f, 0.32f);
        draw_wrapped(ctx, ctx->regular, st.label_size, st.leading, x0 + st.pad, base, label_w, rows[i].label, 0);
        HPDF_Page_SetRGBFill(ctx->page, 0, 0, 0);
        draw_wrapped(ctx, ctx->bold, st.value_size, st.leading, xv + st.pad, base, value_w, rows[i].value, 0);
        y -= heights[i];
    }

    HPDF_Page_SetRGBStroke(ctx->page, 0.55f, 0.6f, 0.65f);
    y = top;
    for (size_t i = 0; i + 1 < n_rows; i++) {
        y -= heights[i];
        hline(ctx, x0, x1, y, 0.4f);
    }
    HPDF_Page_SetLineWidth(ctx->page, 0.4f);
    HPDF_Page_MoveTo(ctx->page, xv, top);
    HPDF_Page_LineTo(ctx->page, xv, bottom);
    HPDF_Page_Stroke(ctx->page);
    HPDF_Page_SetLineWidth(ctx->page, 0.8f);
    HPDF_Page_Rectangle(ctx->page, x0, bottom, CONTENT_W, top - bottom);
    HPDF_Page_Stroke(ctx->page);
}

/* ---- the QR code ---------------------------------------------------------- */

/* Encodes url and draws it in the square [x, x+box] x [y, y+box], quiet zone
 * included. Returns QN_OK, QN_E_NOMEM or QN_E_INTERNAL. */
static qn_code draw_qr(render_ctx *ctx, const char *url, float x, float y, float box, qn_err *err)
{
    errno = 0;
    QRcode *qr = QRcode_encodeString(url, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (qr == NULL) {
        if (errno == ENOMEM)
            return qn_err_set(err, QN_E_NOMEM, "out of memory encoding the QR code");
        return qn_err_set(err, QN_E_INTERNAL, "libqrencode could not encode the verification URL (%s)",
                          strerror(errno));
    }
    const int quiet = 4, width = qr->width;
    const float module = box / (float)(width + 2 * quiet);
    const float left = x + (float)quiet * module, top = y + box - (float)quiet * module;
    HPDF_Page_SetRGBFill(ctx->page, 0, 0, 0);
    for (int row = 0; row < width; row++) {
        const unsigned char *cells = qr->data + (size_t)row * (size_t)width;
        for (int col = 0; col < width;) {
            if (!(cells[col] & 1)) {
                col++;
                continue;
            }
            int run = col;
            while (run < width && (cells[run] & 1))
                run++;
            HPDF_Page_Rectangle(ctx->page, left + (float)col * module, top - (float)(row + 1) * module,
                                (float)(run - col) * module, module);
            col = run;
        }
    }
    HPDF_Page_Fill(ctx->page);
    QRcode_free(qr);
    return QN_OK;
}

/* ---- the page ------------------------------------------------------------- */

static qn_code hpdf_failed(const render_ctx *ctx, qn_err *err, const char *stage)
{
    if (ctx->status == HPDF_FAILD_TO_ALLOC_MEM)
        return qn_err_set(err, QN_E_NOMEM, "out of memory while %s", stage);
    return qn_err_set(err, QN_E_INTERNAL, "libharu failed while %s (error 0x%04X, detail %u)", stage,
                      (unsigned)ctx->status, (unsigned)ctx->detail);
}

/* libharu 2.3 (Debian 12) gives its UTF-8 TrueType fonts a /ToUnicode entry
 * that is not a ToUnicode map at all: it writes the encoding CMap there
 * ("begincidrange <0000> <FFFF> 0"). Poppler recovers through the font's own
 * cmap table, but other readers may copy, search or read aloud garbage.
 * Under the UTF-8 encoder the two-byte codes in the content stream are the
 * Unicode code points themselves (U+04D8 is written <04D8>), so the correct
 * map is the identity over the Basic Multilingual Plane. We build it as a
 * stream of our own (bfrange entries may not cross a first-byte boundary and
 * a block holds at most 100 entries: Adobe technical note 5411) and point
 * the font's /ToUnicode at it; the old stream stays as an unreferenced
 * object. This uses libharu's object layer (hpdf_objects.h), which the
 * library installs and exports. */
static bool set_identity_to_unicode(render_ctx *ctx, HPDF_Font font)
{
    HPDF_Dict map = HPDF_DictStream_New(ctx->pdf->mmgr, ctx->pdf->xref);
    if (map == NULL)
        return false;
    static const char head[] = "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
                               "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
                               "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
                               "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n";
    static const char tail[] = "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
    HPDF_STATUS st = HPDF_Stream_WriteStr(map->stream, head);
    /* Every first byte except the surrogates D8..DF: 248 ranges. */
    unsigned ranges[256] = {0}, n = 0;
    for (unsigned hi = 0; hi < 256; hi++)
        if (hi < 0xD8 || hi > 0xDF)
            ranges[n++] = hi;
    for (unsigned i = 0; i < n && st == HPDF_OK; i += 100) {
        unsigned block = n - i < 100 ? n - i : 100;
        char line[48];
        snprintf(line, sizeof line, "%u beginbfrange\n", block);
        st = HPDF_Stream_WriteStr(map->stream, line);
        for (unsigned k = i; k < i + block && st == HPDF_OK; k++) {
            snprintf(line, sizeof line, "<%02X00> <%02XFF> <%02X00>\n", ranges[k], ranges[k], ranges[k]);
            st = HPDF_Stream_WriteStr(map->stream, line);
        }
        if (st == HPDF_OK)
            st = HPDF_Stream_WriteStr(map->stream, "endbfrange\n");
    }
    if (st == HPDF_OK)
        st = HPDF_Stream_WriteStr(map->stream, tail);
    map->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
    if (st == HPDF_OK)
        st = HPDF_Dict_Add(font, "ToUnicode", map);
    return st == HPDF_OK && ctx->status == HPDF_OK;
}

static qn_code load_font(render_ctx *ctx, const char *path, HPDF_Font *out, HPDF_FontDef *def, qn_err *err)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return qn_err_set(err, QN_E_UNAVAILABLE,
                          "font file %s cannot be read (%s); install the Debian package "
                          "fonts-dejavu-core or configure another TrueType font",
                          path, strerror(errno));
    fclose(f);
    const char *name = HPDF_LoadTTFontFromFile(ctx->pdf, path, HPDF_TRUE);
    HPDF_Font font = name ? HPDF_GetFont(ctx->pdf, name, "UTF-8") : NULL;
    if (font == NULL || ctx->status != HPDF_OK)
        return qn_err_set(err, QN_E_UNAVAILABLE,
                          "font file %s is not a TrueType font libharu can embed (error 0x%04X)", path,
                          (unsigned)ctx->status);
    if (!set_identity_to_unicode(ctx, font))
        return hpdf_failed(ctx, err, "writing the font's Unicode map");
    if (def) {
        *def = HPDF_GetFontDef(ctx->pdf, name);
        if (*def == NULL)
            return hpdf_failed(ctx, err, "looking up the font's glyphs");
    }
    *out = font;
    return QN_OK;
}

/* Reports a field holding a character the font has no glyph for (it would
 * print as an empty box) or one outside the Basic Multilingual Plane (which
 * libharu's two-byte UTF-8 encoding cannot address). DejaVu Sans covers
 * Latin, Cyrillic with Kazakh, Greek, Armenian, Georgian and more, but not
 * Chinese, for instance: names are then given as the passport's Latin line. */
static void check_field_glyphs(const render_ctx *ctx, qn_err *err, const char *field, const char *text)
{
    if (text == NULL)
        return;
    const unsigned char *p = (const unsigned char *)text;
    while (*p) {
        size_t len = utf8_char_len((const char *)p);
        unsigned cp = len == 1 ? p[0] : len == 2 ? p[0] & 0x1Fu : len == 3 ? p[0] & 0x0Fu : p[0] & 0x07u;
        for (size_t i = 1; i < len; i++)
            cp = (cp << 6) | (p[i] & 0x3Fu);
        if (cp > 0xFFFF || (cp != ' ' && HPDF_TTFontDef_GetGlyphid(ctx->bold_def, (HPDF_UINT16)cp) == 0)) {
            qn_err_field(err, field, "contains a character the document font cannot print (U+%04X)", cp);
            return;
        }
        p += len;
    }
}

static qn_code check_glyphs(const render_ctx *ctx, const qn_doc *doc, qn_err *err)
{
    qn_err local;
    qn_err_clear(&local);
    qn_err *e = err ? err : &local;
    size_t before = e->n_fields + e->n_fields_dropped;
    check_field_glyphs(ctx, e, "person.name", doc->person.name);
    check_field_glyphs(ctx, e, "person.citizenship", doc->person.citizenship);
    check_field_glyphs(ctx, e, "person.document", doc->person.document);
    check_field_glyphs(ctx, e, "address", doc->address);
    check_field_glyphs(ctx, e, "host", doc->host);
    check_field_glyphs(ctx, e, "office", doc->office);
    return e->n_fields + e->n_fields_dropped > before ? QN_E_INVALID : QN_OK;
}

static qn_code draw_page(render_ctx *ctx, const qn_doc *doc, qn_err *err)
{
    const qn_doc_lang lang = doc->lang;
    HPDF_Page page = ctx->page;
    float y = PAGE_H - MARGIN;

    /* Header: state, ministry, service; no coat of arms. */
    HPDF_Page_SetRGBFill(page, 0.05f, 0.25f, 0.45f);
    y = draw_wrapped(ctx, ctx->bold, 11.0f, 14.0f, MARGIN, y, CONTENT_W,
                     qn_doc_text(lang, QN_TXT_HEADER_STATE), 1);
    y = draw_wrapped(ctx, ctx->regular, 10.0f, 13.0f, MARGIN, y, CONTENT_W,
                     qn_doc_text(lang, QN_TXT_HEADER_MINISTRY), 1);
    y = draw_wrapped(ctx, ctx->regular, 10.0f, 13.0f, MARGIN, y, CONTENT_W,
                     qn_doc_text(lang, QN_TXT_HEADER_SERVICE), 1);
    HPDF_Page_SetRGBStroke(page, 0.05f, 0.25f, 0.45f);
    hline(ctx, MARGIN, MARGIN + CONTENT_W, y + 4.0f, 1.2f);

    /* Title and number. */
    y -= 30.0f;
    HPDF_Page_SetRGBFill(page, 0, 0, 0);
    y = draw_wrapped(ctx, ctx->bold, 19.0f, 24.0f, MARGIN, y, CONTENT_W,
                     qn_doc_kind_text(doc->kind, lang, QN_KTXT_TITLE), 1);
    char number_line[QN_DOC_NUMBER_MAX + 16];
    snprintf(number_line, sizeof number_line, "%s %s", qn_doc_text(lang, QN_TXT_NUMBER_SIGN), doc->number);
    y = draw_wrapped(ctx, ctx->regular, 12.0f, 16.0f, MARGIN, y - 2.0f, CONTENT_W, number_line, 1);

    /* What the document attests. */
    y -= 14.0f;
    y = draw_wrapped(ctx, ctx->regular, BODY_SIZE, BODY_LEADING, MARGIN, y, CONTENT_W,
                     qn_doc_kind_text(doc->kind, lang, QN_KTXT_STATEMENT), 0);

    /* The fields. */
    char birth[QN_DATE_STRLEN], from[QN_DATE_STRLEN], until[QN_DATE_STRLEN], issued[QN_DATE_STRLEN];
    char period[2 * QN_DATE_STRLEN + 8];
    snprintf(period, sizeof period, "%s – %s", format_date(doc->valid_from, from),
             format_date(doc->valid_until, until));
    table_row rows[10];
    size_t n = 0;
    rows[n++] = (table_row){qn_doc_text(lang, QN_TXT_FULL_NAME), doc->person.name};
    rows[n++] = (table_row){qn_doc_text(lang, QN_TXT_BIRTH_DATE), format_date(doc->person.birth_date, birth)};
    rows[n++] = (table_row){qn_doc_text(lang, QN_TXT_CITIZENSHIP), doc->person.citizenship};
    rows[n++] = (table_row){qn_doc_kind_text(doc->kind, lang, QN_KTXT_ID_DOCUMENT), doc->person.document};
    if (!is_blank(doc->address))
        rows[n++] = (table_row){qn_doc_text(lang, QN_TXT_ADDRESS), doc->address};
    if (!is_blank(doc->host))
        rows[n++] = (table_row){qn_doc_text(lang, QN_TXT_HOST), doc->host};
    rows[n++] = (table_row){qn_doc_kind_text(doc->kind, lang, QN_KTXT_PERIOD), period};
    rows[n++] = (table_row){qn_doc_text(lang, QN_TXT_ISSUED), format_date(doc->issued, issued)};
    rows[n++] = (table_row){qn_doc_text(lang, QN_TXT_OFFICE), doc->office};
    /* The largest type, in steps of 10 %, down to half size, that fits. */
    const float table_top = y + BODY_LEADING - 12.0f, room = table_top - (BLOCK_TOP + 12.0f);
    float heights[sizeof rows / sizeof rows[0]];
    table_style st = table_style_at(1.0f);
    int step = 10;
    while (measure_table(ctx, rows, n, st, heights) > room) {
        if (--step < 5)
            return qn_err_set(err, QN_E_TOO_LARGE, "the document's fields do not fit on one page");
        st = table_style_at((float)step / 10.0f);
    }
    draw_table(ctx, rows, n, table_top, st, heights);

    /* The verification block: QR on the left, number, code and URL on the right. */
    HPDF_Page_SetRGBStroke(page, 0.05f, 0.25f, 0.45f);
    hline(ctx, MARGIN, MARGIN + CONTENT_W, BLOCK_TOP, 0.8f);
    qn_code rc = draw_qr(ctx, doc->verify_url, MARGIN, QR_BOTTOM, QR_BOX, err);
    if (rc != QN_OK)
        return rc;
    HPDF_Page_SetRGBFill(page, 0.2f, 0.2f, 0.2f);
    draw_wrapped(ctx, ctx->regular, 8.5f, 10.0f, MARGIN, QR_BOTTOM - 4.0f, QR_BOX,
                 qn_doc_text(lang, QN_TXT_SCAN), 1);

    const float tx = MARGIN + QR_BOX + 16.0f, tw = CONTENT_W - QR_BOX - 16.0f;
    float ty = QR_BOTTOM + QR_BOX - 20.0f;
    HPDF_Page_SetRGBFill(page, 0.25f, 0.28f, 0.32f);
    ty = draw_wrapped(ctx, ctx->regular, 9.5f, 12.0f, tx, ty, tw, qn_doc_text(lang, QN_TXT_DOC_NUMBER), 0);
    HPDF_Page_SetRGBFill(page, 0, 0, 0);
    ty = draw_wrapped(ctx, ctx->bold, 12.0f, 20.0f, tx, ty - 1.0f, tw, doc->number, 0);
    HPDF_Page_SetRGBFill(page, 0.25f, 0.28f, 0.32f);
    ty = draw_wrapped(ctx, ctx->regular, 9.5f, 12.0f, tx, ty, tw, qn_doc_text(lang, QN_TXT_VERIFY_CODE), 0);
    HPDF_Page_SetRGBFill(page, 0, 0, 0);
    ty = draw_wrapped(ctx, ctx->bold, 12.0f, 22.0f, tx, ty - 1.0f, tw, doc->verify_code, 0);
    HPDF_Page_SetRGBFill(page, 0.25f, 0.28f, 0.32f);
    ty = draw_wrapped(ctx, ctx->regular, 8.5f, 10.5f, tx, ty, tw, qn_doc_text(lang, QN_TXT_VERIFY_AT), 0);
    HPDF_Page_SetRGBFill(page, 0.05f, 0.25f, 0.45f);
    draw_wrapped(ctx, ctx->regular, 8.5f, 10.5f, tx, ty, tw, doc->verify_url, 0);

    if (ctx->status != HPDF_OK)
        return hpdf_failed(ctx, err, "drawing the page");
    return QN_OK;
}

/* Copies libharu's memory stream into one malloc'd buffer. */
static qn_code take_bytes(render_ctx *ctx, unsigned char **pdf, size_t *pdf_len, qn_err *err)
{
    if (HPDF_SaveToStream(ctx->pdf) != HPDF_OK || ctx->status != HPDF_OK)
        return hpdf_failed(ctx, err, "writing the PDF");
    HPDF_UINT32 size = HPDF_GetStreamSize(ctx->pdf);
    if (size == 0)
        return hpdf_failed(ctx, err, "writing the PDF");
    unsigned char *buf = malloc(size);
    if (buf == NULL)
        return qn_err_set(err, QN_E_NOMEM, "out of memory copying a %u-byte PDF", (unsigned)size);
    HPDF_UINT32 total = 0;
    while (total < size) {
        HPDF_UINT32 chunk = size - total;
        HPDF_STATUS st = HPDF_ReadFromStream(ctx->pdf, buf + total, &chunk);
        total += chunk;
        if (st == HPDF_STREAM_EOF || chunk == 0)
            break;
        if (st != HPDF_OK) {
            free(buf);
            return hpdf_failed(ctx, err, "reading the PDF stream");
        }
    }
    if (total != size) {
        free(buf);
        return qn_err_set(err, QN_E_INTERNAL, "libharu's stream gave %u of %u bytes", (unsigned)total,
                          (unsigned)size);
    }
    *pdf = buf;
    *pdf_len = size;
    return QN_OK;
}

qn_code qn_doc_pdf_render(const qn_doc *doc, const qn_doc_fonts *fonts, unsigned char **pdf,
                          size_t *pdf_len, qn_err *err)
{
    if (pdf == NULL || pdf_len == NULL)
        return qn_err_set(err, QN_E_INTERNAL, "qn_doc_pdf_render needs output pointers");
    *pdf = NULL;
    *pdf_len = 0;
    qn_code rc = qn_doc_validate(doc, err);
    if (rc != QN_OK)
        return rc;

    const char *regular_path = fonts && fonts->regular ? fonts->regular : QN_DOC_FONT_DEFAULT;
    const char *bold_path = fonts && fonts->bold ? fonts->bold : QN_DOC_FONT_BOLD_DEFAULT;

    render_ctx ctx = {0};
    ctx.pdf = HPDF_New(on_hpdf_error, &ctx);
    if (ctx.pdf == NULL)
        return qn_err_set(err, QN_E_NOMEM, "out of memory creating the PDF document");

    /* Info strings are set while no encoder is current: plain ASCII. */
    char title[96];
    snprintf(title, sizeof title, "%s %s", qn_doc_kind_name(doc->kind), doc->number);
    HPDF_SetInfoAttr(ctx.pdf, HPDF_INFO_TITLE, title);
    HPDF_SetInfoAttr(ctx.pdf, HPDF_INFO_CREATOR, "qonaq");
    HPDF_SetCompressionMode(ctx.pdf, HPDF_COMP_ALL);
    HPDF_UseUTFEncodings(ctx.pdf);
    HPDF_SetCurrentEncoder(ctx.pdf, "UTF-8");
    if (ctx.status != HPDF_OK) {
        rc = hpdf_failed(&ctx, err, "setting up the document");
        goto done;
    }
    if ((rc = load_font(&ctx, regular_path, &ctx.regular, NULL, err)) != QN_OK ||
        (rc = load_font(&ctx, bold_path, &ctx.bold, &ctx.bold_def, err)) != QN_OK ||
        (rc = check_glyphs(&ctx, doc, err)) != QN_OK)
        goto done;

    ctx.page = HPDF_AddPage(ctx.pdf);
    if (ctx.page == NULL || ctx.status != HPDF_OK) {
        rc = hpdf_failed(&ctx, err, "adding the page");
        goto done;
    }
    HPDF_Page_SetSize(ctx.page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
    if ((rc = draw_page(&ctx, doc, err)) != QN_OK)
        goto done;
    rc = take_bytes(&ctx, pdf, pdf_len, err);
done:
    HPDF_Free(ctx.pdf);
    return rc;
}

void qn_doc_pdf_free(unsigned char *pdf)
{
    free(pdf);
}
