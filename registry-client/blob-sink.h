/* A thread that takes a blob's bytes into a store blob writer: the caller
 * (the HTTP engine's thread) only copies what arrives into a small ring of
 * slots; the thread hashes and writes them, starts the kernel's writeback
 * as it goes, and at the end verifies digest and size and fsyncs
 * (oci_blob_writer_finish).  Receiving, hashing and writing then overlap,
 * on as many cores as there are blobs in flight, and the final fsync of one
 * blob never stalls the others' downloads.  The blob becomes visible only
 * when the caller commits the writer. */
#ifndef REGCTL_BLOB_SINK_H
#define REGCTL_BLOB_SINK_H

#include <stddef.h>

#include "oci/error.h"
#include "oci/store.h"

struct blob_sink;

/* Starts the thread on w (which the caller keeps owning, and must not
 * touch until blob_sink_wait has returned). */
int blob_sink_new (struct oci_blob_writer *w, const char *what, struct blob_sink **ret, struct oci_error *err);
/* Queues a copy of buf; waits while every slot is full.  Fails with the
 * thread's error once it has failed. */
int blob_sink_write (struct blob_sink *s, const void *buf, size_t len, struct oci_error *err);
/* No more bytes: the thread writes the rest, verifies, fsyncs and ends. */
int blob_sink_close (struct blob_sink *s, struct oci_error *err);
/* Waits for the thread (after close) and returns its result. */
int blob_sink_wait (struct blob_sink *s, struct oci_error *err);
/* Stops the thread (abandoning what is queued, unless it was closed and
 * waited for) and frees everything; NULL is fine. */
void blob_sink_free (struct blob_sink *s);

#endif
