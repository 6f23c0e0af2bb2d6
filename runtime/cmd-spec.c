/* `tong spec`: runc's default config.json (runc 1.1 is the reference), or
 * its rootless variant. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "oci/cleanup.h"
#include "oci/json.h"
#include "oci/runtime-spec.h"
#include "runtime.h"

static void
strings (struct oci_json_writer *w, const char *key, const char *const *v)
{
  oci_jw_key (w, key);
  oci_jw_begin_array (w);
  for (; *v; v++)
    oci_jw_string (w, *v);
  oci_jw_end_array (w);
}

static void
mount (struct oci_json_writer *w, const char *dest, const char *type, const char *src, const char *const *opts)
{
  oci_jw_begin_object (w);
  oci_jw_kv_string (w, "destination", dest);
  oci_jw_kv_string (w, "type", type);
  oci_jw_kv_string (w, "source", src);
  if (opts)
    strings (w, "options", opts);
  oci_jw_end_object (w);
}

static void
id_mapping (struct oci_json_writer *w, const char *key, unsigned host_id)
{
  oci_jw_key (w, key);
  oci_jw_begin_array (w);
  oci_jw_begin_object (w);
  oci_jw_kv_int64 (w, "containerID", 0);
  oci_jw_kv_int64 (w, "hostID", host_id);
  oci_jw_kv_int64 (w, "size", 1);
  oci_jw_end_object (w);
  oci_jw_end_array (w);
}

static void
write_default_spec (struct oci_json_writer *w, bool rootless)
{
  static const char *const caps[] = { "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", NULL };
  static const char *const env[] = {
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm", NULL,
  };
  static const char *const args[] = { "sh", NULL };
  static const char *const dev_opts[] = { "nosuid", "strictatime", "mode=755", "size=65536k", NULL };
  static const char *const pts_opts[] = { "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5", NULL };
  /* In a user namespace gid 5 is usually unmapped: devpts would refuse it. */
  static const char *const pts_opts_rootless[] = { "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", NULL };
  static const char *const shm_opts[] = { "nosuid", "noexec", "nodev", "mode=1777", "size=65536k", NULL };
  static const char *const mq_opts[] = { "nosuid", "noexec", "nodev", NULL };
  static const char *const sys_opts[] = { "nosuid", "noexec", "nodev", "ro", NULL };
  static const char *const sys_opts_rootless[] = { "rbind", "nosuid", "noexec", "nodev", "ro", NULL };
  static const char *const cg_opts[] = { "nosuid", "noexec", "nodev", "relatime", "ro", NULL };
  static const char *const masked[] = {
    "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
    "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi", NULL,
  };
  static const char *const readonly[] = {
    "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL,
  };
  static const char *const ns_default[] = { "pid", "network", "ipc", "uts", "mount", NULL };
  static const char *const ns_rootless[] = { "pid", "ipc", "uts", "mount", "user", NULL };
  const char *const *ns;

  oci_jw_begin_object (w);
  /* The default config uses nothing newer than runtime-spec 1.0.2, and
   * crun 1.8 refuses any ociVersion but 1.0.x: claim what is true. */
  oci_jw_kv_string (w, "ociVersion", "1.0.2");

  oci_jw_key (w, "process");
  oci_jw_begin_object (w);
  oci_jw_key (w, "terminal");
  oci_jw_bool (w, true);
  oci_jw_key (w, "user");
  oci_jw_begin_object (w);
  oci_jw_kv_int64 (w, "uid", 0);
  oci_jw_kv_int64 (w, "gid", 0);
  oci_jw_end_object (w);
  strings (w, "args", args);
  strings (w, "env", env);
  oci_jw_kv_string (w, "cwd", "/");
  oci_jw_key (w, "capabilities");
  oci_jw_begin_object (w);
  strings (w, "bounding", caps);
  strings (w, "effective", caps);
  strings (w, "permitted", caps);
  strings (w, "ambient", caps);
  oci_jw_end_object (w);
  oci_jw_key (w, "rlimits");
  oci_jw_begin_array (w);
  oci_jw_begin_object (w);
  oci_jw_kv_string (w, "type", "RLIMIT_NOFILE");
  oci_jw_kv_int64 (w, "hard", 1024);
  oci_jw_kv_int64 (w, "soft", 1024);
  oci_jw_end_object (w);
  oci_jw_end_array (w);
  oci_jw_key (w, "noNewPrivileges");
  oci_jw_bool (w, true);
  oci_jw_end_object (w);

  oci_jw_key (w, "root");
  oci_jw_begin_object (w);
  oci_jw_kv_string (w, "path", "rootfs");
  oci_jw_key (w, "readonly");
  oci_jw_bool (w, true);
  oci_jw_end_object (w);

  oci_jw_kv_string (w, "hostname", "tong");

  oci_jw_key (w, "mounts");
  oci_jw_begin_array (w);
  mount (w, "/proc", "proc", "proc", NULL);
  mount (w, "/dev", "tmpfs", "tmpfs", dev_opts);
  mount (w, "/dev/pts", "devpts", "devpts", rootless ? pts_opts_rootless : pts_opts);
  mount (w, "/dev/shm", "tmpfs", "shm", shm_opts);
  mount (w, "/dev/mqueue", "mqueue", "mqueue", mq_opts);
  /* A user namespace may not mount a new sysfs without owning a network
   * namespace: bind the host's instead, as runc does. */
  if (rootless)
    mount (w, "/sys", "none", "/sys", sys_opts_rootless);
  else
    mount (w, "/sys", "sysfs", "sysfs", sys_opts);
  mount (w, "/sys/fs/cgroup", "cgroup", "cgroup", cg_opts);
  oci_jw_end_array (w);

  oci_jw_key (w, "linux");
  oci_jw_begin_object (w);
  if (rootless)
    {
      id_mapping (w, "uidMappings", getuid ());
      id_mapping (w, "gidMappings", getgid ());
    }
  else
    {
      oci_jw_key (w, "resources");
      oci_jw_begin_object (w);
      oci_jw_key (w, "devices");
      oci_jw_begin_array (w);
      oci_jw_begin_object (w);
      oci_jw_key (w, "allow");
      oci_jw_bool (w, false);
      oci_jw_kv_string (w, "access", "rwm");
      oci_jw_end_object (w);
      oci_jw_end_array (w);
      oci_jw_end_object (w);
    }
  oci_jw_key (w, "namespaces");
  oci_jw_begin_array (w);
  for (ns = rootless ? ns_rootless : ns_default; *ns; ns++)
    {
      oci_jw_begin_object (w);
      oci_jw_kv_string (w, "type", *ns);
      oci_jw_end_object (w);
    }
  oci_jw_end_array (w);
  strings (w, "maskedPaths", masked);
  strings (w, "readonlyPaths", readonly);
  oci_jw_end_object (w);

  oci_jw_end_object (w);
}

int
tong_cmd_spec (const struct tong_globals *g, int argc, char **argv, struct oci_error *err)
{
  static const struct option opts[] = {
    { "bundle", required_argument, NULL, 'b' },
    { "rootless", no_argument, NULL, 'r' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  const char *bundle = ".";
  bool rootless = false;
  cleanup_free char *text = NULL, *path = NULL, *tmp = NULL;
  cleanup_close int fd = -1;
  struct oci_json_writer *w;
  size_t len;
  int c, r;

  while ((c = getopt_long (argc, argv, "b:h", opts, NULL)) != -1)
    switch (c)
      {
      case 'b':
        bundle = optarg;
        break;
      case 'r':
        rootless = true;
        break;
      case 'h':
        printf ("usage: tong spec [--bundle DIR] [--rootless]\n");
        return 0;
      default:
        return oci_error_set (err, 0, "spec: unknown option \"%s\"", argv[optind - 1]);
      }
  if (optind != argc)
    return oci_error_set (err, 0, "spec: unexpected argument \"%s\"", argv[optind]);

  if (asprintf (&path, "%s/config.json", bundle) < 0 || asprintf (&tmp, "%s/.config.json.tmp", bundle) < 0)
    return oci_error_set (err, ENOMEM, "spec");
  if (access (path, F_OK) == 0)
    return oci_error_set (err, 0, "File config.json exists. Remove it first");

  w = oci_jw_new (OCI_JSON_PRETTY);
  if (!w)
    return oci_error_set (err, ENOMEM, "spec");
  write_default_spec (w, rootless);
  r = oci_jw_finish (w, &text, &len, err);
  oci_jw_free (w);
  if (r < 0)
    return r;
  text[len++] = '\n';

  fd = open (tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0)
    return oci_error_set (err, errno, "create %s", tmp);
  if (write (fd, text, len) != (ssize_t) len || fsync (fd) < 0)
    {
      r = oci_error_set (err, errno, "write %s", tmp);
      unlink (tmp);
      return r;
    }
  /* link() rather than rename(): never replace a config.json that appeared
   * meanwhile. */
  if (link (tmp, path) < 0)
    {
      r = oci_error_set (err, errno, "create %s", path);
      unlink (tmp);
      return r;
    }
  unlink (tmp);
  (void) g;
  return 0;
}
