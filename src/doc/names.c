/* names.c — countries, regions, offices and ID labels in kk/ru/en (see names.h).
 *
 * The gettext catalogue format (GNU .mo, "The Format of GNU MO Files" in the
 * gettext manual): a 28-byte header — magic 0x950412de in the file's byte
 * order, revision, N strings, offset of the table of originals, offset of
 * the table of translations — then two tables of N (length, offset) pairs.
 * Every offset and length is checked against the file size before use, so
 * a damaged catalogue gives "not found", never a read out of bounds.
 */
#include "doc/names.h"

#include <jansson.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc/text.h"

#define MO_MAX_SIZE (4u * 1024u * 1024u)

/* Reads a whole file (at most max bytes) into a NUL-terminated buffer. */
static char *read_file(const char *path, size_t max, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(max + 1);
    size_t n = buf ? fread(buf, 1, max + 1, f) : 0;
    fclose(f);
    if (!buf || n == 0 || n > max) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

static uint32_t word(const unsigned char *p, bool swap)
{
    uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    if (swap)
        v = (v >> 24) | ((v >> 8) & 0xff00u) | ((v << 8) & 0xff0000u) | (v << 24);
    return v;
}

/* Looks msgid up in the .mo image (len bytes); copies the translation into
 * out and returns true when found and not empty. */
static bool mo_lookup(const unsigned char *mo, size_t len, const char *msgid, char *out, size_t cap)
{
    if (len < 28)
        return false;
    bool swap;
    if (word(mo, false) == 0x950412deu)
        swap = false;
    else if (word(mo, true) == 0x950412deu)
        swap = true;
    else
        return false;
    uint32_t n = word(mo + 8, swap), orig = word(mo + 12, swap), trans = word(mo + 16, swap);
    if (n > len / 16 || orig > len || trans > len || (size_t)n * 8 > len - orig ||
        (size_t)n * 8 > len - trans)
        return false;
    size_t want = strlen(msgid);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t olen = word(mo + orig + 8 * i, swap), ooff = word(mo + orig + 8 * i + 4, swap);
        if (ooff > len || olen > len - ooff || olen != want || memcmp(mo + ooff, msgid, want) != 0)
            continue;
        uint32_t tlen = word(mo + trans + 8 * i, swap), toff = word(mo + trans + 8 * i + 4, swap);
        if (toff > len || tlen > len - toff || tlen == 0 || tlen >= cap)
            return false;
        memcpy(out, mo + toff, tlen);
        out[tlen] = '\0';
        return true;
    }
    return false;
}

/* The system's iso-codes files (the default paths) are read once per
 * process and kept: a document names up to three countries and a batch of
 * documents many more, and parsing the 1 MB JSON list and the catalogues
 * for each name cost ~2 ms apiece (doc/test_names timed out under ASan on a
 * loaded machine). Files at other paths (tests) are read on each call. */
static struct {
    json_t *root;
    unsigned char *mo[QN_DOC_LANG_COUNT];
    size_t mo_len[QN_DOC_LANG_COUNT];
} sys_files;
static pthread_once_t sys_files_once = PTHREAD_ONCE_INIT;

static void mo_path_of(const char *dir, qn_doc_lang lang, char *out, size_t cap)
{
    snprintf(out, cap, "%s/%s/LC_MESSAGES/iso_3166-1.mo", dir, qn_doc_lang_code(lang));
}

static void load_sys_files(void)
{
    sys_files.root = json_load_file(QN_DOC_ISO_JSON_DEFAULT, 0, NULL);
    for (int l = 0; l < QN_DOC_LANG_COUNT; l++) {
        char path[512];
        mo_path_of(QN_DOC_LOCALE_DIR_DEFAULT, (qn_doc_lang)l, path, sizeof path);
        sys_files.mo[l] = (unsigned char *)read_file(path, MO_MAX_SIZE, &sys_files.mo_len[l]);
    }
}

/* ICAO Doc 9303 codes that ISO 3166-1 does not list, and the gaps of the
 * Russian catalogue of iso-codes 4.15. */
static const struct {
    const char *code;
    const char *name[QN_DOC_LANG_COUNT];
} extra_names[] = {
    {"XXA", {"азаматтығы жоқ адам", "лицо без гражданства", "stateless person"}},
    {"XXB", {"босқын", "беженец", "refugee"}},
    {"XXC", {"босқын", "беженец", "refugee"}},
    {"XXX", {"азаматтығы көрсетілмеген", "гражданство не указано", "nationality unspecified"}},
};
static const struct {
    const char *code;
    qn_doc_lang lang;
    const char *name;
} overrides[] = {
    {"TUR", QN_DOC_LANG_RU, "Турция"}, /* iso-codes 4.15 renamed it "Türkiye" without a Russian entry */
};

bool qn_doc_country_name(const char *alpha3, qn_doc_lang lang, const qn_doc_names_paths *paths, char *out,
                         size_t cap)
{
    if (!out || cap == 0)
        return false;
    out[0] = '\0';
    if (!alpha3 || strlen(alpha3) != 3 || (unsigned)lang >= QN_DOC_LANG_COUNT)
        return false;
    char code[4];
    for (int i = 0; i < 3; i++) {
        char c = alpha3[i];
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (c < 'A' || c > 'Z')
            return false;
        code[i] = c;
    }
    code[3] = '\0';
    snprintf(out, cap, "%s", code); /* what is printed when nothing better is found */
    for (size_t i = 0; i < sizeof overrides / sizeof overrides[0]; i++)
        if (overrides[i].lang == lang && strcmp(overrides[i].code, code) == 0) {
            snprintf(out, cap, "%s", overrides[i].name);
            return true;
        }
    for (size_t i = 0; i < sizeof extra_names / sizeof extra_names[0]; i++)
        if (strcmp(extra_names[i].code, code) == 0) {
            snprintf(out, cap, "%s", extra_names[i].name[lang]);
            return true;
        }
    bool sys_json = !paths || !paths->iso_json, sys_mo = !paths || !paths->locale_dir;
    if (sys_json || sys_mo)
        pthread_once(&sys_files_once, load_sys_files);
    json_t *root = sys_json ? sys_files.root : json_load_file(paths->iso_json, 0, NULL);
    const json_t *list = json_object_get(root, "3166-1");
    const char *name = NULL, *common = NULL;
    for (size_t i = 0; i < json_array_size(list); i++) {
        const json_t *c = json_array_get(list, i);
        const char *a3 = json_string_value(json_object_get(c, "alpha_3"));
        if (a3 && strcmp(a3, code) == 0) {
            name = json_string_value(json_object_get(c, "name"));
            common = json_string_value(json_object_get(c, "common_name"));
            break;
        }
    }
    bool found = false;
    if (name && lang == QN_DOC_LANG_EN) {
        snprintf(out, cap, "%s", common ? common : name);
        found = true;
    } else if (name) {
        size_t len = 0;
        unsigned char *mo = NULL;
        if (sys_mo) {
            mo = sys_files.mo[lang];
            len = sys_files.mo_len[lang];
        } else {
            char mo_path[512];
            mo_path_of(paths->locale_dir, lang, mo_path, sizeof mo_path);
            mo = (unsigned char *)read_file(mo_path, MO_MAX_SIZE, &len);
        }
        char tr[256];
        if (mo && ((common && mo_lookup(mo, len, common, tr, sizeof tr)) ||
                   mo_lookup(mo, len, name, tr, sizeof tr))) {
            snprintf(out, cap, "%s", tr);
            found = true;
        }
        if (!sys_mo)
            free(mo);
    }
    if (!sys_json)
        json_decref(root);
    return found;
}

/* The 20 KATO top-level units (service/regions.h), as an office's
 * territory is named: cities with "қаласы" / "город" / "city". */
static const struct {
    const char *code;
    const char *name[QN_DOC_LANG_COUNT];
} regions[] = {
    {"10", {"Абай облысы", "область Абай", "Abai Region"}},
    {"11", {"Ақмола облысы", "Акмолинская область", "Akmola Region"}},
    {"15", {"Ақтөбе облысы", "Актюбинская область", "Aktobe Region"}},
    {"19", {"Алматы облысы", "Алматинская область", "Almaty Region"}},
    {"23", {"Атырау облысы", "Атырауская область", "Atyrau Region"}},
    {"27", {"Батыс Қазақстан облысы", "Западно-Казахстанская область", "West Kazakhstan Region"}},
    {"31", {"Жамбыл облысы", "Жамбылская область", "Zhambyl Region"}},
    {"33", {"Жетісу облысы", "область Жетісу", "Zhetysu Region"}},
    {"35", {"Қарағанды облысы", "Карагандинская область", "Karaganda Region"}},
    {"39", {"Қостанай облысы", "Костанайская область", "Kostanay Region"}},
    {"43", {"Қызылорда облысы", "Кызылординская область", "Kyzylorda Region"}},
    {"47", {"Маңғыстау облысы", "Мангистауская область", "Mangystau Region"}},
    {"55", {"Павлодар облысы", "Павлодарская область", "Pavlodar Region"}},
    {"59", {"Солтүстік Қазақстан облысы", "Северо-Казахстанская область", "North Kazakhstan Region"}},
    {"61", {"Түркістан облысы", "Туркестанская область", "Turkistan Region"}},
    {"62", {"Ұлытау облысы", "область Ұлытау", "Ulytau Region"}},
    {"63", {"Шығыс Қазақстан облысы", "Восточно-Казахстанская область", "East Kazakhstan Region"}},
    {"71", {"Астана қаласы", "город Астана", "Astana city"}},
    {"75", {"Алматы қаласы", "город Алматы", "Almaty city"}},
    {"79", {"Шымкент қаласы", "город Шымкент", "Shymkent city"}},
};

const char *qn_doc_region_name(const char *code, qn_doc_lang lang)
{
    if (!code || (unsigned)lang >= QN_DOC_LANG_COUNT)
        return NULL;
    for (size_t i = 0; i < sizeof regions / sizeof regions[0]; i++)
        if (strcmp(regions[i].code, code) == 0)
            return regions[i].name[lang];
    return NULL;
}

const char *qn_doc_office_name(const char *region, qn_doc_lang lang, char *out, size_t cap)
{
    if (!out || cap == 0)
        return out;
    const char *service = qn_doc_text(lang, QN_TXT_HEADER_SERVICE);
    const char *where = qn_doc_region_name(region, lang);
    if (where)
        snprintf(out, cap, "%s — %s", service, where);
    else
        snprintf(out, cap, "%s", service);
    return out;
}

const char *qn_doc_id_label(qn_doc_lang lang, bool is_bin)
{
    static const char *const labels[QN_DOC_LANG_COUNT][2] = {
        [QN_DOC_LANG_KK] = {"ЖСН", "БСН"}, /* жеке сәйкестендіру нөмірі / бизнес-сәйкестендіру нөмірі */
        [QN_DOC_LANG_RU] = {"ИИН", "БИН"},
        [QN_DOC_LANG_EN] = {"IIN", "BIN"},
    };
    if ((unsigned)lang >= QN_DOC_LANG_COUNT)
        return "";
    return labels[lang][is_bin ? 1 : 0];
}
