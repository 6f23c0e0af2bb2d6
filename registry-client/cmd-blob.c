/* blob get|head|put. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "oci/cleanup.h"
#include "oci/digest.h"
#include "oci/json.h"
#include "regctl.h"
#include "transfer.h"
#include "transport.h"

/* ---- blob get ---- */

struct get_opts {
  const char *output;
};

static int
get_opt (void *ctx, int key, const char *arg, struct oci_error *err)
{
  struct get_opts *o = ctx;
  (void) err;
  if (key == 'o')
    o->output = arg;
  return 0;
}

/* Bytes to a file descriptor, hashed and counted on the way. */
struct fd_sink {
  int fd;
  struct oci_digester *d;
  uint64_t n;
  const char *digest;
};

static int
fd_sink_write (void *ctx, const char *buf, size_t len, struct oci_error *err)
{
  struct fd_sink *s = ctx;
  int r = oci_digester_update (s->d, buf, len, err);
  if (r == 0)
    r = oci_write_all (s->fd, buf, len, "output", err);
  s->n += len;
  return r;
}

static int
copy_local (struct image_ref *ref, const char *digest, struct fd_sink *sink, struct oci_error *err)
{
  cleanup_close int fd = -1;
  cleanup_free char *buf = malloc (1 << 20);
  int r;

  if (!buf)
    return oci_error_set (err, ENOMEM, "blob");
  r = oci_store_open_blob (ref->store, digest, &fd, NULL, err);
  if (r < 0)
    return r;
  for (;;)
    {
      ssize_t n = read (fd, buf, 1 << 20);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return oci_error_set (err, errno, "read blob %s", digest);
      if (n == 0)
        return 0;
      r = fd_sink_write (sink, buf, n, err);
      if (r < 0)
        return r;
    }
}

int
regctl_cmd_blob_get (struct regctl_globals *g, int argc, char **argv, struct oci_error *err)
{
  static const struct regctl_opt opts[] = {
    { "output", required_argument, 'o', "FILE  write to FILE (default stdout)" },
    { NULL, 0, 0, NULL },
  };
  static const struct regctl_cmd_spec spec = {
    "blob get [options] REPO DIGEST",
    "Download a blob, verifying its digest.  To a file, it appears only once\n"
    "verified; to stdout, a mismatch is reported after the bytes.",
    opts, 2, 2,
  };
  struct get_opts o = { 0 };
  struct image_ref ref = { 0 };
  struct fd_sink sink = { .fd = 1 };
  cleanup_free char *tmp = NULL;
  char got[OCI_DIGEST_MAX];
  enum oci_digest_alg alg;
  int first, r;

  r = regctl_parse_args (g, argc, argv, &spec, get_opt, &o, &first, err);
  if (r != 0)
    return r < 0 ? r : 0;
  sink.digest = argv[first + 1];
  r = oci_digest_parse (sink.digest, &alg, err);
  if (r < 0)
    return r;
  r = oci_digester_new (alg, &sink.d, err);
  if (r < 0)
    return r;
  if (o.output && strcmp (o.output, "-") != 0)
    {
      if (asprintf (&tmp, "%s.tmp-XXXXXX", o.output) < 0)
        r = oci_error_set (err, ENOMEM, "output");
      else if ((sink.fd = mkostemp (tmp, O_CLOEXEC)) < 0)
        r = oci_error_set (err, errno, "create %s", tmp);
    }
  if (r == 0)
    r = image_ref_parse (g, argv[first], IMAGE_DEFAULT_REGISTRY, &ref, err);
  if (r == 0)
    r = image_ref_open_source (g, &ref, err);
  if (r == 0 && ref.kind == IMAGE_REGISTRY)
    {
      cleanup_http_request struct http_request *req = NULL;
      r = registry_blob_request (&ref.repo, sink.digest, &req, err);
      if (r == 0)
        {
          req->sink = fd_sink_write;
          req->sink_ctx = &sink;
          /* Bytes already written to stdout cannot be taken back. */
          req->resumable = true;
          r = http_perform (ref.repo.host->session->http, req, err);
        }
      if (r == 0 && !http_request_ok (req))
        r = http_request_error (req, err);
    }
  else if (r == 0)
    r = copy_local (&ref, sink.digest, &sink, err);
  if (r == 0)
    r = oci_digester_final (sink.d, got, err);
  if (r == 0 && !oci_digest_equal (got, sink.digest))
    r = oci_error_set (err, EIO, "blob digest mismatch: expected %s, got %s", sink.digest, got);
  if (r == 0 && tmp && (fsync (sink.fd) < 0 || rename (tmp, o.output) < 0))
    r = oci_error_set (err, errno, "write %s", o.output);
  if (tmp && sink.fd >= 0)
    {
      close (sink.fd);
      if (r < 0)
        unlink (tmp);
    }
  oci_digester_free (sink.d);
  image_ref_clear (&ref);
  return r;
}

/* ---- blob head ---- */

int
regctl_cmd_blob_head (struct regctl_globals *g, int argc, char **argv, struct oci_error *err)
{
  static const struct regctl_cmd_spec spec = {
    "blob head [options] REPO DIGEST",
    "Check that a blob exists: prints its digest (and size with --format json);\n"
    "fails when it does not exist.",
    NULL, 2, 2,
  };
  struct image_ref ref = { 0 };
  const char *digest;
  int64_t size = -1;
  int first, r;

  r = regctl_parse_args (g, argc, argv, &spec, NULL, NULL, &first, err);
  if (r != 0)
    return r < 0 ? r : 0;
  digest = argv[first + 1];
  r = oci_digest_validate_grammar (digest, err);
  if (r == 0)
    r = image_ref_parse (g, argv[first], IMAGE_DEFAULT_REGISTRY, &ref, err);
  if (r == 0)
    r = image_ref_open_source (g, &ref, err);
  if (r == 0)
    r = ref.kind == IMAGE_REGISTRY ? registry_head_blob (&ref.repo, digest, &size, err)
                                   : oci_store_stat_blob (ref.store, digest, &size, err);
  image_ref_clear (&ref);
  if (r < 0)
    return r;
  if (g->json)
    {
      struct oci_json_writer *w = oci_jw_new (OCI_JSON_PRETTY);
      if (!w)
        return oci_error_set (err, ENOMEM, "output");
      oci_jw_begin_object (w);
      oci_jw_kv_string (w, "digest", digest);
      oci_jw_kv_int64 (w, "size", size);
      oci_jw_end_object (w);
      r = regctl_print_json (w, err);
      oci_jw_free (w);
      return r;
    }
  printf ("%s\n", digest);
  return regctl_flush_stdout (err);
}

/* ---- blob put ---- */

struct put_opts {
  const char *digest;
  uint64_t chunk_size;
};

enum { OPT_DIGEST = 256, OPT_CHUNK };

static int
put_opt (void *ctx, int key, const char *arg, struct oci_error *err)
{
  struct put_opts *o = ctx;
  if (key == OPT_DIGEST)
    {
      o->digest = arg;
      return oci_digest_parse (arg, NULL, err);
    }
  if (key == OPT_CHUNK)
    return regctl_parse_size (arg, &o->chunk_size, err);
  return 0;
}

/* stdin (or a pipe) copied to an unlinked temporary file while hashed,
 * so that the upload knows its size and digest. */
static int
spool (int in, int *ret_fd, int64_t *ret_size, char digest[OCI_DIGEST_MAX], struct oci_error *err)
{
  const char *tmpdir = getenv ("TMPDIR");
  cleanup_close int fd = -1;
  cleanup_digester struct oci_digester *d = NULL;
  cleanup_free char *buf = malloc (1 << 20);
  int64_t size = 0;
  int r;

  if (!buf)
    return oci_error_set (err, ENOMEM, "spool");
  fd = open (tmpdir && *tmpdir ? tmpdir : "/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0)
    return oci_error_set (err, errno, "temporary file in %s", tmpdir && *tmpdir ? tmpdir : "/tmp");
  r = oci_digester_new (OCI_DIGEST_SHA256, &d, err);
  if (r < 0)
    return r;
  for (;;)
    {
      ssize_t n = read (in, buf, 1 << 20);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return oci_error_set (err, errno, "read stdin");
      if (n == 0)
        break;
      if ((r = oci_digester_update (d, buf, n, err)) < 0 || (r = oci_write_all (fd, buf, n, "spool", err)) < 0)
        return r;
      size += n;
    }
  r = oci_digester_final (d, digest, err);
  if (r < 0)
    return r;
  *ret_fd = oci_steal_fd (&fd);
  *ret_size = size;
  return 0;
}

int
regctl_cmd_blob_put (struct regctl_globals *g, int argc, char **argv, struct oci_error *err)
{
  static const struct regctl_opt opts[] = {
    { "digest", required_argument, OPT_DIGEST, "D   expected digest (default: computed)" },
    { "chunk-size", required_argument, OPT_CHUNK, "N   upload in chunks of N bytes (K, M, G suffixes)" },
    { NULL, 0, 0, NULL },
  };
  static const struct regctl_cmd_spec spec = {
    "blob put [options] REPO [FILE]",
    "Upload FILE (default: stdin) as a blob of REPO (a registry repository,\n"
    "oci:DIR or store:); prints its digest.",
    opts, 1, 2,
  };
  struct put_opts o = { 0 };
  struct image_ref ref = { 0 };
  cleanup_close int fd = -1;
  char digest[OCI_DIGEST_MAX];
  int64_t size;
  int first, r;

  r = regctl_parse_args (g, argc, argv, &spec, put_opt, &o, &first, err);
  if (r != 0)
    return r < 0 ? r : 0;
  const char *file = first + 1 < argc ? argv[first + 1] : "-";
  if (strcmp (file, "-") == 0)
    r = spool (0, &fd, &size, digest, err);
  else
    {
      struct stat st;
      enum oci_digest_alg alg = OCI_DIGEST_SHA256;
      fd = open (file, O_RDONLY | O_CLOEXEC);
      if (fd < 0 || fstat (fd, &st) < 0)
        return oci_error_set (err, errno, "open %s", file);
      if (!S_ISREG (st.st_mode))
        {
          int in = oci_steal_fd (&fd);
          r = spool (in, &fd, &size, digest, err);
          close (in);
        }
      else
        {
          if (o.digest)
            oci_digest_parse (o.digest, &alg, err);
          r = oci_digest_fd (alg, fd, digest, NULL, err);
          size = st.st_size;
        }
    }
  if (r < 0)
    return r;
  if (o.digest && !oci_digest_equal (o.digest, digest))
    return oci_error_set (err, EINVAL, "%s hashes to %s, not %s", file, digest, o.digest);
  r = image_ref_parse (g, argv[first], IMAGE_DEFAULT_REGISTRY, &ref, err);
  if (r == 0)
    r = image_ref_open_dest (g, &ref, err);
  if (r == 0 && ref.kind == IMAGE_REGISTRY)
    {
      struct transfer_opts to = { .parallel = 1, .chunk_size = o.chunk_size };
      r = transfer_upload_fd (g, &ref.repo, fd, size, digest, &to, err);
    }
  else if (r == 0)
    {
      if (lseek (fd, 0, SEEK_SET) < 0)
        r = oci_error_set (err, errno, "seek %s", file);
      if (r == 0)
        r = oci_store_put_blob_fd (ref.store, fd, digest, size, NULL, NULL, err);
      if (r == 0)
        r = image_ref_finish_dest (&ref, err);
    }
  image_ref_clear (&ref);
  if (r < 0)
    return r;
  printf ("%s\n", digest);
  return regctl_flush_stdout (err);
}
