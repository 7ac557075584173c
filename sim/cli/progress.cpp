#include "progress.hpp"

#include <sys/ioctl.h>
#include <unistd.h>
#include <cmath>
#include <cstdio>

namespace leasesim::cli {

namespace {

std::string commas(uint64_t v) {
  std::string s = std::to_string(v);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<size_t>(i), ",");
  return s;
}

int terminal_width() {
  winsize ws{};
  if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40) return ws.ws_col;
  return 80;
}

}  // namespace

std::string format_eta(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const uint64_t s = static_cast<uint64_t>(seconds + 0.5);
  char buf[32];
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%lluh%02llum", static_cast<unsigned long long>(s / 3600),
                  static_cast<unsigned long long>(s % 3600 / 60));
  else if (s >= 60)
    std::snprintf(buf, sizeof buf, "%llum%02llus", static_cast<unsigned long long>(s / 60),
                  static_cast<unsigned long long>(s % 60));
  else
    std::snprintf(buf, sizeof buf, "%llus", static_cast<unsigned long long>(s));
  return buf;
}

Progress::Mode Progress::parse_mode(const std::string& text, bool* ok) {
  *ok = true;
  if (text == "auto") return Mode::kAuto;
  if (text == "bar") return Mode::kBar;
  if (text == "lines") return Mode::kLines;
  if (text == "none") return Mode::kNone;
  *ok = false;
  return Mode::kAuto;
}

Progress::Progress(std::string what, uint64_t total, Mode mode)
    : what_(std::move(what)), total_(total), mode_(mode) {
  if (mode_ == Mode::kAuto) mode_ = isatty(STDERR_FILENO) ? Mode::kBar : Mode::kLines;
  start_ = last_draw_ = std::chrono::steady_clock::now();
  every_ = mode_ == Mode::kBar ? std::chrono::milliseconds(100) : std::chrono::milliseconds(10'000);
}

Progress::~Progress() {
  if (drawn_) std::fputs("\n", stderr);
}

double Progress::elapsed_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

double Progress::rate(uint64_t done) const {
  const double t = elapsed_seconds();
  const uint64_t base = start_done_ == UINT64_MAX ? done : start_done_;
  return t > 0 ? static_cast<double>(done - std::min(done, base)) / t : 0.0;
}

std::string Progress::status(uint64_t done, uint64_t failures) const {
  const double r = rate(done);
  char buf[160];
  const uint64_t left = total_ > done ? total_ - done : 0;
  std::snprintf(buf, sizeof buf, "%s/%s %s  %s/s  violations %s  ETA %s", commas(done).c_str(),
                commas(total_).c_str(), what_.c_str(), commas(static_cast<uint64_t>(r)).c_str(),
                commas(failures).c_str(),
                left == 0 ? "0s"
                : r > 0   ? format_eta(static_cast<double>(left) / r).c_str()
                          : "?");
  return buf;
}

void Progress::update(uint64_t done, uint64_t failures) {
  if (start_done_ == UINT64_MAX) start_done_ = done > 0 ? done - 1 : 0;
  if (mode_ == Mode::kNone) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < every_) return;
  last_draw_ = now;
  draw(done, failures, false);
}

void Progress::draw(uint64_t done, uint64_t failures, bool final) {
  if (mode_ == Mode::kLines) {
    std::fprintf(stderr, "%s%s\n", final ? "done: " : "progress: ", status(done, failures).c_str());
    std::fflush(stderr);
    return;
  }
  const std::string s = status(done, failures);
  const int width = terminal_width();
  const int bar = std::max(10, width - static_cast<int>(s.size()) - 4);
  const double frac = total_ ? static_cast<double>(done) / static_cast<double>(total_) : 1.0;
  const int fill = static_cast<int>(frac * bar);
  std::string line = "\r[";
  for (int i = 0; i < bar; ++i) line += i < fill ? '#' : (i == fill ? '>' : ' ');
  line += "] " + s + "\x1b[K";
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
  drawn_ = true;
}

void Progress::message(const std::string& line) {
  if (drawn_) std::fputs("\r\x1b[K", stderr);
  std::fprintf(stderr, "%s\n", line.c_str());
  drawn_ = false;
  if (mode_ == Mode::kBar) last_draw_ = std::chrono::steady_clock::time_point{};  // redraw soon
}

void Progress::finish(uint64_t done, uint64_t failures) {
  if (mode_ == Mode::kNone) return;
  if (mode_ == Mode::kBar) {
    draw(done, failures, true);
    std::fputs("\n", stderr);
    drawn_ = false;
    return;
  }
  draw(done, failures, true);
}

}  // namespace leasesim::cli
