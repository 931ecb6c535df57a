// SPDX-License-Identifier: MIT
/*
 * nicdma: a hostile NIC, programmed from inside the guest. It unbinds the
 * driver of an Intel e1000e-family NIC (82574, QEMU's e1000e), turns on
 * Memory Space and Bus Master, maps BAR0 and points the NIC's DMA at
 * addresses the guest must not reach: "tx:ADDR" puts the transmit
 * descriptor ring at ADDR (descriptor fetch: a DMA read), "rx:ADDR" sends a
 * frame in MAC loopback into a receive buffer at ADDR (a DMA write; the
 * rings and the frame live in locked guest pages found through
 * /proc/self/pagemap, so only without a guest IOMMU). Every wait is bounded;
 * afterwards the NIC is quiesced and the driver bound again.
 * Output: "GUEST: nicdma ..." lines (guest/README.md); exit status 0 when
 * every step ran, 1 on a setup or restore failure, 2 on bad usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* 82574 registers (82574 datasheet 10.2; QEMU hw/net/e1000_regs.h) */
#define REG_CTRL 0x0000
#define REG_STATUS 0x0008
#define REG_ICR 0x00c0
#define REG_IMC 0x00d8
#define REG_RCTL 0x0100
#define REG_TCTL 0x0400
#define REG_RDBAL 0x2800
#define REG_RDBAH 0x2804
#define REG_RDLEN 0x2808
#define REG_RDH 0x2810
#define REG_RDT 0x2818
#define REG_RXCSUM 0x5000
#define REG_RFCTL 0x5008
#define REG_MRQC 0x5818
#define REG_TDBAL 0x3800
#define REG_TDBAH 0x3804
#define REG_TDLEN 0x3808
#define REG_TDH 0x3810
#define REG_TDT 0x3818

#define CTRL_RST (1u << 26)
#define STATUS_LU (1u << 1)
#define RCTL_EN (1u << 1)
#define RCTL_UPE (1u << 3)
#define RCTL_MPE (1u << 4)
#define RCTL_LBM_MAC (1u << 6)
#define RCTL_BAM (1u << 15)
#define TCTL_EN (1u << 1)
#define TCTL_PSP (1u << 3)
#define TXD_CMD_EOP (1u << 24)
#define TXD_CMD_IFCS (1u << 25)
#define TXD_CMD_RS (1u << 27)
#define RXD_STAT_DD 0x01

#define RING_BYTES 128u /* 8 descriptors of 16 bytes: TDLEN/RDLEN granule */
#define FRAME_BYTES 60u
#define BAR0_MIN 0x6000u /* the highest register used, rounded up */

#define PCI_COMMAND 0x04
#define PCI_COMMAND_MEMORY 0x2
#define PCI_COMMAND_MASTER 0x4
#define PCI_STATUS 0x06
#define PCI_STATUS_CAP_LIST 0x10
#define PCI_CAPABILITY_LIST 0x34
#define PCI_CAP_ID_PM 0x01
#define PCI_PM_CTRL 4

static const char *iface = "eth0";
static unsigned int wait_ms = 500;
static char bdf[64], drv[64], devdir[128];
static volatile uint32_t *bar;
static size_t bar_len;

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("GUEST: nicdma ", stdout);
	vprintf(fmt, ap);
	putchar('\n');
	fflush(stdout);
	va_end(ap);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: nicdma [-i IFACE] [-w MS] TARGET...\n"
		"  TARGET: [tx:]ADDR  transmit descriptor ring at ADDR (DMA read)\n"
		"          rx:ADDR    loopback frame into a receive buffer at ADDR (DMA write;\n"
		"                     needs the NIC without a guest IOMMU)\n"
		"  -i IFACE  the NIC's interface [$IFACE or eth0]\n"
		"  -w MS     time per target, so the IOMMU's fault is logged before the next [500]\n");
	exit(2);
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static uint32_t rd(uint32_t off)
{
	return bar[off / 4];
}

static void wr(uint32_t off, uint32_t v)
{
	bar[off / 4] = v;
	__sync_synchronize();
}

/* Basename of a symlink's target into out; -1 if it is not a link. */
static int link_name(const char *path, char *out, size_t len)
{
	char buf[PATH_MAX];
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);
	const char *b;

	if (n < 0)
		return -1;
	buf[n] = 0;
	b = strrchr(buf, '/');
	b = b ? b + 1 : buf;
	if (strlen(b) >= len)
		return -1;
	memcpy(out, b, strlen(b) + 1);
	return 0;
}

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

static int read_hex(const char *path, unsigned long *v)
{
	FILE *f = fopen(path, "r");
	int ok;

	if (!f)
		return -1;
	ok = fscanf(f, "%lx", v) == 1;
	fclose(f);
	return ok ? 0 : -1;
}

static int cfg_rw(int fd, unsigned int off, void *buf, size_t len, int write_it)
{
	ssize_t n = write_it ? pwrite(fd, buf, len, off) : pread(fd, buf, len, off);

	return n == (ssize_t)len ? 0 : -1;
}

/* Memory Space + Bus Master on, PM state D0. Returns the old command. */
static int pci_enable(uint16_t *old_cmd)
{
	char path[256];
	uint16_t cmd, st, pmcsr;
	uint8_t pos, id;
	int fd, hops;

	snprintf(path, sizeof(path), "%s/config", devdir);
	fd = open(path, O_RDWR);
	if (fd < 0) {
		say("FAIL open %s: %s", path, strerror(errno));
		return -1;
	}
	if (cfg_rw(fd, PCI_COMMAND, &cmd, 2, 0) || cfg_rw(fd, PCI_STATUS, &st, 2, 0))
		goto io;
	*old_cmd = cmd;
	/* PM capability: leave D3hot if the unbind put the NIC there */
	if (st & PCI_STATUS_CAP_LIST) {
		if (cfg_rw(fd, PCI_CAPABILITY_LIST, &pos, 1, 0))
			goto io;
		for (hops = 0; pos >= 0x40 && hops < 48; hops++) {
			if (cfg_rw(fd, pos, &id, 1, 0))
				goto io;
			if (id == PCI_CAP_ID_PM) {
				if (cfg_rw(fd, pos + PCI_PM_CTRL, &pmcsr, 2, 0))
					goto io;
				if (pmcsr & 3) {
					say("pm D%u -> D0", pmcsr & 3);
					pmcsr &= (uint16_t)~3u;
					if (cfg_rw(fd, pos + PCI_PM_CTRL, &pmcsr, 2, 1))
						goto io;
					sleep_ms(10);
				}
				break;
			}
			if (cfg_rw(fd, pos + 1, &pos, 1, 0))
				goto io;
			pos &= (uint8_t)~3u;
		}
	}
	cmd |= PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	if (cfg_rw(fd, PCI_COMMAND, &cmd, 2, 1) || cfg_rw(fd, PCI_COMMAND, &cmd, 2, 0))
		goto io;
	close(fd);
	say("command 0x%04x -> 0x%04x", *old_cmd, cmd);
	if ((cmd & (PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER)) !=
	    (PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER)) {
		say("FAIL memory space / bus master did not stick");
		return -1;
	}
	return 0;
io:
	say("FAIL config space of %s: %s", bdf, strerror(errno));
	close(fd);
	return -1;
}

static int pci_set_command(uint16_t cmd)
{
	char path[256];
	int fd, r;

	snprintf(path, sizeof(path), "%s/config", devdir);
	fd = open(path, O_RDWR);
	if (fd < 0)
		return -1;
	r = cfg_rw(fd, PCI_COMMAND, &cmd, 2, 1);
	close(fd);
	return r;
}

static int map_bar0(void)
{
	char path[256];
	struct stat sb;
	void *p;
	int fd;

	snprintf(path, sizeof(path), "%s/resource0", devdir);
	fd = open(path, O_RDWR | O_SYNC);
	if (fd < 0 || fstat(fd, &sb)) {
		say("FAIL open %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	bar_len = (size_t)sb.st_size;
	if (bar_len < BAR0_MIN) {
		say("FAIL BAR0 of %s is %zu bytes (need %u)", bdf, bar_len, BAR0_MIN);
		close(fd);
		return -1;
	}
	p = mmap(NULL, bar_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		say("FAIL mmap %s: %s", path, strerror(errno));
		return -1;
	}
	bar = p;
	if (rd(REG_STATUS) == 0xffffffffu) {
		say("FAIL BAR0 reads all-ones (device not responding)");
		return -1;
	}
	return 0;
}

/* Everything off: no DMA, no interrupts, rings cleared. CTRL.RST as well. */
static int nic_quiesce(const char *why)
{
	unsigned int i;

	wr(REG_IMC, 0xffffffffu);
	wr(REG_RCTL, 0);
	wr(REG_TCTL, 0);
	sleep_ms(2);
	wr(REG_CTRL, rd(REG_CTRL) | CTRL_RST);
	sleep_ms(2);
	for (i = 0; i < 100 && (rd(REG_CTRL) & CTRL_RST); i++)
		sleep_ms(1);
	wr(REG_IMC, 0xffffffffu);
	(void)rd(REG_ICR);
	wr(REG_RCTL, 0);
	wr(REG_TCTL, 0);
	wr(REG_TDLEN, 0);
	wr(REG_TDBAL, 0);
	wr(REG_TDBAH, 0);
	wr(REG_TDH, 0);
	wr(REG_TDT, 0);
	wr(REG_RDLEN, 0);
	wr(REG_RDBAL, 0);
	wr(REG_RDBAH, 0);
	wr(REG_RDH, 0);
	wr(REG_RDT, 0);
	if (rd(REG_CTRL) & CTRL_RST) {
		say("FAIL reset (%s): CTRL.RST still set", why);
		return -1;
	}
	say("reset (%s) status=0x%08x", why, rd(REG_STATUS));
	return 0;
}

/* Transmit descriptor ring at target: the NIC fetches descriptor 0. */
static void dma_tx_ring(uint64_t target)
{
	unsigned int i;
	uint32_t tdh = 0;

	/* announce first: the hypervisor may log the fault on the same console
	 * while the DMA runs; the result comes after the wait */
	say("tx-ring target=0x%llx dma=read start", (unsigned long long)target);
	wr(REG_TCTL, 0);
	wr(REG_TDBAL, (uint32_t)target);
	wr(REG_TDBAH, (uint32_t)(target >> 32));
	wr(REG_TDLEN, RING_BYTES);
	wr(REG_TDH, 0);
	wr(REG_TDT, 0);
	wr(REG_TCTL, TCTL_EN | TCTL_PSP);
	wr(REG_TDT, 1); /* one descriptor ready: fetch it */
	for (i = 0; i < wait_ms; i++) {
		tdh = rd(REG_TDH);
		if (tdh != 0)
			break;
		sleep_ms(1);
	}
	if (i < wait_ms)
		sleep_ms(wait_ms - i);
	say("tx-ring target=0x%llx tdh=%u%s", (unsigned long long)target, tdh,
	    tdh ? "" : " (no fetch seen)");
	wr(REG_TCTL, 0);
	wr(REG_TDLEN, 0);
	wr(REG_TDBAL, 0);
	wr(REG_TDBAH, 0);
	wr(REG_TDH, 0);
	wr(REG_TDT, 0);
}

/* A locked, zeroed page and its physical address (root: pagemap PFNs). */
static int dma_page(void **va, uint64_t *pa)
{
	long psz = sysconf(_SC_PAGESIZE);
	uint64_t ent;
	int fd;
	void *p;

	p = mmap(NULL, (size_t)psz, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED | MAP_POPULATE, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	memset(p, 0, (size_t)psz);
	fd = open("/proc/self/pagemap", O_RDONLY);
	if (fd < 0)
		return -1;
	if (pread(fd, &ent, sizeof(ent), (off_t)((uintptr_t)p / (uintptr_t)psz * 8)) !=
	    sizeof(ent)) {
		close(fd);
		return -1;
	}
	close(fd);
	if (!(ent & (1ull << 63)) || !(ent & ((1ull << 55) - 1)))
		return -1;
	*va = p;
	*pa = (ent & ((1ull << 55) - 1)) * (uint64_t)psz;
	return 0;
}

/*
 * Receive buffer at target: the receive ring (one descriptor, its buffer the
 * target), a transmit ring and a frame in guest pages; MAC loopback turns
 * the transmitted frame into a received one, written to the target.
 */
static int dma_rx_buffer(uint64_t target)
{
	static void *rxv, *txv, *frv;
	static uint64_t rxp, txp, frp;
	volatile uint64_t *rxd, *txd;
	unsigned int i;
	uint8_t *fr;
	uint32_t rdh = 0, st;

	char grp[256];

	/* the rings' addresses are physical: no guest IOMMU may translate them */
	snprintf(grp, sizeof(grp), "%s/iommu_group", devdir);
	if (access(grp, F_OK) == 0) {
		say("FAIL rx:0x%llx needs the NIC without a guest IOMMU (it has %s)",
		    (unsigned long long)target, grp);
		return -1;
	}
	if (!rxv && (dma_page(&rxv, &rxp) || dma_page(&txv, &txp) || dma_page(&frv, &frp))) {
		say("FAIL no physical pages for the rings (pagemap): %s", strerror(errno));
		return -1;
	}
	rxd = rxv;
	txd = txv;
	fr = frv;
	memset(rxv, 0, RING_BYTES);
	memset(txv, 0, RING_BYTES);
	memset(fr, 0xff, 6);			       /* broadcast */
	memcpy(fr + 6, "\x02\x00\x00\x00\x00\x02", 6); /* local unicast source */
	fr[12] = 0x88;				       /* local experimental ethertype */
	fr[13] = 0xb5;
	for (i = 14; i < FRAME_BYTES; i++)
		fr[i] = (uint8_t)i;
	rxd[0] = target; /* legacy receive descriptor: buffer address */
	rxd[1] = 0;
	txd[0] = frp; /* legacy transmit descriptor */
	txd[1] = FRAME_BYTES | TXD_CMD_EOP | TXD_CMD_IFCS | TXD_CMD_RS;
	__sync_synchronize();

	say("rx-buffer target=0x%llx dma=write start", (unsigned long long)target);
	/* receive: legacy descriptors (RFCTL.EXSTEN 0), queue 0 (no RSS), 2 KiB */
	wr(REG_RCTL, 0);
	wr(REG_RFCTL, 0);
	wr(REG_MRQC, 0);
	wr(REG_RXCSUM, 0);
	wr(REG_RDBAL, (uint32_t)rxp);
	wr(REG_RDBAH, (uint32_t)(rxp >> 32));
	wr(REG_RDLEN, RING_BYTES);
	wr(REG_RDH, 0);
	wr(REG_RDT, 1);
	wr(REG_RCTL, RCTL_EN | RCTL_UPE | RCTL_MPE | RCTL_BAM | RCTL_LBM_MAC);
	/* transmit one frame */
	wr(REG_TCTL, 0);
	wr(REG_TDBAL, (uint32_t)txp);
	wr(REG_TDBAH, (uint32_t)(txp >> 32));
	wr(REG_TDLEN, RING_BYTES);
	wr(REG_TDH, 0);
	wr(REG_TDT, 0);
	wr(REG_TCTL, TCTL_EN | TCTL_PSP);
	wr(REG_TDT, 1);
	for (i = 0; i < wait_ms; i++) {
		rdh = rd(REG_RDH);
		if (rdh != 0)
			break;
		sleep_ms(1);
	}
	if (i < wait_ms)
		sleep_ms(wait_ms - i);
	st = (uint32_t)(rxd[1] >> 32) & 0xff;
	say("rx-buffer target=0x%llx rdh=%u desc-status=0x%02x length=%u tx-status=0x%02x%s",
	    (unsigned long long)target, rdh, st, (unsigned int)(rxd[1] & 0xffff),
	    (unsigned int)(txd[1] >> 32) & 0xff, rdh ? "" : " (no frame received)");
	wr(REG_RCTL, 0);
	wr(REG_TCTL, 0);
	wr(REG_RDLEN, 0);
	wr(REG_RDBAL, 0);
	wr(REG_RDBAH, 0);
	wr(REG_RDH, 0);
	wr(REG_RDT, 0);
	wr(REG_TDLEN, 0);
	wr(REG_TDBAL, 0);
	wr(REG_TDBAH, 0);
	wr(REG_TDH, 0);
	wr(REG_TDT, 0);
	return 0;
}

static int unbind(void)
{
	char path[256];
	int i;

	snprintf(path, sizeof(path), "/sys/bus/pci/drivers/%s/unbind", drv);
	if (write_str(path, bdf)) {
		say("FAIL unbind %s from %s: %s", bdf, drv, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof(path), "%s/driver", devdir);
	for (i = 0; i < 200 && access(path, F_OK) == 0; i++)
		sleep_ms(10);
	if (access(path, F_OK) == 0) {
		say("FAIL %s still has a driver after unbind", bdf);
		return -1;
	}
	say("unbound %s from %s", bdf, drv);
	return 0;
}

static int rebind(void)
{
	char path[256], name[64] = "";
	int i;

	snprintf(path, sizeof(path), "/sys/bus/pci/drivers/%s/bind", drv);
	if (write_str(path, bdf)) {
		say("FAIL bind %s to %s: %s", bdf, drv, strerror(errno));
		return -1;
	}
	/* the interface appears under the device when the probe finished */
	snprintf(path, sizeof(path), "%s/net", devdir);
	for (i = 0; i < 1000 && !name[0]; i++) {
		DIR *d = opendir(path);
		struct dirent *de;

		while (d && (de = readdir(d)))
			if (de->d_name[0] != '.' && strlen(de->d_name) < sizeof(name))
				memcpy(name, de->d_name, strlen(de->d_name) + 1);
		if (d)
			closedir(d);
		if (!name[0])
			sleep_ms(10);
	}
	if (!name[0]) {
		say("FAIL no interface after binding %s to %s", bdf, drv);
		return -1;
	}
	say("rebound %s to %s iface=%s", bdf, drv, name);
	return 0;
}

static int parse_target(const char *s, int *rx, uint64_t *addr)
{
	char *end;

	*rx = 0;
	if (!strncmp(s, "tx:", 3)) {
		s += 3;
	} else if (!strncmp(s, "rx:", 3)) {
		*rx = 1;
		s += 3;
	}
	errno = 0;
	*addr = strtoull(s, &end, 0);
	return errno || end == s || *end || s[0] == '-' ? -1 : 0;
}

int main(int argc, char **argv)
{
	char path[256];
	unsigned long ven = 0, dev = 0;
	uint16_t old_cmd = 0;
	int opt, i, rc = 0;
	const char *e = getenv("IFACE");

	if (e && *e)
		iface = e;
	while ((opt = getopt(argc, argv, "i:w:")) != -1) {
		switch (opt) {
		case 'i':
			iface = optarg;
			break;
		case 'w':
			wait_ms = (unsigned int)strtoul(optarg, NULL, 0);
			if (wait_ms < 10 || wait_ms > 10000)
				usage();
			break;
		default:
			usage();
		}
	}
	if (optind >= argc)
		usage();
	for (i = optind; i < argc; i++) {
		int rx;
		uint64_t a;

		if (parse_target(argv[i], &rx, &a)) {
			fprintf(stderr, "nicdma: bad target '%s'\n", argv[i]);
			usage();
		}
	}

	snprintf(path, sizeof(path), "/sys/class/net/%s/device", iface);
	if (link_name(path, bdf, sizeof(bdf))) {
		say("FAIL %s has no PCI device (%s)", iface, path);
		return 1;
	}
	snprintf(devdir, sizeof(devdir), "/sys/bus/pci/devices/%s", bdf);
	snprintf(path, sizeof(path), "%s/driver", devdir);
	if (link_name(path, drv, sizeof(drv))) {
		say("FAIL %s has no driver", bdf);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/vendor", devdir);
	read_hex(path, &ven);
	snprintf(path, sizeof(path), "%s/device", devdir);
	read_hex(path, &dev);
	say("nic %s %04lx:%04lx driver=%s iface=%s", bdf, ven, dev, drv, iface);
	if (ven != 0x8086 || strcmp(drv, "e1000e")) {
		say("FAIL only the e1000e's register layout is known");
		return 1;
	}

	if (unbind())
		return 1;
	if (pci_enable(&old_cmd) || map_bar0() || nic_quiesce("before")) {
		rc = 1;
		goto rebind;
	}
	say("link %s", rd(REG_STATUS) & STATUS_LU ? "up" : "down");
	for (i = optind; i < argc; i++) {
		int rx;
		uint64_t a;

		parse_target(argv[i], &rx, &a);
		if (rx) {
			if (dma_rx_buffer(a))
				rc = 1;
		} else {
			dma_tx_ring(a);
		}
	}
	if (nic_quiesce("after"))
		rc = 1;
rebind:
	if (bar)
		munmap((void *)bar, bar_len);
	/* as the unbind left it (bus master off): the driver turns it on again */
	if (pci_set_command(old_cmd))
		say("warning: cannot restore the command register");
	if (rebind())
		rc = 1;
	say("rc=%d", rc);
	return rc;
}
