/* Garbage collection: mark every blob reachable from index.json, then
 * sweep blobs/ and ingest/, with every other handle on the store closed. */
#include "store-internal.h"
#include "oci/cleanup.h"
#include "oci/digest.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* Indexes nest; the mark set already stops cycles, this bounds the
 * recursion a hostile layout could ask for. */
#define WALK_MAX_DEPTH 64

/* Open addressing over digest strings; their encoded part is already a
 * uniform hash. */
struct digest_set {
  char **slots;
  size_t cap;
  size_t len;
};

static size_t
digest_hash (const char *digest)
{
  size_t h = 5381;
  for (const char *p = digest; *p; p++)
    h = h * 33 + (unsigned char) *p;
  return h;
}

static void
digest_set_free (struct digest_set *set)
{
  for (size_t i = 0; i < set->cap; i++)
    free (set->slots[i]);
  free (set->slots);
}

static bool
digest_set_has (const struct digest_set *set, const char *digest)
{
  if (!set->cap)
    return false;
  for (size_t i = digest_hash (digest) & (set->cap - 1);; i = (i + 1) & (set->cap - 1))
    {
      if (!set->slots[i])
        return false;
      if (strcmp (set->slots[i], digest) == 0)
        return true;
    }
}

static void
insert_slot (char **slots, size_t cap, char *digest)
{
  size_t i = digest_hash (digest) & (cap - 1);
  while (slots[i])
    i = (i + 1) & (cap - 1);
  slots[i] = digest;
}

/* 1 when added, 0 when already there. */
static int
digest_set_add (struct digest_set *set, const char *digest, struct oci_error *err)
{
  char *copy;

  if (digest_set_has (set, digest))
    return 0;
  if ((set->len + 1) * 2 > set->cap)
    {
      size_t cap = set->cap ? set->cap * 2 : 64;
      char **slots = calloc (cap, sizeof *slots);
      if (!slots)
        return oci_error_set (err, ENOMEM, "gc");
      for (size_t i = 0; i < set->cap; i++)
        if (set->slots[i])
          insert_slot (slots, cap, set->slots[i]);
      free (set->slots);
      set->slots = slots;
      set->cap = cap;
    }
  copy = strdup (digest);
  if (!copy)
    return oci_error_set (err, ENOMEM, "gc");
  insert_slot (set->slots, set->cap, copy);
  set->len++;
  return 1;
}

static int walk (struct oci_store *s, struct digest_set *set, const struct oci_json *desc, int depth,
                 struct oci_error *err);

static int
walk_array (struct oci_store *s, struct digest_set *set, const struct oci_json *arr, int depth,
            struct oci_error *err)
{
  if (!arr || arr->type != OCI_JSON_ARRAY)
    return 0;
  for (size_t i = 0; i < arr->u.array.len; i++)
    {
      int r = walk (s, set, arr->u.array.items[i], depth, err);
      if (r < 0)
        return r;
    }
  return 0;
}

/* Reads the document a descriptor points to as JSON rather than through
 * the strict parsers: collection must understand whatever other tools
 * wrote, and only needs the children's digests. */
static int
walk (struct oci_store *s, struct digest_set *set, const struct oci_json *desc, int depth, struct oci_error *err)
{
  const struct oci_json *jd = oci_json_get (desc, "digest");
  const struct oci_json *jm = oci_json_get (desc, "mediaType");
  const char *digest, *media_type;
  struct oci_error ignored = { 0 };
  cleanup_free char *text = NULL;
  cleanup_json struct oci_json *doc = NULL;
  size_t len;
  int r;

  if (!jd || jd->type != OCI_JSON_STRING || oci_digest_validate_grammar (jd->u.string.str, &ignored) < 0)
    return 0;
  digest = jd->u.string.str;
  media_type = jm && jm->type == OCI_JSON_STRING ? jm->u.string.str : NULL;
  r = digest_set_add (set, digest, err);
  if (r <= 0)
    return r;
  if (!oci_media_type_is_index (media_type) && !oci_media_type_is_manifest (media_type))
    return 0;
  if (depth >= WALK_MAX_DEPTH)
    return oci_error_set (err, ELOOP, "gc: indexes nested more than %d deep at %s", WALK_MAX_DEPTH, digest);

  r = oci_store_stat_blob (s, digest, NULL, err);
  if (r == -ENOENT)
    return 0;  /* nothing below it to keep */
  if (r == 0)
    r = oci_store_read_blob (s, digest, OCI_JSON_MAX_SIZE, &text, &len, err);
  if (r == 0)
    r = oci_json_parse (text, len, &doc, err);
  if (r < 0)
    return oci_error_wrap (err, "gc: %s", digest);

  if ((r = walk_array (s, set, oci_json_get (doc, "manifests"), depth + 1, err)) < 0)
    return r;
  if ((r = walk_array (s, set, oci_json_get (doc, "layers"), depth + 1, err)) < 0)
    return r;
  if (oci_json_get (doc, "config") && (r = walk (s, set, oci_json_get (doc, "config"), depth + 1, err)) < 0)
    return r;
  if (oci_json_get (doc, "subject") && (r = walk (s, set, oci_json_get (doc, "subject"), depth + 1, err)) < 0)
    return r;
  return 0;
}

static int
mark (struct oci_store *s, struct digest_set *set, struct oci_error *err)
{
  cleanup_close int fd = openat (s->dirfd, "index.json", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  cleanup_json struct oci_json *index = NULL;
  int r;

  if (fd < 0 && errno == ENOENT)
    return 0;
  if (fd < 0)
    return oci_error_set (err, errno, "open %s/index.json", s->path);
  r = oci_json_parse_fd (fd, "index.json", &index, err);
  if (r < 0)
    return oci_error_wrap (err, "gc: %s", s->path);
  return walk_array (s, set, oci_json_get (index, "manifests"), 0, err);
}

static int
open_dir_stream (int dirfd, const char *name, DIR **ret, const char *path, struct oci_error *err)
{
  int fd = openat (dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

  if (fd < 0)
    return oci_error_set (err, errno, "open %s/%s", path, name);
  *ret = fdopendir (fd);
  if (!*ret)
    {
      int saved = errno;
      close (fd);
      return oci_error_set (err, saved, "open %s/%s", path, name);
    }
  return 0;
}

/* Entries that do not spell a digest are someone else's (another tool's
 * temporary file, say) and are left alone. */
static int
sweep_alg_dir (struct oci_store *s, const char *alg, const struct digest_set *set,
               struct oci_store_gc_stats *stats, struct oci_error *err)
{
  cleanup_dir DIR *d = NULL;
  struct dirent *de;
  bool removed = false;
  int r;

  r = open_dir_stream (s->blobs_fd, alg, &d, s->path, err);
  if (r < 0)
    return r;
  while ((errno = 0, de = readdir (d)))
    {
      char digest[512];
      struct oci_error ignored = { 0 };
      struct stat st;

      if (snprintf (digest, sizeof digest, "%s:%s", alg, de->d_name) >= (int) sizeof digest
          || oci_digest_validate_grammar (digest, &ignored) < 0)
        continue;
      if (digest_set_has (set, digest))
        {
          stats->blobs_kept++;
          continue;
        }
      if (fstatat (dirfd (d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || S_ISDIR (st.st_mode))
        continue;
      if (unlinkat (dirfd (d), de->d_name, 0) < 0)
        return oci_error_set (err, errno, "gc: remove %s/blobs/%s/%s", s->path, alg, de->d_name);
      stats->blobs_removed++;
      stats->bytes_removed += S_ISREG (st.st_mode) ? (uint64_t) st.st_size : 0;
      removed = true;
    }
  if (errno)
    return oci_error_set (err, errno, "gc: read %s/blobs/%s", s->path, alg);
  if (removed && fsync (dirfd (d)) < 0)
    return oci_error_set (err, errno, "gc: fsync %s/blobs/%s", s->path, alg);
  return 0;
}

/* descriptor.md: algorithm ::= component (separator component)*,
 * component ::= [a-z0-9]+, separator ::= [+._-]. */
static bool
algorithm_ok (const char *name)
{
  bool after_sep = true;

  for (const char *p = name; *p; p++)
    {
      bool alnum = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9');
      if (!alnum && (after_sep || !strchr ("+._-", *p)))
        return false;
      after_sep = !alnum;
    }
  return !after_sep;
}

static int
sweep (struct oci_store *s, const struct digest_set *set, struct oci_store_gc_stats *stats, struct oci_error *err)
{
  cleanup_dir DIR *d = NULL;
  struct dirent *de;
  int r;

  r = open_dir_stream (s->dirfd, "blobs", &d, s->path, err);
  if (r < 0)
    return r;
  while ((errno = 0, de = readdir (d)))
    {
      struct stat st;

      if (!algorithm_ok (de->d_name))
        continue;
      if (fstatat (dirfd (d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR (st.st_mode))
        continue;
      r = sweep_alg_dir (s, de->d_name, set, stats, err);
      if (r < 0)
        return r;
    }
  if (errno)
    return oci_error_set (err, errno, "gc: read %s/blobs", s->path);
  return 0;
}

int
store_remove_temp_files (struct oci_store *s, size_t *ret_removed, struct oci_error *err)
{
  cleanup_dir DIR *d = NULL;
  struct dirent *de;
  size_t n = 0;
  int fd;

  fd = openat (s->ingest_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 || !(d = fdopendir (fd)))
    {
      int saved = errno;
      if (fd >= 0)
        close (fd);
      return oci_error_set (err, saved, "open %s/" STORE_INGEST, s->path);
    }
  while ((errno = 0, de = readdir (d)))
    {
      if (strncmp (de->d_name, STORE_TMP_PREFIX, strlen (STORE_TMP_PREFIX)) != 0)
        continue;
      if (unlinkat (s->ingest_fd, de->d_name, 0) < 0 && errno != ENOENT)
        return oci_error_set (err, errno, "remove %s/" STORE_INGEST "/%s", s->path, de->d_name);
      n++;
    }
  if (errno)
    return oci_error_set (err, errno, "read %s/" STORE_INGEST, s->path);
  if (ret_removed)
    *ret_removed = n;
  return 0;
}

/* Converting LOCK_SH to LOCK_EX drops the shared lock first (flock(2));
 * when the exclusive one cannot be had, the shared one is taken back. */
static int
lock_exclusive (struct oci_store *s, bool wait, struct oci_error *err)
{
  int op = LOCK_EX | (wait ? 0 : LOCK_NB);

  while (flock (s->gc_lock_fd, op) < 0)
    {
      int saved = errno, r;

      if (saved == EINTR)
        continue;
      r = store_flock (s->gc_lock_fd, LOCK_SH, STORE_INGEST "/" STORE_GC_LOCK, err);
      if (r < 0)
        return r;
      if (saved == EWOULDBLOCK)
        return oci_error_set (err, EBUSY, "gc: %s is in use by another process", s->path);
      return oci_error_set (err, saved, "gc: lock %s/" STORE_INGEST "/" STORE_GC_LOCK, s->path);
    }
  return 0;
}

int
oci_store_gc (struct oci_store *s, unsigned flags, struct oci_store_gc_stats *ret_stats, struct oci_error *err)
{
  struct oci_store_gc_stats stats = { 0 };
  struct digest_set set = { 0 };
  int r, r2;

  r = store_require_writable (s, err);
  if (r < 0)
    return r;
  r = lock_exclusive (s, flags & OCI_STORE_GC_WAIT, err);
  if (r < 0)
    return r;
  r = mark (s, &set, err);
  if (r == 0)
    r = sweep (s, &set, &stats, err);
  if (r == 0)
    r = store_remove_temp_files (s, &stats.temp_removed, err);
  digest_set_free (&set);
  r2 = store_flock (s->gc_lock_fd, LOCK_SH, STORE_INGEST "/" STORE_GC_LOCK, r < 0 ? &(struct oci_error){ 0 } : err);
  if (r == 0)
    r = r2;
  if (r == 0 && ret_stats)
    *ret_stats = stats;
  return r;
}

int
oci_store_remove (struct oci_store *s, const char *ref, unsigned flags, struct oci_store_gc_stats *ret_stats,
                  struct oci_error *err)
{
  int r = oci_store_untag (s, ref, err);

  if (r < 0 || !(flags & OCI_STORE_REMOVE_GC))
    return r;
  return oci_store_gc (s, flags & OCI_STORE_GC_WAIT, ret_stats, err);
}
