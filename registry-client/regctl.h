/* tong-regctl: what the command files share — the global options, the
 * command signature, the option parser and the output helpers. */
#ifndef REGCTL_H
#define REGCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "oci/error.h"
#include "oci/file.h"
#include "oci/json.h"

struct regctl_session;

/* Global options (accepted before the command and after it). */
struct regctl_globals {
  const char *store_path;     /* --store; NULL: oci_store_default_path() */
  bool json;                  /* --format json */
  bool plain_http;            /* --plain-http: HTTP, never HTTPS */
  bool insecure;              /* --insecure: HTTPS without verification */
  bool tls_verify;            /* --tls-verify: verify local registries too */
  const char *platform;       /* --platform os/arch[/variant]; NULL: the host's */
  int parallel;               /* --parallel: concurrent blob transfers */
  int retries;                /* --retries: attempts after the first */
  const char *config_dir;     /* --config: Docker's config directory */
  const char *certs_dir;      /* --certs-dir: Docker's certs.d layout */
  const char *registries_config; /* --registries-config: per-registry settings */
  int verbose;                /* --verbose: HTTP requests on stderr */
  bool no_progress;           /* --no-progress */
  const char *user_agent;
  /* Made on first use by regctl_session(), freed by main. */
  struct regctl_session *session;
};

typedef int (*regctl_command_fn) (struct regctl_globals *g, int argc, char **argv, struct oci_error *err);

/* ---- options (args.c) ---- */

/* One command-specific option; `key` is returned to the handler (a short
 * option character or any value >= 256). */
struct regctl_opt {
  const char *name;
  int has_arg;     /* no_argument or required_argument */
  int key;
  const char *help;
};

typedef int (*regctl_opt_fn) (void *ctx, int key, const char *arg, struct oci_error *err);

struct regctl_cmd_spec {
  const char *usage;           /* "image pull [options] REF" */
  const char *summary;
  const struct regctl_opt *opts; /* terminated by { NULL } ; may be NULL */
  int min_args;
  int max_args;                /* -1: any number */
};

/* Parses argv (argv[0] is the command's name) with the command's options
 * and the global ones, in any order.  On success the positional arguments
 * are argv[*ret_first .. argc).  Returns 1 after printing help on stdout
 * (the command returns 0), 0 on success, negative on a usage error. */
int regctl_parse_args (struct regctl_globals *g, int argc, char **argv, const struct regctl_cmd_spec *spec,
                       regctl_opt_fn fn, void *ctx, int *ret_first, struct oci_error *err);

/* Global options as getopt_long sees them: main.c uses them too. */
int regctl_global_option (struct regctl_globals *g, int key, const char *arg, struct oci_error *err);
extern const struct regctl_opt regctl_global_opts[];
void regctl_print_global_help (FILE *f);

/* Parses a byte size: "1048576", "512k", "5M", "1G" (powers of 1024). */
int regctl_parse_size (const char *s, uint64_t *ret, struct oci_error *err);
int regctl_parse_int (const char *s, int min, int max, int *ret, const char *what, struct oci_error *err);

/* ---- output (output.c) ---- */

/* Prints a writer's document (pretty) followed by a newline on stdout. */
int regctl_print_json (struct oci_json_writer *w, struct oci_error *err);
/* Prints a JSON text re-indented (pretty) on stdout. */
int regctl_print_json_text (const char *text, size_t len, struct oci_error *err);
/* A whole file ("-": stdin) in memory, up to max bytes. */
int regctl_read_input (const char *path, size_t max, char **ret, size_t *ret_len, struct oci_error *err);
/* stdout, flushed; fails on a write error (a full disk, a closed pipe). */
int regctl_flush_stdout (struct oci_error *err);

/* ---- commands ---- */

int regctl_cmd_image_pull (struct regctl_globals *g, int argc, char **argv, struct oci_error *err);
int regctl_cmd_image_push (struct regctl_globals *g, int argc, char **argv, struct oci_error *err);
int regctl_cmd_image_copy (struct regctl_globals *g, int argc, char **argv, struct oci_error *err);
int regctl_cmd_image_inspect (struct regctl_globals *g, int argc, char **argv, struct oci_error *err);
int regctl_cmd_image_rm (struct regctl_globals *g, int argc, char **argv, struct oci_error *err);
int regctl_cmd_image_ls (struct regctl_globals *g, int argc, char **argv, struct oci_error *err);
int regctl_cmd_manifest_get (struct regctl_globals *g, int argc, char **argv, struct oci_error *err);
int regctl_cmd_manifest_head (struct regctl_globals *g, int argc, char **argv, struct oci_error *err);
int regctl_cmd_manifest_put (struct regctl_globals *g, int argc, char **argv, struct oci_error *err);
int regctl_cmd_manifest_delete (struct regctl_globals *g, int argc, char **argv, struct oci_error *err);
int regctl_cmd_digest (struct regctl_globals *g, int argc, char **argv, struct oci_error *err);
int regctl_cmd_config_get (struct regctl_globals *g, int argc, char **argv, struct oci_error *err);
int regctl_cmd_blob_get (struct regctl_globals *g, int argc, char **argv, struct oci_error *err);
int regctl_cmd_blob_head (struct regctl_globals *g, int argc, char **argv, struct oci_error *err);
int regctl_cmd_blob_put (struct regctl_globals *g, int argc, char **argv, struct oci_error *err);
int regctl_cmd_tag_ls (struct regctl_globals *g, int argc, char **argv, struct oci_error *err);
int regctl_cmd_tag_delete (struct regctl_globals *g, int argc, char **argv, struct oci_error *err);
int regctl_cmd_referrers_ls (struct regctl_globals *g, int argc, char **argv, struct oci_error *err);
int regctl_cmd_store_gc (struct regctl_globals *g, int argc, char **argv, struct oci_error *err);
int regctl_cmd_registry_login (struct regctl_globals *g, int argc, char **argv, struct oci_error *err);
int regctl_cmd_registry_logout (struct regctl_globals *g, int argc, char **argv, struct oci_error *err);

#endif
