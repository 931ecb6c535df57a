hv-objs +=
