/* Table-driven binding between JSON documents and C structs (the idea of
 * systemd's nspawn-oci.c dispatch tables and libocispec's generated code).
 * Each struct type is described once by a table of fields; one engine
 * parses, validates, serialises and frees every type, and names the JSON
 * path of whatever it rejects.
 *
 * Layout conventions the tables rely on:
 *  - optional scalar `x` has a `bool x_present` beside it;
 *  - strings are `char *` (NULL when absent);
 *  - arrays are `T *x` plus `size_t x_len`; a present empty array has a
 *    non-NULL pointer; string arrays are also NULL-terminated;
 *  - maps of strings are `struct oci_strmap *`;
 *  - maps of objects are `char **x_keys; T *x_values; size_t x_len`;
 *  - every struct ends with `struct oci_json *extra` holding unknown keys,
 *    so documents round-trip.
 * Internal to oci-spec/: public headers expose only the structs. */
#ifndef OCI_BIND_H
#define OCI_BIND_H

#include <stddef.h>
#include <stdint.h>

#include "oci/error.h"
#include "oci/json.h"

enum oci_field_kind {
  OCI_F_STRING,
  OCI_F_BOOL,
  OCI_F_INT64,
  OCI_F_UINT64,
  OCI_F_INT32,
  OCI_F_UINT32,
  OCI_F_UINT16,
  OCI_F_STRINGS,
  OCI_F_UINT32S,
  OCI_F_OBJECT,
  OCI_F_OBJECTS,
  OCI_F_STRMAP,
  OCI_F_OBJMAP,
  OCI_F_ANY,
};

enum {
  OCI_FIELD_REQUIRED = 1 << 0,
  OCI_FIELD_ABSPATH = 1 << 1,   /* string must be an absolute path */
  OCI_FIELD_NONEMPTY = 1 << 2,  /* string or array must not be empty */
};

#define OCI_NO_AUX ((size_t) -1)

struct oci_type;

struct oci_field {
  const char *name;
  enum oci_field_kind kind;
  size_t offset;
  size_t aux;     /* _present flag for scalars; _len for arrays and maps */
  size_t aux2;    /* values array of an object map */
  const struct oci_type *sub;
  unsigned flags;
  const char *const *allowed; /* NULL-terminated set of valid strings */
  const char *noun;           /* "namespace" → `unknown namespace "x"` */
};

struct oci_type {
  const char *name;
  size_t size;
  const struct oci_field *fields;
  size_t n_fields;
  size_t extra;  /* offset of struct oci_json *extra */
  /* Semantic checks that span fields; path is the object's JSON path. */
  int (*check) (const void *obj, const char *path, struct oci_error *err);
};

#define OCI_TYPE(T, tname, table, checkfn)                                  \
  { .name = tname, .size = sizeof (T), .fields = table,                    \
    .n_fields = sizeof (table) / sizeof (table)[0],                          \
    .extra = offsetof (T, extra), .check = checkfn }

#define OCI_F_STR(T, key, m, fl) \
  { .name = key, .kind = OCI_F_STRING, .offset = offsetof (T, m), .aux = OCI_NO_AUX, .flags = fl }
#define OCI_F_ENUM(T, key, m, fl, vals, what)                                        \
  { .name = key, .kind = OCI_F_STRING, .offset = offsetof (T, m), .aux = OCI_NO_AUX, \
    .flags = fl, .allowed = vals, .noun = what }
#define OCI_F_FLAG(T, key, m) \
  { .name = key, .kind = OCI_F_BOOL, .offset = offsetof (T, m), .aux = offsetof (T, m##_present) }
#define OCI_F_NUM(T, key, kind_, m) \
  { .name = key, .kind = kind_, .offset = offsetof (T, m), .aux = offsetof (T, m##_present) }
#define OCI_F_NUM_REQ(T, key, kind_, m) \
  { .name = key, .kind = kind_, .offset = offsetof (T, m), .aux = OCI_NO_AUX, .flags = OCI_FIELD_REQUIRED }
#define OCI_F_STRV(T, key, m, fl) \
  { .name = key, .kind = OCI_F_STRINGS, .offset = offsetof (T, m), .aux = offsetof (T, m##_len), .flags = fl }
#define OCI_F_STRV_ENUM(T, key, m, fl, vals, what)                                           \
  { .name = key, .kind = OCI_F_STRINGS, .offset = offsetof (T, m), .aux = offsetof (T, m##_len), \
    .flags = fl, .allowed = vals, .noun = what }
#define OCI_F_U32V(T, key, m) \
  { .name = key, .kind = OCI_F_UINT32S, .offset = offsetof (T, m), .aux = offsetof (T, m##_len) }
#define OCI_F_OBJ(T, key, m, subtype, fl) \
  { .name = key, .kind = OCI_F_OBJECT, .offset = offsetof (T, m), .aux = OCI_NO_AUX, .sub = &(subtype), .flags = fl }
#define OCI_F_OBJV(T, key, m, subtype, fl)                                                      \
  { .name = key, .kind = OCI_F_OBJECTS, .offset = offsetof (T, m), .aux = offsetof (T, m##_len), \
    .sub = &(subtype), .flags = fl }
#define OCI_F_MAP(T, key, m) \
  { .name = key, .kind = OCI_F_STRMAP, .offset = offsetof (T, m), .aux = OCI_NO_AUX }
#define OCI_F_OBJMAP_(T, key, m, subtype)                                                          \
  { .name = key, .kind = OCI_F_OBJMAP, .offset = offsetof (T, m##_keys), .aux = offsetof (T, m##_len), \
    .aux2 = offsetof (T, m##_values), .sub = &(subtype) }
#define OCI_F_RAW(T, key, m) \
  { .name = key, .kind = OCI_F_ANY, .offset = offsetof (T, m), .aux = OCI_NO_AUX }

/* Parse j (an object) into a newly allocated struct of type t. */
int oci_bind_parse (const struct oci_type *t, const struct oci_json *j, const char *path, void **ret,
                    struct oci_error *err);
/* Same, from text; `what` names the document in errors. */
int oci_bind_parse_text (const struct oci_type *t, const char *buf, size_t len, const char *what, void **ret,
                         struct oci_error *err);
int oci_bind_parse_file (const struct oci_type *t, const char *file, void **ret, struct oci_error *err);
void oci_bind_write (const struct oci_type *t, const void *obj, struct oci_json_writer *w);
int oci_bind_generate (const struct oci_type *t, const void *obj, int flags, char **ret, size_t *ret_len,
                       struct oci_error *err);
void oci_bind_free (const struct oci_type *t, void *obj);
/* Frees what obj holds and zeroes it, for structs embedded in others. */
void oci_bind_clear (const struct oci_type *t, void *obj);
/* Run the type's semantic checks again (after a caller edited the struct). */
int oci_bind_validate (const struct oci_type *t, const void *obj, const char *path, struct oci_error *err);

#endif
