#include "oci/strmap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct oci_strmap *
oci_strmap_new (void)
{
  return calloc (1, sizeof (struct oci_strmap));
}

void
oci_strmap_free (struct oci_strmap *m)
{
  size_t i;

  if (!m)
    return;
  for (i = 0; i < m->len; i++)
    {
      free (m->keys[i]);
      free (m->values[i]);
    }
  free (m->keys);
  free (m->values);
  free (m);
}

const char *
oci_strmap_get (const struct oci_strmap *m, const char *key)
{
  size_t i;

  if (!m)
    return NULL;
  for (i = 0; i < m->len; i++)
    if (strcmp (m->keys[i], key) == 0)
      return m->values[i];
  return NULL;
}

int
oci_strmap_set (struct oci_strmap *m, const char *key, const char *value)
{
  char *v = strdup (value), *k = NULL;
  char **nk, **nv;
  size_t i;

  if (!v)
    return -ENOMEM;
  for (i = 0; i < m->len; i++)
    if (strcmp (m->keys[i], key) == 0)
      {
        free (m->values[i]);
        m->values[i] = v;
        return 0;
      }
  k = strdup (key);
  nk = realloc (m->keys, (m->len + 1) * sizeof *nk);
  if (nk)
    m->keys = nk;
  nv = realloc (m->values, (m->len + 1) * sizeof *nv);
  if (nv)
    m->values = nv;
  if (!k || !nk || !nv)
    {
      free (k);
      free (v);
      return -ENOMEM;
    }
  m->keys[m->len] = k;
  m->values[m->len] = v;
  m->len++;
  return 0;
}

int
oci_strmap_remove (struct oci_strmap *m, const char *key)
{
  size_t i;

  for (i = 0; i < m->len; i++)
    if (strcmp (m->keys[i], key) == 0)
      {
        free (m->keys[i]);
        free (m->values[i]);
        memmove (&m->keys[i], &m->keys[i + 1], (m->len - i - 1) * sizeof (char *));
        memmove (&m->values[i], &m->values[i + 1], (m->len - i - 1) * sizeof (char *));
        m->len--;
        return 1;
      }
  return 0;
}
