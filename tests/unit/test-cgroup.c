/* The pure parts of the cgroup module: runc's cgroupsPath rules, the saved
 * form, v1 → v2 conversions, device rules (the v1 emulator, its
 * transitions as devices.allow/deny lines) and the BPF device filter, run
 * by a small interpreter of the instructions it uses.  Nothing here
 * touches /sys/fs/cgroup.
 *
 * The runtime modules are not in liboci: they are compiled in here. */
#include "unit.h"

#include "../../runtime/cgroup-devices.c"
#include "../../runtime/cgroup-file.c"
#include "../../runtime/cgroup-path.c"
#include "../../runtime/cgroup-procs.c"
#include "../../runtime/cgroup-resources.c"
#include "../../runtime/cgroup-stats.c"
#include "../../runtime/cgroup-v1.c"
#include "../../runtime/cgroup-v2.c"
#include "../../runtime/cgroup.c"

/* ---- paths ------------------------------------------------------------- */

static void
test_clean_path (struct unit_state *st)
{
  static const char *const cases[][2] = {
    { "", "" },
    { "rootfs", "rootfs" },
    { "../../../var", "var" },
    { "/../../../var", "/var" },
    { "/foo/bar/", "/foo/bar" },
    { "/foo/bar/../", "/foo" },
    { "foo/../..", "." },
    { "a//b/./c/", "a/b/c" },
    { "/", "/" },
    { "./", "." },
    { "a/../../b/../c", "c" },
  };

  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
    {
      char *got = tong_cg_clean_path (cases[i][0]);
      CHECK_STR (st, got, cases[i][1]);
      free (got);
    }
}

static void
test_inner_path (struct unit_state *st)
{
  struct oci_error err = { 0 };
  char *p = NULL;

  CHECK_INT (st, tong_cg_inner_path (NULL, "ct1", &p, &err), 0);
  CHECK_STR (st, p, "ct1");
  free (p);
  CHECK_INT (st, tong_cg_inner_path ("", "ct1", &p, &err), 0);
  CHECK_STR (st, p, "ct1");
  free (p);
  CHECK_INT (st, tong_cg_inner_path ("/machine/ct1/", "x", &p, &err), 0);
  CHECK_STR (st, p, "/machine/ct1");
  free (p);
  /* A relative path cannot climb out of the cgroup it is relative to. */
  CHECK_INT (st, tong_cg_inner_path ("../../etc/x", "x", &p, &err), 0);
  CHECK_STR (st, p, "etc/x");
  free (p);
  p = NULL;
  /* The hierarchy root or the runtime's own cgroup: never ours. */
  CHECK (st, tong_cg_inner_path ("/", "x", &p, &err) < 0);
  CHECK (st, strstr (err.msg, "linux.cgroupsPath") != NULL);
  CHECK (st, tong_cg_inner_path ("a/..", "x", &p, &err) < 0);
  CHECK (st, tong_cg_inner_path ("/a/../..", "x", &p, &err) < 0);
  CHECK (st, tong_cg_inner_path ("a\nb", "x", &p, &err) < 0);
  CHECK (st, strstr (err.msg, "control character") != NULL);
  CHECK (st, tong_cg_inner_path (NULL, NULL, &p, &err) < 0);
  CHECK (st, p == NULL);
}

static void
test_resolve (struct unit_state *st)
{
  static const struct {
    const char *inner, *root, *own;
    bool parent;
    const char *want;
  } cases[] = {
    /* absolute: the same path in every hierarchy, wherever we are */
    { "/tong/ct", "/", "/process_api/abc", false, "/tong/ct" },
    { "/tong/ct", "/", "/user.slice/s.scope", true, "/tong/ct" },
    /* relative (v1, hybrid): under our own cgroup */
    { "ct", "/", "/process_api/abc", false, "/process_api/abc/ct" },
    { "ct", "/", "/", false, "/ct" },
    /* relative (v2 only): under the parent of our own cgroup */
    { "ct", "/", "/user.slice/s.scope", true, "/user.slice/ct" },
    { "ct", "/", "/", true, "/ct" },
    { "a/b", "/", "/x", true, "/a/b" },
    /* a mount showing only part of the hierarchy (nested containers) */
    { "ct", "/docker/abc", "/docker/abc/sub", false, "/sub/ct" },
    { "ct", "/docker/abc", "/docker/abc", false, "/ct" },
  };
  struct oci_error err = { 0 };

  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
    {
      char *got = NULL;
      int r = tong_cg_resolve (cases[i].inner, cases[i].root, cases[i].own, cases[i].parent, &got, &err);
      CHECK_INT (st, r, 0);
      CHECK_STR (st, got, cases[i].want);
      free (got);
    }
  {
    char *got = NULL;
    CHECK (st, tong_cg_resolve ("ct", "/docker/abc", "/docker/abcd", false, &got, &err) < 0);
    CHECK (st, got == NULL);
  }
}

static void
test_saved_form (struct unit_state *st)
{
  struct tong_cg_hier h[3] = {
    { .key = "cpu,cpuacct", .rel = "/tong/ct", .created = true },
    { .key = "memory", .rel = "/tong/ct", .created = true },
    { .key = "unified", .rel = "/tong/ct", .created = true },
  };
  struct tong_cgroup cg = { .mode = TONG_CG_HYBRID, .h = h, .n = 3, .v2_fd = -1 };
  struct tong_cg_saved_entry *e = NULL;
  struct oci_error err = { 0 };
  char *s, *all = NULL;
  size_t n = 0;

  /* The same path everywhere, all made by us: just the path. */
  s = tong_cg_format_saved (&cg);
  CHECK_STR (st, s, "/tong/ct");
  CHECK_INT (st, tong_cg_parse_saved (s, &all, &e, &n, &err), 0);
  CHECK_STR (st, all, "/tong/ct");
  CHECK_INT (st, n, 0);
  free (s);
  free (all);

  /* Paths differ (relative to our own cgroup), one leaf pre-existed. */
  h[1].rel = "/process_api/x/ct";
  h[2].created = false;
  s = tong_cg_format_saved (&cg);
  CHECK_STR (st, s, "cpu,cpuacct:/tong/ct\nmemory:/process_api/x/ct\n-unified:/tong/ct");
  CHECK_INT (st, tong_cg_parse_saved (s, &all, &e, &n, &err), 0);
  CHECK (st, all == NULL);
  CHECK_INT (st, n, 3);
  if (n == 3)
    {
      CHECK_STR (st, e[0].key, "cpu,cpuacct");
      CHECK_STR (st, e[1].key, "memory");
      CHECK_STR (st, e[1].rel, "/process_api/x/ct");
      CHECK (st, e[1].created);
      CHECK_STR (st, e[2].key, "unified");
      CHECK (st, !e[2].created);
    }
  tong_cg_saved_entries_free (e, n);
  free (s);

  CHECK_INT (st, tong_cg_parse_saved ("", &all, &e, &n, &err), 0);
  CHECK (st, all == NULL && e == NULL && n == 0);
  CHECK (st, tong_cg_parse_saved ("memory", &all, &e, &n, &err) < 0);
  CHECK (st, tong_cg_parse_saved ("memory:relative", &all, &e, &n, &err) < 0);
}

static void
test_controller_bits (struct unit_state *st)
{
  CHECK_INT (st, tong_cg_controller_bits ("cpu,cpuacct"), TONG_CG_CPU | TONG_CG_CPUACCT);
  CHECK_INT (st, tong_cg_controller_bits ("name=systemd"), 0);
  CHECK_INT (st, tong_cg_controller_bits ("cpuset cpu io memory hugetlb pids rdma misc\n"),
             TONG_CG_CPUSET | TONG_CG_CPU | TONG_CG_BLKIO | TONG_CG_MEMORY | TONG_CG_HUGETLB | TONG_CG_PIDS
                 | TONG_CG_RDMA);
  CHECK (st, mount_carries ("rw,cpu,cpuacct", "cpuacct,cpu"));
  CHECK (st, !mount_carries ("rw,cpuset", "cpu"));
  CHECK (st, mount_carries ("rw,name=systemd", "name=systemd"));
}

/* ---- conversions ------------------------------------------------------- */

static void
test_conversions (struct unit_state *st)
{
  struct oci_error err = { 0 };
  char buf[64];
  int64_t v = 0;

  /* runc: 1 + ((shares - 2) * 9999) / 262142 */
  CHECK_INT (st, tong_cg_shares_to_weight (0), 0);
  CHECK_INT (st, tong_cg_shares_to_weight (2), 1);
  CHECK_INT (st, tong_cg_shares_to_weight (1024), 39);
  CHECK_INT (st, tong_cg_shares_to_weight (262144), 10000);
  CHECK_INT (st, tong_cg_blkio_to_io_weight (10), 1);
  CHECK_INT (st, tong_cg_blkio_to_io_weight (500), 4950);
  CHECK_INT (st, tong_cg_blkio_to_io_weight (1000), 10000);

  tong_cg_cpu_max (buf, sizeof buf, 50000, 100000);
  CHECK_STR (st, buf, "50000 100000");
  tong_cg_cpu_max (buf, sizeof buf, 20000, 0);
  CHECK_STR (st, buf, "20000 100000");
  tong_cg_cpu_max (buf, sizeof buf, -1, 50000);
  CHECK_STR (st, buf, "max 50000");
  tong_cg_cpu_max (buf, sizeof buf, 0, 0);
  CHECK_STR (st, buf, "max 100000");

  /* memory.swap.max = (memory+swap) - memory */
  CHECK_INT (st, tong_cg_swap_v2 (200, 100, &v, &err), 0);
  CHECK_INT (st, v, 100);
  CHECK_INT (st, tong_cg_swap_v2 (100, 100, &v, &err), 0);
  CHECK_INT (st, v, 0);
  CHECK_INT (st, tong_cg_swap_v2 (0, -1, &v, &err), 0);
  CHECK_INT (st, v, -1);
  CHECK_INT (st, tong_cg_swap_v2 (-1, 100, &v, &err), 0);
  CHECK_INT (st, v, -1);
  CHECK_INT (st, tong_cg_swap_v2 (0, 100, &v, &err), 0);
  CHECK_INT (st, v, 0);
  CHECK (st, tong_cg_swap_v2 (50, 100, &v, &err) < 0);
  CHECK (st, strstr (err.msg, "linux.resources.memory.swap") != NULL);
  CHECK (st, tong_cg_swap_v2 (50, 0, &v, &err) < 0);
}

static void
test_cpu_list (struct unit_state *st)
{
  struct tong_u64_list l = { 0 };

  CHECK_INT (st, tong_parse_cpu_list ("0-2,5,7-8\n", &l), 0);
  CHECK_INT (st, l.n, 6);
  if (l.n == 6)
    {
      CHECK_INT (st, l.v[0], 0);
      CHECK_INT (st, l.v[2], 2);
      CHECK_INT (st, l.v[3], 5);
      CHECK_INT (st, l.v[5], 8);
    }
  free (l.v);
  l = (struct tong_u64_list) { 0 };
  CHECK (st, tong_parse_cpu_list ("3-1", &l) < 0);
  free (l.v);
}

/* ---- devices ----------------------------------------------------------- */

static struct oci_spec_resources *
parse_resources (struct unit_state *st, const char *json)
{
  struct oci_spec_resources *r = NULL;
  struct oci_error err = { 0 };

  if (oci_spec_resources_parse_text (json, strlen (json), &r, &err) < 0)
    unit_fail (st, __FILE__, __LINE__, "parse: %s", err.msg);
  return r;
}

/* The emulated state of a spec's device rules (plus runc's defaults). */
static int
emulate_spec (struct unit_state *st, const char *json, struct tong_dev_emu *e, struct oci_error *err)
{
  struct oci_spec_resources *r = parse_resources (st, json);
  struct tong_dev_rule *rules = NULL;
  size_t n = 0;
  int ret;

  if (!r)
    return -EINVAL;
  ret = tong_dev_rules_from_spec (r->devices, r->devices_len, &rules, &n, err);
  if (ret == 0)
    ret = emulate (rules, n, e, err);
  free (rules);
  oci_spec_resources_free (r);
  return ret;
}

/* The transition from `list` (devices.list) to the spec, as lines. */
static char *
transition_lines (struct unit_state *st, const char *list, const char *json)
{
  struct tong_dev_emu from, to;
  struct tong_dev_rule *steps = NULL;
  struct oci_error err = { 0 };
  size_t n = 0, len = 0;
  char *out = calloc (1, 4096);

  if (tong_dev_emu_from_list (list, &from, &err) < 0 || emulate_spec (st, json, &to, &err) < 0
      || tong_dev_transition (&from, &to, &steps, &n, &err) < 0)
    {
      unit_fail (st, __FILE__, __LINE__, "%s", err.msg);
      return out;
    }
  for (size_t i = 0; i < n; i++)
    {
      char line[64];
      tong_dev_rule_string (&steps[i], line, sizeof line);
      len += (size_t) snprintf (out + len, 4096 - len, "%s%s %s", i ? "; " : "", steps[i].allow ? "allow" : "deny",
                                line);
    }
  free (steps);
  tong_dev_emu_clear (&from);
  tong_dev_emu_clear (&to);
  return out;
}

static void
test_devices_v1_lines (struct unit_state *st)
{
  char *got;

  /* runc spec's default: deny all, then runc's allow-list, in runc's order. */
  got = transition_lines (st, "a *:* rwm\n", "{\"devices\":[{\"allow\":false,\"access\":\"rwm\"}]}");
  CHECK_STR (st, got,
             "deny a *:* rwm; allow b *:* m; allow c *:* m; allow c 1:3 rwm; allow c 1:5 rwm; allow c 1:7 rwm; "
             "allow c 1:8 rwm; allow c 1:9 rwm; allow c 5:0 rwm; allow c 5:2 rwm; allow c 10:200 rwm; allow c "
             "136:* rwm");
  free (got);

  /* Already in that state: nothing to write. */
  got = transition_lines (st,
                          "b *:* m\nc *:* m\nc 1:3 rwm\nc 1:5 rwm\nc 1:7 rwm\nc 1:8 rwm\nc 1:9 rwm\nc 5:0 rwm\nc "
                          "5:2 rwm\nc 10:200 rwm\nc 136:* rwm\n",
                          "{\"devices\":[{\"allow\":false,\"access\":\"rwm\"}]}");
  CHECK_STR (st, got, "");
  free (got);

  /* One more device, one dropped permission: only the difference. */
  got = transition_lines (st,
                          "b *:* m\nc *:* m\nc 1:3 rwm\nc 1:5 rwm\nc 1:7 rwm\nc 1:8 rwm\nc 1:9 rwm\nc 5:0 rwm\nc "
                          "5:2 rwm\nc 10:200 rwm\nc 136:* rwm\nc 4:1 rw\n",
                          "{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},{\"allow\":true,\"type\":\"c\",\"major\":"
                          "4,\"minor\":1,\"access\":\"r\"},{\"allow\":true,\"type\":\"b\",\"major\":8,\"minor\":0,"
                          "\"access\":\"rw\"}]}");
  CHECK_STR (st, got, "deny c 4:1 w; allow b 8:0 rw");
  free (got);

  /* Allow-all with a deny: "a" allow first (devices.list cannot show the
   * old denies), then the denies. */
  got = transition_lines (st, "a *:* rwm\n",
                          "{\"devices\":[{\"allow\":true,\"access\":\"rwm\"},{\"allow\":false,\"type\":\"c\","
                          "\"major\":1,\"minor\":11,\"access\":\"w\"}]}");
  CHECK_STR (st, got, "allow a *:* rwm; deny c 1:11 w");
  free (got);
}

static void
test_devices_emulator (struct unit_state *st)
{
  struct tong_dev_emu e, f;
  struct oci_error err = { 0 };

  /* "a" with any access resets everything, as the kernel does. */
  CHECK_INT (st,
             emulate_spec (st,
                           "{\"devices\":[{\"allow\":true,\"type\":\"c\",\"major\":4,\"access\":\"rw\"},{\"allow\":"
                           "true,\"access\":\"r\"}]}",
                           &e, &err),
             0);
  CHECK (st, e.default_allow);
  /* runc's defaults in an allow-all state remove nothing. */
  CHECK_INT (st, e.n, 0);
  tong_dev_emu_clear (&e);

  /* Access merges per device. */
  CHECK_INT (st,
             emulate_spec (st,
                           "{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},{\"allow\":true,\"type\":\"c\",\"major\":"
                           "4,\"minor\":1,\"access\":\"r\"},{\"allow\":true,\"type\":\"c\",\"major\":4,\"minor\":1,"
                           "\"access\":\"w\"}]}",
                           &e, &err),
             0);
  CHECK (st, !e.default_allow);
  {
    const struct tong_dev_rule *x = find (&e, 'c', 4, 1);
    CHECK (st, x && x->access == (TONG_DEV_READ | TONG_DEV_WRITE));
  }
  CHECK_INT (st, tong_dev_emu_from_list ("c 4:1 rw\nb *:* m\nc *:* m\nc 1:3 rwm\nc 1:5 rwm\nc 1:7 rwm\nc 1:8 "
                                         "rwm\nc 1:9 rwm\nc 5:0 rwm\nc 5:2 rwm\nc 10:200 rwm\nc 136:* rwm\n",
                                         &f, &err),
             0);
  CHECK (st, tong_dev_emu_equal (&e, &f));
  tong_dev_emu_clear (&f);
  tong_dev_emu_clear (&e);

  /* Denying part of a wildcard exception would silently do nothing on v1. */
  CHECK (st, emulate_spec (st,
                           "{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},{\"allow\":true,\"type\":\"c\",\"access\":"
                           "\"rwm\"},{\"allow\":false,\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"r\"}]}",
                           &e, &err)
                 < 0);
  CHECK (st, strstr (err.msg, "punch a hole") != NULL);

  {
    /* The parser refuses these already; the module does not rely on it. */
    struct oci_spec_device_cgroup d[2] = { { .allow = true, .type = "c", .access = "rwm" },
                                           { .allow = false, .type = "p", .access = "rwm" } };
    struct tong_dev_rule *rules = NULL;
    size_t n = 0;
    CHECK (st, tong_dev_rules_from_spec (d, 2, &rules, &n, &err) < 0);
    CHECK (st, strstr (err.msg, "linux.resources.devices[1].type") != NULL);
    d[1].type = "b";
    d[1].access = "xz";
    CHECK (st, tong_dev_rules_from_spec (d, 2, &rules, &n, &err) < 0);
    CHECK (st, strstr (err.msg, "linux.resources.devices[1].access") != NULL);
    d[1].access = "r1";
    CHECK (st, tong_dev_rules_from_spec (d, 2, &rules, &n, &err) < 0);
    /* Other letters are ignored, as runc ignores them ("rwa"). */
    d[1].access = "rwa";
    CHECK_INT (st, tong_dev_rules_from_spec (d, 2, &rules, &n, &err), 0);
    free (rules);
    rules = NULL;
    d[1].access = "";
    CHECK (st, tong_dev_rules_from_spec (d, 2, &rules, &n, &err) < 0);
    d[1].access = "r";
    CHECK_INT (st, tong_dev_rules_from_spec (d, 2, &rules, &n, &err), 0);
    CHECK_INT (st, n, 2 + 11);
    free (rules);
  }
  CHECK (st, tong_dev_emu_from_list ("x 1:2 rwm\n", &e, &err) < 0);
}

/* A BPF interpreter for exactly the instructions the device filter uses. */
static int
run_filter (struct unit_state *st, const struct bpf_insn *p, size_t n, char type, unsigned access, uint32_t major,
            uint32_t minor)
{
  uint32_t ctx[3] = { (uint32_t) ((type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR) | (access << 16)), major,
                      minor };
  uint64_t reg[11] = { 0 };
  size_t pc = 0;

  for (int steps = 0; pc < n && steps < 100000; steps++)
    {
      const struct bpf_insn *i = &p[pc++];
      uint64_t src = i->src_reg < 11 ? reg[i->src_reg] : 0;
      switch (i->code)
        {
        case BPF_LDX | BPF_W | BPF_MEM:
          if (i->src_reg != BPF_REG_1 || i->off < 0 || i->off > 8 || i->off % 4)
            goto bad;
          reg[i->dst_reg] = ctx[i->off / 4];
          break;
        case BPF_ALU | BPF_AND | BPF_K:
          reg[i->dst_reg] = (uint32_t) reg[i->dst_reg] & (uint32_t) i->imm;
          break;
        case BPF_ALU | BPF_RSH | BPF_K:
          reg[i->dst_reg] = (uint32_t) reg[i->dst_reg] >> i->imm;
          break;
        case BPF_ALU | BPF_MOV | BPF_X:
          reg[i->dst_reg] = (uint32_t) src;
          break;
        case BPF_ALU | BPF_MOV | BPF_K:
          reg[i->dst_reg] = (uint32_t) i->imm;
          break;
        case BPF_JMP | BPF_JNE | BPF_K:
          if (reg[i->dst_reg] != (uint64_t) (int64_t) i->imm)
            pc += (size_t) i->off;
          break;
        case BPF_JMP | BPF_JEQ | BPF_K:
          if (reg[i->dst_reg] == (uint64_t) (int64_t) i->imm)
            pc += (size_t) i->off;
          break;
        case BPF_JMP | BPF_JNE | BPF_X:
          if (reg[i->dst_reg] != src)
            pc += (size_t) i->off;
          break;
        case BPF_JMP | BPF_EXIT:
          return (int) reg[BPF_REG_0];
        default:
          goto bad;
        }
    }
bad:
  unit_fail (st, __FILE__, __LINE__, "filter: bad instruction or no exit at %zu", pc);
  return -1;
}

static void
test_bpf_filter (struct unit_state *st)
{
  const unsigned R = TONG_DEV_READ, W = TONG_DEV_WRITE, M = TONG_DEV_MKNOD;
  struct oci_error err = { 0 };
  struct tong_dev_emu e;
  struct bpf_insn *p = NULL;
  size_t n = 0;

  /* runc spec's default rules. */
  CHECK_INT (st, emulate_spec (st, "{\"devices\":[{\"allow\":false,\"access\":\"rwm\"}]}", &e, &err), 0);
  CHECK_INT (st, tong_dev_bpf_program (&e, (void **) &p, &n, &err), 0);
  /* 6 to load the context; b/c *:* m: 6 each; c X:Y rwm: 5 each (8); c 136:*: 4; 2 for the default. */
  CHECK_INT (st, n, 6 + 6 + 6 + 8 * 5 + 4 + 2);
  CHECK_INT (st, p[n - 2].imm, 0); /* default: deny */
  CHECK_INT (st, run_filter (st, p, n, 'c', R | W, 1, 3), 1);     /* /dev/null */
  CHECK_INT (st, run_filter (st, p, n, 'c', R, 136, 7), 1);       /* /dev/pts/7 */
  CHECK_INT (st, run_filter (st, p, n, 'c', M, 200, 1), 1);       /* mknod anything */
  CHECK_INT (st, run_filter (st, p, n, 'b', M, 8, 0), 1);
  CHECK_INT (st, run_filter (st, p, n, 'b', R, 8, 0), 0);         /* reading a disk */
  CHECK_INT (st, run_filter (st, p, n, 'c', R, 1, 11), 0);        /* /dev/kmsg */
  CHECK_INT (st, run_filter (st, p, n, 'c', R | M, 200, 1), 0);   /* m alone is allowed, not r */
  free (p);
  tong_dev_emu_clear (&e);

  /* Partial access in an allow-list: the request must fit in the rule. */
  CHECK_INT (st,
             emulate_spec (st,
                           "{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},{\"allow\":true,\"type\":\"c\",\"major\":"
                           "1,\"minor\":11,\"access\":\"r\"},{\"allow\":true,\"type\":\"b\",\"major\":8,\"access\":"
                           "\"rw\"}]}",
                           &e, &err),
             0);
  CHECK_INT (st, tong_dev_bpf_program (&e, (void **) &p, &n, &err), 0);
  CHECK_INT (st, run_filter (st, p, n, 'c', R, 1, 11), 1);
  CHECK_INT (st, run_filter (st, p, n, 'c', R | W, 1, 11), 0);
  CHECK_INT (st, run_filter (st, p, n, 'c', W, 1, 11), 0);
  CHECK_INT (st, run_filter (st, p, n, 'b', R | W, 8, 16), 1);    /* any minor of major 8 */
  CHECK_INT (st, run_filter (st, p, n, 'b', R, 9, 0), 0);
  CHECK_INT (st, run_filter (st, p, n, 'c', R, 8, 0), 0);         /* type matters */
  free (p);
  tong_dev_emu_clear (&e);

  /* Allow-all with denies: default allow, an overlapping access denies (as v1). */
  CHECK_INT (st,
             emulate_spec (st,
                           "{\"devices\":[{\"allow\":true,\"access\":\"rwm\"},{\"allow\":false,\"type\":\"c\",\"major\":"
                           "1,\"minor\":11,\"access\":\"w\"},{\"allow\":false,\"type\":\"b\",\"access\":\"rwm\"}]}",
                           &e, &err),
             0);
  CHECK (st, e.default_allow);
  CHECK_INT (st, tong_dev_bpf_program (&e, (void **) &p, &n, &err), 0);
  CHECK_INT (st, p[n - 2].imm, 1);
  CHECK_INT (st, run_filter (st, p, n, 'c', R, 1, 11), 1);
  CHECK_INT (st, run_filter (st, p, n, 'c', W, 1, 11), 0);
  CHECK_INT (st, run_filter (st, p, n, 'c', R | W, 1, 11), 0);
  CHECK_INT (st, run_filter (st, p, n, 'b', R, 8, 0), 0);
  CHECK_INT (st, run_filter (st, p, n, 'c', R | W, 1, 3), 1);
  free (p);
  tong_dev_emu_clear (&e);

  /* Every jump lands inside the program. */
  CHECK_INT (st, emulate_spec (st, "{\"devices\":[{\"allow\":false,\"access\":\"rwm\"}]}", &e, &err), 0);
  CHECK_INT (st, tong_dev_bpf_program (&e, (void **) &p, &n, &err), 0);
  for (size_t i = 0; i < n; i++)
    if (BPF_CLASS (p[i].code) == BPF_JMP && BPF_OP (p[i].code) != BPF_EXIT)
      CHECK (st, p[i].off > 0 && i + 1 + (size_t) p[i].off < n);
  free (p);
  tong_dev_emu_clear (&e);
}

/* ---- stats shape ------------------------------------------------------- */

static void
test_stats_shape (struct unit_state *st)
{
  struct tong_cg_stats s;
  struct oci_json_writer *w = oci_jw_new (OCI_JSON_COMPACT);
  struct oci_error err = { 0 };
  char *out = NULL;
  size_t len = 0;

  memset (&s, 0, sizeof s);
  s.cpu.total = 5;
  s.memory.usage.limit = 100;
  s.pids.current = 2;
  tong_stats_raw_set (&s, "rss", 7);
  tong_stats_raw_set (&s, "cache", 3);
  tong_stats_blkio_push (&s, TONG_BLKIO_SERVICE_BYTES, 8, 0, "Read", 10);
  tong_stats_hugetlb_add (&s, "2MB", 0, 0, 1);
  tong_stats_write (&s, w);
  CHECK_INT (st, oci_jw_finish (w, &out, &len, &err), 0);
  CHECK_STR (st, out,
             "{\"cpu\":{\"usage\":{\"total\":5,\"kernel\":0,\"user\":0},\"throttling\":{}},"
             "\"cpuset\":{\"cpu_exclusive\":0,\"mem_hardwall\":0,\"mem_exclusive\":0,\"memory_migrate\":0,"
             "\"memory_spread_page\":0,\"memory_spread_slab\":0,\"memory_pressure\":0,\"sched_load_balance\":0,"
             "\"sched_relax_domain_level\":0},"
             "\"memory\":{\"usage\":{\"limit\":100,\"failcnt\":0},\"swap\":{\"limit\":0,\"failcnt\":0},"
             "\"kernel\":{\"limit\":0,\"failcnt\":0},\"kernelTCP\":{\"limit\":0,\"failcnt\":0},"
             "\"raw\":{\"cache\":3,\"rss\":7}},"
             "\"pids\":{\"current\":2},"
             "\"blkio\":{\"ioServiceBytesRecursive\":[{\"major\":8,\"op\":\"Read\",\"value\":10}]},"
             "\"hugetlb\":{\"2MB\":{\"failcnt\":1}},\"intel_rdt\":{},\"network_interfaces\":null}");
  free (out);
  oci_jw_free (w);
  tong_stats_free (&s);
}

int
main (void)
{
  struct unit_totals totals = { 0 };

  RUN (test_clean_path);
  RUN (test_inner_path);
  RUN (test_resolve);
  RUN (test_saved_form);
  RUN (test_controller_bits);
  RUN (test_conversions);
  RUN (test_cpu_list);
  RUN (test_devices_v1_lines);
  RUN (test_devices_emulator);
  RUN (test_bpf_filter);
  RUN (test_stats_shape);
  return unit_done (&totals);
}
