// SPDX-License-Identifier: Apache-2.0
#include <energy/decimal_column.hpp>

#include <cfenv>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace energy {
namespace {

/// Elements [from, to) one at a time; the index of the first refused element, or `to`.
std::size_t convert_each(std::span<const double> in, std::span<milli> out, std::size_t from,
                         std::size_t to) noexcept {
  for (std::size_t i = from; i < to; ++i) {
    const auto m = to_milli(in[i]);
    if (!m) return i;
    out[i] = *m;
  }
  return to;
}

}  // namespace

std::size_t to_milli(std::span<const double> in, std::span<milli> out) noexcept {
  std::size_t i = 0;
  const std::size_t n = in.size();
#if defined(__SSE2__)
  // Rounding through the "magic number" 1.5 * 2^52: for |x| < 2^51, x + magic lands where one
  // unit is the last mantissa bit, so the addition rounds x to an integer (to nearest, ties to
  // even) and the low 52 bits of the sum, less the magic's, are that integer in two's complement.
  // Ties are then moved away from zero: d = x - r is exact here, and is ±0.5 only at a tie. This
  // needs the default rounding mode; any other takes the element-by-element path.
  if (std::fegetround() == FE_TONEAREST) {
    const __m128d thousand = _mm_set1_pd(1000.0);
    const __m128d magic = _mm_set1_pd(6755399441055744.0);
    const __m128i magic_bits = _mm_castpd_si128(magic);
    const __m128d fast_limit = _mm_set1_pd(2251799813685248.0);  // 2^51
    const __m128d sign_bit = _mm_set1_pd(-0.0);
    const __m128d half = _mm_set1_pd(0.5);
    const __m128d minus_half = _mm_set1_pd(-0.5);
    const __m128d zero = _mm_setzero_pd();
    for (; i + 2 <= n; i += 2) {
      const __m128d x = _mm_mul_pd(_mm_loadu_pd(in.data() + i), thousand);
      const __m128d magnitude = _mm_andnot_pd(sign_bit, x);
      if (_mm_movemask_pd(_mm_cmplt_pd(magnitude, fast_limit)) != 3) {  // NaN fails it too
        const std::size_t stop = convert_each(in, out, i, i + 2);
        if (stop != i + 2) return stop;
        continue;
      }
      const __m128d shifted = _mm_add_pd(x, magic);
      const __m128i nearest = _mm_sub_epi64(_mm_castpd_si128(shifted), magic_bits);
      const __m128d fraction = _mm_sub_pd(x, _mm_sub_pd(shifted, magic));
      // All-ones lanes are -1 as integers: subtracting `up` adds one, adding `down` takes one.
      const __m128i up =
          _mm_castpd_si128(_mm_and_pd(_mm_cmpeq_pd(fraction, half), _mm_cmpgt_pd(x, zero)));
      const __m128i down =
          _mm_castpd_si128(_mm_and_pd(_mm_cmpeq_pd(fraction, minus_half), _mm_cmplt_pd(x, zero)));
      const __m128i result = _mm_add_epi64(_mm_sub_epi64(nearest, up), down);
      std::memcpy(out.data() + i, &result, sizeof result);
    }
  }
#endif
  return convert_each(in, out, i, n);
}

}  // namespace energy
