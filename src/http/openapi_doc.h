/* openapi_doc.h — the OpenAPI 3.1 document, embedded in the binary.
 * openapi_doc.c is generated from docs/openapi.json by
 * src/http/openapi_gen.sh; tests/api/test_openapi.c fails when they differ. */
#ifndef QN_HTTP_OPENAPI_DOC_H
#define QN_HTTP_OPENAPI_DOC_H

extern const char qn_openapi_json[];

#endif
