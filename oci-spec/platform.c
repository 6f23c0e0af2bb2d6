/* Platform names, the host platform, and platform selection in an index. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "oci/cleanup.h"
#include "oci/platform.h"

void
oci_platform_clear (struct oci_platform *p)
{
  free (p->os);
  free (p->arch);
  free (p->variant);
  p->os = p->arch = p->variant = NULL;
}

static const char *
norm_arch (const char *arch, const char **variant)
{
  static const struct { const char *from, *to, *variant; } map[] = {
    { "x86_64", "amd64", NULL }, { "x86-64", "amd64", NULL }, { "aarch64", "arm64", NULL },
    { "armhf", "arm", "v7" },   { "armel", "arm", "v6" },    { "i386", "386", NULL },
    { "i686", "386", NULL },    { "armv7l", "arm", "v7" },   { "armv6l", "arm", "v6" },
  };
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
    if (strcmp (arch, map[i].from) == 0)
      {
        if (map[i].variant && !*variant)
          *variant = map[i].variant;
        return map[i].to;
      }
  return arch;
}

static int
fill (struct oci_platform *ret, const char *os, const char *arch, const char *variant, struct oci_error *err)
{
  struct oci_platform p = { 0 };

  arch = norm_arch (arch, &variant);
  if (variant && strcmp (arch, "arm64") == 0 && strcmp (variant, "v8") == 0)
    variant = NULL;
  p.os = strdup (os);
  p.arch = strdup (arch);
  p.variant = variant && *variant ? strdup (variant) : NULL;
  if (!p.os || !p.arch || (variant && *variant && !p.variant))
    {
      oci_platform_clear (&p);
      return oci_error_set (err, ENOMEM, "platform");
    }
  *ret = p;
  return 0;
}

static bool
word_ok (const char *s, size_t len)
{
  if (len == 0 || len > 64)
    return false;
  for (size_t i = 0; i < len; i++)
    {
      char c = s[i];
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.'
            || (c >= 'A' && c <= 'Z')))
        return false;
    }
  return true;
}

int
oci_platform_parse (const char *s, struct oci_platform *ret, struct oci_error *err)
{
  char os[65] = "linux", arch[65], variant[65] = "";
  const char *parts[3];
  size_t lens[3], n = 0;
  const char *p = s;

  for (;;)
    {
      const char *slash = strchr (p, '/');
      size_t len = slash ? (size_t) (slash - p) : strlen (p);
      if (n == 3 || !word_ok (p, len))
        return oci_error_set (err, EINVAL, "invalid platform \"%s\" (expected os/arch[/variant])", s);
      parts[n] = p;
      lens[n++] = len;
      if (!slash)
        break;
      p = slash + 1;
    }
  if (n == 1)
    snprintf (arch, sizeof arch, "%.*s", (int) lens[0], parts[0]);
  else
    {
      snprintf (os, sizeof os, "%.*s", (int) lens[0], parts[0]);
      snprintf (arch, sizeof arch, "%.*s", (int) lens[1], parts[1]);
      if (n == 3)
        snprintf (variant, sizeof variant, "%.*s", (int) lens[2], parts[2]);
    }
  for (char *c = os; *c; c++)
    if (*c >= 'A' && *c <= 'Z')
      *c = (char) (*c - 'A' + 'a');
  for (char *c = arch; *c; c++)
    if (*c >= 'A' && *c <= 'Z')
      *c = (char) (*c - 'A' + 'a');
  return fill (ret, os, arch, variant[0] ? variant : NULL, err);
}

int
oci_platform_host (struct oci_platform *ret, struct oci_error *err)
{
  struct utsname u;

  if (uname (&u) < 0)
    return oci_error_set (err, errno, "uname");
  return fill (ret, "linux", u.machine, NULL, err);
}

char *
oci_platform_string (const struct oci_platform *p)
{
  char *s;
  if (asprintf (&s, "%s/%s%s%s", p->os, p->arch, p->variant ? "/" : "", p->variant ? p->variant : "") < 0)
    return NULL;
  return s;
}

static bool
variant_equal (const char *arch, const char *a, const char *b)
{
  if (strcmp (arch, "arm64") == 0)
    {
      if (a && strcmp (a, "v8") == 0)
        a = NULL;
      if (b && strcmp (b, "v8") == 0)
        b = NULL;
    }
  if (!a || !b)
    return !a && !b;
  return strcmp (a, b) == 0;
}

bool
oci_platform_match (const struct oci_platform *want, const struct oci_image_platform *have)
{
  const char *variant = have && have->variant && *have->variant ? have->variant : NULL;
  const char *arch;

  if (!have || !have->os || !have->architecture)
    return false;
  if (strcmp (want->os, have->os) != 0)
    return false;
  arch = norm_arch (have->architecture, &variant);
  if (strcmp (want->arch, arch) != 0)
    return false;
  if (want->variant)
    return variant_equal (arch, want->variant, variant);
  return true;
}

int
oci_platform_select (const struct oci_image_index *index, const struct oci_platform *want, size_t *ret_index,
                     struct oci_error *err)
{
  cleanup_free char *want_s = NULL;
  char offered[512] = "";
  size_t used = 0, first = (size_t) -1;

  for (size_t i = 0; i < index->manifests_len; i++)
    {
      const struct oci_image_platform *p = index->manifests[i].platform;
      const char *variant = p && p->variant && *p->variant ? p->variant : NULL;
      if (!oci_platform_match (want, p))
        continue;
      /* An exact variant wins over "any variant". */
      if (!want->variant && first == (size_t) -1)
        first = i;
      if (want->variant || !variant || first == (size_t) -1)
        {
          *ret_index = i;
          return 0;
        }
    }
  if (first != (size_t) -1)
    {
      *ret_index = first;
      return 0;
    }
  for (size_t i = 0; i < index->manifests_len && used + 1 < sizeof offered; i++)
    {
      const struct oci_image_platform *p = index->manifests[i].platform;
      int n;
      if (!p || !p->os || !p->architecture)
        continue;
      n = snprintf (offered + used, sizeof offered - used, "%s%s/%s%s%s", used ? ", " : "", p->os, p->architecture,
                    p->variant ? "/" : "", p->variant ? p->variant : "");
      if (n < 0)
        break;
      used += (size_t) n < sizeof offered - used ? (size_t) n : sizeof offered - used - 1;
    }
  want_s = oci_platform_string (want);
  return oci_error_set_code (err, ENOENT, "no manifest for platform %s in the index (it has: %s)",
                             want_s ? want_s : "?", used ? offered : "no platforms");
}
