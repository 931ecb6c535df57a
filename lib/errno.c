// SPDX-License-Identifier: MIT
/* Names of error numbers for log lines. */
#include "lib/errno.h"

const char *errno_name(int err)
{
	switch (err < 0 ? -err : err) {
	case 0:
		return "OK";
	case ENOENT:
		return "ENOENT";
	case EIO:
		return "EIO";
	case E2BIG:
		return "E2BIG";
	case ENOMEM:
		return "ENOMEM";
	case EFAULT:
		return "EFAULT";
	case EBUSY:
		return "EBUSY";
	case EEXIST:
		return "EEXIST";
	case ENODEV:
		return "ENODEV";
	case EINVAL:
		return "EINVAL";
	case ERANGE:
		return "ERANGE";
	case ENOSYS:
		return "ENOSYS";
	case ENODATA:
		return "ENODATA";
	case EPROTO:
		return "EPROTO";
	case EOVERFLOW:
		return "EOVERFLOW";
	case EBADMSG:
		return "EBADMSG";
	case ENOTSUP:
		return "ENOTSUP";
	case ETIMEDOUT:
		return "ETIMEDOUT";
	default:
		return "E?";
	}
}
