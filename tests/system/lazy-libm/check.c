/*
 * Sources/CStartup/lazy_libm.c against libm itself: built with the forwarders and without
 * -lm, this program calls one function of every shape (float, double, long double; one,
 * two and three arguments; the int, pointer and string ones) and compares each result
 * with the value libm gives, looked up directly. Run by tests/system/install.sh.
 */
#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static void *libm;
static int failures;

static void *real(const char *name)
{
    return dlsym(libm, name);
}

/* One argument of type T: the forwarder's result against libm's own (NaNs alike). */
#define EXPECT1(T, name, x)                                                            \
    do {                                                                              \
        T (*direct)(T) = (T (*)(T))real(#name);                                       \
        T got = name(x), want = direct(x);                                            \
        if (!(got == want || (got != got && want != want))) {                         \
            fprintf(stderr, "lazy libm: %s differs\n", #name);                        \
            failures++;                                                               \
        }                                                                             \
    } while (0)

int main(void)
{
    libm = dlopen("libm.so.6", RTLD_NOW);
    if (libm == NULL) {
        fprintf(stderr, "lazy libm: no libm.so.6\n");
        return 1;
    }
    volatile float f = 0.7f;
    volatile double d = 0.7;
    volatile long double l = 0.7L;
    EXPECT1(float, cosf, f);
    EXPECT1(float, sqrtf, f);
    EXPECT1(double, cos, d);
    EXPECT1(double, floor, d * 10);
    EXPECT1(long double, log10l, l);
    EXPECT1(long double, truncl, l * 10);
    if (powf(2.0f, 10.0f) != 1024.0f || powl(2.0L, 64.0L) != 18446744073709551616.0L)
        failures++, fprintf(stderr, "lazy libm: pow differs\n");
    if (atan2l(1.0L, 1.0L) != ((long double (*)(long double, long double))real("atan2l"))(1.0L, 1.0L))
        failures++, fprintf(stderr, "lazy libm: atan2l differs\n");
    if (fma(2.0, 3.0, 1.0) != 7.0 || fmaf(2.0f, 3.0f, 1.0f) != 7.0f || fmal(2.0L, 3.0L, 1.0L) != 7.0L)
        failures++, fprintf(stderr, "lazy libm: fma differs\n");
    int quotient = 0;
    if (remquo(10.0, 3.0, &quotient) != 1.0 || quotient != 3)
        failures++, fprintf(stderr, "lazy libm: remquo differs\n");
    int sign = 0;
    if (lgamma_r(-0.5, &sign) != ((double (*)(double, int *))real("lgamma_r"))(-0.5, &quotient) || sign != -1)
        failures++, fprintf(stderr, "lazy libm: lgamma_r differs\n");
    if (jn(2, d) != ((double (*)(int, double))real("jn"))(2, d))
        failures++, fprintf(stderr, "lazy libm: jn differs\n");
    float n = nanf("");
    long double nl = nanl("");
    if (n == n || nl == nl)
        failures++, fprintf(stderr, "lazy libm: nan is a number\n");
    if (failures == 0)
        printf("ok\n");
    return failures != 0;
}
