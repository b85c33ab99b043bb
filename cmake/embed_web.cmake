# Embeds web/ (and the vendored npm modules it imports) into the binary as cs_web_assets.
find_package(Python3 REQUIRED COMPONENTS Interpreter)
file(GLOB_RECURSE CS_WEB_FILES CONFIGURE_DEPENDS
     ${CMAKE_SOURCE_DIR}/web/*.html ${CMAKE_SOURCE_DIR}/web/*.js ${CMAKE_SOURCE_DIR}/web/*.css
     ${CMAKE_SOURCE_DIR}/web/*.svg ${CMAKE_SOURCE_DIR}/web/package-lock.json)
list(FILTER CS_WEB_FILES EXCLUDE REGEX "/node_modules/")
set(CS_WEB_CC ${CMAKE_BINARY_DIR}/generated/web_assets.cc)
add_custom_command(
  OUTPUT ${CS_WEB_CC}
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/cmake/embed_web.py ${CMAKE_SOURCE_DIR}/web ${CS_WEB_CC}
  DEPENDS ${CS_WEB_FILES} ${CMAKE_SOURCE_DIR}/cmake/embed_web.py
  COMMENT "Embedding the web dashboard")
add_library(cs_web_assets STATIC ${CS_WEB_CC})
target_include_directories(cs_web_assets PUBLIC ${CMAKE_SOURCE_DIR}/src)
