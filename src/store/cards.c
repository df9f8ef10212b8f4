/* cards.c — migration cards (migration 006_notif): the card a foreigner
 * filled in at the border, as a host reports it with a notification of
 * arrival (number, entry date and checkpoint, the border officer's mark).
 *
 * One row per notification that carried a card (notification_id is
 * unique), linked to the person; the same card reported by two hosts of
 * one entry is two rows, each tied to its notification, and the person's
 * list shows both. Audited like every record.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "store/store_internal.h"

#define CARD_COLS                                                                                            \
    "id, person_id, COALESCE(notification_id, 0), number, entry_date, checkpoint, border_mark, "             \
    "created_at"
static const char *const card_digest = "SELECT * FROM migration_cards WHERE id = $1";

static qn_code read_card(qs_q *q, void *item)
{
    qn_store_migration_card *m = item;
    m->id = qs_get_int(q, 0);
    m->person_id = qs_get_int(q, 1);
    m->notification_id = qs_get_int(q, 2);
    QS_STR(q, 3, m->number);
    m->entry_date = qs_get_date(q, 4);
    QS_STR(q, 5, m->checkpoint);
    QS_STR(q, 6, m->border_mark);
    m->created_at = qs_get_int(q, 7);
    return QN_OK;
}

qn_code qn_store_migration_card_add(qn_store_conn *c, qn_store_migration_card *m, qn_err *err)
{
    static const char *const sql =
        "INSERT INTO migration_cards (person_id, notification_id, number, entry_date, checkpoint, "
        "border_mark, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";
    QS_FIELD(err, m, number, "number");
    QS_FIELD(err, m, checkpoint, "checkpoint");
    QS_FIELD(err, m, border_mark, "border_mark");
    if (m->number[0] == '\0') {
        qn_err_set(err, QN_E_INVALID, "the card number is required");
        return qn_err_field(err, "number", "is required");
    }
    if (m->entry_date == QN_DATE_NONE) {
        qn_err_set(err, QN_E_INVALID, "the entry date is required");
        return qn_err_field(err, "entry_date", "is required");
    }
    if (m->created_at == 0)
        m->created_at = qs_now();
    bool own;
    qn_code rc = qs_wbegin(c, &own, err);
    if (rc != QN_OK)
        return rc;
    qs_q q;
    qs_init(&q, c, sql);
    qs_int(&q, 1, m->person_id);
    qs_int_opt(&q, 2, m->notification_id);
    qs_text(&q, 3, m->number);
    qs_date(&q, 4, m->entry_date);
    qs_text(&q, 5, m->checkpoint);
    qs_text(&q, 6, m->border_mark);
    qs_int(&q, 7, m->created_at);
    rc = qs_one(&q, "migration card", err);
    if (rc == QN_OK)
        m->id = qs_get_int(&q, 0);
    qs_done(&q);
    if (rc == QN_OK)
        rc = qs_audit_row(c, "create", "migration_card", card_digest, m->id, NULL, NULL, err);
    if (rc != QN_OK)
        m->id = 0;
    return qs_wend(c, own, rc, err);
}

qn_code qn_store_migration_card_of_notification(qn_store_conn *c, int64_t notification_id,
                                                qn_store_migration_card *out, qn_err *err)
{
    static const char *const sql = "SELECT " CARD_COLS " FROM migration_cards WHERE notification_id = $1";
    qs_q q;
    qs_init(&q, c, sql);
    qs_int(&q, 1, notification_id);
    qn_code rc = qs_one(&q, "migration card", err);
    if (rc == QN_OK) {
        memset(out, 0, sizeof *out);
        rc = read_card(&q, out);
    }
    qs_done(&q);
    return rc;
}

qn_code qn_store_migration_card_list_person(qn_store_conn *c, int64_t person_id,
                                            qn_store_migration_card_list *out, qn_err *err)
{
    static const char *const sql = "SELECT " CARD_COLS " FROM migration_cards WHERE person_id = $1 "
                                   "ORDER BY entry_date, id LIMIT 1000";
    memset(out, 0, sizeof *out);
    qs_q q;
    qs_init(&q, c, sql);
    qs_int(&q, 1, person_id);
    void *items;
    qn_code rc = qs_collect(&q, 1000, sizeof *out->items, read_card, &items, &out->count, err);
    out->items = items;
    qs_done(&q);
    if (rc != QN_OK)
        qn_store_migration_card_list_free(out);
    return rc;
}

void qn_store_migration_card_list_free(qn_store_migration_card_list *l)
{
    if (l == NULL)
        return;
    free(l->items);
    l->items = NULL;
    l->count = 0;
}
