/* What the store-*.c files share: the handle and the file primitives every
 * write goes through.  Internal to oci-spec/. */
#ifndef OCI_STORE_INTERNAL_H
#define OCI_STORE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "oci/error.h"
#include "oci/store.h"

struct oci_store {
  char *path;
  int dirfd;
  int blobs_fd;
  int ingest_fd;   /* -1 when the store is read-only */
  int gc_lock_fd;  /* LOCK_SH for the handle's life; -1 when read-only */
};

#define STORE_INGEST "ingest"
#define STORE_TMP_PREFIX "tmp-"
#define STORE_GC_LOCK "gc.lock"
#define STORE_INDEX_LOCK "index.lock"
/* "tmp-" + 16 hex digits + NUL */
#define STORE_TMP_NAME_MAX 24

/* -EROFS with a message when the store was opened read-only. */
int store_require_writable (const struct oci_store *s, struct oci_error *err);

/* flock() retried on EINTR; `what` names the lock in errors. */
int store_flock (int fd, int op, const char *what, struct oci_error *err);

/* Creates ingest/tmp-<random> exclusively; returns its fd. */
int store_tmp_create (struct oci_store *s, char name[STORE_TMP_NAME_MAX], struct oci_error *err);

/* Replaces dirfd/name with buf atomically and durably: temporary file,
 * fsync, rename, fsync of the directory. */
int store_replace_file (struct oci_store *s, int dirfd, const char *name, const void *buf, size_t len,
                        struct oci_error *err);

/* Splits a digest that passes the grammar into its algorithm (copied to
 * alg, at most alg_size - 1 bytes) and encoded part; the pieces are safe
 * as path components (no '/', never "." or ".."). */
int store_split_digest (const char *digest, char *alg, size_t alg_size, const char **encoded,
                        struct oci_error *err);

/* index.json as a struct; an absent file reads as an empty index. */
int store_read_index_json (struct oci_store *s, struct oci_image_index **ret, struct oci_error *err);

/* Removes the temporary files in ingest/; only while nobody else holds
 * the store (gc.lock held exclusively). */
int store_remove_temp_files (struct oci_store *s, size_t *ret_removed, struct oci_error *err);

#endif
