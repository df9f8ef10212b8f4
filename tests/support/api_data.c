/* api_data.c — request bodies of api_data.h. */
#include "api_data.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/date.h"

static void day(int offset, char out[QN_DATE_STRLEN])
{
    qn_date_format(qn_date_from_epoch_kz((int64_t)time(NULL)) + offset, out);
}

char *qn_api_notification_json(const char *doc, const char *cit, int arrival_ago, int entry_ago,
                               int stay_days, int expires_in)
{
    char entry[QN_DATE_STRLEN], arrival[QN_DATE_STRLEN], to[QN_DATE_STRLEN], exp[QN_DATE_STRLEN];
    day(-entry_ago, entry);
    day(-arrival_ago, arrival);
    day(-arrival_ago + stay_days, to);
    day(expires_in, exp);
    char *s = malloc(1024);
    if (!s)
        abort();
    snprintf(
        s, 1024,
        "{\"foreigner\":{\"surname\":\"TESTER\",\"given_names\":\"ALEX\",\"citizenship\":\"%s\","
        "\"birth_date\":\"1980-05-01\",\"sex\":\"M\",\"document\":{\"number\":\"%s\",\"country\":\"%s\","
        "\"expires\":\"%s\"}},\"entry\":{\"date\":\"%s\",\"checkpoint\":\"ALA\"},\"arrival_date\":\"%s\","
        "\"address\":{\"region\":\"75\",\"text\":\"Almaty, Abai Avenue 10\"},"
        "\"stay\":{\"from\":\"%s\",\"to\":\"%s\"},\"purpose\":\"tourism\"}",
        cit, doc, cit, exp, entry, arrival, arrival, to);
    return s;
}

char *qn_api_replace(const char *s, const char *from, const char *to)
{
    const char *at = strstr(s, from);
    size_t n = strlen(s) + strlen(to) + 1;
    char *out = malloc(n);
    if (!out)
        abort();
    if (!at) {
        memcpy(out, s, strlen(s) + 1);
        return out;
    }
    size_t head = (size_t)(at - s);
    memcpy(out, s, head);
    strcpy(out + head, to);
    strcat(out, at + strlen(from));
    return out;
}

char *qn_api_batch_csv(int n, const char *prefix, int bad_row)
{
    char entry[QN_DATE_STRLEN], to[QN_DATE_STRLEN], exp[QN_DATE_STRLEN];
    day(-1, entry);
    day(9, to);
    day(3000, exp);
    size_t cap = 512 + (size_t)n * 256;
    char *s = malloc(cap);
    if (!s)
        abort();
    size_t len = (size_t)snprintf(
        s, cap,
        "foreigner.surname,foreigner.given_names,foreigner.citizenship,foreigner.birth_date,"
        "foreigner.sex,foreigner.document.number,foreigner.document.country,foreigner.document.expires,"
        "entry.date,arrival_date,address.region,address.text,stay.from,stay.to,purpose\n");
    for (int i = 1; i <= n; i++)
        len += (size_t)snprintf(s + len, cap - len,
                                "GUEST,\"ANNA, MARIA\",ITA,1990-01-02,F,%s%04d,ITA,%s,%s,%s,71,\"Astana, "
                                "Hotel Demo\",%s,%s,tourism\n",
                                prefix, i, exp, entry, i == bad_row ? "not-a-date" : entry, entry, to);
    return s;
}
