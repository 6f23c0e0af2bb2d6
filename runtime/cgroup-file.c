/* Reading and writing cgroup files: one write(2) per value, errors naming
 * the file. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup-internal.h"
#include "oci/cleanup.h"

/* ---- files ------------------------------------------------------------- */

int
tong_cg_write (const char *dir, const char *file, const char *value, struct oci_error *err)
{
  char path[PATH_MAX];
  size_t len = strlen (value);
  ssize_t w;
  int fd;

  if ((size_t) snprintf (path, sizeof path, "%s/%s", dir, file) >= sizeof path)
    return oci_error_set (err, ENAMETOOLONG, "write %s/%s", dir, file);
  fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return oci_error_set (err, errno, "write %s", path);
  /* A cgroup file takes one value per write(2). */
  w = write (fd, value, len);
  if (w < 0 || (size_t) w != len)
    {
      int e = w < 0 ? errno : EIO;
      close (fd);
      return oci_error_set (err, e, "write %s", path);
    }
  if (close (fd) < 0)
    return oci_error_set (err, errno, "write %s", path);
  return 0;
}

int
tong_cg_write_u64 (const char *dir, const char *file, uint64_t v, struct oci_error *err)
{
  char buf[32];
  snprintf (buf, sizeof buf, "%llu", (unsigned long long) v);
  return tong_cg_write (dir, file, buf, err);
}

int
tong_cg_write_i64 (const char *dir, const char *file, int64_t v, struct oci_error *err)
{
  char buf[32];
  snprintf (buf, sizeof buf, "%lld", (long long) v);
  return tong_cg_write (dir, file, buf, err);
}

int
tong_cg_read (const char *dir, const char *file, char **ret, struct oci_error *err)
{
  char path[PATH_MAX];
  cleanup_close int fd = -1;
  char *buf = NULL;
  size_t len = 0, cap = 0;

  if ((size_t) snprintf (path, sizeof path, "%s/%s", dir, file) >= sizeof path)
    return oci_error_set (err, ENAMETOOLONG, "read %s/%s", dir, file);
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return oci_error_set (err, errno, "read %s", path);
  for (;;)
    {
      ssize_t r;
      if (cap - len < 4096)
        {
          char *nb;
          if (cap > (64u << 20))
            {
              free (buf);
              return oci_error_set (err, EFBIG, "read %s", path);
            }
          nb = realloc (buf, cap + 8192);
          if (!nb)
            {
              free (buf);
              return oci_error_set (err, ENOMEM, "read %s", path);
            }
          buf = nb;
          cap += 8192;
        }
      r = read (fd, buf + len, cap - len - 1);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        {
          int e = errno;
          free (buf);
          return oci_error_set (err, e, "read %s", path);
        }
      if (r == 0)
        break;
      len += (size_t) r;
    }
  buf[len] = '\0';
  *ret = buf;
  return 0;
}

static int
parse_u64 (const char *s, uint64_t *ret)
{
  char *end;
  unsigned long long v;

  while (*s == ' ' || *s == '\t')
    s++;
  if (strncmp (s, "max", 3) == 0 && (s[3] == '\0' || s[3] == '\n' || s[3] == ' '))
    {
      *ret = UINT64_MAX;
      return 0;
    }
  if (*s == '-' || *s < '0' || *s > '9')
    return -EINVAL;
  errno = 0;
  v = strtoull (s, &end, 10);
  if (errno || (*end && *end != '\n' && *end != ' '))
    return -EINVAL;
  *ret = v;
  return 0;
}

int
tong_cg_read_u64 (const char *dir, const char *file, uint64_t *ret, struct oci_error *err)
{
  cleanup_free char *text = NULL;
  int r = tong_cg_read (dir, file, &text, err);

  if (r < 0)
    return r;
  if (parse_u64 (text, ret) < 0)
    return oci_error_set_code (err, EINVAL, "read %s/%s: not a number: \"%.32s\"", dir, file, text);
  return 0;
}

int
tong_cg_read_key_u64 (const char *dir, const char *file, const char *key, uint64_t *ret, struct oci_error *err)
{
  cleanup_free char *text = NULL;
  size_t klen = strlen (key);
  int r = tong_cg_read (dir, file, &text, err);

  if (r < 0)
    return r;
  for (char *line = text; line && *line; line = strchr (line, '\n') ? strchr (line, '\n') + 1 : NULL)
    if (strncmp (line, key, klen) == 0 && line[klen] == ' ')
      {
        if (parse_u64 (line + klen + 1, ret) < 0)
          return oci_error_set_code (err, EINVAL, "read %s/%s: bad value for %s", dir, file, key);
        return 0;
      }
  return -ENOENT;
}

bool
tong_cg_exists (const char *dir, const char *file)
{
  char path[PATH_MAX];
  if ((size_t) snprintf (path, sizeof path, "%s/%s", dir, file) >= sizeof path)
    return false;
  return access (path, F_OK) == 0;
}
