// zanj::ndarray<T>: an n-d array with a run-time shape and contiguous C-order
// storage, the C++ side of a numpy array. A storage type, not a math library.
#pragma once

#include <algorithm>
#include <cassert>
#include <concepts>
#include <cstddef>
#include <cstdlib>
#include <initializer_list>
#include <new>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <zanj/detail/huge_pages.hpp>
#include <zanj/dtype.hpp>

namespace zanj {

/// Tag for the ndarray constructor that leaves the elements uninitialised.
struct for_overwrite_t {
  explicit for_overwrite_t() = default;
};
inline constexpr for_overwrite_t for_overwrite{};

template <array_element T>
class ndarray {
  // numpy stores bools as one byte each; so does a bool[] (not vector<bool>).
  static_assert(sizeof(bool) == 1, "zanj::ndarray<bool> relies on one-byte bools");

 public:
  using value_type = T;
  using size_type = std::size_t;
  using shape_type = std::vector<std::size_t>;
  using iterator = T*;
  using const_iterator = const T*;

  /// An empty 1-d array: shape {0}.
  ndarray() = default;

  /// A zero-filled array of this shape; shape {} is 0-d (one element).
  /// *Throws:* std::length_error if the element count overflows.
  explicit ndarray(shape_type shape) : shape_(std::move(shape)), size_(count(shape_)), data_(allocate(size_, true)) {}

  /// An array of this shape whose elements are left uninitialised, to be
  /// written before they are read (as std::make_unique_for_overwrite): a
  /// large array is then not touched twice.
  ndarray(shape_type shape, for_overwrite_t)
      : shape_(std::move(shape)), size_(count(shape_)), data_(allocate(size_, false)) {}

  /// An array of this shape holding `values` in C order.
  /// *Throws:* std::invalid_argument if the number of values differs from the shape's.
  ndarray(shape_type shape, std::span<const T> values) : shape_(std::move(shape)), size_(count(shape_)) {
    if (values.size() != size_)  // checked before allocating for a shape that may be absurd
      throw std::invalid_argument("zanj::ndarray: " + std::to_string(values.size()) + " values for a shape of " +
                                  std::to_string(size_) + " elements");
    data_ = allocate(size_, false);
    std::copy(values.begin(), values.end(), data_.get());
  }
  ndarray(shape_type shape, std::initializer_list<T> values)
      : ndarray(std::move(shape), std::span<const T>(values.begin(), values.size())) {}

  ndarray(const ndarray& other)
      : shape_(other.shape_), size_(other.size_), data_(allocate(size_, false)) {
    std::copy(other.begin(), other.end(), data_.get());
  }
  ndarray& operator=(const ndarray& other) {
    if (this != &other) *this = ndarray(other);
    return *this;
  }
  // The moved-from array becomes a default one (its one-element shape
  // vector is the only allocation; failing that is terminal, as for any
  // allocation under noexcept).
  ndarray(ndarray&& other) noexcept { swap(other); }
  ndarray& operator=(ndarray&& other) noexcept {
    ndarray(std::move(other)).swap(*this);
    return *this;
  }
  ~ndarray() = default;

  void swap(ndarray& other) noexcept {
    shape_.swap(other.shape_);
    std::swap(size_, other.size_);
    data_.swap(other.data_);
  }

  const shape_type& shape() const noexcept { return shape_; }
  std::size_t rank() const noexcept { return shape_.size(); }
  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }

  /// The elements in C order; may be null when there are none (as vector's).
  T* data() noexcept { return data_.get(); }
  const T* data() const noexcept { return data_.get(); }
  std::span<T> elements() noexcept { return {data_.get(), size_}; }
  std::span<const T> elements() const noexcept { return {data_.get(), size_}; }
  iterator begin() noexcept { return data_.get(); }
  iterator end() noexcept { return data_.get() + size_; }
  const_iterator begin() const noexcept { return data_.get(); }
  const_iterator end() const noexcept { return data_.get() + size_; }

  /// Element at a multi-index, one index per axis; unchecked (as vector's []).
  template <std::integral... Index>
  T& operator()(Index... index) noexcept {
    return data_[unchecked_offset(index...)];
  }
  template <std::integral... Index>
  const T& operator()(Index... index) const noexcept {
    return data_[unchecked_offset(index...)];
  }

  /// Element at a multi-index. *Throws:* std::out_of_range for a wrong
  /// number of indices or an index past its axis.
  T& at(std::span<const std::size_t> index) { return data_[checked_offset(index)]; }
  const T& at(std::span<const std::size_t> index) const { return data_[checked_offset(index)]; }
  T& at(std::initializer_list<std::size_t> index) { return at(std::span(index.begin(), index.size())); }
  const T& at(std::initializer_list<std::size_t> index) const { return at(std::span(index.begin(), index.size())); }

  /// Gives the same elements another shape. *Throws:* std::invalid_argument
  /// if the new shape holds a different number of elements.
  void reshape(shape_type new_shape) {
    if (count(new_shape) != size_)
      throw std::invalid_argument("zanj::ndarray: cannot reshape " + std::to_string(size_) + " elements to " +
                                  std::to_string(count(new_shape)));
    shape_ = std::move(new_shape);
  }

  /// Same shape and elements equal by T's ==, as std::vector compares (so a
  /// NaN element makes arrays unequal, and -0.0 equals 0.0).
  friend bool operator==(const ndarray& a, const ndarray& b) {
    return a.shape_ == b.shape_ && std::equal(a.begin(), a.end(), b.begin(), b.end());
  }

 private:
  static std::size_t count(const shape_type& shape) {
    std::size_t n = 1;
    for (auto d : shape)
      if (__builtin_mul_overflow(n, d, &n)) throw std::length_error("zanj::ndarray: shape's element count overflows");
    return n;
  }

  // Elements live in malloc'd memory (they are implicit-lifetime types, for
  // which all-zero bytes are the value zero): zero-filled arrays come from
  // calloc, which hands fresh pages over as they are, already zero, instead
  // of writing them. A large array built by shape and then filled (a model
  // built from its config, then read into) is so touched once, where it is
  // filled, on every core when zanj reads into it.
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T> &&
                alignof(T) <= alignof(std::max_align_t));
  struct free_memory {
    void operator()(T* p) const noexcept { std::free(p); }
  };
  using storage = std::unique_ptr<T[], free_memory>;

  /// Room for `n` elements (at least one, so that data() of an empty array
  /// is a valid pointer), zero-filled or not. *Throws:* std::bad_alloc.
  static storage allocate(std::size_t n, bool zeroed) {
    const std::size_t room = std::max<std::size_t>(n, 1);
    if (room > static_cast<std::size_t>(-1) / sizeof(T)) throw std::bad_array_new_length();
    void* p = zeroed ? std::calloc(room, sizeof(T)) : std::malloc(room * sizeof(T));
    if (!p) throw std::bad_alloc();
    detail::advise_huge_pages(p, room * sizeof(T));  // before the first touch, wherever that is
    return storage(static_cast<T*>(p));
  }

  template <class... Index>
  std::size_t unchecked_offset(Index... index) const noexcept {
    assert(sizeof...(Index) == shape_.size());
    std::size_t offset = 0, axis = 0;
    ((offset = offset * shape_[axis++] + static_cast<std::size_t>(index)), ...);
    return offset;
  }

  std::size_t checked_offset(std::span<const std::size_t> index) const {
    if (index.size() != shape_.size())
      throw std::out_of_range("zanj::ndarray::at: " + std::to_string(index.size()) + " indices for a rank-" +
                              std::to_string(shape_.size()) + " array");
    std::size_t offset = 0;
    for (std::size_t axis = 0; axis < index.size(); ++axis) {
      if (index[axis] >= shape_[axis])
        throw std::out_of_range("zanj::ndarray::at: index " + std::to_string(index[axis]) + " past axis " +
                                std::to_string(axis) + " of length " + std::to_string(shape_[axis]));
      offset = offset * shape_[axis] + index[axis];
    }
    return offset;
  }

  shape_type shape_{0};
  std::size_t size_ = 0;
  storage data_;
};

}  // namespace zanj
