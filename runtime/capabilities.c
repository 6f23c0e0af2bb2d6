#include "capabilities.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "oci/cleanup.h"

#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_RAISE 2
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif

#define BIT(n) ((uint64_t) 1 << (n))

int
tong_caps_last_cap (void)
{
  int lo = 0, hi = 63;

  /* The kernel answers PR_CAPBSET_READ for its own capabilities only
   * (EINVAL beyond).  Asking it, rather than reading
   * /proc/sys/kernel/cap_last_cap, gives the same number without trusting
   * a file that, inside a rootfs without a proc mount, the image could
   * provide: a smaller number there would leave capabilities in the
   * bounding set. */
  if (prctl (PR_CAPBSET_READ, 0, 0, 0, 0) < 0)
    return cap_max_bits () - 1;
  while (lo < hi)
    {
      int mid = (lo + hi + 1) / 2;
      if (prctl (PR_CAPBSET_READ, mid, 0, 0, 0) >= 0)
        lo = mid;
      else
        hi = mid - 1;
    }
  return lo;
}

/* The number of a CAP_ name, or -1.  cap_from_name alone is too lax: it
 * takes "cap_chown", "12" and "CAP_CHOWN,CAP_KILL" as well. */
static int
cap_number (const char *name)
{
  cap_value_t v;
  const char *p;
  char *canon;
  int ok;

  if (strncmp (name, "CAP_", 4) != 0 || name[4] == '\0')
    return -1;
  for (p = name + 4; *p; p++)
    if (!(isupper ((unsigned char) *p) || isdigit ((unsigned char) *p) || *p == '_'))
      return -1;
  if (cap_from_name (name, &v) < 0 || v < 0 || v > 63)
    return -1;
  canon = cap_to_name (v);
  if (!canon)
    return -1;
  ok = strncasecmp (canon, "cap_", 4) == 0 && strcasecmp (canon + 4, name + 4) == 0;
  cap_free (canon);
  return ok ? (int) v : -1;
}

static int
names_to_mask (char *const *names, size_t n, const char *field, int last_cap, uint64_t *ret,
               uint64_t *unavailable, struct oci_error *err)
{
  uint64_t mask = 0;
  size_t i;

  for (i = 0; i < n; i++)
    {
      int v = cap_number (names[i]);

      if (v < 0)
        return oci_error_set (err, 0, "process.capabilities.%s: unknown capability \"%s\"", field, names[i]);
      if (v > last_cap)
        *unavailable |= BIT (v);
      else
        mask |= BIT (v);
    }
  *ret = mask;
  return 0;
}

/* tong_caps_from_spec with the kernel's last capability given, so that tests
 * can play an older kernel. */
static int
caps_from_spec_last (const struct oci_spec_capabilities *c, int last_cap, struct tong_caps *ret,
                     struct oci_error *err)
{
  struct tong_caps r = { 0 };
  int rc;

  if (c)
    {
      if ((rc = names_to_mask (c->bounding, c->bounding_len, "bounding", last_cap, &r.bounding, &r.unavailable, err)) < 0
          || (rc = names_to_mask (c->effective, c->effective_len, "effective", last_cap, &r.effective, &r.unavailable, err)) < 0
          || (rc = names_to_mask (c->inheritable, c->inheritable_len, "inheritable", last_cap, &r.inheritable, &r.unavailable, err)) < 0
          || (rc = names_to_mask (c->permitted, c->permitted_len, "permitted", last_cap, &r.permitted, &r.unavailable, err)) < 0
          || (rc = names_to_mask (c->ambient, c->ambient_len, "ambient", last_cap, &r.ambient, &r.unavailable, err)) < 0)
        return rc;
      r.bounding_set = c->bounding != NULL;
      r.effective_set = c->effective != NULL;
      r.inheritable_set = c->inheritable != NULL;
      r.permitted_set = c->permitted != NULL;
      r.ambient_set = c->ambient != NULL;
    }
  r.ambient_dropped = r.ambient & ~(r.permitted & r.inheritable);
  r.ambient &= ~r.ambient_dropped;
  *ret = r;
  return 0;
}

int
tong_caps_from_spec (const struct oci_spec_capabilities *c, struct tong_caps *ret, struct oci_error *err)
{
  return caps_from_spec_last (c, tong_caps_last_cap (), ret, err);
}

static const char *
cap_label (int cap, char *buf, size_t len)
{
  char *name = cap_to_name (cap);
  size_t i;

  snprintf (buf, len, "%s", name ? name : "?");
  cap_free (name);
  for (i = 0; buf[i]; i++)
    buf[i] = (char) toupper ((unsigned char) buf[i]);
  return buf;
}

int
tong_caps_drop_bounding (const struct tong_caps *c, struct oci_error *err)
{
  char label[32];
  int cap;

  /* One prctl per capability to drop, none to find the kernel's last one:
   * past it the kernel answers EINVAL.  c->bounding holds none past it. */
  for (cap = 0; cap < 64; cap++)
    {
      if (c->bounding & BIT (cap))
        continue;
      if (prctl (PR_CAPBSET_DROP, cap, 0, 0, 0) == 0)
        continue;
      if (errno == EINVAL)
        break;
      /* Without CAP_SETPCAP only what is already gone may be asked for. */
      if (errno == EPERM)
        {
          int held = prctl (PR_CAPBSET_READ, cap, 0, 0, 0);
          if (held == 0)
            continue;
          if (held < 0)
            break;
          errno = EPERM;
        }
      return oci_error_set (err, errno, "drop %s from the bounding set", cap_label (cap, label, sizeof label));
    }
  return 0;
}

static uint64_t
join32 (uint32_t lo, uint32_t hi)
{
  return (uint64_t) lo | ((uint64_t) hi << 32);
}

int
tong_caps_apply (const struct tong_caps *c, struct oci_error *err)
{
  struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct data[2];
  uint64_t held_perm, held_inh, bset = 0, perm, eff, inh, amb;
  char label[32];
  int cap;

  memset (data, 0, sizeof data);
  if (capget (&hdr, data) < 0)
    return oci_error_set (err, errno, "capget");
  held_perm = join32 (data[0].permitted, data[1].permitted);
  held_inh = join32 (data[0].inheritable, data[1].inheritable);
  /* The bounding set only matters for inheritable bits not held yet. */
  for (cap = 0; cap < 64 && (c->inheritable & ~held_inh) >> cap; cap++)
    {
      int r = prctl (PR_CAPBSET_READ, cap, 0, 0, 0);
      if (r < 0)
        break;
      if (r == 1)
        bset |= BIT (cap);
    }

  /* What capset(2) accepts without CAP_SETPCAP in the effective set, which
   * setuid has just emptied. */
  perm = c->permitted & held_perm;
  eff = c->effective & perm;
  inh = c->inheritable & (held_inh | held_perm) & (held_inh | bset);
  amb = c->ambient & perm & inh;

  if (prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && (errno != EINVAL || c->ambient))
    return oci_error_set (err, errno, "clear the ambient capabilities");

  data[0].permitted = (uint32_t) perm;
  data[1].permitted = (uint32_t) (perm >> 32);
  data[0].effective = (uint32_t) eff;
  data[1].effective = (uint32_t) (eff >> 32);
  data[0].inheritable = (uint32_t) inh;
  data[1].inheritable = (uint32_t) (inh >> 32);
  if (capset (&hdr, data) < 0)
    return oci_error_set (err, errno, "capset");

  for (cap = 0; cap < 64 && amb >> cap; cap++)
    if ((amb & BIT (cap)) && prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
      return oci_error_set (err, errno, "raise ambient capability %s", cap_label (cap, label, sizeof label));
  return 0;
}

int
tong_caps_names (char ***ret, size_t *ret_len)
{
  int cap, last = tong_caps_last_cap ();
  char **v = calloc ((size_t) last + 2, sizeof *v);
  size_t n = 0;
  char label[32];

  if (!v)
    return -ENOMEM;
  for (cap = 0; cap <= last; cap++)
    {
      cap_label (cap, label, sizeof label);
      /* libcap names what it knows; a newer kernel's extra numbers have no
       * name we could accept back in a spec. */
      if (strncmp (label, "CAP_", 4) != 0)
        continue;
      if (!(v[n] = strdup (label)))
        {
          oci_cleanup_strvp (&v);
          return -ENOMEM;
        }
      n++;
    }
  *ret = v;
  if (ret_len)
    *ret_len = n;
  return 0;
}

char *
tong_caps_mask_to_string (uint64_t mask)
{
  char *out = NULL;
  size_t len = 0;
  char label[32];
  int cap;

  out = strdup ("");
  for (cap = 0; out && cap < 64; cap++)
    {
      size_t n;
      char *p;

      if (!(mask & BIT (cap)))
        continue;
      cap_label (cap, label, sizeof label);
      n = strlen (label);
      p = realloc (out, len + n + 3);
      if (!p)
        {
          free (out);
          return NULL;
        }
      out = p;
      if (len)
        {
          memcpy (out + len, ", ", 2);
          len += 2;
        }
      memcpy (out + len, label, n + 1);
      len += n;
    }
  return out;
}
