/* An ordered string → string map (annotations, sysctl, labels…). Order is
 * kept so that documents round-trip as written. */
#ifndef OCI_STRMAP_H
#define OCI_STRMAP_H

#include <stddef.h>

struct oci_strmap {
  char **keys;
  char **values;
  size_t len;
};

struct oci_strmap *oci_strmap_new (void);
void oci_strmap_free (struct oci_strmap *m);
const char *oci_strmap_get (const struct oci_strmap *m, const char *key);
/* Copies key and value; replaces an existing key.  -ENOMEM on failure. */
int oci_strmap_set (struct oci_strmap *m, const char *key, const char *value);
int oci_strmap_remove (struct oci_strmap *m, const char *key);

#endif
