/* Serialisation through yajl_gen.  Calls never fail individually: the first
 * failure is remembered and reported once by oci_jw_finish, which keeps the
 * code that emits documents free of error plumbing on every line. */
#include "oci/json.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

struct oci_json_writer {
  yajl_gen g;
  yajl_gen_status failed;
};

struct oci_json_writer *
oci_jw_new (int flags)
{
  struct oci_json_writer *w = calloc (1, sizeof *w);

  if (!w)
    return NULL;
  w->g = yajl_gen_alloc (NULL);
  if (!w->g)
    {
      free (w);
      return NULL;
    }
  if (flags & OCI_JSON_PRETTY)
    {
      yajl_gen_config (w->g, yajl_gen_beautify, 1);
      yajl_gen_config (w->g, yajl_gen_indent_string, "\t");
    }
  /* Strings are checked when parsed; refusing invalid UTF-8 here would turn
   * a path with odd bytes into a lost document. */
  yajl_gen_config (w->g, yajl_gen_validate_utf8, 0);
  return w;
}

void
oci_jw_free (struct oci_json_writer *w)
{
  if (!w)
    return;
  yajl_gen_free (w->g);
  free (w);
}

static void
note (struct oci_json_writer *w, yajl_gen_status st)
{
  if (st != yajl_gen_status_ok && w->failed == yajl_gen_status_ok)
    w->failed = st;
}

void
oci_jw_begin_object (struct oci_json_writer *w)
{
  note (w, yajl_gen_map_open (w->g));
}

void
oci_jw_end_object (struct oci_json_writer *w)
{
  note (w, yajl_gen_map_close (w->g));
}

void
oci_jw_begin_array (struct oci_json_writer *w)
{
  note (w, yajl_gen_array_open (w->g));
}

void
oci_jw_end_array (struct oci_json_writer *w)
{
  note (w, yajl_gen_array_close (w->g));
}

void
oci_jw_string_len (struct oci_json_writer *w, const char *s, size_t len)
{
  note (w, yajl_gen_string (w->g, (const unsigned char *) s, len));
}

void
oci_jw_string (struct oci_json_writer *w, const char *s)
{
  oci_jw_string_len (w, s, strlen (s));
}

void
oci_jw_key (struct oci_json_writer *w, const char *key)
{
  oci_jw_string (w, key);
}

void
oci_jw_int64 (struct oci_json_writer *w, int64_t v)
{
  char buf[32];
  int n = snprintf (buf, sizeof buf, "%" PRId64, v);
  note (w, yajl_gen_number (w->g, buf, n));
}

void
oci_jw_uint64 (struct oci_json_writer *w, uint64_t v)
{
  char buf[32];
  int n = snprintf (buf, sizeof buf, "%" PRIu64, v);
  note (w, yajl_gen_number (w->g, buf, n));
}

void
oci_jw_bool (struct oci_json_writer *w, bool v)
{
  note (w, yajl_gen_bool (w->g, v));
}

void
oci_jw_null (struct oci_json_writer *w)
{
  note (w, yajl_gen_null (w->g));
}

void
oci_jw_kv_string (struct oci_json_writer *w, const char *key, const char *s)
{
  oci_jw_key (w, key);
  oci_jw_string (w, s);
}

void
oci_jw_kv_int64 (struct oci_json_writer *w, const char *key, int64_t v)
{
  oci_jw_key (w, key);
  oci_jw_int64 (w, v);
}

void
oci_jw_value (struct oci_json_writer *w, const struct oci_json *j)
{
  size_t i;

  switch (j->type)
    {
    case OCI_JSON_NULL:
      oci_jw_null (w);
      break;
    case OCI_JSON_BOOL:
      oci_jw_bool (w, j->u.boolean);
      break;
    case OCI_JSON_NUMBER:
      note (w, yajl_gen_number (w->g, j->u.number, strlen (j->u.number)));
      break;
    case OCI_JSON_STRING:
      oci_jw_string_len (w, j->u.string.str, j->u.string.len);
      break;
    case OCI_JSON_ARRAY:
      oci_jw_begin_array (w);
      for (i = 0; i < j->u.array.len; i++)
        oci_jw_value (w, j->u.array.items[i]);
      oci_jw_end_array (w);
      break;
    case OCI_JSON_OBJECT:
      oci_jw_begin_object (w);
      for (i = 0; i < j->u.object.len; i++)
        {
          oci_jw_key (w, j->u.object.keys[i]);
          oci_jw_value (w, j->u.object.values[i]);
        }
      oci_jw_end_object (w);
      break;
    }
}

int
oci_jw_finish (struct oci_json_writer *w, char **ret, size_t *ret_len, struct oci_error *err)
{
  const unsigned char *buf;
  size_t len;
  char *out;

  if (w->failed != yajl_gen_status_ok)
    return oci_error_set (err, EINVAL,
                          "generate JSON: invalid call sequence (yajl status %d)", (int) w->failed);
  if (yajl_gen_get_buf (w->g, &buf, &len) != yajl_gen_status_ok)
    return oci_error_set (err, EINVAL, "generate JSON");
  out = malloc (len + 2);
  if (!out)
    return oci_error_set (err, ENOMEM, "generate JSON");
  memcpy (out, buf, len);
  out[len] = '\0';
  *ret = out;
  if (ret_len)
    *ret_len = len;
  return 0;
}

int
oci_json_dump (const struct oci_json *j, int flags, char **ret, size_t *ret_len, struct oci_error *err)
{
  struct oci_json_writer *w = oci_jw_new (flags);
  int r;

  if (!w)
    return oci_error_set (err, ENOMEM, "generate JSON");
  oci_jw_value (w, j);
  r = oci_jw_finish (w, ret, ret_len, err);
  oci_jw_free (w);
  return r;
}
