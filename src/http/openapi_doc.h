/* openapi_doc.h — the OpenAPI 3.1 document, embedded in the binary from
 * docs/openapi.json (see openapi_doc.c); tests/api/test_openapi.c checks
 * that the embedded bytes are the file's and that routes and document agree. */
#ifndef QN_HTTP_OPENAPI_DOC_H
#define QN_HTTP_OPENAPI_DOC_H

extern const char qn_openapi_json[];

#endif
