/* Blob transfers as jobs on one HTTP engine (at most --parallel blobs of
 * 1 MiB or more at a time, and as many smaller ones); transfer-image.c
 * copies whole images on top of them.
 *
 * A job copies one blob:
 *   registry → local   GET streamed into a store blob writer through its
 *                      writer thread (blob-sink.h), which hashes, writes,
 *                      verifies and fsyncs; committed (renamed, one fsync
 *                      of the directory) only when every blob of the
 *                      transfer is verified, so a failure leaves the store
 *                      as it was
 *   local → registry   HEAD, POST, then PUT (or PATCH chunks and PUT) from
 *                      the file, each a request of the engine, so that the
 *                      HEADs and POSTs of all the jobs overlap
 *   registry → registry  GET into a ring buffer that feeds the upload, the
 *                      two requests pausing each other; a cross-repository
 *                      mount first when both are on one registry
 *   local → local      the same, read from the source's file */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blob-sink.h"
#include "image.h"
#include "oci/cleanup.h"
#include "oci/json.h"
#include "progress.h"
#include "transfer.h"

/* The buffer between a download and an upload: larger than what libcurl
 * delivers at once (256 KiB, http.c), so a paused download can always be
 * taken whole once the upload has drained it. */
#define PIPE_SIZE (4u * 1024 * 1024)
/* Reads of a local source. */
#define READ_SIZE (1u << 20)

struct transfer;

struct blob_job {
  struct transfer *t;
  const struct oci_image_descriptor *desc;
  int fd;                        /* local source */
  bool own_fd;
  struct http_request *get;      /* registry source */
  struct oci_blob_writer *writer;
  struct blob_sink *sink;        /* the writer's thread (blob-sink.h) */
  struct http_request *up;       /* the HEAD, POST or upload request in flight */
  char *what;                    /* "blob host/repo@digest", for errors */
  char *location;
  uint64_t acked;                /* the registry holds [0, acked) */
  uint64_t chunk_end;            /* the request in flight sends [acked, chunk_end) */
  char *buf;                     /* ring buffer, registry → registry */
  size_t head;
  size_t fill;
  uint64_t received;             /* bytes from the source */
  uint64_t consumed;             /* bytes taken by uploads */
  struct oci_digester *digester;
  bool get_done;
  bool up_done;
  bool finished;
  struct progress_item *pi;
  struct blob_job *next;         /* all jobs */
  struct blob_job *next_queued;
};

struct transfer {
  struct regctl_globals *g;
  struct image_ref *src;
  struct image_ref *dst;
  const struct transfer_opts *o;
  const struct registry_repo *mount_from;
  struct http_engine *engine;
  struct blob_flusher *flusher;  /* shared by the jobs' writer threads */
  struct blob_job *jobs;
  struct blob_job *queue;
  struct blob_job **queue_tail;
  int running;                   /* large blobs in flight */
  int running_small;             /* and small ones */
  struct progress *progress;
};

static bool
is_local (const struct image_ref *r)
{
  return r && r->kind != IMAGE_REGISTRY;
}

static uint64_t
blob_size (const struct blob_job *j)
{
  return (uint64_t) j->desc->size;
}

static void
job_free (struct blob_job *j)
{
  /* Its thread first: it may still wake j->get. */
  blob_sink_free (j->sink);
  http_request_free (j->get);
  http_request_free (j->up);
  if (j->location && !j->up_done && j->t->dst->kind == IMAGE_REGISTRY)
    registry_upload_cancel (&j->t->dst->repo, j->location);
  free (j->location);
  free (j->what);
  oci_blob_writer_free (j->writer);
  oci_digester_free (j->digester);
  if (j->own_fd && j->fd >= 0)
    close (j->fd);
  free (j->buf);
  free (j);
}

static int pump (struct transfer *t, struct oci_error *err);

static int *running_count (struct transfer *t, const struct blob_job *j);

/* status: "done", "exists" or "mounted". */
static void
job_report (struct blob_job *j, const char *status)
{
  struct transfer *t = j->t;

  progress_finish (t->progress, j->pi, status);
  if (t->g->verbose)
    fprintf (stderr, "blob %s: %s\n", j->desc->digest,
             strcmp (status, "exists") == 0 ? "already there" : strcmp (status, "done") == 0 ? "copied" : status);
  if (j->own_fd && j->fd >= 0)
    {
      close (j->fd);
      j->fd = -1;
    }
}

/* A job has nothing left to do. */
static int
job_complete (struct blob_job *j, const char *status, struct oci_error *err)
{
  struct transfer *t = j->t;

  if (j->finished)
    return 0;
  j->finished = true;
  --*running_count (t, j);
  job_report (j, status);
  return pump (t, err);
}

static void
on_progress (void *ctx, const struct http_request *req)
{
  struct blob_job *j = ctx;
  (void) req;
  progress_update (j->t->progress, j->pi, j->get ? j->received : j->acked + (j->up ? j->up->sent : 0));
}

/* ---- sinks and sources ---- */

/* Refused at once: a hostile server cannot fill the disk under a small
 * descriptor. */
static int
check_overflow (struct blob_job *j, size_t len, struct oci_error *err)
{
  if (j->received + len > blob_size (j))
    return oci_error_set (err, EIO, "blob %s: size mismatch: more than the expected %" PRIu64 " bytes",
                          j->desc->digest, blob_size (j));
  return 0;
}

/* A download into the writer's thread: when its ring is full, only this
 * transfer pauses (the engine's thread goes on with the others) until the
 * thread has room again and wakes it (sink_wake). */
static int
writer_sink (void *ctx, const char *buf, size_t len, struct oci_error *err)
{
  struct blob_job *j = ctx;
  int r = check_overflow (j, len, err);

  if (r == 0)
    r = blob_sink_offer (j->sink, buf, len, err);
  if (r == BLOB_SINK_FULL)
    return HTTP_SINK_PAUSE;
  if (r < 0)
    return r;
  j->received += len;
  return 0;
}

/* From the writer's thread. */
static void
sink_wake (void *ctx)
{
  struct blob_job *j = ctx;
  http_engine_wake (j->t->engine, j->get);
}

/* The digest and size of what arrived through the pipe (registry to
 * registry), before the upload is closed. */
static int
verify_received (struct blob_job *j, struct oci_error *err)
{
  char got[OCI_DIGEST_MAX];
  int r;

  if (j->received != blob_size (j))
    return oci_error_set (err, EIO, "blob %s: size mismatch: expected %" PRIu64 " bytes, got %" PRIu64,
                          j->desc->digest, blob_size (j), j->received);
  r = oci_digester_final (j->digester, got, err);
  if (r < 0)
    return r;
  if (!oci_digest_equal (got, j->desc->digest))
    return oci_error_set (err, EIO, "blob digest mismatch: expected %s, got %s", j->desc->digest, got);
  return 0;
}

static int
pipe_sink (void *ctx, const char *buf, size_t len, struct oci_error *err)
{
  struct blob_job *j = ctx;
  size_t tail, first;
  int r;

  if (j->received + len > blob_size (j))
    return oci_error_set (err, EIO, "blob %s: size mismatch: more than the expected %" PRIu64 " bytes",
                          j->desc->digest, blob_size (j));
  if (PIPE_SIZE - j->fill < len)
    return HTTP_SINK_PAUSE;
  r = oci_digester_update (j->digester, buf, len, err);
  if (r < 0)
    return r;
  tail = (j->head + j->fill) % PIPE_SIZE;
  first = PIPE_SIZE - tail < len ? PIPE_SIZE - tail : len;
  memcpy (j->buf + tail, buf, first);
  memcpy (j->buf, buf + first, len - first);
  j->fill += len;
  j->received += len;
  if (j->up)
    http_engine_unpause (j->t->engine, j->up);
  return 0;
}

static ssize_t
pipe_source (void *ctx, char *buf, size_t len, struct oci_error *err)
{
  struct blob_job *j = ctx;
  uint64_t limit = j->chunk_end - j->consumed;
  size_t n;

  (void) err;
  if (limit == 0)
    return 0;
  if (j->fill == 0)
    {
      if (j->get_done)
        return 0;
      return HTTP_SOURCE_PAUSE;
    }
  n = len;
  if (n > j->fill)
    n = j->fill;
  if (n > limit)
    n = (size_t) limit;
  if (n > PIPE_SIZE - j->head)
    n = PIPE_SIZE - j->head;
  memcpy (buf, j->buf + j->head, n);
  j->head = (j->head + n) % PIPE_SIZE;
  j->fill -= n;
  j->consumed += n;
  if (j->get)
    http_engine_unpause (j->t->engine, j->get);
  return (ssize_t) n;
}

/* ---- uploads ---- */

static int upload_done (struct http_engine *e, struct http_request *req, void *ctx, struct oci_error *err);

static int
next_upload (struct blob_job *j, struct oci_error *err)
{
  struct transfer *t = j->t;
  uint64_t size = blob_size (j), chunk = t->o->chunk_size;
  struct http_request *req = NULL;
  bool empty = false;
  int r;

  if (chunk == 0 || (j->acked == 0 && size <= chunk))
    {
      r = registry_upload_put_request (&t->dst->repo, j->location, j->desc->digest, &req, err);
      j->chunk_end = size;
    }
  else if (j->acked < size)
    {
      uint64_t n = size - j->acked < chunk ? size - j->acked : chunk;
      r = registry_upload_patch_request (&t->dst->repo, j->location, j->acked, n, &req, err);
      j->chunk_end = j->acked + n;
    }
  else
    {
      r = registry_upload_put_request (&t->dst->repo, j->location, j->desc->digest, &req, err);
      j->chunk_end = size;
      empty = true;
    }
  if (r < 0)
    return r;
  if (!empty)
    {
      if (j->fd >= 0)
        {
          req->body_fd = j->fd;
          req->body_offset = j->acked;
        }
      else
        {
          req->source = pipe_source;
          req->source_ctx = j;
        }
      req->body_size = (int64_t) (j->chunk_end - j->acked);
    }
  req->done = upload_done;
  req->done_ctx = j;
  req->progress = on_progress;
  req->progress_ctx = j;
  http_request_free (j->up);
  j->up = req;
  return http_engine_submit (t->engine, req, err);
}

static int
maybe_finish (struct blob_job *j, struct oci_error *err)
{
  if (j->up_done && (!j->get || j->get_done))
    return job_complete (j, "done", err);
  return 0;
}

static int
upload_done (struct http_engine *e, struct http_request *req, void *ctx, struct oci_error *err)
{
  struct blob_job *j = ctx;
  char *loc = NULL;
  int r;

  (void) e;
  if (!http_request_ok (req))
    {
      http_request_error (req, err);
      return oci_error_wrap (err, "upload blob %s", j->desc->digest);
    }
  if (strcmp (req->method, "PUT") == 0)
    {
      j->up_done = true;
      j->acked = blob_size (j);
      return maybe_finish (j, err);
    }
  /* A chunk: where the registry says it is, and where to send the next. */
  r = registry_upload_location (req, &loc, err);
  if (r < 0)
    return r;
  free (j->location);
  j->location = loc;
  const char *range = http_response_header (req, "range");
  unsigned long long lo, hi;
  if (range && sscanf (range, "%llu-%llu", &lo, &hi) == 2 && lo == 0 && hi + 1 != j->chunk_end)
    {
      if (j->fd < 0 || hi + 1 > j->chunk_end)
        return oci_error_set (err, EIO, "upload blob %s: the registry holds bytes 0-%llu, not 0-%" PRIu64,
                              j->desc->digest, hi, j->chunk_end - 1);
      j->acked = hi + 1;
    }
  else
    j->acked = j->chunk_end;
  return next_upload (j, err);
}

/* ---- downloads ---- */

static int
download_done (struct http_engine *e, struct http_request *req, void *ctx, struct oci_error *err)
{
  struct blob_job *j = ctx;
  int r;

  (void) e;
  if (!http_request_ok (req))
    {
      http_request_error (req, err);
      return oci_error_wrap (err, "blob %s", j->desc->digest);
    }
  j->get_done = true;
  if (j->writer)
    {
      /* Its thread verifies and flushes it; transfer_run waits. */
      r = blob_sink_close (j->sink, err);
      if (r < 0)
        return oci_error_wrap (err, "%s", j->t->src->spec);
      return job_complete (j, "done", err);
    }
  /* The destination checks the digest too, but we refuse to vouch for
   * what the source got wrong. */
  r = verify_received (j, err);
  if (r < 0)
    return oci_error_wrap (err, "%s", j->t->src->spec);
  if (j->up)
    http_engine_unpause (j->t->engine, j->up);
  return maybe_finish (j, err);
}

/* ---- starting a job ---- */

static bool
same_registry (const struct registry_repo *a, const struct registry_repo *b)
{
  return a && b && a->host == b->host;
}

/* A local source into the writer's thread. */
static int
copy_fd (struct blob_job *j, struct oci_error *err)
{
  cleanup_free char *buf = malloc (READ_SIZE);
  int r;

  if (!buf)
    return oci_error_set (err, ENOMEM, "copy blob");
  for (;;)
    {
      ssize_t n = read (j->fd, buf, READ_SIZE);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return oci_error_set (err, errno, "read blob %s", j->desc->digest);
      if (n == 0)
        break;
      r = check_overflow (j, (size_t) n, err);
      if (r == 0)
        r = blob_sink_write (j->sink, buf, (size_t) n, err);
      if (r < 0)
        return r;
      j->received += (size_t) n;
      progress_update (j->t->progress, j->pi, j->received);
    }
  return blob_sink_close (j->sink, err);
}

/* What a job reads: the source store's blob, or (registry to registry) a
 * digester for what passes through. */
static int
open_source (struct blob_job *j, struct oci_error *err)
{
  struct transfer *t = j->t;
  const char *digest = j->desc->digest;
  int r;

  if (is_local (t->src) && j->fd < 0)
    {
      int64_t size;
      r = oci_store_open_blob (t->src->store, digest, &j->fd, &size, err);
      if (r < 0)
        return oci_error_wrap (err, "%s", t->src->spec);
      j->own_fd = true;
      if (size != j->desc->size)
        return oci_error_set (err, EIO, "blob %s in %s: %" PRId64 " bytes, the manifest says %" PRId64, digest,
                              t->src->spec, size, j->desc->size);
    }
  if (!is_local (t->dst) && j->fd < 0)
    {
      enum oci_digest_alg alg;
      r = oci_digest_parse (digest, &alg, err);
      if (r == 0)
        r = oci_digester_new (alg, &j->digester, err);
      if (r < 0)
        return r;
    }
  return 0;
}

/* Runs j->get, the download from the source registry, into sink. */
static int
submit_download (struct blob_job *j, http_sink_fn sink, struct oci_error *err)
{
  j->get->sink = sink;
  j->get->sink_ctx = j;
  j->get->done = download_done;
  j->get->done_ctx = j;
  j->get->progress = on_progress;
  j->get->progress_ctx = j;
  return http_engine_submit (j->t->engine, j->get, err);
}

/* Into the store: the writer's thread takes a local source at once (2), or
 * a download (0). */
static int
start_to_store (struct blob_job *j, struct oci_error *err)
{
  struct transfer *t = j->t;
  const char *digest = j->desc->digest;
  int r;

  r = oci_store_blob_writer (t->dst->store, digest, j->desc->size, &j->writer, err);
  if (r == 0 && !t->flusher)
    r = blob_flusher_new (&t->flusher, err);
  if (r < 0)
    return r;
  if (j->fd >= 0)
    {
      struct blob_sink_opts so = { .flusher = t->flusher };
      r = blob_sink_new (j->writer, digest, &so, &j->sink, err);
      if (r < 0)
        return r;
      r = copy_fd (j, err);
      return r < 0 ? oci_error_wrap (err, "copy blob to %s", t->dst->spec) : 2;
    }
  r = registry_blob_request (&t->src->repo, digest, &j->get, err);
  if (r == 0)
    {
      struct blob_sink_opts so = { .flusher = t->flusher, .wake = sink_wake, .wake_ctx = j };
      r = blob_sink_new (j->writer, digest, &so, &j->sink, err);
    }
  if (r < 0)
    return r;
  return submit_download (j, writer_sink, err);
}

/* To a registry, once the upload is open: the body, from a local file or
 * through the pipe from the source registry. */
static int
start_upload_body (struct blob_job *j, struct oci_error *err)
{
  struct transfer *t = j->t;
  int r;

  if (j->fd < 0)
    {
      j->buf = malloc (PIPE_SIZE);
      if (!j->buf)
        return oci_error_set (err, ENOMEM, "blob buffer");
      r = registry_blob_request (&t->src->repo, j->desc->digest, &j->get, err);
      if (r == 0)
        r = submit_download (j, pipe_sink, err);
      if (r < 0)
        return r;
    }
  return next_upload (j, err);
}

static bool
mounting (const struct blob_job *j)
{
  const struct transfer *t = j->t;
  return t->mount_from && same_registry (t->mount_from, &t->dst->repo)
         && strcmp (t->mount_from->name, t->dst->repo.name) != 0;
}

/* Runs j->up, a step before the upload's body, with done as what follows. */
static int
submit_step (struct blob_job *j, http_done_fn done, struct oci_error *err)
{
  j->up->what = j->what;
  j->up->done = done;
  j->up->done_ctx = j;
  return http_engine_submit (j->t->engine, j->up, err);
}

static int
post_done (struct http_engine *e, struct http_request *req, void *ctx, struct oci_error *err)
{
  struct blob_job *j = ctx;
  int r;

  (void) e;
  r = registry_upload_start_result (req, mounting (j), &j->location, err);
  if (r < 0)
    return oci_error_wrap (err, "upload blob %s", j->desc->digest);
  if (r == 1)
    {
      j->up_done = true;
      return job_complete (j, "mounted", err);
    }
  return start_upload_body (j, err);
}

static int
head_done (struct http_engine *e, struct http_request *req, void *ctx, struct oci_error *err)
{
  struct blob_job *j = ctx;
  struct transfer *t = j->t;
  int64_t have = -1;
  int r;

  (void) e;
  r = registry_head_blob_result (req, &have, err);
  if (r == 0 && (have < 0 || have == j->desc->size))
    return job_complete (j, "exists", err);
  if (r < 0 && r != -ENOENT)
    return r;
  oci_error_clear (err);
  /* The engine is done with req (the HEAD): this is its last call. */
  http_request_free (j->up);
  j->up = NULL;
  r = open_source (j, err);
  if (r == 0)
    r = registry_upload_start_request (&t->dst->repo, j->desc->digest, mounting (j) ? t->mount_from : NULL, &j->up,
                                       err);
  if (r < 0)
    return r;
  return submit_step (j, post_done, err);
}

/* 1 when the blob was in the store already, 2 when copied at once, 0 when
 * requests run: to a registry, the HEAD, the POST that opens the upload
 * (or mounts) and the body are each a request of the engine, so that
 * those of all the jobs run at once. */
static int
job_start (struct blob_job *j, struct oci_error *err)
{
  struct transfer *t = j->t;
  const char *digest = j->desc->digest;
  char label[24];
  int r;

  snprintf (label, sizeof label, "%.19s", oci_digest_hex (digest) ? oci_digest_hex (digest) : digest);
  j->pi = progress_add (t->progress, label, j->desc->size);

  if (is_local (t->dst))
    {
      int64_t have = -1;
      r = oci_store_stat_blob (t->dst->store, digest, &have, err);
      if (r == 0 && (have < 0 || have == j->desc->size))
        return 1;
      if (r < 0 && r != -ENOENT)
        return r;
      oci_error_clear (err);
      r = open_source (j, err);
      return r < 0 ? r : start_to_store (j, err);
    }
  if (asprintf (&j->what, "blob %s/%s@%s", t->dst->repo.host->name, t->dst->repo.name, digest) < 0)
    {
      j->what = NULL;
      return oci_error_set (err, ENOMEM, "blob");
    }
  r = registry_head_blob_request (&t->dst->repo, digest, &j->up, err);
  if (r < 0)
    return r;
  return submit_step (j, head_done, err);
}

/* Waits for a blob's writer thread, which verifies and flushes it. */
static int
reap_sink (struct blob_job *j, struct oci_error *err)
{
  int r;

  if (!j->sink)
    return 0;
  r = blob_sink_wait (j->sink, err);
  blob_sink_free (j->sink);
  j->sink = NULL;
  if (r < 0)
    return oci_error_wrap (err, "%s", j->t->src ? j->t->src->spec : "blob");
  return 0;
}

/* Blobs below this size (configs, small layers) run beside the
 * --parallel large ones, so that a config never holds up a layer. */
#define SMALL_BLOB ((int64_t) 1 << 20)

static bool
is_small (const struct blob_job *j)
{
  return j->desc->size < SMALL_BLOB;
}

static int *
running_count (struct transfer *t, const struct blob_job *j)
{
  return is_small (j) ? &t->running_small : &t->running;
}

/* Threads of finished downloads still flushing: a few at most. */
static int
reap_flushing (struct transfer *t, int keep, struct oci_error *err)
{
  int flushing = 0, r;

  for (struct blob_job *k = t->jobs; k; k = k->next)
    if (k->sink && k->finished)
      flushing++;
  for (struct blob_job *k = t->jobs; k && flushing > keep; k = k->next)
    if (k->sink && k->finished)
      {
        r = reap_sink (k, err);
        if (r < 0)
          return r;
        flushing--;
      }
  return 0;
}

static int
pump (struct transfer *t, struct oci_error *err)
{
  int parallel = t->o->parallel > 0 ? t->o->parallel : 1;
  struct blob_job **pp = &t->queue;

  while (*pp)
    {
      struct blob_job *j = *pp;
      int r;

      if (*running_count (t, j) >= parallel)
        {
          pp = &j->next_queued;
          continue;
        }
      if (is_local (t->dst))
        {
          r = reap_flushing (t, parallel, err);
          if (r < 0)
            return r;
        }
      *pp = j->next_queued;
      if (!*pp)
        t->queue_tail = pp;
      ++*running_count (t, j);
      r = job_start (j, err);
      if (r < 0)
        {
          progress_finish (t->progress, j->pi, "failed");
          return r;
        }
      if (r >= 1)
        {
          /* Done at once: no requests, no recursion through pump. */
          j->finished = true;
          --*running_count (t, j);
          job_report (j, r == 2 ? "done" : "exists");
        }
    }
  return 0;
}

static int
add_job (struct transfer *t, const struct oci_image_descriptor *desc, int fd, struct oci_error *err)
{
  struct blob_job *j;

  for (j = t->jobs; j; j = j->next)
    if (oci_digest_equal (j->desc->digest, desc->digest))
      return 0;
  j = calloc (1, sizeof *j);
  if (!j)
    return oci_error_set (err, ENOMEM, "transfer");
  j->t = t;
  j->desc = desc;
  j->fd = fd;
  j->next = t->jobs;
  t->jobs = j;
  *t->queue_tail = j;
  t->queue_tail = &j->next_queued;
  return 0;
}

static void
transfer_clear (struct transfer *t)
{
  while (t->jobs)
    {
      struct blob_job *j = t->jobs;
      t->jobs = j->next;
      job_free (j);
    }
  blob_flusher_free (t->flusher);
  http_engine_free (t->engine);
  progress_free (t->progress);
}

static int
transfer_init (struct transfer *t, struct regctl_globals *g, struct image_ref *src, struct image_ref *dst,
               const struct transfer_opts *o, struct oci_error *err)
{
  struct regctl_session *s;
  int r;

  memset (t, 0, sizeof *t);
  t->g = g;
  t->src = src;
  t->dst = dst;
  t->o = o;
  t->mount_from = o->mount_from;
  t->queue_tail = &t->queue;
  if (!t->mount_from && src && src->kind == IMAGE_REGISTRY && dst->kind == IMAGE_REGISTRY
      && same_registry (&src->repo, &dst->repo))
    t->mount_from = &src->repo;
  r = regctl_session (g, &s, err);
  if (r == 0)
    r = http_engine_new (s->http, &t->engine, err);
  if (r < 0)
    return r;
  t->progress = progress_new (!g->no_progress);
  return 0;
}

static int
transfer_run (struct transfer *t, struct oci_error *err)
{
  int r = pump (t, err);
  if (r == 0)
    r = http_engine_run (t->engine, err);
  if (r == 0)
    for (struct blob_job *j = t->jobs; j; j = j->next)
      if (!j->finished)
        return oci_error_set (err, EIO, "blob %s: transfer stopped unfinished", j->desc->digest);
  /* Every blob verified (by its thread) and durable... */
  for (struct blob_job *j = t->jobs; r == 0 && j; j = j->next)
    r = reap_sink (j, err);
  /* ... now they become visible, with one fsync of their directory. */
  if (r == 0)
    {
      size_t n = 0;
      cleanup_free struct oci_blob_writer **ws = NULL;
      for (struct blob_job *j = t->jobs; j; j = j->next)
        n += j->writer != NULL;
      if (n == 0)
        return 0;
      ws = calloc (n, sizeof *ws);
      if (!ws)
        return oci_error_set (err, ENOMEM, "commit blobs");
      n = 0;
      for (struct blob_job *j = t->jobs; j; j = j->next)
        if (j->writer)
          ws[n++] = j->writer;
      r = oci_blob_writers_commit (ws, n, err);
      if (r < 0)
        return oci_error_wrap (err, "store blobs in %s", t->dst->spec);
    }
  return r;
}

int
transfer_blobs (struct regctl_globals *g, struct image_ref *src, struct image_ref *dst,
                const struct oci_image_descriptor *blobs, size_t n, const struct transfer_opts *o,
                struct oci_error *err)
{
  struct transfer t;
  int r;

  r = transfer_init (&t, g, src, dst, o, err);
  for (size_t i = 0; r == 0 && i < n; i++)
    r = add_job (&t, &blobs[i], -1, err);
  if (r == 0)
    r = transfer_run (&t, err);
  transfer_clear (&t);
  return r;
}

int
transfer_upload_fd (struct regctl_globals *g, struct registry_repo *dst, int fd, int64_t size, const char *digest,
                    const struct transfer_opts *o, struct oci_error *err)
{
  cleanup_image_descriptor struct oci_image_descriptor *desc = NULL;
  struct image_ref dref = { .kind = IMAGE_REGISTRY, .spec = "destination" };
  struct transfer t;
  int r;

  r = oci_image_descriptor_new ("application/octet-stream", digest, size, &desc, err);
  if (r < 0)
    return r;
  dref.repo = *dst;
  r = transfer_init (&t, g, NULL, &dref, o, err);
  if (r == 0)
    r = add_job (&t, desc, fd, err);
  if (r == 0)
    r = transfer_run (&t, err);
  transfer_clear (&t);
  return r;
}
