#ifndef LAUREL_CSYSTEMD_SHIM_H
#define LAUREL_CSYSTEMD_SHIM_H
#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>
#endif
