#include "unit.h"

#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

void
unit_fail (struct unit_state *st, const char *file, int line, const char *fmt, ...)
{
  va_list ap;

  st->failed_checks++;
  fprintf (stdout, "# %s:%d: ", file, line);
  va_start (ap, fmt);
  vfprintf (stdout, fmt, ap);
  va_end (ap);
  fputc ('\n', stdout);
}

void
unit_skip (struct unit_state *st, const char *reason)
{
  st->skip_reason = reason;
}

void
unit_run (struct unit_totals *t, const char *name, void (*fn) (struct unit_state *))
{
  struct unit_state st = { 0 };

  fn (&st);
  t->n++;
  if (st.failed_checks)
    {
      t->failed++;
      printf ("not ok %d - %s\n", t->n, name);
    }
  else if (st.skip_reason)
    printf ("ok %d - %s # skip %s\n", t->n, name, st.skip_reason);
  else
    printf ("ok %d - %s\n", t->n, name);
  fflush (stdout);
}

int
unit_done (const struct unit_totals *t)
{
  printf ("1..%d\n", t->n);
  return t->failed ? 1 : 0;
}

const char *
unit_spec_data_dir (void)
{
  const char *env = getenv ("OCI_SPEC_DATA");
  if (env && access (env, R_OK) == 0)
    return env;
  return NULL;
}

char *
unit_read_file (const char *path, size_t *len)
{
  FILE *f = fopen (path, "rb");
  char *buf = NULL;
  size_t cap = 0, n = 0;

  if (!f)
    return NULL;
  for (;;)
    {
      if (n + 4096 + 1 > cap)
        {
          char *nb;
          cap = cap ? cap * 2 : 8192;
          nb = realloc (buf, cap);
          if (!nb)
            {
              free (buf);
              fclose (f);
              return NULL;
            }
          buf = nb;
        }
      size_t r = fread (buf + n, 1, cap - n - 1, f);
      n += r;
      if (r == 0)
        break;
    }
  fclose (f);
  buf[n] = '\0';
  if (len)
    *len = n;
  return buf;
}

char *
unit_mkdtemp (const char *prefix)
{
  const char *base = getenv ("TMPDIR");
  char *p = NULL;

  if (asprintf (&p, "%s/%s-XXXXXX", base && *base ? base : "/tmp", prefix) < 0)
    return NULL;
  if (!mkdtemp (p))
    {
      free (p);
      return NULL;
    }
  return p;
}

char *
unit_join (const char *dir, const char *name)
{
  char *p = NULL;

  if (asprintf (&p, "%s/%s", dir, name) < 0)
    abort ();
  return p;
}

static int
remove_entry (const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
  (void) st;
  (void) flag;
  (void) ftw;
  return remove (path);
}

void
unit_remove_tree (const char *path)
{
  nftw (path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}
