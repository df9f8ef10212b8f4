/* test_pdf.c — printed documents (src/doc/pdf.h) checked with the tools a reader would use.
 *
 * Each kind of document in each language is rendered into the test's temp
 * directory; poppler's pdftotext must give back the title and the person's
 * name in that language (Kazakh letters intact), pdftoppm must rasterise the
 * page at 150 dpi, and zbarimg must read the QR code on that image back to
 * exactly the verification URL. The expected titles are written out here, as
 * the documents must read, not taken from the translation table.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "doc/pdf.h"
#include "doc/text.h"
#include "doc/verify.h"
#include "support/qn_test.h"

static const unsigned char secret[] = "test-secret-0123456789abcdef";

/* What one language's documents show, and what pdftotext must find. */
typedef struct {
    const char *name, *citizenship, *document, *address, *host, *office;
    const char *header;           /* the first header line */
    const char *titles[QN_DOC_KIND_COUNT];
} lang_case;

static const lang_case cases[QN_DOC_LANG_COUNT] = {
    [QN_DOC_LANG_KK] = {"Әлия Ұлықбекқызы", "Өзбекстан Республикасы", "Паспорт FA1234567",
                        "Алматы қ., Шоқан Уәлиханов көшесі, 12, 5-пәтер",
                        "Үміт Ғалымжанқызы Сеңгірбаева", "Алматы қаласы ПД көші-қон қызметі",
                        "Қазақстан Республикасы",
                        {"Тіркеу туралы хабарлама", "Келу туралы хабарлама",
                         "Паспорттың жоғалғаны туралы анықтама", "Шығу визасы"}},
    [QN_DOC_LANG_RU] = {"Иванов Сергей Петрович", "Российская Федерация", "Паспорт 75 1234567",
                        "г. Астана, ул. Кенесары, д. 40, кв. 17", "ТОО «Шаһизада Сервис»",
                        "Управление миграционной службы ДП г. Астаны", "Республика Казахстан",
                        {"Уведомление о регистрации", "Уведомление о прибытии",
                         "Справка об утрате паспорта", "Выездная виза"}},
    [QN_DOC_LANG_EN] = {"SMITH John Michael", "United Kingdom", "Passport 123456789",
                        "Almaty, Abai Avenue 150, apt. 12", "Hotel Kazakhstan LLP",
                        "Migration Service, Almaty Police Department", "Republic of Kazakhstan",
                        {"Registration notice", "Notification of arrival",
                         "Certificate of loss of passport", "Exit visa"}},
};

static const char *const number_of_kind[QN_DOC_KIND_COUNT] = {"KZ-REG-2026-000123", "KZ-ARR-2026-004567",
                                                              "KZ-LOST-2026-000089", "KZ-EXIT-2026-000012"};

/* A complete, valid document; url and code buffers belong to the caller. */
static qn_doc make_doc(qn_doc_kind kind, qn_doc_lang lang, char url[QN_DOC_URL_MAX + 1],
                       char code[QN_DOC_CODE_LEN + 1])
{
    const lang_case *c = &cases[lang];
    qn_doc doc = {
        .kind = kind,
        .lang = lang,
        .number = number_of_kind[kind],
        .issued = qn_test_date("2026-11-23"),
        .valid_from = qn_test_date("2026-11-20"),
        .valid_until = qn_test_date("2026-12-19"),
        .person = {c->name, c->citizenship, c->document, qn_test_date("1991-04-07")},
        .address = c->address,
        .host = c->host,
        .office = c->office,
    };
    ck_assert_int_eq(qn_doc_verify_code(secret, sizeof secret - 1, doc.number, code, NULL), QN_OK);
    ck_assert_int_eq(qn_doc_verify_url("https://qonaq.example.kz", doc.number, code, url, QN_DOC_URL_MAX + 1,
                                       NULL),
                     QN_OK);
    doc.verify_url = url;
    doc.verify_code = code;
    return doc;
}

static void write_file(const char *path, const unsigned char *bytes, size_t len)
{
    FILE *f = fopen(path, "wb");
    ck_assert_msg(f != NULL, "cannot write %s", path);
    ck_assert_uint_eq(fwrite(bytes, 1, len, f), len);
    ck_assert_int_eq(fclose(f), 0);
}

/* Runs a shell command (paths are ours, no spaces) and returns its stdout,
 * malloc'd; fails the test if it exits non-zero. */
static char *run(const char *cmd)
{
    FILE *p = popen(cmd, "r");
    ck_assert_msg(p != NULL, "cannot run %s", cmd);
    size_t cap = 4096, len = 0;
    char *out = malloc(cap);
    ck_assert_ptr_nonnull(out);
    size_t n;
    while ((n = fread(out + len, 1, cap - len - 1, p)) > 0) {
        len += n;
        if (cap - len < 2) {
            cap *= 2;
            char *grown = realloc(out, cap);
            ck_assert_ptr_nonnull(grown);
            out = grown;
        }
    }
    out[len] = '\0';
    int status = pclose(p);
    ck_assert_msg(status == 0, "'%s' exited with status %d", cmd, status);
    return out;
}

/* Collapses each run of white space (line breaks where a cell wrapped,
 * gaps between blocks) into one space, in place. */
static char *squeeze_space(char *text)
{
    char *w = text;
    bool in_space = false;
    for (const char *r = text; *r; r++) {
        bool sp = *r == ' ' || *r == '\n' || *r == '\r' || *r == '\t' || *r == '\f';
        if (sp && !in_space)
            *w++ = ' ';
        else if (!sp)
            *w++ = *r;
        in_space = sp;
    }
    *w = '\0';
    return text;
}

/* Renders doc to dir/stem.pdf and returns the text pdftotext extracts, white
 * space squeezed. */
static char *render_and_extract(const qn_doc *doc, const char *stem, char pdf_path[512])
{
    unsigned char *pdf = NULL;
    size_t len = 0;
    qn_err err;
    qn_err_clear(&err);
    qn_code rc = qn_doc_pdf_render(doc, NULL, &pdf, &len, &err);
    ck_assert_msg(rc == QN_OK, "render: %s (%s)", err.message, err.n_fields ? err.fields[0].field : "");
    ck_assert_uint_gt(len, 1000);
    ck_assert(memcmp(pdf, "%PDF-", 5) == 0);
    snprintf(pdf_path, 512, "%s/%s.pdf", qn_test_tmpdir(), stem);
    write_file(pdf_path, pdf, len);
    qn_doc_pdf_free(pdf);
    /* Poppler complains on stderr about malformed structures (libharu's own
     * ToUnicode map drew "Invalid 'begincidrange' operator"): none allowed. */
    char cmd[1100];
    snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 %s /dev/null 2>&1; pdfinfo %s 2>&1 >/dev/null", pdf_path,
             pdf_path);
    char *complaints = run(cmd);
    ck_assert_msg(complaints[0] == '\0', "poppler reports: %s", complaints);
    free(complaints);
    snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 %s -", pdf_path);
    return squeeze_space(run(cmd));
}

/* Rasterises the PDF at 150 dpi and returns what zbarimg reads from it. */
static char *scan_qr(const char *pdf_path, const char *stem)
{
    char png_base[600], cmd[1400];
    snprintf(png_base, sizeof png_base, "%s/%s", qn_test_tmpdir(), stem);
    snprintf(cmd, sizeof cmd, "pdftoppm -png -r 150 -singlefile %s %s", pdf_path, png_base);
    free(run(cmd));
    snprintf(cmd, sizeof cmd, "zbarimg --raw -q %s.png", png_base);
    char *decoded = run(cmd);
    size_t n = strlen(decoded);
    while (n > 0 && (decoded[n - 1] == '\n' || decoded[n - 1] == '\r'))
        decoded[--n] = '\0';
    return decoded;
}

static void assert_contains(const char *haystack, const char *needle, const char *what)
{
    ck_assert_msg(strstr(haystack, needle) != NULL, "%s: \"%s\" not found in the extracted text:\n%s", what,
                  needle, haystack);
}

/* One loop iteration per kind x language. */
START_TEST(every_kind_in_every_language)
{
    qn_doc_kind kind = (qn_doc_kind)(_i / QN_DOC_LANG_COUNT);
    qn_doc_lang lang = (qn_doc_lang)(_i % QN_DOC_LANG_COUNT);
    char url[QN_DOC_URL_MAX + 1], code[QN_DOC_CODE_LEN + 1], stem[64], pdf_path[512];
    qn_doc doc = make_doc(kind, lang, url, code);
    if (kind == QN_DOC_LOST_PASSPORT || kind == QN_DOC_EXIT_VISA)
        doc.host = NULL; /* optional there: the row is left out */
    snprintf(stem, sizeof stem, "%s-%s", qn_doc_kind_name(kind), qn_doc_lang_code(lang));

    char *text = render_and_extract(&doc, stem, pdf_path);
    const lang_case *c = &cases[lang];
    assert_contains(text, c->titles[kind], "title");
    assert_contains(text, c->header, "header");
    assert_contains(text, c->name, "name");
    assert_contains(text, c->citizenship, "citizenship");
    assert_contains(text, c->document, "identity document");
    assert_contains(text, c->office, "office");
    assert_contains(text, doc.number, "number");
    assert_contains(text, code, "verification code");
    assert_contains(text, "07.04.1991", "birth date");
    assert_contains(text, "20.11.2026 – 19.12.2026", "period");
    assert_contains(text, "23.11.2026", "date of issue");
    if (kind == QN_DOC_REGISTRATION_NOTICE || kind == QN_DOC_ARRIVAL_NOTIFICATION)
        assert_contains(text, c->address, "address");
    if (kind == QN_DOC_ARRIVAL_NOTIFICATION)
        assert_contains(text, c->host, "host");
    else if (kind != QN_DOC_REGISTRATION_NOTICE)
        ck_assert_msg(strstr(text, c->host) == NULL, "an absent host was printed");
    /* The other languages' titles are not on the page. */
    for (int other = 0; other < QN_DOC_LANG_COUNT; other++)
        if (other != (int)lang)
            ck_assert_msg(strstr(text, cases[other].titles[kind]) == NULL, "title in another language");
    free(text);

    char *decoded = scan_qr(pdf_path, stem);
    ck_assert_str_eq(decoded, url);
    free(decoded);
}
END_TEST

START_TEST(kazakh_letters_round_trip)
{
    char url[QN_DOC_URL_MAX + 1], code[QN_DOC_CODE_LEN + 1], pdf_path[512];
    qn_doc doc = make_doc(QN_DOC_REGISTRATION_NOTICE, QN_DOC_LANG_KK, url, code);
    /* Every letter of the Kazakh alphabet that Russian lacks, both cases. */
    doc.person.name = "Әлия Ұлықбекқызы";
    doc.person.citizenship = "ӘҒҚҢӨҰҮҺІ әғқңөұүһі";
    doc.address = "Шымкент қ., Төле би даңғылы, 1";
    char *text = render_and_extract(&doc, "kazakh-letters", pdf_path);
    assert_contains(text, "Әлия Ұлықбекқызы", "name");
    assert_contains(text, "ӘҒҚҢӨҰҮҺІ әғқңөұүһі", "letters");
    assert_contains(text, "Шымкент қ., Төле би даңғылы, 1", "address");
    free(text);

    /* One A4 page, titled in ASCII for file managers. */
    char cmd[600];
    snprintf(cmd, sizeof cmd, "pdfinfo %s", pdf_path);
    char *info = squeeze_space(run(cmd));
    assert_contains(info, "Pages: 1 ", "page count");
    assert_contains(info, "Page size: 595.276 x 841.89 pts (A4)", "page size");
    assert_contains(info, "Title: registration_notice KZ-REG-2026-000123", "title");
    free(info);
}
END_TEST

START_TEST(longest_fields_still_fit_and_scan)
{
    /* Every text field at its bound, in two-byte Cyrillic: the page must
     * still hold everything and the QR must still read. */
    static char name[QN_DOC_NAME_MAX + 1], citizenship[QN_DOC_CITIZENSHIP_MAX + 1],
        document[QN_DOC_ID_DOCUMENT_MAX + 1], address[QN_DOC_ADDRESS_MAX + 1], host[QN_DOC_HOST_MAX + 1],
        office[QN_DOC_OFFICE_MAX + 1];
    struct {
        char *buf;
        size_t max;
        const char *word;
    } fill[] = {{name, QN_DOC_NAME_MAX, "Ұлықбекқызы "}, {citizenship, QN_DOC_CITIZENSHIP_MAX, "Өзбекстан "},
                {document, QN_DOC_ID_DOCUMENT_MAX, "Паспорт "},  {address, QN_DOC_ADDRESS_MAX, "Шоқан көшесі "},
                {host, QN_DOC_HOST_MAX, "Ғалымжанқызы "},         {office, QN_DOC_OFFICE_MAX, "Департаменті "}};
    for (size_t i = 0; i < sizeof fill / sizeof fill[0]; i++) {
        size_t len = 0, wl = strlen(fill[i].word);
        while (len + wl <= fill[i].max) {
            memcpy(fill[i].buf + len, fill[i].word, wl);
            len += wl;
        }
        fill[i].buf[len] = '\0';
    }
    char url[QN_DOC_URL_MAX + 1], code[QN_DOC_CODE_LEN + 1], pdf_path[512];
    /* The longest number too. */
    qn_doc doc = make_doc(QN_DOC_ARRIVAL_NOTIFICATION, QN_DOC_LANG_KK, url, code);
    doc.number = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
    ck_assert_int_eq(qn_doc_verify_code(secret, sizeof secret - 1, doc.number, code, NULL), QN_OK);
    /* And the longest URL: a base with a path prefix that brings it to QN_DOC_URL_MAX bytes,
     * the densest QR code the renderer draws. */
    char base[QN_DOC_URL_MAX] = "https://migration-registration.qonaq.example.kz/";
    size_t base_len = QN_DOC_URL_MAX - strlen("/verify/?c=") - strlen(doc.number) - QN_DOC_CODE_LEN;
    memset(base + strlen(base), 'p', base_len - strlen(base));
    base[base_len] = '\0';
    ck_assert_int_eq(qn_doc_verify_url(base, doc.number, code, url, sizeof url, NULL), QN_OK);
    ck_assert_uint_eq(strlen(url), QN_DOC_URL_MAX);
    doc.person = (qn_doc_person){name, citizenship, document, qn_test_date("1991-04-07")};
    doc.address = address;
    doc.host = host;
    doc.office = office;
    char *text = render_and_extract(&doc, "longest", pdf_path);
    assert_contains(text, "Ұлықбекқызы", "name");
    assert_contains(text, code, "code");
    free(text);
    char *decoded = scan_qr(pdf_path, "longest");
    ck_assert_str_eq(decoded, url);
    free(decoded);
}
END_TEST

START_TEST(widest_ascii_fields_shrink_to_fit)
{
    /* The worst case for the layout: one-byte characters, the widest glyph,
     * no spaces. The table's type steps down; the page must still render,
     * carry the fields and scan. */
    static char name[QN_DOC_NAME_MAX + 1], citizenship[QN_DOC_CITIZENSHIP_MAX + 1],
        document[QN_DOC_ID_DOCUMENT_MAX + 1], address[QN_DOC_ADDRESS_MAX + 1], host[QN_DOC_HOST_MAX + 1],
        office[QN_DOC_OFFICE_MAX + 1];
    memset(name, 'W', QN_DOC_NAME_MAX);
    memset(citizenship, 'W', QN_DOC_CITIZENSHIP_MAX);
    memset(document, 'W', QN_DOC_ID_DOCUMENT_MAX);
    memset(address, 'W', QN_DOC_ADDRESS_MAX);
    memset(host, 'W', QN_DOC_HOST_MAX);
    memset(office, 'M', QN_DOC_OFFICE_MAX);
    char url[QN_DOC_URL_MAX + 1], code[QN_DOC_CODE_LEN + 1], pdf_path[512];
    qn_doc doc = make_doc(QN_DOC_ARRIVAL_NOTIFICATION, QN_DOC_LANG_EN, url, code);
    doc.person = (qn_doc_person){name, citizenship, document, qn_test_date("1991-04-07")};
    doc.address = address;
    doc.host = host;
    doc.office = office;
    char *text = render_and_extract(&doc, "widest", pdf_path);
    assert_contains(text, "Notification of arrival", "title");
    assert_contains(text, code, "code");
    /* The 200 M's of the office come back, possibly split over lines. */
    size_t ms = 0;
    for (const char *p = text; *p; p++)
        ms += *p == 'M';
    ck_assert_uint_ge(ms, QN_DOC_OFFICE_MAX);
    free(text);
    char *decoded = scan_qr(pdf_path, "widest");
    ck_assert_str_eq(decoded, url);
    free(decoded);
}
END_TEST

/* Renders a copy of doc with one change and expects QN_E_INVALID naming field. */
static void expect_invalid(const qn_doc *doc, const char *field)
{
    unsigned char *pdf = (unsigned char *)"sentinel";
    size_t len = 99;
    qn_err err;
    qn_err_clear(&err);
    ck_assert_int_eq(qn_doc_pdf_render(doc, NULL, &pdf, &len, &err), QN_E_INVALID);
    ck_assert_ptr_null(pdf);
    ck_assert_uint_eq(len, 0);
    bool named = false;
    for (size_t i = 0; i < err.n_fields; i++)
        named = named || strcmp(err.fields[i].field, field) == 0;
    ck_assert_msg(named, "no error for field %s (first: %s %s)", field, err.n_fields ? err.fields[0].field : "-",
                  err.n_fields ? err.fields[0].reason : "-");
}

START_TEST(invalid_input_names_the_field)
{
    char url[QN_DOC_URL_MAX + 1], code[QN_DOC_CODE_LEN + 1];
    const qn_doc good = make_doc(QN_DOC_ARRIVAL_NOTIFICATION, QN_DOC_LANG_RU, url, code);
    qn_doc d;

    d = good, d.number = NULL, expect_invalid(&d, "number");
    d = good, d.number = "", expect_invalid(&d, "number");
    d = good, d.number = "KZ 12", expect_invalid(&d, "number");
    d = good, d.person.name = NULL, expect_invalid(&d, "person.name");
    d = good, d.person.name = "   ", expect_invalid(&d, "person.name");
    d = good, d.person.name = "Ivan\nPetrov", expect_invalid(&d, "person.name");
    d = good, d.person.name = "Ivan \xC0\xAF Petrov", expect_invalid(&d, "person.name"); /* overlong '/' */
    d = good, d.person.name = "\xED\xA0\x80", expect_invalid(&d, "person.name");          /* a surrogate */
    d = good, d.person.citizenship = NULL, expect_invalid(&d, "person.citizenship");
    d = good, d.person.document = "", expect_invalid(&d, "person.document");
    d = good, d.person.birth_date = QN_DATE_NONE, expect_invalid(&d, "person.birth_date");
    d = good, d.person.birth_date = qn_test_date("2026-11-24"), expect_invalid(&d, "person.birth_date");
    d = good, d.issued = QN_DATE_NONE, expect_invalid(&d, "issued");
    d = good, d.valid_from = QN_DATE_NONE, expect_invalid(&d, "valid_from");
    d = good, d.valid_until = qn_test_date("2026-11-19"), expect_invalid(&d, "valid_until");
    d = good, d.valid_until = 200000, expect_invalid(&d, "valid_until"); /* year 2517 */
    d = good, d.address = NULL, expect_invalid(&d, "address");
    d = good, d.host = NULL, expect_invalid(&d, "host");
    d = good, d.office = "", expect_invalid(&d, "office");
    d = good, d.kind = QN_DOC_KIND_COUNT, expect_invalid(&d, "kind");
    d = good, d.lang = (qn_doc_lang)7, expect_invalid(&d, "lang");
    d = good, d.verify_code = NULL, expect_invalid(&d, "verify_code");
    d = good, d.verify_code = "PQYAB", expect_invalid(&d, "verify_code");
    d = good, d.verify_url = NULL, expect_invalid(&d, "verify_url");
    d = good, d.verify_url = "javascript:alert(1)", expect_invalid(&d, "verify_url");
    /* The QR must carry the number and code printed on the page. */
    d = good, d.verify_url = "https://qonaq.example.kz/verify/KZ-ARR-2026-004568?c=AAAAAAAAAA",
    expect_invalid(&d, "verify_url");

    char long_name[QN_DOC_NAME_MAX + 2];
    memset(long_name, 'A', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    d = good, d.person.name = long_name, expect_invalid(&d, "person.name");

    /* Address and host are optional on the other kinds. */
    d = good, d.kind = QN_DOC_LOST_PASSPORT, d.address = NULL, d.host = NULL;
    ck_assert_int_eq(qn_doc_validate(&d, NULL), QN_OK);
    d.kind = QN_DOC_EXIT_VISA;
    ck_assert_int_eq(qn_doc_validate(&d, NULL), QN_OK);
    d.kind = QN_DOC_REGISTRATION_NOTICE;
    ck_assert_int_eq(qn_doc_validate(&d, NULL), QN_E_INVALID); /* needs the address */

    /* All problems are reported at once. */
    d = good, d.number = NULL, d.person.name = NULL, d.office = NULL;
    qn_err err;
    qn_err_clear(&err);
    ck_assert_int_eq(qn_doc_validate(&d, &err), QN_E_INVALID);
    ck_assert_uint_eq(err.n_fields, 3);
    ck_assert_str_eq(err.fields[0].field, "number");
    ck_assert_str_eq(err.fields[0].reason, "is required");
    ck_assert_int_eq(qn_doc_validate(NULL, &err), QN_E_INVALID);
}
END_TEST

START_TEST(unprintable_characters_name_the_field)
{
    char url[QN_DOC_URL_MAX + 1], code[QN_DOC_CODE_LEN + 1];
    qn_doc doc = make_doc(QN_DOC_REGISTRATION_NOTICE, QN_DOC_LANG_EN, url, code);
    unsigned char *pdf = NULL;
    size_t len = 0;
    qn_err err;

    doc.person.name = "WANG Wei 王伟"; /* DejaVu Sans has no Han characters */
    qn_err_clear(&err);
    ck_assert_int_eq(qn_doc_pdf_render(&doc, NULL, &pdf, &len, &err), QN_E_INVALID);
    ck_assert_ptr_null(pdf);
    ck_assert_str_eq(err.fields[0].field, "person.name");
    ck_assert_msg(strstr(err.fields[0].reason, "U+738B") != NULL, "%s", err.fields[0].reason);

    doc.person.name = "WANG Wei";
    doc.address = "Almaty \xF0\x9F\x8F\xA0 Abai 1"; /* U+1F3E0, beyond two-byte codes */
    qn_err_clear(&err);
    ck_assert_int_eq(qn_doc_pdf_render(&doc, NULL, &pdf, &len, &err), QN_E_INVALID);
    ck_assert_str_eq(err.fields[0].field, "address");
    ck_assert_msg(strstr(err.fields[0].reason, "U+1F3E0") != NULL, "%s", err.fields[0].reason);

    /* Greek, Armenian and Georgian names are in the font and pass. */
    doc.address = "Almaty, Abai 1";
    doc.person.name = "ΠΑΠΑΔΟΠΟΥΛΟΣ Γιώργος · ՊԵՏՐՈՍՅԱՆ · ბერიძე";
    ck_assert_int_eq(qn_doc_pdf_render(&doc, NULL, &pdf, &len, NULL), QN_OK);
    qn_doc_pdf_free(pdf);
}
END_TEST

START_TEST(missing_or_bad_font_is_a_clear_error)
{
    char url[QN_DOC_URL_MAX + 1], code[QN_DOC_CODE_LEN + 1];
    qn_doc doc = make_doc(QN_DOC_EXIT_VISA, QN_DOC_LANG_EN, url, code);
    unsigned char *pdf = NULL;
    size_t len = 0;
    qn_err err;
    qn_err_clear(&err);
    qn_doc_fonts fonts = {.regular = "/nonexistent/DejaVuSans.ttf"};
    ck_assert_int_eq(qn_doc_pdf_render(&doc, &fonts, &pdf, &len, &err), QN_E_UNAVAILABLE);
    ck_assert_ptr_null(pdf);
    ck_assert_msg(strstr(err.message, "/nonexistent/DejaVuSans.ttf") != NULL, "%s", err.message);
    ck_assert_msg(strstr(err.message, "fonts-dejavu-core") != NULL, "%s", err.message);

    char junk_path[512];
    snprintf(junk_path, sizeof junk_path, "%s/junk.ttf", qn_test_tmpdir());
    write_file(junk_path, (const unsigned char *)"this is not a font", 18);
    fonts = (qn_doc_fonts){.bold = junk_path};
    qn_err_clear(&err);
    ck_assert_int_eq(qn_doc_pdf_render(&doc, &fonts, &pdf, &len, &err), QN_E_UNAVAILABLE);
    ck_assert_ptr_null(pdf);
    ck_assert_msg(strstr(err.message, junk_path) != NULL, "%s", err.message);

    /* Explicit paths to the real fonts work like the defaults. */
    fonts = (qn_doc_fonts){QN_DOC_FONT_DEFAULT, QN_DOC_FONT_BOLD_DEFAULT};
    ck_assert_int_eq(qn_doc_pdf_render(&doc, &fonts, &pdf, &len, &err), QN_OK);
    qn_doc_pdf_free(pdf);
    qn_doc_pdf_free(NULL);
}
END_TEST

/* Output depends only on the input, so the same document renders to the
 * same bytes (cacheable, comparable). */
START_TEST(rendering_is_deterministic)
{
    char url[QN_DOC_URL_MAX + 1], code[QN_DOC_CODE_LEN + 1];
    qn_doc doc = make_doc(QN_DOC_REGISTRATION_NOTICE, QN_DOC_LANG_KK, url, code);
    unsigned char *a = NULL, *b = NULL;
    size_t la = 0, lb = 0;
    ck_assert_int_eq(qn_doc_pdf_render(&doc, NULL, &a, &la, NULL), QN_OK);
    ck_assert_int_eq(qn_doc_pdf_render(&doc, NULL, &b, &lb, NULL), QN_OK);
    ck_assert_uint_eq(la, lb);
    ck_assert(memcmp(a, b, la) == 0);
    /* Two embedded fonts (glyph subsets) keep the file well under 300 KB. */
    ck_assert_msg(la < 300000, "PDF is %zu bytes", la);
    qn_doc_pdf_free(a);
    qn_doc_pdf_free(b);
}
END_TEST

typedef struct {
    qn_doc doc;
    unsigned char *pdf;
    size_t len;
    qn_code rc;
} thread_job;

static void *render_job(void *arg)
{
    thread_job *job = arg;
    job->rc = qn_doc_pdf_render(&job->doc, NULL, &job->pdf, &job->len, NULL);
    return NULL;
}

START_TEST(concurrent_renders_are_independent)
{
    enum { N = 4 };
    char urls[N][QN_DOC_URL_MAX + 1], codes[N][QN_DOC_CODE_LEN + 1];
    thread_job jobs[N];
    pthread_t threads[N];
    for (int i = 0; i < N; i++) {
        jobs[i] = (thread_job){.doc = make_doc((qn_doc_kind)(i % QN_DOC_KIND_COUNT), (qn_doc_lang)(i % 3),
                                               urls[i], codes[i])};
        ck_assert_int_eq(pthread_create(&threads[i], NULL, render_job, &jobs[i]), 0);
    }
    for (int i = 0; i < N; i++)
        ck_assert_int_eq(pthread_join(threads[i], NULL), 0);
    for (int i = 0; i < N; i++) {
        ck_assert_int_eq(jobs[i].rc, QN_OK);
        unsigned char *alone = NULL;
        size_t len = 0;
        ck_assert_int_eq(qn_doc_pdf_render(&jobs[i].doc, NULL, &alone, &len, NULL), QN_OK);
        ck_assert_uint_eq(len, jobs[i].len);
        ck_assert(memcmp(alone, jobs[i].pdf, len) == 0);
        qn_doc_pdf_free(alone);
        qn_doc_pdf_free(jobs[i].pdf);
    }
}
END_TEST

START_TEST(translation_table_is_complete)
{
    for (int l = 0; l < QN_DOC_LANG_COUNT; l++) {
        for (int k = 0; k < QN_TXT_COUNT; k++)
            ck_assert_msg(*qn_doc_text((qn_doc_lang)l, (qn_doc_text_key)k) != '\0', "lang %d key %d", l, k);
        for (int kind = 0; kind < QN_DOC_KIND_COUNT; kind++)
            for (int k = 0; k < QN_KTXT_COUNT; k++)
                ck_assert_msg(*qn_doc_kind_text((qn_doc_kind)kind, (qn_doc_lang)l, (qn_doc_kind_text_key)k) != '\0',
                              "kind %d lang %d key %d", kind, l, k);
        qn_doc_lang back;
        ck_assert(qn_doc_lang_parse(qn_doc_lang_code((qn_doc_lang)l), &back));
        ck_assert_int_eq(back, l);
    }
    /* Kazakh is not Russian copied over: every sentence-length entry differs. */
    for (int k = QN_TXT_HEADER_STATE; k < QN_TXT_COUNT; k++)
        if (k != QN_TXT_NUMBER_SIGN)
            ck_assert_str_ne(qn_doc_text(QN_DOC_LANG_KK, (qn_doc_text_key)k),
                             qn_doc_text(QN_DOC_LANG_RU, (qn_doc_text_key)k));
    for (int kind = 0; kind < QN_DOC_KIND_COUNT; kind++) {
        qn_doc_kind back;
        ck_assert(qn_doc_kind_parse(qn_doc_kind_name((qn_doc_kind)kind), &back));
        ck_assert_int_eq(back, kind);
    }
    ck_assert(!qn_doc_lang_parse("KK", NULL));
    ck_assert(!qn_doc_lang_parse("de", NULL));
    ck_assert(!qn_doc_kind_parse("visa", NULL));
    ck_assert_str_eq(qn_doc_text(QN_DOC_LANG_COUNT, QN_TXT_SCAN), "");
    ck_assert_str_eq(qn_doc_kind_text(QN_DOC_KIND_COUNT, QN_DOC_LANG_EN, QN_KTXT_TITLE), "");
}
END_TEST

static Suite *pdf_suite(void)
{
    Suite *s = suite_create("doc_pdf");
    TCase *tc = tcase_create("pdf");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, every_kind_in_every_language, 0, QN_DOC_KIND_COUNT * QN_DOC_LANG_COUNT);
    tcase_add_test(tc, kazakh_letters_round_trip);
    tcase_add_test(tc, longest_fields_still_fit_and_scan);
    tcase_add_test(tc, widest_ascii_fields_shrink_to_fit);
    tcase_add_test(tc, invalid_input_names_the_field);
    tcase_add_test(tc, unprintable_characters_name_the_field);
    tcase_add_test(tc, missing_or_bad_font_is_a_clear_error);
    tcase_add_test(tc, rendering_is_deterministic);
    tcase_add_test(tc, concurrent_renders_are_independent);
    tcase_add_test(tc, translation_table_is_complete);
    suite_add_tcase(s, tc);
    return s;
}

QN_TEST_MAIN(pdf_suite)
