/* References: index.json read, changed under ingest/index.lock and
 * replaced atomically; names matched the way users and other tools
 * write them. */
#include "store-internal.h"
#include "oci/cleanup.h"
#include "oci/digest.h"
#include "oci/reference.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

static bool
is_alnum (char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* annotations.md: ref ::= component ("/" component)*, component ::=
 * alphanum (separator alphanum)*, separator ::= [-._:@+] | "--". */
static bool
ref_name_grammar_ok (const char *s)
{
  const char *p = s;

  for (;;)
    {
      if (!is_alnum (*p))
        return false;
      while (is_alnum (*p))
        p++;
      if (*p == '\0')
        return true;
      if (*p == '/')
        {
          p++;
          continue;
        }
      if (p[0] == '-' && p[1] == '-')
        p += 2;
      else if (strchr ("-._:@+", *p))
        p++;
      else
        return false;
    }
}

/* The normalised form of s, or NULL when s is not a reference (entries
 * written by other tools may hold anything). */
static char *
normalize_quiet (const char *s)
{
  struct oci_error ignored = { 0 };
  cleanup_reference struct oci_reference *ref = NULL;

  if (oci_reference_parse_normalized (s, &ref, &ignored) < 0)
    return NULL;
  return oci_reference_string (ref);
}

int
oci_store_ref_name (const char *ref, unsigned flags, char **ret, struct oci_error *err)
{
  cleanup_reference struct oci_reference *parsed = NULL;
  int r;

  if (flags & OCI_STORE_REF_VERBATIM)
    {
      if (!ref_name_grammar_ok (ref))
        return oci_error_set (err, 0, "invalid reference name \"%s\": must match the ref.name grammar of the "
                              "image-spec (alphanumerics joined by one of -._:@+ or --, components split by /)",
                              ref);
      *ret = strdup (ref);
    }
  else
    {
      r = oci_reference_parse_normalized (ref, &parsed, err);
      if (r < 0)
        return r;
      if (parsed->digest)
        return oci_error_set (err, 0, "cannot tag \"%s\": a tag cannot hold a digest", ref);
      *ret = oci_reference_string (parsed);
    }
  if (!*ret)
    return oci_error_set (err, ENOMEM, "reference %s", ref);
  return 0;
}

int
store_read_index_json (struct oci_store *s, struct oci_image_index **ret, struct oci_error *err)
{
  cleanup_close int fd = openat (s->dirfd, "index.json", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  cleanup_json struct oci_json *j = NULL;
  int r;

  if (fd < 0 && errno == ENOENT)
    return oci_image_index_new (ret, err);
  if (fd < 0)
    return oci_error_set (err, errno, "open %s/index.json", s->path);
  r = oci_json_parse_fd (fd, "index.json", &j, err);
  if (r == 0)
    r = oci_image_index_parse_json (j, ret, err);
  if (r < 0)
    return oci_error_wrap (err, "%s/index.json", s->path);
  return 0;
}

static int
write_index_json (struct oci_store *s, const struct oci_image_index *index, struct oci_error *err)
{
  cleanup_free char *text = NULL;
  size_t len;
  int r;

  r = oci_image_index_generate (index, OCI_JSON_COMPACT, &text, &len, err);
  if (r < 0)
    return r;
  return store_replace_file (s, s->dirfd, "index.json", text, len, err);
}

static int
lock_index (struct oci_store *s, struct oci_error *err)
{
  int fd, r;

  r = store_require_writable (s, err);
  if (r < 0)
    return r;
  fd = openat (s->ingest_fd, STORE_INDEX_LOCK, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0)
    return oci_error_set (err, errno, "open %s/" STORE_INGEST "/" STORE_INDEX_LOCK, s->path);
  r = store_flock (fd, LOCK_EX, STORE_INGEST "/" STORE_INDEX_LOCK, err);
  if (r < 0)
    {
      close (fd);
      return r;
    }
  return fd;
}

/* How well an index.json entry's ref.name matches what was asked for:
 * 1 equal as typed, 2 equal to the normalised form, 3 normalising to the
 * same; 0 no match. */
static int
match_rank (const char *entry, const char *raw, const char *normalized)
{
  cleanup_free char *entry_norm = NULL;

  if (!entry)
    return 0;
  if (raw && strcmp (entry, raw) == 0)
    return 1;
  if (!normalized)
    return 0;
  if (strcmp (entry, normalized) == 0)
    return 2;
  entry_norm = normalize_quiet (entry);
  return entry_norm && strcmp (entry_norm, normalized) == 0 ? 3 : 0;
}

/* Drops from index every entry naming raw/normalized, then appends add
 * (when non-NULL; the index takes it over).  Returns the number dropped. */
static int
replace_entries (struct oci_image_index *index, const char *raw, const char *normalized,
                 struct oci_image_descriptor *add, struct oci_error *err)
{
  struct oci_image_descriptor *v;
  size_t i, n = 0, dropped = 0;

  v = calloc (index->manifests_len + 1, sizeof *v);
  if (!v)
    return oci_error_set (err, ENOMEM, "index.json");
  for (i = 0; i < index->manifests_len; i++)
    {
      struct oci_image_descriptor *d = &index->manifests[i];
      if (match_rank (oci_image_descriptor_ref_name (d), raw, normalized) > 0)
        {
          oci_image_descriptor_clear (d);
          dropped++;
        }
      else
        v[n++] = *d;
    }
  if (add)
    v[n++] = *add;
  free (index->manifests);
  index->manifests = v;
  index->manifests_len = n;
  return (int) dropped;
}

static int
check_taggable (struct oci_store *s, const struct oci_image_descriptor *desc, struct oci_error *err)
{
  int64_t size;
  int r;

  r = oci_image_descriptor_validate (desc, err);
  if (r < 0)
    return oci_error_wrap (err, "tag");
  if (!oci_media_type_is_manifest (desc->media_type) && !oci_media_type_is_index (desc->media_type))
    return oci_error_set (err, 0, "tag: %s is a %s, not an image manifest or index", desc->digest,
                          desc->media_type);
  r = oci_store_stat_blob (s, desc->digest, &size, err);
  if (r < 0)
    return oci_error_wrap (err, "tag");
  if (size != desc->size)
    return oci_error_set (err, 0, "tag: blob %s holds %lld bytes, the descriptor says %lld", desc->digest,
                          (long long) size, (long long) desc->size);
  return 0;
}

int
oci_store_tag (struct oci_store *s, const char *ref, const struct oci_image_descriptor *desc, unsigned flags,
               struct oci_error *err)
{
  cleanup_free char *name = NULL;
  cleanup_free char *normalized = NULL;
  cleanup_close int lock = -1;
  cleanup_image_index struct oci_image_index *index = NULL;
  struct oci_image_descriptor entry = { 0 };
  int r;

  r = oci_store_ref_name (ref, flags, &name, err);
  if (r < 0)
    return r;
  normalized = (flags & OCI_STORE_REF_VERBATIM) ? normalize_quiet (name) : strdup (name);
  if ((r = check_taggable (s, desc, err)) < 0)
    return r;
  if ((r = oci_image_descriptor_copy (&entry, desc, err)) < 0)
    return r;
  if ((!entry.annotations && !(entry.annotations = oci_strmap_new ()))
      || oci_strmap_set (entry.annotations, OCI_ANNOTATION_REF_NAME, name) < 0)
    {
      oci_image_descriptor_clear (&entry);
      return oci_error_set (err, ENOMEM, "tag %s", name);
    }

  lock = lock_index (s, err);
  r = lock < 0 ? lock : store_read_index_json (s, &index, err);
  if (r == 0)
    r = replace_entries (index, name, normalized, &entry, err);
  if (r < 0)
    {
      oci_image_descriptor_clear (&entry);
      return r;
    }
  return write_index_json (s, index, err);
}

int
oci_store_untag (struct oci_store *s, const char *ref, struct oci_error *err)
{
  cleanup_free char *normalized = normalize_quiet (ref);
  cleanup_close int lock = -1;
  cleanup_image_index struct oci_image_index *index = NULL;
  int r;

  lock = lock_index (s, err);
  if (lock < 0)
    return lock;
  r = store_read_index_json (s, &index, err);
  if (r < 0)
    return r;
  r = replace_entries (index, ref, normalized, NULL, err);
  if (r < 0)
    return r;
  if (r == 0)
    return oci_error_set (err, ENOENT, "untag: no image named \"%s\" in %s", ref, s->path);
  return write_index_json (s, index, err);
}

static int
copy_out (const struct oci_image_descriptor *d, struct oci_image_descriptor **ret, struct oci_error *err)
{
  struct oci_image_descriptor *copy = calloc (1, sizeof *copy);
  int r;

  if (!copy)
    return oci_error_set (err, ENOMEM, "resolve");
  r = oci_image_descriptor_copy (copy, d, err);
  if (r < 0)
    {
      free (copy);
      return r;
    }
  *ret = copy;
  return 0;
}

static char *
repository_of (const char *name)
{
  struct oci_error ignored = { 0 };
  cleanup_reference struct oci_reference *ref = NULL;

  if (!name || oci_reference_parse_normalized (name, &ref, &ignored) < 0)
    return NULL;
  return oci_reference_repository (ref);
}

/* A digest names content, so an entry of the wanted repository is only a
 * preference; without any entry the blob itself answers. */
static int
resolve_digest (struct oci_store *s, const struct oci_image_index *index, const char *digest, const char *repo,
                struct oci_image_descriptor **ret, struct oci_error *err)
{
  const struct oci_image_descriptor *best = NULL;
  cleanup_free char *text = NULL;
  cleanup_json struct oci_json *j = NULL;
  const char *media_type;
  size_t i, len;
  int r;

  for (i = 0; i < index->manifests_len; i++)
    {
      const struct oci_image_descriptor *d = &index->manifests[i];
      cleanup_free char *entry_repo = NULL;

      if (!oci_digest_equal (d->digest, digest))
        continue;
      if (!best)
        best = d;
      entry_repo = repository_of (oci_image_descriptor_ref_name (d));
      if (repo && entry_repo && strcmp (repo, entry_repo) == 0)
        {
          best = d;
          break;
        }
    }
  if (best)
    return copy_out (best, ret, err);

  r = oci_store_read_blob (s, digest, OCI_JSON_MAX_SIZE, &text, &len, err);
  if (r < 0)
    return r;
  r = oci_json_parse (text, len, &j, err);
  if (r < 0)
    return oci_error_wrap (err, "blob %s", digest);
  media_type = oci_image_detect_media_type (j);
  if (!oci_media_type_is_manifest (media_type) && !oci_media_type_is_index (media_type))
    return oci_error_set (err, 0, "blob %s is not an image manifest or index", digest);
  return oci_image_descriptor_new (media_type, digest, (int64_t) len, ret, err);
}

int
oci_store_resolve (struct oci_store *s, const char *ref, struct oci_image_descriptor **ret,
                   struct oci_error *err)
{
  cleanup_image_index struct oci_image_index *index = NULL;
  cleanup_reference struct oci_reference *parsed = NULL;
  cleanup_free char *normalized = NULL;
  cleanup_free char *repo = NULL;
  struct oci_error ignored = { 0 };
  const struct oci_image_descriptor *best = NULL;
  int best_rank = 0;
  size_t i;
  int r;

  r = store_read_index_json (s, &index, err);
  if (r < 0)
    return r;

  if (!ref)
    {
      if (index->manifests_len == 1)
        return copy_out (&index->manifests[0], ret, err);
      if (index->manifests_len == 0)
        return oci_error_set (err, ENOENT, "%s holds no image", s->path);
      return oci_error_set (err, EINVAL, "%s holds %zu images: name one", s->path, index->manifests_len);
    }

  if (oci_digest_parse (ref, NULL, &ignored) == 0)
    return resolve_digest (s, index, ref, NULL, ret, err);
  if (oci_reference_parse_normalized (ref, &parsed, &ignored) == 0)
    {
      if (parsed->digest)
        {
          repo = oci_reference_repository (parsed);
          return resolve_digest (s, index, parsed->digest, repo, ret, err);
        }
      normalized = oci_reference_string (parsed);
    }

  for (i = 0; i < index->manifests_len; i++)
    {
      int rank = match_rank (oci_image_descriptor_ref_name (&index->manifests[i]), ref, normalized);
      if (rank > 0 && (best_rank == 0 || rank < best_rank))
        {
          best = &index->manifests[i];
          best_rank = rank;
        }
    }
  if (!best)
    return oci_error_set (err, ENOENT, "no image named \"%s\" in %s", ref, s->path);
  return copy_out (best, ret, err);
}

int
oci_store_list (struct oci_store *s, struct oci_image_index **ret, struct oci_error *err)
{
  return store_read_index_json (s, ret, err);
}
