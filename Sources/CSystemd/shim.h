#ifndef LAUREL_CSYSTEMD_SHIM_H
#define LAUREL_CSYSTEMD_SHIM_H
#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>
/* Not systemd, but the one other C interface the daemon needs that Swift's Glibc module leaves
   out: malloc_trim, to give a big ingest batch's freed heap back to the system. */
#include <malloc.h>
#endif
