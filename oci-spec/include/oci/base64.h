/* Base64 (RFC 4648, standard alphabet with padding): Docker's config.json
 * "auth" values, HTTP Basic credentials, descriptor "data" fields. */
#ifndef OCI_BASE64_H
#define OCI_BASE64_H

#include <stddef.h>

#include "oci/error.h"

/* New NUL-terminated string holding the encoding of buf. */
int oci_base64_encode (const void *buf, size_t len, char **ret, struct oci_error *err);

/* Decodes s (padding required when the length is not a multiple of 4;
 * no whitespace).  *ret is NUL-terminated for convenience; ret_len may be
 * NULL.  -EINVAL when s is not base64. */
int oci_base64_decode (const char *s, char **ret, size_t *ret_len, struct oci_error *err);

#endif
