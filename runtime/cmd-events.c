/* `tong events [--stats] [--interval D] ID`: runc's JSON lines —
 * {"type":"stats","id":…,"data":{…}} every interval (once with --stats),
 * {"type":"oom","id":…} when the kernel kills in the container's memory
 * cgroup; ends when the container stops. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cgroup-cmd.h"
#include "oci/cleanup.h"
#include "oci/json.h"

/* Go-style durations as runc takes them: "5s", "500ms", "1m", "2h". */
static int
parse_duration (const char *s, double *ret_seconds)
{
  char *end;
  double v = strtod (s, &end);

  if (end == s || v < 0)
    return -1;
  if (strcmp (end, "ms") == 0)
    v /= 1000;
  else if (strcmp (end, "s") == 0 || *end == '\0')
    ;
  else if (strcmp (end, "m") == 0)
    v *= 60;
  else if (strcmp (end, "h") == 0)
    v *= 3600;
  else
    return -1;
  *ret_seconds = v;
  return 0;
}

static int
print_event (const char *type, const char *id, const struct tong_cgroup *cg, struct oci_error *err)
{
  struct oci_json_writer *w = oci_jw_new (OCI_JSON_COMPACT);
  cleanup_free char *text = NULL;
  int r = 0;

  if (!w)
    return oci_error_set (err, ENOMEM, "events");
  oci_jw_begin_object (w);
  oci_jw_kv_string (w, "type", type);
  oci_jw_kv_string (w, "id", id);
  if (cg)
    {
      oci_jw_key (w, "data");
      r = tong_cgroup_stats (cg, w, err);
    }
  oci_jw_end_object (w);
  if (r == 0)
    r = oci_jw_finish (w, &text, NULL, err);
  oci_jw_free (w);
  if (r < 0)
    return r;
  printf ("%s\n", text);
  fflush (stdout);
  return 0;
}

int
tong_cmd_events (const struct tong_globals *g, int argc, char **argv, struct oci_error *err)
{
  static const struct option opts[] = {
    { "stats", no_argument, NULL, 's' },
    { "interval", required_argument, NULL, 'i' },
    { NULL, 0, NULL, 0 },
  };
  cleanup_container struct tong_container *c = NULL;
  cleanup_cgroup struct tong_cgroup *cg = NULL;
  bool stats_once = false;
  double interval = 5;
  uint64_t ooms = 0, now_ooms = 0;
  int opt, r;

  while ((opt = getopt_long (argc, argv, "", opts, NULL)) != -1)
    if (opt == 's')
      stats_once = true;
    else if (opt == 'i')
      {
        if (parse_duration (optarg, &interval) < 0 || interval <= 0)
          return oci_error_set (err, 0, "events: invalid --interval \"%s\"", optarg);
      }
    else
      return oci_error_set (err, 0, "events: unknown option \"%s\"", argv[optind - 1]);
  if (optind != argc - 1)
    return oci_error_set (err, 0, "events: usage: tong events [--stats] [--interval D] ID");
  r = tong_load_with_cgroup (g, argv[optind], &c, &cg, err);
  if (r < 0)
    return r;
  if (tong_container_status (c) == TONG_STOPPED)
    return oci_error_set_code (err, EINVAL, "container \"%s\" is not running", c->id);
  if (stats_once)
    return print_event ("stats", c->id, cg, err);
  tong_cgroup_oom_kills (cg, &ooms, err);
  while (tong_container_status (c) != TONG_STOPPED)
    {
      struct timespec ts = { .tv_sec = (time_t) interval, .tv_nsec = (long) ((interval - (time_t) interval) * 1e9) };
      r = print_event ("stats", c->id, cg, err);
      if (r < 0)
        return r;
      if (tong_cgroup_oom_kills (cg, &now_ooms, err) == 0 && now_ooms > ooms)
        {
          ooms = now_ooms;
          r = print_event ("oom", c->id, NULL, err);
          if (r < 0)
            return r;
        }
      nanosleep (&ts, NULL);
    }
  oci_error_clear (err);
  return 0;
}
