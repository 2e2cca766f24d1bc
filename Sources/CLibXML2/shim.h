#ifndef PACER_CLIBXML2_SHIM_H
#define PACER_CLIBXML2_SHIM_H
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/relaxng.h>
#include <libxml/xmlsave.h>
#include <libxml/c14n.h>

/// libxml2 exposes xmlFree as a function pointer variable; Swift cannot call it directly.
static inline void pacer_xml_free(void *p) { xmlFree(p); }
#endif
