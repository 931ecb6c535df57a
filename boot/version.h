/* SPDX-License-Identifier: MIT */
#ifndef BOOT_VERSION_H
#define BOOT_VERSION_H
#define SIDEVISOR_VERSION "0.1-dev"
#endif
