/* Blobs: written to ingest/ while hashed, verified, then renamed into
 * blobs/<alg>/<encoded>; read back without following symbolic links. */
#include "store-internal.h"
#include "oci/cleanup.h"
#include "oci/digest.h"
#include "oci/file.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ALG_MAX 256

struct oci_blob_writer {
  struct oci_store *store;
  int fd;
  char tmp[STORE_TMP_NAME_MAX];
  struct oci_digester *digester;
  char *expected_digest;
  int64_t expected_size;
  uint64_t written;
  uint64_t writeback;  /* bytes handed to writeback (start_writeback) */
  bool failed;  /* a write failed or overflowed: commit must refuse */
  bool finished;  /* verified and durable (finish): commit only renames */
  char digest[OCI_DIGEST_MAX];  /* computed by finish */
};

int
oci_store_blob_writer (struct oci_store *s, const char *expected_digest, int64_t expected_size,
                       struct oci_blob_writer **ret, struct oci_error *err)
{
  enum oci_digest_alg alg = OCI_DIGEST_SHA256;
  struct oci_blob_writer *w;
  int r;

  if (expected_digest && (r = oci_digest_parse (expected_digest, &alg, err)) < 0)
    return oci_error_wrap (err, "cannot verify blob");
  w = calloc (1, sizeof *w);
  if (!w)
    return oci_error_set (err, ENOMEM, "blob writer");
  w->store = s;
  w->fd = -1;
  w->expected_size = expected_size;
  if (expected_digest && !(w->expected_digest = strdup (expected_digest)))
    {
      oci_blob_writer_free (w);
      return oci_error_set (err, ENOMEM, "blob writer");
    }
  r = oci_digester_new (alg, &w->digester, err);
  if (r == 0)
    {
      w->fd = store_tmp_create (s, w->tmp, err);
      r = w->fd < 0 ? w->fd : 0;
    }
  if (r < 0)
    {
      oci_blob_writer_free (w);
      return r;
    }
  *ret = w;
  return 0;
}

/* A failed blob leaves nothing behind, not even until the writer is freed. */
static void
discard (struct oci_blob_writer *w)
{
  w->failed = true;
  if (w->tmp[0])
    unlinkat (w->store->ingest_fd, w->tmp, 0);
  w->tmp[0] = '\0';
}

int
oci_blob_writer_write (struct oci_blob_writer *w, const void *buf, size_t len, struct oci_error *err)
{
  int r;

  if (w->failed)
    return oci_error_set (err, EINVAL, "blob writer: write after a failure");
  if (w->finished)
    return oci_error_set (err, EINVAL, "blob writer: write after finish");
  /* Refuse as soon as the stream outgrows what was announced: a hostile
   * server cannot fill the disk under a small descriptor. */
  if (w->expected_size >= 0 && w->written + len > (uint64_t) w->expected_size)
    {
      discard (w);
      return oci_error_set (err, 0, "blob %s: size mismatch: more than the expected %" PRId64 " bytes",
                            w->expected_digest ? w->expected_digest : "(unknown digest)", w->expected_size);
    }
  r = oci_digester_update (w->digester, buf, len, err);
  if (r == 0)
    r = oci_write_all (w->fd, buf, len, "blob", err);
  if (r < 0)
    {
      discard (w);
      return r;
    }
  w->written += len;
  return 0;
}

static int
open_alg_dir (struct oci_store *s, const char *alg, bool create, struct oci_error *err)
{
  int fd = openat (s->blobs_fd, alg, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

  if (fd < 0 && errno == ENOENT && create)
    {
      if (mkdirat (s->blobs_fd, alg, 0755) < 0 && errno != EEXIST)
        return oci_error_set (err, errno, "mkdir %s/blobs/%s", s->path, alg);
      fd = openat (s->blobs_fd, alg, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    }
  if (fd < 0)
    return oci_error_set (err, errno, "open %s/blobs/%s", s->path, alg);
  return fd;
}

static int
verify (struct oci_blob_writer *w, char digest[OCI_DIGEST_MAX], struct oci_error *err)
{
  int r;

  if (w->failed)
    return oci_error_set (err, EINVAL, "blob writer: commit after a failure");
  r = oci_digester_final (w->digester, digest, err);
  if (r < 0)
    return r;
  if (w->expected_size >= 0 && w->written != (uint64_t) w->expected_size)
    return oci_error_set (err, 0, "blob %s: size mismatch: expected %" PRId64 " bytes, got %" PRIu64, digest,
                          w->expected_size, w->written);
  if (w->expected_digest && !oci_digest_equal (w->expected_digest, digest))
    return oci_error_set (err, 0, "blob digest mismatch: expected %s, got %s", w->expected_digest, digest);
  return 0;
}

void
oci_blob_writer_start_writeback (struct oci_blob_writer *w)
{
  if (w->failed || w->fd < 0 || w->written <= w->writeback)
    return;
  /* Best effort: where sync_file_range is missing, fsync does it all. */
  if (sync_file_range (w->fd, (off64_t) w->writeback, (off64_t) (w->written - w->writeback), SYNC_FILE_RANGE_WRITE) == 0)
    w->writeback = w->written;
}

void
oci_blob_writer_sync_data (struct oci_blob_writer *w)
{
  /* Only fd, which no other call changes before free, is read here. */
  if (w->fd >= 0)
    fdatasync (w->fd);
}

int
oci_blob_writer_finish (struct oci_blob_writer *w, struct oci_error *err)
{
  int r;

  if (w->finished)
    return w->failed ? oci_error_set (err, EINVAL, "blob writer: finish after a failure") : 0;
  r = verify (w, w->digest, err);
  if (r == 0 && fsync (w->fd) < 0)
    r = oci_error_set (err, errno, "fsync blob %s", w->digest);
  if (r < 0)
    {
      discard (w);
      return r;
    }
  w->finished = true;
  return 0;
}

int
oci_blob_writer_commit (struct oci_blob_writer *w, char ret_digest[OCI_DIGEST_MAX], int64_t *ret_size,
                        struct oci_error *err)
{
  struct oci_store *s = w->store;
  char digest[OCI_DIGEST_MAX], alg[ALG_MAX];
  cleanup_close int algfd = -1;
  const char *encoded;
  int r;

  if (w->finished)
    {
      if (w->failed)
        return oci_error_set (err, EINVAL, "blob writer: commit after a failure");
      memcpy (digest, w->digest, OCI_DIGEST_MAX);
      r = 0;
    }
  else
    {
      r = verify (w, digest, err);
      /* Durable content before a durable name, or a crash could leave a
       * visible blob with a hole in it. */
      if (r == 0 && fsync (w->fd) < 0)
        r = oci_error_set (err, errno, "fsync blob %s", digest);
    }
  if (r == 0)
    r = store_split_digest (digest, alg, sizeof alg, &encoded, err);
  if (r == 0)
    r = algfd = open_alg_dir (s, alg, true, err);
  if (r >= 0 && renameat (s->ingest_fd, w->tmp, algfd, encoded) < 0)
    r = oci_error_set (err, errno, "rename blob to %s/blobs/%s/%s", s->path, alg, encoded);
  if (r >= 0 && fsync (algfd) < 0)
    r = oci_error_set (err, errno, "fsync %s/blobs/%s", s->path, alg);
  if (r < 0)
    {
      discard (w);
      return r;
    }
  w->tmp[0] = '\0';
  if (ret_digest)
    memcpy (ret_digest, digest, OCI_DIGEST_MAX);
  if (ret_size)
    *ret_size = (int64_t) w->written;
  return 0;
}

int
oci_blob_writers_commit (struct oci_blob_writer *const *ws, size_t n, struct oci_error *err)
{
  char alg[ALG_MAX], dir_alg[ALG_MAX] = "";
  int dirfd = -1, r = 0;

  for (size_t i = 0; r == 0 && i < n; i++)
    {
      struct oci_blob_writer *w = ws[i];
      struct oci_store *s = w->store;
      const char *encoded;

      /* Verified and durable first (finish is a no-op when done). */
      r = oci_blob_writer_finish (w, err);
      if (r == 0)
        r = store_split_digest (w->digest, alg, sizeof alg, &encoded, err);
      if (r == 0 && (dirfd < 0 || strcmp (alg, dir_alg) != 0))
        {
          /* Another directory: the renames into the last one made durable. */
          if (dirfd >= 0 && fsync (dirfd) < 0)
            r = oci_error_set (err, errno, "fsync %s/blobs/%s", s->path, dir_alg);
          if (dirfd >= 0)
            close (dirfd);
          dirfd = -1;
          if (r == 0)
            r = dirfd = open_alg_dir (s, alg, true, err);
          if (r >= 0)
            {
              snprintf (dir_alg, sizeof dir_alg, "%s", alg);
              r = 0;
            }
        }
      if (r == 0 && renameat (s->ingest_fd, w->tmp, dirfd, encoded) < 0)
        r = oci_error_set (err, errno, "rename blob to %s/blobs/%s/%s", s->path, alg, encoded);
      if (r < 0)
        discard (w);
      else
        w->tmp[0] = '\0';
    }
  if (dirfd >= 0)
    {
      if (r == 0 && fsync (dirfd) < 0)
        r = oci_error_set (err, errno, "fsync %s/blobs/%s", ws[n - 1]->store->path, dir_alg);
      close (dirfd);
    }
  return r;
}

void
oci_blob_writer_free (struct oci_blob_writer *w)
{
  if (!w)
    return;
  if (w->tmp[0])
    unlinkat (w->store->ingest_fd, w->tmp, 0);
  if (w->fd >= 0)
    close (w->fd);
  oci_digester_free (w->digester);
  free (w->expected_digest);
  free (w);
}

int
oci_store_put_blob_fd (struct oci_store *s, int fd, const char *expected_digest, int64_t expected_size,
                       char ret_digest[OCI_DIGEST_MAX], int64_t *ret_size, struct oci_error *err)
{
  cleanup_blob_writer struct oci_blob_writer *w = NULL;
  cleanup_free char *buf = malloc (65536);
  int r;

  if (!buf)
    return oci_error_set (err, ENOMEM, "put blob");
  r = oci_store_blob_writer (s, expected_digest, expected_size, &w, err);
  if (r < 0)
    return r;
  for (;;)
    {
      ssize_t n = read (fd, buf, 65536);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return oci_error_set (err, errno, "read blob");
      if (n == 0)
        break;
      r = oci_blob_writer_write (w, buf, n, err);
      if (r < 0)
        return r;
    }
  return oci_blob_writer_commit (w, ret_digest, ret_size, err);
}

int
oci_store_put_blob (struct oci_store *s, const void *buf, size_t len, const char *expected_digest,
                    char ret_digest[OCI_DIGEST_MAX], struct oci_error *err)
{
  cleanup_blob_writer struct oci_blob_writer *w = NULL;
  int r;

  r = oci_store_blob_writer (s, expected_digest, (int64_t) len, &w, err);
  if (r == 0)
    r = oci_blob_writer_write (w, buf, len, err);
  if (r == 0)
    r = oci_blob_writer_commit (w, ret_digest, NULL, err);
  return r;
}

int
oci_store_open_blob (struct oci_store *s, const char *digest, int *ret_fd, int64_t *ret_size,
                     struct oci_error *err)
{
  char alg[ALG_MAX];
  cleanup_close int algfd = -1;
  cleanup_close int fd = -1;
  const char *encoded;
  struct stat st;
  int r;

  r = store_split_digest (digest, alg, sizeof alg, &encoded, err);
  if (r < 0)
    return r;
  algfd = openat (s->blobs_fd, alg, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (algfd < 0)
    return oci_error_set (err, errno == ENOTDIR ? ELOOP : errno, "open blob %s in %s", digest, s->path);
  /* O_NONBLOCK so that a FIFO planted in blobs/ cannot hang the open. */
  fd = openat (algfd, encoded, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    return oci_error_set (err, errno, "open blob %s in %s", digest, s->path);
  if (fstat (fd, &st) < 0)
    return oci_error_set (err, errno, "stat blob %s", digest);
  if (!S_ISREG (st.st_mode))
    return oci_error_set (err, EINVAL, "blob %s in %s is not a regular file", digest, s->path);
  if (fcntl (fd, F_SETFL, 0) < 0)
    return oci_error_set (err, errno, "blob %s: clear O_NONBLOCK", digest);
  if (ret_size)
    *ret_size = st.st_size;
  *ret_fd = oci_steal_fd (&fd);
  return 0;
}

int
oci_store_stat_blob (struct oci_store *s, const char *digest, int64_t *ret_size, struct oci_error *err)
{
  char alg[ALG_MAX];
  cleanup_close int algfd = -1;
  const char *encoded;
  struct stat st;
  int r;

  r = store_split_digest (digest, alg, sizeof alg, &encoded, err);
  if (r < 0)
    return r;
  algfd = openat (s->blobs_fd, alg, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (algfd < 0)
    return oci_error_set (err, errno == ENOTDIR ? ELOOP : errno, "stat blob %s in %s", digest, s->path);
  if (fstatat (algfd, encoded, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return oci_error_set (err, errno, "stat blob %s in %s", digest, s->path);
  if (!S_ISREG (st.st_mode))
    return oci_error_set (err, EINVAL, "blob %s in %s is not a regular file", digest, s->path);
  if (ret_size)
    *ret_size = st.st_size;
  return 0;
}

int
oci_store_read_blob (struct oci_store *s, const char *digest, size_t max_size, char **ret, size_t *ret_len,
                     struct oci_error *err)
{
  enum oci_digest_alg alg;
  char got[OCI_DIGEST_MAX];
  cleanup_close int fd = -1;
  cleanup_free char *buf = NULL;
  int64_t size;
  size_t len = 0;
  int r;

  /* Only content we can check is handed out. */
  r = oci_digest_parse (digest, &alg, err);
  if (r < 0)
    return oci_error_wrap (err, "read blob");
  r = oci_store_open_blob (s, digest, &fd, &size, err);
  if (r < 0)
    return r;
  if ((uint64_t) size > max_size)
    return oci_error_set (err, EFBIG, "blob %s: %" PRId64 " bytes, more than the %zu allowed", digest, size,
                          max_size);
  buf = malloc (size + 1);
  if (!buf)
    return oci_error_set (err, ENOMEM, "read blob %s", digest);
  while (len < (size_t) size)
    {
      ssize_t n = read (fd, buf + len, size - len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return oci_error_set (err, errno, "read blob %s", digest);
      if (n == 0)
        break;
      len += n;
    }
  buf[len] = '\0';
  r = oci_digest_buffer (alg, buf, len, got, err);
  if (r < 0)
    return r;
  if (!oci_digest_equal (got, digest))
    return oci_error_set (err, EIO, "blob %s in %s is corrupt (its content hashes to %s)", digest, s->path, got);
  *ret = oci_steal (buf);
  if (ret_len)
    *ret_len = len;
  return 0;
}

#define READ_TYPED(fn, T, parse)                                                           \
  int fn (struct oci_store *s, const char *digest, T **ret, struct oci_error *err)          \
  {                                                                                         \
    cleanup_free char *text = NULL;                                                         \
    size_t len;                                                                             \
    int r = oci_store_read_blob (s, digest, OCI_JSON_MAX_SIZE, &text, &len, err);           \
    if (r < 0)                                                                              \
      return r;                                                                             \
    r = parse (text, len, ret, err);                                                        \
    if (r < 0)                                                                              \
      return oci_error_wrap (err, "blob %s", digest);                                       \
    return 0;                                                                               \
  }

READ_TYPED (oci_store_read_manifest, struct oci_image_manifest, oci_image_manifest_parse_text)
READ_TYPED (oci_store_read_index, struct oci_image_index, oci_image_index_parse_text)
READ_TYPED (oci_store_read_config, struct oci_image_config, oci_image_config_parse_text)
