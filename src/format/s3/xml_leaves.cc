#include "format/s3/xml_leaves.h"

#include <cstdint>

namespace antcdn::format::s3 {
namespace {

constexpr size_t kMaxDepth = 32;

Error malformed(std::string what) {
  return make_error(Code::InvalidArgument, "xml: " + std::move(what));
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xc0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xe0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else {
    out.push_back(static_cast<char>(0xf0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  }
}

// "#65", "#x41" -> the code point, or nothing when not a valid XML character.
bool parse_char_ref(std::string_view ref, uint32_t& cp) {
  int base = 10;
  ref.remove_prefix(1);  // '#'
  if (!ref.empty() && ref[0] == 'x') {
    base = 16;
    ref.remove_prefix(1);
  }
  if (ref.empty() || ref.size() > 8) {
    return false;
  }
  cp = 0;
  for (char c : ref) {
    int d = -1;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (base == 16 && c >= 'a' && c <= 'f') {
      d = c - 'a' + 10;
    } else if (base == 16 && c >= 'A' && c <= 'F') {
      d = c - 'A' + 10;
    }
    if (d < 0) {
      return false;
    }
    cp = cp * base + static_cast<uint32_t>(d);
  }
  return cp != 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff);
}

// Appends `raw` (text between tags) to `out`, decoding entity references.
Status decode_text(std::string_view raw, std::string& out) {
  while (!raw.empty()) {
    size_t amp = raw.find('&');
    out.append(raw.substr(0, amp));
    if (amp == std::string_view::npos) {
      break;
    }
    size_t semi = raw.find(';', amp);
    if (semi == std::string_view::npos) {
      return malformed("unterminated entity");
    }
    std::string_view name = raw.substr(amp + 1, semi - amp - 1);
    uint32_t cp = 0;
    if (name == "lt") {
      out.push_back('<');
    } else if (name == "gt") {
      out.push_back('>');
    } else if (name == "amp") {
      out.push_back('&');
    } else if (name == "quot") {
      out.push_back('"');
    } else if (name == "apos") {
      out.push_back('\'');
    } else if (name.starts_with('#') && parse_char_ref(name, cp)) {
      append_utf8(out, cp);
    } else {
      return malformed("unknown entity");
    }
    raw.remove_prefix(semi + 1);
  }
  return {};
}

struct Open {
  size_t path_length;  // length of the path up to and including this name
  bool has_child = false;
};

class Walker {
 public:
  explicit Walker(std::string_view xml) : xml_(xml) {}

  Result<std::vector<XmlLeaf>> run() {
    while (pos_ < xml_.size()) {
      size_t lt = xml_.find('<', pos_);
      std::string_view text = xml_.substr(pos_, lt - pos_);
      if (Status s = on_text(text); !s.ok()) {
        return s.error();
      }
      if (lt == std::string_view::npos) {
        break;
      }
      pos_ = lt;
      if (Status s = on_markup(); !s.ok()) {
        return s.error();
      }
    }
    if (!stack_.empty() || !saw_root_) {
      return malformed("document ends inside an element or has no root");
    }
    return std::move(leaves_);
  }

 private:
  Status on_text(std::string_view text) {
    if (stack_.empty()) {
      for (char c : text) {
        if (!is_space(c)) {
          return malformed("text outside the root element");
        }
      }
      return {};
    }
    return decode_text(text, text_);
  }

  // At '<': a comment, PI, CDATA, end tag or start tag.
  Status on_markup() {
    std::string_view rest = xml_.substr(pos_);
    if (rest.starts_with("<?")) {
      return skip_past("?>");
    }
    if (rest.starts_with("<!--")) {
      return skip_past("-->");
    }
    if (rest.starts_with("<![CDATA[")) {
      size_t end = rest.find("]]>");
      if (end == std::string_view::npos || stack_.empty()) {
        return malformed("bad CDATA section");
      }
      text_.append(rest.substr(9, end - 9));
      pos_ += end + 3;
      return {};
    }
    if (rest.starts_with("<!")) {
      return malformed("DOCTYPE and other declarations are not accepted");
    }
    size_t gt = find_tag_end(rest);
    if (gt == std::string_view::npos) {
      return malformed("unterminated tag");
    }
    std::string_view tag = rest.substr(1, gt - 1);
    pos_ += gt + 1;
    if (tag.starts_with('/')) {
      return close(tag.substr(1));
    }
    bool self_closing = tag.ends_with('/');
    if (self_closing) {
      tag.remove_suffix(1);
    }
    size_t name_end = 0;
    while (name_end < tag.size() && !is_space(tag[name_end])) {
      ++name_end;
    }
    if (Status s = open(tag.substr(0, name_end)); !s.ok()) {
      return s;
    }
    return self_closing ? close(tag.substr(0, name_end)) : Status{};
  }

  // The '>' that ends the tag at the start of `rest`, skipping quoted attribute values.
  static size_t find_tag_end(std::string_view rest) {
    char quote = 0;
    for (size_t i = 1; i < rest.size(); ++i) {
      char c = rest[i];
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '>') {
        return i;
      }
    }
    return std::string_view::npos;
  }

  Status skip_past(std::string_view end) {
    size_t at = xml_.find(end, pos_);
    if (at == std::string_view::npos) {
      return malformed("unterminated comment or processing instruction");
    }
    pos_ = at + end.size();
    return {};
  }

  Status open(std::string_view name) {
    if (name.empty() || name.find_first_of("<>&/=\"'") != std::string_view::npos) {
      return malformed("bad element name");
    }
    if (stack_.empty() && saw_root_) {
      return malformed("more than one root element");
    }
    if (stack_.size() >= kMaxDepth) {
      return malformed("nested too deeply");
    }
    if (!stack_.empty()) {
      stack_.back().has_child = true;
      path_.push_back('/');
    }
    path_.append(name);
    stack_.push_back({path_.size()});
    saw_root_ = true;
    text_.clear();
    return {};
  }

  Status close(std::string_view name) {
    while (!name.empty() && is_space(name.back())) {
      name.remove_suffix(1);
    }
    if (stack_.empty() || name.empty() || name.find('/') != std::string_view::npos ||
        !std::string_view(path_).ends_with(name) ||
        (path_.size() > name.size() && path_[path_.size() - name.size() - 1] != '/')) {
      return malformed("end tag does not match its start tag");
    }
    if (!stack_.back().has_child) {
      leaves_.push_back({path_, std::move(text_)});
    }
    text_.clear();
    stack_.pop_back();
    path_.resize(stack_.empty() ? 0 : stack_.back().path_length);
    return {};
  }

  std::string_view xml_;
  size_t pos_ = 0;
  std::string path_;  // "A/B/C" of the open elements
  std::vector<Open> stack_;
  std::string text_;  // text of the innermost open element so far
  std::vector<XmlLeaf> leaves_;
  bool saw_root_ = false;
};

}  // namespace

Result<std::vector<XmlLeaf>> xml_leaves(std::string_view xml) {
  return Walker(xml).run();
}

void append_xml_escaped(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      default:
        out.push_back(c);
    }
  }
}

}  // namespace antcdn::format::s3
