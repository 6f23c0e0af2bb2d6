/* Image references of every kind, and the local ones: OCI layouts, OCI
 * archives (a layout in a tar, unpacked to and packed from a temporary
 * layout through libarchive) and the image store. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "archive-lib.h"
#include "oci/cleanup.h"
#include "oci/digest.h"
#include "oci/json.h"
#include "transport.h"

int
regctl_open_store (struct regctl_globals *g, bool create, struct oci_store **ret, struct oci_error *err)
{
  cleanup_free char *path = NULL;
  int r;

  if (g->store_path)
    return oci_store_open (g->store_path, create ? OCI_STORE_CREATE : 0, ret, err);
  r = oci_store_default_path (&path, err);
  if (r < 0)
    return r;
  return oci_store_open (path, create ? OCI_STORE_CREATE : 0, ret, err);
}

static void
remove_tree_at (int parent, const char *name, int depth)
{
  int fd;
  DIR *d;
  struct dirent *de;

  if (unlinkat (parent, name, 0) == 0 || errno == ENOENT)
    return;
  if (depth > 16)
    return;
  fd = openat (parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return;
  d = fdopendir (fd);
  if (!d)
    {
      close (fd);
      return;
    }
  while ((de = readdir (d)))
    if (strcmp (de->d_name, ".") != 0 && strcmp (de->d_name, "..") != 0)
      remove_tree_at (dirfd (d), de->d_name, depth + 1);
  closedir (d);
  unlinkat (parent, name, AT_REMOVEDIR);
}

void
regctl_remove_tree (const char *path)
{
  remove_tree_at (AT_FDCWD, path, 0);
}

/* ---- parsing ---- */

/* "DIR[:REF]": the directory and the name after the first ':'. */
static int
split_path_name (const char *s, char **ret_path, char **ret_name, struct oci_error *err)
{
  const char *colon = strchr (s, ':');

  *ret_path = colon ? strndup (s, colon - s) : strdup (s);
  *ret_name = colon && colon[1] ? strdup (colon + 1) : NULL;
  if (!*ret_path || (colon && colon[1] && !*ret_name))
    return oci_error_set (err, ENOMEM, "reference");
  if (!**ret_path)
    return oci_error_set (err, EINVAL, "invalid reference \"%s\": no path", s);
  return 0;
}

int
image_ref_parse (struct regctl_globals *g, const char *spec, enum image_default def, struct image_ref *ret,
                 struct oci_error *err)
{
  memset (ret, 0, sizeof *ret);
  ret->spec = spec;
  if (strncmp (spec, "oci:", 4) == 0)
    {
      ret->kind = IMAGE_LAYOUT;
      return split_path_name (spec + 4, &ret->path, &ret->name, err);
    }
  if (strncmp (spec, "oci-archive:", 12) == 0)
    {
      ret->kind = IMAGE_ARCHIVE;
      return split_path_name (spec + 12, &ret->path, &ret->name, err);
    }
  if (strncmp (spec, "docker://", 9) == 0 || (def == IMAGE_DEFAULT_REGISTRY && strncmp (spec, "store:", 6) != 0))
    {
      ret->kind = IMAGE_REGISTRY;
      return registry_repo_parse (g, spec, &ret->repo, &ret->ref, err);
    }
  ret->kind = IMAGE_STORE;
  if (strncmp (spec, "store:", 6) == 0)
    spec += 6;
  ret->name = strdup (spec);
  if (!ret->name)
    return oci_error_set (err, ENOMEM, "reference");
  /* A registry-like name, for tags and mounts; a bare digest is fine too. */
  if (oci_reference_parse_normalized (spec, &ret->ref, &(struct oci_error){ 0 }) < 0)
    ret->ref = NULL;
  return 0;
}

void
image_ref_clear (struct image_ref *r)
{
  registry_repo_clear (&r->repo);
  oci_reference_free (r->ref);
  oci_store_close (r->store);
  if (r->staging)
    regctl_remove_tree (r->staging);
  free (r->staging);
  free (r->path);
  free (r->name);
  memset (r, 0, sizeof *r);
}

const char *
image_ref_tag (const struct image_ref *r)
{
  switch (r->kind)
    {
    case IMAGE_REGISTRY:
      return r->ref->tag;
    case IMAGE_STORE:
    case IMAGE_LAYOUT:
    case IMAGE_ARCHIVE:
      return r->name;
    }
  return NULL;
}

/* ---- archives ---- */

static int
make_staging (struct image_ref *r, struct oci_error *err)
{
  const char *tmp = getenv ("TMPDIR");
  cleanup_free char *dir = NULL;

  if (asprintf (&dir, "%s/tong-regctl-XXXXXX", tmp && *tmp ? tmp : "/tmp") < 0)
    return oci_error_set (err, ENOMEM, "staging");
  if (!mkdtemp (dir))
    return oci_error_set (err, errno, "mkdtemp %s", dir);
  r->staging = oci_steal (dir);
  return 0;
}

/* Only the layout's own files, at safe paths: oci-layout, index.json and
 * blobs/ALG/ENCODED.  Returns the depth (0 file at the top, 1 blobs/ALG,
 * 2 a blob), or -1 to skip the entry. */
static int
layout_path (const char *path, char *alg, size_t alg_size, const char **ret_leaf)
{
  const char *p = path, *slash;

  while (strncmp (p, "./", 2) == 0)
    p += 2;
  if (strcmp (p, "oci-layout") == 0 || strcmp (p, "index.json") == 0)
    {
      *ret_leaf = p;
      return 0;
    }
  if (strncmp (p, "blobs/", 6) != 0)
    return -1;
  p += 6;
  slash = strchr (p, '/');
  if (!slash || (size_t) (slash - p) >= alg_size || slash == p)
    return -1;
  memcpy (alg, p, slash - p);
  alg[slash - p] = '\0';
  if (strcmp (alg, ".") == 0 || strcmp (alg, "..") == 0)
    return -1;
  p = slash + 1;
  if (!*p)
    return 1;
  if (strchr (p, '/') || strcmp (p, ".") == 0 || strcmp (p, "..") == 0)
    return -1;
  *ret_leaf = p;
  return 2;
}

static int
extract_archive (struct image_ref *r, struct oci_error *err)
{
  cleanup_archive_lib struct archive_lib lib = { 0 };
  const struct archive_lib *L = &lib;
  struct archive *a;
  struct archive_entry *e;
  cleanup_close int root = -1;
  cleanup_close int blobs = -1;
  cleanup_free char *buf = malloc (1 << 20);
  int r_ar, rc = 0;
  const char *name = strcmp (r->path, "-") == 0 ? "stdin" : r->path;

  rc = archive_lib_open (&lib, err);
  if (rc < 0)
    return rc;
  a = L->archive_read_new ();
  if (!a || !buf)
    {
      if (a)
        L->archive_read_free (a);
      return oci_error_set (err, ENOMEM, "archive");
    }
  L->archive_read_support_format_tar (a);
  L->archive_read_support_filter_all (a);
  if (strcmp (r->path, "-") == 0)
    r_ar = L->archive_read_open_fd (a, 0, 1 << 16);
  else
    r_ar = L->archive_read_open_filename (a, r->path, 1 << 16);
  if (r_ar != ARCHIVE_OK)
    {
      rc = oci_error_set_code (err, L->archive_errno (a) > 0 ? L->archive_errno (a) : EINVAL, "open OCI archive %s: %s",
                               name, L->archive_error_string (a));
      L->archive_read_free (a);
      return rc;
    }
  root = open (r->staging, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (root < 0)
    rc = oci_error_set (err, errno, "open %s", r->staging);
  if (rc == 0 && (mkdirat (root, "blobs", 0755) < 0 || (blobs = openat (root, "blobs", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0))
    rc = oci_error_set (err, errno, "mkdir %s/blobs", r->staging);
  while (rc == 0 && (r_ar = L->archive_read_next_header (a, &e)) == ARCHIVE_OK)
    {
      char alg[128];
      const char *leaf = NULL;
      int depth = layout_path (L->archive_entry_pathname (e), alg, sizeof alg, &leaf);
      mode_t type = L->archive_entry_filetype (e);
      cleanup_close int algfd = -1;
      cleanup_close int fd = -1;
      int dirfd;

      if (depth < 0 || (type != AE_IFREG && type != AE_IFDIR))
        continue;
      if (depth >= 1)
        {
          if (mkdirat (blobs, alg, 0755) < 0 && errno != EEXIST)
            {
              rc = oci_error_set (err, errno, "mkdir blobs/%s", alg);
              break;
            }
          if (depth == 1 || type == AE_IFDIR)
            continue;
          algfd = openat (blobs, alg, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
          if (algfd < 0)
            {
              rc = oci_error_set (err, errno, "open blobs/%s", alg);
              break;
            }
        }
      if (type != AE_IFREG)
        continue;
      dirfd = depth == 0 ? root : algfd;
      fd = openat (dirfd, leaf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
      if (fd < 0)
        {
          rc = oci_error_set (err, errno, "OCI archive %s: %s", name, L->archive_entry_pathname (e));
          break;
        }
      for (;;)
        {
          la_ssize_t n = L->archive_read_data (a, buf, 1 << 20);
          if (n < 0)
            {
              rc = oci_error_set_code (err, EIO, "read OCI archive %s: %s", name, L->archive_error_string (a));
              break;
            }
          if (n == 0)
            break;
          if ((rc = oci_write_all (fd, buf, n, L->archive_entry_pathname (e), err)) < 0)
            break;
        }
    }
  if (rc == 0 && r_ar != ARCHIVE_EOF)
    rc = oci_error_set_code (err, EIO, "read OCI archive %s: %s", name, L->archive_error_string (a));
  L->archive_read_free (a);
  return rc;
}

static int
add_file (const struct archive_lib *L, struct archive *a, int dirfd, const char *name, const char *path_in_tar, char *buf, size_t bufsize,
          struct oci_error *err)
{
  cleanup_close int fd = openat (dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  struct archive_entry *e;
  struct stat st;
  int rc = 0;

  if (fd < 0 || fstat (fd, &st) < 0)
    return oci_error_set (err, errno, "open %s", path_in_tar);
  e = L->archive_entry_new ();
  if (!e)
    return oci_error_set (err, ENOMEM, "archive");
  L->archive_entry_set_pathname (e, path_in_tar);
  L->archive_entry_set_filetype (e, AE_IFREG);
  L->archive_entry_set_perm (e, 0644);
  L->archive_entry_set_size (e, st.st_size);
  L->archive_entry_set_mtime (e, 0, 0);
  if (L->archive_write_header (a, e) != ARCHIVE_OK)
    rc = oci_error_set_code (err, EIO, "write archive: %s", L->archive_error_string (a));
  L->archive_entry_free (e);
  while (rc == 0)
    {
      ssize_t n = read (fd, buf, bufsize);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return oci_error_set (err, errno, "read %s", path_in_tar);
      if (n == 0)
        break;
      if (L->archive_write_data (a, buf, n) != n)
        rc = oci_error_set_code (err, EIO, "write archive: %s", L->archive_error_string (a));
    }
  return rc;
}

static int
add_dir (const struct archive_lib *L, struct archive *a, const char *path_in_tar, struct oci_error *err)
{
  struct archive_entry *e = L->archive_entry_new ();
  int rc = 0;

  if (!e)
    return oci_error_set (err, ENOMEM, "archive");
  L->archive_entry_set_pathname (e, path_in_tar);
  L->archive_entry_set_filetype (e, AE_IFDIR);
  L->archive_entry_set_perm (e, 0755);
  L->archive_entry_set_mtime (e, 0, 0);
  if (L->archive_write_header (a, e) != ARCHIVE_OK)
    rc = oci_error_set_code (err, EIO, "write archive: %s", L->archive_error_string (a));
  L->archive_entry_free (e);
  return rc;
}

static int
compare_names (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static int
write_blob_dir (const struct archive_lib *L, struct archive *a, int blobs, const char *alg, char *buf, size_t bufsize, struct oci_error *err)
{
  cleanup_close int fd = openat (blobs, alg, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  cleanup_dir DIR *d = NULL;
  struct dirent *de;
  char **names = NULL;
  size_t n = 0;
  char path[512];
  int rc;

  if (fd < 0)
    return oci_error_set (err, errno, "open blobs/%s", alg);
  snprintf (path, sizeof path, "blobs/%s/", alg);
  rc = add_dir (L, a, path, err);
  if (rc < 0)
    return rc;
  d = fdopendir (fd);
  if (!d)
    return oci_error_set (err, errno, "open blobs/%s", alg);
  fd = -1;
  while ((de = readdir (d)))
    {
      char **nn;
      if (de->d_name[0] == '.')
        continue;
      nn = realloc (names, (n + 1) * sizeof *nn);
      if (!nn || !(nn[n] = strdup (de->d_name)))
        {
          free (nn ? nn : names);
          return oci_error_set (err, ENOMEM, "archive");
        }
      names = nn;
      n++;
    }
  if (n)
    qsort (names, n, sizeof *names, compare_names);
  for (size_t i = 0; i < n; i++)
    {
      snprintf (path, sizeof path, "blobs/%s/%s", alg, names[i]);
      if (rc == 0)
        rc = add_file (L, a, dirfd (d), names[i], path, buf, bufsize, err);
      free (names[i]);
    }
  free (names);
  return rc;
}

static int
write_archive (struct image_ref *r, struct oci_error *err)
{
  cleanup_archive_lib struct archive_lib lib = { 0 };
  const struct archive_lib *L = &lib;
  struct archive *a;
  cleanup_close int root = -1;
  cleanup_close int blobs = -1;
  cleanup_dir DIR *d = NULL;
  cleanup_free char *buf = malloc (1 << 20);
  cleanup_free char *tmp = NULL;
  struct dirent *de;
  bool to_stdout = strcmp (r->path, "-") == 0;
  int rc;

  rc = archive_lib_open (&lib, err);
  if (rc < 0)
    return rc;
  a = L->archive_write_new ();
  if (!a || !buf)
    {
      if (a)
        L->archive_write_free (a);
      return oci_error_set (err, ENOMEM, "archive");
    }
  L->archive_write_set_format_pax_restricted (a);
  if (to_stdout)
    rc = L->archive_write_open_fd (a, 1) == ARCHIVE_OK ? 0 : oci_error_set_code (err, EIO, "write archive to stdout: %s",
                                                                           L->archive_error_string (a));
  else
    {
      /* Written beside the target, then renamed: never half an archive. */
      if (asprintf (&tmp, "%s.tmp-%d", r->path, (int) getpid ()) < 0)
        rc = oci_error_set (err, ENOMEM, "archive");
      else if (L->archive_write_open_filename (a, tmp) != ARCHIVE_OK)
        rc = oci_error_set_code (err, L->archive_errno (a) > 0 ? L->archive_errno (a) : EIO, "create %s: %s", tmp,
                                 L->archive_error_string (a));
    }
  if (rc == 0 && (root = open (r->staging, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
    rc = oci_error_set (err, errno, "open %s", r->staging);
  if (rc == 0)
    rc = add_file (L, a, root, "oci-layout", "oci-layout", buf, 1 << 20, err);
  if (rc == 0)
    rc = add_file (L, a, root, "index.json", "index.json", buf, 1 << 20, err);
  if (rc == 0)
    rc = add_dir (L, a, "blobs/", err);
  if (rc == 0 && ((blobs = openat (root, "blobs", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0
                  || !(d = fdopendir (dup (blobs)))))
    rc = oci_error_set (err, errno, "open %s/blobs", r->staging);
  while (rc == 0 && (de = readdir (d)))
    if (de->d_name[0] != '.')
      rc = write_blob_dir (L, a, blobs, de->d_name, buf, 1 << 20, err);
  if (L->archive_write_close (a) != ARCHIVE_OK && rc == 0)
    rc = oci_error_set_code (err, EIO, "write archive %s: %s", r->path, L->archive_error_string (a));
  L->archive_write_free (a);
  if (tmp)
    {
      if (rc == 0 && rename (tmp, r->path) < 0)
        rc = oci_error_set (err, errno, "rename %s to %s", tmp, r->path);
      if (rc < 0)
        unlink (tmp);
    }
  return rc;
}

/* ---- opening ---- */

int
image_ref_open_source (struct regctl_globals *g, struct image_ref *r, struct oci_error *err)
{
  int rc;

  switch (r->kind)
    {
    case IMAGE_REGISTRY:
      return 0;
    case IMAGE_STORE:
      return regctl_open_store (g, false, &r->store, err);
    case IMAGE_LAYOUT:
      return oci_store_open (r->path, 0, &r->store, err);
    case IMAGE_ARCHIVE:
      rc = make_staging (r, err);
      if (rc == 0)
        rc = extract_archive (r, err);
      if (rc == 0)
        rc = oci_store_open (r->staging, 0, &r->store, err);
      if (rc < 0)
        return oci_error_wrap (err, "%s", r->spec);
      return 0;
    }
  return 0;
}

int
image_ref_use_mirrors (struct image_ref *r, struct oci_error *err)
{
  if (r->kind != IMAGE_REGISTRY)
    return 0;
  return registry_repo_use_mirror (&r->repo, r->ref->digest ? r->ref->digest : r->ref->tag, err);
}

int
image_ref_open_dest (struct regctl_globals *g, struct image_ref *r, struct oci_error *err)
{
  int rc;

  r->dest = true;
  switch (r->kind)
    {
    case IMAGE_REGISTRY:
      return 0;
    case IMAGE_STORE:
      return regctl_open_store (g, true, &r->store, err);
    case IMAGE_LAYOUT:
      return oci_store_open (r->path, OCI_STORE_CREATE, &r->store, err);
    case IMAGE_ARCHIVE:
      rc = make_staging (r, err);
      if (rc == 0)
        rc = oci_store_open (r->staging, OCI_STORE_CREATE, &r->store, err);
      return rc;
    }
  return 0;
}

int
image_ref_finish_dest (struct image_ref *r, struct oci_error *err)
{
  if (r->kind != IMAGE_ARCHIVE)
    return 0;
  /* The staging layout's own bookkeeping stays out of the tar. */
  oci_store_close (r->store);
  r->store = NULL;
  return write_archive (r, err);
}

/* ---- reading ---- */

static int
local_manifest (struct image_ref *r, const char *digest, const char *media_type, struct registry_manifest *ret,
                struct oci_error *err)
{
  cleanup_json struct oci_json *j = NULL;
  struct registry_manifest m = { 0 };
  int rc;

  rc = oci_store_read_blob (r->store, digest, REGISTRY_MANIFEST_MAX, &m.body, &m.len, err);
  if (rc == -EFBIG)
    return oci_error_wrap (err, "manifest too large");
  if (rc < 0)
    return rc;
  if (!media_type)
    {
      rc = oci_json_parse (m.body, m.len, &j, err);
      if (rc == 0)
        media_type = oci_image_detect_media_type (j);
      if (rc < 0 || !media_type)
        {
          registry_manifest_clear (&m);
          return rc < 0 ? rc : oci_error_set (err, EINVAL, "%s: not a manifest or an index", digest);
        }
    }
  m.media_type = strdup (media_type);
  snprintf (m.digest, sizeof m.digest, "%s", digest);
  if (!m.media_type)
    {
      registry_manifest_clear (&m);
      return oci_error_set (err, ENOMEM, "manifest");
    }
  *ret = m;
  return 0;
}

int
image_get_manifest (struct image_ref *r, const char *reference, struct registry_manifest *ret, struct oci_error *err)
{
  cleanup_image_descriptor struct oci_image_descriptor *desc = NULL;
  int rc;

  if (r->kind == IMAGE_REGISTRY)
    {
      if (!reference)
        reference = r->ref->digest ? r->ref->digest : r->ref->tag;
      return registry_get_manifest (&r->repo, reference, ret, err);
    }
  if (reference)
    return local_manifest (r, reference, NULL, ret, err);
  rc = oci_store_resolve (r->store, r->name, &desc, err);
  if (rc < 0)
    {
      if (rc == -ENOENT)
        return oci_error_set_code (err, ENOENT, "%s: no such image in %s", r->name ? r->name : "(the only image)",
                                   oci_store_path (r->store));
      return rc;
    }
  return local_manifest (r, desc->digest, desc->media_type, ret, err);
}

int
image_read_blob (struct image_ref *r, const struct oci_image_descriptor *desc, size_t max, char **ret,
                 size_t *ret_len, struct oci_error *err)
{
  cleanup_http_request struct http_request *req = NULL;
  char got[OCI_DIGEST_MAX];
  enum oci_digest_alg alg;
  int rc;

  if (r->kind != IMAGE_REGISTRY)
    return oci_store_read_blob (r->store, desc->digest, max, ret, ret_len, err);
  rc = oci_digest_parse (desc->digest, &alg, err);
  if (rc < 0)
    return rc;
  if (desc->size > (int64_t) max)
    return oci_error_set (err, EFBIG, "blob %s: %lld bytes, more than the %zu allowed", desc->digest,
                          (long long) desc->size, max);
  rc = registry_blob_request (&r->repo, desc->digest, &req, err);
  if (rc < 0)
    return rc;
  req->max_body = desc->size > 0 ? (size_t) desc->size : 1;
  rc = http_perform (r->repo.host->session->http, req, err);
  if (rc < 0)
    return rc;
  if (!http_request_ok (req))
    return http_request_error (req, err);
  if ((int64_t) req->resp_len != desc->size)
    return oci_error_set (err, EIO, "blob %s: size mismatch: expected %lld bytes, got %zu", desc->digest,
                          (long long) desc->size, req->resp_len);
  rc = oci_digest_buffer (alg, req->resp_body ? req->resp_body : "", req->resp_len, got, err);
  if (rc < 0)
    return rc;
  if (!oci_digest_equal (got, desc->digest))
    return oci_error_set (err, EIO, "blob digest mismatch: expected %s, got %s", desc->digest, got);
  if (!req->resp_body && !(req->resp_body = strdup ("")))
    return oci_error_set (err, ENOMEM, "blob");
  *ret = oci_steal (req->resp_body);
  if (ret_len)
    *ret_len = req->resp_len;
  return 0;
}
