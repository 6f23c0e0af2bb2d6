#ifndef TONG_SUPPORTED_H
#define TONG_SUPPORTED_H

#include "oci/error.h"
#include "oci/runtime-spec.h"
#include "runtime.h"

int tong_check_supported (const struct tong_globals *g, const struct oci_spec *spec, struct oci_error *err);

#endif
