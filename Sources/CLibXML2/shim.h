// SPDX-License-Identifier: GPL-2.0-or-later
#ifndef PACER_CLIBXML2_SHIM_H
#define PACER_CLIBXML2_SHIM_H
/* Debian's libxml2 is built with ICU, so encoding.h would pull in the system ICU headers,
   which clash with the ICU copy inside swift-foundation when both are imported. Pacer never
   touches xmlCharEncodingHandler (the only struct whose layout depends on this), so hide it. */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/relaxng.h>
#include <libxml/xmlsave.h>
#include <libxml/c14n.h>
#include <libxml/xmlreader.h>

/// libxml2 exposes xmlFree as a function pointer variable; Swift cannot call it directly.
static inline void pacer_xml_free(void *p) { xmlFree(p); }
#endif
