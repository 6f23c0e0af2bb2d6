/* Platforms ("linux/arm64/v8") as image indexes describe them
 * (image-index.md, `platform`), with Go's GOOS/GOARCH names: parsing what a
 * user types, the host's own platform, and choosing a manifest from an
 * index the way containerd's default matcher does. */
#ifndef OCI_PLATFORM_H
#define OCI_PLATFORM_H

#include <stdbool.h>

#include "oci/error.h"
#include "oci/image-spec.h"

struct oci_platform {
  char *os;        /* "linux" */
  char *arch;      /* "amd64", "arm64", "arm", "386", "ppc64le", "s390x", "riscv64" */
  char *variant;   /* "v7", "v8"; NULL when none */
};

/* "os/arch[/variant]", or "arch" alone (os linux).  Normalised: x86_64 →
 * amd64, aarch64 → arm64, armhf → arm/v7, and arm64's variant v8 dropped. */
int oci_platform_parse (const char *s, struct oci_platform *ret, struct oci_error *err);

/* The platform this program runs on. */
int oci_platform_host (struct oci_platform *ret, struct oci_error *err);

/* "linux/arm/v7"; new string, NULL on ENOMEM. */
char *oci_platform_string (const struct oci_platform *p);

void oci_platform_clear (struct oci_platform *p);

/* Whether an index entry's platform suits `want`: same os and
 * architecture (normalised); when want has a variant the entry's must be
 * the same (an absent arm64 variant counts as v8). */
bool oci_platform_match (const struct oci_platform *want, const struct oci_image_platform *have);

/* The index entry for want: the first manifest whose platform matches,
 * preferring an exact variant; -ENOENT naming want and the platforms the
 * index offers when none does.  Entries without a platform never match. */
int oci_platform_select (const struct oci_image_index *index, const struct oci_platform *want, size_t *ret_index,
                         struct oci_error *err);

#endif
