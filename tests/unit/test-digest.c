#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "oci/digest.h"

#define SHA256_EMPTY "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define SHA256_ABC "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define SHA512_ABC                                                                        \
  "sha512:ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"               \
  "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
#define SHA512_EMPTY                                                                      \
  "sha512:cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"               \
  "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"
/* FIPS 180-2 two-block message */
#define MSG_448 "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
#define SHA256_448 "sha256:248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
#define SHA256_MILLION_A "sha256:cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"

static void
known_vectors (struct unit_state *st)
{
  struct {
    enum oci_digest_alg alg;
    const char *in;
    const char *want;
  } cases[] = {
    { OCI_DIGEST_SHA256, "", SHA256_EMPTY },
    { OCI_DIGEST_SHA256, "abc", SHA256_ABC },
    { OCI_DIGEST_SHA256, MSG_448, SHA256_448 },
    { OCI_DIGEST_SHA512, "", SHA512_EMPTY },
    { OCI_DIGEST_SHA512, "abc", SHA512_ABC },
  };

  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      struct oci_error err = { 0 };
      char out[OCI_DIGEST_MAX];

      CHECK_INT (st, oci_digest_buffer (cases[i].alg, cases[i].in, strlen (cases[i].in), out, &err), 0);
      CHECK_STR (st, out, cases[i].want);
      CHECK_INT (st, oci_digest_parse (out, NULL, &err), 0);
    }
}

static void
sizes (struct unit_state *st)
{
  CHECK_INT (st, OCI_DIGEST_MAX, strlen (SHA512_ABC) + 1);
  CHECK_INT (st, oci_digest_alg_hex_len (OCI_DIGEST_SHA256), 64);
  CHECK_INT (st, oci_digest_alg_hex_len (OCI_DIGEST_SHA512), 128);
  CHECK_STR (st, oci_digest_alg_name (OCI_DIGEST_SHA256), "sha256");
  CHECK_STR (st, oci_digest_alg_name (OCI_DIGEST_SHA512), "sha512");
}

static void
streaming_equals_oneshot (struct unit_state *st)
{
  static const size_t steps[] = { 1, 3, 7, 63, 64, 65, 127, 128, 129, 4096, 100000 };
  size_t len = 1000000;
  char *buf = malloc (len);

  CHECK (st, buf != NULL);
  if (buf == NULL)
    return;
  memset (buf, 'a', len);

  for (int a = 0; a < 2; a++)
    {
      enum oci_digest_alg alg = a ? OCI_DIGEST_SHA512 : OCI_DIGEST_SHA256;
      struct oci_error err = { 0 };
      char whole[OCI_DIGEST_MAX];

      CHECK_INT (st, oci_digest_buffer (alg, buf, len, whole, &err), 0);
      if (alg == OCI_DIGEST_SHA256)
        CHECK_STR (st, whole, SHA256_MILLION_A);

      for (size_t s = 0; s < sizeof steps / sizeof steps[0]; s++)
        {
          struct oci_digester *d = NULL;
          char out[OCI_DIGEST_MAX];

          CHECK_INT (st, oci_digester_new (alg, &d, &err), 0);
          if (d == NULL)
            continue;
          CHECK_INT (st, oci_digester_alg (d), alg);
          for (size_t off = 0; off < len; off += steps[s])
            {
              size_t n = len - off < steps[s] ? len - off : steps[s];
              if (oci_digester_update (d, buf + off, n, &err) < 0)
                {
                  CHECK (st, !"update failed");
                  break;
                }
            }
          CHECK_INT (st, oci_digester_final (d, out, &err), 0);
          CHECK_STR (st, out, whole);
          oci_digester_free (d);
        }
    }
  free (buf);
}

static void
empty_updates (struct unit_state *st)
{
  struct oci_error err = { 0 };
  struct oci_digester *d = NULL;
  char out[OCI_DIGEST_MAX];

  CHECK_INT (st, oci_digester_new (OCI_DIGEST_SHA256, &d, &err), 0);
  CHECK_INT (st, oci_digester_update (d, NULL, 0, &err), 0);
  CHECK_INT (st, oci_digester_update (d, "a", 1, &err), 0);
  CHECK_INT (st, oci_digester_update (d, "", 0, &err), 0);
  CHECK_INT (st, oci_digester_update (d, "bc", 2, &err), 0);
  CHECK_INT (st, oci_digester_final (d, out, &err), 0);
  CHECK_STR (st, out, SHA256_ABC);
  oci_digester_free (d);
}

static void
spent_digester (struct unit_state *st)
{
  struct oci_error err = { 0 };
  cleanup_digester struct oci_digester *d = NULL;
  char out[OCI_DIGEST_MAX];

  CHECK_INT (st, oci_digester_new (OCI_DIGEST_SHA512, &d, &err), 0);
  CHECK_INT (st, oci_digester_final (d, out, &err), 0);
  CHECK_STR (st, out, SHA512_EMPTY);
  CHECK (st, oci_digester_update (d, "x", 1, &err) < 0);
  CHECK (st, strstr (err.msg, "after final") != NULL);
  CHECK (st, oci_digester_final (d, out, &err) < 0);
  CHECK (st, strstr (err.msg, "twice") != NULL);
}

static void
bad_algorithm (struct unit_state *st)
{
  struct oci_error err = { 0 };
  struct oci_digester *d = NULL;
  char out[OCI_DIGEST_MAX];

  CHECK_INT (st, oci_digester_new ((enum oci_digest_alg) 42, &d, &err), -EINVAL);
  CHECK (st, d == NULL);
  CHECK_INT (st, oci_digest_buffer ((enum oci_digest_alg) 42, "", 0, out, &err), -EINVAL);
  CHECK (st, oci_digest_alg_name ((enum oci_digest_alg) 42) == NULL);
  CHECK_INT (st, oci_digest_alg_hex_len ((enum oci_digest_alg) 42), 0);
  oci_digester_free (NULL);
}

static int
memfd_with (const void *buf, size_t len)
{
  int fd = memfd_create ("test-digest", MFD_CLOEXEC);

  if (fd < 0)
    return -1;
  if (write (fd, buf, len) != (ssize_t) len || lseek (fd, 0, SEEK_SET) != 0)
    {
      close (fd);
      return -1;
    }
  return fd;
}

static void
digest_fd (struct unit_state *st)
{
  struct oci_error err = { 0 };
  char out[OCI_DIGEST_MAX];
  uint64_t size = 12345;
  size_t len = 1000000;
  char *buf = malloc (len);
  int fd;

  CHECK (st, buf != NULL);
  if (buf == NULL)
    return;
  memset (buf, 'a', len);

  fd = memfd_with (buf, len);
  CHECK (st, fd >= 0);
  CHECK_INT (st, oci_digest_fd (OCI_DIGEST_SHA256, fd, out, &size, &err), 0);
  CHECK_STR (st, out, SHA256_MILLION_A);
  CHECK_INT (st, size, len);
  close (fd);

  fd = memfd_with ("", 0);
  CHECK (st, fd >= 0);
  CHECK_INT (st, oci_digest_fd (OCI_DIGEST_SHA512, fd, out, &size, &err), 0);
  CHECK_STR (st, out, SHA512_EMPTY);
  CHECK_INT (st, size, 0);
  close (fd);

  fd = memfd_with ("abc", 3);
  CHECK (st, fd >= 0);
  CHECK_INT (st, oci_digest_fd (OCI_DIGEST_SHA512, fd, out, NULL, &err), 0);
  CHECK_STR (st, out, SHA512_ABC);
  close (fd);

  free (buf);
}

static void
digest_fd_errors (struct unit_state *st)
{
  struct oci_error err = { 0 };
  char out[OCI_DIGEST_MAX];
  uint64_t size = 7;
  int fd;

  CHECK_INT (st, oci_digest_fd (OCI_DIGEST_SHA256, -1, out, &size, &err), -EBADF);
  CHECK_INT (st, err.errnum, EBADF);
  CHECK (st, strstr (err.msg, "read") != NULL);
  CHECK_INT (st, size, 7);

  fd = open ("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  CHECK (st, fd >= 0);
  CHECK_INT (st, oci_digest_fd (OCI_DIGEST_SHA256, fd, out, &size, &err), -EISDIR);
  CHECK_INT (st, size, 7);
  close (fd);
}

#define HEX64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void
parse_good (struct unit_state *st)
{
  struct oci_error err = { 0 };
  enum oci_digest_alg alg = (enum oci_digest_alg) 99;

  CHECK_INT (st, oci_digest_parse ("sha256:" HEX64, &alg, &err), 0);
  CHECK_INT (st, alg, OCI_DIGEST_SHA256);
  CHECK_INT (st, oci_digest_parse ("sha512:" HEX64 HEX64, &alg, &err), 0);
  CHECK_INT (st, alg, OCI_DIGEST_SHA512);
  CHECK_INT (st, oci_digest_parse (SHA256_EMPTY, NULL, &err), 0);
  CHECK_INT (st, oci_digest_parse ("sha256:6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b",
                                   NULL, &err),
             0);
}

static void
parse_malformed (struct unit_state *st)
{
  static const char *bad[] = {
    "",
    "sha256",                                   /* no colon */
    "sha256" HEX64,                             /* no colon */
    ":" HEX64,                                  /* empty algorithm */
    "sha256:",                                  /* empty encoded */
    "SHA256:" HEX64,                            /* algorithm is lower case */
    "Sha256:" HEX64,
    "sha256:" "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", /* upper hex */
    "sha256:" "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeF",
    "sha256:0123456789abcdef",                  /* short */
    "sha256:" HEX64 "0",                        /* long */
    "sha256:" HEX64 "00",
    "sha256:" HEX64 HEX64,                      /* sha512 length under sha256 */
    "sha512:" HEX64,                            /* sha256 length under sha512 */
    "sha512:" HEX64 HEX64 "a",
    "sha256:" "g123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", /* not hex */
    "sha256:" "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde=",
    "sha256::" HEX64,                           /* ':' in encoded */
    "sha256:" HEX64 ":",
    " sha256:" HEX64,                           /* whitespace */
    "sha256:" HEX64 " ",
    "sha256:" HEX64 "\n",
    "sha256 :" HEX64,
    "-sha256:" HEX64,                           /* separator first */
    "sha256-:" HEX64,                           /* separator last */
    "sha+-256:" HEX64,                          /* two separators */
    "sha..256:abc",
    "sha/256:" HEX64,                           /* not a separator */
    "foo:abc def",                              /* bad encoded char */
    "foo:abc+def",
    "foo:abc/def",
    "foo:",
  };

  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    {
      struct oci_error err = { 0 };
      int r = oci_digest_parse (bad[i], NULL, &err);

      if (r != -EINVAL)
        unit_fail (st, __FILE__, __LINE__, "digest \"%s\": got %d, want -EINVAL", bad[i], r);
      if (strncmp (err.msg, "invalid digest \"", 16) != 0)
        unit_fail (st, __FILE__, __LINE__, "digest \"%s\": message \"%s\"", bad[i], err.msg);
      CHECK (st, oci_digest_validate_grammar (bad[i], &err) < 0);
    }
  {
    struct oci_error err = { 0 };
    CHECK_INT (st, oci_digest_parse (NULL, NULL, &err), -EINVAL);
  }
}

static void
parse_messages (struct unit_state *st)
{
  struct oci_error err = { 0 };

  oci_digest_parse ("sha256:abc", NULL, &err);
  CHECK_STR (st, err.msg, "invalid digest \"sha256:abc\": sha256 needs 64 hex characters, got 3");
  oci_digest_parse ("sha256", NULL, &err);
  CHECK_STR (st, err.msg, "invalid digest \"sha256\": missing ':' between algorithm and encoded part");
  oci_digest_parse ("", NULL, &err);
  CHECK_STR (st, err.msg, "invalid digest \"\": empty");
  oci_digest_parse ("sha256:" "A123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", NULL, &err);
  CHECK (st, strstr (err.msg, "sha256 must be lowercase hex") != NULL);
  oci_digest_parse ("SHA256:abc", NULL, &err);
  CHECK_STR (st, err.msg, "invalid digest \"SHA256:abc\": malformed algorithm");
  oci_digest_parse ("sha256:a b", NULL, &err);
  CHECK_STR (st, err.msg, "invalid digest \"sha256:a b\": malformed encoded part");
}

static void
parse_unsupported (struct unit_state *st)
{
  static const char *unsupported[] = {
    "multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8",
    "sha256+b64u:LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564",
    "blake3:" HEX64,
    "sha384:" HEX64,
    "md5:d41d8cd98f00b204e9800998ecf8427e",
    "a:b",
    "a.b_c-d+e:x=",
    "0:0",
  };

  for (size_t i = 0; i < sizeof unsupported / sizeof unsupported[0]; i++)
    {
      struct oci_error err = { 0 };
      int r = oci_digest_parse (unsupported[i], NULL, &err);

      if (r != -ENOTSUP)
        unit_fail (st, __FILE__, __LINE__, "digest \"%s\": got %d, want -ENOTSUP", unsupported[i], r);
      CHECK_INT (st, err.errnum, ENOTSUP);
      CHECK (st, strstr (err.msg, "unsupported algorithm") != NULL);
      CHECK_INT (st, oci_digest_validate_grammar (unsupported[i], &err), 0);
    }
  {
    struct oci_error err = { 0 };
    oci_digest_parse ("blake3:" HEX64, NULL, &err);
    CHECK (st, strstr (err.msg, "unsupported algorithm \"blake3\"") != NULL);
  }
}

static void
hex_part (struct unit_state *st)
{
  CHECK_STR (st, oci_digest_hex (SHA256_ABC), SHA256_ABC + 7);
  CHECK_STR (st, oci_digest_hex ("a:b:c"), "b:c");
  CHECK_STR (st, oci_digest_hex ("sha256:"), "");
  CHECK (st, oci_digest_hex ("sha256") == NULL);
  CHECK (st, oci_digest_hex ("") == NULL);
  CHECK (st, oci_digest_hex (NULL) == NULL);
}

static void
equal (struct unit_state *st)
{
  CHECK (st, oci_digest_equal (SHA256_ABC, SHA256_ABC));
  CHECK (st, !oci_digest_equal (SHA256_ABC, SHA256_EMPTY));
  CHECK (st, !oci_digest_equal (SHA256_ABC, SHA256_ABC "0"));
  CHECK (st, !oci_digest_equal (NULL, SHA256_ABC));
  CHECK (st, !oci_digest_equal (SHA256_ABC, NULL));
  CHECK (st, oci_digest_equal (NULL, NULL));
}

int
main (void)
{
  struct unit_totals totals = { 0 };

  RUN (known_vectors);
  RUN (sizes);
  RUN (streaming_equals_oneshot);
  RUN (empty_updates);
  RUN (spent_digester);
  RUN (bad_algorithm);
  RUN (digest_fd);
  RUN (digest_fd_errors);
  RUN (parse_good);
  RUN (parse_malformed);
  RUN (parse_messages);
  RUN (parse_unsupported);
  RUN (hex_part);
  RUN (equal);
  return unit_done (&totals);
}
