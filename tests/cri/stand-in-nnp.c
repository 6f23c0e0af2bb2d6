/* tests/cri/stand-in-nnp.c — the critest stand-in of the "nonewprivs"
 * image's program, installed setuid root (tests/cri/make-critest-images):
 * prints the effective uid it runs with.  Started by a non-root user it
 * prints 0 unless no_new_privs kept the setuid bit from working. */
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	printf("Effective uid: %d\n", (int)geteuid());
	return 0;
}
