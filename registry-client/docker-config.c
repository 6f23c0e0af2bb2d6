/* Docker's config.json: credentials in "auths", or through
 * docker-credential-* helpers ("credsStore", "credHelpers"). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "docker-config.h"
#include "oci/base64.h"
#include "oci/cleanup.h"
#include "oci/file.h"
#include "oci/json.h"

extern char **environ;

#define DOCKER_HUB_KEY "https://index.docker.io/v1/"
#define HELPER_OUTPUT_MAX (1024 * 1024)

void
docker_credentials_clear (struct docker_credentials *c)
{
  free (c->username);
  if (c->password)
    explicit_bzero (c->password, strlen (c->password));
  free (c->password);
  free (c->identity_token);
  memset (c, 0, sizeof *c);
}

int
docker_config_path (const struct regctl_globals *g, char **ret, struct oci_error *err)
{
  const char *dir = g->config_dir;
  const char *home = getenv ("HOME");
  int n;

  if (!dir || !*dir)
    dir = getenv ("DOCKER_CONFIG");
  if (dir && *dir)
    n = asprintf (ret, "%s/config.json", dir);
  else if (home && *home)
    n = asprintf (ret, "%s/.docker/config.json", home);
  else
    return oci_error_set (err, ENOENT, "no Docker config: set DOCKER_CONFIG or HOME");
  if (n < 0)
    return oci_error_set (err, ENOMEM, "config path");
  return 0;
}

/* The key "auths" uses for a registry: docker.io has its historic URL. */
static const char *
auths_key (const char *registry)
{
  if (strcmp (registry, "docker.io") == 0 || strcmp (registry, "index.docker.io") == 0
      || strcmp (registry, "registry-1.docker.io") == 0)
    return DOCKER_HUB_KEY;
  return registry;
}

/* Whether a key of "auths" names registry: "host", "https://host",
 * "http://host/v1/"… */
static bool
key_matches (const char *key, const char *registry)
{
  const char *want = auths_key (registry);
  size_t n;

  if (strcmp (key, want) == 0)
    return true;
  if (strncmp (key, "https://", 8) == 0)
    key += 8;
  else if (strncmp (key, "http://", 7) == 0)
    key += 7;
  n = strcspn (key, "/");
  if (strcmp (want, DOCKER_HUB_KEY) == 0)
    return (n == 15 && strncmp (key, "index.docker.io", n) == 0) || (n == 9 && strncmp (key, "docker.io", n) == 0);
  return strlen (registry) == n && strncmp (key, registry, n) == 0;
}

static int
read_config (const struct regctl_globals *g, struct oci_json **ret, char **ret_path, struct oci_error *err)
{
  cleanup_free char *path = NULL;
  int r;

  r = docker_config_path (g, &path, err);
  if (r < 0)
    return r;
  r = oci_json_parse_file (path, ret, err);
  if (r == -ENOENT)
    *ret = NULL;
  else if (r < 0)
    return oci_error_wrap (err, "Docker config");
  else if ((*ret)->type != OCI_JSON_OBJECT)
    {
      oci_json_free (*ret);
      *ret = NULL;
      return oci_error_set (err, EINVAL, "%s: not a JSON object", path);
    }
  oci_error_clear (err);
  if (ret_path)
    *ret_path = oci_steal (path);
  return 0;
}

static const char *
json_str (const struct oci_json *j, const char *key)
{
  const struct oci_json *v = oci_json_get (j, key);
  return v && v->type == OCI_JSON_STRING ? v->u.string.str : NULL;
}

/* Runs `docker-credential-NAME action` with input on stdin; its stdout in
 * *ret (may be NULL).  Returns the exit status (>= 0) or negative. */
static int
run_helper (const char *name, const char *action, const char *input, char **ret, struct oci_error *err)
{
  cleanup_free char *prog = NULL;
  cleanup_free char *out = NULL;
  int in_pipe[2] = { -1, -1 }, out_pipe[2] = { -1, -1 };
  posix_spawn_file_actions_t fa;
  size_t len = 0;
  pid_t pid;
  int status, r;

  for (const char *c = name; *c; c++)
    if (*c == '/' || *c == ' ')
      return oci_error_set (err, EINVAL, "invalid credential helper name \"%s\"", name);
  if (asprintf (&prog, "docker-credential-%s", name) < 0)
    return oci_error_set (err, ENOMEM, "credential helper");
  if (pipe2 (in_pipe, O_CLOEXEC) < 0 || pipe2 (out_pipe, O_CLOEXEC) < 0)
    {
      r = oci_error_set (err, errno, "pipe");
      goto out;
    }
  posix_spawn_file_actions_init (&fa);
  posix_spawn_file_actions_adddup2 (&fa, in_pipe[0], 0);
  posix_spawn_file_actions_adddup2 (&fa, out_pipe[1], 1);
  char *argv[] = { prog, (char *) action, NULL };
  r = posix_spawnp (&pid, prog, &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy (&fa);
  close (in_pipe[0]);
  close (out_pipe[1]);
  in_pipe[0] = out_pipe[1] = -1;
  if (r != 0)
    {
      r = oci_error_set (err, r, "run credential helper %s", prog);
      goto out;
    }
  {
    /* Small inputs: the helper reads them before it writes. */
    struct sigaction sa = { .sa_handler = SIG_IGN }, old;
    sigaction (SIGPIPE, &sa, &old);
    size_t left = strlen (input);
    const char *p = input;
    while (left > 0)
      {
        ssize_t n = write (in_pipe[1], p, left);
        if (n < 0 && errno == EINTR)
          continue;
        if (n <= 0)
          break;
        p += n;
        left -= n;
      }
    sigaction (SIGPIPE, &old, NULL);
  }
  close (in_pipe[1]);
  in_pipe[1] = -1;
  out = malloc (HELPER_OUTPUT_MAX + 1);
  if (!out)
    {
      r = oci_error_set (err, ENOMEM, "credential helper");
      goto reap;
    }
  for (;;)
    {
      ssize_t n = read (out_pipe[0], out + len, HELPER_OUTPUT_MAX - len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      len += n;
      if (len == HELPER_OUTPUT_MAX)
        break;
    }
  out[len] = '\0';
  r = 0;
reap:
  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      {
        status = 0;
        break;
      }
  if (r == 0)
    {
      r = WIFEXITED (status) ? WEXITSTATUS (status) : 128;
      if (ret)
        *ret = oci_steal (out);
    }
out:
  for (int i = 0; i < 2; i++)
    {
      if (in_pipe[i] >= 0)
        close (in_pipe[i]);
      if (out_pipe[i] >= 0)
        close (out_pipe[i]);
    }
  return r;
}

static const char *
helper_for (const struct oci_json *cfg, const char *registry)
{
  const struct oci_json *helpers = oci_json_get (cfg, "credHelpers");
  if (helpers && helpers->type == OCI_JSON_OBJECT)
    for (size_t i = 0; i < helpers->u.object.len; i++)
      if (key_matches (helpers->u.object.keys[i], registry)
          && helpers->u.object.values[i]->type == OCI_JSON_STRING)
        return helpers->u.object.values[i]->u.string.str;
  return json_str (cfg, "credsStore");
}

static int
helper_get (const char *helper, const char *registry, struct docker_credentials *ret, struct oci_error *err)
{
  cleanup_free char *out = NULL;
  cleanup_json struct oci_json *j = NULL;
  const char *user, *secret;
  int r;

  r = run_helper (helper, "get", auths_key (registry), &out, err);
  if (r < 0)
    return r;
  if (r != 0)
    {
      /* "credentials not found in native keychain" is not an error. */
      if (out && strstr (out, "not found"))
        return -ENOENT;
      return oci_error_set (err, EIO, "docker-credential-%s get %s: exit status %d%s%s", helper, registry, r,
                            out && *out ? ": " : "", out ? out : "");
    }
  r = oci_json_parse (out, strlen (out), &j, err);
  if (r < 0)
    return oci_error_wrap (err, "docker-credential-%s get %s", helper, registry);
  user = json_str (j, "Username");
  secret = json_str (j, "Secret");
  if (!secret || !*secret)
    return -ENOENT;
  if (user && strcmp (user, "<token>") == 0)
    ret->identity_token = strdup (secret);
  else
    {
      ret->username = strdup (user ? user : "");
      ret->password = strdup (secret);
    }
  if (!ret->identity_token && (!ret->username || !ret->password))
    {
      docker_credentials_clear (ret);
      return oci_error_set (err, ENOMEM, "credentials");
    }
  return 0;
}

int
docker_config_get (const struct regctl_globals *g, const char *registry, struct docker_credentials *ret,
                   struct oci_error *err)
{
  cleanup_json struct oci_json *cfg = NULL;
  const struct oci_json *auths;
  const char *helper;
  int r;

  memset (ret, 0, sizeof *ret);
  r = read_config (g, &cfg, NULL, err);
  if (r < 0)
    return r;
  if (!cfg)
    return -ENOENT;
  helper = helper_for (cfg, registry);
  if (helper && *helper)
    {
      r = helper_get (helper, registry, ret, err);
      if (r != -ENOENT)
        return r;
    }
  auths = oci_json_get (cfg, "auths");
  if (!auths || auths->type != OCI_JSON_OBJECT)
    return -ENOENT;
  for (size_t i = 0; i < auths->u.object.len; i++)
    {
      const struct oci_json *e = auths->u.object.values[i];
      const char *auth, *token;
      cleanup_free char *plain = NULL;
      char *colon;

      if (!key_matches (auths->u.object.keys[i], registry))
        continue;
      token = json_str (e, "identitytoken");
      if (token && *token)
        {
          if (!(ret->identity_token = strdup (token)))
            return oci_error_set (err, ENOMEM, "credentials");
        }
      auth = json_str (e, "auth");
      if (auth && *auth)
        {
          r = oci_base64_decode (auth, &plain, NULL, err);
          if (r < 0)
            return oci_error_wrap (err, "Docker config: auths[\"%s\"].auth", auths->u.object.keys[i]);
          colon = strchr (plain, ':');
          if (!colon)
            return oci_error_set (err, EINVAL, "Docker config: auths[\"%s\"].auth is not \"user:password\"",
                                  auths->u.object.keys[i]);
          *colon = '\0';
          ret->username = strdup (plain);
          ret->password = strdup (colon + 1);
          explicit_bzero (plain, strlen (colon + 1) + (colon - plain));
          if (!ret->username || !ret->password)
            {
              docker_credentials_clear (ret);
              return oci_error_set (err, ENOMEM, "credentials");
            }
        }
      if (ret->username || ret->identity_token)
        return 0;
    }
  return -ENOENT;
}

static int
write_config (const char *path, const struct oci_json *cfg, struct oci_error *err)
{
  cleanup_free char *text = NULL;
  cleanup_free char *dir = strdup (path);
  size_t len;
  char *slash;
  int r;

  if (!dir)
    return oci_error_set (err, ENOMEM, "config");
  slash = strrchr (dir, '/');
  if (slash && slash != dir)
    {
      *slash = '\0';
      if (mkdir (dir, 0700) < 0 && errno != EEXIST)
        return oci_error_set (err, errno, "mkdir %s", dir);
    }
  r = oci_json_dump (cfg, OCI_JSON_PRETTY, &text, &len, err);
  if (r < 0)
    return r;
  /* Credentials: readable by the owner only, and never half-written. */
  return oci_replace_file_at (AT_FDCWD, path, (const struct iovec[]){ { text, len }, { "\n", 1 } }, 2, 0600,
                              OCI_REPLACE_SYNC_FILE, err);
}

int
docker_config_store (const struct regctl_globals *g, const char *registry, const struct docker_credentials *c,
                     struct oci_error *err)
{
  cleanup_json struct oci_json *cfg = NULL;
  cleanup_free char *path = NULL;
  cleanup_free char *plain = NULL;
  cleanup_free char *b64 = NULL;
  struct oci_json *auths, *entry;
  const char *helper;
  int r;

  r = read_config (g, &cfg, &path, err);
  if (r < 0)
    return r;
  if (!path && (r = docker_config_path (g, &path, err)) < 0)
    return r;
  if (!cfg && !(cfg = oci_json_new_object ()))
    return oci_error_set (err, ENOMEM, "config");
  helper = helper_for (cfg, registry);
  if (helper && *helper)
    {
      cleanup_free char *input = NULL;
      struct oci_json_writer *w = oci_jw_new (OCI_JSON_COMPACT);
      size_t len;
      if (!w)
        return oci_error_set (err, ENOMEM, "credentials");
      oci_jw_begin_object (w);
      oci_jw_kv_string (w, "ServerURL", auths_key (registry));
      oci_jw_kv_string (w, "Username", c->identity_token ? "<token>" : c->username);
      oci_jw_kv_string (w, "Secret", c->identity_token ? c->identity_token : c->password);
      oci_jw_end_object (w);
      r = oci_jw_finish (w, &input, &len, err);
      oci_jw_free (w);
      if (r < 0)
        return r;
      r = run_helper (helper, "store", input, NULL, err);
      explicit_bzero (input, len);
      if (r < 0)
        return r;
      if (r != 0)
        return oci_error_set (err, EIO, "docker-credential-%s store %s: exit status %d", helper, registry, r);
      /* docker keeps an empty entry in auths, so the registry is listed. */
      entry = oci_json_new_object ();
    }
  else
    {
      if (asprintf (&plain, "%s:%s", c->username, c->password) < 0)
        return oci_error_set (err, ENOMEM, "credentials");
      r = oci_base64_encode (plain, strlen (plain), &b64, err);
      explicit_bzero (plain, strlen (plain));
      if (r < 0)
        return r;
      entry = oci_json_new_object ();
      if (entry && oci_json_object_set (entry, "auth", oci_json_new_string (b64)) < 0)
        {
          oci_json_free (entry);
          entry = NULL;
        }
    }
  if (!entry)
    return oci_error_set (err, ENOMEM, "config");
  auths = oci_json_get (cfg, "auths");
  if (!auths || auths->type != OCI_JSON_OBJECT)
    {
      if (oci_json_object_set (cfg, "auths", oci_json_new_object ()) < 0)
        {
          oci_json_free (entry);
          return oci_error_set (err, ENOMEM, "config");
        }
      auths = oci_json_get (cfg, "auths");
    }
  /* One entry per registry, under docker's key. */
  for (size_t i = auths->u.object.len; i-- > 0;)
    if (key_matches (auths->u.object.keys[i], registry))
      oci_json_object_remove (auths, auths->u.object.keys[i]);
  if (oci_json_object_set (auths, auths_key (registry), entry) < 0)
    return oci_error_set (err, ENOMEM, "config");
  return write_config (path, cfg, err);
}

int
docker_config_erase (const struct regctl_globals *g, const char *registry, struct oci_error *err)
{
  cleanup_json struct oci_json *cfg = NULL;
  cleanup_free char *path = NULL;
  struct oci_json *auths;
  const char *helper;
  bool found = false;
  int r;

  r = read_config (g, &cfg, &path, err);
  if (r < 0)
    return r;
  if (!cfg)
    return -ENOENT;
  helper = helper_for (cfg, registry);
  if (helper && *helper)
    {
      r = run_helper (helper, "erase", auths_key (registry), NULL, err);
      if (r < 0)
        return r;
      found = r == 0;
    }
  auths = oci_json_get (cfg, "auths");
  if (auths && auths->type == OCI_JSON_OBJECT)
    for (size_t i = auths->u.object.len; i-- > 0;)
      if (key_matches (auths->u.object.keys[i], registry))
        {
          oci_json_object_remove (auths, auths->u.object.keys[i]);
          found = true;
        }
  if (!found)
    return -ENOENT;
  return write_config (path, cfg, err);
}
