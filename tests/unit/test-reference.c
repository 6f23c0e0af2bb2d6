/* Test data ported from github.com/distribution/reference's
 * reference_test.go and normalize_test.go (inputs and expected results),
 * plus Tong's own cases for the normalised string forms and messages. */
#include "unit.h"

#include <errno.h>
#include <stdlib.h>

#include "oci/cleanup.h"
#include "oci/reference.h"

#define FF64 "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
#define DGST_FF "sha256:" FF64
#define DGST_BB "sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa"
#define DGST_RD "sha256:dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c"

/* Error classes, matched against the message. */
#define E_EMPTY "repository name must have at least one component"
#define E_FORMAT "invalid reference format"
#define E_UPPER "repository name must be lowercase"
#define E_LONG "repository name must not be more than 255 characters"
#define E_DIGEST_LEN "needs 64 hex characters"
#define E_UNSUPPORTED "unsupported algorithm"
#define E_TAG "invalid tag format"
#define E_HEX "cannot specify 64-byte hexadecimal strings"

static char *
repeat (const char *unit, int n, const char *suffix)
{
  size_t ul = strlen (unit), sl = strlen (suffix);
  char *s = malloc (ul * (size_t) n + sl + 1);

  if (s == NULL)
    abort ();
  for (int i = 0; i < n; i++)
    memcpy (s + ul * (size_t) i, unit, ul);
  memcpy (s + ul * (size_t) n, suffix, sl + 1);
  return s;
}

static void
check_error (struct unit_state *st, int line, const char *input, int r,
             const struct oci_error *err, const char *want)
{
  if (r >= 0)
    {
      unit_fail (st, __FILE__, line, "\"%s\": parsed, want error \"%s\"", input, want);
      return;
    }
  if (strstr (err->msg, want) == NULL)
    unit_fail (st, __FILE__, line, "\"%s\": error \"%s\", want \"%s\"", input, err->msg, want);
  if (strstr (err->msg, input) == NULL)
    unit_fail (st, __FILE__, line, "\"%s\": error \"%s\" does not name the input", input, err->msg);
}

static void
check_field (struct unit_state *st, int line, const char *input, const char *what,
             const char *got, const char *want)
{
  if ((got == NULL) != (want == NULL) || (got && strcmp (got, want) != 0))
    unit_fail (st, __FILE__, line, "\"%s\": %s is \"%s\", want \"%s\"", input, what,
               got ? got : "(null)", want ? want : "(null)");
}

/* distribution's Parse table (TestReferenceParse).  Expected domain NULL
 * where distribution has "".  One difference: distribution does not register
 * sha512 by default, Tong supports it. */
struct plain_case {
  const char *input;
  const char *err;
  const char *name;    /* domain + "/" + path */
  const char *domain;
  const char *tag;
  const char *digest;
};

static const struct plain_case plain_cases[] = {
  { "test_com", NULL, "test_com", NULL, NULL, NULL },
  { "test.com:tag", NULL, "test.com", NULL, "tag", NULL },
  { "test.com:5000", NULL, "test.com", NULL, "5000", NULL },
  { "test.com/repo:tag", NULL, "test.com/repo", "test.com", "tag", NULL },
  { "test:5000/repo", NULL, "test:5000/repo", "test:5000", NULL, NULL },
  { "test:5000/repo:tag", NULL, "test:5000/repo", "test:5000", "tag", NULL },
  { "test:5000/repo@" DGST_FF, NULL, "test:5000/repo", "test:5000", NULL, DGST_FF },
  { "test:5000/repo:tag@" DGST_FF, NULL, "test:5000/repo", "test:5000", "tag", DGST_FF },
  { "", E_EMPTY, NULL, NULL, NULL, NULL },
  { ":justtag", E_FORMAT, NULL, NULL, NULL, NULL },
  { "@" DGST_FF, E_FORMAT, NULL, NULL, NULL, NULL },
  { "repo@sha256:ffffffffffffffffffffffffffffffffff", E_DIGEST_LEN, NULL, NULL, NULL, NULL },
  { "validname@invaliddigest:" FF64, E_UNSUPPORTED, NULL, NULL, NULL, NULL },
  { "validname@sha512:" FF64 FF64, NULL, "validname", NULL, NULL, "sha512:" FF64 FF64 },
  { "Uppercase:tag", E_UPPER, NULL, NULL, NULL, NULL },
  /* distribution's FIXME: an upper-case first component is a domain */
  { "Uppercase/lowercase:tag", NULL, "Uppercase/lowercase", "Uppercase", "tag", NULL },
  { "test:5000/Uppercase/lowercase:tag", E_UPPER, NULL, NULL, NULL, NULL },
  { "lowercase:Uppercase", NULL, "lowercase", NULL, "Uppercase", NULL },
  { "aa/asdf$$^/aa", E_FORMAT, NULL, NULL, NULL, NULL },
  { "sub-dom1.foo.com/bar/baz/quux", NULL, "sub-dom1.foo.com/bar/baz/quux", "sub-dom1.foo.com", NULL, NULL },
  { "sub-dom1.foo.com/bar/baz/quux:some-long-tag", NULL, "sub-dom1.foo.com/bar/baz/quux",
    "sub-dom1.foo.com", "some-long-tag", NULL },
  { "b.gcr.io/test.example.com/my-app:test.example.com", NULL, "b.gcr.io/test.example.com/my-app",
    "b.gcr.io", "test.example.com", NULL },
  { "xn--n3h.com/myimage:xn--n3h.com", NULL, "xn--n3h.com/myimage", "xn--n3h.com", "xn--n3h.com", NULL },
  { "xn--7o8h.com/myimage:xn--7o8h.com@" DGST_FF, NULL, "xn--7o8h.com/myimage", "xn--7o8h.com",
    "xn--7o8h.com", DGST_FF },
  { "foo_bar.com:8080", NULL, "foo_bar.com", NULL, "8080", NULL },
  { "foo/foo_bar.com:8080", NULL, "foo/foo_bar.com", "foo", "8080", NULL },
  { "192.168.1.1", NULL, "192.168.1.1", NULL, NULL, NULL },
  { "192.168.1.1:tag", NULL, "192.168.1.1", NULL, "tag", NULL },
  { "192.168.1.1:5000", NULL, "192.168.1.1", NULL, "5000", NULL },
  { "192.168.1.1/repo", NULL, "192.168.1.1/repo", "192.168.1.1", NULL, NULL },
  { "192.168.1.1:5000/repo", NULL, "192.168.1.1:5000/repo", "192.168.1.1:5000", NULL, NULL },
  { "192.168.1.1:5000/repo:5050", NULL, "192.168.1.1:5000/repo", "192.168.1.1:5000", "5050", NULL },
  { "[2001:db8::1]", E_FORMAT, NULL, NULL, NULL, NULL },
  { "[2001:db8::1]:5000", E_FORMAT, NULL, NULL, NULL, NULL },
  { "[2001:db8::1]:tag", E_FORMAT, NULL, NULL, NULL, NULL },
  { "[2001:db8::1]/repo", NULL, "[2001:db8::1]/repo", "[2001:db8::1]", NULL, NULL },
  { "[2001:db8:1:2:3:4:5:6]/repo:tag", NULL, "[2001:db8:1:2:3:4:5:6]/repo", "[2001:db8:1:2:3:4:5:6]",
    "tag", NULL },
  { "[2001:db8::1]:5000/repo", NULL, "[2001:db8::1]:5000/repo", "[2001:db8::1]:5000", NULL, NULL },
  { "[2001:db8::1]:5000/repo:tag", NULL, "[2001:db8::1]:5000/repo", "[2001:db8::1]:5000", "tag", NULL },
  { "[2001:db8::1]:5000/repo@" DGST_FF, NULL, "[2001:db8::1]:5000/repo", "[2001:db8::1]:5000", NULL,
    DGST_FF },
  { "[2001:db8::1]:5000/repo:tag@" DGST_FF, NULL, "[2001:db8::1]:5000/repo", "[2001:db8::1]:5000", "tag",
    DGST_FF },
  { "[2001:db8::]:5000/repo", NULL, "[2001:db8::]:5000/repo", "[2001:db8::]:5000", NULL, NULL },
  { "[::1]:5000/repo", NULL, "[::1]:5000/repo", "[::1]:5000", NULL, NULL },
  { "[fe80::1%eth0]:5000/repo", E_FORMAT, NULL, NULL, NULL, NULL },
  { "[fe80::1%@invalidzone]:5000/repo", E_FORMAT, NULL, NULL, NULL, NULL },
  /* distribution's TestSerialization and TestDomainAndPath */
  { "example.com:8000/named", NULL, "example.com:8000/named", "example.com:8000", NULL, NULL },
  { "example.com:8000/named:tagged", NULL, "example.com:8000/named", "example.com:8000", "tagged", NULL },
  { "other.com/named@sha256:1234567890098765432112345667890098765432112345667890098765432112", NULL,
    "other.com/named", "other.com", NULL,
    "sha256:1234567890098765432112345667890098765432112345667890098765432112" },
  { "test_com/foo", NULL, "test_com/foo", NULL, NULL, NULL },
  { "test-com:8080/foo", NULL, "test-com:8080/foo", "test-com:8080", NULL, NULL },
  { "xn--n3h.com:18080/foo", NULL, "xn--n3h.com:18080/foo", "xn--n3h.com:18080", NULL, NULL },
  /* Tong's own */
  { "a", NULL, "a", NULL, NULL, NULL },
  { "a/b/c/d/e", NULL, "a/b/c/d/e", "a", NULL, NULL },
  { "a:_", NULL, "a", NULL, "_", NULL },
  { "a:-x", E_TAG, NULL, NULL, NULL, NULL },
  { "a:.x", E_TAG, NULL, NULL, NULL, NULL },
  { "a:", E_TAG, NULL, NULL, NULL, NULL },
  { "a:b:c", E_FORMAT, NULL, NULL, NULL, NULL },
  { "a:b/c", E_FORMAT, NULL, NULL, NULL, NULL },
  { "a@", "invalid digest format", NULL, NULL, NULL, NULL },
  { "a@sha256", "invalid digest format", NULL, NULL, NULL, NULL },
  { "a@@" DGST_FF, "invalid digest format", NULL, NULL, NULL, NULL },
  { "a@" DGST_FF "@" DGST_FF, "invalid digest format", NULL, NULL, NULL, NULL },
  { "a@sha256:" "F" FF64, "invalid digest", NULL, NULL, NULL, NULL },
  { "a@SHA256:" FF64, "invalid digest", NULL, NULL, NULL, NULL },
  { "a@" DGST_FF ":x", "invalid digest format", NULL, NULL, NULL, NULL },
  { "a b", E_FORMAT, NULL, NULL, NULL, NULL },
  { "a/", E_FORMAT, NULL, NULL, NULL, NULL },
  { "/a", E_FORMAT, NULL, NULL, NULL, NULL },
  { "a//b", E_FORMAT, NULL, NULL, NULL, NULL },
  { "localhost:5000/a/b:t", NULL, "localhost:5000/a/b", "localhost:5000", "t", NULL },
  { "host:/a", NULL, NULL, NULL, NULL, NULL }, /* see plain_edge */
  { "-host.com/a", E_FORMAT, NULL, NULL, NULL, NULL },
  { "host-.com/a", E_FORMAT, NULL, NULL, NULL, NULL },
  { "host..com/a", E_FORMAT, NULL, NULL, NULL, NULL },
  { "[]/a", E_FORMAT, NULL, NULL, NULL, NULL },
  { "[::1/a", E_FORMAT, NULL, NULL, NULL, NULL },
  { "[::1]x/a", E_FORMAT, NULL, NULL, NULL, NULL },
  { "[::1]:/a", E_FORMAT, NULL, NULL, NULL, NULL },
  { "[::1]:50a/a", E_FORMAT, NULL, NULL, NULL, NULL },
  { "a__b/c", NULL, "a__b/c", NULL, NULL, NULL },
  { "a___b/c", E_FORMAT, NULL, NULL, NULL, NULL },
  { "a--b---c/d", NULL, "a--b---c/d", "a--b---c", NULL, NULL },
  { "a.b_c-d/e", NULL, "a.b_c-d/e", NULL, NULL, NULL },
};

static void
plain_table (struct unit_state *st)
{
  for (size_t i = 0; i < sizeof plain_cases / sizeof plain_cases[0]; i++)
    {
      const struct plain_case *c = &plain_cases[i];
      struct oci_error err = { 0 };
      struct oci_reference *ref = NULL;
      char *name, *full;
      int r;

      if (strcmp (c->input, "host:/a") == 0)
        continue;
      r = oci_reference_parse (c->input, &ref, &err);
      if (c->err)
        {
          check_error (st, __LINE__, c->input, r, &err, c->err);
          CHECK (st, ref == NULL);
          continue;
        }
      if (r < 0)
        {
          unit_fail (st, __FILE__, __LINE__, "\"%s\": %s", c->input, err.msg);
          continue;
        }
      name = oci_reference_repository (ref);
      full = oci_reference_string (ref);
      check_field (st, __LINE__, c->input, "name", name, c->name);
      check_field (st, __LINE__, c->input, "domain", ref->domain, c->domain);
      check_field (st, __LINE__, c->input, "tag", ref->tag, c->tag);
      check_field (st, __LINE__, c->input, "digest", ref->digest, c->digest);
      check_field (st, __LINE__, c->input, "string", full, c->input);
      free (name);
      free (full);
      oci_reference_free (ref);
    }
}

/* "host:" is not a domain (port needs digits), so the whole name must be
 * a path, which cannot hold ':'; the ':' is before the last '/', so it is
 * not a tag either. */
static void
plain_edge (struct unit_state *st)
{
  struct oci_error err = { 0 };
  struct oci_reference *ref = NULL;

  check_error (st, __LINE__, "host:/a", oci_reference_parse ("host:/a", &ref, &err), &err, E_FORMAT);
}

static void
plain_lengths (struct unit_state *st)
{
  struct {
    const char *prefix;
    const char *unit;
    int n;
    const char *suffix;
    const char *err;
    const char *domain;
  } cases[] = {
    { "domain/", "a", 256, ":tag", E_LONG, NULL },
    { "example.com/", "a", 255, ":tag", NULL, "example.com" },
    { "", "a", 255, "", NULL, NULL },
    { "", "a", 256, "", E_LONG, NULL },
    { "", "a/", 127, "a:tag-puts-this-over-max", NULL, "a" },
    /* the limit is on the path alone, the domain does not count */
    { "very-long-registry-name.example.com:5000/", "a", 255, "", NULL,
      "very-long-registry-name.example.com:5000" },
  };

  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      char *body = repeat (cases[i].unit, cases[i].n, cases[i].suffix);
      char *input = NULL;
      struct oci_error err = { 0 };
      struct oci_reference *ref = NULL;
      int r;

      if (asprintf (&input, "%s%s", cases[i].prefix, body) < 0)
        abort ();
      r = oci_reference_parse (input, &ref, &err);
      if (cases[i].err)
        check_error (st, __LINE__, input, r, &err, cases[i].err);
      else if (r < 0)
        unit_fail (st, __FILE__, __LINE__, "case %zu: %s", i, err.msg);
      else
        {
          char *full = oci_reference_string (ref);
          check_field (st, __LINE__, "(long)", "domain", ref->domain, cases[i].domain);
          check_field (st, __LINE__, "(long)", "string", full, input);
          free (full);
        }
      oci_reference_free (ref);
      free (body);
      free (input);
    }
}

static void
tag_lengths (struct unit_state *st)
{
  char *t128 = repeat ("t", 128, "");
  char *t129 = repeat ("t", 129, "");
  char *ok = NULL, *bad = NULL;
  struct oci_error err = { 0 };
  struct oci_reference *ref = NULL;

  if (asprintf (&ok, "example.com/a:%s", t128) < 0 || asprintf (&bad, "example.com/a:%s", t129) < 0)
    abort ();
  CHECK_INT (st, oci_reference_parse (ok, &ref, &err), 0);
  if (ref)
    CHECK_STR (st, ref->tag, t128);
  oci_reference_free (ref);
  ref = NULL;
  check_error (st, __LINE__, bad, oci_reference_parse (bad, &ref, &err), &err, E_TAG);
  check_error (st, __LINE__, bad, oci_reference_parse_normalized (bad, &ref, &err), &err, E_TAG);
  CHECK (st, ref == NULL);
  free (t128);
  free (t129);
  free (ok);
  free (bad);
}

/* normalize_test.go: TestValidateReferenceName and TestValidateRemoteName */
static const char *normalized_valid[] = {
  "docker/docker",
  "library/debian",
  "debian",
  "localhost/library/debian",
  "localhost/debian",
  "LOCALDOMAIN/library/debian",
  "LOCALDOMAIN/debian",
  "docker.io/docker/docker",
  "docker.io/library/debian",
  "docker.io/debian",
  "index.docker.io/docker/docker",
  "index.docker.io/library/debian",
  "index.docker.io/debian",
  "127.0.0.1:5000/docker/docker",
  "127.0.0.1:5000/library/debian",
  "127.0.0.1:5000/debian",
  "192.168.0.1",
  "192.168.0.1:80",
  "192.168.0.1:8/debian",
  "192.168.0.2:25000/debian",
  "thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev",
  "[fc00::1]:5000/docker",
  "[fc00::1]:5000/docker/docker",
  "[fc00:1:2:3:4:5:6:7]:5000/library/debian",
  "docker.io/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a",
  "Docker/docker",
  "DOCKER/docker",
  "docker-rules/docker",
  "docker---rules/docker",
  "doc/docker",
  "d/docker",
  "jess/t",
  "dock__er/docker",
};

static const char *normalized_invalid[] = {
  "https://github.com/docker/docker",
  "docker/Docker",
  "-docker",
  "-docker/docker",
  "-docker.io/docker/docker",
  "docker///docker",
  "docker.io/docker/Docker",
  "docker.io/docker///docker",
  "[fc00::1]",
  "[fc00::1]:5000",
  "fc00::1:5000/debian",
  "[fe80::1%eth0]:5000/debian",
  "[2001:db8:3:4::192.0.2.33]:5000/debian",
  "1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a",
  "docker-/docker",
  "-docker-/docker",
  "____/____",
  "_docker/_docker",
  "dock..er/docker",
  "dock_.er/docker",
  "dock-.er/docker",
  "docker/",
  "this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_this_is_not_a_valid_namespace_"
  "because_its_lenth_is_greater_than_255_this_is_not_a_valid_namespace_because_its_lenth_is_greater_"
  "than_255_this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255/docker",
  /* Tong's own */
  "",
  ":latest",
  "busybox:",
  "busybox@",
  "busybox:la test",
  "Busybox",
  "BUSYBOX:latest",
  "busybox@sha256:abc",
  "busybox@md5:d41d8cd98f00b204e9800998ecf8427e",
  "docker.io/",
  "/busybox",
};

static void
normalized_validity (struct unit_state *st)
{
  for (size_t i = 0; i < sizeof normalized_valid / sizeof normalized_valid[0]; i++)
    {
      struct oci_error err = { 0 };
      struct oci_reference *ref = NULL;

      if (oci_reference_parse_normalized (normalized_valid[i], &ref, &err) < 0)
        unit_fail (st, __FILE__, __LINE__, "\"%s\": %s", normalized_valid[i], err.msg);
      else
        {
          /* what we print must parse back to the same reference */
          char *full = oci_reference_string (ref);
          struct oci_reference *again = NULL;

          CHECK_INT (st, oci_reference_parse (full, &again, &err), 0);
          if (again)
            {
              char *full2 = oci_reference_string (again);
              CHECK_STR (st, full2, full);
              free (full2);
            }
          oci_reference_free (again);
          free (full);
        }
      oci_reference_free (ref);
    }
  for (size_t i = 0; i < sizeof normalized_invalid / sizeof normalized_invalid[0]; i++)
    {
      struct oci_error err = { 0 };
      struct oci_reference *ref = NULL;

      if (oci_reference_parse_normalized (normalized_invalid[i], &ref, &err) == 0)
        {
          unit_fail (st, __FILE__, __LINE__, "\"%s\": parsed, want an error", normalized_invalid[i]);
          oci_reference_free (ref);
        }
      else
        {
          CHECK (st, ref == NULL);
          if (strncmp (err.msg, "invalid reference \"", 19) != 0 && strstr (err.msg, "digest") == NULL)
            unit_fail (st, __FILE__, __LINE__, "\"%s\": message \"%s\"", normalized_invalid[i], err.msg);
        }
    }
}

/* Normalised parse: input -> domain, path, tag, digest, full string,
 * familiar string.  From TestParseRepositoryInfo, TestNormalizedSplitHostname,
 * TestParseDockerRef, TestParseAnyReference and TestParseReferenceWithTagAndDigest. */
struct norm_case {
  const char *input;
  const char *domain;
  const char *path;
  const char *tag;
  const char *digest;
  const char *full;
  const char *familiar;
};

static const struct norm_case norm_cases[] = {
  { "busybox", "docker.io", "library/busybox", "latest", NULL, "docker.io/library/busybox:latest",
    "busybox:latest" },
  { "busybox:latest", "docker.io", "library/busybox", "latest", NULL, "docker.io/library/busybox:latest",
    "busybox:latest" },
  { "busybox@sha256:e6693c20186f837fc393390135d8a598a96a833917917789d63766cab6c59582", "docker.io",
    "library/busybox", NULL, "sha256:e6693c20186f837fc393390135d8a598a96a833917917789d63766cab6c59582",
    "docker.io/library/busybox@sha256:e6693c20186f837fc393390135d8a598a96a833917917789d63766cab6c59582",
    "busybox@sha256:e6693c20186f837fc393390135d8a598a96a833917917789d63766cab6c59582" },
  { "library/busybox", "docker.io", "library/busybox", "latest", NULL, "docker.io/library/busybox:latest",
    "busybox:latest" },
  { "docker.io/busybox", "docker.io", "library/busybox", "latest", NULL,
    "docker.io/library/busybox:latest", "busybox:latest" },
  { "docker.io/library/busybox", "docker.io", "library/busybox", "latest", NULL,
    "docker.io/library/busybox:latest", "busybox:latest" },
  { "docker.io/busybox:latest", "docker.io", "library/busybox", "latest", NULL,
    "docker.io/library/busybox:latest", "busybox:latest" },
  { "library/busybox:latest", "docker.io", "library/busybox", "latest", NULL,
    "docker.io/library/busybox:latest", "busybox:latest" },
  { "gcr.io/library/busybox", "gcr.io", "library/busybox", "latest", NULL, "gcr.io/library/busybox:latest",
    "gcr.io/library/busybox:latest" },
  /* distribution's ParseDockerRef drops the tag here; Tong keeps both */
  { "gcr.io/library/busybox:latest@sha256:e6693c20186f837fc393390135d8a598a96a833917917789d63766cab6c59582",
    "gcr.io", "library/busybox", "latest",
    "sha256:e6693c20186f837fc393390135d8a598a96a833917917789d63766cab6c59582",
    "gcr.io/library/busybox:latest@sha256:e6693c20186f837fc393390135d8a598a96a833917917789d63766cab6c59582",
    "gcr.io/library/busybox:latest@sha256:e6693c20186f837fc393390135d8a598a96a833917917789d63766cab6c59582" },
  { "busybox:latest@" DGST_BB, "docker.io", "library/busybox", "latest", DGST_BB,
    "docker.io/library/busybox:latest@" DGST_BB, "busybox:latest@" DGST_BB },
  { "index.docker.io/busybox", "docker.io", "library/busybox", "latest", NULL,
    "docker.io/library/busybox:latest", "busybox:latest" },
  { "index.docker.io/library/busybox:1.36", "docker.io", "library/busybox", "1.36", NULL,
    "docker.io/library/busybox:1.36", "busybox:1.36" },
  /* TestParseRepositoryInfo */
  { "localhost/fooo", "localhost", "fooo", "latest", NULL, "localhost/fooo:latest", "localhost/fooo:latest" },
  { "localhost/fooo/bar", "localhost", "fooo/bar", "latest", NULL, "localhost/fooo/bar:latest",
    "localhost/fooo/bar:latest" },
  { "LOCALDOMAIN/fooo", "LOCALDOMAIN", "fooo", "latest", NULL, "LOCALDOMAIN/fooo:latest",
    "LOCALDOMAIN/fooo:latest" },
  { "LOCALDOMAIN/fooo/bar", "LOCALDOMAIN", "fooo/bar", "latest", NULL, "LOCALDOMAIN/fooo/bar:latest",
    "LOCALDOMAIN/fooo/bar:latest" },
  { "fooo/bar", "docker.io", "fooo/bar", "latest", NULL, "docker.io/fooo/bar:latest", "fooo/bar:latest" },
  { "docker.io/fooo/bar", "docker.io", "fooo/bar", "latest", NULL, "docker.io/fooo/bar:latest",
    "fooo/bar:latest" },
  { "index.docker.io/fooo/bar", "docker.io", "fooo/bar", "latest", NULL, "docker.io/fooo/bar:latest",
    "fooo/bar:latest" },
  { "ubuntu", "docker.io", "library/ubuntu", "latest", NULL, "docker.io/library/ubuntu:latest",
    "ubuntu:latest" },
  { "nonlibrary/ubuntu", "docker.io", "nonlibrary/ubuntu", "latest", NULL,
    "docker.io/nonlibrary/ubuntu:latest", "nonlibrary/ubuntu:latest" },
  { "other/library", "docker.io", "other/library", "latest", NULL, "docker.io/other/library:latest",
    "other/library:latest" },
  { "127.0.0.1:8000/private/moonbase", "127.0.0.1:8000", "private/moonbase", "latest", NULL,
    "127.0.0.1:8000/private/moonbase:latest", "127.0.0.1:8000/private/moonbase:latest" },
  { "127.0.0.1:8000/privatebase", "127.0.0.1:8000", "privatebase", "latest", NULL,
    "127.0.0.1:8000/privatebase:latest", "127.0.0.1:8000/privatebase:latest" },
  { "example.com/private/moonbase", "example.com", "private/moonbase", "latest", NULL,
    "example.com/private/moonbase:latest", "example.com/private/moonbase:latest" },
  { "example.com:8000/privatebasee", "example.com:8000", "privatebasee", "latest", NULL,
    "example.com:8000/privatebasee:latest", "example.com:8000/privatebasee:latest" },
  { "ubuntu-12.04-base", "docker.io", "library/ubuntu-12.04-base", "latest", NULL,
    "docker.io/library/ubuntu-12.04-base:latest", "ubuntu-12.04-base:latest" },
  { "index.docker.io/library/ubuntu-12.04-base", "docker.io", "library/ubuntu-12.04-base", "latest", NULL,
    "docker.io/library/ubuntu-12.04-base:latest", "ubuntu-12.04-base:latest" },
  { "docker.io/foo", "docker.io", "library/foo", "latest", NULL, "docker.io/library/foo:latest",
    "foo:latest" },
  /* "library/" is dropped only from a single-component name */
  { "library/foo/bar", "docker.io", "library/foo/bar", "latest", NULL, "docker.io/library/foo/bar:latest",
    "library/foo/bar:latest" },
  { "docker.io/library/foo/bar", "docker.io", "library/foo/bar", "latest", NULL,
    "docker.io/library/foo/bar:latest", "library/foo/bar:latest" },
  { "store/foo/bar", "docker.io", "store/foo/bar", "latest", NULL, "docker.io/store/foo/bar:latest",
    "store/foo/bar:latest" },
  { "Foo/bar", "Foo", "bar", "latest", NULL, "Foo/bar:latest", "Foo/bar:latest" },
  { "FOO/bar", "FOO", "bar", "latest", NULL, "FOO/bar:latest", "FOO/bar:latest" },
  /* TestNormalizedSplitHostname */
  { "test.com/foo", "test.com", "foo", "latest", NULL, "test.com/foo:latest", "test.com/foo:latest" },
  { "test_com/foo", "docker.io", "test_com/foo", "latest", NULL, "docker.io/test_com/foo:latest",
    "test_com/foo:latest" },
  { "docker/migrator", "docker.io", "docker/migrator", "latest", NULL, "docker.io/docker/migrator:latest",
    "docker/migrator:latest" },
  { "test.com:8080/foo", "test.com:8080", "foo", "latest", NULL, "test.com:8080/foo:latest",
    "test.com:8080/foo:latest" },
  { "test-com:8080/foo", "test-com:8080", "foo", "latest", NULL, "test-com:8080/foo:latest",
    "test-com:8080/foo:latest" },
  { "foo", "docker.io", "library/foo", "latest", NULL, "docker.io/library/foo:latest", "foo:latest" },
  { "xn--n3h.com/foo", "xn--n3h.com", "foo", "latest", NULL, "xn--n3h.com/foo:latest",
    "xn--n3h.com/foo:latest" },
  { "xn--n3h.com:18080/foo", "xn--n3h.com:18080", "foo", "latest", NULL, "xn--n3h.com:18080/foo:latest",
    "xn--n3h.com:18080/foo:latest" },
  /* TestParseAnyReference, the named cases */
  { "redis", "docker.io", "library/redis", "latest", NULL, "docker.io/library/redis:latest",
    "redis:latest" },
  { "redis@" DGST_RD, "docker.io", "library/redis", NULL, DGST_RD, "docker.io/library/redis@" DGST_RD,
    "redis@" DGST_RD },
  { "docker.io/library/redis@" DGST_RD, "docker.io", "library/redis", NULL, DGST_RD,
    "docker.io/library/redis@" DGST_RD, "redis@" DGST_RD },
  { "dmcgowan/myapp", "docker.io", "dmcgowan/myapp", "latest", NULL, "docker.io/dmcgowan/myapp:latest",
    "dmcgowan/myapp:latest" },
  { "docker.io/mcgowan/myapp:latest", "docker.io", "mcgowan/myapp", "latest", NULL,
    "docker.io/mcgowan/myapp:latest", "mcgowan/myapp:latest" },
  { "dmcgowan/myapp@" DGST_RD, "docker.io", "dmcgowan/myapp", NULL, DGST_RD,
    "docker.io/dmcgowan/myapp@" DGST_RD, "dmcgowan/myapp@" DGST_RD },
  { "dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9", "docker.io",
    "library/dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9", "latest", NULL,
    "docker.io/library/dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9:latest",
    "dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9:latest" },
  { "dbcc1", "docker.io", "library/dbcc1", "latest", NULL, "docker.io/library/dbcc1:latest",
    "dbcc1:latest" },
  /* a bare "sha256:<hex>" is, to the name parser, the image sha256 with a tag */
  { DGST_RD, "docker.io", "library/sha256", DGST_RD + 7, NULL, "docker.io/library/" DGST_RD, DGST_RD },
  /* normalize_test's valid names, spelled out */
  { "192.168.0.1", "docker.io", "library/192.168.0.1", "latest", NULL,
    "docker.io/library/192.168.0.1:latest", "192.168.0.1:latest" },
  { "192.168.0.1:80", "docker.io", "library/192.168.0.1", "80", NULL, "docker.io/library/192.168.0.1:80",
    "192.168.0.1:80" },
  { "[fc00::1]:5000/docker", "[fc00::1]:5000", "docker", "latest", NULL, "[fc00::1]:5000/docker:latest",
    "[fc00::1]:5000/docker:latest" },
  { "docker.io/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a", "docker.io",
    "library/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a", "latest", NULL,
    "docker.io/library/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a:latest",
    "1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a:latest" },
  /* Tong's own: the brief's cases and the corners of splitDockerDomain */
  { "localhost:5000/a/b:t", "localhost:5000", "a/b", "t", NULL, "localhost:5000/a/b:t",
    "localhost:5000/a/b:t" },
  { "localhost:5000/a", "localhost:5000", "a", "latest", NULL, "localhost:5000/a:latest",
    "localhost:5000/a:latest" },
  { "[::1]:5000/foo", "[::1]:5000", "foo", "latest", NULL, "[::1]:5000/foo:latest",
    "[::1]:5000/foo:latest" },
  { "[::1]/foo:v1", "[::1]", "foo", "v1", NULL, "[::1]/foo:v1", "[::1]/foo:v1" },
  { "example.com/foo", "example.com", "foo", "latest", NULL, "example.com/foo:latest",
    "example.com/foo:latest" },
  /* a bare "localhost" or "localhost:5000" has no '/', so it is a Hub image */
  { "localhost", "docker.io", "library/localhost", "latest", NULL, "docker.io/library/localhost:latest",
    "localhost:latest" },
  { "localhost:5000", "docker.io", "library/localhost", "5000", NULL, "docker.io/library/localhost:5000",
    "localhost:5000" },
  { "example.com", "docker.io", "library/example.com", "latest", NULL,
    "docker.io/library/example.com:latest", "example.com:latest" },
  { "registry:5000/img", "registry:5000", "img", "latest", NULL, "registry:5000/img:latest",
    "registry:5000/img:latest" },
  { "registry/img", "docker.io", "registry/img", "latest", NULL, "docker.io/registry/img:latest",
    "registry/img:latest" },
  { "docker.io:443/busybox", "docker.io:443", "busybox", "latest", NULL, "docker.io:443/busybox:latest",
    "docker.io:443/busybox:latest" },
  { "registry-1.docker.io/busybox", "registry-1.docker.io", "busybox", "latest", NULL,
    "registry-1.docker.io/busybox:latest", "registry-1.docker.io/busybox:latest" },
  { "quay.io/a/b/c/d:v1.2_3-rc", "quay.io", "a/b/c/d", "v1.2_3-rc", NULL, "quay.io/a/b/c/d:v1.2_3-rc",
    "quay.io/a/b/c/d:v1.2_3-rc" },
  { "foo:TAG", "docker.io", "library/foo", "TAG", NULL, "docker.io/library/foo:TAG", "foo:TAG" },
  { "foo@sha512:" FF64 FF64, "docker.io", "library/foo", NULL, "sha512:" FF64 FF64,
    "docker.io/library/foo@sha512:" FF64 FF64, "foo@sha512:" FF64 FF64 },
  /* splitDockerDomain says domain, the grammar says path: Docker keeps
   * the name without a domain */
  { "foo_bar.com/x", NULL, "foo_bar.com/x", "latest", NULL, "foo_bar.com/x:latest", "foo_bar.com/x:latest" },
};

static void
normalized_table (struct unit_state *st)
{
  for (size_t i = 0; i < sizeof norm_cases / sizeof norm_cases[0]; i++)
    {
      const struct norm_case *c = &norm_cases[i];
      struct oci_error err = { 0 };
      struct oci_reference *ref = NULL;
      char *full, *familiar, *repo, *want_repo = NULL;

      if (oci_reference_parse_normalized (c->input, &ref, &err) < 0)
        {
          unit_fail (st, __FILE__, __LINE__, "\"%s\": %s", c->input, err.msg);
          continue;
        }
      full = oci_reference_string (ref);
      familiar = oci_reference_familiar (ref);
      repo = oci_reference_repository (ref);
      if (asprintf (&want_repo, "%s%s%s", c->domain ? c->domain : "", c->domain ? "/" : "", c->path) < 0)
        abort ();
      check_field (st, __LINE__, c->input, "domain", ref->domain, c->domain);
      check_field (st, __LINE__, c->input, "path", ref->path, c->path);
      check_field (st, __LINE__, c->input, "tag", ref->tag, c->tag);
      check_field (st, __LINE__, c->input, "digest", ref->digest, c->digest);
      check_field (st, __LINE__, c->input, "string", full, c->full);
      check_field (st, __LINE__, c->input, "familiar", familiar, c->familiar);
      check_field (st, __LINE__, c->input, "repository", repo, want_repo);

      /* idempotent: the full form and the familiar form normalise to the same */
      for (int k = 0; k < 2; k++)
        {
          struct oci_reference *again = NULL;
          const char *in = k ? familiar : full;

          if (oci_reference_parse_normalized (in, &again, &err) < 0)
            unit_fail (st, __FILE__, __LINE__, "\"%s\" from \"%s\": %s", in, c->input, err.msg);
          else
            {
              char *full2 = oci_reference_string (again);
              check_field (st, __LINE__, in, "string", full2, c->full);
              free (full2);
            }
          oci_reference_free (again);
        }
      free (full);
      free (familiar);
      free (repo);
      free (want_repo);
      oci_reference_free (ref);
    }
}

/* distribution's ParseNamed: a name is canonical when normalising it
 * changes nothing; here, when oci_reference_repository gives it back. */
static void
canonical_names (struct unit_state *st)
{
  struct {
    const char *input;
    int canonical;
  } cases[] = {
    { "test.com/foo", 1 },       { "test:8080/foo", 1 },  { "test_com/foo", 0 },
    { "test.com", 0 },           { "foo", 0 },            { "library/foo", 0 },
    { "docker.io/library/foo", 1 }, { "docker.io/foo", 0 },
  };

  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      struct oci_error err = { 0 };
      struct oci_reference *ref = NULL;
      char *repo;

      if (oci_reference_parse_normalized (cases[i].input, &ref, &err) < 0)
        {
          unit_fail (st, __FILE__, __LINE__, "\"%s\": %s", cases[i].input, err.msg);
          continue;
        }
      repo = oci_reference_repository (ref);
      if ((strcmp (repo, cases[i].input) == 0) != cases[i].canonical)
        unit_fail (st, __FILE__, __LINE__, "\"%s\" -> \"%s\": canonical should be %d", cases[i].input, repo,
                   cases[i].canonical);
      free (repo);
      oci_reference_free (ref);
    }
}

static void
normalized_lengths (struct unit_state *st)
{
  struct {
    const char *prefix;
    int n;
    const char *err;
  } cases[] = {
    /* "library/" counts towards the 255 */
    { "", 247, NULL },
    { "", 248, E_LONG },
    { "", 255, E_LONG },
    { "docker.io/x/", 253, NULL },
    { "docker.io/x/", 254, E_LONG },
    { "example.com/", 255, NULL },
    { "example.com/", 256, E_LONG },
    { "localhost/", 255, NULL },
    { "localhost/", 256, E_LONG },
  };

  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      char *body = repeat ("a", cases[i].n, "");
      char *input = NULL;
      struct oci_error err = { 0 };
      struct oci_reference *ref = NULL;
      int r;

      if (asprintf (&input, "%s%s", cases[i].prefix, body) < 0)
        abort ();
      r = oci_reference_parse_normalized (input, &ref, &err);
      if (cases[i].err)
        check_error (st, __LINE__, input, r, &err, cases[i].err);
      else if (r < 0)
        unit_fail (st, __FILE__, __LINE__, "case %zu: %s", i, err.msg);
      else
        CHECK_STR (st, ref->tag, "latest");
      oci_reference_free (ref);
      free (body);
      free (input);
    }
}

static void
messages (struct unit_state *st)
{
  struct {
    const char *input;
    const char *msg;
  } cases[] = {
    { "Foo", "invalid reference \"Foo\": repository name must be lowercase" },
    { "docker.io/Foo/bar", "invalid reference \"docker.io/Foo/bar\": repository name must be lowercase" },
    { "example.com/Foo:Tag", "invalid reference \"example.com/Foo:Tag\": repository name must be lowercase" },
    { "", "invalid reference \"\": repository name must have at least one component" },
    { "a b", "invalid reference \"a b\": invalid reference format" },
    { "busybox:-1", "invalid reference \"busybox:-1\": invalid tag format" },
    { "1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a",
      "invalid reference \"1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a\": "
      "cannot specify 64-byte hexadecimal strings" },
    { "busybox@sha256:" "0" FF64,
      "invalid reference \"busybox@sha256:0" FF64 "\": invalid digest \"sha256:0" FF64
      "\": sha256 needs 64 hex characters, got 65" },
  };

  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      struct oci_error err = { 0 };
      struct oci_reference *ref = NULL;

      CHECK (st, oci_reference_parse_normalized (cases[i].input, &ref, &err) < 0);
      CHECK (st, ref == NULL);
      CHECK_STR (st, err.msg, cases[i].msg);
      CHECK_INT (st, err.errnum, 0);
    }
}

static void
error_codes (struct unit_state *st)
{
  struct oci_error err = { 0 };
  struct oci_reference *ref = NULL;

  CHECK_INT (st, oci_reference_parse_normalized ("busybox:1 2", &ref, &err), -EINVAL);
  CHECK_INT (st, oci_reference_parse_normalized ("busybox@sha256:0" FF64, &ref, &err), -EINVAL);
  /* a well-formed digest we cannot verify keeps its distinct code */
  CHECK_INT (st, oci_reference_parse_normalized ("busybox@blake3:" FF64, &ref, &err), -ENOTSUP);
  CHECK (st, strstr (err.msg, "invalid reference \"busybox@blake3:") == err.msg);
  CHECK (st, strstr (err.msg, "unsupported algorithm \"blake3\"") != NULL);
  CHECK (st, ref == NULL);
}

static void
plain_has_no_defaults (struct unit_state *st)
{
  struct oci_error err = { 0 };
  cleanup_reference struct oci_reference *ref = NULL;
  cleanup_free char *full = NULL;
  cleanup_free char *familiar = NULL;

  CHECK_INT (st, oci_reference_parse ("busybox", &ref, &err), 0);
  if (ref == NULL)
    return;
  CHECK (st, ref->domain == NULL);
  CHECK_STR (st, ref->path, "busybox");
  CHECK (st, ref->tag == NULL);
  CHECK (st, ref->digest == NULL);
  full = oci_reference_string (ref);
  familiar = oci_reference_familiar (ref);
  CHECK_STR (st, full, "busybox");
  CHECK_STR (st, familiar, "busybox");
}

static void
familiar_of_plain (struct unit_state *st)
{
  struct {
    const char *input;
    const char *familiar;
  } cases[] = {
    { "docker.io/library/redis", "redis" },
    { "docker.io/library/redis:7", "redis:7" },
    { "docker.io/library/a/b", "library/a/b" },
    { "docker.io/dmcgowan/myapp", "dmcgowan/myapp" },
    { "docker.io/redis", "redis" },
    { "index.docker.io/library/redis", "index.docker.io/library/redis" },
    { "gcr.io/library/redis", "gcr.io/library/redis" },
    { "docker.io/library/redis@" DGST_RD, "redis@" DGST_RD },
  };

  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      struct oci_error err = { 0 };
      struct oci_reference *ref = NULL;
      char *familiar;

      if (oci_reference_parse (cases[i].input, &ref, &err) < 0)
        {
          unit_fail (st, __FILE__, __LINE__, "\"%s\": %s", cases[i].input, err.msg);
          continue;
        }
      familiar = oci_reference_familiar (ref);
      check_field (st, __LINE__, cases[i].input, "familiar", familiar, cases[i].familiar);
      free (familiar);
      oci_reference_free (ref);
    }
}

static void
free_null (struct unit_state *st)
{
  oci_reference_free (NULL);
  CHECK (st, 1);
}

int
main (void)
{
  struct unit_totals totals = { 0 };

  RUN (plain_table);
  RUN (plain_edge);
  RUN (plain_lengths);
  RUN (tag_lengths);
  RUN (normalized_validity);
  RUN (normalized_table);
  RUN (canonical_names);
  RUN (normalized_lengths);
  RUN (messages);
  RUN (error_codes);
  RUN (plain_has_no_defaults);
  RUN (familiar_of_plain);
  RUN (free_null);
  return unit_done (&totals);
}
