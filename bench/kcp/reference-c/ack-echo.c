/*
 * An echo peer on the reference C KCP (ikcp.c), for bench/kcp/ack-latency.ts: one conversation
 * (conv 0x4b435031) on a UDP socket bound to 127.0.0.1 on a free port, which it prints. It runs
 * the loop the reference library documents: wait for a datagram or the time ikcp_check names,
 * ikcp_input every datagram that came, echo every whole message with ikcp_send, ikcp_update.
 * Modes: "normal" (nodelay 0, interval 40, no fast resend, congestion control) and "fast"
 * (nodelay 1, interval 10, fast resend 2, no congestion control), as KCP_PRESETS.
 * Usage: ack-echo normal|fast. It runs until it is killed.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include "ikcp.h"

static int sock;
static struct sockaddr_in peer;
static int have_peer = 0;

static IUINT32 now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (IUINT32)(t.tv_sec * 1000 + t.tv_nsec / 1000000);
}

static int output(const char *buf, int len, ikcpcb *kcp, void *user) {
  (void)kcp;
  (void)user;
  if (have_peer) sendto(sock, buf, len, 0, (struct sockaddr *)&peer, sizeof peer);
  return 0;
}

int main(int argc, char **argv) {
  int fast = argc > 1 && strcmp(argv[1], "fast") == 0;
  sock = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in at = {0};
  at.sin_family = AF_INET;
  at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  at.sin_port = 0;
  if (bind(sock, (struct sockaddr *)&at, sizeof at) != 0) return 1;
  socklen_t at_len = sizeof at;
  getsockname(sock, (struct sockaddr *)&at, &at_len);
  printf("%d\n", ntohs(at.sin_port));
  fflush(stdout);

  ikcpcb *kcp = ikcp_create(0x4b435031, NULL);
  kcp->output = output;
  if (fast) ikcp_nodelay(kcp, 1, 10, 2, 1);
  else ikcp_nodelay(kcp, 0, 40, 0, 0);

  static char buf[65536];
  for (;;) {
    IUINT32 now = now_ms();
    int wait = (int)(ikcp_check(kcp, now) - now);
    struct pollfd p = {sock, POLLIN, 0};
    if (poll(&p, 1, wait > 0 ? wait : 0) > 0) {
      struct sockaddr_in from;
      socklen_t from_len = sizeof from;
      int n;
      while ((n = recvfrom(sock, buf, sizeof buf, MSG_DONTWAIT, (struct sockaddr *)&from, &from_len)) > 0) {
        peer = from;
        have_peer = 1;
        ikcp_input(kcp, buf, n);
        from_len = sizeof from;
      }
    }
    int n;
    while ((n = ikcp_recv(kcp, buf, sizeof buf)) > 0) ikcp_send(kcp, buf, n);
    ikcp_update(kcp, now_ms());
  }
}
