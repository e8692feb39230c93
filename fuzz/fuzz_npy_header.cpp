// libFuzzer target: arbitrary bytes as a .npy file, through npy::parse_header
// and npy::read. Only zanj::error may come out; a header that parses must
// announce data lying inside the input, parse the same under tight limits
// unless it exceeds them, and what npy::read returns must survive npy::write
// + npy::read unchanged.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include <zanj/error.hpp>
#include <zanj/limits.hpp>
#include <zanj/npy.hpp>
#include <zanj/value.hpp>

namespace {

void check_header(std::span<const std::byte> input) {
  const zanj::npy::header h = zanj::npy::parse_header(input);
  if (h.data_offset > input.size() || h.data_bytes() > input.size() - h.data_offset) __builtin_trap();
  // Tight limits refuse exactly the headers that exceed them.
  constexpr zanj::read_limits tight{.max_npy_header_length = 128, .max_array_elements = 1000};
  const std::size_t header_length = h.data_offset - (input[6] == std::byte{1} ? 10 : 12);
  const bool exceeds = header_length > tight.max_npy_header_length || h.element_count() > tight.max_array_elements;
  try {
    if (zanj::npy::parse_header(input, tight) != h || exceeds) __builtin_trap();
  } catch (const zanj::error&) {
    if (!exceeds) __builtin_trap();
  }
  // The header numpy would write for this type and shape parses back to it.
  const std::string text = zanj::npy::format_header(h.type, h.shape, h.fortran_order);
  std::vector<std::byte> again(text.size() + h.data_bytes());
  for (std::size_t i = 0; i < text.size(); ++i) again[i] = static_cast<std::byte>(text[i]);
  const zanj::npy::header back = zanj::npy::parse_header(again);
  if (back.type != h.type || back.shape != h.shape || back.fortran_order != h.fortran_order) __builtin_trap();
}

void check_read(std::span<const std::byte> input) {
  const zanj::array_value array = zanj::npy::read(input);
  if (array.bytes.size() != array.size() * zanj::itemsize(array.type)) __builtin_trap();
  const std::vector<std::byte> written = zanj::npy::write(array);
  const zanj::array_value back = zanj::npy::read(written);
  if (back.type != array.type || back.shape != array.shape || back.bytes != array.bytes) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::byte> input(reinterpret_cast<const std::byte*>(data), size);
  try {
    check_header(input);
  } catch (const zanj::error&) {
  }
  try {
    check_read(input);
  } catch (const zanj::error&) {
  }
  return 0;
}
