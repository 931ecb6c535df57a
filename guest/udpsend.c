// SPDX-License-Identifier: MIT
/*
 * udpsend: the guest's tiny static UDP tool (busybox has no UDP sender).
 * Transmit mode sends exactly BYTES payload bytes to DST:PORT in datagrams of
 * SIZE bytes (the last one shorter); receive mode counts payload bytes arriving
 * on a UDP port until BYTES arrived or TIMEOUT seconds passed.
 * Payload byte j of datagram s is (s + j) & 0xff, so a receiver can check
 * content and order (tests/peer/peer.py does).
 * Output lines are parsed by guest/init: "sent ..." / "received ...".
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define UDPSEND_MAX_PAYLOAD 65507u
#define UDPSEND_RX_READY "SV-RX-READY"

static void usage(void)
{
	fprintf(stderr,
		"usage: udpsend [-s size] DST_IP PORT BYTES\n"
		"       udpsend -r PORT BYTES TIMEOUT_S [PEER_IP]\n"
		"  tx: send exactly BYTES payload bytes in SIZE-byte datagrams (default 1472)\n"
		"  rx: count payload bytes on PORT until BYTES or TIMEOUT_S; if PEER_IP is\n"
		"      given, send \"" UDPSEND_RX_READY " <BYTES>\" to PEER_IP:PORT every\n"
		"      second until the first datagram arrives\n");
	exit(2);
}

static int parse_u64(const char *s, unsigned long long *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 0);
	if (errno || end == s || *end || s[0] == '-')
		return -1;
	return 0;
}

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void fill_pattern(unsigned char *buf, size_t len, uint64_t seq)
{
	for (size_t j = 0; j < len; j++)
		buf[j] = (unsigned char)(seq + j);
}

static int do_tx(const char *dst, unsigned long long port, unsigned long long bytes,
		 unsigned long long size)
{
	static unsigned char buf[UDPSEND_MAX_PAYLOAD];
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	unsigned long long sent = 0, packets = 0, retries = 0;
	int one = 1, fd;
	uint64_t t0, dt;

	if (inet_pton(AF_INET, dst, &sa.sin_addr) != 1) {
		fprintf(stderr, "udpsend: bad address %s\n", dst);
		return 1;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("udpsend: socket");
		return 1;
	}
	/* Without IP_RECVERR a qdisc drop is silently reported as success. */
	if (setsockopt(fd, IPPROTO_IP, IP_RECVERR, &one, sizeof(one)) < 0)
		perror("udpsend: IP_RECVERR");
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("udpsend: connect");
		return 1;
	}
	t0 = now_us();
	while (sent < bytes) {
		size_t len = (size_t)(bytes - sent < size ? bytes - sent : size);
		ssize_t n;

		fill_pattern(buf, len, packets);
		n = send(fd, buf, len, 0);
		if (n < 0) {
			if ((errno == ENOBUFS || errno == EAGAIN || errno == EINTR) &&
			    retries < 1000000) {
				retries++;
				usleep(100);
				continue;
			}
			fprintf(stderr, "udpsend: send after %llu bytes: %s\n", sent,
				strerror(errno));
			printf("sent bytes=%llu packets=%llu\n", sent, packets);
			return 1;
		}
		if ((size_t)n != len) {
			fprintf(stderr, "udpsend: short send %zd of %zu\n", n, len);
			return 1;
		}
		sent += len;
		packets++;
	}
	dt = now_us() - t0;
	printf("sent bytes=%llu packets=%llu usecs=%llu kbps=%llu retries=%llu\n", sent,
	       packets, (unsigned long long)dt,
	       dt ? (unsigned long long)(sent * 8000ull / dt) : 0ull, retries);
	close(fd);
	return 0;
}

static int do_rx(unsigned long long port, unsigned long long bytes, unsigned long long timeout_s,
		 const char *peer)
{
	static unsigned char buf[UDPSEND_MAX_PAYLOAD + 1];
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				  .sin_addr.s_addr = htonl(INADDR_ANY) };
	unsigned long long got = 0, packets = 0, bad = 0;
	int rcvbuf = 16 << 20, fd;
	uint64_t t0, deadline, first = 0, last = 0, next_notify = 0;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("udpsend: socket");
		return 1;
	}
	/* Root in the guest: force a large buffer so a slow reader drops nothing. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("udpsend: bind");
		return 1;
	}
	struct sockaddr_in pa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	if (peer && inet_pton(AF_INET, peer, &pa.sin_addr) != 1) {
		fprintf(stderr, "udpsend: bad address %s\n", peer);
		return 1;
	}
	t0 = now_us();
	deadline = t0 + timeout_s * 1000000ull;
	while (got < bytes) {
		uint64_t now = now_us();
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int ms, r;

		if (now >= deadline)
			break;
		/* Re-announce every second until the first datagram arrives. */
		if (peer && packets == 0 && now >= next_notify) {
			char msg[64];
			int len = snprintf(msg, sizeof(msg), UDPSEND_RX_READY " %llu", bytes);

			if (sendto(fd, msg, (size_t)len, 0, (struct sockaddr *)&pa, sizeof(pa)) < 0)
				perror("udpsend: notify");
			next_notify = now + 1000000u;
		}
		ms = (int)((deadline - now) / 1000u) + 1;
		if (peer && packets == 0 && ms > 1000)
			ms = 1000;
		r = poll(&pfd, 1, ms);
		if (r < 0 && errno != EINTR) {
			perror("udpsend: poll");
			break;
		}
		if (r <= 0)
			continue;
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0)
			continue;
		for (ssize_t j = 0; j < n; j++) {
			if (buf[j] != (unsigned char)(packets + (unsigned long long)j)) {
				bad++;
				break;
			}
		}
		if (!first)
			first = now_us();
		last = now_us();
		got += (unsigned long long)n;
		packets++;
	}
	uint64_t dt = last > first ? last - first : 0;
	printf("received bytes=%llu packets=%llu bad=%llu usecs=%llu kbps=%llu%s\n", got, packets,
	       bad, (unsigned long long)dt, dt ? (unsigned long long)(got * 8000ull / dt) : 0ull,
	       got < bytes ? " timeout" : "");
	close(fd);
	return got == bytes && bad == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	unsigned long long size = 1472, a, b, c;
	int rx = 0, opt;

	while ((opt = getopt(argc, argv, "rs:")) != -1) {
		switch (opt) {
		case 'r':
			rx = 1;
			break;
		case 's':
			if (parse_u64(optarg, &size) || size == 0 || size > UDPSEND_MAX_PAYLOAD)
				usage();
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (rx) {
		if (argc < 3 || argc > 4 || parse_u64(argv[0], &a) || parse_u64(argv[1], &b) ||
		    parse_u64(argv[2], &c) || a == 0 || a > 65535 || c > 86400)
			usage();
		return do_rx(a, b, c, argc == 4 ? argv[3] : NULL);
	}
	if (argc != 3 || parse_u64(argv[1], &a) || parse_u64(argv[2], &b) || a == 0 || a > 65535)
		usage();
	return do_tx(argv[0], a, b, size);
}
