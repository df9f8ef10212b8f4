/* text.c — the translation table of printed documents (see text.h).
 *
 * Terms follow the usage of the Ministry of Internal Affairs and of the laws:
 * "принимающее лицо" / "қабылдаушы тұлға" for the host (Decree 148 para. 9,
 * reference/kz_rules.md §2), "иностранец" / "шетелдік" for a foreigner or a
 * stateless person, "паспорт или документ, его заменяющий" / "паспорт немесе
 * оны ауыстыратын құжат" (seed 001). The English is plain English, not a
 * word-for-word rendering of the Russian.
 */
#include "doc/text.h"

#include <string.h>

static const char *const common[QN_DOC_LANG_COUNT][QN_TXT_COUNT] = {
    [QN_DOC_LANG_KK] =
        {
            [QN_TXT_HEADER_STATE] = "Қазақстан Республикасы",
            [QN_TXT_HEADER_MINISTRY] = "Ішкі істер министрлігі",
            [QN_TXT_HEADER_SERVICE] = "Көші-қон қызметі",
            [QN_TXT_NUMBER_SIGN] = "№",
            [QN_TXT_FULL_NAME] = "Тегі, аты, әкесінің аты",
            [QN_TXT_BIRTH_DATE] = "Туған күні",
            [QN_TXT_CITIZENSHIP] = "Азаматтығы",
            [QN_TXT_ADDRESS] = "Уақытша болатын мекенжайы",
            [QN_TXT_HOST] = "Қабылдаушы тұлға",
            [QN_TXT_ISSUED] = "Берілген күні",
            [QN_TXT_OFFICE] = "Берген орган",
            [QN_TXT_DOC_NUMBER] = "Құжат нөмірі",
            [QN_TXT_VERIFY_CODE] = "Тексеру коды",
            [QN_TXT_SCAN] = "Тексеру үшін сканерлеңіз",
            [QN_TXT_VERIFY_AT] = "Құжаттың түпнұсқалығын мына мекенжай бойынша тексеруге болады:",
        },
    [QN_DOC_LANG_RU] =
        {
            [QN_TXT_HEADER_STATE] = "Республика Казахстан",
            [QN_TXT_HEADER_MINISTRY] = "Министерство внутренних дел",
            [QN_TXT_HEADER_SERVICE] = "Миграционная служба",
            [QN_TXT_NUMBER_SIGN] = "№",
            [QN_TXT_FULL_NAME] = "Фамилия, имя, отчество",
            [QN_TXT_BIRTH_DATE] = "Дата рождения",
            [QN_TXT_CITIZENSHIP] = "Гражданство",
            [QN_TXT_ADDRESS] = "Адрес временного пребывания",
            [QN_TXT_HOST] = "Принимающее лицо",
            [QN_TXT_ISSUED] = "Дата выдачи",
            [QN_TXT_OFFICE] = "Выдавший орган",
            [QN_TXT_DOC_NUMBER] = "Номер документа",
            [QN_TXT_VERIFY_CODE] = "Код проверки",
            [QN_TXT_SCAN] = "Отсканируйте для проверки",
            [QN_TXT_VERIFY_AT] = "Подлинность документа можно проверить по адресу:",
        },
    [QN_DOC_LANG_EN] =
        {
            [QN_TXT_HEADER_STATE] = "Republic of Kazakhstan",
            [QN_TXT_HEADER_MINISTRY] = "Ministry of Internal Affairs",
            [QN_TXT_HEADER_SERVICE] = "Migration Service",
            [QN_TXT_NUMBER_SIGN] = "No.",
            [QN_TXT_FULL_NAME] = "Full name",
            [QN_TXT_BIRTH_DATE] = "Date of birth",
            [QN_TXT_CITIZENSHIP] = "Citizenship",
            [QN_TXT_ADDRESS] = "Address of temporary stay",
            [QN_TXT_HOST] = "Host (receiving party)",
            [QN_TXT_ISSUED] = "Date of issue",
            [QN_TXT_OFFICE] = "Issuing office",
            [QN_TXT_DOC_NUMBER] = "Document number",
            [QN_TXT_VERIFY_CODE] = "Verification code",
            [QN_TXT_SCAN] = "Scan to verify",
            [QN_TXT_VERIFY_AT] = "The authenticity of this document can be checked at:",
        },
};

static const char *const by_kind[QN_DOC_KIND_COUNT][QN_DOC_LANG_COUNT][QN_KTXT_COUNT] = {
    [QN_DOC_REGISTRATION_NOTICE] =
        {
            [QN_DOC_LANG_KK] =
                {
                    [QN_KTXT_TITLE] = "Тіркеу туралы хабарлама",
                    [QN_KTXT_STATEMENT] = "Төменде көрсетілген шетелдік уақытша болатын мекенжайы "
                                          "бойынша көрсетілген мерзімге тіркелді.",
                    [QN_KTXT_ID_DOCUMENT] = "Жеке басын куәландыратын құжат",
                    [QN_KTXT_PERIOD] = "Тіркеу мерзімі",
                },
            [QN_DOC_LANG_RU] =
                {
                    [QN_KTXT_TITLE] = "Уведомление о регистрации",
                    [QN_KTXT_STATEMENT] = "Указанный ниже иностранец зарегистрирован по адресу "
                                          "временного пребывания на указанный срок.",
                    [QN_KTXT_ID_DOCUMENT] = "Документ, удостоверяющий личность",
                    [QN_KTXT_PERIOD] = "Срок регистрации",
                },
            [QN_DOC_LANG_EN] =
                {
                    [QN_KTXT_TITLE] = "Registration notice",
                    [QN_KTXT_STATEMENT] = "The foreign national named below is registered at the "
                                          "address of temporary stay for the period shown.",
                    [QN_KTXT_ID_DOCUMENT] = "Identity document",
                    [QN_KTXT_PERIOD] = "Registration period",
                },
        },
    [QN_DOC_ARRIVAL_NOTIFICATION] =
        {
            [QN_DOC_LANG_KK] =
                {
                    [QN_KTXT_TITLE] = "Келу туралы хабарлама",
                    [QN_KTXT_STATEMENT] = "Қабылдаушы тұлға төменде көрсетілген шетелдіктің келгені "
                                          "туралы ішкі істер органдарын хабардар етті. Хабарлама "
                                          "қабылданды.",
                    [QN_KTXT_ID_DOCUMENT] = "Жеке басын куәландыратын құжат",
                    [QN_KTXT_PERIOD] = "Болу мерзімі",
                },
            [QN_DOC_LANG_RU] =
                {
                    [QN_KTXT_TITLE] = "Уведомление о прибытии",
                    [QN_KTXT_STATEMENT] = "Принимающее лицо уведомило органы внутренних дел о "
                                          "прибытии указанного ниже иностранца. Уведомление принято.",
                    [QN_KTXT_ID_DOCUMENT] = "Документ, удостоверяющий личность",
                    [QN_KTXT_PERIOD] = "Срок пребывания",
                },
            [QN_DOC_LANG_EN] =
                {
                    [QN_KTXT_TITLE] = "Notification of arrival",
                    [QN_KTXT_STATEMENT] = "The host has notified the internal affairs bodies of the "
                                          "arrival of the foreign national named below. The "
                                          "notification has been accepted.",
                    [QN_KTXT_ID_DOCUMENT] = "Identity document",
                    [QN_KTXT_PERIOD] = "Period of stay",
                },
        },
    [QN_DOC_LOST_PASSPORT] =
        {
            [QN_DOC_LANG_KK] =
                {
                    [QN_KTXT_TITLE] = "Паспорттың жоғалғаны туралы анықтама",
                    [QN_KTXT_STATEMENT] = "Анықтама паспортының жоғалғаны туралы өтініш берген, "
                                          "төменде көрсетілген шетелдікке берілді. Анықтама жаңа "
                                          "паспортты немесе оны ауыстыратын құжатты алу үшін жарамды.",
                    [QN_KTXT_ID_DOCUMENT] = "Жоғалған паспорт",
                    [QN_KTXT_PERIOD] = "Анықтаманың қолданылу мерзімі",
                },
            [QN_DOC_LANG_RU] =
                {
                    [QN_KTXT_TITLE] = "Справка об утрате паспорта",
                    [QN_KTXT_STATEMENT] = "Справка выдана указанному ниже иностранцу, заявившему об "
                                          "утрате паспорта. Справка действительна для получения "
                                          "нового паспорта или документа, его заменяющего.",
                    [QN_KTXT_ID_DOCUMENT] = "Утраченный паспорт",
                    [QN_KTXT_PERIOD] = "Срок действия справки",
                },
            [QN_DOC_LANG_EN] =
                {
                    [QN_KTXT_TITLE] = "Certificate of loss of passport",
                    [QN_KTXT_STATEMENT] = "This certificate is issued to the foreign national named "
                                          "below, who has reported the loss of the passport. It is "
                                          "valid for obtaining a new passport or a document "
                                          "replacing it.",
                    [QN_KTXT_ID_DOCUMENT] = "Lost passport",
                    [QN_KTXT_PERIOD] = "Period of validity",
                },
        },
    [QN_DOC_EXIT_VISA] =
        {
            [QN_DOC_LANG_KK] =
                {
                    [QN_KTXT_TITLE] = "Шығу визасы",
                    [QN_KTXT_STATEMENT] = "Төменде көрсетілген шетелдікке визаның қолданылу мерзімі "
                                          "ішінде Қазақстан Республикасынан шығуға рұқсат етілді.",
                    [QN_KTXT_ID_DOCUMENT] = "Паспорт немесе оны ауыстыратын құжат",
                    [QN_KTXT_PERIOD] = "Визаның қолданылу мерзімі",
                },
            [QN_DOC_LANG_RU] =
                {
                    [QN_KTXT_TITLE] = "Выездная виза",
                    [QN_KTXT_STATEMENT] = "Указанному ниже иностранцу разрешён выезд из Республики "
                                          "Казахстан в течение срока действия визы.",
                    [QN_KTXT_ID_DOCUMENT] = "Паспорт или документ, его заменяющий",
                    [QN_KTXT_PERIOD] = "Срок действия визы",
                },
            [QN_DOC_LANG_EN] =
                {
                    [QN_KTXT_TITLE] = "Exit visa",
                    [QN_KTXT_STATEMENT] = "The foreign national named below is permitted to leave "
                                          "the Republic of Kazakhstan within the period of validity "
                                          "of the visa.",
                    [QN_KTXT_ID_DOCUMENT] = "Passport or substitute document",
                    [QN_KTXT_PERIOD] = "Visa validity",
                },
        },
};

static const char *const lang_codes[QN_DOC_LANG_COUNT] = {"kk", "ru", "en"};
static const char *const kind_names[QN_DOC_KIND_COUNT] = {
    "registration_notice", "arrival_notification", "lost_passport", "exit_visa"};

const char *qn_doc_text(qn_doc_lang lang, qn_doc_text_key key)
{
    if ((unsigned)lang >= QN_DOC_LANG_COUNT || (unsigned)key >= QN_TXT_COUNT)
        return "";
    const char *s = common[lang][key];
    return s ? s : "";
}

const char *qn_doc_kind_text(qn_doc_kind kind, qn_doc_lang lang, qn_doc_kind_text_key key)
{
    if ((unsigned)kind >= QN_DOC_KIND_COUNT || (unsigned)lang >= QN_DOC_LANG_COUNT ||
        (unsigned)key >= QN_KTXT_COUNT)
        return "";
    const char *s = by_kind[kind][lang][key];
    return s ? s : "";
}

const char *qn_doc_lang_code(qn_doc_lang lang)
{
    return (unsigned)lang < QN_DOC_LANG_COUNT ? lang_codes[lang] : "";
}

bool qn_doc_lang_parse(const char *code, qn_doc_lang *out)
{
    for (int i = 0; code && i < QN_DOC_LANG_COUNT; i++) {
        if (strcmp(code, lang_codes[i]) == 0) {
            if (out)
                *out = (qn_doc_lang)i;
            return true;
        }
    }
    return false;
}

const char *qn_doc_kind_name(qn_doc_kind kind)
{
    return (unsigned)kind < QN_DOC_KIND_COUNT ? kind_names[kind] : "";
}

bool qn_doc_kind_parse(const char *name, qn_doc_kind *out)
{
    for (int i = 0; name && i < QN_DOC_KIND_COUNT; i++) {
        if (strcmp(name, kind_names[i]) == 0) {
            if (out)
                *out = (qn_doc_kind)i;
            return true;
        }
    }
    return false;
}
