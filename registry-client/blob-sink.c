/* The writer thread of one blob (blob-sink.h).  The producer fills slot
 * (head + count) % SLOTS while count < SLOTS (with count == SLOTS there is
 * no slot to fill until the thread frees one); the thread empties slot
 * head.  Everything shared is under mu.  The thread ends when the producer
 * closes (after the last slot: finish), abandons (at once), or when a
 * write fails (failed, at once); the producer then gets its error. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "blob-sink.h"

/* libcurl hands over 16 KiB at a time: gathered into 256 KiB slots, four
 * of them queued per blob (1 MiB a blob in flight). */
#define SLOT_SIZE (256u << 10)
#define SLOTS 4
/* A slot reaches the file in write(2)s of 32 KiB: the page cache takes a
 * folio of a write's size, and large ones come from high-order free
 * blocks, which a VM with free page reporting has handed back to its host;
 * filling them faulted page after page on the host (write(2) of 256 KiB
 * was 50 % of a pull's CPU in such a state, 0.86 s; 16 KiB writes 0.63 s;
 * skopeo, writing 32 KiB at a time, 2 %). */
#define WRITE_SIZE (32u << 10)
/* Every 8 MiB the kernel is told to start writing out (no waiting), so that
 * the fsync at the end finds little left and the disk works while the
 * network does. */
#define WRITEBACK_EVERY (8u << 20)
/* A disk's volatile cache (a VM's host page cache) makes an fsync cost in
 * proportion to what was written since the last flush: 200 MB written
 * back but never flushed took 85 ms to fsync here, so the pull waited for
 * it after its last byte.  Flushed every 16 MiB that the sinks write, as
 * it arrives and on the flusher's thread, the end finds little left. */
#define FLUSH_EVERY (16u << 20)
#define THREAD_STACK (256u << 10)

struct blob_flusher {
  pthread_t thread;
  bool started;
  pthread_mutex_t mu;
  pthread_cond_t cv;                 /* any change below */
  struct oci_blob_writer *pending;   /* to flush next */
  struct oci_blob_writer *busy;      /* being flushed */
  uint64_t unflushed;                /* bytes written since the last request */
  bool stop;
};

struct blob_sink {
  struct oci_blob_writer *writer;
  char *what;
  struct blob_sink_opts o;
  char *slots;                 /* SLOTS * SLOT_SIZE */
  pthread_t thread;
  bool started;
  bool joined;

  pthread_mutex_t mu;
  pthread_cond_t cv;           /* any change below */
  size_t lens[SLOTS];
  unsigned head;
  unsigned count;              /* filled slots queued */
  bool closed;                 /* producer: no more slots */
  bool abandon;                /* producer: stop at once, finish nothing */
  bool failed;                 /* thread: a write or the verification failed */
  bool done;                   /* thread: ended */
  bool want_wake;              /* producer: an offer found no room */
  int result;
  struct oci_error error;

  size_t fill;                 /* producer: bytes in the slot being filled */
};

static char *
alloc_ring (void)
{
  void *p = mmap (NULL, (size_t) SLOTS * SLOT_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return p == MAP_FAILED ? NULL : p;
}

/* Touched one at a time, a ring's pages fault at 12 µs each in a
 * paravirtualised guest, 4 ms a ring and most of a pull's page faults;
 * populated at once they cost 0.4-0.6 ms.  That is done by the ring's
 * thread, not by whoever starts the transfers, which would otherwise pay
 * it for every blob before sending the first GET.  Pages the producer
 * touches first are simply skipped; before Linux 5.14 (EINVAL) every page
 * faults as it is filled. */
static void
populate_ring (char *p)
{
  (void) madvise (p, (size_t) SLOTS * SLOT_SIZE, MADV_POPULATE_WRITE);
}

static void
free_ring (char *p)
{
  if (p)
    munmap (p, (size_t) SLOTS * SLOT_SIZE);
}

/* Signals are the main thread's business. */
static int
start_thread (pthread_t *t, void *(*fn) (void *), void *arg)
{
  pthread_attr_t attr;
  sigset_t all, old;
  int e;

  pthread_attr_init (&attr);
  pthread_attr_setstacksize (&attr, THREAD_STACK);
  sigfillset (&all);
  pthread_sigmask (SIG_SETMASK, &all, &old);
  e = pthread_create (t, &attr, fn, arg);
  pthread_sigmask (SIG_SETMASK, &old, NULL);
  pthread_attr_destroy (&attr);
  return e;
}

static void *
flusher_main (void *arg)
{
  struct blob_flusher *f = arg;

  pthread_mutex_lock (&f->mu);
  for (;;)
    {
      while (!f->pending && !f->stop)
        pthread_cond_wait (&f->cv, &f->mu);
      if (f->stop)
        break;
      f->busy = f->pending;
      f->pending = NULL;
      pthread_mutex_unlock (&f->mu);
      oci_blob_writer_sync_data (f->busy);
      pthread_mutex_lock (&f->mu);
      f->busy = NULL;
      pthread_cond_broadcast (&f->cv);
    }
  pthread_mutex_unlock (&f->mu);
  return NULL;
}

int
blob_flusher_new (struct blob_flusher **ret, struct oci_error *err)
{
  struct blob_flusher *f = calloc (1, sizeof *f);
  int e;

  if (!f)
    return oci_error_set (err, ENOMEM, "blob flusher");
  pthread_mutex_init (&f->mu, NULL);
  pthread_cond_init (&f->cv, NULL);
  e = start_thread (&f->thread, flusher_main, f);
  if (e != 0)
    {
      blob_flusher_free (f);
      return oci_error_set (err, e, "start a flusher thread");
    }
  f->started = true;
  *ret = f;
  return 0;
}

void
blob_flusher_free (struct blob_flusher *f)
{
  if (!f)
    return;
  if (f->started)
    {
      pthread_mutex_lock (&f->mu);
      f->stop = true;
      pthread_cond_broadcast (&f->cv);
      pthread_mutex_unlock (&f->mu);
      pthread_join (f->thread, NULL);
    }
  pthread_mutex_destroy (&f->mu);
  pthread_cond_destroy (&f->cv);
  free (f);
}

/* len bytes were written to w: once FLUSH_EVERY have been, by all the
 * sinks, w is flushed (which flushes the device's cache whole, with what
 * the others have written back), one flush at a time. */
static void
flusher_note (struct blob_flusher *f, struct oci_blob_writer *w, size_t len)
{
  pthread_mutex_lock (&f->mu);
  f->unflushed += len;
  if (f->unflushed >= FLUSH_EVERY && !f->pending && !f->busy)
    {
      f->pending = w;
      f->unflushed = 0;
      pthread_cond_broadcast (&f->cv);
    }
  pthread_mutex_unlock (&f->mu);
}

/* w is not flushed any more once this returns: it may be freed. */
static void
flusher_forget (struct blob_flusher *f, struct oci_blob_writer *w)
{
  pthread_mutex_lock (&f->mu);
  if (f->pending == w)
    f->pending = NULL;
  while (f->busy == w)
    pthread_cond_wait (&f->cv, &f->mu);
  pthread_mutex_unlock (&f->mu);
}

static void *
sink_main (void *arg)
{
  struct blob_sink *s = arg;
  struct oci_error err = { 0 };
  uint64_t written = 0, marked = 0;
  int r = 0;

  populate_ring (s->slots);
  for (;;)
    {
      unsigned slot;
      size_t len;
      bool wake;

      pthread_mutex_lock (&s->mu);
      while (s->count == 0 && !s->closed && !s->abandon)
        pthread_cond_wait (&s->cv, &s->mu);
      if (s->abandon || s->count == 0)
        {
          pthread_mutex_unlock (&s->mu);
          break;
        }
      slot = s->head;
      len = s->lens[slot];
      pthread_mutex_unlock (&s->mu);

      for (size_t off = 0; r == 0 && off < len; off += WRITE_SIZE)
        r = oci_blob_writer_write (s->writer, s->slots + (size_t) slot * SLOT_SIZE + off,
                                   len - off < WRITE_SIZE ? len - off : WRITE_SIZE, &err);
      written += len;
      if (r == 0 && written - marked >= WRITEBACK_EVERY)
        {
          oci_blob_writer_start_writeback (s->writer);
          marked = written;
        }
      if (r == 0 && s->o.flusher)
        flusher_note (s->o.flusher, s->writer, len);

      pthread_mutex_lock (&s->mu);
      s->head = (s->head + 1) % SLOTS;
      s->count--;
      if (r < 0)
        s->failed = true;
      pthread_cond_broadcast (&s->cv);
      /* A paused transfer resumes once half the ring is free, not at the
       * first free slot: each pause and resume costs a wakeup of the
       * event loop and a round through libcurl. */
      wake = s->want_wake && (s->count <= SLOTS / 2 || r < 0);
      if (wake)
        s->want_wake = false;
      pthread_mutex_unlock (&s->mu);
      if (wake)
        s->o.wake (s->o.wake_ctx);
      /* A failure ends the thread: the producer, waiting for a slot or
       * about to queue one, sees it failed and waits for done. */
      if (r < 0)
        break;
    }

  if (s->o.flusher)
    flusher_forget (s->o.flusher, s->writer);
  pthread_mutex_lock (&s->mu);
  bool finish = !s->abandon && r == 0;
  /* finish: closed and drained, so the producer has no slot left to
   * fill.  The ring goes now, while the thread's fsync waits anyway,
   * instead of on the producer's path when the transfer ends. */
  char *ring = finish ? s->slots : NULL;
  if (ring)
    s->slots = NULL;
  pthread_mutex_unlock (&s->mu);
  free_ring (ring);
  if (finish)
    r = oci_blob_writer_finish (s->writer, &err);

  pthread_mutex_lock (&s->mu);
  s->result = r;
  if (r < 0)
    {
      s->failed = true;
      s->error = err;
    }
  s->done = true;
  pthread_cond_broadcast (&s->cv);
  bool wake = s->want_wake;
  s->want_wake = false;
  pthread_mutex_unlock (&s->mu);
  /* A producer waiting for room learns of the failure when it offers
   * again. */
  if (wake)
    s->o.wake (s->o.wake_ctx);
  return NULL;
}

int
blob_sink_new (struct oci_blob_writer *w, const char *what, const struct blob_sink_opts *o,
               struct blob_sink **ret, struct oci_error *err)
{
  struct blob_sink *s = calloc (1, sizeof *s);
  int e;

  if (!s)
    return oci_error_set (err, ENOMEM, "blob writer thread");
  s->writer = w;
  if (o)
    s->o = *o;
  s->slots = alloc_ring ();
  s->what = strdup (what ? what : "blob");
  if (!s->slots || !s->what)
    {
      free_ring (s->slots);
      free (s->what);
      free (s);
      return oci_error_set (err, ENOMEM, "blob writer thread");
    }
  pthread_mutex_init (&s->mu, NULL);
  pthread_cond_init (&s->cv, NULL);
  e = start_thread (&s->thread, sink_main, s);
  if (e != 0)
    {
      s->joined = true;
      blob_sink_free (s);
      return oci_error_set (err, e, "%s: start a writer thread", what);
    }
  s->started = true;
  *ret = s;
  return 0;
}

/* The thread's failure as the producer's error.  Under mu. */
static int
thread_error (struct blob_sink *s, struct oci_error *err)
{
  if (oci_error_is_set (&s->error))
    {
      *err = s->error;
      return oci_error_code (err);
    }
  return oci_error_set (err, EIO, "%s: write failed", s->what);
}

/* Hands the slot being filled to the thread.  Under mu. */
static void
queue_slot (struct blob_sink *s)
{
  s->lens[(s->head + s->count) % SLOTS] = s->fill;
  s->count++;
  s->fill = 0;
  pthread_cond_broadcast (&s->cv);
}

/* The thread has failed: its error once it has ended.  Under mu. */
static int
failed_error (struct blob_sink *s, struct oci_error *err)
{
  /* It stops writing but drains. */
  while (!s->done)
    pthread_cond_wait (&s->cv, &s->mu);
  return thread_error (s, err);
}

/* Copies buf into the ring; with may_wait, waits for free slots, else the
 * caller has checked that they hold it all. */
static int
copy_in (struct blob_sink *s, const char *p, size_t len, bool may_wait, struct oci_error *err)
{
  while (len > 0)
    {
      size_t n = SLOT_SIZE - s->fill < len ? SLOT_SIZE - s->fill : len;
      char *slot;

      pthread_mutex_lock (&s->mu);
      while (may_wait && s->count == SLOTS && !s->failed && !s->done)
        pthread_cond_wait (&s->cv, &s->mu);
      if (s->failed || s->count == SLOTS)
        {
          int r = s->failed ? failed_error (s, err)
                            : oci_error_set (err, EIO, "%s: the writer thread ended early", s->what);
          pthread_mutex_unlock (&s->mu);
          return r;
        }
      /* head + count stays put while the thread advances head and
       * decrements count together: the slot being filled is never one
       * it reads. */
      slot = s->slots + (size_t) ((s->head + s->count) % SLOTS) * SLOT_SIZE;
      pthread_mutex_unlock (&s->mu);
      memcpy (slot + s->fill, p, n);
      s->fill += n;
      p += n;
      len -= n;
      if (s->fill == SLOT_SIZE)
        {
          pthread_mutex_lock (&s->mu);
          queue_slot (s);
          pthread_mutex_unlock (&s->mu);
        }
    }
  return 0;
}

int
blob_sink_write (struct blob_sink *s, const void *buf, size_t len, struct oci_error *err)
{
  return copy_in (s, buf, len, true, err);
}

int
blob_sink_offer (struct blob_sink *s, const void *buf, size_t len, struct oci_error *err)
{
  size_t room;
  int r;

  pthread_mutex_lock (&s->mu);
  if (s->failed)
    {
      r = failed_error (s, err);
      pthread_mutex_unlock (&s->mu);
      return r;
    }
  room = s->count < SLOTS ? (size_t) (SLOTS - s->count) * SLOT_SIZE - s->fill : 0;
  /* More than the whole ring could never fit: that is taken as write
   * takes it, waiting. */
  if (len > room && len <= (size_t) SLOTS * SLOT_SIZE && s->o.wake)
    {
      s->want_wake = true;
      pthread_mutex_unlock (&s->mu);
      return BLOB_SINK_FULL;
    }
  pthread_mutex_unlock (&s->mu);
  return copy_in (s, buf, len, len > room, err);
}

int
blob_sink_close (struct blob_sink *s, struct oci_error *err)
{
  pthread_mutex_lock (&s->mu);
  if (s->failed)
    {
      int r = failed_error (s, err);
      pthread_mutex_unlock (&s->mu);
      return r;
    }
  /* fill > 0: a slot is being filled, so count < SLOTS. */
  if (s->fill > 0)
    queue_slot (s);
  s->closed = true;
  pthread_cond_broadcast (&s->cv);
  pthread_mutex_unlock (&s->mu);
  return 0;
}

int
blob_sink_wait (struct blob_sink *s, struct oci_error *err)
{
  int r;

  pthread_mutex_lock (&s->mu);
  while (!s->done)
    pthread_cond_wait (&s->cv, &s->mu);
  r = s->failed ? thread_error (s, err) : 0;
  pthread_mutex_unlock (&s->mu);
  if (s->started && !s->joined)
    {
      pthread_join (s->thread, NULL);
      s->joined = true;
    }
  return r;
}

void
blob_sink_free (struct blob_sink *s)
{
  if (!s)
    return;
  if (s->started && !s->joined)
    {
      pthread_mutex_lock (&s->mu);
      if (!s->done)
        s->abandon = true;
      pthread_cond_broadcast (&s->cv);
      pthread_mutex_unlock (&s->mu);
      pthread_join (s->thread, NULL);
    }
  pthread_mutex_destroy (&s->mu);
  pthread_cond_destroy (&s->cv);
  free_ring (s->slots);
  free (s->what);
  free (s);
}
