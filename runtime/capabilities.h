/* process.capabilities: the five sets as bitmasks by capability number.
 *
 * Order in the container's init (or exec'd process):
 *   1. tong_caps_drop_bounding ()  while still root with CAP_SETPCAP;
 *   2. prctl (PR_SET_KEEPCAPS, 1), then setgroups/setresgid/setresuid: the
 *      kernel empties the permitted set at setuid to non-root unless
 *      KEEPCAPS is set (it clears the effective set either way);
 *   3. tong_caps_apply (): capset and the ambient set.
 * KEEPCAPS is reset by execve, so nothing needs to undo it. */
#ifndef TONG_CAPABILITIES_H
#define TONG_CAPABILITIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "oci/error.h"
#include "oci/runtime-spec.h"

struct tong_caps {
  uint64_t bounding, effective, inheritable, permitted, ambient;
  /* Whether the spec lists the set at all; an absent set means empty, as in
   * runc and crun, but callers may want to tell the two apart. */
  bool bounding_set, effective_set, inheritable_set, permitted_set, ambient_set;
  /* Names libcap knows but this kernel does not (above its last
   * capability, tong_caps_last_cap): left out of the sets above.  The
   * runtime-spec wants a warning for them, not a failure. */
  uint64_t unavailable;
  /* Ambient capabilities missing from permitted or inheritable: the kernel
   * refuses to raise them, so they are left out of `ambient` (runc and
   * crun ignore that failure; the spec asks for a warning). */
  uint64_t ambient_dropped;
};

/* Names → numbers.  A name must be spelt CAP_[A-Z0-9_]+ and be known to
 * libcap; otherwise `process.capabilities.bounding: unknown capability
 * "CAP_FOO"`.  Pure: safe to call at `create` before anything runs. */
int tong_caps_from_spec (const struct oci_spec_capabilities *c, struct tong_caps *ret, struct oci_error *err);

/* PR_CAPBSET_DROP for every capability of this kernel not in c->bounding. */
int tong_caps_drop_bounding (const struct tong_caps *c, struct oci_error *err);

/* After setuid (see the order above): clears the ambient set, capsets
 * exactly effective/permitted/inheritable — never an inheritable bit the
 * spec did not ask for (CVE-2022-27650) — then raises each ambient
 * capability.  Capabilities this process does not hold itself (a runtime
 * running without CAP_SYS_RESOURCE, say) are left out instead of failing,
 * as the runtime-spec asks. */
int tong_caps_apply (const struct tong_caps *c, struct oci_error *err);

/* Every capability name this kernel supports ("CAP_CHOWN"...), in number
 * order; a NULL-terminated array the caller frees (each string and the
 * array).  Returns 0 or a negative errno. */
int tong_caps_names (char ***ret, size_t *ret_len);

/* "CAP_BPF, CAP_PERFMON" for the bits of mask, for warnings; NULL on ENOMEM. */
char *tong_caps_mask_to_string (uint64_t mask);

/* The kernel's last capability (what /proc/sys/kernel/cap_last_cap says),
 * asked of the kernel itself. */
int tong_caps_last_cap (void);

#endif
