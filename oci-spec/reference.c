/* The grammar is matched by hand rather than with a regex engine: every
 * separator in it is unambiguous ('@' only before the digest, a tag's ':'
 * only after the last '/', a domain only before the first '/'), so a few
 * splits reproduce distribution's anchored regular expressions exactly. */
#include "oci/reference.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oci/cleanup.h"
#include "oci/digest.h"

#define LEGACY_DEFAULT_DOMAIN "index.docker.io"
#define OFFICIAL_REPO_PREFIX "library/"

struct span {
  const char *p;
  size_t len;
};

struct ref_spans {
  struct span domain;   /* p == NULL when absent */
  struct span path;
  struct span tag;
  struct span digest;
};

static int
is_digit (char c)
{
  return c >= '0' && c <= '9';
}

static int
is_lower_alnum (char c)
{
  return (c >= 'a' && c <= 'z') || is_digit (c);
}

static int
is_alnum (char c)
{
  return is_lower_alnum (c) || (c >= 'A' && c <= 'Z');
}

static int
is_xdigit (char c)
{
  return is_digit (c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int
has_upper (const char *s, size_t len)
{
  for (size_t i = 0; i < len; i++)
    if (s[i] >= 'A' && s[i] <= 'Z')
      return 1;
  return 0;
}

static const char *
memrchr_span (const char *s, size_t len, char c)
{
  return len ? memrchr (s, c, len) : NULL;
}

/* [a-zA-Z0-9] | [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9] */
static int
match_domain_component (const char *s, size_t len)
{
  if (len == 0 || !is_alnum (s[0]) || !is_alnum (s[len - 1]))
    return 0;
  for (size_t i = 1; i + 1 < len; i++)
    if (!is_alnum (s[i]) && s[i] != '-')
      return 0;
  return 1;
}

/* (":" [0-9]+)? over the whole span */
static int
match_optional_port (const char *s, size_t len)
{
  if (len == 0)
    return 1;
  if (s[0] != ':' || len == 1)
    return 0;
  for (size_t i = 1; i < len; i++)
    if (!is_digit (s[i]))
      return 0;
  return 1;
}

/* host [":" port], host being a dotted domain name or "[" [a-fA-F0-9:]+ "]" */
static int
match_domain (const char *s, size_t len)
{
  size_t host_len;

  if (len > 0 && s[0] == '[')
    {
      const char *close = memchr (s, ']', len);
      if (close == NULL || close == s + 1)
        return 0;
      for (const char *c = s + 1; c < close; c++)
        if (!is_xdigit (*c) && *c != ':')
          return 0;
      host_len = (size_t) (close - s) + 1;
    }
  else
    {
      const char *colon = memchr (s, ':', len);
      const char *start = s;

      host_len = colon ? (size_t) (colon - s) : len;
      for (size_t i = 0; i <= host_len; i++)
        if (i == host_len || s[i] == '.')
          {
            if (!match_domain_component (start, (size_t) (s + i - start)))
              return 0;
            start = s + i + 1;
          }
    }
  return match_optional_port (s + host_len, len - host_len);
}

/* [a-z0-9]+ ((\. | _ | __ | -+) [a-z0-9]+)* */
static int
match_path_component (const char *s, size_t len)
{
  size_t i = 0;

  for (;;)
    {
      size_t run = 0;

      while (i < len && is_lower_alnum (s[i]))
        i++, run++;
      if (run == 0)
        return 0;
      if (i == len)
        return 1;

      run = 0;
      if (s[i] == '.')
        i++;
      else if (s[i] == '_')
        {
          i++;
          if (i < len && s[i] == '_')
            i++;
        }
      else if (s[i] == '-')
        while (i < len && s[i] == '-')
          i++;
      else
        return 0;
    }
}

static int
match_path (const char *s, size_t len)
{
  const char *start = s;

  for (size_t i = 0; i <= len; i++)
    if (i == len || s[i] == '/')
      {
        if (!match_path_component (start, (size_t) (s + i - start)))
          return 0;
        start = s + i + 1;
      }
  return 1;
}

/* [\w][\w.-]{0,127} */
static int
match_tag (const char *s, size_t len)
{
  if (len == 0 || len > 128 || !(is_alnum (s[0]) || s[0] == '_'))
    return 0;
  for (size_t i = 1; i < len; i++)
    if (!(is_alnum (s[i]) || s[i] == '_' || s[i] == '.' || s[i] == '-'))
      return 0;
  return 1;
}

/* The reference grammar's digest, looser than the image-spec's (it admits
 * upper case); oci_digest_parse decides afterwards whether it is usable.
 * [A-Za-z][A-Za-z0-9]*([-_+.][A-Za-z][A-Za-z0-9]*)* ":" [0-9a-fA-F]{32,} */
static int
match_digest (const char *s, size_t len)
{
  const char *colon = memchr (s, ':', len);
  size_t alg_len, i;
  int need_alpha = 1;

  if (colon == NULL)
    return 0;
  alg_len = (size_t) (colon - s);
  for (i = 0; i < alg_len; i++)
    {
      char c = s[i];
      int alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');

      if (need_alpha)
        {
          if (!alpha)
            return 0;
          need_alpha = 0;
        }
      else if (strchr ("-_+.", c))
        need_alpha = 1;
      else if (!alpha && !is_digit (c))
        return 0;
    }
  if (alg_len == 0 || need_alpha)
    return 0;
  if (len - alg_len - 1 < 32)
    return 0;
  for (i = alg_len + 1; i < len; i++)
    if (!is_xdigit (s[i]))
      return 0;
  return 1;
}

/* Matches the whole reference grammar; returns NULL or what failed.  The
 * tag and digest are blamed only when the name before them is valid, since
 * a broken name shifts where they seem to start ("[::1]" has "1]" as tag). */
static const char *
match_reference (const char *s, size_t len, struct ref_spans *out)
{
  const char *at = memchr (s, '@', len);
  const char *slash, *colon, *first_slash;
  size_t name_len = at ? (size_t) (at - s) : len;
  int digest_ok = 1, tag_ok = 1;

  memset (out, 0, sizeof *out);
  if (at)
    {
      out->digest.p = at + 1;
      out->digest.len = len - name_len - 1;
      digest_ok = match_digest (out->digest.p, out->digest.len);
    }

  /* A ':' after the last '/' cannot belong to the domain's port, so it
   * must start the tag. */
  slash = memrchr_span (s, name_len, '/');
  colon = memrchr_span (s, name_len, ':');
  if (colon && (slash == NULL || colon > slash))
    {
      out->tag.p = colon + 1;
      out->tag.len = (size_t) (s + name_len - out->tag.p);
      name_len = (size_t) (colon - s);
      tag_ok = match_tag (out->tag.p, out->tag.len);
    }

  /* Like distribution's greedy optional group: the first component is the
   * domain whenever it can be one. */
  first_slash = memchr (s, '/', name_len);
  if (first_slash && match_domain (s, (size_t) (first_slash - s)))
    {
      out->domain.p = s;
      out->domain.len = (size_t) (first_slash - s);
      out->path.p = first_slash + 1;
      out->path.len = name_len - out->domain.len - 1;
    }
  else
    {
      out->path.p = s;
      out->path.len = name_len;
    }
  if (!match_path (out->path.p, out->path.len))
    return "invalid reference format";
  if (!tag_ok)
    return "invalid tag format";
  if (!digest_ok)
    return "invalid digest format";
  return NULL;
}

static char *
span_dup (struct span sp)
{
  return sp.p ? strndup (sp.p, sp.len) : NULL;
}

void
oci_reference_free (struct oci_reference *ref)
{
  if (ref == NULL)
    return;
  free (ref->domain);
  free (ref->path);
  free (ref->tag);
  free (ref->digest);
  free (ref);
}

static int
reference_from_spans (const struct ref_spans *sp, const char *orig, struct oci_reference **ret,
                      struct oci_error *err)
{
  cleanup_reference struct oci_reference *ref = calloc (1, sizeof *ref);

  if (ref == NULL)
    return oci_error_set (err, ENOMEM, "parse reference \"%s\"", orig);
  ref->domain = span_dup (sp->domain);
  ref->path = span_dup (sp->path);
  ref->tag = span_dup (sp->tag);
  ref->digest = span_dup (sp->digest);
  if ((sp->domain.p && !ref->domain) || !ref->path || (sp->tag.p && !ref->tag)
      || (sp->digest.p && !ref->digest))
    return oci_error_set (err, ENOMEM, "parse reference \"%s\"", orig);
  *ret = oci_steal (ref);
  return 0;
}

/* distribution's Parse on s; errors name orig, the string the user gave. */
static int
parse_plain (const char *s, const char *orig, struct oci_reference **ret, struct oci_error *err)
{
  size_t len = strlen (s);
  struct ref_spans sp;
  const char *why;
  int r;

  if (len == 0)
    return oci_error_set (err, 0, "invalid reference \"%s\": repository name must have at least one component",
                          orig);

  why = match_reference (s, len, &sp);
  if (why)
    {
      cleanup_free char *lower = strdup (s);
      struct ref_spans ignored;

      if (lower == NULL)
        return oci_error_set (err, ENOMEM, "parse reference \"%s\"", orig);
      for (char *c = lower; *c; c++)
        if (*c >= 'A' && *c <= 'Z')
          *c = (char) (*c - 'A' + 'a');
      if (strcmp (lower, s) != 0 && match_reference (lower, len, &ignored) == NULL)
        return oci_error_set (err, 0, "invalid reference \"%s\": repository name must be lowercase", orig);
      return oci_error_set (err, 0, "invalid reference \"%s\": %s", orig, why);
    }

  if (sp.path.len > OCI_REFERENCE_PATH_MAX)
    return oci_error_set (err, 0, "invalid reference \"%s\": repository name must not be more than %d characters",
                          orig, OCI_REFERENCE_PATH_MAX);

  if (sp.digest.p)
    {
      cleanup_free char *digest = span_dup (sp.digest);

      if (digest == NULL)
        return oci_error_set (err, ENOMEM, "parse reference \"%s\"", orig);
      r = oci_digest_parse (digest, NULL, err);
      if (r < 0)
        return oci_error_wrap (err, "invalid reference \"%s\"", orig);
    }

  return reference_from_spans (&sp, orig, ret, err);
}

int
oci_reference_parse (const char *s, struct oci_reference **ret, struct oci_error *err)
{
  return parse_plain (s, s, ret, err);
}

/* Docker refuses a bare image ID where a name is expected, since
 * "docker run <id>" means the ID. */
static int
is_identifier (const char *s)
{
  size_t i;

  for (i = 0; s[i]; i++)
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
      return 0;
  return i == 64;
}

static int
span_is (const char *s, size_t len, const char *word)
{
  return strlen (word) == len && memcmp (s, word, len) == 0;
}

/* distribution's splitDockerDomain: decides on the raw string, before the
 * grammar is checked, which is why "Foo/bar" gets the domain "Foo".
 * The name to parse is then domain "/" prefix remainder. */
static void
split_docker_domain (const char *s, struct span *ret_domain, const char **ret_prefix,
                     const char **ret_remainder)
{
  static const struct span hub = { OCI_REFERENCE_DEFAULT_DOMAIN, sizeof OCI_REFERENCE_DEFAULT_DOMAIN - 1 };
  const char *slash = strchr (s, '/');
  size_t first_len;

  *ret_domain = hub;
  *ret_remainder = s;
  if (slash)
    {
      first_len = (size_t) (slash - s);
      if (span_is (s, first_len, LEGACY_DEFAULT_DOMAIN))
        *ret_remainder = slash + 1;
      else if (span_is (s, first_len, "localhost") || memchr (s, '.', first_len)
               || memchr (s, ':', first_len) || has_upper (s, first_len))
        {
          ret_domain->p = s;
          ret_domain->len = first_len;
          *ret_remainder = slash + 1;
        }
    }

  /* Only Docker Hub has the implicit "library/" namespace. */
  *ret_prefix = "";
  if (span_is (ret_domain->p, ret_domain->len, OCI_REFERENCE_DEFAULT_DOMAIN)
      && strchr (*ret_remainder, '/') == NULL)
    *ret_prefix = OFFICIAL_REPO_PREFIX;
}

int
oci_reference_parse_normalized (const char *s, struct oci_reference **ret, struct oci_error *err)
{
  cleanup_reference struct oci_reference *ref = NULL;
  cleanup_free char *joined = NULL;
  struct span domain;
  const char *prefix, *remainder;
  size_t remote_len;
  int r;

  if (*s == '\0')
    return oci_error_set (err, 0, "invalid reference \"%s\": repository name must have at least one component", s);
  if (is_identifier (s))
    return oci_error_set (err, 0, "invalid reference \"%s\": cannot specify 64-byte hexadecimal strings", s);

  split_docker_domain (s, &domain, &prefix, &remainder);
  if (asprintf (&joined, "%.*s/%s%s", (int) domain.len, domain.p, prefix, remainder) < 0)
    {
      joined = NULL;    /* asprintf leaves it undefined on failure */
      return oci_error_set (err, ENOMEM, "parse reference \"%s\"", s);
    }

  remote_len = strcspn (remainder, ":");
  if (has_upper (remainder, remote_len))
    return oci_error_set (err, 0, "invalid reference \"%s\": repository name must be lowercase", s);

  r = parse_plain (joined, s, &ref, err);
  if (r < 0)
    return r;

  if (ref->tag == NULL && ref->digest == NULL)
    {
      ref->tag = strdup (OCI_REFERENCE_DEFAULT_TAG);
      if (ref->tag == NULL)
        return oci_error_set (err, ENOMEM, "parse reference \"%s\"", s);
    }
  *ret = oci_steal (ref);
  return 0;
}

static char *
format_reference (const char *domain, const char *path, const char *tag, const char *digest)
{
  char *out = NULL;

  if (asprintf (&out, "%s%s%s%s%s%s%s", domain ? domain : "", domain ? "/" : "", path,
                tag ? ":" : "", tag ? tag : "", digest ? "@" : "", digest ? digest : "")
      < 0)
    return NULL;
  return out;
}

char *
oci_reference_string (const struct oci_reference *ref)
{
  return format_reference (ref->domain, ref->path, ref->tag, ref->digest);
}

char *
oci_reference_repository (const struct oci_reference *ref)
{
  return format_reference (ref->domain, ref->path, NULL, NULL);
}

char *
oci_reference_familiar (const struct oci_reference *ref)
{
  const char *domain = ref->domain;
  const char *path = ref->path;

  if (domain && strcmp (domain, OCI_REFERENCE_DEFAULT_DOMAIN) == 0)
    {
      domain = NULL;
      /* Only a lone official name loses "library/": "library/a/b" stays
       * as it is, or it would read as the user "a"'s image "b". */
      if (strncmp (path, OFFICIAL_REPO_PREFIX, strlen (OFFICIAL_REPO_PREFIX)) == 0
          && strchr (path + strlen (OFFICIAL_REPO_PREFIX), '/') == NULL)
        path += strlen (OFFICIAL_REPO_PREFIX);
    }
  return format_reference (domain, path, ref->tag, ref->digest);
}
