// zanj: inspect .zanj files from the command line, the way h5ls / h5dump
// inspect HDF5 files.
//
//   zanj ls FILE [PATH]               the object tree, from headers only
//   zanj cat FILE [PATH]              a value as JSON, externals resolved
//   zanj meta FILE                    the metadata member as JSON
//   zanj verify FILE                  CRCs, references, .npy headers, .jsonl lines
//   zanj extract FILE PATH -o OUT     one array as a plain .npy file
//
// Exit status: 0 ok, 1 a problem found or a runtime error, 2 a usage error.
// Every error is one line on stderr, "zanj: <file>: at <path>: member '<m>': <reason>".
#include <zanj/zanj.hpp>

#include <zanj/detail/array_elements.hpp>
#include <zanj/detail/format_names.hpp>
#include <zanj/detail/json_pointer.hpp>
#include <zanj/detail/load_context.hpp>
#include <zanj/detail/zip_reader.hpp>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <iostream>
#include <limits>
#include <map>
#include <new>
#include <optional>
#include <set>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace fs = std::filesystem;
using zanj::value;

constexpr int exit_ok = 0;
constexpr int exit_problem = 1;
constexpr int exit_usage = 2;

/// A mistake in the command line: reported as one line, exit status 2.
class usage_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// ---------------------------------------------------------------------------
// Help texts

constexpr std::string_view main_help = R"(usage: zanj COMMAND [OPTIONS] FILE [ARGS]

Inspect .zanj files (zip archives written by zanj-cpp or the Python zanj package).

commands:
  ls FILE [PATH]             the object tree below PATH, from headers only
  cat FILE [PATH]            the value at PATH as JSON, externals resolved
  meta FILE                  the metadata (__zanj_meta__.json) as JSON
  verify FILE                check CRCs, JSON, references, .npy headers, .jsonl lines
  extract FILE PATH -o OUT   write the array at PATH as a .npy file

PATH is a JSON pointer (RFC 6901), e.g. /container/0/x ("~1" stands for '/' in
a key, "~0" for '~'). "" and "/" are the root; a missing leading '/' is added.

options:
  -h, --help      this help; 'zanj COMMAND --help' shows a command's options
  --version       print the version

exit status: 0 ok, 1 a problem found or an error, 2 a usage error
)";

constexpr std::string_view ls_help = R"(usage: zanj ls [OPTIONS] FILE [PATH]

The object tree below PATH (default: the root), one line per node: the JSON
pointer, indented by depth, then what the node holds: object / list sizes,
dataclass names, array dtypes and shapes, scalar values, and for external
members their name, size and compressed size. Read from the document and the
member headers only: no array data is read, and external lists (.jsonl
members) are not opened unless -r is given.

options:
  -r, --recursive  also list the items of external lists (reads the .jsonl members)
  -d, --depth N    show at most N levels below PATH (0: PATH alone)
  -h, --help       this help
)";

constexpr std::string_view cat_help = R"(usage: zanj cat [OPTIONS] FILE [PATH]

The value at PATH (default: the root) as JSON, every external member read.
Arrays print as nested lists; an array of more than --max-elements elements
prints as a one-line summary string "<array DTYPE [SHAPE]: first ..., last ...>".
Floats print as Python does (1.0, 1e-05, NaN, Infinity).

options:
  --all                print every array in full
  -n, --max-elements N summarize arrays of more than N elements (default 1000)
  --compact            everything on one line
  -h, --help           this help
)";

constexpr std::string_view meta_help = R"(usage: zanj meta [OPTIONS] FILE

The metadata member (__zanj_meta__.json) as JSON: the writer configuration
(zanj_cfg), system information, externals_info and the timestamp.

options:
  --compact   everything on one line
  -h, --help  this help
)";

constexpr std::string_view verify_help = R"(usage: zanj verify FILE

Checks the whole archive: the CRC-32 of every member, that __zanj__.json and
__zanj_meta__.json parse, that every external reference names a member of the
right kind (and, for arrays, of the shape it states), that externals_info lists
every external and each entry's path leads to a reference to it, that every
.npy header parses and its data has the declared size, that every .jsonl line
parses, and that no member is left unreferenced.

Prints "OK: N members, M externals" and exits 0 when all is well; otherwise
prints one line per problem on stderr (file, path, member, reason) and exits 1.

options:
  -h, --help  this help
)";

constexpr std::string_view extract_help = R"(usage: zanj extract [OPTIONS] FILE PATH -o OUT

Writes the array at PATH (an external .npy member or an inline array) as a
plain .npy file OUT, which numpy.load reads. OUT must stay inside the current
folder (or the folder given with -C): absolute paths outside it and '..' that
leave it are refused. An existing OUT is never overwritten without --force.

options:
  -o, --output OUT     the .npy file to write (required)
  -C, --directory DIR  the folder OUT must stay inside (default: the current folder)
  -f, --force          overwrite OUT if it exists
  -h, --help           this help
)";

// ---------------------------------------------------------------------------
// Argument parsing: options and positionals in any order, "--" ends the
// options, "--name=value" or "--name value" or "-n value".

struct option_spec {
  char short_name;  // '\0' when there is none
  std::string_view long_name;
  bool takes_value;
};

struct arguments {
  std::vector<std::string> positional;
  std::map<std::string, std::string, std::less<>> options;  // by long name; "" for flags

  bool has(std::string_view name) const { return options.find(name) != options.end(); }
  std::optional<std::string> get(std::string_view name) const {
    auto it = options.find(name);
    if (it == options.end()) return std::nullopt;
    return it->second;
  }
};

arguments parse_arguments(std::string_view command, std::span<char* const> args,
                          std::span<const option_spec> specs) {
  const std::string hint = " (see 'zanj " + std::string(command) + " --help')";
  arguments out;
  bool options_done = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    if (options_done || arg.size() < 2 || arg[0] != '-') {
      out.positional.emplace_back(arg);
      continue;
    }
    if (arg == "--") {
      options_done = true;
      continue;
    }
    const option_spec* spec = nullptr;
    std::optional<std::string> inline_value;
    if (arg.starts_with("--")) {
      std::string_view name = arg.substr(2);
      if (auto eq = name.find('='); eq != std::string_view::npos) {
        inline_value = std::string(name.substr(eq + 1));
        name = name.substr(0, eq);
      }
      for (auto& s : specs)
        if (s.long_name == name) spec = &s;
    } else if (arg.size() == 2) {
      for (auto& s : specs)
        if (s.short_name == arg[1]) spec = &s;
    }
    if (!spec) throw usage_error("unknown option '" + std::string(arg) + "'" + hint);
    const std::string name(spec->long_name);
    if (out.has(name)) throw usage_error("option '" + std::string(arg) + "' given twice" + hint);
    if (!spec->takes_value) {
      if (inline_value) throw usage_error("option '--" + name + "' takes no value" + hint);
      out.options.emplace(name, std::string());
    } else if (inline_value) {
      out.options.emplace(name, *inline_value);
    } else {
      if (i + 1 >= args.size()) throw usage_error("option '" + std::string(arg) + "' needs a value" + hint);
      out.options.emplace(name, args[++i]);
    }
  }
  return out;
}

/// The positionals FILE [PATH...]: between `min` and `max` of them.
void expect_positionals(const arguments& a, std::string_view command, std::size_t min, std::size_t max,
                        std::string_view synopsis) {
  const std::string hint = " (usage: zanj " + std::string(command) + " " + std::string(synopsis) + ")";
  if (a.positional.size() < min) throw usage_error("missing argument" + hint);
  if (a.positional.size() > max) throw usage_error("unexpected argument '" + a.positional[max] + "'" + hint);
}

std::size_t parse_count(std::string_view option, const std::string& text) {
  std::size_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size())
    throw usage_error("option '" + std::string(option) + "' needs a non-negative integer, not '" + text + "'");
  return n;
}

/// A JSON pointer from the command line: "/" is the root too, and a
/// missing leading '/' is added.
std::string pointer_argument(const arguments& a, std::size_t index) {
  if (a.positional.size() <= index) return "";
  const std::string& p = a.positional[index];
  if (p.empty() || p == "/") return "";
  return p.front() == '/' ? p : "/" + p;
}

std::string escape_token(std::string_view key) {
  std::string out;
  zanj::detail::append_pointer_token(out, key);
  return out.substr(1);
}

std::string shape_text(std::span<const std::size_t> shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

std::string compact_json(const value& v) { return zanj::json::to_string(v, zanj::json::style::compact); }

std::string plural(std::size_t n, std::string_view word) {
  return std::to_string(n) + " " + std::string(word) + (n == 1 ? "" : "s");
}

// ---------------------------------------------------------------------------
// JSON printing for cat and meta: pretty (two spaces per level) or compact;
// arrays as nested lists, the innermost axis on one line; large arrays as a
// summary string.

class json_printer {
 public:
  json_printer(bool compact, std::size_t max_elements) : compact_(compact), max_elements_(max_elements) {}

  std::string print(const value& v) {
    out_.clear();
    write(v, 0);
    return out_;
  }

 private:
  void newline(std::size_t depth) {
    if (compact_) return;
    out_ += '\n';
    out_.append(2 * depth, ' ');
  }
  void separator(std::size_t i) {
    if (i > 0) out_ += compact_ ? ", " : ",";
  }

  void write(const value& v, std::size_t depth) {
    if (auto* items = v.items())
      write_list(*items, depth);
    else if (auto* obj = v.get_if<zanj::object>())
      write_object(*obj, depth);
    else if (auto* array = v.get_if<zanj::array_value>())
      write_array(*array, depth);
    else
      zanj::json::write(out_, v, zanj::json::style::compact);
  }

  void write_list(const std::vector<value>& items, std::size_t depth) {
    if (items.empty()) {
      out_ += "[]";
      return;
    }
    out_ += '[';
    for (std::size_t i = 0; i < items.size(); ++i) {
      separator(i);
      newline(depth + 1);
      write(items[i], depth + 1);
    }
    newline(depth);
    out_ += ']';
  }

  void write_object(const zanj::object& obj, std::size_t depth) {
    if (obj.empty()) {
      out_ += "{}";
      return;
    }
    out_ += '{';
    std::size_t i = 0;
    for (auto& [key, v] : obj) {
      separator(i++);
      newline(depth + 1);
      zanj::json::write_string(out_, key);
      out_ += ": ";
      write(v, depth + 1);
    }
    newline(depth);
    out_ += '}';
  }

  void write_element(const zanj::array_value& a, std::size_t index) {
    const value element = zanj::detail::element_to_value(a.type, a.bytes.data() + index * zanj::itemsize(a.type));
    zanj::json::write(out_, element, zanj::json::style::compact);
  }

  void write_array(const zanj::array_value& a, std::size_t depth) {
    std::size_t count = 1;
    for (auto d : a.shape)
      if (__builtin_mul_overflow(count, d, &count)) throw zanj::error("array shape is too large");
    if (a.bytes.size() / zanj::itemsize(a.type) != count || a.bytes.size() % zanj::itemsize(a.type) != 0)
      throw zanj::error("array holds " + std::to_string(a.bytes.size()) + " bytes, its shape " +
                        shape_text(a.shape) + " needs " + std::to_string(count) + " elements");
    if (count > max_elements_) {
      write_summary(a, count);
      return;
    }
    if (a.shape.empty()) {
      write_element(a, 0);
      return;
    }
    std::size_t next = 0;
    write_axis(a, 0, next, depth);
  }

  // One axis of a C-order array; `next` is the flat index of the next element.
  void write_axis(const zanj::array_value& a, std::size_t axis, std::size_t& next, std::size_t depth) {
    const std::size_t n = a.shape[axis];
    if (n == 0) {
      out_ += "[]";
      return;
    }
    out_ += '[';
    const bool innermost = axis + 1 == a.shape.size();
    for (std::size_t i = 0; i < n; ++i) {
      if (innermost) {
        if (i > 0) out_ += ", ";
        write_element(a, next++);
      } else {
        separator(i);
        newline(depth + 1);
        write_axis(a, axis + 1, next, depth + 1);
      }
    }
    if (!innermost) newline(depth);
    out_ += ']';
  }

  void write_summary(const zanj::array_value& a, std::size_t count) {
    constexpr std::size_t shown = 5;
    std::string text = "<";
    text += a.torch ? "tensor " : "array ";
    text += zanj::numpy_name(a.type);
    text += " " + shape_text(a.shape) + ": first ";
    const auto element_text = [&](std::size_t i) {
      return compact_json(zanj::detail::element_to_value(a.type, a.bytes.data() + i * zanj::itemsize(a.type)));
    };
    for (std::size_t i = 0; i < shown && i < count; ++i) text += (i ? ", " : "") + element_text(i);
    text += ", last ";
    const std::size_t from = count > shown ? count - shown : 0;
    for (std::size_t i = from; i < count; ++i) text += (i > from ? ", " : "") + element_text(i);
    text += ">";
    zanj::json::write_string(out_, text);
  }

  bool compact_;
  std::size_t max_elements_;
  std::string out_;
};

// ---------------------------------------------------------------------------
// zanj ls

struct ls_settings {
  bool recursive = false;
  std::size_t max_depth = std::numeric_limits<std::size_t>::max();
};

struct ls_line {
  std::size_t depth;
  std::string pointer;
  std::string description;
};

bool is_external(const zanj::node_info& n) { return n.format.ends_with(zanj::detail::external_suffix); }
bool is_external_list(const zanj::node_info& n) {
  return n.format == zanj::detail::list_external || n.format == zanj::detail::tuple_external;
}

/// A key or pointer for display on one line: control characters escaped.
std::string printable(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) {
      static constexpr char digits[] = "0123456789abcdef";
      out += "\\u00";
      out += digits[c >> 4];
      out += digits[c & 0xf];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

/// "'a/b.npy' 2528 bytes, 1204 compressed" for an external member.
std::string member_text(const zanj::node_info& n, const zanj::detail::zip_reader& zip) {
  std::string s = "'" + printable(n.member) + "' ";
  const auto* entry = zip.find(n.member);
  if (n.member.empty() || !entry) return s + "MISSING";
  s += plural(n.content_bytes, "byte");
  if (entry->method == 0)
    s += ", uncompressed";
  else
    s += ", " + std::to_string(n.stored_bytes) + " compressed";
  return s;
}

/// A short, one-line rendering of a scalar.
std::string scalar_text(const value& v) {
  constexpr std::size_t limit = 60;
  if (auto* s = v.get_if<std::string>(); s && s->size() > limit) {
    std::size_t cut = limit;
    while (cut > 0 && (static_cast<unsigned char>((*s)[cut]) & 0xC0) == 0x80) --cut;  // keep UTF-8 whole
    return compact_json(value(s->substr(0, cut))) + "...";
  }
  return compact_json(v);
}

std::string describe(const zanj::archive& ar, const zanj::detail::zip_reader& zip, const std::string& pointer,
                     const zanj::node_info& n) {
  const std::string_view format = n.format;
  if (n.kind == "array") {
    std::string s = format.starts_with(zanj::detail::torch_prefix) ? "tensor " : "array ";
    s += (n.dtype.empty() ? "?" : printable(n.dtype)) + " " + shape_text(n.shape);
    if (auto colon = format.rfind(':'); colon != std::string_view::npos) s += " " + std::string(format.substr(colon + 1));
    if (is_external(n)) s += " " + member_text(n, zip);
    return s;
  }
  if (is_external(n)) {
    std::string_view what = format.substr(0, format.size() - zanj::detail::external_suffix.size());
    return std::string(what) + " external " + member_text(n, zip);
  }
  if (n.kind == "object") return "object " + plural(n.children, "key");
  if (n.kind == "list" || n.kind == "tuple") return n.kind + " " + plural(n.children, "item");
  if (format.ends_with(zanj::detail::dataclass_suffix))
    return "dataclass " + printable(format.substr(0, format.size() - zanj::detail::dataclass_suffix.size())) +
           " " + plural(n.children, "field");
  if (!format.empty()) return "object (" + printable(format) + ") " + plural(n.children, "key");
  // A scalar: its value, shortened.
  if (n.kind == "null") return "null";
  return n.kind + " " + scalar_text(ar.get(pointer));
}

/// `open` holds the external lists being listed, so that a list whose
/// items refer back to it is reported instead of followed forever.
void list_tree(const zanj::archive& ar, const zanj::detail::zip_reader& zip, const std::string& pointer,
               std::size_t depth, const ls_settings& settings, std::vector<ls_line>& lines,
               std::vector<std::string>& open) {
  const zanj::node_info n = ar.info(pointer);
  lines.push_back({depth, pointer, describe(ar, zip, pointer, n)});
  if (depth >= settings.max_depth || n.kind == "array") return;
  const bool descend = is_external(n) ? settings.recursive && is_external_list(n) : n.children > 0;
  if (!descend) return;
  const bool external = is_external(n);
  if (external) {
    if (std::find(open.begin(), open.end(), n.member) != open.end())
      throw zanj::error("reference loop: member '" + n.member + "' refers back to itself", ar.path(), pointer,
                        n.member);
    open.push_back(n.member);
  }
  for (const std::string& child : ar.children(pointer))
    list_tree(ar, zip, pointer + "/" + escape_token(child), depth + 1, settings, lines, open);
  if (external) open.pop_back();
}

int cmd_ls(std::span<char* const> args) {
  static constexpr option_spec specs[] = {{'h', "help", false}, {'r', "recursive", false}, {'d', "depth", true}};
  const arguments a = parse_arguments("ls", args, specs);
  if (a.has("help")) {
    std::cout << ls_help;
    return exit_ok;
  }
  expect_positionals(a, "ls", 1, 2, "FILE [PATH]");
  ls_settings settings;
  settings.recursive = a.has("recursive");
  if (auto d = a.get("depth")) settings.max_depth = parse_count("--depth", *d);

  const fs::path file = a.positional[0];
  const zanj::archive ar(file);
  const zanj::detail::zip_reader zip(file);
  std::vector<ls_line> lines;
  std::vector<std::string> open;
  list_tree(ar, zip, pointer_argument(a, 1), 0, settings, lines, open);

  // Descriptions start in one column (unless a pointer is very long).
  constexpr std::size_t max_column = 40;
  const auto width = [](const ls_line& l) {
    std::size_t chars = 0;
    for (unsigned char c : printable(l.pointer.empty() ? "/" : l.pointer)) chars += (c & 0xC0) != 0x80;
    return 2 * l.depth + chars;
  };
  std::size_t column = 0;
  for (auto& l : lines) column = std::max(column, std::min(width(l), max_column));
  std::string out;
  for (auto& l : lines) {
    out.append(2 * l.depth, ' ');
    out += printable(l.pointer.empty() ? "/" : l.pointer);
    out.append(column > width(l) ? column - width(l) : 0, ' ');
    out += "  " + l.description + "\n";
  }
  std::cout << out;
  return exit_ok;
}

// ---------------------------------------------------------------------------
// zanj cat, zanj meta

int cmd_cat(std::span<char* const> args) {
  static constexpr option_spec specs[] = {
      {'h', "help", false}, {'\0', "all", false}, {'\0', "compact", false}, {'n', "max-elements", true}};
  const arguments a = parse_arguments("cat", args, specs);
  if (a.has("help")) {
    std::cout << cat_help;
    return exit_ok;
  }
  expect_positionals(a, "cat", 1, 2, "FILE [PATH]");
  std::size_t max_elements = 1000;
  if (auto n = a.get("max-elements")) max_elements = parse_count("--max-elements", *n);
  if (a.has("all")) {
    if (a.has("max-elements")) throw usage_error("--all and --max-elements exclude each other");
    max_elements = std::numeric_limits<std::size_t>::max();
  }

  const zanj::archive ar(a.positional[0]);
  const value v = ar.get(pointer_argument(a, 1));
  std::cout << json_printer(a.has("compact"), max_elements).print(v) << "\n";
  return exit_ok;
}

int cmd_meta(std::span<char* const> args) {
  static constexpr option_spec specs[] = {{'h', "help", false}, {'\0', "compact", false}};
  const arguments a = parse_arguments("meta", args, specs);
  if (a.has("help")) {
    std::cout << meta_help;
    return exit_ok;
  }
  expect_positionals(a, "meta", 1, 1, "FILE");
  const zanj::archive ar(a.positional[0]);
  std::cout << json_printer(a.has("compact"), std::numeric_limits<std::size_t>::max()).print(ar.meta()) << "\n";
  return exit_ok;
}

// ---------------------------------------------------------------------------
// zanj verify

class verifier {
 public:
  explicit verifier(fs::path file) : file_(std::move(file)), zip_(file_) {}

  /// Runs every check; returns the problems found, one line each.
  std::vector<std::string> run() {
    read_members();
    if (document_) walk(*document_, "");
    check_externals_info();
    std::string unread_lists;  // .jsonl members that could not be read may hold references
    for (auto& name : unreadable_)
      if (name.ends_with(".jsonl")) unread_lists += (unread_lists.empty() ? " (unless from unreadable '" : ", '") + name + "'";
    if (!unread_lists.empty()) unread_lists += ")";
    for (auto& entry : zip_.entries())
      if (entry.name != zanj::detail::main_member && entry.name != zanj::detail::meta_member &&
          !referenced_at_.contains(entry.name))
        problem("member is not referenced by the document" + unread_lists, "", entry.name);
    // Paths inside a member's content continue the path of its reference.
    std::vector<std::string> lines;
    for (auto& p : problems_) {
      if ((p.pointer.empty() || p.inside_member) && !p.member.empty())
        if (auto at = referenced_at_.find(p.member); at != referenced_at_.end()) p.pointer = at->second + p.pointer;
      lines.emplace_back(zanj::error(p.reason, file_, p.pointer, p.member).what());
    }
    return lines;
  }

  std::size_t members() const { return zip_.entries().size(); }
  std::size_t externals() const { return referenced_at_.size(); }

 private:
  struct finding {
    std::string reason, pointer, member;
    bool inside_member = false;  // pointer is relative to the member's content (a .jsonl line)
  };

  void problem(std::string reason, std::string pointer = {}, std::string member = {}) {
    problems_.push_back({std::move(reason), std::move(pointer), std::move(member)});
  }
  void problem(const zanj::error& e) { problem(e.reason(), e.object_path(), e.member()); }

  // Every member's content, CRC checked; JSON, .npy and .jsonl members parsed.
  void read_members() {
    for (auto& entry : zip_.entries()) {
      std::vector<std::byte> bytes;
      try {
        bytes = zip_.read(entry);
      } catch (const zanj::error& e) {
        problem(e);
        unreadable_.insert(entry.name);
        continue;
      }
      const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
      try {
        if (entry.name == zanj::detail::main_member)
          document_ = zanj::json::parse(text);
        else if (entry.name == zanj::detail::meta_member)
          meta_ = zanj::json::parse(text);
        else if (entry.name.ends_with(".npy"))
          check_npy(entry.name, bytes);
        else if (entry.name.ends_with(".jsonl"))
          jsonl_.emplace(entry.name, zanj::detail::load_context::parse_jsonl(bytes));
      } catch (const zanj::error& e) {
        problem(e.with_context(file_, "", entry.name));
        problems_.back().inside_member = entry.name.ends_with(".jsonl");
        unreadable_.insert(entry.name);
      }
    }
    for (auto name : {zanj::detail::main_member, zanj::detail::meta_member})
      if (!zip_.find(name)) problem("not a zanj archive: member missing", "", std::string(name));
  }

  void check_npy(const std::string& name, std::span<const std::byte> bytes) {
    const zanj::npy::header h = zanj::npy::parse_header(bytes);  // also checks the data is all there
    const std::size_t end = h.data_offset + h.data_bytes();
    if (end < bytes.size())
      problem(std::to_string(bytes.size() - end) + " bytes after the array data", "", name);
    npy_shapes_.emplace(name, h.shape);
  }

  static bool is_ref(const value& node) { return zanj::detail::load_context::is_external_ref(node); }

  // Every external reference below `node`, following .jsonl payloads.
  void walk(const value& node, const std::string& pointer) {
    if (is_ref(node)) {
      check_reference(node, pointer);
      return;
    }
    if (auto* obj = node.get_if<zanj::object>()) {
      for (auto& [key, child] : *obj)
        if (key != zanj::detail::format_key) walk(child, pointer + "/" + escape_token(key));
    } else if (auto* items = node.items()) {
      for (std::size_t i = 0; i < items->size(); ++i) walk((*items)[i], pointer + "/" + std::to_string(i));
    }
  }

  void check_reference(const value& ref, const std::string& pointer) {
    const std::string_view format = zanj::detail::format_of(ref);
    auto* name_node = ref.find(zanj::detail::ref_key);
    if (!name_node || !name_node->is_string()) {
      problem("external reference without a '$ref' member name", pointer);
      return;
    }
    const std::string& name = name_node->as_string();
    if (auto [it, fresh] = referenced_at_.emplace(name, pointer); !fresh) {
      problem("member is referenced a second time (first at " + (it->second.empty() ? "/" : it->second) + ")",
              pointer, name);
      return;
    }
    if (!zip_.find(name)) {
      problem("dangling reference: no such member", pointer, name);
      return;
    }
    const bool array = format.starts_with(zanj::detail::numpy_prefix) || format.starts_with(zanj::detail::torch_prefix);
    const std::string_view extension = array ? ".npy" : ".jsonl";
    if (!name.ends_with(extension)) {
      problem("'" + std::string(format) + "' reference names a member that is not " + std::string(extension),
              pointer, name);
      return;
    }
    if (meta_ && meta_->is_object()) {
      auto* info = meta_->find("externals_info");
      if (info && info->is_object() && !info->as_object().contains(name))
        problem("member is not listed in externals_info (the Python reader will not load it)", pointer, name);
    }
    if (auto shape = npy_shapes_.find(name); shape != npy_shapes_.end()) {
      if (auto* stated = ref.find("shape"); stated && stated->is_list()) {
        value actual{zanj::list{}};
        for (auto d : shape->second) actual.as_list().emplace_back(d);
        if (!(*stated == actual))
          problem("reference states shape " + compact_json(*stated) + ", the .npy holds " + shape_text(shape->second),
                  pointer, name);
      }
    }
    if (auto payload = jsonl_.find(name); payload != jsonl_.end()) {
      if (std::find(open_.begin(), open_.end(), name) != open_.end()) {
        problem("reference loop: the member refers back to itself", pointer, name);
        return;
      }
      open_.push_back(name);
      walk(payload->second, pointer);
      open_.pop_back();
    }
  }

  // Each externals_info entry: a member of its item_type whose path leads
  // to a reference naming it (FORMAT.md §10.1).
  void check_externals_info() {
    if (!meta_) return;
    if (!meta_->is_object()) {
      problem("metadata is not a JSON object", "", std::string(zanj::detail::meta_member));
      return;
    }
    auto* info = meta_->find("externals_info");
    if (!info || !info->is_object()) {
      problem("metadata has no 'externals_info' object", "", std::string(zanj::detail::meta_member));
      return;
    }
    for (auto& [name, entry] : info->as_object()) {
      auto* path = entry.find("path");
      const std::string pointer = path ? pointer_of(*path) : std::string();
      if (!zip_.find(name)) {
        problem("externals_info lists a member the archive lacks", pointer, name);
        continue;
      }
      auto* item_type = entry.find("item_type");
      if (!item_type || !item_type->is_string() ||
          (item_type->as_string() != "npy" && item_type->as_string() != "jsonl") ||
          !name.ends_with("." + item_type->as_string())) {
        problem("externals_info entry has item_type " + (item_type ? compact_json(*item_type) : "(none)") +
                    ", not the member's extension",
                pointer, name);
        continue;
      }
      if (!path || !path->is_list()) {
        problem("externals_info entry has no 'path' list", "", name);
        continue;
      }
      follow_path(name, path->as_list());
    }
  }

  /// An externals_info path as a JSON pointer, as far as it is well formed.
  static std::string pointer_of(const value& path) {
    std::string pointer;
    if (auto* items = path.items())
      for (auto& step : *items) {
        if (step.is_string())
          pointer += "/" + escape_token(step.as_string());
        else if (step.kind() == zanj::kind::int64)
          pointer += "/" + std::to_string(step.as_int64());
        else
          break;
      }
    return pointer;
  }

  void follow_path(const std::string& name, const zanj::list& path) {
    if (!document_) return;
    const value* node = &*document_;
    std::string pointer;
    const std::string where = "externals_info path " + compact_json(value(path));
    for (auto& step : path) {
      if (is_ref(*node)) {  // an element of an external list: step into its payload
        auto payload = jsonl_.find(zanj::detail::ref_name(*node));
        if (payload == jsonl_.end()) {
          problem(where + " passes through an external whose payload could not be read", pointer, name);
          return;
        }
        node = &payload->second;
      }
      if (step.is_string() && node->is_object()) {
        pointer += "/" + escape_token(step.as_string());
        node = node->find(step.as_string());
      } else if (step.kind() == zanj::kind::int64 && node->items() && step.as_int64() >= 0 &&
                 static_cast<std::uint64_t>(step.as_int64()) < node->items()->size()) {
        pointer += "/" + std::to_string(step.as_int64());
        node = &(*node->items())[static_cast<std::size_t>(step.as_int64())];
      } else {
        node = nullptr;
      }
      if (!node) {
        problem(where + " does not lead into the document (no " + compact_json(step) + ")", pointer, name);
        return;
      }
    }
    if (!is_ref(*node) || zanj::detail::ref_name(*node) != name)
      problem(where + " leads to a value that is not a reference to this member", pointer, name);
  }

  fs::path file_;
  zanj::detail::zip_reader zip_;
  std::optional<value> document_, meta_;
  std::map<std::string, value> jsonl_;
  std::map<std::string, std::vector<std::size_t>> npy_shapes_;
  std::map<std::string, std::string> referenced_at_;  // member -> pointer of its reference
  std::vector<std::string> open_;                    // .jsonl members being walked
  std::set<std::string> unreadable_;                 // members whose content failed a check
  std::vector<finding> problems_;
};

int cmd_verify(std::span<char* const> args) {
  static constexpr option_spec specs[] = {{'h', "help", false}};
  const arguments a = parse_arguments("verify", args, specs);
  if (a.has("help")) {
    std::cout << verify_help;
    return exit_ok;
  }
  expect_positionals(a, "verify", 1, 1, "FILE");
  verifier v(a.positional[0]);
  const std::vector<std::string> problems = v.run();
  for (auto& p : problems) std::cerr << p << "\n";
  if (!problems.empty()) return exit_problem;
  std::cout << "OK: " << plural(v.members(), "member") << ", " << plural(v.externals(), "external") << "\n";
  return exit_ok;
}

// ---------------------------------------------------------------------------
// zanj extract

bool inside(const fs::path& p, const fs::path& folder) {
  const fs::path rel = p.lexically_relative(folder);
  return !rel.empty() && rel != "." && *rel.begin() != "..";
}

/// OUT as an absolute path inside `folder`, or a usage error.
fs::path checked_output(const std::string& out, const fs::path& folder_argument) {
  if (out.empty()) throw usage_error("option '-o' needs a file name");
  std::error_code ec;
  const fs::path folder = fs::canonical(folder_argument, ec);
  if (ec || !fs::is_directory(folder))
    throw usage_error(zanj::error("not a folder" + (ec ? ": " + ec.message() : std::string()), folder_argument).what());
  const fs::path given(out);
  const fs::path target = (given.is_absolute() ? given : folder / given).lexically_normal();
  const auto refuse = [&](const std::string& why) { throw usage_error(zanj::error(why, given).what()); };
  const std::string choose = " (choose another -o, or the folder with -C)";
  if (target == folder || target.lexically_relative(folder) == "." || !target.has_filename())
    refuse("not a file name");
  if (!inside(target, folder)) refuse("refusing to write outside " + folder.string() + choose);
  // Symbolic links may still lead elsewhere.
  const fs::path resolved = fs::weakly_canonical(target, ec);
  if (ec || !inside(resolved, folder))
    refuse("refusing to write through a symbolic link that leads outside " + folder.string() + choose);
  return target;
}

/// Writes `bytes` to `target` (shown to the user as `shown`); without
/// `force` an existing file is never replaced, not even in a race.
void write_file(const fs::path& target, const fs::path& shown, std::span<const std::byte> bytes, bool force) {
  if (fs::is_directory(target)) throw zanj::error("is a folder", shown);
  std::FILE* f = std::fopen(target.c_str(), force ? "wb" : "wbx");  // x: fails if the file exists
  if (!f) {
    if (errno == EEXIST) throw zanj::error("file exists (use --force to overwrite it)", shown);
    throw zanj::error(std::string("cannot create: ") + std::strerror(errno), shown);
  }
  const bool written = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  const int write_errno = errno;
  if (std::fclose(f) != 0 || !written) {
    const int error_number = written ? errno : write_errno;
    std::error_code ignored;
    fs::remove(target, ignored);
    throw zanj::error(std::string("cannot write: ") + std::strerror(error_number), shown);
  }
}

int cmd_extract(std::span<char* const> args) {
  static constexpr option_spec specs[] = {
      {'h', "help", false}, {'o', "output", true}, {'C', "directory", true}, {'f', "force", false}};
  const arguments a = parse_arguments("extract", args, specs);
  if (a.has("help")) {
    std::cout << extract_help;
    return exit_ok;
  }
  expect_positionals(a, "extract", 2, 2, "FILE PATH -o OUT");
  const auto out = a.get("output");
  if (!out) throw usage_error("missing -o OUT (usage: zanj extract FILE PATH -o OUT)");
  const fs::path target = checked_output(*out, a.get("directory").value_or("."));
  const bool force = a.has("force");
  // Checked before the (maybe long) read; write_file checks again.
  if (fs::is_directory(target)) throw zanj::error("is a folder", *out);
  if (!force && fs::exists(fs::symlink_status(target)))
    throw zanj::error("file exists (use --force to overwrite it)", *out);

  const fs::path file = a.positional[0];
  const std::string pointer = pointer_argument(a, 1);
  const zanj::archive ar(file);
  const value v = ar.get(pointer);
  if (!v.is_array())
    throw zanj::error("not an array: found " + zanj::detail::load_context::describe(v), file,
                      pointer.empty() ? "/" : pointer);
  const std::vector<std::byte> npy = zanj::npy::write(v.as_array());
  write_file(target, *out, npy, force);
  return exit_ok;
}

// ---------------------------------------------------------------------------

int run(int argc, char** argv) {
  const std::span<char* const> all(argv, static_cast<std::size_t>(argc));
  if (all.size() < 2) throw usage_error("missing command (see 'zanj --help')");
  const std::string_view command = all[1];
  const auto rest = all.subspan(2);
  if (command == "-h" || command == "--help" || command == "help") {
    std::cout << main_help;
    return exit_ok;
  }
  if (command == "--version") {
    std::cout << "zanj " << ZANJ_VERSION_STRING << "\n";
    return exit_ok;
  }
  if (command == "ls") return cmd_ls(rest);
  if (command == "cat") return cmd_cat(rest);
  if (command == "meta") return cmd_meta(rest);
  if (command == "verify") return cmd_verify(rest);
  if (command == "extract") return cmd_extract(rest);
  throw usage_error("unknown command '" + std::string(command) + "' (see 'zanj --help')");
}

/// One line: the message, prefixed "zanj: " unless it already is.
void report(std::string_view message) {
  std::string line(message);
  std::replace(line.begin(), line.end(), '\n', ' ');
  if (!line.starts_with("zanj: ")) line = "zanj: " + line;
  std::cerr << line << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const int status = run(argc, argv);
    std::cout.flush();
    if (!std::cout) {
      report("cannot write the output");
      return exit_problem;
    }
    return status;
  } catch (const usage_error& e) {
    report(e.what());
    return exit_usage;
  } catch (const zanj::error& e) {
    report(e.what());
  } catch (const fs::filesystem_error& e) {
    report(e.what());
  } catch (const std::bad_alloc&) {
    report("out of memory");
  } catch (const std::exception& e) {
    report(std::string("internal error: ") + e.what());
  } catch (...) {
    report("internal error");
  }
  return exit_problem;
}
