/* Progress bars on stderr, one line per blob in flight, drawn only when
 * stderr is a terminal (and at most ten times a second). */
#ifndef REGCTL_PROGRESS_H
#define REGCTL_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

struct progress;
struct progress_item;

/* NULL when disabled (not a terminal, --no-progress): every call accepts
 * NULL and does nothing. */
struct progress *progress_new (bool enabled);
void progress_free (struct progress *p);
struct progress_item *progress_add (struct progress *p, const char *label, int64_t total);
void progress_update (struct progress *p, struct progress_item *it, uint64_t done);
/* Final state of an item ("done", "exists", "mounted", "failed"). */
void progress_finish (struct progress *p, struct progress_item *it, const char *status);

#endif
