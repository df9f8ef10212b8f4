/* regions.h — the territorial subdivisions an officer can be bound to.
 *
 * Kazakhstan has 17 regions (oblys) and 3 cities of republican significance
 * (Astana, Almaty, Shymkent). Each is named here by its two-digit top-level
 * code of the Classifier of Administrative-Territorial Objects (KATO), which
 * is also the numeric ISO 3166-2:KZ code since the 2022 reform that created
 * the Abai, Zhetysu and Ulytau regions (Presidential Decree of 8 June 2022).
 * Pure table, thread-safe.
 */
#ifndef QN_SERVICE_REGIONS_H
#define QN_SERVICE_REGIONS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    const char *code; /* "75" */
    const char *name; /* "Almaty" */
    bool is_city;     /* city of republican significance */
} qn_region;

/* The table and its size (20). */
const qn_region *qn_regions(size_t *count);

/* The region with this code, or NULL. */
const qn_region *qn_region_find(const char *code);

#endif
