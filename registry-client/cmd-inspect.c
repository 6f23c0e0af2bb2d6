/* image inspect, config get. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"
#include "oci/cleanup.h"
#include "oci/json.h"
#include "regctl.h"

static void
kv_strv (struct oci_json_writer *w, const char *key, char **v, size_t n)
{
  oci_jw_key (w, key);
  if (!v)
    {
      oci_jw_null (w);
      return;
    }
  oci_jw_begin_array (w);
  for (size_t i = 0; i < n; i++)
    oci_jw_string (w, v[i]);
  oci_jw_end_array (w);
}

static void
kv_opt_string (struct oci_json_writer *w, const char *key, const char *s)
{
  if (s)
    oci_jw_kv_string (w, key, s);
}

static void
print_strv (const char *key, char **v, size_t n)
{
  if (!v)
    return;
  printf ("%-13s", key);
  for (size_t i = 0; i < n; i++)
    printf ("%s%s", i ? " " : "", v[i]);
  printf ("\n");
}

static int
inspect_json (const char *name, const struct image_info *info, struct oci_error *err)
{
  const struct oci_image_config *c = info->config;
  const struct oci_image_exec_config *x = c ? c->config : NULL;
  struct oci_json_writer *w = oci_jw_new (OCI_JSON_PRETTY);
  int64_t total = 0;
  int r;

  if (!w)
    return oci_error_set (err, ENOMEM, "output");
  oci_jw_begin_object (w);
  oci_jw_kv_string (w, "Name", name);
  oci_jw_kv_string (w, "Digest", info->manifest.digest);
  oci_jw_kv_string (w, "MediaType", info->manifest.media_type);
  if (c)
    {
      kv_opt_string (w, "Created", c->created);
      kv_opt_string (w, "Author", c->author);
      kv_opt_string (w, "Architecture", c->architecture);
      kv_opt_string (w, "Os", c->os);
      kv_opt_string (w, "Variant", c->variant);
    }
  oci_jw_key (w, "Layers");
  oci_jw_begin_array (w);
  for (size_t i = 0; i < info->parsed->layers_len; i++)
    {
      oci_jw_string (w, info->parsed->layers[i].digest);
      total += info->parsed->layers[i].size;
    }
  oci_jw_end_array (w);
  oci_jw_kv_int64 (w, "Size", total);
  oci_jw_kv_string (w, "Config", info->parsed->config->digest);
  if (x)
    {
      kv_opt_string (w, "User", x->user);
      kv_strv (w, "Env", x->env, x->env_len);
      kv_strv (w, "Entrypoint", x->entrypoint, x->entrypoint_len);
      kv_strv (w, "Cmd", x->cmd, x->cmd_len);
      kv_opt_string (w, "WorkingDir", x->working_dir);
      kv_opt_string (w, "StopSignal", x->stop_signal);
      kv_strv (w, "ExposedPorts", x->exposed_ports_keys, x->exposed_ports_len);
      if (x->labels)
        {
          oci_jw_key (w, "Labels");
          oci_jw_begin_object (w);
          for (size_t i = 0; i < x->labels->len; i++)
            oci_jw_kv_string (w, x->labels->keys[i], x->labels->values[i]);
          oci_jw_end_object (w);
        }
    }
  oci_jw_end_object (w);
  r = regctl_print_json (w, err);
  oci_jw_free (w);
  return r;
}

static int
inspect_text (const char *name, const struct image_info *info, struct oci_error *err)
{
  const struct oci_image_config *c = info->config;
  const struct oci_image_exec_config *x = c ? c->config : NULL;
  int64_t total = 0;

  printf ("%-13s%s\n", "Name:", name);
  printf ("%-13s%s\n", "Digest:", info->manifest.digest);
  printf ("%-13s%s\n", "MediaType:", info->manifest.media_type);
  if (c && c->created)
    printf ("%-13s%s\n", "Created:", c->created);
  if (c)
    printf ("%-13s%s/%s%s%s\n", "Platform:", c->os ? c->os : "?", c->architecture ? c->architecture : "?",
            c->variant ? "/" : "", c->variant ? c->variant : "");
  printf ("%-13s%s\n", "Config:", info->parsed->config->digest);
  for (size_t i = 0; i < info->parsed->layers_len; i++)
    {
      printf ("%-13s%s %lld\n", i == 0 ? "Layers:" : "", info->parsed->layers[i].digest,
              (long long) info->parsed->layers[i].size);
      total += info->parsed->layers[i].size;
    }
  printf ("%-13s%lld\n", "Size:", (long long) total);
  if (x)
    {
      if (x->user && *x->user)
        printf ("%-13s%s\n", "User:", x->user);
      for (size_t i = 0; i < x->env_len; i++)
        printf ("%-13s%s\n", i == 0 ? "Env:" : "", x->env[i]);
      print_strv ("Entrypoint:", x->entrypoint, x->entrypoint_len);
      print_strv ("Cmd:", x->cmd, x->cmd_len);
      if (x->working_dir && *x->working_dir)
        printf ("%-13s%s\n", "WorkingDir:", x->working_dir);
      if (x->labels)
        for (size_t i = 0; i < x->labels->len; i++)
          printf ("%-13s%s=%s\n", i == 0 ? "Labels:" : "", x->labels->keys[i], x->labels->values[i]);
    }
  return regctl_flush_stdout (err);
}

int
regctl_cmd_image_inspect (struct regctl_globals *g, int argc, char **argv, struct oci_error *err)
{
  static const struct regctl_cmd_spec spec = {
    "image inspect [options] REF",
    "Show an image: digest, platform, layers, size and how it runs (the\n"
    "platform of this host, or --platform, from an index).",
    NULL, 1, 1,
  };
  struct image_ref ref = { 0 };
  struct image_info info = { 0 };
  int first, r;

  r = regctl_parse_args (g, argc, argv, &spec, NULL, NULL, &first, err);
  if (r != 0)
    return r < 0 ? r : 0;
  r = image_ref_parse (g, argv[first], IMAGE_DEFAULT_REGISTRY, &ref, err);
  if (r == 0)
    r = image_ref_open_source (g, &ref, err);
  if (r == 0)
    r = image_load (g, &ref, &info, err);
  if (r == 0)
    r = g->json ? inspect_json (argv[first], &info, err) : inspect_text (argv[first], &info, err);
  image_info_clear (&info);
  image_ref_clear (&ref);
  return r;
}

int
regctl_cmd_config_get (struct regctl_globals *g, int argc, char **argv, struct oci_error *err)
{
  static const struct regctl_cmd_spec spec = {
    "config get [options] REF",
    "Print an image's config blob byte for byte (pretty with --format json).",
    NULL, 1, 1,
  };
  struct image_ref ref = { 0 };
  struct image_info info = { 0 };
  int first, r;

  r = regctl_parse_args (g, argc, argv, &spec, NULL, NULL, &first, err);
  if (r != 0)
    return r < 0 ? r : 0;
  r = image_ref_parse (g, argv[first], IMAGE_DEFAULT_REGISTRY, &ref, err);
  if (r == 0)
    r = image_ref_open_source (g, &ref, err);
  if (r == 0)
    r = image_load (g, &ref, &info, err);
  if (r == 0)
    r = g->json ? regctl_print_json_text (info.config_text, info.config_len, err)
                : oci_write_all (1, info.config_text, info.config_len, "stdout", err);
  image_info_clear (&info);
  image_ref_clear (&ref);
  return r;
}
