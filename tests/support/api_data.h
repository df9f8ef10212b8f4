/* api_data.h — request bodies for the API tests and benchmarks, with dates
 * relative to today in Kazakhstan so the tests do not age. */
#ifndef QN_TEST_API_DATA_H
#define QN_TEST_API_DATA_H

#include <stddef.h>

/* A notification JSON object (malloc'd) for a foreigner of citizenship cit
 * with document number doc (issued by cit): entered entry_ago days ago,
 * arrived arrival_ago days ago, staying stay_days from arrival, document
 * expiring expires_in days from today. Surname "TESTER", region 75. */
char *qn_api_notification_json(const char *doc, const char *cit, int arrival_ago, int entry_ago,
                               int stay_days, int expires_in);

/* A copy of s with the first occurrence of from replaced by to (malloc'd). */
char *qn_api_replace(const char *s, const char *from, const char *to);

/* A CSV batch (malloc'd) of n rows with documents PREFIX0001.., where data
 * row bad_row (1-based; 0 for none) has an invalid arrival_date. */
char *qn_api_batch_csv(int n, const char *prefix, int bad_row);

#endif
