#include "container.h"
#include "cgroup.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "oci/cleanup.h"
#include "oci/file.h"
#include "oci/json.h"
#include "oci/runtime-spec.h"

int
tong_validate_id (const char *id, struct oci_error *err)
{
  const char *p;

  /* runc's rule: ^[\w+-\.]+$, and never a path component that walks. */
  if (!*id || strcmp (id, ".") == 0 || strcmp (id, "..") == 0 || strlen (id) > 1024)
    return oci_error_set (err, 0, "invalid container id \"%s\"", id);
  for (p = id; *p; p++)
    if (!isalnum ((unsigned char) *p) && !strchr ("_+-.", *p))
      return oci_error_set (err, 0, "invalid container id \"%s\"", id);
  return 0;
}

char *
tong_container_dir (const char *root, const char *id)
{
  char *d = NULL;
  if (asprintf (&d, "%s/%s", root, id) < 0)
    return NULL;
  return d;
}

void
tong_container_free (struct tong_container *c)
{
  if (!c)
    return;
  free (c->id);
  free (c->dir);
  free (c->bundle);
  free (c->rootfs);
  free (c->created);
  free (c->owner);
  free (c->cgroup_path);
  oci_strmap_free (c->annotations);
  free (c);
}

void
tong_container_freep (struct tong_container **c)
{
  tong_container_free (*c);
}

uint64_t
tong_proc_start_time (pid_t pid, bool *zombie)
{
  char path[64], buf[1024];
  cleanup_close int fd = -1;
  ssize_t n;
  char *p, *save = NULL;
  int field;

  if (zombie)
    *zombie = false;
  snprintf (path, sizeof path, "/proc/%d/stat", pid);
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return 0;
  n = read (fd, buf, sizeof buf - 1);
  if (n <= 0)
    return 0;
  buf[n] = '\0';
  /* comm may hold spaces and parentheses: fields start after the last ')'. */
  p = strrchr (buf, ')');
  if (!p)
    return 0;
  p += 2;
  /* p is at field 3 (state). */
  if (zombie && (*p == 'Z' || *p == 'X'))
    *zombie = true;
  for (field = 3, p = strtok_r (p, " ", &save); p; p = strtok_r (NULL, " ", &save), field++)
    if (field == 22)
      return strtoull (p, NULL, 10);
  return 0;
}

void
tong_now_rfc3339 (char *buf, size_t len)
{
  struct timespec ts;
  struct tm tm;

  /* Not strftime: it loads the time zone (/etc/localtime) for nothing. */
  clock_gettime (CLOCK_REALTIME, &ts);
  gmtime_r (&ts.tv_sec, &tm);
  snprintf (buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
            tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec);
}

static char *
dup_field (const struct oci_json *j, const char *key)
{
  const struct oci_json *v = oci_json_get (j, key);
  if (!v || v->type != OCI_JSON_STRING)
    return NULL;
  return strdup (v->u.string.str);
}

static int64_t
int_field (const struct oci_json *j, const char *key)
{
  const struct oci_json *v = oci_json_get (j, key);
  if (!v || v->type != OCI_JSON_NUMBER)
    return 0;
  return strtoll (v->u.number, NULL, 10);
}

int
tong_container_load (const char *root, const char *id, struct tong_container **ret, struct oci_error *err)
{
  cleanup_container struct tong_container *c = NULL;
  cleanup_json struct oci_json *j = NULL;
  cleanup_free char *path = NULL;
  const struct oci_json *ann;
  size_t i;
  int r;

  r = tong_validate_id (id, err);
  if (r < 0)
    return r;
  c = calloc (1, sizeof *c);
  if (!c || !(c->dir = tong_container_dir (root, id)) || asprintf (&path, "%s/" TONG_STATE_FILE, c->dir) < 0)
    return oci_error_set (err, ENOMEM, "load container %s", id);
  if (access (c->dir, F_OK) < 0)
    return oci_error_set_code (err, ENOENT, "container \"%s\" does not exist", id);
  r = oci_json_parse_file (path, &j, err);
  if (r < 0)
    {
      /* A state directory without state: create was killed half way. */
      if (err->errnum == ENOENT)
        {
          c->id = strdup (id);
          *ret = oci_steal (c);
          return 0;
        }
      return r;
    }
  c->id = strdup (id);
  c->pid = int_field (j, "pid");
  c->start_time = (uint64_t) int_field (j, "pidStartTime");
  c->bundle = dup_field (j, "bundle");
  c->rootfs = dup_field (j, "rootfs");
  c->created = dup_field (j, "created");
  c->owner = dup_field (j, "owner");
  c->cgroup_path = dup_field (j, "cgroupPath");
  c->own_pid_ns = oci_json_get (j, "ownPidNamespace") && oci_json_get (j, "ownPidNamespace")->type == OCI_JSON_BOOL
                  && oci_json_get (j, "ownPidNamespace")->u.boolean;
  ann = oci_json_get (j, "annotations");
  if (ann && ann->type == OCI_JSON_OBJECT)
    {
      c->annotations = oci_strmap_new ();
      for (i = 0; c->annotations && i < ann->u.object.len; i++)
        if (ann->u.object.values[i]->type == OCI_JSON_STRING)
          oci_strmap_set (c->annotations, ann->u.object.keys[i], ann->u.object.values[i]->u.string.str);
    }
  *ret = oci_steal (c);
  return 0;
}

static void
write_common (struct oci_json_writer *w, const struct tong_container *c)
{
  size_t i;

  oci_jw_kv_string (w, "id", c->id);
  oci_jw_kv_int64 (w, "pid", c->pid);
  oci_jw_kv_string (w, "bundle", c->bundle ? c->bundle : "");
  oci_jw_kv_string (w, "rootfs", c->rootfs ? c->rootfs : "");
  oci_jw_kv_string (w, "created", c->created ? c->created : "");
  oci_jw_kv_string (w, "owner", c->owner ? c->owner : "");
  if (c->annotations && c->annotations->len)
    {
      oci_jw_key (w, "annotations");
      oci_jw_begin_object (w);
      for (i = 0; i < c->annotations->len; i++)
        oci_jw_kv_string (w, c->annotations->keys[i], c->annotations->values[i]);
      oci_jw_end_object (w);
    }
}

int
tong_container_save (const struct tong_container *c, struct oci_error *err)
{
  cleanup_free char *path = NULL, *text = NULL;
  struct oci_json_writer *w;
  size_t len;
  int r;

  if (asprintf (&path, "%s/" TONG_STATE_FILE, c->dir) < 0)
    return oci_error_set (err, ENOMEM, "save state");
  w = oci_jw_new (OCI_JSON_COMPACT);
  if (!w)
    return oci_error_set (err, ENOMEM, "save state");
  oci_jw_begin_object (w);
  write_common (w, c);
  oci_jw_key (w, "pidStartTime");
  oci_jw_uint64 (w, c->start_time);
  if (c->cgroup_path)
    oci_jw_kv_string (w, "cgroupPath", c->cgroup_path);
  oci_jw_key (w, "ownPidNamespace");
  oci_jw_bool (w, c->own_pid_ns);
  oci_jw_end_object (w);
  r = oci_jw_finish (w, &text, &len, err);
  oci_jw_free (w);
  if (r < 0)
    return r;
  /* No fsync: the state lives under /run and does not outlive a reboot;
   * the rename alone keeps readers from seeing half a file. */
  return oci_replace_file_at (AT_FDCWD, path, &(struct iovec){ text, len }, 1, 0600, 0, err);
}

bool
tong_container_init_alive (const struct tong_container *c)
{
  bool zombie = false;
  uint64_t st;

  if (c->pid <= 0)
    return false;
  st = tong_proc_start_time ((pid_t) c->pid, &zombie);
  return st != 0 && st == c->start_time && !zombie;
}

/* cg: the container's cgroup, or NULL to load it here. */
static bool
is_paused (const struct tong_container *c, const struct tong_cgroup *cg)
{
  cleanup_cgroup struct tong_cgroup *loaded = NULL;
  struct oci_error ignored = { 0 };
  bool paused = false;

  if (!cg)
    {
      if (!c->cgroup_path || !*c->cgroup_path || tong_cgroup_load (c->cgroup_path, &loaded, &ignored) < 0)
        return false;
      cg = loaded;
    }
  if (tong_cgroup_paused (cg, &paused, &ignored) < 0)
    return false;
  return paused;
}

static enum tong_status
status_of (const struct tong_container *c, const struct tong_cgroup *cg)
{
  char fifo[PATH_MAX];

  if (!c->bundle)
    return c->pid > 0 && tong_container_init_alive (c) ? TONG_CREATING : TONG_STOPPED;
  if (!tong_container_init_alive (c))
    return TONG_STOPPED;
  snprintf (fifo, sizeof fifo, "%s/" TONG_EXEC_FIFO, c->dir);
  if (access (fifo, F_OK) == 0)
    return TONG_CREATED;
  if (is_paused (c, cg))
    return TONG_PAUSED;
  return TONG_RUNNING;
}

enum tong_status
tong_container_status (const struct tong_container *c)
{
  return status_of (c, NULL);
}

enum tong_status
tong_container_status_in (const struct tong_container *c, const struct tong_cgroup *cg)
{
  return status_of (c, cg);
}

const char *
tong_status_name (enum tong_status s)
{
  switch (s)
    {
    case TONG_CREATING:
      return "creating";
    case TONG_CREATED:
      return "created";
    case TONG_RUNNING:
      return "running";
    case TONG_PAUSED:
      return "paused";
    case TONG_STOPPED:
      return "stopped";
    }
  return "unknown";
}

int
tong_container_state_json (const struct tong_container *c, int json_flags, char **ret, struct oci_error *err)
{
  struct oci_json_writer *w = oci_jw_new (json_flags);
  enum tong_status st = tong_container_status (c);
  struct tong_container shown = *c;
  int r;

  if (!w)
    return oci_error_set (err, ENOMEM, "state");
  /* runc reports pid 0 once the init is gone. */
  if (st == TONG_STOPPED)
    shown.pid = 0;
  oci_jw_begin_object (w);
  oci_jw_kv_string (w, "ociVersion", OCI_RUNTIME_SPEC_VERSION);
  oci_jw_kv_string (w, "id", shown.id);
  oci_jw_kv_int64 (w, "pid", shown.pid);
  oci_jw_kv_string (w, "status", tong_status_name (st));
  oci_jw_kv_string (w, "bundle", shown.bundle ? shown.bundle : "");
  oci_jw_kv_string (w, "rootfs", shown.rootfs ? shown.rootfs : "");
  oci_jw_kv_string (w, "created", shown.created ? shown.created : "");
  oci_jw_kv_string (w, "owner", shown.owner ? shown.owner : "");
  if (c->annotations && c->annotations->len)
    {
      size_t i;
      oci_jw_key (w, "annotations");
      oci_jw_begin_object (w);
      for (i = 0; i < c->annotations->len; i++)
        oci_jw_kv_string (w, c->annotations->keys[i], c->annotations->values[i]);
      oci_jw_end_object (w);
    }
  oci_jw_end_object (w);
  r = oci_jw_finish (w, ret, NULL, err);
  oci_jw_free (w);
  return r;
}
