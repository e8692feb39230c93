// Library version.
#pragma once

#define ZANJ_VERSION_MAJOR 0
#define ZANJ_VERSION_MINOR 1
#define ZANJ_VERSION_PATCH 0
#define ZANJ_VERSION_STRING "0.1.0"
