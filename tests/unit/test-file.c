/* oci/file.h: whole-file replacement (state.json, pid files, seccomp
 * cache entries) and the write loop the store uses. */
#include "unit.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "oci/file.h"

/* How many names dir holds, . and .. aside. */
static int
count_entries (const char *dir)
{
  DIR *d = opendir (dir);
  struct dirent *de;
  int n = 0;

  if (!d)
    return -1;
  while ((de = readdir (d)))
    n += strcmp (de->d_name, ".") != 0 && strcmp (de->d_name, "..") != 0;
  closedir (d);
  return n;
}

static void
writes_parts_in_order (struct unit_state *st)
{
  char *dir = unit_mkdtemp ("tong-file");
  struct stat sb;
  size_t len = 0;

  CHECK (st, dir != NULL);
  if (!dir)
    return;
  char *path = unit_join (dir, "state.json");
  struct oci_error err = { 0 };
  const struct iovec parts[] = { { "{\"a\":", 5 }, { "", 0 }, { "1}", 2 } };
  CHECK_INT (st, oci_replace_file_at (AT_FDCWD, path, parts, 3, 0600, OCI_REPLACE_SYNC_FILE | OCI_REPLACE_SYNC_DIR,
                                      &err),
             0);
  char *got = unit_read_file (path, &len);
  CHECK_STR (st, got, "{\"a\":1}");
  CHECK (st, stat (path, &sb) == 0 && (sb.st_mode & 07777) == 0600);
  /* Nothing but the file: the temporary one took its name. */
  CHECK_INT (st, count_entries (dir), 1);
  free (got);
  free (path);
  unit_remove_tree (dir);
  free (dir);
}

static void
replaces_whole_file (struct unit_state *st)
{
  char *dir = unit_mkdtemp ("tong-file");
  int dfd;

  CHECK (st, dir != NULL);
  if (!dir)
    return;
  dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  struct oci_error err = { 0 };
  const struct iovec longer = { "a longer first version", 22 };
  const struct iovec shorter = { "v2", 2 };
  CHECK_INT (st, oci_replace_file_at (dfd, "pid", &longer, 1, 0644, 0, &err), 0);
  CHECK_INT (st, oci_replace_file_at (dfd, "pid", &shorter, 1, 0644, OCI_REPLACE_SYNC_DIR, &err), 0);
  char *path = unit_join (dir, "pid");
  char *got = unit_read_file (path, NULL);
  CHECK_STR (st, got, "v2");
  free (got);
  CHECK_INT (st, count_entries (dir), 1);
  free (path);
  close (dfd);
  unit_remove_tree (dir);
  free (dir);
}

/* A rename that fails (the name is a directory) leaves the old contents
 * under the name and no temporary file behind. */
static void
failure_leaves_nothing (struct unit_state *st)
{
  char *dir = unit_mkdtemp ("tong-file");

  CHECK (st, dir != NULL);
  if (!dir)
    return;
  char *target = unit_join (dir, "state.json");
  CHECK (st, mkdir (target, 0700) == 0);
  struct oci_error err = { 0 };
  const struct iovec text = { "{}", 2 };
  int r = oci_replace_file_at (AT_FDCWD, target, &text, 1, 0600, 0, &err);
  CHECK (st, r < 0);
  CHECK (st, strstr (err.msg, "rename") != NULL && strstr (err.msg, target) != NULL);
  CHECK_INT (st, count_entries (dir), 1);
  struct stat sb;
  CHECK (st, stat (target, &sb) == 0 && S_ISDIR (sb.st_mode));

  /* A directory that does not exist: an error naming the file, nothing made. */
  char *missing = unit_join (dir, "no/such/file");
  oci_error_clear (&err);
  CHECK (st, oci_replace_file_at (AT_FDCWD, missing, &text, 1, 0600, 0, &err) < 0);
  CHECK_INT (st, err.errnum, ENOENT);
  CHECK (st, strstr (err.msg, "no/such/.file.tmp-") != NULL);
  CHECK_INT (st, count_entries (dir), 1);
  /* A name that ends in a slash names no file. */
  oci_error_clear (&err);
  CHECK_INT (st, oci_replace_file_at (AT_FDCWD, "x/", &text, 1, 0600, 0, &err), -EINVAL);
  free (missing);
  free (target);
  unit_remove_tree (dir);
  free (dir);
}

/* The temporary file never follows a symbolic link planted at its name. */
static void
temporary_file_does_not_follow_links (struct unit_state *st)
{
  char *dir = unit_mkdtemp ("tong-file");
  char tmp_name[64];

  CHECK (st, dir != NULL);
  if (!dir)
    return;
  snprintf (tmp_name, sizeof tmp_name, ".pid.tmp-%ld", (long) getpid ());
  char *victim = unit_join (dir, "victim"), *link = unit_join (dir, tmp_name), *path = unit_join (dir, "pid");
  int fd = open (victim, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  CHECK (st, fd >= 0 && write (fd, "keep", 4) == 4);
  if (fd >= 0)
    close (fd);
  CHECK (st, symlink (victim, link) == 0);
  struct oci_error err = { 0 };
  const struct iovec text = { "42", 2 };
  CHECK (st, oci_replace_file_at (AT_FDCWD, path, &text, 1, 0644, 0, &err) < 0);
  char *got = unit_read_file (victim, NULL);
  CHECK_STR (st, got, "keep");
  free (got);
  free (victim);
  free (link);
  free (path);
  unit_remove_tree (dir);
  free (dir);
}

static void
write_all_reports_the_file (struct unit_state *st)
{
  struct oci_error err = { 0 };
  int fds[2];

  CHECK (st, pipe (fds) == 0);
  close (fds[0]);
  /* A pipe without a reader: EPIPE (SIGPIPE ignored for the test). */
  signal (SIGPIPE, SIG_IGN);
  CHECK (st, oci_write_all (fds[1], "x", 1, "the pipe", &err) < 0);
  CHECK_INT (st, err.errnum, EPIPE);
  CHECK (st, strstr (err.msg, "write the pipe") != NULL);
  close (fds[1]);
}

int
main (void)
{
  struct unit_totals totals = { 0 };

  RUN (writes_parts_in_order);
  RUN (replaces_whole_file);
  RUN (failure_leaves_nothing);
  RUN (temporary_file_does_not_follow_links);
  RUN (write_all_reports_the_file);
  return unit_done (&totals);
}
