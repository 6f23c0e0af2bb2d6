/* state.json and features.json: the schema's examples round-trip, its bad
 * documents are refused. */
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#include "oci/json.h"
#include "oci/runtime-state.h"

static char *
data_path (const char *rel)
{
  const char *d = getenv ("TONG_TEST_DATA");
  size_t n = strlen (d ? d : "tests/data") + strlen (rel) + 2;
  char *p = malloc (n);
  snprintf (p, n, "%s/%s", d ? d : "tests/data", rel);
  return p;
}

static void
check_roundtrip (struct unit_state *st, const char *rel, int is_state)
{
  struct oci_error err = { 0 };
  char *path = data_path (rel), *text = NULL, *out = NULL;
  size_t len = 0;
  struct oci_json *a = NULL, *b = NULL;
  int r;

  text = unit_read_file (path, &len);
  CHECK (st, text != NULL);
  if (!text)
    goto done;
  if (is_state)
    {
      struct oci_state *s = NULL;
      r = oci_state_parse_text (text, len, &s, &err);
      if (r == 0)
        r = oci_state_generate (s, 0, &out, NULL, &err);
      oci_state_free (s);
    }
  else
    {
      struct oci_features *f = NULL;
      r = oci_features_parse_text (text, len, &f, &err);
      if (r == 0)
        r = oci_features_generate (f, 0, &out, NULL, &err);
      oci_features_free (f);
    }
  if (r < 0)
    {
      unit_fail (st, __FILE__, __LINE__, "%s: %s", rel, err.msg);
      goto done;
    }
  CHECK (st, oci_json_parse (text, len, &a, &err) == 0);
  CHECK (st, oci_json_parse (out, strlen (out), &b, &err) == 0);
  CHECK (st, oci_json_equal (a, b));
done:
  oci_json_free (a);
  oci_json_free (b);
  free (out);
  free (text);
  free (path);
}

static void
test_state_examples (struct unit_state *st)
{
  check_roundtrip (st, "runtime-spec/state/good/spec-example.json", 1);
}

static void
test_features_examples (struct unit_state *st)
{
  check_roundtrip (st, "runtime-spec/features/good/minimal.json", 0);
  check_roundtrip (st, "runtime-spec/features/good/runc.json", 0);
}

static void
test_bad_documents (struct unit_state *st)
{
  struct oci_error err = { 0 };
  char *p = data_path ("runtime-spec/features/bad/missing-ociVersionMax.json");
  struct oci_features *f = NULL;
  struct oci_state *s = NULL;
  const char *bad_status = "{\"ociVersion\":\"1.0.0\",\"id\":\"a\",\"status\":\"sleeping\",\"bundle\":\"/b\"}";

  CHECK (st, oci_features_parse_file (p, &f, &err) < 0);
  CHECK (st, strstr (err.msg, "ociVersionMax: required field is missing") != NULL);
  free (p);
  p = data_path ("runtime-spec/state/bad/invalid-json.json");
  CHECK (st, oci_state_parse_file (p, &s, &err) < 0);
  free (p);
  CHECK (st, oci_state_parse_text (bad_status, strlen (bad_status), &s, &err) < 0);
  CHECK (st, strstr (err.msg, "status: unknown status \"sleeping\"") != NULL);
}

int
main (void)
{
  struct unit_totals totals = { 0 };

  RUN (test_state_examples);
  RUN (test_features_examples);
  RUN (test_bad_documents);
  return unit_done (&totals);
}
