/*
 * Sources/CStartup/lazy_libm.c against libm itself: built with the forwarders and without
 * -lm, this program calls every one-argument forwarder and one of every other shape (two
 * and three arguments; the int, pointer and string ones) and compares each result with
 * the value libm gives, looked up directly (ceil, computed there, at a million points);
 * a first call leaves errno alone. Run by
 * tests/system/install.sh.
 */
#include <dlfcn.h>
#include <errno.h>
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

/* Every one-argument forwarder of each type against libm's function of that name. */
#define UNARY_TABLE(T, table, ...)                                                     \
    static const struct { const char *name; T (*f)(T); } table[] = { __VA_ARGS__ };
#define F(name) { #name, name }
UNARY_TABLE(float, floats, F(acosf), F(acoshf), F(asinf), F(asinhf), F(atanf), F(atanhf), F(cbrtf),
            F(ceilf), F(cosf), F(coshf), F(erfcf), F(erff), F(exp2f), F(expf), F(expm1f), F(floorf),
            F(log10f), F(log1pf), F(log2f), F(logbf), F(logf), F(nearbyintf), F(rintf), F(roundf),
            F(sinf), F(sinhf), F(sqrtf), F(tanf), F(tanhf), F(tgammaf), F(truncf))
UNARY_TABLE(double, doubles, F(ceil), F(cos), F(exp), F(exp2), F(floor), F(log), F(log10), F(log2),
            F(nearbyint), F(rint), F(round), F(sin), F(sqrt), F(trunc))
UNARY_TABLE(long double, ldoubles, F(acoshl), F(acosl), F(asinhl), F(asinl), F(atanhl), F(atanl),
            F(cbrtl), F(ceill), F(coshl), F(cosl), F(erfcl), F(erfl), F(exp2l), F(expl), F(expm1l),
            F(floorl), F(log10l), F(log1pl), F(log2l), F(logbl), F(logl), F(nearbyintl), F(rintl),
            F(roundl), F(sinhl), F(sinl), F(sqrtl), F(tanhl), F(tanl), F(tgammal), F(truncl))

/* Same value, or both NaN. */
#define SAME(a, b) ((a) == (b) || ((a) != (a) && (b) != (b)))

static void check_unary(void)
{
    const double points[] = { 0.25, 0.7, 1.5, -0.3 };
    for (size_t p = 0; p < sizeof(points) / sizeof(points[0]); p++) {
        for (size_t i = 0; i < sizeof(floats) / sizeof(floats[0]); i++) {
            float x = (float)points[p], got = floats[i].f(x);
            float want = ((float (*)(float))real(floats[i].name))(x);
            if (!SAME(got, want))
                failures++, fprintf(stderr, "lazy libm: %s differs\n", floats[i].name);
        }
        for (size_t i = 0; i < sizeof(doubles) / sizeof(doubles[0]); i++) {
            double x = points[p], got = doubles[i].f(x);
            double want = ((double (*)(double))real(doubles[i].name))(x);
            if (!SAME(got, want))
                failures++, fprintf(stderr, "lazy libm: %s differs\n", doubles[i].name);
        }
        for (size_t i = 0; i < sizeof(ldoubles) / sizeof(ldoubles[0]); i++) {
            long double x = points[p], got = ldoubles[i].f(x);
            long double want = ((long double (*)(long double))real(ldoubles[i].name))(x);
            if (!SAME(got, want))
                failures++, fprintf(stderr, "lazy libm: %s differs\n", ldoubles[i].name);
        }
    }
}

/* ceil, computed in lazy_libm.c, against libm's bit for bit (the sign of a zero counts)
   at the edges and at a million doubles of every exponent. */
static void check_ceil(void)
{
    double (*want)(double) = (double (*)(double))real("ceil");
    const double edges[] = { 0.0, -0.0, 0.5, -0.5, 1.0, -1.0, 1.5, -1.5, 2.5, -2.5, 0.9999999999999999,
                             -0.9999999999999999, 4503599627370495.5, -4503599627370495.5, 4503599627370496.0,
                             -4503599627370496.0, 9007199254740993.0, 1e300, -1e300, 5e-324, -5e-324,
                             2.2250738585072014e-308, 1.0 / 0.0, -1.0 / 0.0, 0.0 / 0.0 };
    unsigned long long state = 0x9e3779b97f4a7c15ULL;
    for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]) + 1000000; i++) {
        double x;
        if (i < sizeof(edges) / sizeof(edges[0])) {
            x = edges[i];
        } else {
            state ^= state << 13, state ^= state >> 7, state ^= state << 17;
            /* Exponents around the integers (most of them), then any bits at all. */
            unsigned long long bits = i % 4 ? (state & 0x800fffffffffffffULL) | ((0x3f0ULL + state % 0x60) << 52) : state;
            memcpy(&x, &bits, sizeof x);
        }
        double got = ceil(x), expected = want(x);
        if (memcmp(&got, &expected, sizeof got) != 0 && !(got != got && expected != expected)) {
            fprintf(stderr, "lazy libm: ceil(%a) is %a, libm says %a\n", x, got, expected);
            failures++;
            return;
        }
    }
}

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
    check_unary();
    check_ceil();
    errno = 0;
    (void)remainderf(5.0f, 3.0f);  /* not called before: its first call loads it */
    if (errno != 0)
        failures++, fprintf(stderr, "lazy libm: the first call left errno %d\n", errno);
    float n = nanf("");
    long double nl = nanl("");
    if (n == n || nl == nl)
        failures++, fprintf(stderr, "lazy libm: nan is a number\n");
    if (failures == 0)
        printf("ok\n");
    return failures != 0;
}
