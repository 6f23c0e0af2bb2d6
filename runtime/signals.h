/* Signal names as `tong kill` and image configs (StopSignal) spell them. */
#ifndef TONG_SIGNALS_H
#define TONG_SIGNALS_H

#include "oci/error.h"

/* The real-time range as glibc, kill(1) and Docker's signal table number
 * it (glibc keeps 32 and 33 for itself). */
#define TONG_SIGRTMIN 34
#define TONG_SIGRTMAX 64

/* Accepts what runc's kill accepts: a number ("9"), a name with or without
 * the SIG prefix in any case ("TERM", "SIGTERM", "term"); and beyond runc,
 * the real-time names of kill(1) and Docker ("RTMIN", "SIGRTMIN+3",
 * "RTMAX-2") and the aliases IOT, POLL, CLD.  Numbers must lie in
 * 0..TONG_SIGRTMAX (0 only probes, as kill(2) does).  Anything else is
 * `unknown signal "FOO"`. */
int tong_signal_parse (const char *s, int *ret, struct oci_error *err);

/* "SIGTERM", "SIGRTMIN+3", "SIGRTMAX"; NULL for 0, 32, 33 and numbers
 * outside 1..TONG_SIGRTMAX. */
const char *tong_signal_name (int sig);

#endif
