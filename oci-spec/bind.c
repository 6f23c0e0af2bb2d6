/* The engine behind every table in bind.h. */
#include "bind.h"
#include "oci/cleanup.h"
#include "oci/strmap.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PATH_BUF 512

#define AT(obj, off, type) ((type *) ((char *) (obj) + (off)))
#define AT_C(obj, off, type) ((const type *) ((const char *) (obj) + (off)))

static void
join_key (char *out, const char *path, const char *key)
{
  if (path && *path)
    snprintf (out, PATH_BUF, "%s.%s", path, key);
  else
    snprintf (out, PATH_BUF, "%s", key);
}

static void
join_index (char *out, const char *path, size_t i)
{
  snprintf (out, PATH_BUF, "%s[%zu]", path, i);
}

static void
join_mapkey (char *out, const char *path, const char *key)
{
  snprintf (out, PATH_BUF, "%s[\"%s\"]", path, key);
}

static int
type_error (const char *path, const char *want, const struct oci_json *j, struct oci_error *err)
{
  return oci_error_set (err, 0, "%s: expected %s, got %s", path, want, oci_json_type_name (j->type));
}

/* Integers only: "1.0" or "1e3" in a field the spec types as an integer is
 * more likely a mistake than an intent. */
static int
parse_integer (const char *path, const struct oci_json *j, bool is_signed, int64_t min, uint64_t max,
               int64_t *ret_s, uint64_t *ret_u, struct oci_error *err)
{
  const char *s;
  char *end;

  if (j->type != OCI_JSON_NUMBER)
    return type_error (path, "an integer", j, err);
  s = j->u.number;
  if (strpbrk (s, ".eE"))
    return oci_error_set (err, 0, "%s: expected an integer, got %s", path, s);
  errno = 0;
  if (is_signed)
    {
      long long v = strtoll (s, &end, 10);
      if (errno == ERANGE || *end || v < min || (v > 0 && (uint64_t) v > max))
        return oci_error_set (err, 0, "%s: %s is out of range [%" PRId64 ", %" PRIu64 "]", path, s, min, max);
      *ret_s = v;
    }
  else
    {
      unsigned long long v;
      if (*s == '-')
        return oci_error_set (err, 0, "%s: %s is out of range [0, %" PRIu64 "]", path, s, max);
      v = strtoull (s, &end, 10);
      if (errno == ERANGE || *end || v > max)
        return oci_error_set (err, 0, "%s: %s is out of range [0, %" PRIu64 "]", path, s, max);
      *ret_u = v;
    }
  return 0;
}

static int
check_string (const struct oci_field *f, const char *path, const char *s, size_t len, struct oci_error *err)
{
  if (strlen (s) != len)
    return oci_error_set (err, 0, "%s: string contains a NUL character", path);
  if ((f->flags & OCI_FIELD_NONEMPTY) && len == 0)
    return oci_error_set (err, 0, "%s: must not be empty", path);
  if ((f->flags & OCI_FIELD_ABSPATH) && s[0] != '/')
    return oci_error_set (err, 0, "%s: \"%s\" is not an absolute path", path, s);
  if (f->allowed)
    {
      const char *const *a;
      for (a = f->allowed; *a; a++)
        if (strcmp (*a, s) == 0)
          return 0;
      return oci_error_set (err, 0, "%s: unknown %s \"%s\"", path, f->noun ? f->noun : "value", s);
    }
  return 0;
}

static int
dup_string (const struct oci_field *f, const char *path, const struct oci_json *j, char **ret,
            struct oci_error *err)
{
  int r;

  if (j->type != OCI_JSON_STRING)
    return type_error (path, "a string", j, err);
  r = check_string (f, path, j->u.string.str, j->u.string.len, err);
  if (r < 0)
    return r;
  *ret = strdup (j->u.string.str);
  if (!*ret)
    return oci_error_set (err, ENOMEM, "%s", path);
  return 0;
}

static int parse_into (const struct oci_type *t, const struct oci_json *j, const char *path, void *obj,
                       struct oci_error *err);
static void free_fields (const struct oci_type *t, void *obj);

static int
parse_scalar (const struct oci_field *f, const char *path, const struct oci_json *j, void *dst,
              struct oci_error *err)
{
  int64_t s = 0;
  uint64_t u = 0;
  int r;

  switch (f->kind)
    {
    case OCI_F_BOOL:
      if (j->type != OCI_JSON_BOOL)
        return type_error (path, "a boolean", j, err);
      *(bool *) dst = j->u.boolean;
      return 0;
    case OCI_F_INT64:
      r = parse_integer (path, j, true, INT64_MIN, INT64_MAX, &s, &u, err);
      if (r == 0)
        *(int64_t *) dst = s;
      return r;
    case OCI_F_INT32:
      r = parse_integer (path, j, true, INT32_MIN, INT32_MAX, &s, &u, err);
      if (r == 0)
        *(int32_t *) dst = (int32_t) s;
      return r;
    case OCI_F_UINT64:
      r = parse_integer (path, j, false, 0, UINT64_MAX, &s, &u, err);
      if (r == 0)
        *(uint64_t *) dst = u;
      return r;
    case OCI_F_UINT32:
      r = parse_integer (path, j, false, 0, UINT32_MAX, &s, &u, err);
      if (r == 0)
        *(uint32_t *) dst = (uint32_t) u;
      return r;
    case OCI_F_UINT16:
      r = parse_integer (path, j, false, 0, UINT16_MAX, &s, &u, err);
      if (r == 0)
        *(uint16_t *) dst = (uint16_t) u;
      return r;
    default:
      return oci_error_set (err, EINVAL, "%s: internal error: not a scalar", path);
    }
}

static int
parse_strings (const struct oci_field *f, const char *path, const struct oci_json *j, void *obj,
               struct oci_error *err)
{
  char sub[PATH_BUF];
  char **v;
  size_t i, n;
  int r;

  if (j->type != OCI_JSON_ARRAY)
    return type_error (path, "an array of strings", j, err);
  n = j->u.array.len;
  if ((f->flags & OCI_FIELD_NONEMPTY) && n == 0)
    return oci_error_set (err, 0, "%s: must not be empty", path);
  v = calloc (n + 1, sizeof *v);
  if (!v)
    return oci_error_set (err, ENOMEM, "%s", path);
  /* Stored first so that a failure half way is released by free_fields. */
  *AT (obj, f->offset, char **) = v;
  *AT (obj, f->aux, size_t) = 0;
  for (i = 0; i < n; i++)
    {
      struct oci_field elem = *f;
      elem.flags &= ~OCI_FIELD_NONEMPTY;
      join_index (sub, path, i);
      r = dup_string (&elem, sub, j->u.array.items[i], &v[i], err);
      if (r < 0)
        return r;
      *AT (obj, f->aux, size_t) = i + 1;
    }
  return 0;
}

static int
parse_u32s (const struct oci_field *f, const char *path, const struct oci_json *j, void *obj,
            struct oci_error *err)
{
  char sub[PATH_BUF];
  struct oci_field elem = { .kind = OCI_F_UINT32 };
  uint32_t *v;
  size_t i, n;
  int r;

  if (j->type != OCI_JSON_ARRAY)
    return type_error (path, "an array of integers", j, err);
  n = j->u.array.len;
  v = calloc (n + 1, sizeof *v);
  if (!v)
    return oci_error_set (err, ENOMEM, "%s", path);
  *AT (obj, f->offset, uint32_t *) = v;
  for (i = 0; i < n; i++)
    {
      join_index (sub, path, i);
      r = parse_scalar (&elem, sub, j->u.array.items[i], &v[i], err);
      if (r < 0)
        return r;
    }
  *AT (obj, f->aux, size_t) = n;
  return 0;
}

static int
parse_objects (const struct oci_field *f, const char *path, const struct oci_json *j, void *obj,
               struct oci_error *err)
{
  char sub[PATH_BUF];
  size_t i, n;
  char *v;
  int r;

  if (j->type != OCI_JSON_ARRAY)
    return type_error (path, "an array", j, err);
  n = j->u.array.len;
  if ((f->flags & OCI_FIELD_NONEMPTY) && n == 0)
    return oci_error_set (err, 0, "%s: must not be empty", path);
  /* At least one element, so that a present empty array is non-NULL. */
  v = calloc (n ? n : 1, f->sub->size);
  if (!v)
    return oci_error_set (err, ENOMEM, "%s", path);
  *AT (obj, f->offset, char *) = v;
  *AT (obj, f->aux, size_t) = 0;
  for (i = 0; i < n; i++)
    {
      join_index (sub, path, i);
      r = parse_into (f->sub, j->u.array.items[i], sub, v + i * f->sub->size, err);
      *AT (obj, f->aux, size_t) = i + 1;
      if (r < 0)
        return r;
    }
  return 0;
}

static int
parse_strmap (const struct oci_field *f, const char *path, const struct oci_json *j, void *obj,
              struct oci_error *err)
{
  char sub[PATH_BUF];
  struct oci_strmap *m;
  size_t i;

  if (j->type != OCI_JSON_OBJECT)
    return type_error (path, "an object of strings", j, err);
  m = oci_strmap_new ();
  if (!m)
    return oci_error_set (err, ENOMEM, "%s", path);
  *AT (obj, f->offset, struct oci_strmap *) = m;
  for (i = 0; i < j->u.object.len; i++)
    {
      const struct oci_json *v = j->u.object.values[i];
      join_mapkey (sub, path, j->u.object.keys[i]);
      if (v->type != OCI_JSON_STRING)
        return type_error (sub, "a string", v, err);
      if (strlen (v->u.string.str) != v->u.string.len)
        return oci_error_set (err, 0, "%s: string contains a NUL character", sub);
      if (oci_strmap_set (m, j->u.object.keys[i], v->u.string.str) < 0)
        return oci_error_set (err, ENOMEM, "%s", sub);
    }
  return 0;
}

static int
parse_objmap (const struct oci_field *f, const char *path, const struct oci_json *j, void *obj,
              struct oci_error *err)
{
  char sub[PATH_BUF];
  size_t i, n;
  char **keys;
  char *values;
  int r;

  if (j->type != OCI_JSON_OBJECT)
    return type_error (path, "an object", j, err);
  n = j->u.object.len;
  keys = calloc (n + 1, sizeof *keys);
  values = calloc (n ? n : 1, f->sub->size);
  *AT (obj, f->offset, char **) = keys;
  *AT (obj, f->aux2, char *) = values;
  *AT (obj, f->aux, size_t) = 0;
  if (!keys || !values)
    return oci_error_set (err, ENOMEM, "%s", path);
  for (i = 0; i < n; i++)
    {
      join_mapkey (sub, path, j->u.object.keys[i]);
      keys[i] = strdup (j->u.object.keys[i]);
      if (!keys[i])
        return oci_error_set (err, ENOMEM, "%s", sub);
      r = parse_into (f->sub, j->u.object.values[i], sub, values + i * f->sub->size, err);
      *AT (obj, f->aux, size_t) = i + 1;
      if (r < 0)
        return r;
    }
  return 0;
}

static int
parse_field (const struct oci_field *f, const char *path, const struct oci_json *j, void *obj,
             struct oci_error *err)
{
  void *sub = NULL;
  int r;

  switch (f->kind)
    {
    case OCI_F_STRING:
      return dup_string (f, path, j, AT (obj, f->offset, char *), err);
    case OCI_F_BOOL:
    case OCI_F_INT64:
    case OCI_F_UINT64:
    case OCI_F_INT32:
    case OCI_F_UINT32:
    case OCI_F_UINT16:
      r = parse_scalar (f, path, j, AT (obj, f->offset, void), err);
      if (r == 0 && f->aux != OCI_NO_AUX)
        *AT (obj, f->aux, bool) = true;
      return r;
    case OCI_F_STRINGS:
      return parse_strings (f, path, j, obj, err);
    case OCI_F_UINT32S:
      return parse_u32s (f, path, j, obj, err);
    case OCI_F_OBJECT:
      r = oci_bind_parse (f->sub, j, path, &sub, err);
      if (r == 0)
        *AT (obj, f->offset, void *) = sub;
      return r;
    case OCI_F_OBJECTS:
      return parse_objects (f, path, j, obj, err);
    case OCI_F_STRMAP:
      return parse_strmap (f, path, j, obj, err);
    case OCI_F_OBJMAP:
      return parse_objmap (f, path, j, obj, err);
    case OCI_F_ANY:
      *AT (obj, f->offset, struct oci_json *) = oci_json_copy (j);
      if (!*AT (obj, f->offset, struct oci_json *))
        return oci_error_set (err, ENOMEM, "%s", path);
      return 0;
    }
  return oci_error_set (err, EINVAL, "%s: internal error: unknown field kind", path);
}

static bool
field_present (const struct oci_field *f, const void *obj)
{
  switch (f->kind)
    {
    case OCI_F_BOOL:
    case OCI_F_INT64:
    case OCI_F_UINT64:
    case OCI_F_INT32:
    case OCI_F_UINT32:
    case OCI_F_UINT16:
      return f->aux == OCI_NO_AUX || *AT_C (obj, f->aux, bool);
    case OCI_F_OBJMAP:
    default:
      return *AT_C (obj, f->offset, void *) != NULL;
    }
}

static int
parse_into (const struct oci_type *t, const struct oci_json *j, const char *path, void *obj,
            struct oci_error *err)
{
  char sub[PATH_BUF];
  size_t i, k;
  int r;

  if (j->type != OCI_JSON_OBJECT)
    return type_error (path && *path ? path : "(document)", "an object", j, err);
  for (i = 0; i < j->u.object.len; i++)
    {
      const char *key = j->u.object.keys[i];
      const struct oci_json *v = j->u.object.values[i];
      const struct oci_field *f = NULL;

      for (k = 0; k < t->n_fields; k++)
        if (strcmp (t->fields[k].name, key) == 0)
          {
            f = &t->fields[k];
            break;
          }
      if (!f)
        {
          struct oci_json **extra = AT (obj, t->extra, struct oci_json *);
          if (!*extra && !(*extra = oci_json_new_object ()))
            return oci_error_set (err, ENOMEM, "%s", path);
          struct oci_json *copy = oci_json_copy (v);
          if (!copy || oci_json_object_set (*extra, key, copy) < 0)
            return oci_error_set (err, ENOMEM, "%s", path);
          continue;
        }
      /* null means "not set", as Go's encoding/json reads it (Docker image
       * configs are full of "Env": null). */
      if (v->type == OCI_JSON_NULL)
        continue;
      join_key (sub, path, key);
      r = parse_field (f, sub, v, obj, err);
      if (r < 0)
        return r;
    }
  for (k = 0; k < t->n_fields; k++)
    {
      const struct oci_json *v = oci_json_get (j, t->fields[k].name);
      if (!(t->fields[k].flags & OCI_FIELD_REQUIRED) || (v && v->type != OCI_JSON_NULL))
        continue;
      {
        join_key (sub, path, t->fields[k].name);
        return oci_error_set (err, 0, "%s: required field is missing", sub);
      }
    }
  if (t->check)
    return t->check (obj, path ? path : "", err);
  return 0;
}

int
oci_bind_parse (const struct oci_type *t, const struct oci_json *j, const char *path, void **ret,
                struct oci_error *err)
{
  void *obj = calloc (1, t->size);
  int r;

  if (!obj)
    return oci_error_set (err, ENOMEM, "%s", path);
  r = parse_into (t, j, path, obj, err);
  if (r < 0)
    {
      oci_bind_free (t, obj);
      return r;
    }
  *ret = obj;
  return 0;
}

int
oci_bind_parse_text (const struct oci_type *t, const char *buf, size_t len, const char *what, void **ret,
                     struct oci_error *err)
{
  cleanup_json struct oci_json *j = NULL;
  int r;

  r = oci_json_parse (buf, len, &j, err);
  if (r < 0)
    return oci_error_wrap (err, "%s", what);
  r = oci_bind_parse (t, j, "", ret, err);
  if (r < 0)
    return oci_error_wrap (err, "%s", what);
  return 0;
}

int
oci_bind_parse_file (const struct oci_type *t, const char *file, void **ret, struct oci_error *err)
{
  cleanup_json struct oci_json *j = NULL;
  int r;

  r = oci_json_parse_file (file, &j, err);
  if (r < 0)
    return r;
  r = oci_bind_parse (t, j, "", ret, err);
  if (r < 0)
    return oci_error_wrap (err, "%s", file);
  return 0;
}

static void
write_field (const struct oci_field *f, const void *obj, struct oci_json_writer *w)
{
  size_t i, n;

  switch (f->kind)
    {
    case OCI_F_STRING:
      oci_jw_string (w, *AT_C (obj, f->offset, char *));
      break;
    case OCI_F_BOOL:
      oci_jw_bool (w, *AT_C (obj, f->offset, bool));
      break;
    case OCI_F_INT64:
      oci_jw_int64 (w, *AT_C (obj, f->offset, int64_t));
      break;
    case OCI_F_INT32:
      oci_jw_int64 (w, *AT_C (obj, f->offset, int32_t));
      break;
    case OCI_F_UINT64:
      oci_jw_uint64 (w, *AT_C (obj, f->offset, uint64_t));
      break;
    case OCI_F_UINT32:
      oci_jw_uint64 (w, *AT_C (obj, f->offset, uint32_t));
      break;
    case OCI_F_UINT16:
      oci_jw_uint64 (w, *AT_C (obj, f->offset, uint16_t));
      break;
    case OCI_F_STRINGS:
      {
        const char *const *v = *AT_C (obj, f->offset, char **);
        n = *AT_C (obj, f->aux, size_t);
        oci_jw_begin_array (w);
        for (i = 0; i < n; i++)
          oci_jw_string (w, v[i]);
        oci_jw_end_array (w);
      }
      break;
    case OCI_F_UINT32S:
      {
        const uint32_t *v = *AT_C (obj, f->offset, uint32_t *);
        n = *AT_C (obj, f->aux, size_t);
        oci_jw_begin_array (w);
        for (i = 0; i < n; i++)
          oci_jw_uint64 (w, v[i]);
        oci_jw_end_array (w);
      }
      break;
    case OCI_F_OBJECT:
      oci_bind_write (f->sub, *AT_C (obj, f->offset, void *), w);
      break;
    case OCI_F_OBJECTS:
      {
        const char *v = *AT_C (obj, f->offset, char *);
        n = *AT_C (obj, f->aux, size_t);
        oci_jw_begin_array (w);
        for (i = 0; i < n; i++)
          oci_bind_write (f->sub, v + i * f->sub->size, w);
        oci_jw_end_array (w);
      }
      break;
    case OCI_F_STRMAP:
      {
        const struct oci_strmap *m = *AT_C (obj, f->offset, struct oci_strmap *);
        oci_jw_begin_object (w);
        for (i = 0; i < m->len; i++)
          oci_jw_kv_string (w, m->keys[i], m->values[i]);
        oci_jw_end_object (w);
      }
      break;
    case OCI_F_OBJMAP:
      {
        const char *const *keys = *AT_C (obj, f->offset, char **);
        const char *values = *AT_C (obj, f->aux2, char *);
        n = *AT_C (obj, f->aux, size_t);
        oci_jw_begin_object (w);
        for (i = 0; i < n; i++)
          {
            oci_jw_key (w, keys[i]);
            oci_bind_write (f->sub, values + i * f->sub->size, w);
          }
        oci_jw_end_object (w);
      }
      break;
    case OCI_F_ANY:
      oci_jw_value (w, *AT_C (obj, f->offset, struct oci_json *));
      break;
    }
}

void
oci_bind_write (const struct oci_type *t, const void *obj, struct oci_json_writer *w)
{
  const struct oci_json *extra = *AT_C (obj, t->extra, struct oci_json *);
  size_t k;

  oci_jw_begin_object (w);
  for (k = 0; k < t->n_fields; k++)
    {
      const struct oci_field *f = &t->fields[k];
      if (!field_present (f, obj))
        continue;
      oci_jw_key (w, f->name);
      write_field (f, obj, w);
    }
  if (extra && extra->type == OCI_JSON_OBJECT)
    for (k = 0; k < extra->u.object.len; k++)
      {
        oci_jw_key (w, extra->u.object.keys[k]);
        oci_jw_value (w, extra->u.object.values[k]);
      }
  oci_jw_end_object (w);
}

int
oci_bind_generate (const struct oci_type *t, const void *obj, int flags, char **ret, size_t *ret_len,
                   struct oci_error *err)
{
  struct oci_json_writer *w = oci_jw_new (flags);
  int r;

  if (!w)
    return oci_error_set (err, ENOMEM, "generate %s", t->name);
  oci_bind_write (t, obj, w);
  r = oci_jw_finish (w, ret, ret_len, err);
  oci_jw_free (w);
  return r;
}

static void
free_field (const struct oci_field *f, void *obj)
{
  size_t i, n;

  switch (f->kind)
    {
    case OCI_F_STRING:
    case OCI_F_UINT32S:
      free (*AT (obj, f->offset, void *));
      break;
    case OCI_F_STRINGS:
      {
        char **v = *AT (obj, f->offset, char **);
        n = *AT (obj, f->aux, size_t);
        for (i = 0; v && i < n; i++)
          free (v[i]);
        free (v);
      }
      break;
    case OCI_F_OBJECT:
      oci_bind_free (f->sub, *AT (obj, f->offset, void *));
      break;
    case OCI_F_OBJECTS:
      {
        char *v = *AT (obj, f->offset, char *);
        n = *AT (obj, f->aux, size_t);
        for (i = 0; v && i < n; i++)
          free_fields (f->sub, v + i * f->sub->size);
        free (v);
      }
      break;
    case OCI_F_STRMAP:
      oci_strmap_free (*AT (obj, f->offset, struct oci_strmap *));
      break;
    case OCI_F_OBJMAP:
      {
        char **keys = *AT (obj, f->offset, char **);
        char *values = *AT (obj, f->aux2, char *);
        n = *AT (obj, f->aux, size_t);
        for (i = 0; i < n; i++)
          {
            free (keys[i]);
            free_fields (f->sub, values + i * f->sub->size);
          }
        free (keys);
        free (values);
      }
      break;
    case OCI_F_ANY:
      oci_json_free (*AT (obj, f->offset, struct oci_json *));
      break;
    default:
      break;
    }
}

static void
free_fields (const struct oci_type *t, void *obj)
{
  size_t k;

  for (k = 0; k < t->n_fields; k++)
    free_field (&t->fields[k], obj);
  oci_json_free (*AT (obj, t->extra, struct oci_json *));
}

void
oci_bind_clear (const struct oci_type *t, void *obj)
{
  if (!obj)
    return;
  free_fields (t, obj);
  memset (obj, 0, t->size);
}

void
oci_bind_free (const struct oci_type *t, void *obj)
{
  if (!obj)
    return;
  free_fields (t, obj);
  free (obj);
}

static int
validate_field (const struct oci_field *f, const void *obj, const char *path, struct oci_error *err)
{
  char sub[PATH_BUF];
  size_t i, n;
  int r;

  switch (f->kind)
    {
    case OCI_F_OBJECT:
      return oci_bind_validate (f->sub, *AT_C (obj, f->offset, void *), path, err);
    case OCI_F_OBJECTS:
      {
        const char *v = *AT_C (obj, f->offset, char *);
        n = *AT_C (obj, f->aux, size_t);
        for (i = 0; i < n; i++)
          {
            join_index (sub, path, i);
            r = oci_bind_validate (f->sub, v + i * f->sub->size, sub, err);
            if (r < 0)
              return r;
          }
      }
      return 0;
    case OCI_F_STRING:
      {
        const char *s = *AT_C (obj, f->offset, char *);
        return check_string (f, path, s, strlen (s), err);
      }
    default:
      return 0;
    }
}

int
oci_bind_validate (const struct oci_type *t, const void *obj, const char *path, struct oci_error *err)
{
  char sub[PATH_BUF];
  size_t k;
  int r;

  if (!obj)
    return 0;
  for (k = 0; k < t->n_fields; k++)
    {
      const struct oci_field *f = &t->fields[k];
      join_key (sub, path, f->name);
      if (!field_present (f, obj))
        {
          if (f->flags & OCI_FIELD_REQUIRED)
            return oci_error_set (err, 0, "%s: required field is missing", sub);
          continue;
        }
      r = validate_field (f, obj, sub, err);
      if (r < 0)
        return r;
    }
  if (t->check)
    return t->check (obj, path, err);
  return 0;
}
