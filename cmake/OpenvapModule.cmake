# openvap_module(<dir> SOURCES ... [DEPS ...] [PRIVATE_DEPS ...] [TESTS ...] [TEST_DEPS ...])
#
# One static library per module folder under src/ (DESIGN.md layout). <dir> is the folder
# relative to src/ ("base", "adapters/http"); the target is openvap_<last path component>
# with the alias openvap::<name>. DEPS are the modules and libraries its public headers need;
# they are the only arrows the layering test (tests/layering) lets its sources include.
# TESTS are the GoogleTest unit tests beside the code, labelled `unit`.

add_library(openvap_warnings INTERFACE)
target_compile_options(openvap_warnings INTERFACE -Wall -Wextra -Werror)

add_custom_target(openvap_unit_tests)

function(openvap_target_name dir out)
  get_filename_component(leaf "${dir}" NAME)
  set(${out} "openvap_${leaf}" PARENT_SCOPE)
endfunction()

function(openvap_module dir)
  cmake_parse_arguments(M "" "" "SOURCES;DEPS;PRIVATE_DEPS;TESTS;TEST_DEPS;TEST_DATA" ${ARGN})
  openvap_target_name("${dir}" target)
  get_filename_component(leaf "${dir}" NAME)
  add_library(${target} STATIC ${M_SOURCES})
  add_library(openvap::${leaf} ALIAS ${target})
  target_include_directories(${target} PUBLIC
    ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/include ${PROJECT_BINARY_DIR}/include)
  target_link_libraries(${target} PUBLIC ${M_DEPS} PRIVATE ${M_PRIVATE_DEPS} openvap_warnings)
  set_property(GLOBAL APPEND PROPERTY OPENVAP_MODULES "${dir}=${target}")
  set_property(GLOBAL PROPERTY OPENVAP_MODULE_DEPS_${target} "${M_DEPS};${M_PRIVATE_DEPS}")
  set_property(GLOBAL PROPERTY OPENVAP_MODULE_TEST_DEPS_${target} "${M_TEST_DEPS}")
  if(M_TESTS)
    openvap_unit_test(${leaf}_test SOURCES ${M_TESTS} DEPS ${target} ${M_TEST_DEPS})
  endif()
endfunction()

# openvap_unit_test(<name> SOURCES ... DEPS ...): a GoogleTest binary labelled `unit`, run by
# both the main and the sanitizer build. Tests run with the repository root as working directory
# so that ../shared test vectors and fuzz corpora are found by relative path.
function(openvap_unit_test name)
  cmake_parse_arguments(T "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_DEPS} GTest::gmock GTest::gtest_main openvap_warnings)
  gtest_discover_tests(${name} WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
    PROPERTIES LABELS unit ENVIRONMENT "OPENVAP_SHARED=${OPENVAP_SHARED_DIR}"
    DISCOVERY_TIMEOUT 60)
  add_dependencies(openvap_unit_tests ${name})
endfunction()

# Writes build/modules.txt: "<dir> <target> <transitive module deps...> | <test deps...>" per
# module, for the layering test (a module's unit tests may also include their TEST_DEPS).
function(openvap_write_module_map)
  get_property(modules GLOBAL PROPERTY OPENVAP_MODULES)
  set(lines "")
  foreach(entry ${modules})
    string(REPLACE "=" ";" parts "${entry}")
    list(GET parts 0 dir)
    list(GET parts 1 target)
    set(seen "")
    set(queue ${target})
    while(queue)
      list(POP_FRONT queue t)
      get_property(deps GLOBAL PROPERTY OPENVAP_MODULE_DEPS_${t})
      foreach(d ${deps})
        string(REPLACE "openvap::" "openvap_" d "${d}")
        if(d MATCHES "^openvap_" AND NOT d IN_LIST seen AND NOT d STREQUAL "openvap_warnings")
          list(APPEND seen ${d})
          list(APPEND queue ${d})
        endif()
      endforeach()
    endwhile()
    string(REPLACE ";" " " seen_str "${seen}")
    get_property(test_deps GLOBAL PROPERTY OPENVAP_MODULE_TEST_DEPS_${target})
    set(test_modules "")
    foreach(d ${test_deps})
      string(REPLACE "openvap::" "openvap_" d "${d}")
      if(d MATCHES "^openvap_")
        list(APPEND test_modules ${d})
      endif()
    endforeach()
    string(REPLACE ";" " " test_str "${test_modules}")
    string(APPEND lines "${dir} ${target} ${seen_str} | ${test_str}\n")
  endforeach()
  file(WRITE ${PROJECT_BINARY_DIR}/modules.txt "${lines}")
endfunction()
