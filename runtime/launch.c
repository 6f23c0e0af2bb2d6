/* The parent's half of create: state directory, exec FIFO, clone() into
 * the new namespaces, then answer the child's sync requests until it says
 * it is ready (or why it is not). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "clone.h"
#include "create.h"
#include "hooks.h"
#include "namespaces.h"
#include "oci/cleanup.h"
#include "rootfs.h"
#include "process.h"
#include "seccomp.h"
#include "oci/json.h"
#include "paths.h"
#include "supported.h"
#include "sync.h"
#include "terminal.h"


static int
save_config_copy (const char *dir, const struct oci_spec *spec, struct oci_error *err)
{
  cleanup_free char *text = NULL, *path = NULL;
  cleanup_close int fd = -1;
  size_t len;
  int r;

  r = oci_spec_generate (spec, OCI_JSON_COMPACT, &text, &len, err);
  if (r < 0)
    return r;
  if (asprintf (&path, "%s/" TONG_CONFIG_COPY, dir) < 0)
    return oci_error_set (err, ENOMEM, "save config");
  fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    return oci_error_set (err, errno, "create %s", path);
  if (write (fd, text, len) != (ssize_t) len)
    return oci_error_set (err, errno, "write %s", path);
  return 0;
}

/* A new time namespace takes its offsets before any process is in it:
 * unshare here (it applies to our children), write them, then clone. */
static int
enter_time_namespace (const struct oci_spec_linux *l, struct oci_error *err)
{
  cleanup_close int fd = -1;
  char buf[256];
  size_t i, n = 0;

  if (unshare (CLONE_NEWTIME) < 0)
    return oci_error_set (err, errno, "linux.namespaces: unshare the time namespace");
  for (i = 0; i < l->time_offsets_len; i++)
    n += (size_t) snprintf (buf + n, sizeof buf - n, "%s %lld %u\n", l->time_offsets_keys[i],
                            (long long) l->time_offsets_values[i].secs, l->time_offsets_values[i].nanosecs);
  if (!n)
    return 0;
  fd = open ("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
  if (fd < 0 || write (fd, buf, n) != (ssize_t) n)
    return oci_error_set (err, errno, "linux.timeOffsets: write /proc/self/timens_offsets");
  return 0;
}

static char *
absolute (const char *path)
{
  char buf[PATH_MAX];
  if (!realpath (path, buf))
    return NULL;
  return strdup (buf);
}

static char *
rootfs_path (const char *bundle, const struct oci_spec *spec)
{
  cleanup_free char *joined = NULL;

  if (spec->root->path[0] == '/')
    return absolute (spec->root->path);
  if (asprintf (&joined, "%s/%s", bundle, spec->root->path) < 0)
    return NULL;
  return absolute (joined);
}

static int
remove_tree (const char *dir)
{
  DIR *d = opendir (dir);
  struct dirent *de;
  char path[PATH_MAX];

  if (!d)
    return rmdir (dir);
  while ((de = readdir (d)))
    {
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      snprintf (path, sizeof path, "%s/%s", dir, de->d_name);
      if (unlink (path) < 0 && errno == EISDIR)
        remove_tree (path);
    }
  closedir (d);
  return rmdir (dir);
}

/* Undo a failed create: the child, its cgroup, the state directory. */
static void
abort_create (pid_t child, struct tong_cgroup *cg, const char *dir)
{
  struct oci_error ignored = { 0 };

  if (child > 0)
    {
      kill (child, SIGKILL);
      waitpid (child, NULL, 0);
    }
  if (cg)
    {
      tong_cgroup_kill_all (cg, SIGKILL, &ignored);
      tong_cgroup_destroy (cg, &ignored);
    }
  if (dir)
    remove_tree (dir);
}

static int
validate_for_create (const struct oci_spec *spec, const struct tong_create_opts *o, struct oci_error *err)
{
  if (!spec->root || !spec->root->path)
    return oci_error_set (err, EINVAL, "root.path: required to create a container");
  if (!spec->process)
    return oci_error_set (err, EINVAL, "process: required to create a container");
  if (!spec->process->args_len)
    return oci_error_set (err, EINVAL, "process.args: must not be empty");
  if (!spec->linux_)
    return oci_error_set (err, EINVAL, "linux: required on Linux");
  if (spec->process->terminal && !o->console_socket && !o->have_console_fd)
    return oci_error_set (err, EINVAL,
                          "process.terminal is true: cannot allocate a tty without --console-socket");
  if (!spec->process->terminal && o->console_socket)
    return oci_error_set (err, EINVAL, "--console-socket given but process.terminal is false");
  return 0;
}

static void
seccomp_freep (struct tong_seccomp **s)
{
  tong_seccomp_free (*s);
}

int
tong_create_container (const struct tong_globals *g, const struct tong_create_opts *o,
                       struct tong_container **ret, struct oci_error *err)
{
  cleanup_container struct tong_container *c = NULL;
  struct oci_spec *spec = NULL;
  cleanup_free char *config_path = NULL, *fifo = NULL, *hook_json = NULL;
  cleanup_close int fifo_fd = -1, console_fd = -1; /* fifo_fd: the state dir */
  struct tong_ns_plan plan;
  struct tong_init_args args = { 0 };
  __attribute__ ((cleanup (seccomp_freep))) struct tong_seccomp *seccomp = NULL;
  int *source_fds = NULL;
  cleanup_cgroup struct tong_cgroup *cg = NULL;
  char created[64];
  int sv[2] = { -1, -1 };
  pid_t child = -1;
  bool in_cgroup = false;
  int64_t value;
  int r;

  r = tong_validate_id (o->id, err);
  if (r < 0)
    return r;
  c = calloc (1, sizeof *c);
  if (!c || !(c->id = strdup (o->id)))
    return oci_error_set (err, ENOMEM, "create");
  c->bundle = absolute (o->bundle);
  if (!c->bundle)
    return oci_error_set (err, errno, "bundle %s", o->bundle);
  if (asprintf (&config_path, "%s/config.json", c->bundle) < 0)
    return oci_error_set (err, ENOMEM, "create");
  r = oci_spec_parse_file (config_path, &spec, err);
  if (r < 0)
    return r;
  r = validate_for_create (spec, o, err);
  if (r == 0)
    r = tong_check_supported (g, spec, err);
  if (r == 0)
    r = tong_ns_plan (spec, &plan, err);
  if (r < 0)
    goto fail_spec;
  c->rootfs = rootfs_path (c->bundle, spec);
  if (!c->rootfs)
    {
      r = oci_error_set (err, errno, "rootfs %s", spec->root->path);
      goto fail_spec;
    }
  c->own_pid_ns = plan.new_pid;
  c->owner = strdup ("");
  tong_now_rfc3339 (created, sizeof created);
  c->created = strdup (created);
  if (spec->annotations)
    {
      size_t i;
      c->annotations = oci_strmap_new ();
      for (i = 0; c->annotations && i < spec->annotations->len; i++)
        oci_strmap_set (c->annotations, spec->annotations->keys[i], spec->annotations->values[i]);
    }

  r = tong_mkdir_p (g->root, 0711, err);
  if (r < 0)
    goto fail_spec;
  /* Compiled here, where the cache is reachable; the init gets a copy of
   * it with our memory. */
  r = tong_process_compile_seccomp (g, spec->linux_, &seccomp, err);
  if (r < 0)
    goto fail_spec;
  args.seccomp = seccomp;
  c->dir = tong_container_dir (g->root, o->id);
  if (!c->dir)
    {
      r = oci_error_set (err, ENOMEM, "create");
      goto fail_spec;
    }
  if (mkdir (c->dir, 0711) < 0)
    {
      r = errno == EEXIST ? oci_error_set_code (err, EEXIST, "container \"%s\" already exists", o->id)
                          : oci_error_set (err, errno, "mkdir %s", c->dir);
      free (c->dir);
      c->dir = NULL;
      goto fail_spec;
    }
  if (asprintf (&fifo, "%s/" TONG_EXEC_FIFO, c->dir) < 0)
    {
      r = oci_error_set (err, ENOMEM, "create");
      goto fail;
    }
  /* 0622 despite the umask: an init whose uid the user namespace maps
   * away from root must still be able to open it for writing. */
  if (mkfifo (fifo, 0622) < 0 || chmod (fifo, 0622) < 0)
    {
      r = oci_error_set (err, errno, "mkfifo %s", fifo);
      goto fail;
    }
  fifo_fd = open (c->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fifo_fd < 0)
    {
      r = oci_error_set (err, errno, "open %s", c->dir);
      goto fail;
    }
  r = save_config_copy (c->dir, spec, err);
  if (r < 0)
    goto fail;
  r = tong_cgroup_setup (spec->linux_->cgroups_path, c->id, spec->linux_->resources, g->systemd_cgroup, &cg, err);
  if (r < 0)
    goto fail;
  if (tong_cgroup_preexisting (cg))
    {
      /* As runc: a frozen cgroup would freeze the init on its first step
       * (create would hang), a populated one is shared: allowed, said. */
      cleanup_free pid_t *pids = NULL;
      bool frozen = false;
      size_t npids = 0;
      r = tong_cgroup_paused (cg, &frozen, err);
      if (r == 0 && frozen)
        r = oci_error_set_code (err, EBUSY, "container's cgroup unexpectedly frozen: %s", tong_cgroup_path (cg));
      if (r < 0)
        goto fail;
      if (tong_cgroup_pids (cg, &pids, &npids, err) == 0 && npids > 0)
        tong_log_warn (g, "container's cgroup is not empty: %zu process(es) found", npids);
      oci_error_clear (err);
    }
  /* On disk before any process exists: a create killed from here on
   * leaves a state that `delete --force` can clean, cgroup included. */
  c->cgroup_path = strdup (tong_cgroup_path (cg));
  if (!c->cgroup_path)
    {
      r = oci_error_set (err, ENOMEM, "create");
      goto fail;
    }
  r = tong_container_save (c, err);
  if (r < 0)
    goto fail;
  c->terminal = spec->process->terminal;
  if (o->console_socket)
    {
      r = tong_console_socket_connect (o->console_socket, &console_fd, err);
      if (r < 0)
        {
          oci_error_wrap (err, "--console-socket");
          goto fail;
        }
    }
  else if (o->have_console_fd && spec->process->terminal)
    {
      console_fd = fcntl (o->console_fd, F_DUPFD_CLOEXEC, 3);
      if (console_fd < 0)
        {
          r = oci_error_set (err, errno, "dup the terminal socket");
          goto fail;
        }
    }
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
    {
      r = oci_error_set (err, errno, "socketpair");
      goto fail;
    }

  args.g = g;
  args.opts = o;
  args.spec = spec;
  args.rootfs = c->rootfs;
  args.bundle = c->bundle;
  args.state_dir = c->dir;
  args.sync_fd = sv[1];
  args.state_dir_fd = fifo_fd;
  args.console_fd = console_fd;
  args.new_user = plan.new_user;
  args.new_cgroup = plan.new_cgroup;
  args.join_pid = plan.join_pid;
  args.plan = &plan;
  if (plan.new_user)
    {
      r = tong_rootfs_open_bind_sources (spec, c->bundle, &source_fds, err);
      if (r < 0)
        goto fail;
      args.source_fds = source_fds;
    }

  if (plan.new_time)
    {
      r = enter_time_namespace (spec->linux_, err);
      if (r < 0)
        goto fail;
    }
  /* The child continues here with a copy of this stack, already inside
   * the new namespaces (and its v2 cgroup where the kernel can).  Not
   * CLONE_NEWCGROUP here: a cgroup namespace is rooted where its creator
   * is, so the child unshares it after joining its cgroup. */
  tong_log_debug (g, "nsexec container setup: cloning the init of %s (clone flags %#lx)", o->id,
                  (unsigned long) plan.clone_flags);
  child = tong_clone ((unsigned long) (plan.clone_flags & ~CLONE_NEWCGROUP), tong_cgroup_v2_dirfd (cg),
                      &in_cgroup);
  if (child < 0)
    {
      r = oci_error_set (err, errno, "clone the container init");
      goto fail;
    }
  if (child == 0)
    {
      close (sv[0]);
      tong_init_main (&args);
    }
  close (sv[1]);
  sv[1] = -1;
  c->pid = child;
  /* The init joins its cgroup before it runs anything of its own. */
  r = in_cgroup ? tong_cgroup_enter_v1 (cg, child, err) : tong_cgroup_enter (cg, child, err);
  if (r == 0)
    r = tong_sync_send (sv[0], TONG_SYNC_CGROUP_ACK, 0, err);
  if (r < 0)
    goto fail;

  if (plan.new_user)
    {
      r = tong_sync_expect (sv[0], TONG_SYNC_USERMAP_PLS, NULL, err);
      if (r == 0)
        r = tong_ns_write_id_maps (child, spec->linux_, err);
      if (r == 0)
        r = tong_sync_send (sv[0], TONG_SYNC_USERMAP_ACK, 0, err);
      if (r < 0)
        goto fail;
    }
  if (plan.join_pid)
    {
      r = tong_sync_expect (sv[0], TONG_SYNC_INIT_PID, &value, err);
      if (r < 0)
        goto fail;
      waitpid (child, NULL, 0);
      child = (pid_t) value;
      c->pid = child;
    }
  r = tong_sync_expect (sv[0], TONG_SYNC_HOOKS_PLS, NULL, err);
  if (r < 0)
    goto fail;
  c->start_time = tong_proc_start_time (child, NULL);
  r = tong_container_save (c, err);
  if (r < 0)
    goto fail;
  if (spec->hooks && (spec->hooks->prestart_len || spec->hooks->create_runtime_len))
    {
      r = tong_hook_state (c->id, "creating", c->pid, c->bundle, c->annotations, &hook_json, err);
      if (r == 0 && spec->hooks->prestart_len)
        r = tong_hooks_run (spec->hooks->prestart, spec->hooks->prestart_len, "prestart", hook_json, err);
      if (r == 0 && spec->hooks->create_runtime_len)
        r = tong_hooks_run (spec->hooks->create_runtime, spec->hooks->create_runtime_len, "createRuntime",
                            hook_json, err);
      if (r < 0)
        goto fail;
    }
  r = tong_sync_send (sv[0], TONG_SYNC_HOOKS_ACK, 0, err);
  if (r == 0)
    r = tong_sync_expect (sv[0], TONG_SYNC_READY, NULL, err);
  if (r < 0)
    goto fail;
  if (o->pid_file)
    {
      r = tong_write_pid_file (o->pid_file, child, err);
      if (r < 0)
        goto fail;
    }
  close (sv[0]);
  tong_rootfs_close_sources (source_fds, spec->mounts_len);
  oci_spec_free (spec);
  *ret = oci_steal (c);
  return 0;

fail:
  tong_rootfs_close_sources (source_fds, spec->mounts_len);
  if (sv[0] >= 0)
    close (sv[0]);
  if (sv[1] >= 0)
    close (sv[1]);
  abort_create (child, cg, c->dir);
fail_spec:
  oci_spec_free (spec);
  return r;
}
