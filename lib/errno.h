/* SPDX-License-Identifier: MIT */
/* Error numbers: fallible functions return 0 or a negative one of these. */
#ifndef LIB_ERRNO_H
#define LIB_ERRNO_H

#define ENOENT 2
#define EIO 5
#define E2BIG 7
#define ENOMEM 12
#define EFAULT 14
#define EBUSY 16
#define EEXIST 17
#define ENODEV 19
#define EINVAL 22
#define ERANGE 34
#define ENOSYS 38
#define ENODATA 61
#define EPROTO 71
#define EOVERFLOW 75
#define EBADMSG 74
#define ENOTSUP 95
#define ETIMEDOUT 110

/** Short name of a (positive) errno value, for log lines. */
const char *errno_name(int err);

#endif /* LIB_ERRNO_H */
