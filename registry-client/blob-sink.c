/* The writer thread of one blob (blob-sink.h).  The producer fills slot
 * (head + count) % SLOTS while count < SLOTS; the thread empties slot
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

#include "blob-sink.h"

/* libcurl hands over 16 KiB at a time: gathered into 256 KiB writes, four
 * of them queued per blob (1 MiB a blob in flight). */
#define SLOT_SIZE (256u << 10)
#define SLOTS 4
/* Every 8 MiB the kernel is told to start writing out (no waiting), so that
 * the fsync at the end finds little left and the disk works while the
 * network does. */
#define WRITEBACK_EVERY (8u << 20)
#define THREAD_STACK (256u << 10)

struct blob_sink {
  struct oci_blob_writer *writer;
  char *what;
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
  int result;
  struct oci_error error;

  size_t fill;                 /* producer: bytes in the slot being filled */
};

static void *
sink_main (void *arg)
{
  struct blob_sink *s = arg;
  struct oci_error err = { 0 };
  uint64_t written = 0, marked = 0;
  int r = 0;

  for (;;)
    {
      unsigned slot;
      size_t len;

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

      r = oci_blob_writer_write (s->writer, s->slots + (size_t) slot * SLOT_SIZE, len, &err);
      written += len;
      if (r == 0 && written - marked >= WRITEBACK_EVERY)
        {
          oci_blob_writer_start_writeback (s->writer);
          marked = written;
        }

      pthread_mutex_lock (&s->mu);
      s->head = (s->head + 1) % SLOTS;
      s->count--;
      if (r < 0)
        s->failed = true;
      pthread_cond_broadcast (&s->cv);
      pthread_mutex_unlock (&s->mu);
      /* A failure ends the thread: the producer, waiting for a slot or
       * about to queue one, sees it failed and waits for done. */
      if (r < 0)
        break;
    }

  pthread_mutex_lock (&s->mu);
  bool finish = !s->abandon && r == 0;
  pthread_mutex_unlock (&s->mu);
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
  pthread_mutex_unlock (&s->mu);
  return NULL;
}

int
blob_sink_new (struct oci_blob_writer *w, const char *what, struct blob_sink **ret, struct oci_error *err)
{
  struct blob_sink *s = calloc (1, sizeof *s);
  pthread_attr_t attr;
  sigset_t all, old;
  int e;

  if (!s)
    return oci_error_set (err, ENOMEM, "blob writer thread");
  s->writer = w;
  s->slots = malloc ((size_t) SLOTS * SLOT_SIZE);
  s->what = strdup (what ? what : "blob");
  if (!s->slots || !s->what)
    {
      free (s->slots);
      free (s->what);
      free (s);
      return oci_error_set (err, ENOMEM, "blob writer thread");
    }
  pthread_mutex_init (&s->mu, NULL);
  pthread_cond_init (&s->cv, NULL);
  pthread_attr_init (&attr);
  pthread_attr_setstacksize (&attr, THREAD_STACK);
  /* Signals are the main thread's business. */
  sigfillset (&all);
  pthread_sigmask (SIG_SETMASK, &all, &old);
  e = pthread_create (&s->thread, &attr, sink_main, s);
  pthread_sigmask (SIG_SETMASK, &old, NULL);
  pthread_attr_destroy (&attr);
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

/* Hands the slot being filled to the thread; waits for a free one. */
static int
submit (struct blob_sink *s, struct oci_error *err)
{
  int r = 0;

  pthread_mutex_lock (&s->mu);
  s->lens[(s->head + s->count) % SLOTS] = s->fill;
  s->count++;
  s->fill = 0;
  pthread_cond_broadcast (&s->cv);
  while (s->count == SLOTS && !s->failed && !s->done)
    pthread_cond_wait (&s->cv, &s->mu);
  if (s->failed)
    {
      /* It stops writing but drains: its error once it has ended. */
      while (!s->done)
        pthread_cond_wait (&s->cv, &s->mu);
      r = thread_error (s, err);
    }
  pthread_mutex_unlock (&s->mu);
  return r;
}

int
blob_sink_write (struct blob_sink *s, const void *buf, size_t len, struct oci_error *err)
{
  const char *p = buf;
  int r;

  while (len > 0)
    {
      size_t n = SLOT_SIZE - s->fill < len ? SLOT_SIZE - s->fill : len;
      char *slot;

      pthread_mutex_lock (&s->mu);
      if (s->failed)
        {
          /* It stops writing but drains: its error once it has ended. */
          while (!s->done)
            pthread_cond_wait (&s->cv, &s->mu);
          r = thread_error (s, err);
          pthread_mutex_unlock (&s->mu);
          return r;
        }
      /* count < SLOTS here (submit returns once a slot is free), and
       * head + count stays put while the thread advances head and
       * decrements count together: the slot being filled is never one
       * it reads. */
      slot = s->slots + (size_t) ((s->head + s->count) % SLOTS) * SLOT_SIZE;
      pthread_mutex_unlock (&s->mu);
      memcpy (slot + s->fill, p, n);
      s->fill += n;
      p += n;
      len -= n;
      if (s->fill == SLOT_SIZE && (r = submit (s, err)) < 0)
        return r;
    }
  return 0;
}

int
blob_sink_close (struct blob_sink *s, struct oci_error *err)
{
  int r = 0;

  if (s->fill > 0)
    r = submit (s, err);
  if (r < 0)
    return r;
  pthread_mutex_lock (&s->mu);
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
  free (s->slots);
  free (s->what);
  free (s);
}
