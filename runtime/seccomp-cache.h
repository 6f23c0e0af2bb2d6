/* Compiled seccomp programs kept on disk, so that a profile is compiled
 * once, not at every create and exec: libseccomp's compiler costs 13-33 ms
 * of CPU for containers-common's default profile, most of a container
 * start.
 *
 * An entry is <dir>/<16 hex digits>, a hash of its key; the key is every
 * input of the program (the profile's default action, architectures and
 * rules, tong's and libseccomp's versions, libseccomp's API level, the
 * kernel's release and machine) and is stored whole in the entry, which is
 * used only when its key matches byte for byte.  A missing, short, foreign
 * or damaged entry is a miss, never an error; entries are written to a
 * temporary file and renamed into place.  The directory is made 0700; at
 * 256 entries it is emptied before the next is stored. */
#ifndef TONG_SECCOMP_CACHE_H
#define TONG_SECCOMP_CACHE_H

#include <stddef.h>

#include <linux/filter.h>

#include "oci/runtime-spec.h"

/* <root>/@cache/seccomp: '@' is in no container id, so no container's
 * directory can be it.  New string, NULL on ENOMEM. */
char *tong_seccomp_cache_dir (const char *root);

/* The key of s; a new buffer in *ret.  -ENOMEM on failure. */
int tong_seccomp_cache_key (const struct oci_spec_seccomp *s, char **ret, size_t *ret_len);

/* 1 and a new program in *ret when dir holds one for key, else 0. */
int tong_seccomp_cache_get (const char *dir, const char *key, size_t key_len, struct sock_filter **ret,
                            size_t *ret_len);

/* Best effort: stores the program; 0, or -errno when it could not. */
int tong_seccomp_cache_put (const char *dir, const char *key, size_t key_len, const struct sock_filter *insns,
                            size_t len);

#endif
