/* The image store: layout shape, verified blobs, tags in index.json (also
 * in layouts written by other tools), garbage collection, and what
 * killed and concurrent processes leave behind. */
#include "unit.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "oci/digest.h"
#include "oci/image-spec.h"
#include "oci/json.h"
#include "oci/store.h"

/* ---- helpers ---- */

static int
count_temp_files (const char *store)
{
  char *dir = unit_join (store, "ingest");
  DIR *d = opendir (dir);
  struct dirent *de;
  int n = 0;

  free (dir);
  if (!d)
    return -1;
  while ((de = readdir (d)))
    if (strncmp (de->d_name, "tmp-", 4) == 0)
      n++;
  closedir (d);
  return n;
}

static int
count_blobs (const char *store)
{
  char *dir = unit_join (store, "blobs/sha256");
  DIR *d = opendir (dir);
  struct dirent *de;
  int n = 0;

  free (dir);
  if (!d)
    return -1;
  while ((de = readdir (d)))
    if (de->d_name[0] != '.')
      n++;
  closedir (d);
  return n;
}

static char *
blob_path (const char *store, const char *digest)
{
  char *p = NULL;
  const char *colon = strchr (digest, ':');
  if (asprintf (&p, "%s/blobs/%.*s/%s", store, (int) (colon - digest), digest, colon + 1) < 0)
    abort ();
  return p;
}

static bool
blob_exists (const char *store, const char *digest)
{
  char *p = blob_path (store, digest);
  bool r = access (p, F_OK) == 0;
  free (p);
  return r;
}

static void
write_file (const char *path, const char *text)
{
  FILE *f = fopen (path, "w");
  if (!f)
    abort ();
  fputs (text, f);
  fclose (f);
}

struct blob {
  char digest[OCI_DIGEST_MAX];
  int64_t size;
};

static struct blob
put (struct unit_state *st, struct oci_store *s, const char *text)
{
  struct oci_error err = { 0 };
  struct blob b = { .size = (int64_t) strlen (text) };

  if (oci_store_put_blob (s, text, strlen (text), NULL, b.digest, &err) < 0)
    unit_fail (st, __FILE__, __LINE__, "put: %s", err.msg);
  return b;
}

/* A manifest over a config and layers, stored; returns its blob. */
static struct blob
put_manifest (struct unit_state *st, struct oci_store *s, const struct blob *config, const struct blob *layers,
              size_t n_layers, const struct blob *subject)
{
  char text[8192];
  size_t len;

  len = snprintf (text, sizeof text,
                  "{\"schemaVersion\":2,\"mediaType\":\"" OCI_MEDIA_TYPE_IMAGE_MANIFEST "\","
                  "\"config\":{\"mediaType\":\"" OCI_MEDIA_TYPE_IMAGE_CONFIG "\",\"digest\":\"%s\",\"size\":%lld},"
                  "\"layers\":[",
                  config->digest, (long long) config->size);
  for (size_t i = 0; i < n_layers; i++)
    len += snprintf (text + len, sizeof text - len,
                     "%s{\"mediaType\":\"" OCI_MEDIA_TYPE_LAYER_GZIP "\",\"digest\":\"%s\",\"size\":%lld}",
                     i ? "," : "", layers[i].digest, (long long) layers[i].size);
  len += snprintf (text + len, sizeof text - len, "]");
  if (subject)
    len += snprintf (text + len, sizeof text - len,
                     ",\"subject\":{\"mediaType\":\"" OCI_MEDIA_TYPE_IMAGE_MANIFEST "\",\"digest\":\"%s\",\"size\":%lld}",
                     subject->digest, (long long) subject->size);
  snprintf (text + len, sizeof text - len, "}");
  return put (st, s, text);
}

static struct blob
put_index (struct unit_state *st, struct oci_store *s, const char *child_type, const struct blob *child)
{
  char text[2048];

  snprintf (text, sizeof text,
            "{\"schemaVersion\":2,\"mediaType\":\"" OCI_MEDIA_TYPE_IMAGE_INDEX "\",\"manifests\":["
            "{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":%lld,"
            "\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}]}",
            child_type, child->digest, (long long) child->size);
  return put (st, s, text);
}

static struct blob
put_config (struct unit_state *st, struct oci_store *s, const char *tag)
{
  char text[512];
  snprintf (text, sizeof text,
            "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]},"
            "\"config\":{\"Labels\":{\"t\":\"%s\"}}}",
            tag);
  return put (st, s, text);
}

static int
tag (struct oci_store *s, const char *ref, const char *media_type, const struct blob *b, unsigned flags,
     struct oci_error *err)
{
  struct oci_image_descriptor *d = NULL;
  int r = oci_image_descriptor_new (media_type, b->digest, b->size, &d, err);
  if (r == 0)
    r = oci_store_tag (s, ref, d, flags, err);
  oci_image_descriptor_free (d);
  return r;
}

/* The digest ref resolves to, or "" (with the error in err). */
static const char *
resolve (struct oci_store *s, const char *ref, char out[OCI_DIGEST_MAX], struct oci_error *err)
{
  struct oci_image_descriptor *d = NULL;

  out[0] = '\0';
  if (oci_store_resolve (s, ref, &d, err) == 0)
    {
      snprintf (out, OCI_DIGEST_MAX, "%s", d->digest);
      oci_image_descriptor_free (d);
    }
  return out;
}

static struct oci_store *
create_store (struct unit_state *st, const char *path)
{
  struct oci_error err = { 0 };
  struct oci_store *s = NULL;

  if (oci_store_open (path, OCI_STORE_CREATE, &s, &err) < 0)
    unit_fail (st, __FILE__, __LINE__, "create %s: %s", path, err.msg);
  return s;
}

#define HELLO_SHA256 "sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"

/* ---- tests ---- */

static void
layout_shape (struct unit_state *st)
{
  char *dir = unit_mkdtemp ("tong-store"), *path = unit_join (dir, "a/b/store"), *file;
  struct oci_error err = { 0 };
  struct oci_json *j = NULL, *want = NULL;
  struct oci_image_index *index = NULL;
  struct oci_store *s = create_store (st, path);
  struct stat sb;

  if (!s)
    goto out;
  CHECK_STR (st, oci_store_path (s), path);
  CHECK (st, oci_store_dirfd (s) >= 0);

  file = unit_join (path, "oci-layout");
  CHECK_INT (st, oci_json_parse_file (file, &j, &err), 0);
  CHECK_INT (st, oci_json_parse ("{\"imageLayoutVersion\":\"1.0.0\"}", 30, &want, &err), 0);
  CHECK (st, j && want && oci_json_equal (j, want));
  free (file);

  file = unit_join (path, "index.json");
  CHECK_INT (st, oci_image_index_parse_file (file, &index, &err), 0);
  if (index)
    {
      CHECK_INT (st, index->schema_version, 2);
      CHECK_STR (st, index->media_type, OCI_MEDIA_TYPE_IMAGE_INDEX);
      CHECK (st, index->manifests != NULL);
      CHECK_INT (st, index->manifests_len, 0);
    }
  free (file);

  file = unit_join (path, "blobs/sha256");
  CHECK (st, stat (file, &sb) == 0 && S_ISDIR (sb.st_mode));
  free (file);
  oci_store_close (s);

  /* Opening again, with and without CREATE, keeps what is there. */
  s = NULL;
  CHECK_INT (st, oci_store_open (path, 0, &s, &err), 0);
  oci_store_close (s);
  s = NULL;
  CHECK_INT (st, oci_store_open (path, OCI_STORE_CREATE, &s, &err), 0);
  oci_store_close (s);

  /* A directory that is not a layout. */
  s = NULL;
  CHECK (st, oci_store_open (dir, 0, &s, &err) < 0);
  CHECK (st, strstr (err.msg, "is not an OCI image layout") != NULL);
  CHECK (st, s == NULL);
  /* … is not turned into one when it holds other files. */
  CHECK (st, oci_store_open (dir, OCI_STORE_CREATE, &s, &err) < 0);
  CHECK (st, strstr (err.msg, "not empty and not an OCI image layout") != NULL);
  file = unit_join (dir, "oci-layout");
  CHECK (st, access (file, F_OK) < 0);
  free (file);

  /* A layout of an unknown version is refused. */
  file = unit_join (path, "oci-layout");
  write_file (file, "{\"imageLayoutVersion\":\"9.9.9\"}");
  free (file);
  CHECK (st, oci_store_open (path, 0, &s, &err) < 0);
  CHECK (st, strstr (err.msg, "unknown image layout version \"9.9.9\"") != NULL);

out:
  oci_json_free (j);
  oci_json_free (want);
  oci_image_index_free (index);
  unit_remove_tree (dir);
  free (path);
  free (dir);
}

static void
blob_roundtrip (struct unit_state *st)
{
  char *dir = unit_mkdtemp ("tong-store");
  struct oci_store *s = create_store (st, dir);
  struct oci_error err = { 0 };
  char digest[OCI_DIGEST_MAX], *text = NULL, buf[16];
  size_t len = 0;
  int64_t size = -1;
  int fd = -1;

  if (!s)
    goto out;
  CHECK_INT (st, oci_store_put_blob (s, "hello", 5, NULL, digest, &err), 0);
  CHECK_STR (st, digest, HELLO_SHA256);
  CHECK (st, blob_exists (dir, HELLO_SHA256));
  CHECK_INT (st, oci_store_stat_blob (s, HELLO_SHA256, &size, &err), 0);
  CHECK_INT (st, size, 5);
  CHECK_INT (st, oci_store_read_blob (s, HELLO_SHA256, 1024, &text, &len, &err), 0);
  CHECK_STR (st, text, "hello");
  CHECK_INT (st, len, 5);
  free (text);
  text = NULL;
  CHECK_INT (st, oci_store_read_blob (s, HELLO_SHA256, 4, &text, &len, &err), -EFBIG);
  CHECK_INT (st, oci_store_open_blob (s, HELLO_SHA256, &fd, &size, &err), 0);
  CHECK_INT (st, read (fd, buf, sizeof buf), 5);
  close (fd);

  /* Writing the same content again, verified this time, is harmless. */
  CHECK_INT (st, oci_store_put_blob (s, "hello", 5, HELLO_SHA256, digest, &err), 0);
  CHECK_INT (st, count_blobs (dir), 1);
  CHECK_INT (st, count_temp_files (dir), 0);

  /* Absent blobs are -ENOENT; malformed digests are refused, not looked up. */
  CHECK_INT (st, oci_store_stat_blob (s, "sha256:0000000000000000000000000000000000000000000000000000000000000000",
                                      NULL, &err),
             -ENOENT);
  CHECK (st, oci_store_stat_blob (s, "sha256:../../etc/passwd", NULL, &err) < 0);
  CHECK (st, strstr (err.msg, "invalid digest") != NULL);
  CHECK (st, oci_store_open_blob (s, "../x:y", &fd, NULL, &err) < 0);

  /* sha512 blobs go to blobs/sha512. */
  {
    const char *want = "sha512:9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca7"
                       "2323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043";
    CHECK_INT (st, oci_store_put_blob (s, "hello", 5, want, digest, &err), 0);
    CHECK_STR (st, digest, want);
    CHECK (st, blob_exists (dir, want));
  }

  /* A streamed blob from an fd, size unknown. */
  {
    int p[2];
    int64_t got = 0;
    CHECK_INT (st, pipe (p), 0);
    CHECK_INT (st, write (p[1], "hello", 5), 5);
    close (p[1]);
    CHECK_INT (st, oci_store_put_blob_fd (s, p[0], HELLO_SHA256, -1, digest, &got, &err), 0);
    CHECK_INT (st, got, 5);
    close (p[0]);
  }

  /* Typed readers parse what they read. */
  {
    struct blob cfg = put_config (st, s, "x");
    struct oci_image_config *c = NULL;
    struct oci_image_manifest *m = NULL;
    CHECK_INT (st, oci_store_read_config (s, cfg.digest, &c, &err), 0);
    CHECK (st, c && strcmp (c->architecture, "amd64") == 0);
    oci_image_config_free (c);
    CHECK (st, oci_store_read_manifest (s, cfg.digest, &m, &err) < 0);
    CHECK (st, strstr (err.msg, "required field is missing") != NULL);
  }

out:
  oci_store_close (s);
  unit_remove_tree (dir);
  free (dir);
}

static void
mismatches_leave_nothing (struct unit_state *st)
{
  char *dir = unit_mkdtemp ("tong-store");
  struct oci_store *s = create_store (st, dir);
  struct oci_error err = { 0 };
  struct oci_blob_writer *w = NULL;
  const char *other = "sha256:0000000000000000000000000000000000000000000000000000000000000000";
  char digest[OCI_DIGEST_MAX];

  if (!s)
    goto out;
  /* Wrong digest. */
  CHECK (st, oci_store_put_blob (s, "hello", 5, other, digest, &err) < 0);
  CHECK (st, strstr (err.msg, "digest mismatch: expected " "sha256:0000") != NULL);
  CHECK (st, strstr (err.msg, "got " HELLO_SHA256) != NULL);
  CHECK (st, !blob_exists (dir, other));
  CHECK (st, !blob_exists (dir, HELLO_SHA256));
  CHECK_INT (st, count_temp_files (dir), 0);

  /* Too short: refused at commit. */
  CHECK_INT (st, oci_store_blob_writer (s, HELLO_SHA256, 10, &w, &err), 0);
  CHECK_INT (st, oci_blob_writer_write (w, "hello", 5, &err), 0);
  CHECK_INT (st, count_temp_files (dir), 1);
  CHECK (st, oci_blob_writer_commit (w, digest, NULL, &err) < 0);
  CHECK (st, strstr (err.msg, "size mismatch: expected 10 bytes, got 5") != NULL);
  CHECK_INT (st, count_temp_files (dir), 0);
  CHECK (st, !blob_exists (dir, HELLO_SHA256));
  oci_blob_writer_free (w);

  /* Too long: refused as soon as the data passes the size. */
  w = NULL;
  CHECK_INT (st, oci_store_blob_writer (s, HELLO_SHA256, 3, &w, &err), 0);
  CHECK (st, oci_blob_writer_write (w, "hello", 5, &err) < 0);
  CHECK (st, strstr (err.msg, "size mismatch: more than the expected 3 bytes") != NULL);
  CHECK (st, oci_blob_writer_commit (w, digest, NULL, &err) < 0);
  CHECK_INT (st, count_temp_files (dir), 0);
  CHECK (st, !blob_exists (dir, HELLO_SHA256));
  oci_blob_writer_free (w);

  /* An abandoned writer removes its temporary file. */
  w = NULL;
  CHECK_INT (st, oci_store_blob_writer (s, NULL, -1, &w, &err), 0);
  CHECK_INT (st, oci_blob_writer_write (w, "hel", 3, &err), 0);
  oci_blob_writer_free (w);
  CHECK_INT (st, count_temp_files (dir), 0);
  CHECK_INT (st, count_blobs (dir), 0);

  /* Digests we cannot check are refused up front. */
  w = NULL;
  CHECK (st, oci_store_blob_writer (s, "blake3:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", 5,
                                    &w, &err)
                 < 0);
  CHECK (st, strstr (err.msg, "unsupported algorithm") != NULL);
  CHECK (st, oci_store_blob_writer (s, "sha256:nothex", 5, &w, &err) < 0);
  CHECK (st, w == NULL);

  /* A blob whose content was changed on disk is not handed out. */
  {
    char *p = NULL, *text = NULL;
    CHECK_INT (st, oci_store_put_blob (s, "hello", 5, NULL, digest, &err), 0);
    p = blob_path (dir, digest);
    write_file (p, "jello");
    CHECK_INT (st, oci_store_read_blob (s, digest, 100, &text, NULL, &err), -EIO);
    CHECK (st, strstr (err.msg, "is corrupt") != NULL);
    free (text);
    free (p);
  }

out:
  oci_store_close (s);
  unit_remove_tree (dir);
  free (dir);
}

/* finish verifies and flushes without making a blob visible; a batch
 * commit makes them all visible; a mismatch found by finish leaves
 * nothing. */
static void
finish_then_batch_commit (struct unit_state *st)
{
  char *dir = unit_mkdtemp ("tong-store");
  struct oci_store *s = create_store (st, dir);
  struct oci_error err = { 0 };
  struct oci_blob_writer *ws[2] = { NULL, NULL };
  struct oci_blob_writer *bad = NULL;
  const char *other = "sha256:0000000000000000000000000000000000000000000000000000000000000000";
  char digest[OCI_DIGEST_MAX];

  if (!s)
    goto out;
  CHECK_INT (st, oci_store_blob_writer (s, HELLO_SHA256, 5, &ws[0], &err), 0);
  CHECK_INT (st, oci_blob_writer_write (ws[0], "hel", 3, &err), 0);
  oci_blob_writer_start_writeback (ws[0]);
  CHECK_INT (st, oci_blob_writer_write (ws[0], "lo", 2, &err), 0);
  CHECK_INT (st, oci_blob_writer_finish (ws[0], &err), 0);
  CHECK_INT (st, oci_blob_writer_finish (ws[0], &err), 0);
  CHECK (st, oci_blob_writer_write (ws[0], "!", 1, &err) < 0);
  CHECK (st, !blob_exists (dir, HELLO_SHA256));
  CHECK_INT (st, count_temp_files (dir), 1);
  /* The second one is finished by the batch commit itself. */
  CHECK_INT (st, oci_store_blob_writer (s, NULL, -1, &ws[1], &err), 0);
  CHECK_INT (st, oci_blob_writer_write (ws[1], "world", 5, &err), 0);
  CHECK_INT (st, oci_blob_writers_commit (ws, 2, &err), 0);
  CHECK (st, blob_exists (dir, HELLO_SHA256));
  CHECK_INT (st, count_blobs (dir), 2);
  CHECK_INT (st, count_temp_files (dir), 0);
  CHECK_INT (st, oci_store_put_blob (s, "world", 5, NULL, digest, &err), 0);
  CHECK (st, blob_exists (dir, digest));

  CHECK_INT (st, oci_store_blob_writer (s, other, 5, &bad, &err), 0);
  CHECK_INT (st, oci_blob_writer_write (bad, "hello", 5, &err), 0);
  CHECK (st, oci_blob_writer_finish (bad, &err) < 0);
  CHECK (st, strstr (err.msg, "digest mismatch") != NULL);
  CHECK_INT (st, count_temp_files (dir), 0);
  CHECK (st, oci_blob_writers_commit (&bad, 1, &err) < 0);
  CHECK (st, !blob_exists (dir, other));

out:
  oci_blob_writer_free (ws[0]);
  oci_blob_writer_free (ws[1]);
  oci_blob_writer_free (bad);
  oci_store_close (s);
  unit_remove_tree (dir);
  free (dir);
}

static void
no_symlinks_out_of_the_store (struct unit_state *st)
{
  char *dir = unit_mkdtemp ("tong-store"), *store = unit_join (dir, "store"), *outside = unit_join (dir, "outside");
  struct oci_store *s = create_store (st, store);
  struct oci_error err = { 0 };
  char *p;
  int fd = -1;

  if (!s)
    goto out;
  /* A blob that is a symlink to a file outside. */
  write_file (outside, "hello");
  p = blob_path (store, HELLO_SHA256);
  CHECK_INT (st, symlink (outside, p), 0);
  CHECK (st, oci_store_open_blob (s, HELLO_SHA256, &fd, NULL, &err) < 0);
  CHECK_INT (st, err.errnum, ELOOP);
  CHECK (st, oci_store_stat_blob (s, HELLO_SHA256, NULL, &err) < 0);
  free (p);

  /* An algorithm directory that is a symlink to a directory outside. */
  {
    char *outdir = unit_join (dir, "outdir"), *link = unit_join (store, "blobs/sha512"), *target;
    const char *d512 = "sha512:9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca7"
                       "2323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043";
    CHECK_INT (st, mkdir (outdir, 0755), 0);
    target = unit_join (outdir, d512 + 7);
    write_file (target, "hello");
    CHECK_INT (st, symlink (outdir, link), 0);
    CHECK (st, oci_store_open_blob (s, d512, &fd, NULL, &err) < 0);
    /* Nor is a blob written through it. */
    CHECK (st, oci_store_put_blob (s, "hello", 5, d512, NULL, &err) < 0);
    free (outdir);
    free (link);
    free (target);
  }

  /* A FIFO does not hang the open. */
  {
    char digest[OCI_DIGEST_MAX];
    CHECK_INT (st, oci_store_put_blob (s, "x", 1, NULL, digest, &err), 0);
    p = blob_path (store, digest);
    unlink (p);
    CHECK_INT (st, mkfifo (p, 0644), 0);
    CHECK (st, oci_store_open_blob (s, digest, &fd, NULL, &err) < 0);
    CHECK (st, strstr (err.msg, "not a regular file") != NULL);
    free (p);
  }
  CHECK_INT (st, fd, -1);

out:
  oci_store_close (s);
  unit_remove_tree (dir);
  free (store);
  free (outside);
  free (dir);
}

static void
tag_and_resolve (struct unit_state *st)
{
  char *dir = unit_mkdtemp ("tong-store");
  struct oci_store *s = create_store (st, dir);
  struct oci_error err = { 0 };
  struct oci_image_index *index = NULL;
  char got[OCI_DIGEST_MAX], ref[300];
  struct blob cfg, layer, m;

  if (!s)
    goto out;
  cfg = put_config (st, s, "1");
  layer = put (st, s, "layer-1");
  m = put_manifest (st, s, &cfg, &layer, 1, NULL);

  CHECK_INT (st, tag (s, "busybox", OCI_MEDIA_TYPE_IMAGE_MANIFEST, &m, 0, &err), 0);
  CHECK_STR (st, resolve (s, "busybox", got, &err), m.digest);
  CHECK_STR (st, resolve (s, "busybox:latest", got, &err), m.digest);
  CHECK_STR (st, resolve (s, "docker.io/library/busybox:latest", got, &err), m.digest);
  CHECK_STR (st, resolve (s, "index.docker.io/library/busybox", got, &err), m.digest);
  CHECK_STR (st, resolve (s, "busybox:1.36", got, &err), "");
  CHECK_INT (st, err.errnum, ENOENT);
  CHECK (st, strstr (err.msg, "no image named \"busybox:1.36\"") != NULL);
  CHECK_STR (st, resolve (s, "alpine", got, &err), "");

  /* The tag on disk is the fully qualified reference. */
  CHECK_INT (st, oci_store_list (s, &index, &err), 0);
  if (index)
    {
      CHECK_INT (st, index->manifests_len, 1);
      CHECK_STR (st, oci_image_descriptor_ref_name (&index->manifests[0]), "docker.io/library/busybox:latest");
      CHECK_STR (st, index->manifests[0].digest, m.digest);
      CHECK_INT (st, index->manifests[0].size, m.size);
    }
  oci_image_index_free (index);
  index = NULL;

  /* By digest: bare, and with a name. */
  CHECK_STR (st, resolve (s, m.digest, got, &err), m.digest);
  snprintf (ref, sizeof ref, "busybox@%s", m.digest);
  CHECK_STR (st, resolve (s, ref, got, &err), m.digest);
  snprintf (ref, sizeof ref, "other/name@%s", m.digest);
  CHECK_STR (st, resolve (s, ref, got, &err), m.digest);

  /* An untagged manifest resolves by digest too, its type read from it. */
  {
    struct blob m2 = put_manifest (st, s, &cfg, NULL, 0, NULL);
    struct oci_image_descriptor *d = NULL;
    CHECK_INT (st, oci_store_resolve (s, m2.digest, &d, &err), 0);
    if (d)
      {
        CHECK_STR (st, d->media_type, OCI_MEDIA_TYPE_IMAGE_MANIFEST);
        CHECK_INT (st, d->size, m2.size);
      }
    oci_image_descriptor_free (d);
    d = NULL;
    CHECK (st, oci_store_resolve (s, cfg.digest, &d, &err) < 0);
    CHECK (st, strstr (err.msg, "is not an image manifest or index") != NULL);
    CHECK (st, oci_store_resolve (s, "sha256:0000000000000000000000000000000000000000000000000000000000000000", &d,
                                  &err)
                   == -ENOENT);
  }

  /* ref == NULL names the only image. */
  CHECK_STR (st, resolve (s, NULL, got, &err), m.digest);
  {
    char *name = NULL;
    CHECK_INT (st, oci_store_ref_name ("localhost:5000/a/b", 0, &name, &err), 0);
    CHECK_STR (st, name, "localhost:5000/a/b:latest");
    free (name);
  }

out:
  oci_store_close (s);
  unit_remove_tree (dir);
  free (dir);
}

static void
retag_moves_and_untag (struct unit_state *st)
{
  char *dir = unit_mkdtemp ("tong-store");
  struct oci_store *s = create_store (st, dir);
  struct oci_error err = { 0 };
  struct oci_image_index *index = NULL;
  char got[OCI_DIGEST_MAX];
  struct blob c1, c2, m1, m2;

  if (!s)
    goto out;
  c1 = put_config (st, s, "1");
  c2 = put_config (st, s, "2");
  m1 = put_manifest (st, s, &c1, NULL, 0, NULL);
  m2 = put_manifest (st, s, &c2, NULL, 0, NULL);

  CHECK_INT (st, tag (s, "app:1", OCI_MEDIA_TYPE_IMAGE_MANIFEST, &m1, 0, &err), 0);
  CHECK_INT (st, tag (s, "app:2", OCI_MEDIA_TYPE_IMAGE_MANIFEST, &m1, 0, &err), 0);
  CHECK_INT (st, tag (s, "docker.io/library/app:1", OCI_MEDIA_TYPE_IMAGE_MANIFEST, &m2, 0, &err), 0);
  CHECK_STR (st, resolve (s, "app:1", got, &err), m2.digest);
  CHECK_STR (st, resolve (s, "app:2", got, &err), m1.digest);
  CHECK_INT (st, oci_store_list (s, &index, &err), 0);
  CHECK_INT (st, index ? index->manifests_len : 0, 2);
  oci_image_index_free (index);
  index = NULL;

  /* Tagging the same again changes nothing. */
  CHECK_INT (st, tag (s, "app:1", OCI_MEDIA_TYPE_IMAGE_MANIFEST, &m2, 0, &err), 0);
  CHECK_INT (st, oci_store_list (s, &index, &err), 0);
  CHECK_INT (st, index ? index->manifests_len : 0, 2);
  oci_image_index_free (index);
  index = NULL;

  CHECK_INT (st, oci_store_untag (s, "app:1", &err), 0);
  CHECK_STR (st, resolve (s, "app:1", got, &err), "");
  CHECK_STR (st, resolve (s, "app:2", got, &err), m1.digest);
  CHECK_INT (st, oci_store_untag (s, "app:1", &err), -ENOENT);
  CHECK (st, strstr (err.msg, "no image named \"app:1\"") != NULL);
  /* Untagging leaves the blobs to the garbage collector. */
  CHECK (st, blob_exists (dir, m2.digest));

  /* What cannot be tagged. */
  {
    struct blob missing = { .digest = "sha256:0000000000000000000000000000000000000000000000000000000000000000",
                            .size = 3 };
    struct blob wrong_size = m1;
    char ref[200];
    wrong_size.size++;
    CHECK_INT (st, tag (s, "x", OCI_MEDIA_TYPE_IMAGE_MANIFEST, &missing, 0, &err), -ENOENT);
    CHECK (st, tag (s, "x", OCI_MEDIA_TYPE_IMAGE_MANIFEST, &wrong_size, 0, &err) < 0);
    CHECK (st, strstr (err.msg, "the descriptor says") != NULL);
    CHECK (st, tag (s, "x", OCI_MEDIA_TYPE_IMAGE_CONFIG, &c1, 0, &err) < 0);
    CHECK (st, strstr (err.msg, "not an image manifest or index") != NULL);
    CHECK (st, tag (s, "Busybox", OCI_MEDIA_TYPE_IMAGE_MANIFEST, &m1, 0, &err) < 0);
    snprintf (ref, sizeof ref, "x@%s", m1.digest);
    CHECK (st, tag (s, ref, OCI_MEDIA_TYPE_IMAGE_MANIFEST, &m1, 0, &err) < 0);
    CHECK (st, strstr (err.msg, "cannot hold a digest") != NULL);
    CHECK (st, tag (s, "bad name", OCI_MEDIA_TYPE_IMAGE_MANIFEST, &m1, OCI_STORE_REF_VERBATIM, &err) < 0);
    CHECK (st, tag (s, "a..b", OCI_MEDIA_TYPE_IMAGE_MANIFEST, &m1, OCI_STORE_REF_VERBATIM, &err) < 0);
    CHECK (st, tag (s, "-a", OCI_MEDIA_TYPE_IMAGE_MANIFEST, &m1, OCI_STORE_REF_VERBATIM, &err) < 0);
  }
  CHECK_INT (st, oci_store_list (s, &index, &err), 0);
  CHECK_INT (st, index ? index->manifests_len : 0, 1);
  oci_image_index_free (index);

out:
  oci_store_close (s);
  unit_remove_tree (dir);
  free (dir);
}

/* index.json as skopeo and umoci write it: short names, no names. */
static void
foreign_layouts (struct unit_state *st)
{
  char *dir = unit_mkdtemp ("tong-store"), *file = unit_join (dir, "index.json");
  struct oci_store *s = create_store (st, dir);
  struct oci_error err = { 0 };
  struct oci_image_index *index = NULL;
  char got[OCI_DIGEST_MAX], text[4096];
  struct blob c1, c2, c3, m1, m2, m3;

  if (!s)
    goto out;
  c1 = put_config (st, s, "1");
  c2 = put_config (st, s, "2");
  c3 = put_config (st, s, "3");
  m1 = put_manifest (st, s, &c1, NULL, 0, NULL);
  m2 = put_manifest (st, s, &c2, NULL, 0, NULL);
  m3 = put_manifest (st, s, &c3, NULL, 0, NULL);

  snprintf (text, sizeof text,
            "{\"schemaVersion\":2,\"manifests\":["
            "{\"mediaType\":\"" OCI_MEDIA_TYPE_IMAGE_MANIFEST "\",\"digest\":\"%s\",\"size\":%lld,"
            "\"annotations\":{\"org.opencontainers.image.ref.name\":\"latest\"}},"
            "{\"mediaType\":\"" OCI_MEDIA_TYPE_IMAGE_MANIFEST "\",\"digest\":\"%s\",\"size\":%lld,"
            "\"annotations\":{\"org.opencontainers.image.ref.name\":\"nginx:1.25\"}},"
            "{\"mediaType\":\"" OCI_MEDIA_TYPE_IMAGE_MANIFEST "\",\"digest\":\"%s\",\"size\":%lld}"
            "],\"x-tool\":\"kept\"}",
            m1.digest, (long long) m1.size, m2.digest, (long long) m2.size, m3.digest, (long long) m3.size);
  write_file (file, text);

  /* skopeo's `oci:DIR:latest`: the name as typed. */
  CHECK_STR (st, resolve (s, "latest", got, &err), m1.digest);
  /* A short name that normalises to what was asked. */
  CHECK_STR (st, resolve (s, "nginx:1.25", got, &err), m2.digest);
  CHECK_STR (st, resolve (s, "docker.io/library/nginx:1.25", got, &err), m2.digest);
  /* Entries without a name are reachable by digest only. */
  CHECK_STR (st, resolve (s, m3.digest, got, &err), m3.digest);
  CHECK_STR (st, resolve (s, NULL, got, &err), "");
  CHECK (st, strstr (err.msg, "holds 3 images") != NULL);

  /* Tagging keeps the foreign entries and unknown members; a normalised
   * tag replaces the short entry naming the same image. */
  CHECK_INT (st, tag (s, "nginx:1.25", OCI_MEDIA_TYPE_IMAGE_MANIFEST, &m1, 0, &err), 0);
  CHECK_INT (st, tag (s, "v2", OCI_MEDIA_TYPE_IMAGE_MANIFEST, &m3, OCI_STORE_REF_VERBATIM, &err), 0);
  CHECK_STR (st, resolve (s, "nginx:1.25", got, &err), m1.digest);
  CHECK_STR (st, resolve (s, "v2", got, &err), m3.digest);
  CHECK_INT (st, oci_store_list (s, &index, &err), 0);
  if (index)
    {
      CHECK_INT (st, index->manifests_len, 4);
      CHECK_STR (st, oci_image_descriptor_ref_name (&index->manifests[0]), "latest");
      CHECK (st, oci_image_descriptor_ref_name (&index->manifests[1]) == NULL);
      CHECK_STR (st, oci_image_descriptor_ref_name (&index->manifests[2]), "docker.io/library/nginx:1.25");
      CHECK_STR (st, oci_image_descriptor_ref_name (&index->manifests[3]), "v2");
      CHECK (st, oci_json_get (index->extra, "x-tool") != NULL);
    }
  oci_image_index_free (index);
  index = NULL;

  /* A layout with one unnamed image and no mediaType in index.json. */
  snprintf (text, sizeof text,
            "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"" OCI_MEDIA_TYPE_IMAGE_MANIFEST
            "\",\"digest\":\"%s\",\"size\":%lld}]}",
            m2.digest, (long long) m2.size);
  write_file (file, text);
  CHECK_STR (st, resolve (s, NULL, got, &err), m2.digest);
  unlink (file);
  /* An absent index.json is an empty one. */
  CHECK_INT (st, oci_store_list (s, &index, &err), 0);
  CHECK_INT (st, index ? index->manifests_len : 1, 0);
  oci_image_index_free (index);
  CHECK_STR (st, resolve (s, NULL, got, &err), "");
  CHECK_INT (st, err.errnum, ENOENT);

  /* An invalid index.json is reported with its path. */
  write_file (file, "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"a/b\",\"digest\":\"x\",\"size\":1}]}");
  CHECK_STR (st, resolve (s, "latest", got, &err), "");
  CHECK (st, strstr (err.msg, "index.json: manifests[0].digest: invalid digest") != NULL);

out:
  oci_store_close (s);
  unit_remove_tree (dir);
  free (file);
  free (dir);
}

static void
gc_keeps_reachable (struct unit_state *st)
{
  char *dir = unit_mkdtemp ("tong-store");
  struct oci_store *s = create_store (st, dir);
  struct oci_error err = { 0 };
  struct oci_store_gc_stats stats = { 0 };
  struct blob ca, cb, cart, l1, l2, l3, ma, mb, inner, outer, art, u1, u2, sig_layer;
  struct blob layers_a[2], layers_b[2];

  if (!s)
    goto out;
  /* Image A: manifest ma → ca, l1, l2. */
  ca = put_config (st, s, "a");
  l1 = put (st, s, "layer-1");
  l2 = put (st, s, "layer-2 (shared)");
  layers_a[0] = l1;
  layers_a[1] = l2;
  ma = put_manifest (st, s, &ca, layers_a, 2, NULL);
  /* Image B through a nested index: outer → inner → mb → cb, l2, l3. */
  cb = put_config (st, s, "b");
  l3 = put (st, s, "layer-3");
  layers_b[0] = l2;
  layers_b[1] = l3;
  mb = put_manifest (st, s, &cb, layers_b, 2, NULL);
  inner = put_index (st, s, OCI_MEDIA_TYPE_IMAGE_MANIFEST, &mb);
  outer = put_index (st, s, OCI_MEDIA_TYPE_IMAGE_INDEX, &inner);
  /* An artifact whose subject is an untagged manifest of its own. */
  cart = put_config (st, s, "subject");
  {
    struct blob subject_m = put_manifest (st, s, &cart, NULL, 0, NULL);
    sig_layer = put (st, s, "signature");
    art = put_manifest (st, s, &ca, &sig_layer, 1, &subject_m);
    cart = subject_m;  /* keep the subject manifest's blob to check below */
  }
  /* Garbage. */
  u1 = put (st, s, "unreferenced-1");
  u2 = put_config (st, s, "unreferenced-2");

  CHECK_INT (st, tag (s, "a", OCI_MEDIA_TYPE_IMAGE_MANIFEST, &ma, 0, &err), 0);
  CHECK_INT (st, tag (s, "b", OCI_MEDIA_TYPE_IMAGE_INDEX, &outer, 0, &err), 0);
  CHECK_INT (st, tag (s, "sig", OCI_MEDIA_TYPE_IMAGE_MANIFEST, &art, 0, &err), 0);

  CHECK_INT (st, oci_store_gc (s, 0, &stats, &err), 0);
  CHECK_INT (st, stats.blobs_removed, 2);
  CHECK_INT (st, stats.bytes_removed, u1.size + u2.size);
  CHECK (st, !blob_exists (dir, u1.digest));
  CHECK (st, !blob_exists (dir, u2.digest));
  {
    const struct blob *kept[] = { &ca, &l1, &l2, &ma, &cb, &l3, &mb, &inner, &outer, &art, &sig_layer, &cart };
    for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++)
      if (!blob_exists (dir, kept[i]->digest))
        unit_fail (st, __FILE__, __LINE__, "gc removed reachable blob %zu", i);
    CHECK_INT (st, stats.blobs_kept, sizeof kept / sizeof kept[0] + 1);  /* + the subject's config */
  }

  /* Removing A frees what only A used; the shared layer stays. */
  CHECK_INT (st, oci_store_remove (s, "a", OCI_STORE_REMOVE_GC, &stats, &err), 0);
  CHECK (st, !blob_exists (dir, ma.digest));
  CHECK (st, !blob_exists (dir, l1.digest));
  CHECK (st, blob_exists (dir, ca.digest));  /* the artifact still uses it */
  CHECK (st, blob_exists (dir, l2.digest));
  CHECK_INT (st, stats.blobs_removed, 2);

  /* Everything goes once nothing is tagged; files of other tools stay. */
  {
    char *other = unit_join (dir, "blobs/sha256/oci-put-blob123");
    write_file (other, "x");
    CHECK_INT (st, oci_store_untag (s, "b", &err), 0);
    CHECK_INT (st, oci_store_untag (s, "sig", &err), 0);
    CHECK_INT (st, oci_store_gc (s, 0, &stats, &err), 0);
    CHECK_INT (st, count_blobs (dir), 1);
    CHECK (st, access (other, F_OK) == 0);
    free (other);
  }

  /* A reachable manifest that cannot be read stops the collection. */
  {
    struct blob keep = put (st, s, "keep me");
    struct blob m = put_manifest (st, s, &keep, NULL, 0, NULL);
    char *p = blob_path (dir, m.digest);
    CHECK_INT (st, tag (s, "m", OCI_MEDIA_TYPE_IMAGE_MANIFEST, &m, 0, &err), 0);
    write_file (p, "{\"not\":\"it\"}");
    CHECK (st, oci_store_gc (s, 0, &stats, &err) < 0);
    CHECK (st, strstr (err.msg, "is corrupt") != NULL);
    CHECK (st, blob_exists (dir, keep.digest));
    free (p);
  }

out:
  oci_store_close (s);
  unit_remove_tree (dir);
  free (dir);
}

/* A writer killed half way leaves a temporary file and no blob; the next
 * open that is alone with the store, or the next collection, removes it. */
static void
killed_writer (struct unit_state *st)
{
  char *dir = unit_mkdtemp ("tong-store");
  struct oci_store *s = create_store (st, dir);
  struct oci_error err = { 0 };
  struct oci_store_gc_stats stats = { 0 };
  int status;
  pid_t pid;

  if (!s)
    goto out;
  oci_store_close (s);
  s = NULL;

  for (int round = 0; round < 2; round++)
    {
      pid = fork ();
      if (pid == 0)
        {
          struct oci_store *cs = NULL;
          struct oci_blob_writer *w = NULL;
          if (oci_store_open (dir, 0, &cs, &err) < 0 || oci_store_blob_writer (cs, HELLO_SHA256, 5, &w, &err) < 0
              || oci_blob_writer_write (w, "hel", 3, &err) < 0)
            _exit (1);
          raise (SIGKILL);
          _exit (2);
        }
      CHECK (st, waitpid (pid, &status, 0) == pid && WIFSIGNALED (status));
      CHECK_INT (st, count_temp_files (dir), 1);
      CHECK (st, !blob_exists (dir, HELLO_SHA256));
      if (round == 0)
        {
          /* Alone with the store: open cleans up. */
          CHECK_INT (st, oci_store_open (dir, 0, &s, &err), 0);
          CHECK_INT (st, count_temp_files (dir), 0);
        }
      else
        {
          /* s is open, so this open cannot clean; gc can. */
          struct oci_store *s2 = NULL;
          CHECK_INT (st, oci_store_open (dir, 0, &s2, &err), 0);
          CHECK_INT (st, count_temp_files (dir), 1);
          oci_store_close (s2);
          CHECK_INT (st, oci_store_gc (s, 0, &stats, &err), 0);
          CHECK_INT (st, stats.temp_removed, 1);
          CHECK_INT (st, count_temp_files (dir), 0);
        }
    }
  /* The layout is as before: no blob, no tag. */
  CHECK_INT (st, count_blobs (dir), 0);

out:
  oci_store_close (s);
  unit_remove_tree (dir);
  free (dir);
}

/* Collection waits for, or refuses, other processes using the store: a
 * blob they wrote but have not tagged yet must survive. */
static void
gc_respects_other_handles (struct unit_state *st)
{
  char *dir = unit_mkdtemp ("tong-store");
  struct oci_store *s = create_store (st, dir);
  struct oci_error err = { 0 };
  struct oci_store_gc_stats stats = { 0 };
  char digest[OCI_DIGEST_MAX];
  int to_child[2], from_child[2], status;
  char c;
  pid_t pid;

  if (!s)
    goto out;
  CHECK_INT (st, pipe (to_child), 0);
  CHECK_INT (st, pipe (from_child), 0);
  pid = fork ();
  if (pid == 0)
    {
      struct oci_store *cs = NULL;
      close (to_child[1]);
      close (from_child[0]);
      if (oci_store_open (dir, 0, &cs, &err) < 0 || oci_store_put_blob (cs, "hello", 5, NULL, digest, &err) < 0)
        _exit (1);
      if (write (from_child[1], "r", 1) != 1 || read (to_child[0], &c, 1) != 1)
        _exit (1);
      oci_store_close (cs);
      _exit (0);
    }
  close (to_child[0]);
  close (from_child[1]);
  CHECK_INT (st, read (from_child[0], &c, 1), 1);

  CHECK_INT (st, oci_store_gc (s, 0, &stats, &err), -EBUSY);
  CHECK (st, strstr (err.msg, "in use by another process") != NULL);
  CHECK (st, blob_exists (dir, HELLO_SHA256));
  /* The failed attempt gave our shared lock back: another collector
   * still sees the store in use. */
  pid_t pid2 = fork ();
  if (pid2 == 0)
    {
      struct oci_store *cs = NULL;
      if (oci_store_open (dir, 0, &cs, &err) < 0)
        _exit (1);
      _exit (oci_store_gc (cs, 0, NULL, &err) == -EBUSY ? 0 : 2);
    }
  CHECK (st, waitpid (pid2, &status, 0) == pid2 && WIFEXITED (status) && WEXITSTATUS (status) == 0);

  CHECK_INT (st, write (to_child[1], "g", 1), 1);
  CHECK (st, waitpid (pid, &status, 0) == pid && WIFEXITED (status) && WEXITSTATUS (status) == 0);
  CHECK_INT (st, oci_store_gc (s, OCI_STORE_GC_WAIT, &stats, &err), 0);
  CHECK (st, !blob_exists (dir, HELLO_SHA256));
  close (to_child[1]);
  close (from_child[0]);

out:
  oci_store_close (s);
  unit_remove_tree (dir);
  free (dir);
}

#define TAGGERS 8
#define TAGS_EACH 25

/* Two processes tagging at the same time lose nothing. */
static void
concurrent_taggers (struct unit_state *st)
{
  char *dir = unit_mkdtemp ("tong-store");
  struct oci_store *s = create_store (st, dir);
  struct oci_error err = { 0 };
  struct oci_image_index *index = NULL;
  pid_t pids[TAGGERS];
  struct blob cfg, m;
  int failures = 0;

  if (!s)
    goto out;
  cfg = put_config (st, s, "c");
  m = put_manifest (st, s, &cfg, NULL, 0, NULL);
  oci_store_close (s);
  s = NULL;

  for (int i = 0; i < TAGGERS; i++)
    {
      pids[i] = fork ();
      if (pids[i] == 0)
        {
          struct oci_store *cs = NULL;
          char ref[64];
          /* Each child also creates the store, racing the others. */
          if (oci_store_open (dir, OCI_STORE_CREATE, &cs, &err) < 0)
            _exit (1);
          for (int k = 0; k < TAGS_EACH; k++)
            {
              snprintf (ref, sizeof ref, "proc%d/img:t%d", i, k);
              if (tag (cs, ref, OCI_MEDIA_TYPE_IMAGE_MANIFEST, &m, 0, &err) < 0)
                {
                  fprintf (stderr, "%s\n", err.msg);
                  _exit (2);
                }
            }
          oci_store_close (cs);
          _exit (0);
        }
    }
  for (int i = 0; i < TAGGERS; i++)
    {
      int status;
      if (waitpid (pids[i], &status, 0) != pids[i] || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
        failures++;
    }
  CHECK_INT (st, failures, 0);

  CHECK_INT (st, oci_store_open (dir, 0, &s, &err), 0);
  if (!s)
    goto out;
  for (int i = 0; i < TAGGERS; i++)
    for (int k = 0; k < TAGS_EACH; k++)
      {
        char ref[64], got[OCI_DIGEST_MAX];
        snprintf (ref, sizeof ref, "proc%d/img:t%d", i, k);
        if (strcmp (resolve (s, ref, got, &err), m.digest) != 0)
          unit_fail (st, __FILE__, __LINE__, "%s lost: %s", ref, err.msg);
      }
  CHECK_INT (st, oci_store_list (s, &index, &err), 0);
  CHECK_INT (st, index ? index->manifests_len : 0, TAGGERS * TAGS_EACH);
  oci_image_index_free (index);
  CHECK_INT (st, count_temp_files (dir), 0);

out:
  oci_store_close (s);
  unit_remove_tree (dir);
  free (dir);
}

/* Processes creating the same fresh store at once all succeed, and the
 * tags they add right after survive each other's creation. */
static void
concurrent_create (struct unit_state *st)
{
  char *dir = unit_mkdtemp ("tong-store"), *path = unit_join (dir, "new/store");
  struct oci_error err = { 0 };
  struct oci_store *s = NULL;
  struct oci_image_index *index = NULL;
  pid_t pids[TAGGERS];
  int failures = 0;

  for (int i = 0; i < TAGGERS; i++)
    {
      pids[i] = fork ();
      if (pids[i] == 0)
        {
          struct oci_store *cs = NULL;
          char cfg_text[64], ref[32];
          struct unit_state ignored = { 0 };
          struct blob c, m;
          if (oci_store_open (path, OCI_STORE_CREATE, &cs, &err) < 0)
            {
              fprintf (stderr, "%s\n", err.msg);
              _exit (1);
            }
          snprintf (cfg_text, sizeof cfg_text, "%d", i);
          c = put_config (&ignored, cs, cfg_text);
          m = put_manifest (&ignored, cs, &c, NULL, 0, NULL);
          snprintf (ref, sizeof ref, "img:%d", i);
          _exit (ignored.failed_checks || tag (cs, ref, OCI_MEDIA_TYPE_IMAGE_MANIFEST, &m, 0, &err) < 0 ? 2 : 0);
        }
    }
  for (int i = 0; i < TAGGERS; i++)
    {
      int status;
      if (waitpid (pids[i], &status, 0) != pids[i] || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
        failures++;
    }
  CHECK_INT (st, failures, 0);
  CHECK_INT (st, oci_store_open (path, 0, &s, &err), 0);
  if (s)
    {
      CHECK_INT (st, oci_store_list (s, &index, &err), 0);
      CHECK_INT (st, index ? index->manifests_len : 0, TAGGERS);
      oci_image_index_free (index);
      oci_store_close (s);
    }
  unit_remove_tree (dir);
  free (path);
  free (dir);
}

static void
default_path (struct unit_state *st)
{
  struct oci_error err = { 0 };
  char *saved = getenv ("TONG_ROOT") ? strdup (getenv ("TONG_ROOT")) : NULL;
  char *p = NULL;

  setenv ("TONG_ROOT", "/srv/tong", 1);
  CHECK_INT (st, oci_store_default_path (&p, &err), 0);
  CHECK_STR (st, p, "/srv/tong/images");
  free (p);
  if (saved)
    setenv ("TONG_ROOT", saved, 1);
  else
    unsetenv ("TONG_ROOT");
  free (saved);
}

int
main (void)
{
  struct unit_totals totals = { 0 };

  RUN (layout_shape);
  RUN (blob_roundtrip);
  RUN (mismatches_leave_nothing);
  RUN (finish_then_batch_commit);
  RUN (no_symlinks_out_of_the_store);
  RUN (tag_and_resolve);
  RUN (retag_moves_and_untag);
  RUN (foreign_layouts);
  RUN (gc_keeps_reachable);
  RUN (killed_writer);
  RUN (gc_respects_other_handles);
  RUN (concurrent_taggers);
  RUN (concurrent_create);
  RUN (default_path);
  return unit_done (&totals);
}
