#ifndef CLIBXML2_SHIM_H
#define CLIBXML2_SHIM_H

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlsave.h>
#include <libxml/xmlschemas.h>
#include <libxml/valid.h>
#include <libxml/xmlerror.h>
#include <libxml/globals.h>
#include <libxml/entities.h>
#include <libxml/xmlIO.h>

/* `xmlFree` is a C global variable (a function pointer); Swift 6 rejects reads of
   mutable globals as not concurrency-safe, so call it through an inline function. */
static inline void clibxml2_free(void *p) { xmlFree(p); }

/* A generic (printf-style) error handler that prints nothing. Swift cannot define C
   variadic functions, so it lives here. */
static inline void clibxml2_silent_generic_error(void *ctx, const char *msg, ...) {
    (void)ctx; (void)msg;
}

/* Installs the silent generic handler for the calling thread: whatever libxml2 would
   print through its generic channel is dropped (errors reach us as structured values). */
static inline void clibxml2_silence_generic_errors(void) {
    xmlSetGenericErrorFunc(NULL, clibxml2_silent_generic_error);
}

/* Refuses every network URL (http, ftp) for any external resource libxml2 might load;
   local files (the JATS DTD modules in tests) are still allowed. Process-wide. */
static inline void clibxml2_forbid_network(void) {
    xmlSetExternalEntityLoader(xmlNoNetExternalEntityLoader);
}

#endif
