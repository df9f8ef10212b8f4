/* regions.c — the table of regions and cities (see regions.h for sources). */
#include "service/regions.h"

#include <string.h>

static const qn_region regions[] = {
    {"10", "Abai Region", false},
    {"11", "Akmola Region", false},
    {"15", "Aktobe Region", false},
    {"19", "Almaty Region", false},
    {"23", "Atyrau Region", false},
    {"27", "West Kazakhstan Region", false},
    {"31", "Zhambyl Region", false},
    {"33", "Zhetysu Region", false},
    {"35", "Karaganda Region", false},
    {"39", "Kostanay Region", false},
    {"43", "Kyzylorda Region", false},
    {"47", "Mangystau Region", false},
    {"55", "Pavlodar Region", false},
    {"59", "North Kazakhstan Region", false},
    {"61", "Turkistan Region", false},
    {"62", "Ulytau Region", false},
    {"63", "East Kazakhstan Region", false},
    {"71", "Astana", true},
    {"75", "Almaty", true},
    {"79", "Shymkent", true},
};

const qn_region *qn_regions(size_t *count)
{
    if (count)
        *count = sizeof regions / sizeof regions[0];
    return regions;
}

const qn_region *qn_region_find(const char *code)
{
    if (!code)
        return NULL;
    for (size_t i = 0; i < sizeof regions / sizeof regions[0]; i++)
        if (strcmp(regions[i].code, code) == 0)
            return &regions[i];
    return NULL;
}
