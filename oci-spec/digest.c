#include "oci/digest.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "oci/cleanup.h"

struct oci_digester {
  enum oci_digest_alg alg;
  EVP_MD_CTX *ctx;
  int finished;
};

const char *
oci_digest_alg_name (enum oci_digest_alg alg)
{
  switch (alg)
    {
    case OCI_DIGEST_SHA256:
      return "sha256";
    case OCI_DIGEST_SHA512:
      return "sha512";
    }
  return NULL;
}

size_t
oci_digest_alg_hex_len (enum oci_digest_alg alg)
{
  switch (alg)
    {
    case OCI_DIGEST_SHA256:
      return 64;
    case OCI_DIGEST_SHA512:
      return 128;
    }
  return 0;
}

static const EVP_MD *
alg_md (enum oci_digest_alg alg)
{
  switch (alg)
    {
    case OCI_DIGEST_SHA256:
      return EVP_sha256 ();
    case OCI_DIGEST_SHA512:
      return EVP_sha512 ();
    }
  return NULL;
}

int
oci_digester_new (enum oci_digest_alg alg, struct oci_digester **ret, struct oci_error *err)
{
  const EVP_MD *md = alg_md (alg);
  struct oci_digester *d;

  if (md == NULL)
    return oci_error_set (err, EINVAL, "digest: unknown algorithm %d", (int) alg);
  d = calloc (1, sizeof *d);
  if (d == NULL)
    return oci_error_set (err, ENOMEM, "%s digest", oci_digest_alg_name (alg));
  d->alg = alg;
  d->ctx = EVP_MD_CTX_new ();
  if (d->ctx == NULL || EVP_DigestInit_ex (d->ctx, md, NULL) != 1)
    {
      oci_digester_free (d);
      return oci_error_set (err, 0, "%s digest: OpenSSL initialisation failed",
                            oci_digest_alg_name (alg));
    }
  *ret = d;
  return 0;
}

int
oci_digester_update (struct oci_digester *d, const void *buf, size_t len, struct oci_error *err)
{
  if (d->finished)
    return oci_error_set (err, 0, "%s digest: update after final", oci_digest_alg_name (d->alg));
  if (len == 0)
    return 0;
  if (EVP_DigestUpdate (d->ctx, buf, len) != 1)
    return oci_error_set (err, 0, "%s digest: OpenSSL update failed", oci_digest_alg_name (d->alg));
  return 0;
}

int
oci_digester_final (struct oci_digester *d, char out[OCI_DIGEST_MAX], struct oci_error *err)
{
  static const char hex[] = "0123456789abcdef";
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int mdlen = 0;
  const char *name = oci_digest_alg_name (d->alg);
  size_t n;

  if (d->finished)
    return oci_error_set (err, 0, "%s digest: final called twice", name);
  d->finished = 1;
  if (EVP_DigestFinal_ex (d->ctx, md, &mdlen) != 1)
    return oci_error_set (err, 0, "%s digest: OpenSSL final failed", name);

  n = strlen (name);
  if (n + 1 + 2 * (size_t) mdlen + 1 > OCI_DIGEST_MAX)
    return oci_error_set (err, 0, "%s digest: result too long", name);
  memcpy (out, name, n);
  out[n++] = ':';
  for (unsigned int i = 0; i < mdlen; i++)
    {
      out[n++] = hex[md[i] >> 4];
      out[n++] = hex[md[i] & 0xf];
    }
  out[n] = '\0';
  return 0;
}

enum oci_digest_alg
oci_digester_alg (const struct oci_digester *d)
{
  return d->alg;
}

void
oci_digester_free (struct oci_digester *d)
{
  if (d == NULL)
    return;
  EVP_MD_CTX_free (d->ctx);
  free (d);
}

int
oci_digest_buffer (enum oci_digest_alg alg, const void *buf, size_t len,
                   char out[OCI_DIGEST_MAX], struct oci_error *err)
{
  cleanup_digester struct oci_digester *d = NULL;
  int r;

  r = oci_digester_new (alg, &d, err);
  if (r < 0)
    return r;
  r = oci_digester_update (d, buf, len, err);
  if (r < 0)
    return r;
  return oci_digester_final (d, out, err);
}

/* Large enough that the syscall cost vanishes next to the hashing. */
#define READ_CHUNK (128 * 1024)

int
oci_digest_fd (enum oci_digest_alg alg, int fd, char out[OCI_DIGEST_MAX],
               uint64_t *ret_size, struct oci_error *err)
{
  cleanup_digester struct oci_digester *d = NULL;
  cleanup_free char *buf = NULL;
  uint64_t total = 0;
  int r;

  r = oci_digester_new (alg, &d, err);
  if (r < 0)
    return r;
  buf = malloc (READ_CHUNK);
  if (buf == NULL)
    return oci_error_set (err, ENOMEM, "digest fd %d", fd);

  for (;;)
    {
      ssize_t n = read (fd, buf, READ_CHUNK);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          return oci_error_set (err, errno, "digest: read fd %d", fd);
        }
      if (n == 0)
        break;
      r = oci_digester_update (d, buf, (size_t) n, err);
      if (r < 0)
        return r;
      total += (uint64_t) n;
    }

  r = oci_digester_final (d, out, err);
  if (r < 0)
    return r;
  if (ret_size)
    *ret_size = total;
  return 0;
}

static int
is_lower_alnum (char c)
{
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* algorithm ::= component (separator component)*, component ::= [a-z0-9]+,
 * separator ::= [+._-] */
static int
algorithm_well_formed (const char *s, size_t len)
{
  int need_alnum = 1;

  for (size_t i = 0; i < len; i++)
    {
      if (is_lower_alnum (s[i]))
        need_alnum = 0;
      else if (!need_alnum && strchr ("+._-", s[i]))
        need_alnum = 1;
      else
        return 0;
    }
  return len > 0 && !need_alnum;
}

/* encoded ::= [a-zA-Z0-9=_-]+ */
static int
encoded_well_formed (const char *s)
{
  if (*s == '\0')
    return 0;
  for (; *s; s++)
    if (!(is_lower_alnum (*s) || (*s >= 'A' && *s <= 'Z') || *s == '=' || *s == '_' || *s == '-'))
      return 0;
  return 1;
}

static int
lower_hex (const char *s)
{
  for (; *s; s++)
    if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
      return 0;
  return 1;
}

static int
check_digest (const char *digest, int allow_unsupported, enum oci_digest_alg *ret_alg,
              struct oci_error *err)
{
  static const enum oci_digest_alg known[] = { OCI_DIGEST_SHA256, OCI_DIGEST_SHA512 };
  const char *colon;
  const char *encoded;
  size_t alglen;

  if (digest == NULL || *digest == '\0')
    return oci_error_set (err, 0, "invalid digest \"\": empty");
  colon = strchr (digest, ':');
  if (colon == NULL)
    return oci_error_set (err, 0, "invalid digest \"%s\": missing ':' between algorithm and encoded part",
                          digest);
  alglen = (size_t) (colon - digest);
  encoded = colon + 1;
  if (!algorithm_well_formed (digest, alglen))
    return oci_error_set (err, 0, "invalid digest \"%s\": malformed algorithm", digest);
  if (!encoded_well_formed (encoded))
    return oci_error_set (err, 0, "invalid digest \"%s\": malformed encoded part", digest);

  for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
    {
      const char *name = oci_digest_alg_name (known[i]);
      size_t want;

      if (strlen (name) != alglen || memcmp (name, digest, alglen) != 0)
        continue;
      want = oci_digest_alg_hex_len (known[i]);
      if (strlen (encoded) != want)
        return oci_error_set (err, 0, "invalid digest \"%s\": %s needs %zu hex characters, got %zu",
                              digest, name, want, strlen (encoded));
      if (!lower_hex (encoded))
        return oci_error_set (err, 0, "invalid digest \"%s\": %s must be lowercase hex", digest, name);
      if (ret_alg)
        *ret_alg = known[i];
      return 0;
    }

  if (allow_unsupported)
    return 0;
  return oci_error_set (err, ENOTSUP, "digest \"%s\": unsupported algorithm \"%.*s\"",
                        digest, (int) alglen, digest);
}

int
oci_digest_parse (const char *digest, enum oci_digest_alg *ret_alg, struct oci_error *err)
{
  return check_digest (digest, 0, ret_alg, err);
}

int
oci_digest_validate_grammar (const char *digest, struct oci_error *err)
{
  return check_digest (digest, 1, NULL, err);
}

const char *
oci_digest_hex (const char *digest)
{
  const char *colon;

  if (digest == NULL)
    return NULL;
  colon = strchr (digest, ':');
  return colon ? colon + 1 : NULL;
}

int
oci_digest_equal (const char *a, const char *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return strcmp (a, b) == 0;
}
