/* `tong update [-r FILE|-] [runc's individual flags] ID`: changes the
 * resources of a running container's cgroup.  Flags are turned into a
 * runtime-spec resources document, so both paths share one parser. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup-cmd.h"
#include "oci/cleanup.h"
#include "oci/json.h"
#include "oci/runtime-spec.h"

enum {
  OPT_BLKIO_WEIGHT = 256, OPT_CPU_PERIOD, OPT_CPU_QUOTA, OPT_CPU_SHARE, OPT_CPU_RT_PERIOD, OPT_CPU_RT_RUNTIME,
  OPT_CPUSET_CPUS, OPT_CPUSET_MEMS, OPT_KMEM, OPT_KMEM_TCP, OPT_MEMORY, OPT_MEMORY_RES, OPT_MEMORY_SWAP, OPT_PIDS,
  OPT_L3, OPT_MEMBW,
};

/* Docker's RAMInBytes: "512", "10k", "64m", "1g", "1.5G", "-1". */
static int
parse_bytes (const char *s, int64_t *ret)
{
  char *end;
  double v;
  double mult = 1;

  errno = 0;
  v = strtod (s, &end);
  if (end == s || errno)
    return -1;
  if (*end)
    {
      switch (tolower ((unsigned char) *end))
        {
        case 'b':
          break;
        case 'k':
          mult = 1024.0;
          break;
        case 'm':
          mult = 1024.0 * 1024;
          break;
        case 'g':
          mult = 1024.0 * 1024 * 1024;
          break;
        case 't':
          mult = 1024.0 * 1024 * 1024 * 1024;
          break;
        default:
          return -1;
        }
      end++;
      if (*end && strcasecmp (end, "b") != 0 && strcasecmp (end, "ib") != 0)
        return -1;
    }
  *ret = (int64_t) (v * mult);
  return 0;
}

struct kv {
  const char *section;
  const char *key;
  const char *value; /* number, or string when quoted */
  bool is_string;
};

static int
read_all (const char *file, char **ret, size_t *ret_len, struct oci_error *err)
{
  FILE *f = strcmp (file, "-") == 0 ? stdin : fopen (file, "re");
  char *buf = NULL;
  size_t cap = 0, len = 0, n;

  if (!f)
    return oci_error_set (err, errno, "open %s", file);
  do
    {
      if (cap - len < 4096)
        {
          char *nb = realloc (buf, cap = cap * 2 + 8192);
          if (!nb)
            {
              free (buf);
              return oci_error_set (err, ENOMEM, "read %s", file);
            }
          buf = nb;
        }
      n = fread (buf + len, 1, cap - len - 1, f);
      len += n;
    }
  while (n > 0);
  if (f != stdin)
    fclose (f);
  buf[len] = '\0';
  *ret = buf;
  *ret_len = len;
  return 0;
}

/* Builds {"memory":{…},"cpu":{…},"pids":{…},"blockIO":{…}} from the flags. */
static int
flags_to_json (const struct kv *kvs, size_t n, char **ret, size_t *ret_len, struct oci_error *err)
{
  static const char *const sections[] = { "memory", "cpu", "pids", "blockIO" };
  struct oci_json_writer *w = oci_jw_new (OCI_JSON_COMPACT);
  size_t i, k;
  int r;

  if (!w)
    return oci_error_set (err, ENOMEM, "update");
  oci_jw_begin_object (w);
  for (k = 0; k < sizeof sections / sizeof sections[0]; k++)
    {
      bool open = false;
      for (i = 0; i < n; i++)
        {
          if (strcmp (kvs[i].section, sections[k]) != 0)
            continue;
          if (!open)
            {
              oci_jw_key (w, sections[k]);
              oci_jw_begin_object (w);
              open = true;
            }
          oci_jw_key (w, kvs[i].key);
          if (kvs[i].is_string)
            oci_jw_string (w, kvs[i].value);
          else
            {
              struct oci_json num = { .type = OCI_JSON_NUMBER, .u.number = (char *) kvs[i].value };
              oci_jw_value (w, &num);
            }
        }
      if (open)
        oci_jw_end_object (w);
    }
  oci_jw_end_object (w);
  r = oci_jw_finish (w, ret, ret_len, err);
  oci_jw_free (w);
  return r;
}

int
tong_cmd_update (const struct tong_globals *g, int argc, char **argv, struct oci_error *err)
{
  static const struct option opts[] = {
    { "resources", required_argument, NULL, 'r' },
    { "blkio-weight", required_argument, NULL, OPT_BLKIO_WEIGHT },
    { "cpu-period", required_argument, NULL, OPT_CPU_PERIOD },
    { "cpu-quota", required_argument, NULL, OPT_CPU_QUOTA },
    { "cpu-share", required_argument, NULL, OPT_CPU_SHARE },
    { "cpu-rt-period", required_argument, NULL, OPT_CPU_RT_PERIOD },
    { "cpu-rt-runtime", required_argument, NULL, OPT_CPU_RT_RUNTIME },
    { "cpuset-cpus", required_argument, NULL, OPT_CPUSET_CPUS },
    { "cpuset-mems", required_argument, NULL, OPT_CPUSET_MEMS },
    { "kernel-memory", required_argument, NULL, OPT_KMEM },
    { "kernel-memory-tcp", required_argument, NULL, OPT_KMEM_TCP },
    { "memory", required_argument, NULL, OPT_MEMORY },
    { "memory-reservation", required_argument, NULL, OPT_MEMORY_RES },
    { "memory-swap", required_argument, NULL, OPT_MEMORY_SWAP },
    { "pids-limit", required_argument, NULL, OPT_PIDS },
    { "l3-cache-schema", required_argument, NULL, OPT_L3 },
    { "mem-bw-schema", required_argument, NULL, OPT_MEMBW },
    { NULL, 0, NULL, 0 },
  };
  cleanup_container struct tong_container *c = NULL;
  cleanup_cgroup struct tong_cgroup *cg = NULL;
  cleanup_free char *text = NULL;
  struct oci_spec_resources *res = NULL;
  char numbers[16][32];
  struct kv kvs[16];
  const char *file = NULL;
  size_t n = 0, len = 0;
  int opt, r;

  while ((opt = getopt_long (argc, argv, "r:", opts, NULL)) != -1)
    {
      const char *section = NULL, *key = NULL;
      bool bytes = false, is_string = false;
      int64_t v;
      char *end;

      switch (opt)
        {
        case 'r':
          file = optarg;
          continue;
        case OPT_BLKIO_WEIGHT:
          section = "blockIO", key = "weight";
          break;
        case OPT_CPU_PERIOD:
          section = "cpu", key = "period";
          break;
        case OPT_CPU_QUOTA:
          section = "cpu", key = "quota";
          break;
        case OPT_CPU_SHARE:
          section = "cpu", key = "shares";
          break;
        case OPT_CPU_RT_PERIOD:
          section = "cpu", key = "realtimePeriod";
          break;
        case OPT_CPU_RT_RUNTIME:
          section = "cpu", key = "realtimeRuntime";
          break;
        case OPT_CPUSET_CPUS:
          section = "cpu", key = "cpus", is_string = true;
          break;
        case OPT_CPUSET_MEMS:
          section = "cpu", key = "mems", is_string = true;
          break;
        case OPT_KMEM:
          section = "memory", key = "kernel", bytes = true;
          break;
        case OPT_KMEM_TCP:
          section = "memory", key = "kernelTCP", bytes = true;
          break;
        case OPT_MEMORY:
          section = "memory", key = "limit", bytes = true;
          break;
        case OPT_MEMORY_RES:
          section = "memory", key = "reservation", bytes = true;
          break;
        case OPT_MEMORY_SWAP:
          section = "memory", key = "swap", bytes = true;
          break;
        case OPT_PIDS:
          section = "pids", key = "limit";
          break;
        case OPT_L3:
        case OPT_MEMBW:
          return oci_error_set_code (err, ENOTSUP, "update: Intel RDT (resctrl) is not supported");
        default:
          return oci_error_set (err, 0, "update: unknown option \"%s\"", argv[optind - 1]);
        }
      if (n == sizeof kvs / sizeof kvs[0])
        return oci_error_set (err, 0, "update: too many options");
      if (is_string)
        kvs[n].value = optarg;
      else
        {
          if (bytes ? parse_bytes (optarg, &v) < 0 : ((v = strtoll (optarg, &end, 10)), *end || end == optarg))
            return oci_error_set (err, 0, "update: invalid value \"%s\" for --%s", optarg, argv[optind - 1] + 2);
          snprintf (numbers[n], sizeof numbers[n], "%lld", (long long) v);
          kvs[n].value = numbers[n];
        }
      kvs[n].section = section;
      kvs[n].key = key;
      kvs[n].is_string = is_string;
      n++;
    }
  if (optind != argc - 1)
    return oci_error_set (err, 0, "update: usage: tong update [-r FILE|-] [options] ID");
  if (file && n)
    return oci_error_set (err, 0, "update: give either --resources or individual options, not both");
  r = file ? read_all (file, &text, &len, err) : flags_to_json (kvs, n, &text, &len, err);
  if (r < 0)
    return r;
  r = oci_spec_resources_parse_text (text, len, &res, err);
  if (r < 0)
    return r;
  r = tong_load_with_cgroup (g, argv[optind], &c, &cg, err);
  if (r == 0 && tong_container_status (c) == TONG_STOPPED)
    r = oci_error_set_code (err, EINVAL, "container \"%s\" is not running", c->id);
  if (r == 0)
    r = tong_cgroup_update (cg, res, err);
  oci_spec_resources_free (res);
  return r;
}
