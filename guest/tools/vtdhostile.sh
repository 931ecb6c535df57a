#!/bin/sh
# SPDX-License-Identifier: MIT
# sv.tool=vtdhostile: the hostile userspace VT-d driver (guest/tools/vtdhostile/)
# against the emulated unit; the guest must boot with intel_iommu=off
# iomem=relaxed. Arguments (sv.args, commas for spaces) go to the tool:
#   mode=trap|sidecore phys=0|1 storm=SECONDS seed=N [only=NAME]
# Exits non-zero if any subtest failed (or the tool could not start).
/bin/vtdhostile "$@"
rc=$?
[ $rc = 0 ] || echo "GUEST: vtd rc=$rc"
exit $rc
