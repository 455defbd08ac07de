# Install + export rules: find_package(energy [COMPONENTS core sqlite ...]), then link energy::core,
# energy::sqlite, ... Each library is one component with an export file of its own
# (energy-<component>-targets.cmake), and energyConfig.cmake looks up the dependencies of the
# components asked for, and of the components they build on, and nothing else.
# Everything here is the install component "development" (libraries, headers, package files, the
# schema files): `cmake --install <build> --component development` installs the library without
# the programs (the CLI and the server install under the default component).
get_property(energy_targets GLOBAL PROPERTY ENERGY_EXPORTED_TARGETS)
set(energy_config_dir ${CMAKE_INSTALL_LIBDIR}/cmake/energy)

# How a consumer finds each library an energy target links, as a key energyConfig.cmake understands:
# a CMake package name, or pkg-config:<PREFIX>:<module>[,<module>...] for the libraries found through
# pkg-config (the same modules as the adapter's pkg_check_modules call). A library missing from this
# table stops the configure step, so a new adapter dependency cannot be forgotten here.
function(energy_consumer_package lib out)
  set(key "")
  if(lib STREQUAL "fmt::fmt")
    set(key fmt)
  elseif(lib MATCHES "^date::date(-tz)?$")
    set(key date)
  elseif(lib STREQUAL "Threads::Threads")
    set(key Threads)
  elseif(lib STREQUAL "SQLiteCpp")
    set(key SQLiteCpp)
  elseif(lib STREQUAL "simdjson::simdjson")
    set(key simdjson)
  elseif(lib STREQUAL "pugixml::pugixml")
    set(key pugixml)
  elseif(lib STREQUAL "CURL::libcurl")
    set(key CURL)
  elseif(lib STREQUAL "ZLIB::ZLIB")
    set(key ZLIB)
  elseif(lib STREQUAL "PkgConfig::PQXX")
    set(key pkg-config:PQXX:libpqxx,libpq)
  elseif(lib STREQUAL "PkgConfig::MODBUS")
    set(key pkg-config:MODBUS:libmodbus)
  elseif(lib STREQUAL "PkgConfig::MOSQUITTO")
    set(key pkg-config:MOSQUITTO:libmosquitto)
  elseif(lib STREQUAL "PkgConfig::PANGOCAIRO")
    set(key pkg-config:PANGOCAIRO:pangocairo,cairo-pdf)
  else()
    message(FATAL_ERROR "cmake/install-rules.cmake: an energy library links '${lib}', which has no "
                        "entry in energy_consumer_package(): add how a consumer finds it")
  endif()
  set(${out} ${key} PARENT_SCOPE)
endfunction()

# What a consumer of energy_<component> needs: the energy components it links (public or private)
# and the packages its exported link interface names. A static archive carries its private link
# dependencies too (the final link needs them); a shared library hides them. Header-only build
# dependencies ($<BUILD_INTERFACE:...>) never reach a consumer.
set(energy_component_table "")
set(energy_built_components "")
foreach(target IN LISTS energy_targets)
  get_target_property(component ${target} EXPORT_NAME)
  get_target_property(type ${target} TYPE)
  list(APPEND energy_built_components ${component})
  if(type STREQUAL "STATIC_LIBRARY")
    get_target_property(libs ${target} LINK_LIBRARIES)
  else()
    get_target_property(libs ${target} INTERFACE_LINK_LIBRARIES)
  endif()
  set(requires "")
  set(packages "")
  foreach(lib IN LISTS libs)
    if(lib MATCHES "^\\$<BUILD_INTERFACE:")
      continue()
    elseif(lib MATCHES "^(energy::|energy_)(.+)$")
      list(APPEND requires ${CMAKE_MATCH_2})
    else()
      energy_consumer_package(${lib} key)
      list(APPEND packages ${key})
    endif()
  endforeach()
  list(REMOVE_DUPLICATES requires)
  list(REMOVE_DUPLICATES packages)
  string(APPEND energy_component_table
    "set(_energy_requires_${component} \"${requires}\")\n"
    "set(_energy_packages_${component} \"${packages}\")\n")

  install(TARGETS ${target} EXPORT energy_${component}_targets COMPONENT development
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
    RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
    INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
  install(EXPORT energy_${component}_targets NAMESPACE energy::
    FILE energy-${component}-targets.cmake DESTINATION ${energy_config_dir} COMPONENT development)
endforeach()

# Every component the project defines, built here or not: core and one per adapter folder. Asking
# for one that is not built fails with "not built", for any other name with "unknown".
set(energy_all_components core)
file(GLOB energy_adapter_cmakelists ${PROJECT_SOURCE_DIR}/src/adapters/*/CMakeLists.txt)
foreach(file IN LISTS energy_adapter_cmakelists)
  file(STRINGS ${file} declarations REGEX "^energy_add_library\\(")
  foreach(declaration IN LISTS declarations)
    string(REGEX REPLACE "^energy_add_library\\(([a-z0-9_]+).*" "\\1" name "${declaration}")
    list(APPEND energy_all_components ${name})
  endforeach()
endforeach()
list(SORT energy_all_components)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/energy DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  COMPONENT development)
install(FILES ${ENERGY_GENERATED_INCLUDE_DIR}/energy/version.hpp
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/energy COMPONENT development)
if(EXISTS ${PROJECT_SOURCE_DIR}/share)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/share/ DESTINATION ${CMAKE_INSTALL_DATADIR}/energy
    COMPONENT development)
endif()

# The package files are generated beside each other in their own folder of the build tree (they
# describe the installed tree only).
set(energy_package_dir ${PROJECT_BINARY_DIR}/cmake-package)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/energyConfig.cmake.in
  ${energy_package_dir}/energyConfig.cmake INSTALL_DESTINATION ${energy_config_dir})
# While the major version is 0, a minor version may break the API: only the same minor matches.
if(PROJECT_VERSION_MAJOR EQUAL 0)
  set(energy_compatibility SameMinorVersion)
else()
  set(energy_compatibility SameMajorVersion)
endif()
write_basic_package_version_file(${energy_package_dir}/energyConfigVersion.cmake
  COMPATIBILITY ${energy_compatibility})
install(FILES ${energy_package_dir}/energyConfig.cmake ${energy_package_dir}/energyConfigVersion.cmake
  DESTINATION ${energy_config_dir} COMPONENT development)
