/* The document model and the yajl-driven parser. */
#include "oci/json.h"
#include "oci/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yajl/yajl_parse.h>

struct parse_frame {
  struct oci_json *container;
  char *pending_key;  /* object member whose value comes next */
};

struct parser {
  struct parse_frame stack[OCI_JSON_MAX_DEPTH + 1];
  int depth;
  struct oci_json *root;
  const char *failure;  /* why a callback stopped the parse */
};

static struct oci_json *
node_new (enum oci_json_type t)
{
  struct oci_json *j = calloc (1, sizeof *j);
  if (j)
    j->type = t;
  return j;
}

void
oci_json_free (struct oci_json *j)
{
  size_t i;

  if (!j)
    return;
  switch (j->type)
    {
    case OCI_JSON_NUMBER:
      free (j->u.number);
      break;
    case OCI_JSON_STRING:
      free (j->u.string.str);
      break;
    case OCI_JSON_ARRAY:
      for (i = 0; i < j->u.array.len; i++)
        oci_json_free (j->u.array.items[i]);
      free (j->u.array.items);
      break;
    case OCI_JSON_OBJECT:
      for (i = 0; i < j->u.object.len; i++)
        {
          free (j->u.object.keys[i]);
          oci_json_free (j->u.object.values[i]);
        }
      free (j->u.object.keys);
      free (j->u.object.values);
      break;
    default:
      break;
    }
  free (j);
}

void
oci_json_freep (struct oci_json **j)
{
  oci_json_free (*j);
}

static int
grow (void **arr, size_t len, size_t elem)
{
  /* Capacity is implied: powers of two from 4, so no field is needed. */
  size_t cap = 4;
  void *n;

  if (len < 4)
    {
      if (*arr)
        return 0;
    }
  else
    {
      while (cap < len)
        cap *= 2;
      if (len < cap)
        return 0;
      cap *= 2;
    }
  n = realloc (*arr, cap * elem);
  if (!n)
    return -1;
  *arr = n;
  return 0;
}

static int
array_push (struct oci_json *arr, struct oci_json *v)
{
  if (grow ((void **) &arr->u.array.items, arr->u.array.len, sizeof (void *)) < 0)
    return -1;
  arr->u.array.items[arr->u.array.len++] = v;
  return 0;
}

static int
object_push (struct oci_json *obj, char *key, struct oci_json *v)
{
  if (grow ((void **) &obj->u.object.keys, obj->u.object.len, sizeof (char *)) < 0
      || grow ((void **) &obj->u.object.values, obj->u.object.len, sizeof (void *)) < 0)
    return -1;
  obj->u.object.keys[obj->u.object.len] = key;
  obj->u.object.values[obj->u.object.len] = v;
  obj->u.object.len++;
  return 0;
}

/* Attach a finished value to the current container (or make it the root). */
static int
attach (struct parser *p, struct oci_json *v)
{
  struct parse_frame *f;

  if (!v)
    {
      p->failure = "out of memory";
      return 0;
    }
  if (p->depth == 0)
    {
      p->root = v;
      return 1;
    }
  f = &p->stack[p->depth - 1];
  if (f->container->type == OCI_JSON_ARRAY)
    {
      if (array_push (f->container, v) < 0)
        goto oom;
      return 1;
    }
  if (object_push (f->container, f->pending_key, v) < 0)
    goto oom;
  f->pending_key = NULL;
  return 1;
oom:
  oci_json_free (v);
  p->failure = "out of memory";
  return 0;
}

static int
cb_null (void *ctx)
{
  return attach (ctx, node_new (OCI_JSON_NULL));
}

static int
cb_boolean (void *ctx, int b)
{
  struct oci_json *v = node_new (OCI_JSON_BOOL);
  if (v)
    v->u.boolean = b != 0;
  return attach (ctx, v);
}

static int
cb_number (void *ctx, const char *s, size_t len)
{
  struct oci_json *v = node_new (OCI_JSON_NUMBER);
  if (v && !(v->u.number = strndup (s, len)))
    {
      free (v);
      v = NULL;
    }
  return attach (ctx, v);
}

static int
cb_string (void *ctx, const unsigned char *s, size_t len)
{
  struct oci_json *v = node_new (OCI_JSON_STRING);
  if (v)
    {
      v->u.string.str = malloc (len + 1);
      if (!v->u.string.str)
        {
          free (v);
          v = NULL;
        }
      else
        {
          memcpy (v->u.string.str, s, len);
          v->u.string.str[len] = '\0';
          v->u.string.len = len;
        }
    }
  return attach (ctx, v);
}

static int
push_container (struct parser *p, enum oci_json_type t)
{
  struct oci_json *c;

  if (p->depth >= OCI_JSON_MAX_DEPTH)
    {
      p->failure = "nesting too deep";
      return 0;
    }
  c = node_new (t);
  if (!c)
    {
      p->failure = "out of memory";
      return 0;
    }
  p->stack[p->depth].container = c;
  p->stack[p->depth].pending_key = NULL;
  p->depth++;
  return 1;
}

static int
key_cmp (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static int
has_duplicate_key (const struct oci_json *obj)
{
  cleanup_free char **sorted = NULL;
  size_t i, n = obj->u.object.len;

  if (n < 2)
    return 0;
  sorted = malloc (n * sizeof *sorted);
  if (!sorted)
    return -1;
  memcpy (sorted, obj->u.object.keys, n * sizeof *sorted);
  qsort (sorted, n, sizeof *sorted, key_cmp);
  for (i = 1; i < n; i++)
    if (strcmp (sorted[i - 1], sorted[i]) == 0)
      return 1;
  return 0;
}

static int
pop_container (void *ctx)
{
  struct parser *p = ctx;
  struct oci_json *c = p->stack[p->depth - 1].container;

  p->depth--;
  /* A duplicated key means two readers could see two different documents. */
  if (c->type == OCI_JSON_OBJECT && has_duplicate_key (c) != 0)
    {
      oci_json_free (c);
      p->failure = "duplicate key in object";
      return 0;
    }
  return attach (p, c);
}

static int
cb_start_map (void *ctx)
{
  return push_container (ctx, OCI_JSON_OBJECT);
}

static int
cb_map_key (void *ctx, const unsigned char *key, size_t len)
{
  struct parser *p = ctx;
  struct parse_frame *f = &p->stack[p->depth - 1];

  if (memchr (key, '\0', len))
    {
      p->failure = "NUL character in object key";
      return 0;
    }
  f->pending_key = strndup ((const char *) key, len);
  if (!f->pending_key)
    {
      p->failure = "out of memory";
      return 0;
    }
  return 1;
}

static int
cb_start_array (void *ctx)
{
  return push_container (ctx, OCI_JSON_ARRAY);
}

static const yajl_callbacks callbacks = {
  .yajl_null = cb_null,
  .yajl_boolean = cb_boolean,
  .yajl_number = cb_number,
  .yajl_string = cb_string,
  .yajl_start_map = cb_start_map,
  .yajl_map_key = cb_map_key,
  .yajl_end_map = pop_container,
  .yajl_start_array = cb_start_array,
  .yajl_end_array = pop_container,
};

static void
parser_release (struct parser *p)
{
  /* Unwind a parse that stopped half way: the open containers are not yet
   * attached to anything. */
  while (p->depth > 0)
    {
      struct parse_frame *f = &p->stack[--p->depth];
      free (f->pending_key);
      oci_json_free (f->container);
    }
  oci_json_free (p->root);
  p->root = NULL;
}

int
oci_json_parse (const char *buf, size_t len, struct oci_json **ret, struct oci_error *err)
{
  cleanup_free struct parser *p = calloc (1, sizeof *p);
  yajl_handle h;
  yajl_status st;
  int r = 0;

  if (!p)
    return oci_error_set (err, ENOMEM, "parse JSON");
  if (len > OCI_JSON_MAX_SIZE)
    return oci_error_set (err, EFBIG, "JSON document of %zu bytes exceeds the limit of %u", len, OCI_JSON_MAX_SIZE);
  h = yajl_alloc (&callbacks, NULL, p);
  if (!h)
    return oci_error_set (err, ENOMEM, "parse JSON");
  yajl_config (h, yajl_allow_comments, 0);
  st = yajl_parse (h, (const unsigned char *) buf, len);
  if (st == yajl_status_ok)
    st = yajl_complete_parse (h);
  if (st != yajl_status_ok)
    {
      if (p->failure)
        r = oci_error_set (err, 0, "invalid JSON: %s", p->failure);
      else
        {
          unsigned char *msg = yajl_get_error (h, 0, (const unsigned char *) buf, len);
          size_t off = yajl_get_bytes_consumed (h);
          char *nl;
          if (msg && (nl = strchr ((char *) msg, '\n')))
            *nl = '\0';
          r = oci_error_set (err, 0, "invalid JSON at byte %zu: %s", off, msg ? (char *) msg : "parse error");
          if (msg)
            yajl_free_error (h, msg);
        }
      parser_release (p);
    }
  else if (!p->root)
    r = oci_error_set (err, 0, "invalid JSON: empty document");
  yajl_free (h);
  if (r < 0)
    return r;
  *ret = p->root;
  return 0;
}

int
oci_json_parse_fd (int fd, const char *what, struct oci_json **ret, struct oci_error *err)
{
  cleanup_free char *buf = NULL;
  size_t len = 0, cap = 16384;
  struct stat st;

  /* Sized from the file and grown only when full: every page of a buffer
   * larger than the document costs a page fault, and a realloc copies the
   * untouched rest too (a 2 KB config.json used to cost 32 faults). */
  if (fstat (fd, &st) == 0 && S_ISREG (st.st_mode) && st.st_size >= 0 && st.st_size <= OCI_JSON_MAX_SIZE)
    cap = (size_t) st.st_size + 1;
  buf = malloc (cap);
  if (!buf)
    return oci_error_set (err, ENOMEM, "read %s", what);
  for (;;)
    {
      ssize_t n;
      if (len == cap)
        {
          char *nb;
          if (cap > OCI_JSON_MAX_SIZE)
            return oci_error_set (err, EFBIG, "read %s: larger than %u bytes", what, OCI_JSON_MAX_SIZE);
          cap = cap * 2 > OCI_JSON_MAX_SIZE + 1 ? OCI_JSON_MAX_SIZE + 1 : cap * 2;
          nb = realloc (buf, cap);
          if (!nb)
            return oci_error_set (err, ENOMEM, "read %s", what);
          buf = nb;
        }
      n = read (fd, buf + len, cap - len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return oci_error_set (err, errno, "read %s", what);
      if (n == 0)
        break;
      len += n;
    }
  if (oci_json_parse (buf, len, ret, err) < 0)
    return oci_error_wrap (err, "%s", what);
  return 0;
}

int
oci_json_parse_file (const char *path, struct oci_json **ret, struct oci_error *err)
{
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC);

  if (fd < 0)
    return oci_error_set (err, errno, "open %s", path);
  return oci_json_parse_fd (fd, path, ret, err);
}

struct oci_json *
oci_json_get (const struct oci_json *obj, const char *key)
{
  size_t i;

  if (!obj || obj->type != OCI_JSON_OBJECT)
    return NULL;
  for (i = obj->u.object.len; i > 0; i--)
    if (strcmp (obj->u.object.keys[i - 1], key) == 0)
      return obj->u.object.values[i - 1];
  return NULL;
}

const char *
oci_json_type_name (enum oci_json_type t)
{
  switch (t)
    {
    case OCI_JSON_NULL:
      return "null";
    case OCI_JSON_BOOL:
      return "boolean";
    case OCI_JSON_NUMBER:
      return "number";
    case OCI_JSON_STRING:
      return "string";
    case OCI_JSON_ARRAY:
      return "array";
    case OCI_JSON_OBJECT:
      return "object";
    }
  return "unknown";
}

struct oci_json *
oci_json_copy (const struct oci_json *j)
{
  struct oci_json *c;
  size_t i;

  if (!j)
    return NULL;
  c = node_new (j->type);
  if (!c)
    return NULL;
  switch (j->type)
    {
    case OCI_JSON_BOOL:
      c->u.boolean = j->u.boolean;
      break;
    case OCI_JSON_NUMBER:
      if (!(c->u.number = strdup (j->u.number)))
        goto fail;
      break;
    case OCI_JSON_STRING:
      c->u.string.str = malloc (j->u.string.len + 1);
      if (!c->u.string.str)
        goto fail;
      memcpy (c->u.string.str, j->u.string.str, j->u.string.len + 1);
      c->u.string.len = j->u.string.len;
      break;
    case OCI_JSON_ARRAY:
      for (i = 0; i < j->u.array.len; i++)
        {
          struct oci_json *item = oci_json_copy (j->u.array.items[i]);
          if (!item || array_push (c, item) < 0)
            {
              oci_json_free (item);
              goto fail;
            }
        }
      break;
    case OCI_JSON_OBJECT:
      for (i = 0; i < j->u.object.len; i++)
        {
          struct oci_json *v = oci_json_copy (j->u.object.values[i]);
          char *k = strdup (j->u.object.keys[i]);
          if (!v || !k || object_push (c, k, v) < 0)
            {
              oci_json_free (v);
              free (k);
              goto fail;
            }
        }
      break;
    default:
      break;
    }
  return c;
fail:
  oci_json_free (c);
  return NULL;
}

static bool
numbers_equal (const char *a, const char *b)
{
  char *ea, *eb;
  long double x, y;

  if (strcmp (a, b) == 0)
    return true;
  errno = 0;
  x = strtold (a, &ea);
  y = strtold (b, &eb);
  return *ea == '\0' && *eb == '\0' && errno == 0 && x == y;
}

bool
oci_json_equal (const struct oci_json *a, const struct oci_json *b)
{
  size_t i;

  if (!a || !b)
    return a == b;
  if (a->type != b->type)
    return false;
  switch (a->type)
    {
    case OCI_JSON_NULL:
      return true;
    case OCI_JSON_BOOL:
      return a->u.boolean == b->u.boolean;
    case OCI_JSON_NUMBER:
      return numbers_equal (a->u.number, b->u.number);
    case OCI_JSON_STRING:
      return a->u.string.len == b->u.string.len
             && memcmp (a->u.string.str, b->u.string.str, a->u.string.len) == 0;
    case OCI_JSON_ARRAY:
      if (a->u.array.len != b->u.array.len)
        return false;
      for (i = 0; i < a->u.array.len; i++)
        if (!oci_json_equal (a->u.array.items[i], b->u.array.items[i]))
          return false;
      return true;
    case OCI_JSON_OBJECT:
      if (a->u.object.len != b->u.object.len)
        return false;
      for (i = 0; i < a->u.object.len; i++)
        if (!oci_json_equal (a->u.object.values[i], oci_json_get (b, a->u.object.keys[i])))
          return false;
      return true;
    }
  return false;
}

struct oci_json *
oci_json_new_object (void)
{
  return node_new (OCI_JSON_OBJECT);
}

struct oci_json *
oci_json_new_string (const char *s)
{
  struct oci_json *j = node_new (OCI_JSON_STRING);
  if (!j)
    return NULL;
  j->u.string.str = strdup (s);
  if (!j->u.string.str)
    {
      free (j);
      return NULL;
    }
  j->u.string.len = strlen (s);
  return j;
}

int
oci_json_object_set (struct oci_json *obj, const char *key, struct oci_json *value)
{
  size_t i;
  char *k;

  for (i = 0; i < obj->u.object.len; i++)
    if (strcmp (obj->u.object.keys[i], key) == 0)
      {
        oci_json_free (obj->u.object.values[i]);
        obj->u.object.values[i] = value;
        return 0;
      }
  k = strdup (key);
  if (!k || object_push (obj, k, value) < 0)
    {
      free (k);
      oci_json_free (value);
      return -ENOMEM;
    }
  return 0;
}

int
oci_json_object_remove (struct oci_json *obj, const char *key)
{
  size_t i;

  for (i = 0; i < obj->u.object.len; i++)
    if (strcmp (obj->u.object.keys[i], key) == 0)
      {
        free (obj->u.object.keys[i]);
        oci_json_free (obj->u.object.values[i]);
        memmove (&obj->u.object.keys[i], &obj->u.object.keys[i + 1],
                 (obj->u.object.len - i - 1) * sizeof (char *));
        memmove (&obj->u.object.values[i], &obj->u.object.values[i + 1],
                 (obj->u.object.len - i - 1) * sizeof (void *));
        obj->u.object.len--;
        return 1;
      }
  return 0;
}

struct oci_json *
oci_json_new_array (void)
{
  return node_new (OCI_JSON_ARRAY);
}

struct oci_json *
oci_json_new_bool (bool b)
{
  struct oci_json *j = node_new (OCI_JSON_BOOL);
  if (j)
    j->u.boolean = b;
  return j;
}

struct oci_json *
oci_json_new_int (int64_t v)
{
  struct oci_json *j = node_new (OCI_JSON_NUMBER);
  if (j && asprintf (&j->u.number, "%" PRId64, v) < 0)
    {
      free (j);
      return NULL;
    }
  return j;
}

int
oci_json_array_append (struct oci_json *arr, struct oci_json *value)
{
  if (!value || array_push (arr, value) < 0)
    {
      oci_json_free (value);
      return -ENOMEM;
    }
  return 0;
}
