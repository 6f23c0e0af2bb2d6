/* Functions that invite overflows or hidden global state: using one is a
 * compile error (the idea is git's banned.h). */
#ifndef OCI_BANNED_H
#define OCI_BANNED_H

#define BANNED(func) sorry_##func##_is_banned_use_a_bounded_alternative

#undef strcpy
#define strcpy(x, y) BANNED (strcpy)
#undef strcat
#define strcat(x, y) BANNED (strcat)
#undef sprintf
#define sprintf(...) BANNED (sprintf)
#undef vsprintf
#define vsprintf(...) BANNED (vsprintf)
#undef strtok
#define strtok(x, y) BANNED (strtok)
#undef gets
#define gets(x) BANNED (gets)

#endif
