/* config.json: round-trips of every example the runtime-spec ships, and
 * rejection of malformed and hostile documents with the JSON path named. */
#include "unit.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "oci/json.h"
#include "oci/runtime-spec.h"

static const char *
data_dir (void)
{
  const char *d = getenv ("TONG_TEST_DATA");
  return d ? d : "tests/data";
}

/* Parse, serialise, parse both as plain JSON and compare. */
static int
roundtrip_file (struct unit_state *st, const char *path)
{
  struct oci_error err = { 0 };
  struct oci_spec *spec = NULL;
  struct oci_json *orig = NULL, *again = NULL;
  char *text = NULL;
  int ok = 0;

  if (oci_json_parse_file (path, &orig, &err) < 0)
    {
      unit_fail (st, __FILE__, __LINE__, "%s: %s", path, err.msg);
      return 0;
    }
  if (oci_spec_parse_json (orig, &spec, &err) < 0)
    unit_fail (st, __FILE__, __LINE__, "%s: %s", path, err.msg);
  else if (oci_spec_generate (spec, OCI_JSON_PRETTY, &text, NULL, &err) < 0)
    unit_fail (st, __FILE__, __LINE__, "%s: generate: %s", path, err.msg);
  else if (oci_json_parse (text, strlen (text), &again, &err) < 0)
    unit_fail (st, __FILE__, __LINE__, "%s: reparse: %s", path, err.msg);
  else if (!oci_json_equal (orig, again))
    unit_fail (st, __FILE__, __LINE__, "%s: round-trip differs:\n%s", path, text);
  else
    ok = 1;
  free (text);
  oci_json_free (orig);
  oci_json_free (again);
  oci_spec_free (spec);
  return ok;
}

static int
roundtrip_dir (struct unit_state *st, const char *sub)
{
  char dir[4096], path[4096 + 256];
  struct dirent *de;
  DIR *d;
  int n = 0;

  snprintf (dir, sizeof dir, "%s/%s", data_dir (), sub);
  d = opendir (dir);
  if (!d)
    {
      unit_fail (st, __FILE__, __LINE__, "cannot open %s", dir);
      return 0;
    }
  while ((de = readdir (d)))
    {
      if (!strstr (de->d_name, ".json"))
        continue;
      snprintf (path, sizeof path, "%s/%s", dir, de->d_name);
      n += roundtrip_file (st, path);
    }
  closedir (d);
  return n;
}

static void
test_schema_good_examples_roundtrip (struct unit_state *st)
{
  CHECK (st, roundtrip_dir (st, "runtime-spec/good") >= 9);
}

static void
test_doc_examples_roundtrip (struct unit_state *st)
{
  CHECK (st, roundtrip_dir (st, "runtime-spec/doc-examples") >= 30);
}

static void
expect_reject (struct unit_state *st, const char *json, const char *want_msg)
{
  struct oci_error err = { 0 };
  struct oci_spec *spec = NULL;
  int r = oci_spec_parse_text (json, strlen (json), &spec, &err);

  CHECK (st, r < 0);
  CHECK (st, spec == NULL);
  if (r < 0 && !strstr (err.msg, want_msg))
    unit_fail (st, __FILE__, __LINE__, "error \"%s\" does not contain \"%s\"", err.msg, want_msg);
  if (r == 0)
    {
      unit_fail (st, __FILE__, __LINE__, "accepted: %.200s", json);
      oci_spec_free (spec);
    }
}

static void
expect_reject_file (struct unit_state *st, const char *name, const char *want_msg)
{
  char path[4096];
  struct oci_error err = { 0 };
  struct oci_spec *spec = NULL;

  snprintf (path, sizeof path, "%s/runtime-spec/bad/%s", data_dir (), name);
  if (oci_spec_parse_file (path, &spec, &err) == 0)
    {
      unit_fail (st, __FILE__, __LINE__, "%s accepted", name);
      oci_spec_free (spec);
      return;
    }
  if (!strstr (err.msg, want_msg))
    unit_fail (st, __FILE__, __LINE__, "%s: error \"%s\" lacks \"%s\"", name, err.msg, want_msg);
}

static void
test_schema_bad_examples_rejected (struct unit_state *st)
{
  expect_reject_file (st, "invalid-json.json", "invalid JSON");
  expect_reject_file (st, "linux-hugepage.json", "linux.resources.hugepageLimits[0].pageSize: \"64kB\"");
  expect_reject_file (st, "linux-netdevice.json", "linux.netDevices[\"eth0\"].name: expected a string, got number");
  expect_reject_file (st, "linux-rdma.json", "linux.resources.rdma[\"mlx5_1\"].hcaHandles: expected an integer");
  /* freebsd-vnet-disable.json is bad only in the FreeBSD section, which a
   * Linux runtime keeps opaque: it must round-trip untouched instead. */
}

static void
test_unknown_namespace_names_path (struct unit_state *st)
{
  expect_reject (st,
                 "{\"ociVersion\":\"1.2.0\",\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"mount\"},"
                 "{\"type\":\"foo\"}]}}",
                 "linux.namespaces[2].type: unknown namespace \"foo\"");
  expect_reject (st, "{\"ociVersion\":\"1.2.0\",\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"pid\"}]}}",
                 "linux.namespaces[1].type: duplicate namespace \"pid\"");
}

static void
test_malformed_documents (struct unit_state *st)
{
  expect_reject (st, "{\"ociVersion\":\"1.2.0\",\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"", "invalid JSON");
  expect_reject (st, "", "invalid JSON");
  expect_reject (st, "[]", "expected an object, got array");
  expect_reject (st, "{\"ociVersion\":1}", "ociVersion: expected a string, got number");
  expect_reject (st, "{}", "ociVersion: required field is missing");
  expect_reject (st, "{\"ociVersion\":null}", "ociVersion: required field is missing");
  expect_reject (st, "{\"ociVersion\":\"1\",\"process\":{\"cwd\":\"/\",\"args\":\"sh\"}}",
                 "process.args: expected an array of strings, got string");
  expect_reject (st, "{\"ociVersion\":\"1\",\"process\":{\"cwd\":\"/\",\"args\":[\"sh\",3]}}",
                 "process.args[1]: expected a string, got number");
  expect_reject (st, "{\"ociVersion\":\"1\",\"process\":{\"args\":[\"sh\"]}}", "process.cwd: required field is missing");
  expect_reject (st, "{\"ociVersion\":\"1\",\"process\":{\"cwd\":\"tmp\"}}", "process.cwd: \"tmp\" is not an absolute path");
  expect_reject (st, "{\"ociVersion\":\"1\",\"process\":{\"cwd\":\"/\",\"terminal\":\"yes\"}}",
                 "process.terminal: expected a boolean, got string");
  expect_reject (st, "{\"ociVersion\":\"1\",\"process\":{\"cwd\":\"/\",\"user\":{\"uid\":4294967296}}}",
                 "process.user.uid: 4294967296 is out of range");
  expect_reject (st, "{\"ociVersion\":\"1\",\"process\":{\"cwd\":\"/\",\"user\":{\"uid\":-1}}}",
                 "process.user.uid: -1 is out of range");
  expect_reject (st, "{\"ociVersion\":\"1\",\"process\":{\"cwd\":\"/\",\"oomScoreAdj\":1.5}}",
                 "process.oomScoreAdj: expected an integer, got 1.5");
  expect_reject (st, "{\"ociVersion\":\"1\",\"linux\":{\"resources\":{\"memory\":{\"limit\":99999999999999999999}}}}",
                 "linux.resources.memory.limit: 99999999999999999999 is out of range");
  expect_reject (st, "{\"ociVersion\":\"1\",\"linux\":{\"resources\":{\"blockIO\":{\"weight\":65536}}}}",
                 "linux.resources.blockIO.weight: 65536 is out of range");
  expect_reject (st, "{\"ociVersion\":\"1\",\"ociVersion\":\"2\"}", "duplicate key");
  expect_reject (st, "{\"ociVersion\":\"1\x01x\"}", "invalid JSON");
  expect_reject (st, "{\"ociVersion\":\"1\\u0000x\"}", "ociVersion: string contains a NUL character");
  expect_reject (st, "{\"ociVersion\":\"1\",\"linux\":{\"devices\":[{\"path\":\"/dev/x\",\"type\":\"c\"}]}}",
                 "linux.devices[0]: major and minor are required");
  expect_reject (st, "{\"ociVersion\":\"1\",\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_NOPE\"}}}",
                 "linux.seccomp.defaultAction: unknown seccomp action \"SCMP_ACT_NOPE\"");
  expect_reject (st, "{\"ociVersion\":\"1\",\"hooks\":{\"prestart\":[{\"path\":\"hook\"}]}}",
                 "hooks.prestart[0].path: \"hook\" is not an absolute path");
  expect_reject (st, "{\"ociVersion\":\"1\",\"process\":{\"cwd\":\"/\",\"rlimits\":[{\"type\":\"nofile\",\"hard\":1,\"soft\":1}]}}",
                 "process.rlimits[0].type: \"nofile\" is not of the form RLIMIT_[A-Z]+");
}

static void
test_deep_nesting_rejected (struct unit_state *st)
{
  size_t depth = 10000, i, n = 0;
  char *doc = malloc (depth * 2 + 64);

  n += snprintf (doc, 64, "{\"ociVersion\":\"1\",\"x\":");
  for (i = 0; i < depth; i++)
    doc[n++] = '[';
  for (i = 0; i < depth; i++)
    doc[n++] = ']';
  doc[n++] = '}';
  doc[n] = '\0';
  expect_reject (st, doc, "nesting too deep");
  free (doc);
}

static void
test_huge_documents (struct unit_state *st)
{
  size_t big = 2 * 1024 * 1024, n;
  char *doc = malloc (OCI_JSON_MAX_SIZE + 64);
  struct oci_error err = { 0 };
  struct oci_spec *spec = NULL;

  /* A 2 MiB hostname is odd but well-formed: kept intact. */
  n = snprintf (doc, 64, "{\"ociVersion\":\"1\",\"hostname\":\"");
  memset (doc + n, 'a', big);
  n += big;
  memcpy (doc + n, "\"}", 3);
  CHECK (st, oci_spec_parse_text (doc, n + 2, &spec, &err) == 0);
  CHECK (st, spec && strlen (spec->hostname) == big);
  oci_spec_free (spec);
  spec = NULL;

  /* Past the size limit the parser refuses before reading. */
  memset (doc, ' ', OCI_JSON_MAX_SIZE + 1);
  doc[0] = '{';
  CHECK (st, oci_spec_parse_text (doc, OCI_JSON_MAX_SIZE + 1, &spec, &err) < 0);
  CHECK (st, strstr (err.msg, "exceeds the limit") != NULL);
  free (doc);
}

static void
test_unknown_keys_survive (struct unit_state *st)
{
  const char *in = "{\"ociVersion\":\"1.2.0\",\"x-top\":{\"a\":[1,2.5,null]},"
                   "\"process\":{\"cwd\":\"/\",\"x-proc\":true},"
                   "\"linux\":{\"resources\":{\"memory\":{\"limit\":-1,\"x-mem\":\"y\"}},\"x-linux\":1e3}}";
  struct oci_error err = { 0 };
  struct oci_spec *spec = NULL;
  struct oci_json *a = NULL, *b = NULL;
  char *out = NULL;

  CHECK (st, oci_spec_parse_text (in, strlen (in), &spec, &err) == 0);
  if (!spec)
    return;
  CHECK_INT (st, spec->linux_->resources->memory->limit, -1);
  CHECK (st, spec->linux_->resources->memory->limit_present);
  CHECK (st, !spec->linux_->resources->memory->swap_present);
  CHECK (st, oci_spec_generate (spec, 0, &out, NULL, &err) == 0);
  CHECK (st, oci_json_parse (in, strlen (in), &a, &err) == 0);
  CHECK (st, out && oci_json_parse (out, strlen (out), &b, &err) == 0);
  CHECK (st, oci_json_equal (a, b));
  free (out);
  oci_json_free (a);
  oci_json_free (b);
  oci_spec_free (spec);
}

static void
test_typed_access (struct unit_state *st)
{
  char path[4096];
  struct oci_error err = { 0 };
  struct oci_spec *spec = NULL;

  snprintf (path, sizeof path, "%s/runtime-spec/good/spec-example.json", data_dir ());
  CHECK (st, oci_spec_parse_file (path, &spec, &err) == 0);
  if (!spec)
    return;
  CHECK_STR (st, spec->oci_version, "0.5.0-dev");
  CHECK_STR (st, spec->process->args[0], "sh");
  CHECK (st, spec->process->args[spec->process->args_len] == NULL);
  CHECK (st, spec->process->terminal_present && spec->process->terminal);
  CHECK_INT (st, spec->process->user->uid, 1);
  CHECK (st, spec->process->user->uid_present);
  CHECK_STR (st, spec->root->path, "rootfs");
  CHECK (st, spec->linux_->namespaces_len >= 5);
  CHECK (st, spec->linux_->resources->hugepage_limits_len >= 1);
  CHECK (st, spec->linux_->sysctl && spec->linux_->sysctl->len >= 1);
  CHECK (st, spec->linux_->seccomp && spec->linux_->seccomp->syscalls_len >= 1);
  CHECK (st, oci_spec_validate (spec, &err) == 0);
  oci_spec_free (spec);
}

static void
test_process_and_resources_alone (struct unit_state *st)
{
  const char *proc = "{\"cwd\":\"/\",\"args\":[\"ls\"],\"env\":[\"A=1\"],\"user\":{\"uid\":0,\"gid\":0}}";
  const char *res = "{\"memory\":{\"limit\":1048576},\"pids\":{\"limit\":10}}";
  struct oci_error err = { 0 };
  struct oci_spec_process *p = NULL;
  struct oci_spec_resources *r = NULL;

  CHECK (st, oci_spec_process_parse_text (proc, strlen (proc), &p, &err) == 0);
  CHECK (st, p && p->user->uid_present && p->user->uid == 0);
  oci_spec_process_free (p);
  CHECK (st, oci_spec_resources_parse_text (res, strlen (res), &r, &err) == 0);
  CHECK (st, r && r->pids->limit == 10 && r->memory->limit == 1048576);
  oci_spec_resources_free (r);
}

int
main (void)
{
  struct unit_totals totals = { 0 };

  RUN (test_schema_good_examples_roundtrip);
  RUN (test_doc_examples_roundtrip);
  RUN (test_schema_bad_examples_rejected);
  RUN (test_unknown_namespace_names_path);
  RUN (test_malformed_documents);
  RUN (test_deep_nesting_rejected);
  RUN (test_huge_documents);
  RUN (test_unknown_keys_survive);
  RUN (test_typed_access);
  RUN (test_process_and_resources_alone);
  return unit_done (&totals);
}
