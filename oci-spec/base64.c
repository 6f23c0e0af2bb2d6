/* Base64 encoding and strict decoding. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "oci/base64.h"

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int
oci_base64_encode (const void *buf, size_t len, char **ret, struct oci_error *err)
{
  const unsigned char *in = buf;
  char *out, *p;
  size_t i;

  if (len > (SIZE_MAX - 1) / 4 * 3 - 3)
    return oci_error_set (err, EOVERFLOW, "base64: input too large");
  out = malloc ((len + 2) / 3 * 4 + 1);
  if (!out)
    return oci_error_set (err, ENOMEM, "base64");
  for (i = 0, p = out; i + 2 < len; i += 3)
    {
      uint32_t v = (uint32_t) in[i] << 16 | (uint32_t) in[i + 1] << 8 | in[i + 2];
      *p++ = alphabet[v >> 18];
      *p++ = alphabet[(v >> 12) & 63];
      *p++ = alphabet[(v >> 6) & 63];
      *p++ = alphabet[v & 63];
    }
  if (i < len)
    {
      uint32_t v = (uint32_t) in[i] << 16 | (i + 1 < len ? (uint32_t) in[i + 1] << 8 : 0);
      *p++ = alphabet[v >> 18];
      *p++ = alphabet[(v >> 12) & 63];
      *p++ = i + 1 < len ? alphabet[(v >> 6) & 63] : '=';
      *p++ = '=';
    }
  *p = '\0';
  *ret = out;
  return 0;
}

static int
value_of (char c)
{
  const char *p = c ? strchr (alphabet, c) : NULL;
  return p ? (int) (p - alphabet) : -1;
}

int
oci_base64_decode (const char *s, char **ret, size_t *ret_len, struct oci_error *err)
{
  size_t len = strlen (s), i, n = 0;
  unsigned char *out;

  if (len % 4 != 0)
    return oci_error_set (err, EINVAL, "invalid base64: length %zu is not a multiple of 4", len);
  out = malloc (len / 4 * 3 + 1);
  if (!out)
    return oci_error_set (err, ENOMEM, "base64");
  for (i = 0; i < len; i += 4)
    {
      int a = value_of (s[i]), b = value_of (s[i + 1]), c = value_of (s[i + 2]), d = value_of (s[i + 3]);
      int last = i + 4 == len;
      if (a < 0 || b < 0 || (c < 0 && !(last && s[i + 2] == '=' && s[i + 3] == '='))
          || (d < 0 && !(last && s[i + 3] == '=')))
        {
          free (out);
          return oci_error_set (err, EINVAL, "invalid base64 at offset %zu", i);
        }
      uint32_t v = (uint32_t) a << 18 | (uint32_t) b << 12 | (uint32_t) (c < 0 ? 0 : c) << 6 | (uint32_t) (d < 0 ? 0 : d);
      out[n++] = (unsigned char) (v >> 16);
      if (c >= 0)
        out[n++] = (unsigned char) (v >> 8);
      if (d >= 0)
        out[n++] = (unsigned char) v;
    }
  out[n] = '\0';
  *ret = (char *) out;
  if (ret_len)
    *ret_len = n;
  return 0;
}
