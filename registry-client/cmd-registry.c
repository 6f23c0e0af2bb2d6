/* registry login|logout: credentials in Docker's config.json. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "auth.h"
#include "docker-config.h"
#include "oci/cleanup.h"
#include "registry.h"
#include "regctl.h"

enum { OPT_USER = 256, OPT_PASS, OPT_PASS_STDIN };

struct login_opts {
  const char *user;
  const char *pass;
  bool pass_stdin;
};

static int
login_opt (void *ctx, int key, const char *arg, struct oci_error *err)
{
  struct login_opts *o = ctx;
  (void) err;
  switch (key)
    {
    case 'u':
    case OPT_USER:
      o->user = arg;
      break;
    case 'p':
    case OPT_PASS:
      o->pass = arg;
      break;
    case OPT_PASS_STDIN:
      o->pass_stdin = true;
      break;
    }
  return 0;
}

/* A registry name from what a user types: "docker.io", "https://host:5000/",
 * "host:5000". */
static int
registry_name (const char *s, char **ret, struct oci_error *err)
{
  size_t n;

  if (strncmp (s, "https://", 8) == 0)
    s += 8;
  else if (strncmp (s, "http://", 7) == 0)
    s += 7;
  n = strcspn (s, "/");
  if (n == 0)
    return oci_error_set (err, EINVAL, "invalid registry \"%s\"", s);
  *ret = strndup (s, n);
  if (!*ret)
    return oci_error_set (err, ENOMEM, "registry");
  if (strcmp (*ret, "index.docker.io") == 0 || strcmp (*ret, "registry-1.docker.io") == 0)
    {
      free (*ret);
      *ret = strdup ("docker.io");
    }
  return *ret ? 0 : oci_error_set (err, ENOMEM, "registry");
}

static int
read_line (int fd, bool echo_off, char **ret, struct oci_error *err)
{
  struct termios old, t;
  bool restore = false;
  char buf[4096];
  size_t n = 0;

  if (echo_off && isatty (fd) && tcgetattr (fd, &old) == 0)
    {
      t = old;
      t.c_lflag &= ~ECHO;
      restore = tcsetattr (fd, TCSAFLUSH, &t) == 0;
    }
  while (n + 1 < sizeof buf)
    {
      ssize_t r = read (fd, buf + n, 1);
      if (r < 0 && errno == EINTR)
        continue;
      if (r <= 0 || buf[n] == '\n')
        break;
      n++;
    }
  if (restore)
    {
      tcsetattr (fd, TCSAFLUSH, &old);
      fputc ('\n', stderr);
    }
  while (n > 0 && buf[n - 1] == '\r')
    n--;
  buf[n] = '\0';
  *ret = strdup (buf);
  explicit_bzero (buf, sizeof buf);
  return *ret ? 0 : oci_error_set (err, ENOMEM, "read");
}

/* Credentials are good when the registry lets them through /v2/: Basic
 * directly, Bearer through a token for no particular scope. */
static int
verify (struct registry_host *h, struct oci_error *err)
{
  cleanup_http_request struct http_request *req = NULL;
  int r;

  r = registry_request (h, "GET", "/v2/", NULL, &req, err);
  if (r < 0)
    return r;
  r = http_perform (h->session->http, req, err);
  if (r < 0)
    return r;
  if (req->status == 401 || req->status == 403)
    {
      http_request_error (req, err);
      return oci_error_wrap (err, "login to %s failed: wrong user name or password", h->name);
    }
  if (!http_request_ok (req))
    return http_request_error (req, err);
  return 0;
}

int
regctl_cmd_registry_login (struct regctl_globals *g, int argc, char **argv, struct oci_error *err)
{
  static const struct regctl_opt opts[] = {
    { "username", required_argument, 'u', "U  user name (default: asked on the terminal)" },
    { "password", required_argument, 'p', "P  password (prefer --password-stdin)" },
    { "password-stdin", no_argument, OPT_PASS_STDIN, "   read the password from stdin" },
    { NULL, 0, 0, NULL },
  };
  static const struct regctl_cmd_spec spec = {
    "registry login [options] REGISTRY",
    "Check credentials against REGISTRY and save them in Docker's config.json\n"
    "($DOCKER_CONFIG, --config, ~/.docker), or with its credential helper.",
    opts, 1, 1,
  };
  struct login_opts o = { 0 };
  struct regctl_session *s;
  struct registry_host *h;
  cleanup_free char *name = NULL;
  cleanup_free char *user = NULL;
  cleanup_free char *pass = NULL;
  struct docker_credentials c = { 0 };
  int first, r;

  r = regctl_parse_args (g, argc, argv, &spec, login_opt, &o, &first, err);
  if (r != 0)
    return r < 0 ? r : 0;
  r = registry_name (argv[first], &name, err);
  if (r < 0)
    return r;
  if (o.user)
    user = strdup (o.user);
  else
    {
      fprintf (stderr, "Username: ");
      r = read_line (0, false, &user, err);
    }
  if (r == 0 && o.pass)
    pass = strdup (o.pass);
  else if (r == 0)
    {
      if (!o.pass_stdin)
        fprintf (stderr, "Password: ");
      r = read_line (0, !o.pass_stdin, &pass, err);
    }
  if (r < 0)
    return r;
  if (!user || !pass)
    return oci_error_set (err, ENOMEM, "login");
  if (!*user || !*pass)
    return oci_error_set (err, EINVAL, "login: empty user name or password");

  r = regctl_session (g, &s, err);
  if (r == 0)
    r = registry_host_get (s, name, &h, err);
  if (r < 0)
    return r;
  /* The credentials to try, instead of whatever config.json holds. */
  h->creds_loaded = true;
  h->username = strdup (user);
  h->password = strdup (pass);
  if (!h->username || !h->password)
    return oci_error_set (err, ENOMEM, "login");
  r = verify (h, err);
  if (r < 0)
    return r;
  c.username = user;
  c.password = pass;
  r = docker_config_store (g, name, &c, err);
  explicit_bzero (pass, strlen (pass));
  if (r < 0)
    return r;
  fprintf (stderr, "Login Succeeded\n");
  return 0;
}

int
regctl_cmd_registry_logout (struct regctl_globals *g, int argc, char **argv, struct oci_error *err)
{
  static const struct regctl_cmd_spec spec = {
    "registry logout [options] REGISTRY",
    "Remove the credentials saved for REGISTRY.",
    NULL, 1, 1,
  };
  cleanup_free char *name = NULL;
  int first, r;

  r = regctl_parse_args (g, argc, argv, &spec, NULL, NULL, &first, err);
  if (r != 0)
    return r < 0 ? r : 0;
  r = registry_name (argv[first], &name, err);
  if (r < 0)
    return r;
  r = docker_config_erase (g, name, err);
  if (r == -ENOENT)
    return oci_error_set_code (err, ENOENT, "not logged in to %s", name);
  return r;
}
