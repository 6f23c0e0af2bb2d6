/* Progress bars: active items redrawn in place with ANSI cursor moves;
 * a finished item leaves one line behind. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "progress.h"

struct progress_item {
  char label[24];
  int64_t total;
  uint64_t done;
  bool finished;
  struct progress_item *next;
};

struct progress {
  struct progress_item *items;
  int drawn;              /* lines drawn last time */
  double last;
};

struct progress *
progress_new (bool enabled)
{
  if (!enabled || !isatty (2))
    return NULL;
  return calloc (1, sizeof (struct progress));
}

static double
now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
human (char *buf, size_t size, double v)
{
  static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
  int u = 0;
  while (v >= 1024 && u < 4)
    {
      v /= 1024;
      u++;
    }
  snprintf (buf, size, u ? "%.1f %s" : "%.0f %s", v, units[u]);
}

static void
line (const struct progress_item *it, const char *status)
{
  char done[32], total[32], bar[31];
  int width = 30, filled = 0;

  human (done, sizeof done, (double) it->done);
  human (total, sizeof total, it->total > 0 ? (double) it->total : 0);
  if (status)
    {
      fprintf (stderr, "\033[K%-20s %s (%s)\n", it->label, status, total);
      return;
    }
  if (it->total > 0)
    filled = (int) ((double) it->done * width / (double) it->total);
  if (filled > width)
    filled = width;
  memset (bar, '=', filled);
  memset (bar + filled, ' ', width - filled);
  if (filled < width && filled > 0)
    bar[filled - 1] = '>';
  bar[width] = '\0';
  fprintf (stderr, "\033[K%-20s [%s] %s / %s\n", it->label, bar, done, total);
}

static void
redraw (struct progress *p, bool force)
{
  double t = now ();
  int n = 0;

  if (!force && t - p->last < 0.1)
    return;
  p->last = t;
  if (p->drawn > 0)
    fprintf (stderr, "\033[%dA", p->drawn);
  for (struct progress_item *it = p->items; it; it = it->next)
    if (!it->finished && it->done > 0)
      {
        line (it, NULL);
        n++;
      }
  /* Clear what the last drawing had below. */
  for (int i = n; i < p->drawn; i++)
    fprintf (stderr, "\033[K\n");
  if (p->drawn > n)
    fprintf (stderr, "\033[%dA", p->drawn - n);
  p->drawn = n;
  fflush (stderr);
}

struct progress_item *
progress_add (struct progress *p, const char *label, int64_t total)
{
  struct progress_item *it, **tail;

  if (!p)
    return NULL;
  it = calloc (1, sizeof *it);
  if (!it)
    return NULL;
  snprintf (it->label, sizeof it->label, "%s", label);
  it->total = total;
  for (tail = &p->items; *tail; tail = &(*tail)->next)
    ;
  *tail = it;
  return it;
}

void
progress_update (struct progress *p, struct progress_item *it, uint64_t done)
{
  if (!p || !it)
    return;
  it->done = done;
  redraw (p, false);
}

void
progress_finish (struct progress *p, struct progress_item *it, const char *status)
{
  if (!p || !it || it->finished)
    return;
  /* Move above the live lines, print the final line, redraw the rest. */
  if (p->drawn > 0)
    fprintf (stderr, "\033[%dA", p->drawn);
  it->finished = true;
  it->done = it->total > 0 ? (uint64_t) it->total : it->done;
  line (it, status);
  for (int i = 0; i < p->drawn; i++)
    fprintf (stderr, "\033[K\n");
  if (p->drawn > 0)
    fprintf (stderr, "\033[%dA", p->drawn);
  p->drawn = 0;
  redraw (p, true);
}

void
progress_free (struct progress *p)
{
  if (!p)
    return;
  while (p->items)
    {
      struct progress_item *it = p->items;
      p->items = it->next;
      free (it);
    }
  fflush (stderr);
  free (p);
}
