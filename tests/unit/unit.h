/* A tiny TAP producer for the C unit tests: each CHECK is one assertion,
 * each TEST one TAP line; tests/run-all counts the "ok"/"not ok" lines. */
#ifndef TONG_UNIT_H
#define TONG_UNIT_H

#include <stdio.h>
#include <string.h>

struct unit_state {
  int failed_checks;        /* failures inside the current test */
  const char *skip_reason;  /* set by unit_skip */
};

struct unit_totals {
  int n;
  int failed;
};

void unit_fail (struct unit_state *st, const char *file, int line, const char *fmt, ...)
    __attribute__ ((format (printf, 4, 5)));
/* Runs one test function and prints its TAP line. */
void unit_run (struct unit_totals *t, const char *name, void (*fn) (struct unit_state *));
/* Prints the TAP plan, returns the exit status for main(). */
int unit_done (const struct unit_totals *t);
/* Directory holding ../shared/oci-spec-data, or NULL when absent. */
const char *unit_spec_data_dir (void);
/* Reads a whole file into a NUL-terminated buffer (caller frees), NULL on error. */
char *unit_read_file (const char *path, size_t *len);
/* A new directory $TMPDIR/PREFIX-XXXXXX (caller frees the name), NULL on error. */
char *unit_mkdtemp (const char *prefix);
/* "dir/name", new; aborts when out of memory. */
char *unit_join (const char *dir, const char *name);
/* Removes path and everything below it, without following links. */
void unit_remove_tree (const char *path);
/* Marks the current test skipped with a reason. */
void unit_skip (struct unit_state *st, const char *reason);

#define CHECK(st, cond)                                                 \
  do {                                                                  \
    if (!(cond))                                                        \
      unit_fail ((st), __FILE__, __LINE__, "check failed: %s", #cond);  \
  } while (0)

#define CHECK_STR(st, got, want)                                              \
  do {                                                                        \
    const char *g_ = (got), *w_ = (want);                                     \
    if ((g_ == NULL) != (w_ == NULL) || (g_ && strcmp (g_, w_) != 0))         \
      unit_fail ((st), __FILE__, __LINE__, "%s: got \"%s\", want \"%s\"", #got, \
                 g_ ? g_ : "(null)", w_ ? w_ : "(null)");                     \
  } while (0)

#define CHECK_INT(st, got, want)                                              \
  do {                                                                        \
    long long g_ = (long long) (got), w_ = (long long) (want);                \
    if (g_ != w_)                                                             \
      unit_fail ((st), __FILE__, __LINE__, "%s: got %lld, want %lld", #got, g_, w_); \
  } while (0)

/* main() declares `struct unit_totals totals = { 0 };` and calls RUN (fn). */
#define RUN(fn) unit_run (&totals, #fn, fn)

#endif
