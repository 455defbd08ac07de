# Install + export rules: `find_package(energy)` then link energy::core, energy::sqlite, ...
get_property(energy_targets GLOBAL PROPERTY ENERGY_EXPORTED_TARGETS)
install(TARGETS ${energy_targets} EXPORT energyTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/energy DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
if(EXISTS ${PROJECT_SOURCE_DIR}/share)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/share/ DESTINATION ${CMAKE_INSTALL_DATADIR}/energy)
endif()

set(energy_config_dir ${CMAKE_INSTALL_LIBDIR}/cmake/energy)
install(EXPORT energyTargets NAMESPACE energy:: DESTINATION ${energy_config_dir})
export(EXPORT energyTargets NAMESPACE energy:: FILE ${PROJECT_BINARY_DIR}/energyTargets.cmake)

# Which adapters were built decides which private dependencies a consumer must re-find
# (our libraries are static, so their link dependencies travel with them).
set(ENERGY_CONFIG_COMPONENT_TARGETS "${energy_targets}")
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/energyConfig.cmake.in
  ${PROJECT_BINARY_DIR}/energyConfig.cmake INSTALL_DESTINATION ${energy_config_dir})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/energyConfigVersion.cmake
  COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/energyConfig.cmake ${PROJECT_BINARY_DIR}/energyConfigVersion.cmake
  DESTINATION ${energy_config_dir})
