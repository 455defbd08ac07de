# cmake -P script: installs the energy libraries into a temporary prefix, then builds and runs
# programs that ask find_package(energy) for single components while every dependency those
# components do not need is made unfindable:
#   - COMPONENTS core: no SQLiteCpp, simdjson, pugixml, libcurl, zlib, pkg-config (libpqxx, libmodbus,
#     libmosquitto, pango), nlohmann_json or Eigen; a shared core needs neither fmt nor date/tz
#     (both are private to it; a static core brings them as link-only dependencies).
#   - COMPONENTS sqlite: the same without SQLiteCpp; energy::core comes with it.
#   - unknown, not-built and dependency-less components fail with a message naming why.
# Static (SHARED=OFF): installs the libraries of the build tree BUILD_DIR. Shared (SHARED=ON):
# configures and builds energy::core alone as a shared library first (ENERGY_CORE_ONLY and
# ENERGY_WITH_SQLITE=OFF: a second build of every adapter would double the test's cost; the
# adapters go through the same energy_add_library), which also gives components that are known but
# not built.
# Arguments: SOURCE_DIR, WORK_DIR, GENERATOR, SHARED, BUILD_DIR (static), CXX_FLAGS (shared).
file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)
set(consumer_dir ${SOURCE_DIR}/tests/integration/consumer/components)

function(run)
  execute_process(COMMAND ${ARGV} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    string(REPLACE ";" " " cmd "${ARGV}")
    message(FATAL_ERROR "component consumer step failed (${rc}): ${cmd}")
  endif()
endfunction()

set(launcher "")
find_program(CCACHE ccache)
if(CCACHE)
  set(launcher -DCMAKE_CXX_COMPILER_LAUNCHER=${CCACHE} -DCMAKE_C_COMPILER_LAUNCHER=${CCACHE})
endif()

if(SHARED)
  # Warnings are errors: hidden visibility must not warn either.
  run(${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${WORK_DIR}/lib -G ${GENERATOR} ${launcher}
      -DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}" -DCMAKE_COMPILE_WARNING_AS_ERROR=ON
      -DBUILD_SHARED_LIBS=ON -DBUILD_TESTING=OFF -DENERGY_INSTALL=ON -DENERGY_CORE_ONLY=ON
      -DENERGY_WITH_SQLITE=OFF)
  run(${CMAKE_COMMAND} --build ${WORK_DIR}/lib -j 2)
  run(${CMAKE_COMMAND} --install ${WORK_DIR}/lib --prefix ${prefix})
else()
  run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix} --component development)
endif()

set(hidden SQLiteCpp simdjson pugixml CURL ZLIB PkgConfig nlohmann_json Eigen3)
if(SHARED)
  list(APPEND hidden fmt date)
  set(expect_type SHARED_LIBRARY)
else()
  set(expect_type STATIC_LIBRARY)
endif()

# consume(<name> <program> <packages made unfindable> [-D... more definitions]): configures the
# consumer project; returns its exit code and output in <name>_rc and <name>_out.
function(consume name program unfindable)
  set(disable "")
  foreach(pkg IN LISTS unfindable)
    list(APPEND disable -DCMAKE_DISABLE_FIND_PACKAGE_${pkg}=ON)
  endforeach()
  execute_process(
    COMMAND ${CMAKE_COMMAND} -S ${consumer_dir} -B ${WORK_DIR}/${name} -G ${GENERATOR} ${launcher}
            -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH=${prefix} -DPROGRAM=${program}
            -DEXPECT_TYPE=${expect_type} ${disable} ${ARGN}
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  set(${name}_rc ${rc} PARENT_SCOPE)
  set(${name}_out "${out}${err}" PARENT_SCOPE)
endfunction()

function(expect_configured name)
  if(NOT ${name}_rc EQUAL 0)
    message(FATAL_ERROR "${name}: configuring the consumer failed:\n${${name}_out}")
  endif()
endfunction()

function(expect_failure name regex)
  if(${name}_rc EQUAL 0)
    message(FATAL_ERROR "${name}: configuring should have failed:\n${${name}_out}")
  endif()
  if(NOT "${${name}_out}" MATCHES "${regex}")
    message(FATAL_ERROR "${name}: the failure does not say '${regex}':\n${${name}_out}")
  endif()
endfunction()

function(build_and_run name)
  run(${CMAKE_COMMAND} --build ${WORK_DIR}/${name})
  execute_process(COMMAND ${WORK_DIR}/${name}/consumer ${ARGN}
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0 OR NOT out MATCHES "(^|\n)ok\n")
    message(FATAL_ERROR "${name}: the consumer program failed (${rc}):\n${out}${err}")
  endif()
endfunction()

# energy::core alone.
consume(core core "${hidden}")
expect_configured(core)
build_and_run(core)

# energy::sqlite, which brings energy::core; SQLiteCpp must be found now.
if(NOT SHARED)
  set(hidden_for_sqlite ${hidden})
  list(REMOVE_ITEM hidden_for_sqlite SQLiteCpp)
  consume(sqlite sqlite "${hidden_for_sqlite}")
  expect_configured(sqlite)
  build_and_run(sqlite ${WORK_DIR}/sqlite/consumer.db)
endif()

# Clear failures.
consume(unknown probe "" -DREQUEST=core,frobnicate)
expect_failure(unknown "unknown component 'frobnicate'")
if(SHARED)
  consume(not_built probe "" -DREQUEST=sqlite)
  expect_failure(not_built "component 'sqlite' was not built in this installation")
else()
  consume(missing_dependency probe "pugixml" -DREQUEST=greenbutton)
  expect_failure(missing_dependency "component 'greenbutton' needs pugixml, not found")
endif()
consume(optional probe "" -DREQUEST=core -DOPTIONAL=frobnicate)
expect_configured(optional)
if(NOT optional_out MATCHES "energy_core_FOUND=TRUE" OR
   NOT optional_out MATCHES "energy_frobnicate_FOUND=FALSE")
  message(FATAL_ERROR "optional: an optional component that is missing must only be not "
                      "found:\n${optional_out}")
endif()

# A shared library exports its public API and hides the rest (the vendor code it links, the
# helpers in src/).
if(SHARED)
  find_program(NM nm REQUIRED)
  file(GLOB core_so ${prefix}/lib*/libenergy_core.so)
  execute_process(COMMAND ${NM} -D -C --defined-only ${core_so} OUTPUT_VARIABLE symbols
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0 OR NOT symbols MATCHES "energy::library_version\\(\\)")
    message(FATAL_ERROR "libenergy_core.so does not export energy::library_version()")
  endif()
  if(symbols MATCHES " (fmt|Eigen)::")
    message(FATAL_ERROR "libenergy_core.so exports fmt or Eigen symbols")
  endif()
endif()
message(STATUS "component consumers built and ran against the installed energy in ${prefix}")
