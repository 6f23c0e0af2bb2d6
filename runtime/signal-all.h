#ifndef TONG_SIGNAL_ALL_H
#define TONG_SIGNAL_ALL_H

#include <stddef.h>
#include <sys/types.h>

#include "container.h"

int tong_container_pids (const struct tong_container *c, pid_t **ret, size_t *ret_len, struct oci_error *err);
int tong_signal_all (const struct tong_container *c, int sig, struct oci_error *err);

#endif
