/* openapi_doc.c — the OpenAPI 3.1 document, embedded in the binary.
 *
 * docs/openapi.json is the one source: the assembler's .incbin copies its
 * bytes into read-only data at build time, followed by a NUL, so there is no
 * generated copy to keep in step. The Makefile rebuilds this object when the
 * document changes; make runs the compiler from the top of the tree, which is
 * what the relative path assumes.
 */
#include "http/openapi_doc.h"

__asm__(".section .rodata\n"
        ".global qn_openapi_json\n"
        ".type qn_openapi_json, @object\n"
        ".balign 16\n"
        "qn_openapi_json:\n"
        ".incbin \"docs/openapi.json\"\n"
        ".byte 0\n"
        ".size qn_openapi_json, . - qn_openapi_json\n"
        ".previous\n");
