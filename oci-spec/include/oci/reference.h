/* Image references ("busybox", "localhost:5000/a/b:t@sha256:…"), parsed
 * and normalised the way Docker does (github.com/distribution/reference),
 * so that a name typed for docker means the same image here:
 *
 *   reference := name [":" tag] ["@" digest]
 *   name      := [domain "/"] path
 *   domain    := host [":" port]       host: DNS-like name or [IPv6]
 *   path      := component ("/" component)*, lowercase, at most 255 chars
 *   tag       := [\w][\w.-]{0,127}
 *
 * Normalisation (Docker's familiar names): a first component is a domain
 * only if it is "localhost" or contains '.', ':' or an upper-case letter;
 * otherwise the domain is docker.io.  "index.docker.io" becomes docker.io,
 * a single-component path on docker.io gains "library/", and a reference
 * with neither tag nor digest gets the tag "latest". */
#ifndef OCI_REFERENCE_H
#define OCI_REFERENCE_H

#include "oci/error.h"

#define OCI_REFERENCE_DEFAULT_DOMAIN "docker.io"
#define OCI_REFERENCE_DEFAULT_TAG "latest"
#define OCI_REFERENCE_PATH_MAX 255

struct oci_reference {
  /* NULL when the name has none.  After normalisation that happens only
   * when Docker's splitter takes the first component for a domain that the
   * grammar does not accept as one ("foo_bar.com/x"): Docker then keeps
   * the whole name as path, and so do we. */
  char *domain;
  char *path;       /* "library/busybox" */
  char *tag;        /* NULL when absent */
  char *digest;     /* "sha256:…", NULL when absent */
};

/* Docker's normalised parse (ParseNormalizedNamed, then the default tag
 * when there is neither tag nor digest).  A tag given together with a
 * digest is kept.  Errors read `invalid reference "S": problem`.  On
 * success *ret is a new reference to free with oci_reference_free. */
int oci_reference_parse_normalized (const char *s, struct oci_reference **ret,
                                    struct oci_error *err);

/* The grammar alone (distribution's Parse): no default domain, no
 * "library/", no default tag; a first component followed by '/' is the
 * domain whenever it is a valid host. */
int oci_reference_parse (const char *s, struct oci_reference **ret,
                         struct oci_error *err);

/* "docker.io/library/busybox:latest", with "@digest" when present.
 * Returns a new string, NULL on allocation failure. */
char *oci_reference_string (const struct oci_reference *ref);

/* Docker's familiar form: docker.io and a lone "library/" dropped,
 * "busybox:latest".  New string, NULL on allocation failure. */
char *oci_reference_familiar (const struct oci_reference *ref);

/* The name without tag or digest, "docker.io/library/busybox".  New
 * string, NULL on allocation failure. */
char *oci_reference_repository (const struct oci_reference *ref);

void oci_reference_free (struct oci_reference *ref);

static inline void
oci_reference_freep (struct oci_reference **ref)
{
  oci_reference_free (*ref);
}
#define cleanup_reference __attribute__ ((cleanup (oci_reference_freep)))

#endif
