/* `tong exec [options] ID COMMAND [ARGS…]` or `tong exec -p process.json ID`.
 * Without -p, the process starts from the container's own `process` and
 * the flags change it, as runc does. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup.h"
#include "create.h"
#include "exec.h"
#include "oci/cleanup.h"
#include "oci/json.h"

enum {
  OPT_CONSOLE = 256, OPT_CWD, OPT_PID_FILE, OPT_PROCESS_LABEL, OPT_APPARMOR, OPT_NNP, OPT_CAP, OPT_PRESERVE,
  OPT_CGROUP, OPT_IGNORE_PAUSED, OPT_ADDGIDS,
};

struct exec_flags {
  const char *process_file;
  const char *cwd;
  const char *user;
  const char *process_label;
  const char *apparmor;
  bool tty;
  bool tty_set;
  bool nnp;
  bool ignore_paused;
  char **env;
  size_t env_len;
  char **caps;
  size_t caps_len;
  char **gids;
  size_t gids_len;
};

static int
push (char ***v, size_t *n, char *s)
{
  char **nv = realloc (*v, (*n + 1) * sizeof *nv);
  if (!nv)
    return -1;
  nv[(*n)++] = s;
  *v = nv;
  return 0;
}

static struct oci_json *
get_or_add (struct oci_json *obj, const char *key, struct oci_json *(*make) (void))
{
  struct oci_json *v = oci_json_get (obj, key);
  if (v)
    return v;
  v = make ();
  if (!v || oci_json_object_set (obj, key, v) < 0)
    return NULL;
  return v;
}

/* env: a new entry replaces the one with the same name. */
static int
set_env (struct oci_json *env, const char *entry)
{
  size_t i, n = strcspn (entry, "=");

  for (i = 0; i < env->u.array.len; i++)
    {
      struct oci_json *e = env->u.array.items[i];
      if (e->type == OCI_JSON_STRING && strncmp (e->u.string.str, entry, n) == 0 && e->u.string.str[n] == '=')
        {
          struct oci_json *nv = oci_json_new_string (entry);
          if (!nv)
            return -1;
          oci_json_free (e);
          env->u.array.items[i] = nv;
          return 0;
        }
    }
  return oci_json_array_append (env, oci_json_new_string (entry));
}

static int
parse_uint (const char *s, unsigned long *ret)
{
  char *end;
  errno = 0;
  *ret = strtoul (s, &end, 10);
  return errno || end == s || *end || *s == '-' || *ret > 0xffffffffUL ? -1 : 0;
}

static int
apply_flags (struct oci_json *p, const struct exec_flags *f, char **args, size_t nargs, struct oci_error *err)
{
  struct oci_json *a, *env, *user;
  size_t i;

  a = oci_json_new_array ();
  if (!a)
    return oci_error_set (err, ENOMEM, "exec");
  for (i = 0; i < nargs; i++)
    if (oci_json_array_append (a, oci_json_new_string (args[i])) < 0)
      {
        oci_json_free (a);
        return oci_error_set (err, ENOMEM, "exec");
      }
  if (oci_json_object_set (p, "args", a) < 0)
    return oci_error_set (err, ENOMEM, "exec");
  if (oci_json_object_set (p, "terminal", oci_json_new_bool (f->tty)) < 0)
    return oci_error_set (err, ENOMEM, "exec");
  /* A new exec has no console of its own unless -t asks for one. */
  oci_json_object_remove (p, "consoleSize");
  if (f->cwd && oci_json_object_set (p, "cwd", oci_json_new_string (f->cwd)) < 0)
    return oci_error_set (err, ENOMEM, "exec");
  env = get_or_add (p, "env", oci_json_new_array);
  if (!env || env->type != OCI_JSON_ARRAY)
    return oci_error_set (err, ENOMEM, "exec");
  for (i = 0; i < f->env_len; i++)
    if (set_env (env, f->env[i]) < 0)
      return oci_error_set (err, ENOMEM, "exec");
  if (f->user)
    {
      unsigned long uid, gid;
      cleanup_free char *copy = strdup (f->user);
      char *colon = copy ? strchr (copy, ':') : NULL;
      if (!copy)
        return oci_error_set (err, ENOMEM, "exec");
      if (colon)
        *colon = '\0';
      if (parse_uint (copy, &uid) < 0 || (colon && parse_uint (colon + 1, &gid) < 0))
        return oci_error_set (err, EINVAL, "exec: --user \"%s\": expected UID[:GID] as numbers", f->user);
      user = get_or_add (p, "user", oci_json_new_object);
      if (!user || oci_json_object_set (user, "uid", oci_json_new_int ((int64_t) uid)) < 0
          || (colon && oci_json_object_set (user, "gid", oci_json_new_int ((int64_t) gid)) < 0))
        return oci_error_set (err, ENOMEM, "exec");
    }
  if (f->gids_len)
    {
      struct oci_json *gids = oci_json_new_array ();
      user = get_or_add (p, "user", oci_json_new_object);
      if (!gids || !user)
        {
          oci_json_free (gids);
          return oci_error_set (err, ENOMEM, "exec");
        }
      for (i = 0; i < f->gids_len; i++)
        {
          unsigned long gid;
          if (parse_uint (f->gids[i], &gid) < 0)
            {
              oci_json_free (gids);
              return oci_error_set (err, EINVAL, "exec: --additional-gids: \"%s\" is not a gid", f->gids[i]);
            }
          oci_json_array_append (gids, oci_json_new_int ((int64_t) gid));
        }
      if (oci_json_object_set (user, "additionalGids", gids) < 0)
        return oci_error_set (err, ENOMEM, "exec");
    }
  if (f->caps_len)
    {
      /* runc adds --cap to every set but inheritable (CVE-2022-27650). */
      static const char *const sets[] = { "bounding", "effective", "permitted", "ambient" };
      struct oci_json *caps = get_or_add (p, "capabilities", oci_json_new_object);
      if (!caps)
        return oci_error_set (err, ENOMEM, "exec");
      for (i = 0; i < sizeof sets / sizeof sets[0]; i++)
        {
          struct oci_json *set = get_or_add (caps, sets[i], oci_json_new_array);
          size_t k;
          if (!set || set->type != OCI_JSON_ARRAY)
            return oci_error_set (err, ENOMEM, "exec");
          for (k = 0; k < f->caps_len; k++)
            if (oci_json_array_append (set, oci_json_new_string (f->caps[k])) < 0)
              return oci_error_set (err, ENOMEM, "exec");
        }
    }
  if (f->nnp && oci_json_object_set (p, "noNewPrivileges", oci_json_new_bool (true)) < 0)
    return oci_error_set (err, ENOMEM, "exec");
  if (f->apparmor && oci_json_object_set (p, "apparmorProfile", oci_json_new_string (f->apparmor)) < 0)
    return oci_error_set (err, ENOMEM, "exec");
  if (f->process_label && oci_json_object_set (p, "selinuxLabel", oci_json_new_string (f->process_label)) < 0)
    return oci_error_set (err, ENOMEM, "exec");
  return 0;
}

/* The container's config, read once: the spec, and its `process` object
 * for process_from_config to change. */
static int
load_config (const struct tong_container *c, struct oci_json **ret_json, struct oci_spec **ret, struct oci_error *err)
{
  char path[PATH_MAX];
  int r;

  snprintf (path, sizeof path, "%s/" TONG_CONFIG_COPY, c->dir);
  r = oci_json_parse_file (path, ret_json, err);
  if (r < 0)
    return r;
  r = oci_spec_parse_json (*ret_json, ret, err);
  if (r < 0)
    return oci_error_wrap (err, "%s", path);
  return 0;
}

static int
process_from_config (const struct tong_container *c, struct oci_json *config, const struct exec_flags *f,
                     char **args, size_t nargs, struct oci_spec_process **ret, struct oci_error *err)
{
  struct oci_json *p;
  int r;

  p = oci_json_get (config, "process");
  if (!p || p->type != OCI_JSON_OBJECT)
    return oci_error_set (err, EINVAL, "%s/" TONG_CONFIG_COPY ": no process object", c->dir);
  r = apply_flags (p, f, args, nargs, err);
  if (r < 0)
    return r;
  return oci_spec_process_parse_json (p, ret, err);
}

int
tong_cmd_exec (const struct tong_globals *g, int argc, char **argv, struct oci_error *err)
{
  static const struct option opts[] = {
    { "console-socket", required_argument, NULL, OPT_CONSOLE },
    { "cwd", required_argument, NULL, OPT_CWD },
    { "env", required_argument, NULL, 'e' },
    { "tty", no_argument, NULL, 't' },
    { "user", required_argument, NULL, 'u' },
    { "additional-gids", required_argument, NULL, 'g' },
    { "process", required_argument, NULL, 'p' },
    { "detach", no_argument, NULL, 'd' },
    { "pid-file", required_argument, NULL, OPT_PID_FILE },
    { "process-label", required_argument, NULL, OPT_PROCESS_LABEL },
    { "apparmor", required_argument, NULL, OPT_APPARMOR },
    { "no-new-privs", no_argument, NULL, OPT_NNP },
    { "cap", required_argument, NULL, 'c' },
    { "preserve-fds", required_argument, NULL, OPT_PRESERVE },
    { "cgroup", required_argument, NULL, OPT_CGROUP },
    { "ignore-paused", no_argument, NULL, OPT_IGNORE_PAUSED },
    { NULL, 0, NULL, 0 },
  };
  struct exec_flags f = { 0 };
  struct tong_exec_opts o = { 0 };
  cleanup_container struct tong_container *c = NULL;
  cleanup_cgroup struct tong_cgroup *cg = NULL;
  cleanup_json struct oci_json *config_json = NULL;
  struct oci_spec *config = NULL;
  struct oci_spec_process *proc = NULL;
  struct oci_error cg_err = { 0 };
  enum tong_status st;
  char *end;
  int opt, r, cg_r = 0;

  while ((opt = getopt_long (argc, argv, "+e:tu:g:p:dc:", opts, NULL)) != -1)
    switch (opt)
      {
      case OPT_CONSOLE:
        o.console_socket = optarg;
        break;
      case OPT_CWD:
        f.cwd = optarg;
        break;
      case 'e':
        if (!strchr (optarg, '='))
          {
            r = oci_error_set (err, EINVAL, "exec: --env \"%s\": expected NAME=VALUE", optarg);
            goto out;
          }
        if (push (&f.env, &f.env_len, optarg) < 0)
          goto oom;
        break;
      case 't':
        f.tty = true;
        f.tty_set = true;
        break;
      case 'u':
        f.user = optarg;
        break;
      case 'g':
        /* runc takes one gid per flag, the flag repeated. */
        if (push (&f.gids, &f.gids_len, optarg) < 0)
          goto oom;
        break;
      case 'p':
        f.process_file = optarg;
        break;
      case 'd':
        o.detach = true;
        break;
      case OPT_PID_FILE:
        o.pid_file = optarg;
        break;
      case OPT_PROCESS_LABEL:
        f.process_label = optarg;
        break;
      case OPT_APPARMOR:
        f.apparmor = optarg;
        break;
      case OPT_NNP:
        f.nnp = true;
        break;
      case 'c':
        if (push (&f.caps, &f.caps_len, optarg) < 0)
          goto oom;
        break;
      case OPT_PRESERVE:
        errno = 0;
        o.preserve_fds = (int) strtol (optarg, &end, 10);
        if (errno || *end || o.preserve_fds < 0)
          {
            r = oci_error_set (err, EINVAL, "exec: invalid --preserve-fds \"%s\"", optarg);
            goto out;
          }
        break;
      case OPT_CGROUP:
        if (push (&o.sub_cgroups, &o.n_sub_cgroups, optarg) < 0)
          goto oom;
        break;
      case OPT_IGNORE_PAUSED:
        f.ignore_paused = true;
        break;
      default:
        r = oci_error_set (err, EINVAL, "exec: unknown option \"%s\"", argv[optind - 1]);
        goto out;
      }
  if (optind >= argc)
    {
      r = oci_error_set (err, EINVAL, "exec: usage: tong exec [options] ID COMMAND [ARGS...] | -p FILE ID");
      goto out;
    }
  r = tong_container_load (g->root, argv[optind], &c, err);
  if (r < 0)
    goto out;
  /* Loaded once for the state and the exec; a failure matters only once
   * the container is known to be running. */
  if (c->cgroup_path && *c->cgroup_path)
    cg_r = tong_cgroup_load (c->cgroup_path, &cg, &cg_err);
  st = tong_container_status_in (c, cg);
  if (st == TONG_STOPPED || st == TONG_CREATING)
    {
      r = oci_error_set_code (err, EINVAL, "cannot exec in a %s container \"%s\"", tong_status_name (st), c->id);
      goto out;
    }
  if (st == TONG_PAUSED && !f.ignore_paused)
    {
      r = oci_error_set_code (err, EINVAL, "cannot exec in a paused container \"%s\" (use --ignore-paused)", c->id);
      goto out;
    }
  if (cg_r < 0)
    {
      *err = cg_err;
      r = cg_r;
      goto out;
    }
  o.cg = cg;
  r = load_config (c, &config_json, &config, err);
  if (r < 0)
    goto out;
  if (f.process_file)
    {
      if (optind + 1 != argc)
        {
          r = oci_error_set (err, EINVAL, "exec: with --process, give only the container id");
          goto out;
        }
      r = oci_spec_process_parse_file (f.process_file, &proc, err);
    }
  else
    {
      if (optind + 1 >= argc)
        {
          r = oci_error_set (err, EINVAL, "exec: no command given (usage: tong exec ID COMMAND [ARGS...])");
          goto out;
        }
      r = process_from_config (c, config_json, &f, argv + optind + 1, (size_t) (argc - optind - 1), &proc, err);
    }
  if (r < 0)
    goto out;
  if (proc->args_len == 0)
    {
      r = oci_error_set (err, EINVAL, "process.args: must not be empty");
      goto out;
    }
  if (proc->terminal_present && proc->terminal && !o.console_socket)
    {
      if (o.detach)
        {
          r = oci_error_set (err, EINVAL, "exec: a detached process with a terminal needs --console-socket");
          goto out;
        }
      o.proxy_tty = true;
    }
  r = tong_exec_process (g, c, config, proc, &o, err);
  goto out;
oom:
  r = oci_error_set (err, ENOMEM, "exec");
out:
  free (o.sub_cgroups);
  free (f.env);
  free (f.caps);
  free (f.gids);
  oci_spec_process_free (proc);
  oci_spec_free (config);
  return r;
}
