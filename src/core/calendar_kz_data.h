/* calendar_kz_data.h — the table types of the Kazakh calendar data
 * (calendar_kz.c), shared with calendar.c only. Not a public header. */
#ifndef QN_CALENDAR_KZ_DATA_H
#define QN_CALENDAR_KZ_DATA_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    int month, day;
    int from_year, to_year; /* inclusive validity in years */
    bool religious;         /* religious day off: not moved when on a weekend */
    const char *name;
} qn_kz_fixed_day;

typedef struct {
    int year, month, day;
    bool confirmed; /* false: projected from the Umm al-Qura calendar */
} qn_kz_kurban;

typedef struct {
    int year, month, day;
    bool working; /* true: a weekend day made working; false: a weekday made a day off */
    const char *source;
} qn_kz_transfer;

extern const qn_kz_fixed_day qn_kz_fixed_days[];
extern const size_t qn_kz_fixed_days_count;
extern const qn_kz_kurban qn_kz_kurban_days[];
extern const size_t qn_kz_kurban_days_count;
extern const qn_kz_transfer qn_kz_transfers[];
extern const size_t qn_kz_transfers_count;
/* Years whose transfer orders are known (a year with no row here has
 * unknown transfers); the years form one inclusive range. */
extern const int qn_kz_transfers_known_from, qn_kz_transfers_known_to;

#endif
