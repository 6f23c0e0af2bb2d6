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

/* One thread shared by the sinks of a transfer that makes their blobs
 * durable while they are still being received (oci_blob_writer_sync_data
 * of a blob each time the sinks together have written FLUSH_EVERY bytes,
 * one flush at a time), so that the fsyncs at the end find little left to
 * flush. */
struct blob_flusher;
int blob_flusher_new (struct blob_flusher **ret, struct oci_error *err);
/* After every sink using it has ended; NULL is fine. */
void blob_flusher_free (struct blob_flusher *f);

/* Called from the sink's thread (so it must be thread-safe) once slots
 * are free again after blob_sink_offer found them full, or when the thread
 * has failed: the producer may offer again. */
typedef void (*blob_sink_wake_fn) (void *ctx);

struct blob_sink_opts {
  struct blob_flusher *flusher;  /* NULL: durable only at the end */
  blob_sink_wake_fn wake;        /* NULL when only blob_sink_write is used */
  void *wake_ctx;
};

/* Starts the thread on w (which the caller keeps owning, and must not
 * touch until blob_sink_wait has returned).  o may be NULL. */
int blob_sink_new (struct oci_blob_writer *w, const char *what, const struct blob_sink_opts *o,
                   struct blob_sink **ret, struct oci_error *err);
/* Queues a copy of buf; waits while every slot is full.  Fails with the
 * thread's error once it has failed. */
int blob_sink_write (struct blob_sink *s, const void *buf, size_t len, struct oci_error *err);
/* Queues a copy of all of buf if the free slots hold it, and returns 0;
 * otherwise takes nothing, returns BLOB_SINK_FULL and calls wake once
 * there is room.  Never waits for the thread (but for its end after a
 * failure, whose error it returns), so that an event loop feeding many
 * sinks stalls only the transfer whose sink is full. */
#define BLOB_SINK_FULL 1
int blob_sink_offer (struct blob_sink *s, const void *buf, size_t len, struct oci_error *err);
/* No more bytes: the thread writes the rest, verifies, fsyncs and ends. */
int blob_sink_close (struct blob_sink *s, struct oci_error *err);
/* Waits for the thread (after close) and returns its result. */
int blob_sink_wait (struct blob_sink *s, struct oci_error *err);
/* Stops the thread (abandoning what is queued, unless it was closed and
 * waited for) and frees everything; NULL is fine. */
void blob_sink_free (struct blob_sink *s);

#endif
