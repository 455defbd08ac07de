# cmake -P script, one CHECK per run (see CMakeLists.txt). Each failure names the file and line.
set(failures "")

# The lines of a file as a list (semicolons inside a line kept as <semicolon>, empty lines kept).
function(read_lines out file)
  file(READ ${SOURCE_DIR}/${file} text)
  string(REPLACE ";" "<semicolon>" text "${text}")
  string(REPLACE "\n" ";" text "${text}")
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

# The files of a folder (relative glob), sorted.
function(sources out dir)
  file(GLOB_RECURSE found RELATIVE ${SOURCE_DIR} ${SOURCE_DIR}/${dir}/${ARGN})
  list(SORT found)
  set(${out} ${found} PARENT_SCOPE)
endfunction()

if(CHECK STREQUAL "public_headers_export_api")
  # Right after `#pragma once`: the export header and ENERGY_API_BEGIN; last: ENERGY_API_END.
  # (energy/export.hpp explains why; without the pair, a shared library hides the header's API.)
  sources(headers include *.hpp)
  list(APPEND headers cmake/version.hpp.in)
  list(REMOVE_ITEM headers include/energy/export.hpp)
  set(opening "#pragma once\n#include <energy/export.hpp>\nENERGY_API_BEGIN\n")
  foreach(header IN LISTS headers)
    file(READ ${SOURCE_DIR}/${header} text)
    string(FIND "${text}" "${opening}" at)
    string(REGEX MATCH "\nENERGY_API_END\n*$" closing "${text}")
    if(at LESS 0 OR NOT closing)
      list(APPEND failures "${header}: must start with `#pragma once`, `#include <energy/export.hpp>`, "
                           "`ENERGY_API_BEGIN` and end with `ENERGY_API_END` (see energy/export.hpp)")
    endif()
  endforeach()

elseif(CHECK STREQUAL "public_headers_name_no_date_library")
  # Installed headers use C++20 <chrono> calendar types and energy::time_zone: no `date::` name
  # and no <date/...> include, so the library can move from Howard Hinnant's date/tz to
  # std::chrono zones without changing a signature (the tz library stays inside src/).
  sources(headers include *.hpp)
  list(APPEND headers cmake/version.hpp.in)
  foreach(header IN LISTS headers)
    read_lines(lines ${header})
    set(number 0)
    foreach(line IN LISTS lines)
      math(EXPR number "${number} + 1")
      if(line MATCHES "(#[ ]*include[ ]*[<\"]date/|(^|[^A-Za-z0-9_:])date::[A-Za-z_]*)")
        list(APPEND failures "${header}:${number}: names the date library ('${CMAKE_MATCH_1}'): "
                             "use <chrono> calendar types or energy::time_zone")
      endif()
    endforeach()
  endforeach()

elseif(CHECK STREQUAL "user_docs_speak_to_users")
  # Users read the public headers and docs/: they cite no design document the library grew from
  # ("the seed", system-design.md), and headers carry no benchmark results (docs/benchmarks.md
  # does). A random-number "seed 42", `seed.mjs` and numpy's `[seed, ...]` are fine.
  sources(headers include *.hpp)
  sources(docs docs *.md)
  set(design_regex "(system-design|design document|design\\.md|[Ss]eed's|[^A-Za-z_./-][Ss]eed([^A-Za-z0-9_.,]|$))")
  set(allowed_regex "([Ss]eed [0-9]|seed\\.mjs|\\[seed,)")
  set(timing_regex "([0-9][0-9,.]* ?[kMG]? ?(readings|rows|messages|requests)/s|[0-9][0-9.]* ?[×x] (faster|slower)|docs/benchmarks|bench/)")
  foreach(file IN LISTS headers docs README.md)
    read_lines(lines ${file})
    set(number 0)
    foreach(line IN LISTS lines)
      math(EXPR number "${number} + 1")
      string(REGEX REPLACE "${allowed_regex}" "" scrubbed "${line}")
      if(scrubbed MATCHES "${design_regex}")
        list(APPEND failures "${file}:${number}: names the design document ('${CMAKE_MATCH_1}'): say it to a user of the library")
      endif()
      if(file MATCHES "^include/" AND line MATCHES "${timing_regex}")
        list(APPEND failures "${file}:${number}: a benchmark result in a public header ('${CMAKE_MATCH_1}'): it belongs in docs/benchmarks.md")
      endif()
    endforeach()
  endforeach()

elseif(CHECK STREQUAL "options_are_read")
  # Every option() of the project's CMake files is read by some other line of them (an if(), a
  # generator expression, a -D in a script): an option that nothing reads is a lie to the user.
  file(GLOB_RECURSE cmake_files RELATIVE ${SOURCE_DIR} ${SOURCE_DIR}/CMakeLists.txt
       ${SOURCE_DIR}/cmake/*.cmake ${SOURCE_DIR}/src/*CMakeLists.txt ${SOURCE_DIR}/cli/*CMakeLists.txt
       ${SOURCE_DIR}/tests/*CMakeLists.txt ${SOURCE_DIR}/tests/*.cmake ${SOURCE_DIR}/examples/*CMakeLists.txt
       ${SOURCE_DIR}/bench/*CMakeLists.txt ${SOURCE_DIR}/bindings/*CMakeLists.txt
       ${SOURCE_DIR}/fuzz/*CMakeLists.txt ${SOURCE_DIR}/bindings/*.py)
  list(FILTER cmake_files EXCLUDE REGEX "(^|/)(build|node_modules)/")
  set(all_lines "")
  set(options "")
  foreach(file IN LISTS cmake_files)
    read_lines(lines ${file})
    foreach(line IN LISTS lines)
      string(REGEX REPLACE "#.*$" "" code "${line}")
      if(code MATCHES "^[ ]*option\\(([A-Za-z0-9_]+)")
        list(APPEND options "${CMAKE_MATCH_1}@${file}")
      else()
        # Writing an option (set(NAME ...)) is not reading it.
        string(REGEX REPLACE "(^|[^A-Za-z0-9_])(set|unset)\\([A-Za-z0-9_]+" "\\1" code "${code}")
        string(APPEND all_lines "${code}\n")
      endif()
    endforeach()
  endforeach()
  if(NOT options)
    list(APPEND failures "no option() found: the check reads the wrong files")
  endif()
  foreach(entry IN LISTS options)
    string(REPLACE "@" ";" parts "${entry}")
    list(GET parts 0 name)
    list(GET parts 1 file)
    if(name MATCHES "^(BUILD_SHARED_LIBS|BUILD_TESTING)$")  # read by CMake itself
      continue()
    endif()
    if(NOT all_lines MATCHES "[^A-Za-z0-9_]${name}[^A-Za-z0-9_]")
      list(APPEND failures "${file}: option ${name} is read nowhere: wire it or delete it")
    endif()
  endforeach()

else()
  message(FATAL_ERROR "unknown CHECK '${CHECK}'")
endif()

if(failures)
  list(LENGTH failures n)
  string(REPLACE ";" "\n  " text "${failures}")
  message(FATAL_ERROR "${CHECK}: ${n} problem(s):\n  ${text}")
endif()
message(STATUS "${CHECK}: ok")
