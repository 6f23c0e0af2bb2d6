/* Content digests ("sha256:<hex>") as the image-spec defines them
 * (descriptor.md, "Digests"): computing them through OpenSSL, and
 * validating digest strings read from documents, references and paths.
 *
 * Validation distinguishes two failures, because callers treat them
 * differently: a string that breaks the grammar is malformed (-EINVAL),
 * while a well-formed digest whose algorithm we cannot compute is
 * unsupported (-ENOTSUP) and may still be stored or passed on. */
#ifndef OCI_DIGEST_H
#define OCI_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#include "oci/error.h"

enum oci_digest_alg {
  OCI_DIGEST_SHA256,
  OCI_DIGEST_SHA512,
};

/* Room for the longest digest we produce, "sha512:" + 128 hex + NUL. */
#define OCI_DIGEST_MAX (sizeof "sha512:" - 1 + 128 + 1)

/* "sha256" or "sha512"; NULL for a value outside the enum. */
const char *oci_digest_alg_name (enum oci_digest_alg alg);

/* Hex characters of the encoded part: 64 for sha256, 128 for sha512. */
size_t oci_digest_alg_hex_len (enum oci_digest_alg alg);

/* Streaming digester, for content read in pieces (blobs, tar streams). */
struct oci_digester;

int oci_digester_new (enum oci_digest_alg alg, struct oci_digester **ret,
                      struct oci_error *err);
int oci_digester_update (struct oci_digester *d, const void *buf, size_t len,
                         struct oci_error *err);
/* Writes "alg:hex" to out.  The digester is spent afterwards: further
 * update or final calls fail. */
int oci_digester_final (struct oci_digester *d, char out[OCI_DIGEST_MAX],
                        struct oci_error *err);
enum oci_digest_alg oci_digester_alg (const struct oci_digester *d);
void oci_digester_free (struct oci_digester *d);

static inline void
oci_digester_freep (struct oci_digester **d)
{
  oci_digester_free (*d);
}
#define cleanup_digester __attribute__ ((cleanup (oci_digester_freep)))

/* One-shot digest of a buffer. */
int oci_digest_buffer (enum oci_digest_alg alg, const void *buf, size_t len,
                       char out[OCI_DIGEST_MAX], struct oci_error *err);

/* Digest of everything read from fd until EOF; *ret_size (may be NULL)
 * receives the number of bytes read. */
int oci_digest_fd (enum oci_digest_alg alg, int fd, char out[OCI_DIGEST_MAX],
                   uint64_t *ret_size, struct oci_error *err);

/* Checks `algorithm ":" encoded` against the image-spec grammar and, for
 * sha256 and sha512, the exact lowercase-hex encoding.  Returns 0 and the
 * algorithm in *ret_alg (may be NULL); -EINVAL when malformed; -ENOTSUP
 * when well formed but the algorithm is not one we compute. */
int oci_digest_parse (const char *digest, enum oci_digest_alg *ret_alg,
                      struct oci_error *err);

/* Like oci_digest_parse, but an unsupported algorithm is accepted: for
 * digests that are only carried, never recomputed. */
int oci_digest_validate_grammar (const char *digest, struct oci_error *err);

/* The encoded part (after the first ':'), or NULL when there is no ':'.
 * Points into digest. */
const char *oci_digest_hex (const char *digest);

/* Digests name public content, so a plain comparison is enough; equal
 * means byte-identical strings.  NULL equals only NULL. */
int oci_digest_equal (const char *a, const char *b);

#endif
