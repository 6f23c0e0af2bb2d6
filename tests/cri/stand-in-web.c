/* tests/cri/stand-in-web.c — the web server of the critest stand-in images
 * (tests/cri/make-critest-images): critest's nginx and httpd images are
 * not reachable here, and what critest checks of them is small.
 *
 *   stand-in-web nginx [ARGS...]   as nginx: re-executes itself so that its
 *       command line reads "nginx: master process ..." (critest looks for
 *       that in /proc/1/cmdline and finds the process with `pidof nginx`,
 *       so the binary must be installed under the name nginx), writes its
 *       pid to /var/run/nginx.pid, serves port 80
 *   stand-in-web httpd             as httpd: logs the command line the real
 *       httpd logs (critest waits for "httpd -D FOREGROUND" in the log),
 *       serves port 80
 *
 * The mode is the first argument, or the name the program was run under.
 * Every request gets 200 and a small page.  SIGTERM and SIGINT end it with
 * status 0.  Built static by the lane. */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define NGINX_TITLE "nginx: master process nginx -g daemon off;"
#define PAGE "<!DOCTYPE html>\n<html><head><title>Welcome to nginx!</title></head>\n" \
	     "<body><h1>Welcome to nginx!</h1><p>Tong's critest stand-in.</p></body></html>\n"

static void on_term(int sig)
{
	(void)sig;
	_exit(0);
}

static int listen_on(int port)
{
	struct sockaddr_in6 addr = { .sin6_family = AF_INET6, .sin6_port = htons(port) };
	int one = 1, zero = 0;
	int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	/* One socket for IPv4 and IPv6: pods here have IPv4 addresses only,
	 * port-forward may come in on either loopback. */
	setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(fd, 64) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void serve_one(int conn)
{
	char buf[4096], head[256];
	struct timeval tv = { .tv_sec = 5 };
	size_t got = 0;
	ssize_t n;
	int len;

	/* A client that sends nothing must not stop the server for long. */
	setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(conn, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	while (got < sizeof(buf) - 1) {
		n = read(conn, buf + got, sizeof(buf) - 1 - got);
		if (n <= 0)
			break;
		got += (size_t)n;
		buf[got] = '\0';
		if (strstr(buf, "\r\n\r\n") || strstr(buf, "\n\n"))
			break;
	}
	len = snprintf(head, sizeof(head),
		       "HTTP/1.1 200 OK\r\nServer: tong-stand-in\r\nContent-Type: text/html\r\n"
		       "Content-Length: %zu\r\nConnection: close\r\n\r\n", strlen(PAGE));
	if (write(conn, head, (size_t)len) == len)
		(void)!write(conn, PAGE, strlen(PAGE));
}

int main(int argc, char **argv)
{
	const char *name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	const char *mode = name;
	int fd;

	if (argc > 1 && (!strcmp(argv[1], "nginx") || !strcmp(argv[1], "httpd")))
		mode = argv[1];
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	signal(SIGPIPE, SIG_IGN);

	if (!strncmp(mode, "nginx", 5)) {
		if (strncmp(argv[0], "nginx:", 6) != 0) {
			/* Exec the file itself (its name stays the process's comm,
			 * "nginx"), with the title as argv[0], as nginx's master
			 * looks in ps. */
			char self[4096];
			ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
			char *title[] = { NGINX_TITLE, NULL };

			if (n <= 0) {
				perror("stand-in-web: /proc/self/exe");
				return 1;
			}
			self[n] = '\0';
			execv(self, title);
			perror("stand-in-web: re-exec");
			return 1;
		}
		FILE *pid_file = fopen("/var/run/nginx.pid", "w");
		if (!pid_file) {
			perror("stand-in-web: /var/run/nginx.pid");
			return 1;
		}
		fprintf(pid_file, "%d\n", (int)getpid());
		fclose(pid_file);
	} else {
		fprintf(stderr, "[tong stand-in httpd] AH00094: Command line: 'httpd -D FOREGROUND'\n");
	}

	fd = listen_on(80);
	if (fd < 0) {
		fprintf(stderr, "stand-in-web: cannot listen on port 80: %s\n", strerror(errno));
		return 1;
	}
	for (;;) {
		int conn = accept4(fd, NULL, NULL, SOCK_CLOEXEC);

		if (conn < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			fprintf(stderr, "stand-in-web: accept: %s\n", strerror(errno));
			return 1;
		}
		serve_one(conn);
		close(conn);
	}
}
