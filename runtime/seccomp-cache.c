#include "seccomp-cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <seccomp.h>

#include "oci/cleanup.h"
#include "oci/file.h"

/* An entry: magic, key length, instruction count, checksum of key and
 * instructions (a torn write after a crash must not pass for a program),
 * then the key and the instructions. */
#define MAGIC "TONGSC01"
#define HEADER_SIZE 24

struct keybuf {
  char *p;
  size_t len;
  size_t cap;
  bool failed;
};

static void
put_bytes (struct keybuf *b, const void *data, size_t n)
{
  if (b->failed)
    return;
  if (b->len + n > b->cap)
    {
      size_t cap = b->cap ? b->cap : 4096;
      while (cap < b->len + n)
        cap *= 2;
      char *p = realloc (b->p, cap);
      if (!p)
        {
          b->failed = true;
          return;
        }
      b->p = p;
      b->cap = cap;
    }
  memcpy (b->p + b->len, data, n);
  b->len += n;
}

static void
put_u64 (struct keybuf *b, uint64_t v)
{
  unsigned char le[8];
  for (int i = 0; i < 8; i++)
    le[i] = (unsigned char) (v >> (8 * i));
  put_bytes (b, le, sizeof le);
}

/* Length-prefixed, so that no two different lists of strings make the same
 * bytes; NULL is not "". */
static void
put_str (struct keybuf *b, const char *s)
{
  if (!s)
    {
      put_u64 (b, UINT64_MAX);
      return;
    }
  put_u64 (b, strlen (s));
  put_bytes (b, s, strlen (s));
}

static void
put_strv (struct keybuf *b, char *const *v, size_t n)
{
  put_u64 (b, n);
  for (size_t i = 0; i < n; i++)
    put_str (b, v[i]);
}

char *
tong_seccomp_cache_dir (const char *root)
{
  char *dir;
  return asprintf (&dir, "%s/@cache/seccomp", root) < 0 ? NULL : dir;
}

int
tong_seccomp_cache_key (const struct oci_spec_seccomp *s, char **ret, size_t *ret_len)
{
  const struct scmp_version *v = seccomp_version ();
  struct keybuf b = { 0 };
  struct utsname u;
  char lib[64];

  if (uname (&u) < 0)
    memset (&u, 0, sizeof u);
  snprintf (lib, sizeof lib, "%u.%u.%u", v->major, v->minor, v->micro);
  put_str (&b, "tong seccomp program 1");
  put_str (&b, TONG_VERSION);
  put_str (&b, lib);
  put_u64 (&b, seccomp_api_get ());
  put_str (&b, u.release);
  put_str (&b, u.machine);

  put_str (&b, s->default_action);
  put_u64 (&b, s->default_errno_ret_present);
  put_u64 (&b, s->default_errno_ret);
  put_strv (&b, s->architectures, s->architectures_len);
  put_u64 (&b, s->syscalls_len);
  for (size_t i = 0; i < s->syscalls_len; i++)
    {
      const struct oci_spec_syscall *sc = &s->syscalls[i];
      put_strv (&b, sc->names, sc->names_len);
      put_str (&b, sc->action);
      put_u64 (&b, sc->errno_ret_present);
      put_u64 (&b, sc->errno_ret);
      put_u64 (&b, sc->args_len);
      for (size_t j = 0; j < sc->args_len; j++)
        {
          const struct oci_spec_syscall_arg *a = &sc->args[j];
          put_u64 (&b, a->index);
          put_u64 (&b, a->value);
          put_u64 (&b, a->value_two_present);
          put_u64 (&b, a->value_two);
          put_str (&b, a->op);
        }
    }
  if (b.failed)
    {
      free (b.p);
      return -ENOMEM;
    }
  *ret = b.p;
  *ret_len = b.len;
  return 0;
}

/* FNV-1a, 64 bits: names entries and checks their contents (not a defence
 * against whoever can write the directory: that is root's state). */
static uint64_t
fnv1a (uint64_t h, const void *data, size_t n)
{
  const unsigned char *p = data;
  for (size_t i = 0; i < n; i++)
    {
      h ^= p[i];
      h *= 0x100000001b3ULL;
    }
  return h;
}
#define FNV_START 0xcbf29ce484222325ULL

static void
entry_name (const char *key, size_t key_len, char name[17])
{
  snprintf (name, 17, "%016" PRIx64, fnv1a (FNV_START, key, key_len));
}

static uint32_t
get_u32 (const unsigned char *p)
{
  return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 | (uint32_t) p[3] << 24;
}

static void
set_u32 (unsigned char *p, uint32_t v)
{
  for (int i = 0; i < 4; i++)
    p[i] = (unsigned char) (v >> (8 * i));
}

static uint64_t
checksum (const char *key, size_t key_len, const struct sock_filter *insns, size_t len)
{
  return fnv1a (fnv1a (FNV_START, key, key_len), insns, len * sizeof *insns);
}

int
tong_seccomp_cache_get (const char *dir, const char *key, size_t key_len, struct sock_filter **ret,
                        size_t *ret_len)
{
  cleanup_close int dfd = -1, fd = -1;
  cleanup_free unsigned char *buf = NULL;
  struct sock_filter *insns;
  uint64_t sum = 0;
  char name[17];
  struct stat st;
  size_t size, n, done = 0;

  dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return 0;
  entry_name (key, key_len, name);
  fd = openat (dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 || fstat (fd, &st) < 0 || !S_ISREG (st.st_mode))
    return 0;
  size = (size_t) st.st_size;
  if (size < HEADER_SIZE + key_len || size > HEADER_SIZE + key_len + (size_t) BPF_MAXINSNS * sizeof *insns)
    return 0;
  buf = malloc (size);
  if (!buf)
    return 0;
  while (done < size)
    {
      ssize_t r = read (fd, buf + done, size - done);
      if (r < 0 && errno == EINTR)
        continue;
      if (r <= 0)
        return 0;
      done += (size_t) r;
    }
  n = get_u32 (buf + 12);
  for (int i = 0; i < 8; i++)
    sum |= (uint64_t) buf[16 + i] << (8 * i);
  if (memcmp (buf, MAGIC, 8) != 0 || get_u32 (buf + 8) != key_len || n == 0 || n > BPF_MAXINSNS
      || size != HEADER_SIZE + key_len + n * sizeof *insns || memcmp (buf + HEADER_SIZE, key, key_len) != 0)
    return 0;
  insns = malloc (n * sizeof *insns);
  if (!insns)
    return 0;
  memcpy (insns, buf + HEADER_SIZE + key_len, n * sizeof *insns);
  if (checksum (key, key_len, insns, n) != sum)
    {
      free (insns);
      return 0;
    }
  *ret = insns;
  *ret_len = n;
  return 1;
}

/* Profiles are few (one per runtime default, per pod security setting);
 * a host that cycles through more starts the cache over rather than grow
 * it without bound. */
#define MAX_ENTRIES 256

static void
bound_entries (int dfd)
{
  int fd = dup (dfd);
  DIR *d = fd < 0 ? NULL : fdopendir (fd);
  struct dirent *de;
  size_t n = 0;

  if (!d)
    {
      if (fd >= 0)
        close (fd);
      return;
    }
  while ((de = readdir (d)))
    n += de->d_name[0] != '.';
  if (n >= MAX_ENTRIES)
    {
      rewinddir (d);
      while ((de = readdir (d)))
        if (de->d_name[0] != '.')
          unlinkat (dfd, de->d_name, 0);
    }
  closedir (d);
}

static int
mkdir_private (const char *path)
{
  return mkdir (path, 0700) < 0 && errno != EEXIST ? -errno : 0;
}

int
tong_seccomp_cache_put (const char *dir, const char *key, size_t key_len, const struct sock_filter *insns,
                        size_t len)
{
  cleanup_free char *parent = strdup (dir);
  cleanup_close int dfd = -1;
  struct oci_error e = { 0 };
  unsigned char header[HEADER_SIZE];
  char name[17];
  uint64_t sum = checksum (key, key_len, insns, len);
  char *slash;
  int r = 0;

  if (!parent || len == 0 || len > BPF_MAXINSNS || key_len > UINT32_MAX)
    return -EINVAL;
  /* <root>/@cache, then <root>/@cache/seccomp; the root itself exists. */
  slash = strrchr (parent, '/');
  if (slash && slash != parent)
    {
      *slash = '\0';
      r = mkdir_private (parent);
    }
  if (r == 0)
    r = mkdir_private (dir);
  if (r < 0)
    return r;
  dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return -errno;
  bound_entries (dfd);

  memcpy (header, MAGIC, 8);
  set_u32 (header + 8, (uint32_t) key_len);
  set_u32 (header + 12, (uint32_t) len);
  for (int i = 0; i < 8; i++)
    header[16 + i] = (unsigned char) (sum >> (8 * i));
  entry_name (key, key_len, name);
  /* Durable before it has its name: an entry is written once per profile.
   * Its temporary file starts with a dot, as bound_entries expects. */
  return oci_replace_file_at (dfd, name,
                              (const struct iovec[]){ { header, sizeof header },
                                                      { (void *) key, key_len },
                                                      { (void *) insns, len * sizeof *insns } },
                              3, 0600, OCI_REPLACE_SYNC_FILE, &e);
}
