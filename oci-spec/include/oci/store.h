/* The image store (DESIGN.md §1): an OCI image layout directory holding
 * many images.  `oci-layout`, `index.json` and `blobs/<alg>/<encoded>` are
 * the standard's; the store adds `ingest/`, which holds blobs being
 * written (`tmp-*`) and two lock files, and which other tools ignore.
 *
 *  - A blob becomes visible only once its digest and size are verified:
 *    it is written to ingest/, fsync'ed, checked, then renamed into
 *    blobs/ and the directory fsync'ed.  A writer killed half way leaves
 *    only a temporary file, removed by the next garbage collection or by
 *    the next open that finds nobody else using the store.
 *  - Each tag is a descriptor in index.json whose annotation
 *    `org.opencontainers.image.ref.name` holds the fully qualified
 *    reference (`busybox` → `docker.io/library/busybox:latest`).
 *    index.json is replaced atomically (temporary file, fsync, rename)
 *    while `ingest/index.lock` is held with flock(LOCK_EX), so concurrent
 *    taggers lose nothing.
 *  - Every open handle holds flock(LOCK_SH) on `ingest/gc.lock`; garbage
 *    collection needs LOCK_EX, so it never removes a blob that another
 *    process has written but not tagged yet.
 *
 * Any OCI layout works (umoci, skopeo, buildah): descriptors without a
 * ref.name, or with a short one such as skopeo's `latest`, resolve too.
 * A store without write access opens read-only.  A handle belongs to one
 * process: do not use it on both sides of a fork. */
#ifndef OCI_STORE_H
#define OCI_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "oci/digest.h"
#include "oci/error.h"
#include "oci/image-spec.h"

struct oci_store;

enum {
  /* Create the layout (and missing parent directories) when absent.  An
   * existing directory that holds other files is refused. */
  OCI_STORE_CREATE = 1 << 0,
};

int oci_store_open (const char *path, unsigned flags, struct oci_store **ret, struct oci_error *err);
void oci_store_close (struct oci_store *s);
static inline void
oci_store_closep (struct oci_store **s)
{
  oci_store_close (*s);
}
#define cleanup_store __attribute__ ((cleanup (oci_store_closep)))

const char *oci_store_path (const struct oci_store *s);
/* The layout directory, for callers that read other files relative to it. */
int oci_store_dirfd (const struct oci_store *s);

/* $TONG_ROOT/images; TONG_ROOT defaults to /var/lib/tong for root and to
 * $XDG_DATA_HOME/tong (~/.local/share/tong) otherwise.  New string. */
int oci_store_default_path (char **ret, struct oci_error *err);

/* ---- Blobs ---- */

/* A blob being written.  expected_digest (NULL: unknown, sha256 is
 * computed) selects the algorithm; expected_size (-1: unknown) is
 * enforced as data arrives. */
struct oci_blob_writer;

int oci_store_blob_writer (struct oci_store *s, const char *expected_digest, int64_t expected_size,
                           struct oci_blob_writer **ret, struct oci_error *err);
int oci_blob_writer_write (struct oci_blob_writer *w, const void *buf, size_t len, struct oci_error *err);
/* Verifies digest and size, then makes the blob visible.  ret_digest and
 * ret_size may be NULL.  On a mismatch nothing becomes visible and the
 * temporary file is removed. */
int oci_blob_writer_commit (struct oci_blob_writer *w, char ret_digest[OCI_DIGEST_MAX], int64_t *ret_size,
                            struct oci_error *err);
/* Optional, before commit.  start_writeback starts writing out what was
 * written so far without waiting, so that the final fsync has little left
 * to do.  finish verifies digest and size and makes the content durable
 * (on a mismatch the temporary file is removed, as by commit), without
 * making the blob visible: a caller with many blobs verifies them all
 * before commit, which then only renames.  No write after finish. */
void oci_blob_writer_start_writeback (struct oci_blob_writer *w);
/* Makes what was written so far durable now (fdatasync), so that finish
 * has less to wait for: on a disk with a volatile cache every flush costs
 * in proportion to what was written since the last one.  Best effort (the
 * guarantee is finish's), and the one call that may run on another thread
 * while writes go on; the writer must outlive it. */
void oci_blob_writer_sync_data (struct oci_blob_writer *w);
int oci_blob_writer_finish (struct oci_blob_writer *w, struct oci_error *err);
/* Commits n writers as commit does each, the blob directory made durable
 * once for all the renames.  On a failure, those before it are committed
 * and the failing one is discarded. */
int oci_blob_writers_commit (struct oci_blob_writer *const *ws, size_t n, struct oci_error *err);
/* Discards an uncommitted blob; NULL is fine. */
void oci_blob_writer_free (struct oci_blob_writer *w);
static inline void
oci_blob_writer_freep (struct oci_blob_writer **w)
{
  oci_blob_writer_free (*w);
}
#define cleanup_blob_writer __attribute__ ((cleanup (oci_blob_writer_freep)))

/* Everything read from fd until EOF, or a buffer, as one blob. */
int oci_store_put_blob_fd (struct oci_store *s, int fd, const char *expected_digest, int64_t expected_size,
                           char ret_digest[OCI_DIGEST_MAX], int64_t *ret_size, struct oci_error *err);
int oci_store_put_blob (struct oci_store *s, const void *buf, size_t len, const char *expected_digest,
                        char ret_digest[OCI_DIGEST_MAX], struct oci_error *err);

/* A read-only fd on a blob; ret_size may be NULL.  -ENOENT when absent.
 * Never follows a symbolic link inside blobs/. */
int oci_store_open_blob (struct oci_store *s, const char *digest, int *ret_fd, int64_t *ret_size,
                         struct oci_error *err);
/* -ENOENT when absent. */
int oci_store_stat_blob (struct oci_store *s, const char *digest, int64_t *ret_size, struct oci_error *err);
/* A whole blob, verified against its digest (-EIO when it does not match,
 * -EFBIG beyond max_size).  NUL-terminated for convenience. */
int oci_store_read_blob (struct oci_store *s, const char *digest, size_t max_size, char **ret, size_t *ret_len,
                         struct oci_error *err);
int oci_store_read_manifest (struct oci_store *s, const char *digest, struct oci_image_manifest **ret,
                             struct oci_error *err);
int oci_store_read_index (struct oci_store *s, const char *digest, struct oci_image_index **ret,
                          struct oci_error *err);
int oci_store_read_config (struct oci_store *s, const char *digest, struct oci_image_config **ret,
                           struct oci_error *err);

/* ---- References (index.json) ---- */

enum {
  /* Write the name as given instead of normalising it: for layouts shared
   * with tools that expect short names (`oci:DIR:latest`).  It must still
   * match the ref.name grammar of annotations.md. */
  OCI_STORE_REF_VERBATIM = 1 << 0,
};

/* The ref.name value tag() writes for ref: normalised
 * ("docker.io/library/busybox:latest") or, with OCI_STORE_REF_VERBATIM,
 * checked and copied.  References with a digest are refused. */
int oci_store_ref_name (const char *ref, unsigned flags, char **ret, struct oci_error *err);

/* Points ref at desc, which must be a manifest or index whose blob is in
 * the store with the declared size.  A tag of the same name that existed
 * moves (every entry naming the same image is replaced).  desc is copied;
 * its own ref.name annotation, if any, is overwritten. */
int oci_store_tag (struct oci_store *s, const char *ref, const struct oci_image_descriptor *desc, unsigned flags,
                   struct oci_error *err);

/* Removes every index.json entry that ref names.  -ENOENT when none. */
int oci_store_untag (struct oci_store *s, const char *ref, struct oci_error *err);

/* The descriptor ref names, as a new copy.  Lookup order: an entry whose
 * ref.name equals ref as typed (skopeo's `latest`), then one equal to the
 * normalised ref, then one whose ref.name normalises to the same.  A bare
 * digest ("sha256:…") or a reference with a digest finds an entry with
 * that digest (one of the same repository first) or else the blob itself,
 * whose media type is read from its content.  ref == NULL names the only
 * entry of index.json.  -ENOENT when nothing matches. */
int oci_store_resolve (struct oci_store *s, const char *ref, struct oci_image_descriptor **ret,
                       struct oci_error *err);

/* index.json as it is: manifests[i] with oci_image_descriptor_ref_name()
 * for the tag.  An absent index.json reads as an empty index. */
int oci_store_list (struct oci_store *s, struct oci_image_index **ret, struct oci_error *err);

/* ---- Garbage collection ---- */

struct oci_store_gc_stats {
  size_t blobs_kept;
  size_t blobs_removed;
  uint64_t bytes_removed;
  size_t temp_removed;
};

enum {
  /* Wait for other handles on the store to close instead of failing with
   * -EBUSY. */
  OCI_STORE_GC_WAIT = 1 << 0,
  /* oci_store_remove(): collect garbage after untagging.  When another
   * process holds the store, the untag stands and -EBUSY is returned. */
  OCI_STORE_REMOVE_GC = 1 << 1,
};

/* Removes every blob not reachable from index.json (through indexes,
 * manifests, configs, layers and subjects) and every temporary file.  A
 * manifest or index that cannot be read stops the collection before
 * anything is removed.  ret_stats may be NULL. */
int oci_store_gc (struct oci_store *s, unsigned flags, struct oci_store_gc_stats *ret_stats,
                  struct oci_error *err);

/* Untag, then collect garbage when OCI_STORE_REMOVE_GC is given (with
 * OCI_STORE_GC_WAIT honoured). */
int oci_store_remove (struct oci_store *s, const char *ref, unsigned flags, struct oci_store_gc_stats *ret_stats,
                      struct oci_error *err);

#endif
