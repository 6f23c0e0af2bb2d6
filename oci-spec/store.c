/* Opening and creating an image layout, its locks, and the write
 * primitives (temporary file, fsync, rename) the other store files use. */
#include "store-internal.h"
#include "oci/cleanup.h"
#include "oci/digest.h"
#include "oci/file.h"
#include "oci/image-spec.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#define LAYOUT_TEXT "{\"imageLayoutVersion\":\"" OCI_IMAGE_LAYOUT_VERSION "\"}"

int
store_require_writable (const struct oci_store *s, struct oci_error *err)
{
  if (s->ingest_fd < 0)
    return oci_error_set (err, EROFS, "store %s is read-only", s->path);
  return 0;
}

int
store_flock (int fd, int op, const char *what, struct oci_error *err)
{
  while (flock (fd, op) < 0)
    {
      if (errno == EINTR)
        continue;
      return oci_error_set (err, errno, "lock %s", what);
    }
  return 0;
}

int
store_tmp_create (struct oci_store *s, char name[STORE_TMP_NAME_MAX], struct oci_error *err)
{
  int r = store_require_writable (s, err);
  if (r < 0)
    return r;
  for (int attempt = 0; attempt < 16; attempt++)
    {
      unsigned char rnd[8];
      int fd;

      if (getrandom (rnd, sizeof rnd, 0) != (ssize_t) sizeof rnd)
        return oci_error_set (err, errno ? errno : EIO, "getrandom");
      snprintf (name, STORE_TMP_NAME_MAX, STORE_TMP_PREFIX "%02x%02x%02x%02x%02x%02x%02x%02x", rnd[0], rnd[1],
                rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7]);
      fd = openat (s->ingest_fd, name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
      if (fd >= 0)
        return fd;
      if (errno != EEXIST)
        return oci_error_set (err, errno, "create %s/" STORE_INGEST "/%s", s->path, name);
    }
  return oci_error_set (err, EEXIST, "create a temporary file in %s/" STORE_INGEST, s->path);
}

int
store_replace_file (struct oci_store *s, int dirfd, const char *name, const void *buf, size_t len,
                    struct oci_error *err)
{
  char tmp[STORE_TMP_NAME_MAX];
  cleanup_close int fd = -1;
  int r;

  fd = store_tmp_create (s, tmp, err);
  if (fd < 0)
    return fd;
  r = oci_write_all (fd, buf, len, name, err);
  if (r == 0 && fsync (fd) < 0)
    r = oci_error_set (err, errno, "fsync %s", name);
  if (r == 0 && renameat (s->ingest_fd, tmp, dirfd, name) < 0)
    r = oci_error_set (err, errno, "rename %s/" STORE_INGEST "/%s to %s", s->path, tmp, name);
  if (r < 0)
    {
      unlinkat (s->ingest_fd, tmp, 0);
      return r;
    }
  /* The rename is durable only once the directory holding it is. */
  if (fsync (dirfd) < 0)
    return oci_error_set (err, errno, "fsync %s", s->path);
  return 0;
}

int
store_split_digest (const char *digest, char *alg, size_t alg_size, const char **encoded, struct oci_error *err)
{
  const char *colon;
  int r;

  r = oci_digest_validate_grammar (digest, err);
  if (r < 0)
    return r;
  colon = strchr (digest, ':');
  if ((size_t) (colon - digest) >= alg_size)
    return oci_error_set (err, ENAMETOOLONG, "digest \"%s\": algorithm name too long", digest);
  memcpy (alg, digest, colon - digest);
  alg[colon - digest] = '\0';
  *encoded = colon + 1;
  return 0;
}

const char *
oci_store_path (const struct oci_store *s)
{
  return s->path;
}

int
oci_store_dirfd (const struct oci_store *s)
{
  return s->dirfd;
}

int
oci_store_default_path (char **ret, struct oci_error *err)
{
  const char *root = getenv ("TONG_ROOT");
  const char *xdg = getenv ("XDG_DATA_HOME");
  const char *home = getenv ("HOME");
  int n;

  if (root && *root)
    n = asprintf (ret, "%s/images", root);
  else if (geteuid () == 0)
    n = asprintf (ret, "/var/lib/tong/images");
  else if (xdg && *xdg)
    n = asprintf (ret, "%s/tong/images", xdg);
  else if (home && *home)
    n = asprintf (ret, "%s/.local/share/tong/images", home);
  else
    return oci_error_set (err, ENOENT, "no default store: set TONG_ROOT, XDG_DATA_HOME or HOME");
  if (n < 0)
    return oci_error_set (err, ENOMEM, "default store path");
  return 0;
}

void
oci_store_close (struct oci_store *s)
{
  if (!s)
    return;
  /* Closing the descriptors releases the flock. */
  if (s->gc_lock_fd >= 0)
    close (s->gc_lock_fd);
  if (s->ingest_fd >= 0)
    close (s->ingest_fd);
  if (s->blobs_fd >= 0)
    close (s->blobs_fd);
  if (s->dirfd >= 0)
    close (s->dirfd);
  free (s->path);
  free (s);
}

static int
mkdir_p (const char *path, struct oci_error *err)
{
  cleanup_free char *p = strdup (path);
  char *slash;

  if (!p)
    return oci_error_set (err, ENOMEM, "mkdir %s", path);
  for (slash = p + 1; (slash = strchr (slash, '/')); slash++)
    {
      *slash = '\0';
      if (mkdir (p, 0755) < 0 && errno != EEXIST)
        return oci_error_set (err, errno, "mkdir %s", p);
      *slash = '/';
    }
  if (mkdir (p, 0755) < 0 && errno != EEXIST)
    return oci_error_set (err, errno, "mkdir %s", p);
  return 0;
}

/* Creating a layout in a directory that already holds something else
 * (a mistyped --store $HOME) would scatter files there. */
static int
check_creatable (int dirfd, const char *path, struct oci_error *err)
{
  static const char *const ours[] = { "oci-layout", "index.json", "blobs", STORE_INGEST, NULL };
  cleanup_dir DIR *d = NULL;
  struct dirent *de;
  struct stat st;
  int fd;

  if (fstatat (dirfd, "oci-layout", &st, AT_SYMLINK_NOFOLLOW) == 0)
    return 0;
  fd = openat (dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 || !(d = fdopendir (fd)))
    {
      int saved = errno;
      if (fd >= 0)
        close (fd);
      return oci_error_set (err, saved, "open %s", path);
    }
  while ((errno = 0, de = readdir (d)))
    {
      const char *const *o;
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      for (o = ours; *o && strcmp (*o, de->d_name) != 0; o++)
        ;
      if (!*o)
        return oci_error_set (err, EEXIST, "%s is not empty and not an OCI image layout (it holds \"%s\")", path,
                              de->d_name);
    }
  if (errno)
    return oci_error_set (err, errno, "read directory %s", path);
  return 0;
}

static int
mkdirat_ok (int dirfd, const char *name, const char *path, struct oci_error *err)
{
  if (mkdirat (dirfd, name, 0755) < 0 && errno != EEXIST)
    return oci_error_set (err, errno, "mkdir %s/%s", path, name);
  return 0;
}

static int
open_subdir (int dirfd, const char *name, const char *path, struct oci_error *err)
{
  int fd = openat (dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return oci_error_set (err, errno, "open %s/%s", path, name);
  return fd;
}

/* ingest/ and its gc.lock, when the store can be written.  Without write
 * access the store is used read-only and nothing is locked. */
static int
open_ingest (struct oci_store *s, unsigned flags, struct oci_error *err)
{
  if (mkdirat (s->dirfd, STORE_INGEST, 0755) < 0 && errno != EEXIST)
    {
      if (!(flags & OCI_STORE_CREATE) && (errno == EACCES || errno == EROFS || errno == EPERM))
        return 0;
      return oci_error_set (err, errno, "mkdir %s/" STORE_INGEST, s->path);
    }
  s->ingest_fd = openat (s->dirfd, STORE_INGEST, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (s->ingest_fd < 0)
    return oci_error_set (err, errno, "open %s/" STORE_INGEST, s->path);
  s->gc_lock_fd = openat (s->ingest_fd, STORE_GC_LOCK, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (s->gc_lock_fd < 0 && (errno == EACCES || errno == EROFS))
    s->gc_lock_fd = openat (s->ingest_fd, STORE_GC_LOCK, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (s->gc_lock_fd < 0)
    {
      if (!(flags & OCI_STORE_CREATE) && (errno == EACCES || errno == EROFS || errno == ENOENT))
        {
          close (s->ingest_fd);
          s->ingest_fd = -1;
          return 0;
        }
      return oci_error_set (err, errno, "open %s/" STORE_INGEST "/" STORE_GC_LOCK, s->path);
    }

  /* Alone with the store: whatever is in ingest/ was left by a writer
   * that died, so this is the moment to remove it.  Best effort: a user
   * who may only read the store must still be able to open it. */
  if (flock (s->gc_lock_fd, LOCK_EX | LOCK_NB) == 0)
    store_remove_temp_files (s, NULL, &(struct oci_error){ 0 });
  return store_flock (s->gc_lock_fd, LOCK_SH, STORE_INGEST "/" STORE_GC_LOCK, err);
}

static int
exists_at (int dirfd, const char *name, const char *path, bool *ret, struct oci_error *err)
{
  struct stat st;

  if (fstatat (dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
    {
      *ret = true;
      return 0;
    }
  if (errno != ENOENT)
    return oci_error_set (err, errno, "stat %s/%s", path, name);
  *ret = false;
  return 0;
}

/* Under the index lock, so that two processes creating the same store at
 * once cannot replace an index.json the other has already tagged into. */
static int
create_layout_files (struct oci_store *s, struct oci_error *err)
{
  cleanup_close int lock = -1;
  cleanup_free char *index_text = NULL;
  struct oci_image_index *index = NULL;
  size_t len;
  bool exists = false;
  int r;

  lock = openat (s->ingest_fd, STORE_INDEX_LOCK, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (lock < 0)
    return oci_error_set (err, errno, "open %s/" STORE_INGEST "/" STORE_INDEX_LOCK, s->path);
  r = store_flock (lock, LOCK_EX, STORE_INGEST "/" STORE_INDEX_LOCK, err);
  if (r < 0)
    return r;

  if ((r = exists_at (s->dirfd, "oci-layout", s->path, &exists, err)) < 0)
    return r;
  if (!exists && (r = store_replace_file (s, s->dirfd, "oci-layout", LAYOUT_TEXT, strlen (LAYOUT_TEXT), err)) < 0)
    return r;

  if ((r = exists_at (s->dirfd, "index.json", s->path, &exists, err)) < 0 || exists)
    return r;
  r = oci_image_index_new (&index, err);
  if (r == 0)
    r = oci_image_index_generate (index, OCI_JSON_COMPACT, &index_text, &len, err);
  oci_image_index_free (index);
  if (r < 0)
    return r;
  return store_replace_file (s, s->dirfd, "index.json", index_text, len, err);
}

static int
check_layout_file (struct oci_store *s, struct oci_error *err)
{
  cleanup_close int fd = openat (s->dirfd, "oci-layout", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  cleanup_json struct oci_json *j = NULL;
  struct oci_image_layout *layout = NULL;
  int r;

  if (fd < 0)
    return oci_error_set (err, errno, "%s is not an OCI image layout: open oci-layout", s->path);
  r = oci_json_parse_fd (fd, "oci-layout", &j, err);
  if (r == 0)
    r = oci_image_layout_parse_json (j, &layout, err);
  oci_image_layout_free (layout);
  if (r < 0)
    return oci_error_wrap (err, "%s is not a usable OCI image layout: oci-layout", s->path);
  return 0;
}

int
oci_store_open (const char *path, unsigned flags, struct oci_store **ret, struct oci_error *err)
{
  struct oci_store *s;
  int r;

  if ((flags & OCI_STORE_CREATE) && (r = mkdir_p (path, err)) < 0)
    return r;
  s = calloc (1, sizeof *s);
  if (!s)
    return oci_error_set (err, ENOMEM, "open store %s", path);
  s->dirfd = s->blobs_fd = s->ingest_fd = s->gc_lock_fd = -1;
  s->path = strdup (path);
  if (!s->path)
    {
      r = oci_error_set (err, ENOMEM, "open store %s", path);
      goto fail;
    }
  s->dirfd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (s->dirfd < 0)
    {
      r = oci_error_set (err, errno, "open store %s", path);
      goto fail;
    }
  if (flags & OCI_STORE_CREATE)
    {
      if ((r = check_creatable (s->dirfd, path, err)) < 0 || (r = mkdirat_ok (s->dirfd, "blobs", path, err)) < 0)
        goto fail;
    }
  else if ((r = check_layout_file (s, err)) < 0)
    goto fail;

  s->blobs_fd = open_subdir (s->dirfd, "blobs", path, err);
  if (s->blobs_fd < 0)
    {
      r = s->blobs_fd;
      goto fail;
    }
  if ((flags & OCI_STORE_CREATE) && (r = mkdirat_ok (s->blobs_fd, "sha256", path, err)) < 0)
    goto fail;
  if ((r = open_ingest (s, flags, err)) < 0)
    goto fail;
  if (flags & OCI_STORE_CREATE)
    {
      if ((r = create_layout_files (s, err)) < 0 || (r = check_layout_file (s, err)) < 0)
        goto fail;
    }
  *ret = s;
  return 0;

fail:
  oci_store_close (s);
  return r;
}
