/*
 * The math library, loaded only if something calls it.
 *
 * The statically linked Swift standard library refers to 107 functions of libm (the
 * floating-point types' cos, log, rounding and the like, from sections the linker cannot
 * drop), so the executable used to name libm.so.6 as needed: on every start the loader
 * mapped it and bound it (about 9 page faults and 0.3 MiB of peak RSS, a tenth of what
 * start-up costs above iptables-legacy's), yet no iptables command ever calls one of them.
 *
 * Each of those functions is defined here instead, with libm's own signature, as a
 * forwarder: the first call opens libm.so.6 and looks the function up, later calls go
 * straight through the cached pointer (ceil, which every growing hash table calls, is
 * computed here instead, below). scripts/build links libm "as needed", so once every
 * reference resolves here libm is no longer loaded at start; should a later runtime refer
 * to a libm function missing from this list, the link simply needs libm again (correct,
 * only slower; tests/system/install.sh reports it). Hidden: nothing outside the
 * executable binds to these (the xtables plugins keep their own libm), and a debug build,
 * whose runtime is a shared library, never sees them.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

/* The function of libm called `name`, or the end of the process with a message: a
   missing libm.so.6 (it comes with every glibc) leaves no correct way on. */
static void *libm_function(const char *name)
{
    /* The caller sees errno as the math function leaves it, not as dlopen did. */
    int saved_errno = errno;
    static void *library;
    void *handle = __atomic_load_n(&library, __ATOMIC_ACQUIRE);
    if (handle == NULL) {
        handle = dlopen("libm.so.6", RTLD_NOW | RTLD_LOCAL);
        if (handle != NULL)
            __atomic_store_n(&library, handle, __ATOMIC_RELEASE);
    }
    void *function = handle != NULL ? dlsym(handle, name) : NULL;
    if (function == NULL) {
        fprintf(stderr, "cannot load %s from libm.so.6: %s\n", name, dlerror());
        abort();
    }
    errno = saved_errno;
    return function;
}

/* One forwarder: `result name(parameters)` calling libm's `name` with `arguments`. */
#define FORWARD(result, name, parameters, arguments)                                        \
    __attribute__((visibility("hidden"))) result name parameters;                           \
    result name parameters                                                                  \
    {                                                                                       \
        static result (*target) parameters;                                                 \
        result (*f) parameters = __atomic_load_n(&target, __ATOMIC_ACQUIRE);                \
        if (f == NULL) {                                                                    \
            f = (result (*) parameters)libm_function(#name);                                \
            __atomic_store_n(&target, f, __ATOMIC_RELEASE);                                 \
        }                                                                                   \
        return f arguments;                                                                 \
    }

/* The shapes libm's functions come in, for each of float, double and long double. */
#define UNARY(T, name) FORWARD(T, name, (T x), (x))
#define BINARY(T, name) FORWARD(T, name, (T x, T y), (x, y))
#define TERNARY(T, name) FORWARD(T, name, (T x, T y, T z), (x, y, z))

typedef long double ldouble;

/* ceil, computed here rather than forwarded: the standard library's hash tables call it
 * each time a Dictionary or Set grows (iptables-restore and -save grow one as they start),
 * and opening libm for it cost a dlopen and about ten page faults per run. Exact for every
 * double: below 2^52 the truncation to an integer is exact and one step up finishes it;
 * from 2^52 up (and infinities, NaNs) there is no fraction; a zero result keeps x's sign
 * (ceil(-0.5) is -0.0). */
__attribute__((visibility("hidden"))) double ceil(double x);
double ceil(double x)
{
    if (!(__builtin_fabs(x) < 4503599627370496.0))
        return x;
    double t = (double)(long long)x;
    if (t < x)
        t += 1.0;
    return __builtin_copysign(t, x);
}

UNARY(float, acosf) UNARY(float, acoshf) UNARY(float, asinf) UNARY(float, asinhf)
UNARY(float, atanf) UNARY(float, atanhf) UNARY(float, cbrtf) UNARY(float, ceilf)
UNARY(float, cosf) UNARY(float, coshf) UNARY(float, erfcf) UNARY(float, erff)
UNARY(float, exp2f) UNARY(float, expf) UNARY(float, expm1f) UNARY(float, floorf)
UNARY(float, log10f) UNARY(float, log1pf) UNARY(float, log2f) UNARY(float, logbf)
UNARY(float, logf) UNARY(float, nearbyintf) UNARY(float, rintf) UNARY(float, roundf)
UNARY(float, sinf) UNARY(float, sinhf) UNARY(float, sqrtf) UNARY(float, tanf)
UNARY(float, tanhf) UNARY(float, tgammaf) UNARY(float, truncf)

UNARY(double, cos) UNARY(double, exp) UNARY(double, exp2)
UNARY(double, floor) UNARY(double, log) UNARY(double, log10) UNARY(double, log2)
UNARY(double, nearbyint) UNARY(double, rint) UNARY(double, round) UNARY(double, sin)
UNARY(double, sqrt) UNARY(double, trunc)

UNARY(ldouble, acoshl) UNARY(ldouble, acosl) UNARY(ldouble, asinhl) UNARY(ldouble, asinl)
UNARY(ldouble, atanhl) UNARY(ldouble, atanl) UNARY(ldouble, cbrtl) UNARY(ldouble, ceill)
UNARY(ldouble, coshl) UNARY(ldouble, cosl) UNARY(ldouble, erfcl) UNARY(ldouble, erfl)
UNARY(ldouble, exp2l) UNARY(ldouble, expl) UNARY(ldouble, expm1l) UNARY(ldouble, floorl)
UNARY(ldouble, log10l) UNARY(ldouble, log1pl) UNARY(ldouble, log2l) UNARY(ldouble, logbl)
UNARY(ldouble, logl) UNARY(ldouble, nearbyintl) UNARY(ldouble, rintl) UNARY(ldouble, roundl)
UNARY(ldouble, sinhl) UNARY(ldouble, sinl) UNARY(ldouble, sqrtl) UNARY(ldouble, tanhl)
UNARY(ldouble, tanl) UNARY(ldouble, tgammal) UNARY(ldouble, truncl)

BINARY(float, atan2f) BINARY(float, fdimf) BINARY(float, fmodf) BINARY(float, hypotf)
BINARY(float, nextafterf) BINARY(float, powf) BINARY(float, remainderf)
BINARY(double, fmod) BINARY(double, remainder)
BINARY(ldouble, atan2l) BINARY(ldouble, fdiml) BINARY(ldouble, fmaxl) BINARY(ldouble, fminl)
BINARY(ldouble, fmodl) BINARY(ldouble, hypotl) BINARY(ldouble, nextafterl)
BINARY(ldouble, powl) BINARY(ldouble, remainderl)

TERNARY(float, fmaf) TERNARY(double, fma) TERNARY(ldouble, fmal)

FORWARD(double, jn, (int n, double x), (n, x))
FORWARD(double, yn, (int n, double x), (n, x))
FORWARD(float, lgammaf_r, (float x, int *sign), (x, sign))
FORWARD(double, lgamma_r, (double x, int *sign), (x, sign))
FORWARD(ldouble, lgammal_r, (ldouble x, int *sign), (x, sign))
FORWARD(float, remquof, (float x, float y, int *quotient), (x, y, quotient))
FORWARD(double, remquo, (double x, double y, int *quotient), (x, y, quotient))
FORWARD(ldouble, remquol, (ldouble x, ldouble y, int *quotient), (x, y, quotient))
FORWARD(float, nanf, (const char *payload), (payload))
FORWARD(ldouble, nanl, (const char *payload), (payload))
