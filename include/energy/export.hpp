// SPDX-License-Identifier: Apache-2.0
#pragma once

/**
 * @file
 * Which symbols a shared energy library exports.
 *
 * The libraries are compiled with hidden symbols (`-fvisibility=hidden
 * -fvisibility-inlines-hidden`): a shared `libenergy_<component>.so` exports exactly what the
 * public headers declare and keeps its internals, and the vendor libraries it links privately, out
 * of the dynamic symbol table. Static archives behave the same way inside a program or library that
 * links them.
 *
 * Every public header brackets its whole content with the pair below, right after `#pragma once`:
 * @code
 * #pragma once
 * #include <energy/export.hpp>
 * ENERGY_API_BEGIN
 * ...the header...
 * ENERGY_API_END
 * @endcode
 * Why a pair per header rather than a macro on each class and function: it is two fixed lines per
 * file, at places nobody edits, so it cannot conflict with work on the declarations, a new header
 * gets it right by copying any other, and the `public_headers_export_api` test checks that every
 * header has it. A declaration cannot be forgotten, and nothing private leaks: internals live in
 * src/, which never uses the pair.
 *
 * Compilers without GCC's visibility pragmas (MSVC) get empty macros: energy builds DLLs on no
 * platform today, only static libraries there.
 */

#if defined(__GNUC__) || defined(__clang__)
#define ENERGY_API_BEGIN _Pragma("GCC visibility push(default)")
#define ENERGY_API_END _Pragma("GCC visibility pop")
#else
#define ENERGY_API_BEGIN
#define ENERGY_API_END
#endif
