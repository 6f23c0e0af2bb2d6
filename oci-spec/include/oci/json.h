/* A JSON document model of our own, so that no header outside oci-spec/
 * mentions yajl (STYLE.md: crun had to touch 39 files to change JSON
 * libraries because its JSON types leaked).  Parsing goes through yajl's
 * callback parser with limits on depth and size; writing through yajl_gen. */
#ifndef OCI_JSON_H
#define OCI_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "oci/error.h"

enum oci_json_type {
  OCI_JSON_NULL,
  OCI_JSON_BOOL,
  OCI_JSON_NUMBER,
  OCI_JSON_STRING,
  OCI_JSON_ARRAY,
  OCI_JSON_OBJECT,
};

struct oci_json {
  enum oci_json_type type;
  union {
    bool boolean;
    char *number;  /* the literal text, so no precision is lost */
    struct {
      char *str;   /* NUL-terminated; len excludes the NUL */
      size_t len;
    } string;
    struct {
      struct oci_json **items;
      size_t len;
    } array;
    struct {
      char **keys;
      struct oci_json **values;
      size_t len;
    } object;
  } u;
};

/* Nesting deeper than this is refused: no legitimate document needs it and
 * recursion over hostile input must stay bounded. */
#define OCI_JSON_MAX_DEPTH 128
/* Largest document read from a file or a stream. */
#define OCI_JSON_MAX_SIZE (64u * 1024 * 1024)

int oci_json_parse (const char *buf, size_t len, struct oci_json **ret, struct oci_error *err);
int oci_json_parse_file (const char *path, struct oci_json **ret, struct oci_error *err);
int oci_json_parse_fd (int fd, const char *what, struct oci_json **ret, struct oci_error *err);
void oci_json_free (struct oci_json *j);
void oci_json_freep (struct oci_json **j);
#define cleanup_json __attribute__ ((cleanup (oci_json_freep)))

/* Lookup of the last value with this key, NULL when absent or not an object. */
struct oci_json *oci_json_get (const struct oci_json *obj, const char *key);
const char *oci_json_type_name (enum oci_json_type t);
struct oci_json *oci_json_copy (const struct oci_json *j);
/* Structural equality; object member order does not matter, numbers compare
 * by value when both parse as integers, else by text. */
bool oci_json_equal (const struct oci_json *a, const struct oci_json *b);

/* Constructors used when building documents by hand; NULL on ENOMEM. */
struct oci_json *oci_json_new_object (void);
struct oci_json *oci_json_new_string (const char *s);
struct oci_json *oci_json_new_array (void);
struct oci_json *oci_json_new_bool (bool b);
struct oci_json *oci_json_new_int (int64_t v);
/* Takes ownership of value (freed on failure too). */
int oci_json_array_append (struct oci_json *arr, struct oci_json *value);
/* Takes ownership of value; replaces an existing key. */
int oci_json_object_set (struct oci_json *obj, const char *key, struct oci_json *value);
int oci_json_object_remove (struct oci_json *obj, const char *key);

/* Writer. */
struct oci_json_writer;

enum {
  OCI_JSON_COMPACT = 0,
  OCI_JSON_PRETTY = 1,
};

struct oci_json_writer *oci_jw_new (int flags);
void oci_jw_free (struct oci_json_writer *w);
void oci_jw_begin_object (struct oci_json_writer *w);
void oci_jw_end_object (struct oci_json_writer *w);
void oci_jw_begin_array (struct oci_json_writer *w);
void oci_jw_end_array (struct oci_json_writer *w);
void oci_jw_key (struct oci_json_writer *w, const char *key);
void oci_jw_string (struct oci_json_writer *w, const char *s);
void oci_jw_string_len (struct oci_json_writer *w, const char *s, size_t len);
void oci_jw_int64 (struct oci_json_writer *w, int64_t v);
void oci_jw_uint64 (struct oci_json_writer *w, uint64_t v);
void oci_jw_bool (struct oci_json_writer *w, bool v);
void oci_jw_null (struct oci_json_writer *w);
void oci_jw_value (struct oci_json_writer *w, const struct oci_json *j);
/* Convenience: "key": "value" pairs. */
void oci_jw_kv_string (struct oci_json_writer *w, const char *key, const char *s);
void oci_jw_kv_int64 (struct oci_json_writer *w, const char *key, int64_t v);
/* Returns the text (caller frees; NUL-terminated) or fails when a call
 * sequence was invalid or memory ran out. */
int oci_jw_finish (struct oci_json_writer *w, char **ret, size_t *ret_len, struct oci_error *err);

/* Serialise a document. */
int oci_json_dump (const struct oci_json *j, int flags, char **ret, size_t *ret_len, struct oci_error *err);

#endif
