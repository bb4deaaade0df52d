#ifndef CLIBXML2_SHIM_H
#define CLIBXML2_SHIM_H

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlsave.h>
#include <libxml/xmlschemas.h>
#include <libxml/valid.h>
#include <libxml/xmlerror.h>
#include <libxml/globals.h>

/* `xmlFree` is a C global variable (a function pointer); Swift 6 rejects reads of
   mutable globals as not concurrency-safe, so call it through an inline function. */
static inline void clibxml2_free(void *p) { xmlFree(p); }

#endif
