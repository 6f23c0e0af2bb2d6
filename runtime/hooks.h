/* OCI hooks: each runs with the container state JSON on stdin, its own
 * args and env, and an optional timeout. */
#ifndef TONG_HOOKS_H
#define TONG_HOOKS_H

#include <stddef.h>
#include <stdint.h>

#include "oci/error.h"
#include "oci/runtime-spec.h"

/* The state JSON a hook reads on its stdin. */
int tong_hook_state (const char *id, const char *status, int64_t pid, const char *bundle,
                     const struct oci_strmap *annotations, char **ret, struct oci_error *err);
int tong_hooks_run (const struct oci_spec_hook *hooks, size_t n, const char *kind, const char *state_json,
                    struct oci_error *err);

/* poststart and poststop: a failing hook is a warning, and the remaining
 * hooks still run (runtime-spec). */
struct tong_globals;
void tong_hooks_run_warn (const struct tong_globals *g, const struct oci_spec_hook *hooks, size_t n,
                          const char *kind, const char *state_json);

#endif
